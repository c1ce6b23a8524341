// End-to-end: the lesson panel in Chromium, over the release build (dist/). Lessons are
// fetched from dist/lessons/ (Trunk copies lessons/ there); lessons from elsewhere
// (?lesson-url=) come from a second server on another port, with and without CORS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serve, launch, openPage, terminalText, root, live } from './harness.mjs';

let server, browser, remote;
const artifacts = path.join(root, 'target', 'e2e');

// A lesson from elsewhere: one step, an editor file of its own.
const GOOD = `id: remote-hello
title: {ko: 원격 레슨, en: A lesson from elsewhere}
summary: {ko: 다른 곳에서 온 레슨, en: Fetched from another site}
files: [hello.yaml]
steps:
- say:
    ko: "\`hello.yaml\`의 파드를 만듭니다. <b>굵게</b>가 아닙니다."
    en: "Make the pod of \`hello.yaml\`. <b>not bold</b>"
  run:
  - kubectl apply -f hello.yaml
  check:
  - field: {object: pod/hello, path: '{.status.phase}', equals: Running}
`;
const HELLO = `apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  containers:
  - name: web
    image: nginx
`;
// A key misspelt on line 6.
const BAD = `id: bad
title: {ko: 가, en: a}
summary: {ko: 가, en: a}
steps:
- say: {ko: 가, en: a}
  chekc: []
`;

/** The other site: /cors/* with Access-Control-Allow-Origin, /nocors/* without. */
function remoteServer() {
  const files = { 'good.yaml': GOOD, 'files/hello.yaml': HELLO, 'bad.yaml': BAD };
  const s = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const [, zone, ...rest] = url.pathname.split('/');
    const body = files[rest.join('/')];
    const headers = zone === 'cors' ? { 'access-control-allow-origin': '*' } : {};
    if (body === undefined) { res.writeHead(404, headers).end('not found'); return; }
    res.writeHead(200, { ...headers, 'content-type': 'text/yaml' }).end(body);
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${s.address().port}/`, close: () => new Promise((r) => s.close(r)),
  })));
}

before(async () => {
  server = await serve();
  remote = await remoteServer();
  browser = await launch();
  fs.mkdirSync(artifacts, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
  await remote?.close();
});

const panel = (page) => page.locator('[data-testid=lesson-panel]');
const stepNo = (page) => page.getAttribute('[data-testid=lesson-step]', 'data-step');
// A failed fetch is logged by the browser itself ("Failed to load resource", CORS): expected.
const real = (errors) => errors.filter((e) => !/Failed to load resource|CORS|Access-Control-Allow-Origin/.test(e));

async function speed(page, s) {
  await page.getByRole('button', { name: `${s}×` }).click();
}

/** Clicks Run, waits until Next opens (the step's checks hold), clicks Next. */
async function runAndNext(page, n) {
  assert.equal(await stepNo(page), String(n));
  await page.click('[data-testid=lesson-run]');
  await page.waitForSelector('[data-testid=lesson-next]:not([disabled])', { timeout: 30000 });
  assert.equal(await page.getAttribute('[data-testid=lesson-step]', 'data-done'), 'true');
  await page.click('[data-testid=lesson-next]');
  await page.waitForSelector(`[data-testid=lesson-step][data-step="${n + 1}"]`);
}

for (const [locale, words] of [['en-US', { run: 'Run', next: 'Next', right: 'Right.', step: 'Step 4 of 16', done: '3 of 16 steps done' }], ['ko-KR', { run: '실행', next: '다음', right: '맞습니다.', step: '16단계 중 4단계', done: '16단계 중 3단계 완료' }]]) {
  test(`first visit (${locale}): the panel is open on lesson 1; Run and Next walk its first steps`, async () => {
    const { page, errors, context } = await openPage(browser, server.url, { locale });
    await panel(page).waitFor();
    await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
    assert.match(await page.textContent('[data-testid=lesson-run]'), new RegExp(words.run));
    assert.match(await page.textContent('[data-testid=lesson-next]'), new RegExp(words.next));
    assert.ok(await page.isDisabled('[data-testid=lesson-next]'), 'Next waits for the checks');
    // Narration is text: the lesson's own words, no element made from them.
    assert.ok((await page.locator('[data-testid=lesson-step] .say code').count()) > 0);
    // Predict before Run: the right answer says so.
    await page.click('[data-testid=predict-0-1]');
    assert.match(await page.textContent('[data-testid=predict-0-feedback]'), new RegExp(`^${words.right.replace('.', '\\.')}`));
    await speed(page, 10);
    await runAndNext(page, 1);
    // Run typed the line where the learner sees it, as if typed.
    assert.match(await terminalText(page), /root@k8s-m:~# kubectl apply -f web\.yaml && kubectl get pods -w -l app=nginx\nservice\/nginx created\n/);
    // Step 2 goes to the free terminal (the watch holds the first), and shows it.
    await runAndNext(page, 2);
    assert.match(await terminalText(page), /kubectl exec "web-\$i" -- sh -c 'hostname'; done\nweb-0\nweb-1\n/);
    assert.equal(await page.getAttribute('[data-testid=terminal-tab-1]', 'aria-selected'), 'true');
    await runAndNext(page, 3);
    assert.equal(await page.textContent('[data-testid=lesson-step] .step-of'), words.step);
    await page.screenshot({ path: path.join(artifacts, `lesson-${locale}.png`), fullPage: true });
    // The list: every lesson of lessons/index.txt, this one's progress.
    await page.click('[data-testid=lesson-list]');
    await page.waitForSelector('[data-testid=lesson-progress-deploy-vs-sts]');
    assert.match(await page.textContent('[data-testid=lesson-progress-seed-lab]'), new RegExp(words.done));
    assert.deepEqual(real(errors), []);
    await context.close();
  });
}

for (const [locale, done] of [['en-US', 'Lesson complete.'], ['ko-KR', '레슨을 마쳤습니다.']]) {
  test(`lesson 2 (${locale}) walked end to end by Run and Next, its questions answered`, async () => {
    const { page, errors, context } = await openPage(browser, `${server.url}?lesson=deploy-vs-sts`, { locale });
    await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
    await page.waitForSelector('[data-testid="file-tab-compare.yaml"][aria-selected=true]');
    await speed(page, 10);
    let n = 1;
    for (;; n++) {
      assert.equal(await stepNo(page), String(n));
      for (let q = 0; await page.locator(`[data-testid=predict-${q}-0]`).count(); q++) {
        await page.click(`[data-testid=predict-${q}-0]`);
        await page.waitForSelector(`[data-testid=predict-${q}-feedback]`);
      }
      if (await page.locator('[data-testid=lesson-run]').count()) await page.click('[data-testid=lesson-run]');
      await page.waitForSelector('[data-testid=lesson-step][data-done="true"]', { timeout: 60000 });
      if (await page.isDisabled('[data-testid=lesson-next]')) break;
      await page.click('[data-testid=lesson-next]');
      await page.waitForSelector(`[data-testid=lesson-step][data-step="${n + 1}"]`);
    }
    assert.equal(n, 7, 'every step of lesson 2 walked');
    assert.equal(await page.textContent('[data-testid=lesson-step] .lesson-status'), done);
    // What Run typed is in the terminals, as typed: the last step's clean-up among it.
    assert.match(await terminalText(page), /kubectl delete -f compare\.yaml && kubectl delete pvc -l app=nginx-sts\n/);
    await page.screenshot({ path: path.join(artifacts, `lesson-2-${locale}.png`), fullPage: true });
    assert.deepEqual(real(errors), []);
    await context.close();
  });
}

test('a wrong prediction says so and gives the lesson\'s feedback', async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await page.waitForSelector('[data-testid=predict-0-0]');
  await page.click('[data-testid=predict-0-0]');
  const text = await page.textContent('[data-testid=predict-0-feedback]');
  assert.match(text, /^Not quite\. A Deployment would do that/);
  assert.equal(await page.getAttribute('[data-testid=predict-0-0]', 'aria-pressed'), 'true');
  assert.deepEqual(real(errors), []);
  await context.close();
});

test('progress survives a reload; the playground is one click away and stays chosen', async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  await page.click('[data-testid=predict-0-1]');
  await speed(page, 10);
  await runAndNext(page, 1);
  await page.waitForTimeout(1200);
  await page.reload();
  await page.waitForSelector('[data-testid=lesson-step][data-step="2"]');
  await page.click('[data-testid=lesson-list]');
  assert.match(await page.textContent('[data-testid=lesson-progress-seed-lab]'), /1 of 16 steps done/);
  assert.match(await terminalText(page), /kubectl apply -f web\.yaml/);
  // The free playground: the panel closes, and stays closed on a reload; the header opens it.
  await page.click('[data-testid=lesson-close]');
  assert.equal(await panel(page).count(), 0);
  await page.reload();
  await live(page);
  await page.waitForTimeout(500);
  assert.equal(await panel(page).count(), 0);
  await page.click('[data-testid=lessons]');
  await page.waitForSelector('[data-testid=lesson-step][data-step="2"]');
  assert.deepEqual(real(errors), []);
  await context.close();
});

test('a lesson chosen from the list opens at its start in a fresh cluster', async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  await page.fill('[data-testid=terminal-input]', 'kubectl create ns scratch');
  await page.press('[data-testid=terminal-input]', 'Enter');
  await page.click('[data-testid=lesson-list]');
  const title = await page.textContent('[data-testid=lesson-open-deploy-vs-sts] strong');
  await page.click('[data-testid=lesson-open-deploy-vs-sts]');
  await page.waitForFunction((t) => document.querySelector('[data-testid=lesson-panel] h2').textContent === t, title);
  assert.equal(await page.getAttribute('[data-testid=lesson-step]', 'data-step'), '1');
  assert.equal(await terminalText(page), 'root@k8s-m:~# ', 'a fresh cluster and terminal');
  assert.deepEqual(real(errors), []);
  await context.close();
});

test('with storage blocked the first visit is guided all the same', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  await page.waitForSelector('[data-testid=notice]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('?lesson=ID&step=N opens a lesson at a step', async () => {
  const { page, errors, context } = await openPage(browser, `${server.url}?lesson=seed-lab&step=3`);
  await page.waitForSelector('[data-testid=lesson-step][data-step="3"]');
  assert.match(await page.textContent('[data-testid=lesson-run]'), /Run/);
  assert.deepEqual(real(errors), []);
  await context.close();
});

test('?lesson-url= opens a good file from another site (with CORS)', async () => {
  const url = `${remote.url}cors/good.yaml`;
  const { page, errors, context } = await openPage(browser, `${server.url}?lesson-url=${encodeURIComponent(url)}`);
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  assert.equal(await page.textContent('[data-testid=lesson-panel] h2'), 'A lesson from elsewhere');
  // Markup in the narration is shown as written, never made into elements.
  assert.match(await page.textContent('[data-testid=lesson-step] .say'), /<b>not bold<\/b>/);
  assert.equal(await page.locator('[data-testid=lesson-step] .say b').count(), 0);
  await page.waitForSelector('[data-testid="file-tab-hello.yaml"]');
  await speed(page, 10);
  await page.click('[data-testid=lesson-run]');
  await page.waitForSelector('[data-testid=lesson-step][data-done="true"]', { timeout: 20000 });
  assert.match(await terminalText(page), /kubectl apply -f hello\.yaml\npod\/hello created\n/);
  assert.deepEqual(real(errors), []);
  await context.close();
});

for (const [what, file, expect] of [
  ['a 404', 'cors/missing.yaml', /cors\/missing\.yaml: HTTP 404/],
  ['a malformed file', 'cors/bad.yaml', /^bad\.yaml:6:3: unknown key "chekc" \(expected say, run, check, predict, highlight, hints, keep\)$/],
  ['a server without CORS', 'nocors/good.yaml', /CORS/],
]) {
  test(`?lesson-url= with ${what}: a clear message in the panel, and the lab works`, async () => {
    const { page, errors, context } = await openPage(browser, `${server.url}?lesson-url=${encodeURIComponent(remote.url + file)}`);
    await page.waitForSelector('[data-testid=lesson-error]');
    assert.match(await page.textContent('[data-testid=lesson-error] pre'), expect);
    await page.fill('[data-testid=terminal-input]', 'kubectl get pods');
    await page.press('[data-testid=terminal-input]', 'Enter');
    assert.match(await terminalText(page), /No resources found in default namespace\./);
    assert.deepEqual(real(errors), []);
    await context.close();
  });
}

test('the panel at 360 px: no sideways scrolling, every lesson control on screen', async () => {
  const { page, errors, context } = await openPage(browser, server.url, { viewport: { width: 360, height: 740 } });
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  for (const id of ['lesson-run', 'lesson-check', 'lesson-next', 'lesson-close']) {
    const box = await page.locator(`[data-testid=${id}]`).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${id} within the screen: ${JSON.stringify(box)}`);
  }
  // By keyboard: Check is reached by Tab and pressed with Enter.
  await page.focus('[data-testid=lesson-run]');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'lesson-check');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=lesson-checks]');
  // Before Run (and before the step's question is answered) a check's text would give the
  // answer away: the list names each check by its number only.
  const before = await page.textContent('[data-testid=lesson-checks]');
  assert.match(before, /✗ check 1: shown once it holds, or after Run/);
  assert.doesNotMatch(before, /svc\/nginx|web-\[01\]/);
  await page.click('[data-testid=lesson-run]');
  await page.waitForFunction(() => /exists: svc\/nginx/.test(document.querySelector('[data-testid=lesson-checks]').textContent));
  await page.screenshot({ path: path.join(artifacts, 'lesson-narrow.png'), fullPage: true });
  assert.deepEqual(real(errors), []);
  await context.close();
});

test("a step's goal is drawn small under it: the cluster it ends with, in the diagram's boxes", async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  const goal = page.locator('[data-testid=lesson-goal]');
  await goal.waitFor();
  // Step 1 ends with web's two pods Running, a claim each, the headless Service; the live
  // drawing has none of them yet.
  assert.equal(await goal.locator('.box.pod.stage-running').count(), 2);
  assert.equal(await goal.locator('.box.disk').count(), 2);
  const live = page.locator('[data-testid=cluster-diagram]');
  assert.equal(await goal.locator('.box.svc').count(), (await live.locator('.box.svc').count()) + 1);
  assert.equal(await live.locator('.box.pod').count(), 0);
  // A picture: nothing in it takes the keyboard or a test id of the live drawing.
  assert.equal(await goal.locator('[tabindex], [data-testid]').count(), 0);
  const box = await goal.boundingBox();
  const panelBox = await page.locator('[data-testid=lesson-panel]').boundingBox();
  assert.ok(box.width <= panelBox.width, `the goal fits the panel: ${box.width} > ${panelBox.width}`);
  assert.deepEqual(real(errors), []);
  await context.close();
});
