// End-to-end: share links (issue 15, items 1, 6 and 7) in Debian's Chromium. The Share button's
// link opens the same cluster in a fresh browser; bad links show their words and the default
// lab; a link over a saved lab waits for the reader; what a stranger's link carries is text.
// Run by scripts/test after `trunk build --release` (dist/ must exist).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { serve, launch, openPage, type, terminalText, live } from './harness.mjs';

let server, browser;

before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** CRC-32 (IEEE), as lab::share checks it. */
function crc32(bytes) {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (~crc) >>> 0;
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** A link of version 1 for a share's JSON, made as a stranger could make it. */
function linkOf(json) {
  const data = zlib.deflateRawSync(Buffer.from(json, 'utf8'));
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data));
  return `v1.${b64url(data)}.${b64url(crc)}`;
}

/** A share's JSON: the lab's save (`Saved::to_json`'s shape) and what goes with it. */
function shareJson({ files = [], lines = [], now = 0, lesson, lang } = {}) {
  const journal = lines.map(([at, term, line]) => ({ at, term, act: { Line: line } }));
  const histories = [0, 1].map((t) => lines.filter((l) => l[1] === t).map((l) => l[2]));
  const lab = { version: 1, seed: 28, initial_files: files, files, journal, applied: journal.length, now, histories };
  return JSON.stringify({ lab, ...(lesson ? { lesson, step: 0 } : {}), ...(lang ? { lang } : {}) });
}

const podNames = (page) =>
  page.$$eval('[data-testid^="pod-"]', (els) => els.map((e) => e.dataset.testid).sort());

/** Types `line` and returns what the terminal printed for it. */
async function outputOf(page, line) {
  const before = (await terminalText(page)).length;
  await type(page, line);
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid=terminal]').textContent.length > n && document.querySelector('[data-testid=terminal]').textContent.endsWith('# '),
    before + line.length + 2,
  );
  const text = await terminalText(page);
  return text.slice(before).split('\n').slice(1, -1).join('\n');
}

test('Share: the link opens the same cluster in a fresh browser, at the same moment', async () => {
  const a = await openPage(browser, server.url);
  await type(a.page, 'kubectl apply -f deploy.yaml && kubectl apply -f web.yaml');
  await a.page.getByRole('button', { name: '10×' }).click();
  await a.page.waitForSelector('[data-testid="pod-web-1"][data-status="Running"]', { timeout: 30000 });
  await a.page.click('[data-testid=pause]');
  const names = await podNames(a.page);
  assert.ok(names.filter((n) => n.startsWith('pod-deploy-')).length >= 2, names.join(' '));
  await a.page.click('[data-testid=share]');
  const field = a.page.locator('[data-testid=share-link]');
  await field.waitFor();
  const link = await field.inputValue();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{6}$/);
  assert.ok(link.length < 2000, `${link.length} characters`);
  // Copied, or said that the browser would not let the page copy: never an error.
  await a.page.waitForSelector('[data-testid=share-status]');
  const clock = await a.page.textContent('[data-testid=clock]');
  const pods = await outputOf(a.page, 'kubectl get pods -o wide');

  const b = await openPage(browser, link);
  await b.page.waitForSelector('[data-testid="pod-web-1"]');
  assert.deepEqual(await podNames(b.page), names);
  assert.equal(await b.page.textContent('[data-testid=clock]'), clock, 'opened paused at the moment shared');
  assert.equal(await outputOf(b.page, 'kubectl get pods -o wide'), pods, 'same names, ages, addresses');
  // Nothing was saved before: the link's lab is saved, and the address no longer holds it.
  assert.equal(await b.page.locator('[data-testid=share-held]').count(), 0);
  assert.equal(new URL(b.page.url()).hash, '');
  await b.page.reload();
  await b.page.waitForSelector('[data-testid="pod-web-1"]');
  assert.deepEqual(await podNames(b.page), names);
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await a.context.close();
  await b.context.close();
});

test('bad links show their words and open the default lab; the page goes on', async () => {
  const good = linkOf(shareJson({ lines: [[0, 0, 'kubectl apply -f web.yaml']] }));
  const cases = [
    [good.slice(0, good.length - 3), /cut short/],
    [good.replace('v1.', 'v7.'), /another version of Kubelab/],
    [good.slice(0, 10) + (good[10] === 'A' ? 'B' : 'A') + good.slice(11), /damaged/],
    ['v1.' + 'A'.repeat(70000), /too large/],
    [linkOf(' '.repeat(2 << 20)), /too large/],
    [linkOf('{"lab": 1}'), /damaged/],
    ['%3Cimg%20src=x%20onerror=window.__pwned=1%3E', /damaged/],
    [linkOf(shareJson({ lines: [[0, 5, 'true']] })), /past the lab's limits/],
  ];
  for (const [fragment, words] of cases) {
    const { page, errors, context } = await openPage(browser, `${server.url}#${fragment}`);
    await page.waitForSelector('[data-testid=notice]');
    assert.match(await page.textContent('[data-testid=notice]'), words, fragment.slice(0, 40));
    assert.match(await page.inputValue('[data-testid=yaml-editor]'), /kind: StatefulSet/);
    assert.equal(await page.locator('[data-testid^="pod-"]').count(), 0);
    assert.equal(await outputOf(page, 'kubectl get pods'), 'No resources found in default namespace.');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, [], fragment.slice(0, 40));
    await context.close();
  }
  // In Korean too.
  const { page, context } = await openPage(browser, `${server.url}#${good.slice(0, 20)}`, { locale: 'ko-KR' });
  await page.waitForSelector('[data-testid=notice]');
  assert.match(await page.textContent('[data-testid=notice]'), /링크가 잘려/);
  await context.close();
});

test("a link over a saved lab waits for the reader: back to theirs, or keep the link's", async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await type(page, 'echo mine');
  const link = linkOf(shareJson({ lines: [[0, 0, 'echo theirs']], now: 1000 }));
  await page.goto(`${server.url}#${link}`);
  await page.waitForSelector('[data-testid=share-held]');
  assert.match(await terminalText(page), /echo theirs\ntheirs\n/);
  // Held: a reload opens the link again, over the saved lab kept as it was.
  await page.reload();
  await page.waitForSelector('[data-testid=share-held]');
  await page.click('[data-testid=share-back]');
  assert.match(await terminalText(page), /echo mine\nmine\n/);
  assert.equal(new URL(page.url()).hash, '');
  await page.reload();
  await live(page);
  assert.match(await terminalText(page), /echo mine\nmine\n/);
  // Kept: the link's lab replaces the saved one.
  await page.goto(`${server.url}#${link}`);
  await page.waitForSelector('[data-testid=share-held]');
  await page.click('[data-testid=share-keep]');
  await page.reload();
  await live(page);
  assert.match(await terminalText(page), /echo theirs\ntheirs\n/);
  assert.doesNotMatch(await terminalText(page), /mine/);
  assert.deepEqual(errors, []);
  await context.close();
});

const PAYLOADS = [
  '<img src=x onerror=window.__pwned=1>',
  '<script>window.__pwned=1</script>',
  'javascript:window.__pwned=1',
  '"><svg onload=window.__pwned=1>',
];

test("injection payloads in a link's fields are drawn as text and never run", async () => {
  const name = PAYLOADS[0];
  const yaml = PAYLOADS.map((p, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm${i}\ndata:\n  v: '${p}'\n`).join('---\n')
    + `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: '${PAYLOADS[1]}'\n`;
  const files = [[name, yaml], [PAYLOADS[2], PAYLOADS[1]], ['web.yaml', PAYLOADS[3]]];
  const lines = [
    [0, 0, `kubectl apply -f '${name}'`],
    [0, 0, `echo '${PAYLOADS[1]}' '${PAYLOADS[0]}'`],
    [0, 1, `${PAYLOADS[3]}`],
  ];
  const link = linkOf(shareJson({ files, lines, now: 5000, lesson: PAYLOADS[2] }));
  const { page, errors, context } = await openPage(browser, `${server.url}#${link}`);
  await page.waitForSelector('[data-testid="cm-cm0"], [data-testid=terminal]');
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal]').textContent.includes('configmap/cm3 created'));
  const text = await terminalText(page);
  assert.ok(text.includes(`${PAYLOADS[1]} ${PAYLOADS[0]}\n`), text);
  assert.match(text, /metadata.name: Invalid value: "<script>window.__pwned=1<\/script>"/);
  // The file tabs carry the names as text.
  const tabs = await page.$$eval('#app [role=tab]', (els) => els.map((e) => e.textContent));
  assert.ok(tabs.some((t) => t.includes(name)), tabs.join(' | '));
  assert.ok(tabs.some((t) => t.includes(PAYLOADS[2])), tabs.join(' | '));
  assert.match(await outputOf(page, 'kubectl get cm cm1 -o jsonpath={.data.v}; echo'), /^<script>window.__pwned=1<\/script>/);
  // Nothing ran, nothing became markup.
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('#app img, #app script, #app svg[onload], #app [onerror]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a link whose manifest is past the lab's limits: kubectl's error, and the lab goes on", async () => {
  let laughs = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (const [i, c] of [...'bcdefghi'].entries()) {
    const p = String.fromCharCode(97 + i);
    laughs += `${c}: &${c} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]\n`;
  }
  const link = linkOf(shareJson({ files: [['laughs.yaml', laughs]], lines: [[0, 0, 'kubectl apply -f laughs.yaml']] }));
  const { page, errors, context } = await openPage(browser, `${server.url}#${link}`);
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal]').textContent.includes('excessive aliasing'));
  assert.match(await terminalText(page), /error: error parsing laughs.yaml: error converting YAML to JSON: yaml: document contains excessive aliasing\n/);
  assert.equal(await outputOf(page, 'kubectl create cm after'), 'configmap/after created');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Share makes no link the page would refuse: a lab past the bounds says so', async () => {
  const lines = Array.from({ length: 1000 }, (_, i) => [i, 0, 'true']);
  const { page, errors, context } = await openPage(browser, `${server.url}#${linkOf(shareJson({ lines, now: 2000 }))}`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=terminal]').textContent.match(/# true\n/g) || []).length >= 100);
  await page.click('[data-testid=share]');
  await page.waitForSelector('[data-testid=share-link]');
  await type(page, 'true');
  await page.click('[data-testid=share]');
  await page.waitForSelector('[data-testid=notice]');
  assert.match(await page.textContent('[data-testid=notice]'), /too large for a link/);
  assert.deepEqual(errors, []);
  await context.close();
});
