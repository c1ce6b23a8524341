// End-to-end: when the page's second wasm module is fetched (static/first.js, static/sw.js).
// A reader who opens the page and only reads (scrolls, moves the pointer) fetches none of it,
// and the service worker does not take it at install; a key pressed, a pointer down or a share
// link fetches it, and the worker keeps it then. Offline, a reader who never engaged gets a
// clear message for a line that needs it, and the first module's lines still run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, live, type, root, terminalShows as shows } from './harness.mjs';
import { SECOND_MODULE as MORE } from '../../scripts/split.mjs';

const more = fs.readdirSync(path.join(root, 'dist')).find((f) => MORE.test(f));
const skip = !more && 'dist/ is not split';
const net = { off: false };
let server, browser;

before(async () => {
  server = await serve(path.join(root, 'dist'), { offline: () => net.off });
  browser = await launch();
});

after(async () => {
  await browser.close();
  await server.close();
});

/** A page whose requests for the second module and whose errors are counted. */
async function watched(context) {
  const page = await context.newPage();
  const asked = [];
  const errors = [];
  page.on('request', (r) => { if (MORE.test(r.url())) asked.push(r.url()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, asked, errors };
}

const fetching = (page) => page.evaluate(() => !!window.__kubelabSplit.state.fetching);
const instance = (page) => page.waitForFunction(() => window.__kubelabSplit.state.instance, null, { timeout: 30000 });
/** Whether the worker's cache holds the second module (polled up to 20 s for `want`). */
async function cached(page, want) {
  for (let i = 0; i < 200; i++) {
    const has = await page.evaluate(async (name) => !!(await caches.match(new URL(name, location.href).href)), more);
    if (has === want || !want) return has;
    await page.waitForTimeout(100);
  }
  return !want;
}
const workerReady = (page) => page.evaluate(async () => { await navigator.serviceWorker.ready; });

/** Opens the page and reads it: the pointer moves over the lab and the page scrolls, no more. */
async function read(page, url = server.url) {
  await page.goto(url);
  await live(page);
  await page.waitForSelector('[data-testid=lesson-step]');
  for (const [x, y] of [[640, 450], [900, 300], [300, 700], [1200, 100]]) await page.mouse.move(x, y, { steps: 4 });
  await page.mouse.wheel(0, 400);
  await page.mouse.wheel(0, -400);
  await page.waitForTimeout(2500);
}

test('a reader who only reads fetches no second module, and the worker does not take it; the first key fetches it and the worker keeps it', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, asked, errors } = await watched(context);
  await read(page);
  await workerReady(page);
  assert.deepEqual(asked, [], 'nothing asked for the second module');
  assert.equal(await fetching(page), false);
  assert.equal(await cached(page, false), false, 'the worker did not take it at install');
  // Nor the embed's page and script or the demo posts: a reader of the page needs none of them.
  assert.deepEqual(await page.evaluate(async () => {
    const names = ['embed.html', 'kubelab-embed.js', 'demo/en.html', 'demo/ko.html', 'demo/post.css'];
    return (await Promise.all(names.map((n) => caches.match(new URL(n, location.href).href)))).filter(Boolean).length;
  }), 0);
  // A key (typed into the terminal, as a reader does) is intent: fetched once, and kept.
  await page.keyboard.press('k');
  await instance(page);
  assert.equal(asked.length, 1);
  assert.equal(await cached(page, true), true, 'the worker keeps it once the page fetched it');
  // The next visit, offline, has it at once; a line that needs it runs.
  net.off = true;
  await context.setOffline(true);
  try {
    const next = await watched(context);
    await next.page.goto(server.url);
    await live(next.page);
    await type(next.page, 'kubectl create deployment hello --image=nginx');
    await shows(next.page, /--image=nginx\ndeployment\.apps\/hello created\n/);
    assert.deepEqual(next.errors, []);
  } finally {
    net.off = false;
    await context.setOffline(false);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('a pointer down on the lab, or the pointer resting on the lesson\'s Run, fetches the second module', { skip }, async () => {
  for (const how of ['down', 'rest']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, asked } = await watched(context);
    await read(page);
    assert.deepEqual(asked, [], how);
    if (how === 'down') {
      const lane = await page.locator('[data-testid^=lane-]').first().boundingBox();
      await page.mouse.click(lane.x + 5, lane.y + 5);
    } else {
      await page.hover('[data-testid=lesson-run]');
    }
    await instance(page);
    assert.equal(asked.length, 1, how);
    assert.equal(await page.evaluate(() => window.__kubelabSplit.intent.why), how === 'down' ? 'pointerdown' : 'hover');
    await context.close();
  }
});

test('a share link runs lines: the second module is fetched without waiting for a key', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await watched(context);
  // Malformed (the page says so and opens the default lab): still a link meant to run a lab.
  await page.goto(`${server.url}#v1.x`);
  await live(page);
  await instance(page);
  assert.equal(await page.evaluate(() => window.__kubelabSplit.intent.why), 'link');
  await context.close();
});

test('offline, a reader who never engaged: the first module\'s lines run, and a line that needs the second says why it cannot', { skip }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const first = await watched(context);
  await read(first.page);
  await workerReady(first.page);
  assert.deepEqual(first.asked, []);
  await first.page.evaluate(() => localStorage.clear());
  await first.page.close();
  net.off = true;
  await context.setOffline(true);
  try {
    const { page, errors } = await watched(context);
    await page.goto(server.url);
    await live(page);
    await type(page, 'kubectl get pods');
    await shows(page, /kubectl get pods\nNo resources found in default namespace\.\n/);
    assert.equal(await page.evaluate(() => window.__kubelabSplit.state.instance), null);
    await type(page, 'kubectl create deployment hello --image=nginx');
    const crash = page.locator('[data-testid=crash][data-missing=true]');
    await crash.waitFor({ timeout: 30000 });
    assert.match(await crash.textContent(), /needs the rest of its program for this line, and it could not be downloaded: the network is off/);
    assert.match(await crash.textContent(), /kubectl create deployment hello --image=nginx/);
    assert.ok(await page.locator('[data-testid=crash-reload]').isVisible());
    assert.ok(errors.every((e) => /second module .* could not be loaded/.test(e)), errors.join('\n'));
  } finally {
    net.off = false;
    await context.setOffline(false);
  }
  await context.close();
});
