// End-to-end: how the page loads (issue 15, items 5 and 6). The first view the build rendered is
// on screen and takes keys before the wasm module runs, and is the live page's first view; a
// line entered early runs once the module is ready; the service worker serves a second visit
// and a visit with the network off, and a new build replaces it whole; the page's
// Content-Security-Policy allows no inline script and the page breaks none of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, live, terminalText, root } from './harness.mjs';
import { uncommented } from '../../scripts/inline.mjs';

const dist = path.join(root, 'dist');
let server, browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser.close();
  await server.close();
});

const WASM = /_bg\.wasm$/;

/** Holds the page's requests for `url` until the function it returns is called. */
async function hold(page, url) {
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(url, async (route) => { await held; await route.continue(); });
  return release;
}

/** A page whose console errors, page errors and CSP violations are recorded. */
async function watched(context) {
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}

/** What the page shows of the lab: the same hooks on the first view and on the live page. */
function snapshot(page) {
  return page.evaluate(() => {
    const text = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent);
    return {
      ids: [...new Set([...document.querySelectorAll('body [data-testid]')].map((e) => e.dataset.testid))].filter((id) => id !== 'first-view-progress').sort(),
      editor: document.querySelector('[data-testid=yaml-editor]').value,
      tabs: text('[role=tab]'),
      terminal: document.querySelector('[data-testid=terminal]').textContent,
      lanes: text('[data-testid^=lane-]'),
      lesson: text('[data-testid=lesson-panel]'),
      clock: text('[data-testid=clock]'),
      lang: document.documentElement.lang,
    };
  });
}

test('the first view paints the lab and takes keys before the wasm module runs; an early line runs once it is ready', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await watched(context);
  const release = await hold(page, WASM);
  await page.goto(server.url);
  // The lab is on screen from the page's HTML: the editor with web.yaml, a prompt, node lanes.
  await page.waitForSelector('#first-view [data-testid=terminal-input]');
  assert.equal(await page.locator('#app *').count(), 0, 'the module has not drawn anything');
  assert.match(await page.inputValue('[data-testid=yaml-editor]'), /kind: StatefulSet\nmetadata:\n  name: web\n/);
  assert.equal(await page.getAttribute('[data-testid="file-tab-web.yaml"]', 'aria-selected'), 'true');
  assert.equal(await terminalText(page), 'root@k8s-m:~# ');
  assert.deepEqual(await page.locator('[data-testid^=lane-]').evaluateAll((ls) => ls.map((l) => l.dataset.testid)), ['lane-k8s-m', 'lane-k8s-w1', 'lane-k8s-w2', 'lane-k8s-w3']);
  await page.screenshot({ path: path.join(root, 'target', 'e2e', 'first-view.png') });
  // The controls wait for the live page, and the editor cannot be changed yet (an edit would be lost).
  assert.equal(await page.isDisabled('[data-testid=apply]'), true);
  assert.equal(await page.isEditable('[data-testid=yaml-editor]'), false);
  // The terminal takes keys: a line entered now is kept, with progress shown meanwhile.
  await page.click('[data-testid=terminal]');
  await page.keyboard.type('kubectl get pods');
  await page.keyboard.press('Enter');
  await page.keyboard.type('echo early');
  assert.equal(await page.inputValue('[data-testid=terminal-input]'), 'echo early');
  assert.match(await terminalText(page), /^root@k8s-m:~# kubectl get pods\nStarting the lab… .*\n$/);
  assert.equal(await page.locator('[data-testid=first-view-progress]').count(), 1);
  // The reader selects a word of what they typed, to type over it.
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowLeft');
  release();
  await live(page);
  assert.equal(await page.locator('#first-view').count(), 0);
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal]').textContent.includes('No resources found'));
  assert.match(await terminalText(page), /^root@k8s-m:~# kubectl get pods\nNo resources found in default namespace\.\nroot@k8s-m:~# $/);
  // What was typed but not entered is in the live input, which has the focus and the selection
  // the reader made, and runs on Enter.
  assert.equal(await page.inputValue('[data-testid=terminal-input]'), 'echo early');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'terminal-input');
  assert.deepEqual(await page.evaluate(() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]), [5, 10]);
  await page.keyboard.type('later');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /echo later\nlater\n/.test(document.querySelector('[data-testid=terminal]').textContent));
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('lines entered early run before the live page is drawn: their output shows in the first view at once and is in the live page\'s first drawing, in order, with the same journal', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // The first view's terminal when it first shows an answer, while the live page is not drawn
  // yet; the live terminal's text when it first appears (this observer is older than
  // first.js's, so it sees the live page before the first view hands anything over to it).
  await context.addInitScript(() => {
    new MutationObserver((_, self) => {
      const early = document.querySelector('#first-view [data-testid=terminal]');
      if (!window.__earlyShown && early && early.textContent.includes('No resources found')) {
        window.__earlyShown = { text: early.textContent, live: document.querySelectorAll('#app *').length };
      }
      const live = document.querySelector('#app [data-testid=terminal]');
      if (live) { window.__firstDrawn = live.textContent; self.disconnect(); }
    }).observe(document, { childList: true, subtree: true });
  });
  const { page, errors } = await watched(context);
  const release = await hold(page, WASM);
  await page.goto(server.url);
  await page.waitForSelector('#first-view [data-testid=terminal-input]');
  await page.click('[data-testid=terminal]');
  for (const line of ['kubectl get pods', 'echo one']) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await page.keyboard.type('echo two');
  release();
  await live(page);
  const answered = 'root@k8s-m:~# kubectl get pods\nNo resources found in default namespace.\nroot@k8s-m:~# echo one\none\nroot@k8s-m:~# ';
  assert.deepEqual(await page.evaluate(() => window.__earlyShown), { text: answered, live: 0 }, 'the answer shows in the first view before the live page is drawn');
  assert.equal(await page.evaluate(() => window.__firstDrawn), answered);
  assert.equal(await terminalText(page), answered);
  // What was typed and not entered is in the live input; the lines are in the lab's journal, in
  // order, at the lab's first moment, as if typed on the live page.
  assert.equal(await page.inputValue('[data-testid=terminal-input]'), 'echo two');
  const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('kubelab.lab.v1')));
  assert.deepEqual(saved.journal.map((j) => [j.term, j.act.Line]), [[0, 'kubectl get pods'], [0, 'echo one']]);
  assert.deepEqual(saved.histories[0], ['kubectl get pods', 'echo one']);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /echo two\ntwo\nroot@k8s-m:~# $/.test(document.querySelector('[data-testid=terminal]').textContent));
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
  await context.close();
});

// Beside the panes (1280 px) and where they stack (600 px: the lesson and the editor above the
// terminal come in the first frame, the editor's text a part later).
for (const width of [1280, 600]) test(`a visit the worker serves (${width} px): the first frame is the header and the terminal, with the keyboard, and the rest comes next, a part at a time, with the terminal where it was; a first visit paints it whole`, async () => {
  await withCopyOfDist(width, async ({ host, context }) => {
    // What the first frame is made of, seen from its requestAnimationFrame (before its style and
    // layout: rendering waits for #app, and static/first-view.js right after it puts the first
    // view in, most often in the same task: a frame that came between them, blank, is passed over),
    // and the first view when the rest is let in.
    await context.addInitScript(() => requestAnimationFrame(function first() {
      const view = document.getElementById('first-view');
      if (!view) {
        // A blank frame of the page; none in the blank page before the navigation.
        if (document.readyState === 'loading') requestAnimationFrame(first);
        return;
      }
      // A part not drawn yet may not be in the page either.
      const shown = (sel) => (view.querySelector(sel)?.getClientRects().length ?? 0) > 0;
      // The header and the terminal, drawn in the first frame, stay where they are as the rest comes.
      const boxes = () => ['.bar', '[data-testid=lang]', '.screen', '[data-testid=terminal-input]'].map((sel) => JSON.stringify(view.querySelector(sel).getBoundingClientRect()));
      const seen = () => ({ editor: shown('[data-testid=yaml-editor]'), lanes: shown('[data-testid^=lane-]'), lesson: shown('[data-testid=lesson-step]') });
      window.__firstFrame = { rest: view.hasAttribute('data-rest'), focus: document.activeElement.dataset.testid, terminal: shown('[data-testid=terminal-input]'), ...seen(), boxes: boxes() };
      new MutationObserver((_, watch) => {
        if (view.hasAttribute('data-rest')) return;
        watch.disconnect();
        window.__rest = { ...seen(), boxes: boxes() };
      }).observe(view, { attributes: true });
    }));
    const first = await watched(context);
    await first.page.goto(host.url);
    await first.page.waitForFunction(() => window.__firstFrame);
    assert.deepEqual({ ...await first.page.evaluate(() => window.__firstFrame), boxes: [] }, { rest: false, focus: 'terminal-input', terminal: true, editor: true, lanes: true, lesson: true, boxes: [] });
    await answers(first.page);
    await workerReady(first.page);
    await first.page.close();
    const second = await watched(context);
    await second.page.goto(host.url);
    await second.page.waitForFunction(() => window.__firstFrame && window.__rest);
    const [frame, rest] = await second.page.evaluate(() => [window.__firstFrame, window.__rest]);
    assert.deepEqual({ ...frame, boxes: [] }, { rest: true, focus: 'terminal-input', terminal: true, editor: false, lanes: false, lesson: width <= 900, boxes: [] });
    assert.deepEqual(rest, { editor: true, lanes: true, lesson: true, boxes: frame.boxes });
    await answers(second.page);
    assert.deepEqual([...first.errors, ...second.errors], []);
  });
});

test('a visit the worker serves under a fake clock that holds animation frames: the first paint\'s report lets the rest in, and the live page starts', async () => {
  await withCopyOfDist(1280, async ({ host, context }) => {
    const first = await watched(context);
    await first.page.goto(host.url);
    await answers(first.page);
    await workerReady(first.page);
    await first.page.close();
    const second = await watched(context);
    await second.page.clock.install({ time: 0 });
    await second.page.clock.pauseAt(10000);
    await second.page.goto(host.url);
    // first.js starts the module once the first view is whole: no frame would ever let it.
    await live(second.page, { timeout: 60000 });
    assert.deepEqual([...first.errors, ...second.errors], []);
  });
});

test('a line entered before first.js has run is kept: echoed once it runs, run once the module is ready', async () => {
  // The first view takes keys from the page's HTML; first.js comes after it (here: held).
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await watched(context);
  const release = await hold(page, /\/first\.js$/);
  await page.goto(server.url, { waitUntil: 'commit' });
  await page.waitForSelector('#first-view [data-testid=terminal-input]');
  await page.fill('[data-testid=terminal-input]', 'kubectl get pods');
  await page.press('[data-testid=terminal-input]', 'Enter');
  assert.equal(await page.inputValue('[data-testid=terminal-input]'), '', 'the line is taken, not left in the input');
  release();
  await page.waitForFunction(() => /^root@k8s-m:~# kubectl get pods\n/.test(document.querySelector('[data-testid=terminal]').textContent));
  await live(page);
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal]').textContent.includes('No resources found'));
  assert.match(await terminalText(page), /^root@k8s-m:~# kubectl get pods\nNo resources found in default namespace\.\nroot@k8s-m:~# $/);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a module that cannot be loaded: the line typed says so instead of waiting for ever', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.route(WASM, (route) => route.abort());
  await page.goto(server.url);
  await page.waitForSelector('#first-view [data-testid=terminal-input]');
  await page.keyboard.type('kubectl get pods');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /could not be loaded/.test(document.querySelector('[data-testid=first-view-progress]')?.textContent));
  assert.equal(await page.locator('[data-testid=crash]').count(), 0);
  await context.close();
});

for (const locale of ['en-US', 'ko-KR']) {
  test(`the first view is what the live page draws first (${locale}): rendered by the build from the app, it cannot drift`, async () => {
    const blocked = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, serviceWorkers: 'block' });
    const page = await blocked.newPage();
    await page.route(WASM, (route) => route.abort());
    await page.goto(server.url);
    await page.waitForSelector('#first-view [data-testid=terminal-input]');
    const first = await snapshot(page);
    await blocked.close();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, serviceWorkers: 'block' });
    const livePage = await context.newPage();
    await livePage.clock.install({ time: 0 });
    await livePage.clock.pauseAt(10000);
    await livePage.goto(server.url);
    await live(livePage);
    await livePage.waitForSelector('[data-testid=lesson-step]');
    const now = await snapshot(livePage);
    await context.close();
    assert.equal(first.lang, locale.slice(0, 2));
    assert.ok(first.editor.includes('kind: StatefulSet'));
    assert.deepEqual(first, now);
  });
}

test('the page runs under its Content-Security-Policy: no inline script but its own by hash, no violation, an injected script refused', async () => {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  assert.ok(csp, 'index.html has a Content-Security-Policy');
  // Scripts from the page's own files, compiled wasm, and one inline script by its hash (the
  // first view's language, static/first-view.js): no 'unsafe-inline', no 'unsafe-eval'.
  const scriptSrc = /script-src ([^;]+)/.exec(csp[1])[1].trim().split(/\s+/);
  assert.deepEqual(scriptSrc.slice(0, 2), ["'self'", "'wasm-unsafe-eval'"]);
  // (The first view's markup blocks, <script type="text/html">, are text no browser runs.)
  const inline = [...html.matchAll(/<script\b(?![^>]*\b(?:src|type)=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.ok([...html.matchAll(/<script\b[^>]*\btype="([^"]*)"/g)].every((m) => m[1] === 'text/html'), 'no script of another type');
  // Two: the module's preload links (static/preload.js, in the head, with the build's links)
  // and the first view's language (static/first-view.js).
  assert.equal(inline.length, 2);
  const [preload, firstView] = inline;
  assert.equal(firstView, uncommented(fs.readFileSync(path.join(root, 'static', 'first-view.js'), 'utf8')));
  assert.match(preload, /^if \(!\(navigator\.serviceWorker/);
  assert.match(preload, /insertAdjacentHTML\('beforeend', "<link rel=\\"modulepreload\\"[^']*_bg\.wasm[^']*"\);\n$/, 'the build wrote its preload links into static/preload.js');
  assert.ok(html.indexOf(preload) < html.indexOf('</head>'), 'the preload script is in the head');
  const sha = (text) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;
  assert.deepEqual(scriptSrc.slice(2), [sha(preload), sha(firstView)]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, errors } = await watched(context);
  await page.goto(server.url);
  await live(page);
  await page.fill('[data-testid=terminal-input]', 'kubectl apply -f web.yaml');
  await page.press('[data-testid=terminal-input]', 'Enter');
  await page.waitForSelector('[data-testid="pod-web-0"]');
  await page.click('[data-testid="file-tab-deploy.yaml"]');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  // The policy is in force: an injected inline script is refused, and says so.
  const injected = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.append(s);
    return window.__injected === true;
  });
  assert.equal(injected, false);
  await page.waitForFunction(() => window.__violations.length === 1);
  assert.match(await page.evaluate(() => window.__violations[0]), /^script-src-elem inline$/);
  assert.deepEqual(errors.filter((e) => !/Content Security Policy/.test(e)), []);
  await context.close();
});

/** A copy of dist/ served alone, whose network can be switched off. */
async function copyOfDist() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-dist-'));
  fs.cpSync(dist, dir, { recursive: true });
  const net = { off: false };
  const host = await serve(dir, { offline: () => net.off });
  return { dir, net, host };
}

/** Runs `run` with a copy of dist/ of its own (served alone, its network switchable) and a
 * fresh context `width` px wide; both are gone after it. */
async function withCopyOfDist(width, run) {
  const { dir, net, host } = await copyOfDist();
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  try {
    await run({ dir, net, host, context });
  } finally {
    await context.close();
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const workerReady = (page) => page.evaluate(async () => {
  const reg = await navigator.serviceWorker.ready;
  return reg.active.scriptURL;
});

/** Polls an async predicate in the page until it holds (20 s at most). */
async function until(page, predicate) {
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate(predicate)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`never held: ${predicate}`);
}

async function answers(page) {
  await live(page, { timeout: 60000 });
  await page.fill('[data-testid=terminal-input]', 'kubectl get pods');
  await page.press('[data-testid=terminal-input]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal]').textContent.includes('No resources found in default namespace.'));
}

test('the service worker: a second visit from the kept files, and a visit with the network off', async () => {
  await withCopyOfDist(1280, async ({ net, host, context }) => {
    const first = await watched(context);
    await first.page.goto(host.url);
    await answers(first.page);
    assert.match(await workerReady(first.page), /\/sw\.js$/);
    // A visit from the network asks for the module from the head (static/preload.js), before
    // the first view is on screen; a visit the worker serves asks for it once the first view
    // has painted (a preload would take the main thread before the first paint).
    const wasmAsked = (page) => page.evaluate(() => {
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('_bg.wasm'));
      const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
      return { preload: !!document.querySelector('link[rel=preload][href$="_bg.wasm"]'), beforePaint: wasm.startTime < fcp.startTime };
    });
    assert.deepEqual(await wasmAsked(first.page), { preload: true, beforePaint: true });
    await first.page.close();
    // Second visit: the page and its module come from the worker's cache.
    const second = await watched(context);
    const fromNetwork = [];
    second.page.on('response', (r) => { if (!r.fromServiceWorker() && r.url().startsWith(host.url)) fromNetwork.push(new URL(r.url()).pathname); });
    await second.page.goto(host.url);
    await answers(second.page);
    assert.ok(await second.page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker serves the second visit');
    assert.deepEqual(await wasmAsked(second.page), { preload: false, beforePaint: false });
    // The browser took them from the worker's cache by the worker's routes (static/sw.js), with no
    // worker to start: the page, first.js and the first module (the second is the worker's to keep).
    const routed = await second.page.evaluate(() => [
      performance.getEntriesByType('navigation')[0],
      ...performance.getEntriesByType('resource').filter((e) => /\/first\.js$|\/kubelab-web-[0-9a-f]+_bg\.wasm$/.test(e.name)),
    ].map((e) => `${new URL(e.name).pathname.replace(/-[0-9a-f]{1,16}_bg/, '')} ${e.workerMatchedSourceType}`));
    assert.deepEqual(routed.sort(), ['/ cache', '/first.js cache', '/kubelab-web.wasm cache']);
    assert.deepEqual(fromNetwork.filter((p) => !p.startsWith('/lessons/')), [], 'only lessons come from the network');
    await second.page.close();
    // The network off: the page, its module and the lessons seen before still come.
    net.off = true;
    await context.setOffline(true);
    const offline = await watched(context);
    await offline.page.goto(host.url);
    await answers(offline.page);
    await offline.page.waitForSelector('[data-testid=lesson-step]');
    assert.deepEqual(offline.errors, []);
    assert.deepEqual([...first.errors, ...second.errors], []);
  });
});

test('a new build is a new worker: the next visit gets the new files, never a mix, and the old cache goes', async () => {
  await withCopyOfDist(1280, async ({ dir, host, context }) => {
    const page = await context.newPage();
    await page.goto(host.url);
    await answers(page);
    await workerReady(page);
    const [oldCache] = await page.evaluate(() => caches.keys().then((k) => k.filter((n) => n !== 'kubelab-lessons')));
    await page.close();
    // A new build: the page changes, and the build step writes a new worker.
    const index = path.join(dir, 'index.html');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace('<title>Kubelab</title>', '<title>Kubelab</title><meta name="build" content="2" />'));
    execFileSync('node', [path.join(root, 'scripts', 'postbuild.mjs'), dir], { stdio: 'pipe' });
    const build = (p) => p.evaluate(() => document.querySelector('meta[name=build]')?.content ?? '1');
    // The visit that finds the new worker is still the old build, whole.
    const during = await context.newPage();
    await during.goto(host.url);
    await answers(during);
    assert.equal(await build(during), '1');
    await until(during, () => navigator.serviceWorker.getRegistration().then((r) => !!r.waiting));
    await during.close();
    // Once its pages are gone, the new worker takes over: the new build, its cache alone.
    const after = await context.newPage();
    await after.goto(host.url, { waitUntil: 'commit', timeout: 60000 });
    await until(after, () => navigator.serviceWorker.getRegistration().then((r) => !r.waiting && r.active && r.active.state === 'activated'));
    await after.reload();
    await answers(after);
    assert.equal(await build(after), '2');
    const caches = await after.evaluate(() => caches.keys());
    assert.ok(!caches.includes(oldCache), `the old cache ${oldCache} is gone: ${caches}`);
    assert.equal(caches.filter((n) => n !== 'kubelab-lessons').length, 1);
  });
});
