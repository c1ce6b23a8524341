// End-to-end: Kubelab in other people's pages (issue 15, items 2-4 and 6). The demo post runs its
// code blocks in order through kubelab-embed.js and each output is checked against the seed's
// facts (../shared/seed/: a real cluster's session); the embed mode sits in a page of another
// origin with storage blocked; injection payloads in the embed's parameters and messages are
// shown as text, never run. Needs dist/ (`trunk build --release`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, root } from './harness.mjs';

const dist = path.join(root, 'dist');
const hostDir = path.join(root, 'target', 'e2e', 'host');
let lab, host, browser;

before(async () => {
  fs.mkdirSync(hostDir, { recursive: true });
  lab = await serve();
  host = await serve(hostDir); // another port: another origin
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await lab?.close();
  await host?.close();
});

/** A context whose pages (and frames) record errors; `blocked`: localStorage throws everywhere.
 *  Every frame counts the share links it compresses (`window.deflates`). */
async function context({ blocked = false } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await ctx.addInitScript(() => {
    const C = window.CompressionStream;
    window.deflates = 0;
    if (C) window.CompressionStream = class extends C { constructor(f) { super(f); window.deflates++; } };
  });
  if (blocked) {
    await ctx.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked by the test', 'SecurityError'); } });
    });
  }
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { ctx, page, errors };
}

const blockOut = (page, i) => page.locator('.kubelab-out').nth(i);
const runButton = (page, i) => page.locator('.kubelab-run').nth(i);

/** Presses Run on block `i` and waits until its output matches `until` (and, with `done`, has ended). */
async function runBlock(page, i, until, { done = true, timeout = 90_000 } = {}) {
  await runButton(page, i).click();
  await page.waitForFunction(([i, src, flags, done]) => {
    const out = document.querySelectorAll('.kubelab-out')[i];
    const run = document.querySelectorAll('.kubelab-run')[i];
    return new RegExp(src, flags).test(out.textContent) && (!done || !/^(Stop|중지)$/.test(run.textContent));
  }, [i, until.source, until.flags, done], { timeout, polling: 200 });
  return blockOut(page, i).textContent();
}

test('the demo post: nothing heavy before the reader acts, then every block runs in order and prints the seed\'s facts', async () => {
  const { ctx, page, errors } = await context();
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(`${lab.url}demo/en.html`);
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('pre[data-kubelab]').count(), 13);
  assert.equal(await page.locator('.kubelab-run').count(), 13);
  // Kubelab's files (not the post's own) before any interaction: the script only.
  const ours = fetched.filter((p) => !p.startsWith('/demo/'));
  const bytes = ours.reduce((n, p) => n + fs.statSync(path.join(dist, p)).size, 0);
  assert.deepEqual(ours, ['/kubelab-embed.js']);
  assert.ok(bytes <= 20 * 1024, `${bytes} B before the first interaction`);
  assert.equal(await page.locator('iframe').count(), 0, 'no lab before the reader acts');

  // 1. The manifest, fetched and shown.
  let out = await runBlock(page, 0, /volumeClaimTemplates/);
  // The lab's iframe never took the keyboard from the post: the pressed button has it.
  assert.equal(await page.evaluate(() => document.activeElement.className), 'kubelab-run');
  assert.match(out, /kind: Service\n/);
  assert.match(out, /clusterIP: None/);
  assert.match(out, /kind: StatefulSet/);
  // 2. Both created; web-0 Running and Ready before web-1 exists (the watch holds on).
  out = await runBlock(page, 1, /web-1 +1\/1 +Running/, { done: false });
  assert.match(out, /^service\/nginx created\nstatefulset\.apps\/web created\nNAME +READY +STATUS +RESTARTS +AGE\nweb-0 +0\/1 +Pending +0 +0s\n/);
  assert.ok(out.search(/web-0 +1\/1 +Running/) < out.search(/web-1 /), out);
  assert.equal(await runButton(page, 1).textContent(), 'Stop', 'the watch is still open');
  // 3. Each pod's hostname is its name.
  out = await runBlock(page, 2, /web-1/);
  assert.equal(out, 'web-0\nweb-1\n');
  assert.equal(await runButton(page, 1).textContent(), 'Run', 'running the next block ended the watch');
  // 4. DNS: the headless Service answers with both pods, SRV lists them, each name one address.
  out = await runBlock(page, 3, /pod "netdebug" deleted/);
  assert.match(out, /\$ nslookup nginx\nServer:\s+10\.200\.1\.10\nAddress:\s+10\.200\.1\.10#53\n/);
  assert.equal((out.match(/Name:\s+nginx\.default\.svc\.cluster\.local\nAddress: 172\.16\.\d+\.\d+/g) || []).length, 2, out);
  assert.match(out, /nginx\.default\.svc\.cluster\.local\s+service = 0 50 80 web-0\.nginx\.default\.svc\.cluster\.local\./);
  assert.match(out, /nginx\.default\.svc\.cluster\.local\s+service = 0 50 80 web-1\.nginx\.default\.svc\.cluster\.local\./);
  assert.match(out, /Name:\s+web-0\.nginx\.default\.svc\.cluster\.local\nAddress: 172\.16\.\d+\.\d+/);
  assert.match(out, /Name:\s+web-1\.nginx\.default\.svc\.cluster\.local\nAddress: 172\.16\.\d+\.\d+/);
  // 5. Deleted pods come back in order with the same names.
  out = await runBlock(page, 4, /web-1 +1\/1 +Running/, { done: false });
  assert.match(out, /^pod "web-0" deleted\npod "web-1" deleted\nNAME/);
  out = await runBlock(page, 5, /web-1/);
  assert.equal(out, 'web-0\nweb-1\n');
  // 6. One claim per pod, bound, 1Gi, local-path; the data outlives the pods.
  out = await runBlock(page, 6, /www-web-1/);
  assert.match(out, /^NAME +STATUS +VOLUME +CAPACITY +ACCESS MODES +STORAGECLASS +AGE\nwww-web-0 +Bound +pvc-[0-9a-f-]{36} +1Gi +RWO +local-path +\d+m?\d*s?\nwww-web-1 +Bound +pvc-[0-9a-f-]{36} +1Gi +RWO +local-path/);
  out = await runBlock(page, 7, /web-1-pv-test/);
  assert.match(out, /\nweb-0-pv-test\nweb-1-pv-test\n$/);
  await runBlock(page, 8, /web-1 +1\/1 +Running/, { done: false });
  out = await runBlock(page, 9, /web-1-pv-test/);
  assert.equal(out, 'web-0-pv-test\nweb-1-pv-test\n');
  // 7. Scale out adds web-2..web-4 in order; scale in takes web-4 first.
  out = await runBlock(page, 10, /web-4 +1\/1 +Running/, { done: false });
  assert.match(out, /^statefulset\.apps\/web scaled\nNAME/);
  assert.ok(out.search(/web-2 +1\/1 +Running/) < out.search(/web-3 /) && out.search(/web-3 +1\/1 +Running/) < out.search(/web-4 /), out);
  out = await runBlock(page, 11, /web-4 +\S+ +Terminating/, { done: false });
  assert.match(out, /^statefulset\.apps\/web patched\nNAME/);
  assert.doesNotMatch(out, /web-[0-2] +\S+ +Terminating/);
  // 8. Clean-up: the Service, the StatefulSet, then the five claims.
  out = await runBlock(page, 12, /persistentvolumeclaim "www-web-4" deleted/);
  assert.match(out, /^service "nginx" deleted\nstatefulset\.apps "web" deleted\n/);
  for (let i = 0; i < 5; i++) assert.match(out, new RegExp(`persistentvolumeclaim "www-web-${i}" deleted`));

  // The cluster beside a block: the one lab's iframe shown under it, with the pods left.
  await page.locator('.kubelab-block').nth(6).getByRole('button', { name: 'Cluster' }).click();
  const frame = page.frameLocator('iframe.kubelab-frame');
  await frame.locator('[data-testid=cluster-diagram]').waitFor();
  assert.equal(await page.locator('iframe').count(), 1, 'one lab for the whole post');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the demo post: Run on a late block first runs every block above it, in order, each output under its own block', async () => {
  const { ctx, page, errors } = await context();
  await page.goto(`${lab.url}demo/en.html`);
  // Block 7 reads the claims; blocks 1-6 (the manifest, the apply and its watch, the names,
  // DNS, the pods deleted and back, the names again) have not run.
  let out = await runBlock(page, 6, /www-web-1/, { timeout: 180_000 });
  assert.match(out, /^NAME +STATUS +VOLUME +CAPACITY +ACCESS MODES +STORAGECLASS +AGE\nwww-web-0 +Bound +pvc-[0-9a-f-]{36} +1Gi +RWO +local-path +\S+\nwww-web-1 +Bound +pvc-[0-9a-f-]{36} +1Gi +RWO +local-path/);
  const outs = await page.locator('.kubelab-out').allTextContents();
  assert.match(outs[0], /kind: StatefulSet/);
  // The watch ran until the pods were up (not cut at once by the next block), then ended.
  assert.match(outs[1], /^service\/nginx created\nstatefulset\.apps\/web created\nNAME/);
  assert.match(outs[1], /web-1 +1\/1 +Running/);
  assert.equal(outs[2], 'web-0\nweb-1\n');
  assert.match(outs[3], /service = 0 50 80 web-1\.nginx\.default\.svc\.cluster\.local\./);
  assert.match(outs[3], /pod "netdebug" deleted\n$/);
  assert.match(outs[4], /^pod "web-0" deleted\npod "web-1" deleted\nNAME[^]*web-1 +1\/1 +Running/);
  assert.equal(outs[5], 'web-0\nweb-1\n');
  for (let i = 7; i < 13; i++) assert.equal(outs[i], '', `block ${i + 1} did not run`);
  const buttons = await page.locator('.kubelab-run').allTextContents();
  assert.deepEqual(buttons, Array(13).fill('Run'));
  // Run on the next block runs it alone: the blocks above it have run.
  out = await runBlock(page, 7, /web-1-pv-test/);
  assert.match(out, /\nweb-0-pv-test\nweb-1-pv-test\n$/);
  assert.equal(await blockOut(page, 2).textContent(), 'web-0\nweb-1\n', 'block 3 did not run again');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('kubelab-embed.js: Link and Run bring the blocks above along; Stop puts back the ones not begun; an edited manifest is applied again', async () => {
  const url = hostPage('order.html', `
    <pre data-kubelab data-file="cm.yaml">apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  colour: blue</pre>
    <pre data-kubelab>kubectl get configmap settings -o jsonpath='{.data.colour}'</pre>
    <pre data-kubelab>kubectl apply -f web.yaml &amp;&amp; kubectl get pods -w</pre>
    <pre data-kubelab>kubectl get pods</pre>
    <script src="${lab.url}kubelab-embed.js" data-speed="2"></script>`);
  const { ctx, page, errors } = await context({ blocked: true });
  await page.goto(url);
  // Link on block 2 first: blocks 1 and 2 run, and the link carries both.
  await page.locator('.kubelab-block').nth(1).getByRole('button', { name: 'Link' }).click();
  await page.waitForFunction(() => /#v1\./.test(document.querySelector('.kubelab-link')?.value || ''), null, { timeout: 60_000 });
  assert.equal(await blockOut(page, 0).textContent(), 'configmap/settings created\n');
  assert.equal(await blockOut(page, 1).textContent(), 'blue');
  const full = await ctx.newPage();
  await full.goto(await page.inputValue('.kubelab-link'));
  await full.locator('[data-testid=terminal]').filter({ hasText: /configmap\/settings created[^]*kubectl get configmap settings[^]*blue/ }).waitFor();
  await full.close();
  // Stop on block 4 while block 3's watch (run first) still waits for its pods: the watch is
  // stopped as Ctrl-C and keeps its output; block 4 never began, and is as before.
  await runButton(page, 3).click();
  await page.waitForFunction(() => /web-0 /.test(document.querySelectorAll('.kubelab-out')[2].textContent), null, { timeout: 60_000 });
  assert.equal(await blockOut(page, 3).textContent(), 'Waiting for the block above…');
  await runButton(page, 3).click();
  await page.waitForFunction(() => [...document.querySelectorAll('.kubelab-run')].every((b) => b.textContent === 'Run'));
  assert.match(await blockOut(page, 2).textContent(), /^service\/nginx created\nstatefulset\.apps\/web created\nNAME/);
  assert.equal(await blockOut(page, 3).textContent(), '');
  // Run on block 4 again: block 3 ran (stopped), so block 4 runs alone.
  const three = await blockOut(page, 2).textContent();
  let out = await runBlock(page, 3, /web-0/);
  assert.match(out, /^NAME +READY +STATUS +RESTARTS +AGE\nweb-0 /);
  assert.equal(await blockOut(page, 2).textContent(), three);
  // The manifest edited: Run on block 2 applies it again first.
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.locator('textarea.kubelab-edit');
  await editor.fill((await editor.inputValue()).replace('blue', 'green'));
  await page.getByRole('button', { name: 'Done' }).click();
  out = await runBlock(page, 1, /green/);
  assert.equal(out, 'green');
  assert.equal(await blockOut(page, 0).textContent(), 'configmap/settings configured\n');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the Korean post has the same blocks, and its buttons speak Korean', async () => {
  const { ctx, page, errors } = await context();
  await page.goto(`${lab.url}demo/ko.html`);
  const en = fs.readFileSync(path.join(dist, 'demo/en.html'), 'utf8').match(/<pre data-kubelab[^>]*>[^<]*<\/pre>/g);
  const ko = fs.readFileSync(path.join(dist, 'demo/ko.html'), 'utf8').match(/<pre data-kubelab[^>]*>[^<]*<\/pre>/g);
  assert.deepEqual(ko, en);
  assert.equal(await runButton(page, 0).textContent(), '실행');
  const out = await runBlock(page, 0, /volumeClaimTemplates/);
  assert.match(out, /serviceName: "nginx"/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

const script = ['kubectl apply -f web.yaml', 'kubectl get pods'].join('\n');

function hostPage(name, body) {
  fs.writeFileSync(path.join(hostDir, name), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>a blog</title></head><body>${body}</body></html>`);
  return `${host.url}${name}`;
}

test('the embed in a page of another origin, storage blocked: autoplay, Play, theme, language, height to the host', async () => {
  const src = (q) => `${lab.url}embed.html?${q}`.replace(/&/g, '&amp;');
  const url = hostPage('iframe.html', `
    <h1>My post</h1>
    <iframe id="auto" src="${src(`panes=terminal,diagram&theme=dark&lang=ko&speed=10&autoplay=1&script=${encodeURIComponent(script)}`)}" width="800" height="300"></iframe>
    <iframe id="manual" src="${src(`panes=terminal&script=${encodeURIComponent('kubectl get nodes')}`)}" width="800" height="300"></iframe>
    <script>
      window.heights = [];
      addEventListener('message', (e) => { if (e.data && e.data.type === 'height') heights.push([e.origin, e.data.height]); });
    </script>`);
  const { ctx, page, errors } = await context({ blocked: true });
  await page.goto(url);
  assert.notEqual(new URL(url).origin, new URL(lab.url).origin);
  const auto = page.frameLocator('#auto');
  await auto.locator('[data-testid=terminal]').filter({ hasText: /statefulset\.apps\/web created/ }).waitFor({ timeout: 30_000 });
  await auto.locator('[data-testid=terminal]').filter({ hasText: /web-0 +\S+ +\S+/ }).waitFor();
  // No chrome: no header, no lesson panel, no notice about storage; the chosen panes only.
  assert.equal(await auto.locator('header').count(), 0);
  assert.equal(await auto.locator('[data-testid=notice]').count(), 0);
  assert.equal(await auto.locator('[data-testid=yaml-editor]').count(), 0);
  await auto.locator('[data-testid=cluster-diagram]').waitFor();
  const autoFrame = page.frames().find((f) => f.url().includes('autoplay=1'));
  assert.equal(await autoFrame.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await autoFrame.evaluate(() => document.documentElement.lang), 'ko');
  const open = auto.locator('[data-testid=embed-open]');
  assert.equal(await open.textContent(), 'Kubelab에서 열기 ↗');
  assert.equal(new URL(await open.getAttribute('href')).origin, new URL(lab.url).origin);
  assert.equal(await open.getAttribute('target'), '_blank');
  // It carries the lab (a share link): the full page opens on the same cluster.
  await auto.locator('[data-testid=embed-open][href*="#v1."]').waitFor();
  const full = await ctx.newPage();
  full.on('pageerror', (e) => errors.push(`pageerror (full page): ${e.message}`));
  await full.goto(await open.getAttribute('href'));
  await full.locator('[data-testid=pod-web-0]').waitFor();
  await full.locator('header').waitFor();
  await full.close();
  // Autoplay off: a Play button, and nothing typed until it is pressed.
  const manual = page.frameLocator('#manual');
  await manual.locator('[data-testid=embed-play]').waitFor();
  assert.doesNotMatch(await manual.locator('[data-testid=terminal]').textContent(), /kubectl get nodes/);
  // Its "Open in Kubelab" link is made once; while nothing changes (the clock runs on), never
  // again: it was compressed anew every two seconds.
  const manualFrame = page.frames().find((f) => f.url().includes('panes=terminal&script='));
  await manual.locator('[data-testid=embed-open][href*="#v1."]').waitFor();
  const idleLink = await manual.locator('[data-testid=embed-open]').getAttribute('href');
  const idle = await manualFrame.evaluate(() => window.deflates);
  assert.ok(idle >= 1, `${idle}`);
  await page.waitForTimeout(6_500);
  assert.equal(await manualFrame.evaluate(() => window.deflates), idle, 'no link made while the lab is idle');
  await manual.locator('[data-testid=embed-play]').click();
  await manual.locator('[data-testid=terminal]').filter({ hasText: /k8s-m +Ready +control-plane/ }).waitFor();
  // A line typed: the link is made again, and carries it.
  await manual.locator(`[data-testid=embed-open]:not([href="${idleLink}"])`).waitFor({ timeout: 10_000 });
  assert.ok(await manualFrame.evaluate(() => window.deflates) > idle);
  // The height went to the host (from the lab's origin), a number of pixels.
  await page.waitForFunction(() => window.heights.length >= 2);
  const heights = await page.evaluate(() => window.heights);
  assert.ok(heights.every(([o, h]) => o === new URL(lab.url).origin && Number.isInteger(h) && h > 100 && h < 5000), JSON.stringify(heights));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('kubelab-embed.js: a block the lab began just as the reader pressed Stop counts as run', async () => {
  const url = hostPage('race.html', `
    <pre data-kubelab>kubectl apply -f web.yaml &amp;&amp; kubectl get pods -w</pre>
    <pre data-kubelab>echo two</pre>
    <pre data-kubelab>kubectl get pods</pre>
    <script src="${lab.url}kubelab-embed.js" data-speed="10"></script>`);
  const { ctx, page, errors } = await context();
  // The lab's outputs can be held back from the script (as a slow tick holds them) and handed
  // on later: the script then has not seen a block begin that the lab began.
  await ctx.addInitScript(() => {
    window.held = null;
    addEventListener('message', (e) => {
      if (!window.held || e.data?.type !== 'output') return;
      e.stopImmediatePropagation();
      window.held.push({ data: e.data, origin: e.origin, source: e.source });
    }, true);
  });
  await page.goto(url);
  await runBlock(page, 0, /web-0 /, { done: false });
  await page.evaluate(() => { window.held = []; });
  // Run on block 2 ends block 1's watch and types `echo two` at once; its output is held.
  await runButton(page, 1).click();
  await page.waitForFunction(() => window.held.some((m) => m.data.id === 'b2.1' && m.data.done));
  assert.equal(await blockOut(page, 1).textContent(), 'Starting the lab…');
  await runButton(page, 1).click(); // Stop, as far as the script knows before it began
  await page.evaluate(() => {
    const held = window.held;
    window.held = null;
    for (const m of held) dispatchEvent(new MessageEvent('message', m));
  });
  await page.waitForFunction(() => document.querySelectorAll('.kubelab-out')[1].textContent === 'two\n');
  assert.equal(await runButton(page, 1).textContent(), 'Run');
  assert.equal(await runButton(page, 1).isDisabled(), false);
  // Block 2 ran: Run on block 3 runs block 3 alone, and `echo two` was typed once.
  await runBlock(page, 2, /web-0 /);
  assert.equal(await blockOut(page, 1).textContent(), 'two\n');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('kubelab-embed.js from another origin, storage blocked: a manifest block edited and applied, a command block, Stop', async () => {
  const url = hostPage('blocks.html', `
    <pre data-kubelab data-file="cm.yaml">apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  colour: blue</pre>
    <pre data-kubelab>kubectl get configmap settings -o jsonpath='{.data.colour}'
kubectl get pods -w</pre>
    <script src="${lab.url}kubelab-embed.js" data-speed="10"></script>`);
  const { ctx, page, errors } = await context({ blocked: true });
  await page.goto(url);
  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.locator('textarea.kubelab-edit');
  await editor.fill((await editor.inputValue()).replace('blue', 'green'));
  await page.getByRole('button', { name: 'Done' }).click();
  let out = await runBlock(page, 0, /configmap\/settings created/);
  assert.equal(out, 'configmap/settings created\n');
  // A code link for the block (for pages with no script): the lab as it is, in the full page.
  await page.locator('.kubelab-block').nth(0).getByRole('button', { name: 'Link' }).click();
  await page.waitForFunction(() => /#v1\./.test(document.querySelector('.kubelab-link')?.value || ''));
  const link = await page.inputValue('.kubelab-link');
  assert.ok(link.startsWith(lab.url), link);
  const full = await ctx.newPage();
  await full.goto(link);
  await full.locator('[data-testid=terminal]').filter({ hasText: 'configmap/settings created' }).waitFor();
  await full.close();
  out = await runBlock(page, 1, /\$ kubectl get pods -w\n/, { done: false });
  assert.match(out, /^\$ kubectl get configmap settings -o jsonpath='\{\.data\.colour\}'\ngreen\$ kubectl get pods -w\n/);
  assert.equal(await runButton(page, 1).textContent(), 'Stop');
  await runButton(page, 1).click();
  await page.waitForFunction(() => document.querySelectorAll('.kubelab-run')[1].textContent === 'Run');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('injection payloads in the embed\'s parameters and messages are text, never code', async () => {
  const payload = `<img src=x onerror="top.pwned=1;parent.pwned=1">`;
  const q = new URLSearchParams({
    panes: `terminal,${payload}`, theme: `"><script>parent.pwned=1</script>`, lang: `<svg onload=parent.pwned=1>`,
    speed: 'alert(1)', script: `echo '${payload}'`, autoplay: '1',
  });
  const url = hostPage('payloads.html', `
    <iframe id="lab" src="${`${lab.url}embed.html?${q}`.replace(/&/g, '&amp;')}" width="800" height="400"></iframe>
    <pre data-kubelab>echo '${payload.replace(/</g, '&lt;')}'</pre>
    <script src="${lab.url}kubelab-embed.js" data-speed="10"></script>
    <script>
      window.replies = [];
      addEventListener('message', (e) => { if (e.data && e.data.kubelab) replies.push(e.data); });
    </script>`);
  const { ctx, page, errors } = await context({ blocked: true });
  await page.goto(url);
  const frame = page.frameLocator('#lab');
  await frame.locator('[data-testid=terminal]').filter({ hasText: '<img src=x onerror=' }).waitFor();
  const labFrame = page.frames().find((f) => f.url().startsWith(lab.url));
  const scripts = (fs.readFileSync(path.join(dist, 'embed.html'), 'utf8').match(/<script/g) || []).length;
  assert.equal(await labFrame.evaluate(() => document.querySelectorAll('script').length), scripts, 'only embed.html\'s own scripts');
  assert.equal(await labFrame.evaluate(() => document.querySelectorAll('img, [onerror], [onload]').length), 0);
  assert.equal(await labFrame.evaluate(() => document.documentElement.dataset.theme ?? null), null);
  // Messages from the host: bad shapes are refused with a reason, a payload runs as a command's text.
  await page.evaluate((payload) => {
    const w = document.getElementById('lab').contentWindow;
    const to = new URL(document.getElementById('lab').src).origin;
    w.postMessage({ kubelab: 1, type: 'eval', id: 'x', code: 'parent.pwned=1' }, to);
    w.postMessage({ kubelab: 1, type: 'run', id: 'f', lines: [], files: [{ name: payload, text: 'x' }] }, to);
    w.postMessage({ kubelab: 1, type: 'run', id: payload, lines: [`echo '${payload}'`] }, to);
    w.postMessage(`{"kubelab":1,"type":"run"}`, to);
  }, payload);
  await page.waitForFunction((id) => window.replies.some((r) => r.type === 'output' && r.id === id && r.done), payload);
  const replies = await page.evaluate(() => window.replies);
  const refusals = replies.filter((r) => r.type === 'error').map((r) => r.message);
  assert.deepEqual(refusals, ['malformed message: type must be run, stop or link', 'malformed message: a file\'s name must be letters, digits and ._- (at most 64)']);
  const done = replies.find((r) => r.type === 'output' && r.id === payload && r.done);
  assert.equal(done.id, payload);
  assert.equal(done.text, `${payload}\n`);
  // The block's output in the host page through kubelab-embed.js: text too.
  const out = await runBlock(page, 0, /onerror/);
  assert.equal(out, `${payload}\n`);
  // A forged output posted by the host page itself (not the lab's window) is ignored.
  await page.evaluate(() => window.postMessage({ kubelab: 1, type: 'output', id: 'b1', text: 'FORGED', done: true }, '*'));
  await page.waitForTimeout(300);
  assert.equal(await blockOut(page, 0).textContent(), `${payload}\n`);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  assert.equal(await page.evaluate(() => window.pwned ?? null), null);
  assert.equal(await labFrame.evaluate(() => window.pwned ?? null), null);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the full page\'s Copy embed code gives an iframe of the embed mode with the panes shown', async () => {
  const { ctx, page, errors } = await context();
  await page.goto(`${lab.url}?panes=terminal,diagram`);
  await page.locator('[data-testid=copy-embed]').click();
  const code = await page.inputValue('[data-testid=embed-code]');
  assert.equal(code, `<iframe src="${lab.url}embed.html?panes=terminal,diagram&amp;lang=en" title="Kubelab" width="100%" height="480" style="border:0" loading="lazy"></iframe>`);
  // The snippet works: in another origin's page it opens the embed with those panes.
  await page.goto(hostPage('copied.html', code));
  const frame = page.frameLocator('iframe');
  await frame.locator('[data-testid=cluster-diagram]').waitFor();
  await frame.locator('[data-testid=terminal-input]').waitFor();
  assert.equal(await frame.locator('[data-testid=yaml-editor]').count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('an embedded lesson autoplays: each step\'s lines typed, Next once it is done (a question waits for the reader)', async () => {
  const url = hostPage('lesson.html', `<iframe id="lesson" src="${lab.url}embed.html?lesson=seed-lab&amp;autoplay=1&amp;speed=10&amp;panes=terminal,diagram" width="1000" height="700"></iframe>`);
  const { ctx, page, errors } = await context({ blocked: true });
  await page.goto(url);
  const frame = page.frameLocator('#lesson');
  await frame.locator('[data-testid=lesson-step][data-step="1"]').waitFor();
  await frame.locator('[data-testid=terminal]').filter({ hasText: 'statefulset.apps/web created' }).waitFor({ timeout: 30_000 });
  // Step 1 asks a question first: autoplay waits for the reader's answer.
  await frame.locator('[data-testid=predict-0-0]').click();
  await frame.locator('[data-testid=lesson-step][data-step="2"]').waitFor({ timeout: 60_000 });
  await frame.locator('[data-testid=lesson-step][data-step="3"]').waitFor({ timeout: 60_000 });
  const text = await frame.locator('[data-testid=lesson-panel]').textContent();
  assert.ok(text.length > 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});
