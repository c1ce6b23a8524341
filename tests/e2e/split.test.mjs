// End-to-end: the page's wasm in two modules (scripts/split.mjs). The first module alone starts
// the page and answers the first line (the second held back: no call waited for it); a line
// that needs the second module before it has come waits for it, then runs as typed; once the
// second module is there, the page's other commands run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, live, terminalText, type, root, terminalShows as shows } from './harness.mjs';
import { SECOND_MODULE as MORE } from '../../scripts/split.mjs';
import { dataSegments } from '../../scripts/split-data.mjs';

const FIRST = /-[0-9a-f]{1,16}_bg\.wasm$/;
const split = fs.readdirSync(path.join(root, 'dist')).some((f) => MORE.test(f));
let server, browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser.close();
  await server.close();
});

/** Types `line` into the first view, the first module held back until it is entered. */
async function early(page, url, line) {
  let typed;
  const entered = new Promise((r) => { typed = r; });
  await page.route(FIRST, async (route) => { if (!MORE.test(route.request().url())) await entered; await route.fallback(); });
  await page.goto(url);
  await page.waitForSelector('#first-view [data-testid=terminal-input]');
  await page.fill('[data-testid=terminal-input]', line);
  await page.press('[data-testid=terminal-input]', 'Enter');
  typed();
}

/** The second module's data segments (scripts/split-data.mjs): [address, bytes] of each. */
function secondData() {
  const name = fs.readdirSync(path.join(root, 'dist')).find((f) => MORE.test(f));
  return dataSegments(fs.readFileSync(path.join(root, 'dist', name))).map(({ start, bytes }) => [start, [...bytes]]);
}

/** For each of `ranges`: 'zero' when memory holds zeros there, 'same' when it holds its bytes. */
const memoryAt = (page, ranges) => page.evaluate((ranges) => {
  const mem = new Uint8Array(window.__kubelabSplit.state.exports.memory.buffer);
  return [...new Set(ranges.map(([start, bytes]) => (bytes.every((x, i) => mem[start + i] === x) ? 'same' : bytes.every((_, i) => mem[start + i] === 0) ? 'zero' : 'other')))];
}, ranges);

const state = (page) => page.evaluate(() => ({ waits: window.__kubelabSplit.state.waits, second: !!window.__kubelabSplit.state.instance }));

test('the first module alone starts the page, answers the first line and works out the lesson\'s step', { skip: !split && 'dist/ is not split' }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Held back (at most 20 s: a call that needs it waits for it, synchronously, and the page
  // would stand still while it is held).
  let release;
  const held = new Promise((r) => { release = r; setTimeout(r, 20000); });
  await page.route(MORE, async (route) => { await held; await route.continue(); });
  await early(page, server.url, 'kubectl get pods');
  await live(page);
  await shows(page, /kubectl get pods\nNo resources found in default namespace\.\n/);
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  // The clock runs and the step's goal is worked out, all without the second module.
  await page.waitForTimeout(2000);
  assert.deepEqual(await state(page), { waits: 0, second: false }, 'a function the first module lacks was called: scripts/split-keep.txt is out of date: run scripts/split-keep, then rebuild');
  // The data only the second module's code reaches comes with it: zero until then (the
  // first module answered without it), its bytes once the second module is instantiated.
  const data = secondData().filter(([, bytes]) => bytes.some((x) => x));
  assert.ok(data.length > 0, 'the second module carries data (scripts/split-data.mjs)');
  assert.deepEqual(await memoryAt(page, data), ['zero']);
  release();
  await page.waitForFunction(() => window.__kubelabSplit.state.instance);
  assert.deepEqual(await memoryAt(page, data), ['same']);
  await type(page, 'kubectl describe node k8s-m | head -2');
  await shows(page, /head -2\nName: +k8s-m\nRoles: +control-plane\n/);
  assert.deepEqual(await state(page), { waits: 0, second: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a line that needs the second module before it has come waits for it, then runs', { skip: !split && 'dist/ is not split' }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The second module comes 1.5 s after it is asked for (each time).
  await page.route(MORE, async (route) => { await new Promise((r) => setTimeout(r, 1500)); await route.continue(); });
  // `kubectl create deployment` is none of the first module's lines.
  await early(page, server.url, 'kubectl create deployment hello --image=nginx');
  await live(page);
  await shows(page, /--image=nginx\ndeployment\.apps\/hello created\n/);
  assert.deepEqual(await state(page), { waits: 1, second: true });
  await type(page, 'kubectl describe deploy hello | head -2');
  await shows(page, /head -2\nName: +hello\nNamespace: +default\n/);
  assert.match(await terminalText(page), /^root@k8s-m:~# kubectl create deployment hello --image=nginx\ndeployment\.apps\/hello created\n/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('offline, from the service worker: a line that needs the second module before its compile ends loads it at once', { skip: !split && 'dist/ is not split' }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const first = await context.newPage();
  await first.goto(server.url);
  await live(first);
  // A reader who typed: the second module fetched (static/first.js), and kept by the worker.
  await first.keyboard.press('k');
  await first.waitForFunction(() => window.__kubelabSplit.state.instance);
  await first.evaluate(async () => { await navigator.serviceWorker.ready; localStorage.clear(); });
  await first.waitForFunction(async () => (await caches.keys()).length > 0 && !!(await caches.match(window.__kubelabSplit.url)), null, { polling: 100, timeout: 20000 });
  await first.close();
  // The second module's compile never ends here: the placeholder's synchronous request (which
  // the worker answers) is all there is.
  await context.addInitScript(() => { WebAssembly.compileStreaming = () => new Promise(() => {}); });
  await context.setOffline(true);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await live(page);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller));
  await type(page, 'kubectl create deployment hello --image=nginx');
  await shows(page, /--image=nginx\ndeployment\.apps\/hello created\n/);
  assert.deepEqual(await state(page), { waits: 1, second: true });
  assert.deepEqual(errors, []);
  await context.close();
});
