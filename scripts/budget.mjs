// Measures the page's budgets (issue 4): bytes transferred (gzip -9 of every file the page
// loads), median time from navigation to a terminal showing a typed key (cold cache, fresh
// browser context, 5 runs), frames per second while 200 pods scale up, and how long a returning
// learner's long lab takes to come back (a reload replays the saved journal, as scrubbing does),
// and the longest frame and the tab's memory while the seed's StatefulSet scales from 2 to 300
// (issue 12), without and with 4x CPU throttling.
// And issue 15's load budget (`load`): first paint, a typed key, the first answer, transfer
// (gzip and brotli), the second visit through the service worker and offline, on a phone's
// throttling (Lighthouse's mobile preset), median of 7 runs.
// Reports; never fails on a number (speed and size are reported, not asserted).
// `node scripts/budget.mjs [size] [start] [fps] [saved] [sts300] [burst] [load] [second] [floor]`
// runs only those parts (`second`, the second visit alone, and `floor` are not in the default run);
// `DIST=dir` measures another built site (a build from before a change), `COMPARE=dir` (with
// `second`) a second one interleaved with it.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, type, root, LIVE } from '../tests/e2e/harness.mjs';
import { SECOND_MODULE } from './split.mjs';
import { markVisits } from './marks.mjs';

const dist = process.env.DIST ? path.resolve(process.env.DIST) : path.join(root, 'dist');
const server = await serve(dist);
const browser = await launch();
const lines = [];
const say = (s) => { console.log(s); lines.push(s); };
const parts = process.argv.slice(2);
const want = (part) => (parts.length === 0 && !['second', 'floor'].includes(part)) || parts.includes(part);

// 1. Size: what one page load fetches.
if (want('size')) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = new Set();
  page.on('request', (r) => fetched.add(new URL(r.url()).pathname));
  await page.goto(server.url);
  await page.waitForSelector(LIVE);
  await context.close();
  let raw = 0, gz = 0;
  say('| file | raw bytes | gzip -9 bytes |');
  say('|---|---|---|');
  for (const p of [...fetched].sort()) {
    const file = path.join(dist, p === '/' ? 'index.html' : decodeURIComponent(p));
    if (!fs.existsSync(file)) continue;
    const data = fs.readFileSync(file);
    const z = zlib.gzipSync(data, { level: 9 }).length;
    raw += data.length; gz += z;
    say(`| ${p === '/' ? 'index.html' : path.basename(file)} | ${data.length} | ${z} |`);
  }
  say(`| **total** | ${raw} | **${gz} (${(gz / 1024).toFixed(1)} KiB)** |`);
}

// Milliseconds from navigation to the first frame painted after the terminal's input holds a
// typed key (performance.now() counts from navigation start), in a fresh context with an empty
// cache. `saved`, if given, is put in localStorage first (a returning learner's lab).
async function typedKeyMs(saved) {
  const context = await browser.newContext();
  await context.addInitScript((text) => {
    if (text && !sessionStorage.getItem('seeded')) { localStorage.setItem('kubelab.lab.v1', text); sessionStorage.setItem('seeded', '1'); }
    document.addEventListener('input', (e) => {
      if (e.target.dataset && e.target.dataset.testid === 'terminal-input' && e.target.value === 'k' && !window.__shown) {
        requestAnimationFrame(() => { window.__shown = performance.now(); });
      }
    }, true);
  }, saved ?? null);
  const page = await context.newPage();
  await page.goto(server.url, { waitUntil: 'commit' });
  const input = page.locator('[data-testid=terminal-input]');
  await input.waitFor();
  await input.press('k');
  await page.waitForFunction(() => window.__shown);
  const shown = await page.evaluate(() => window.__shown);
  // The first view takes the key before the module runs; the lab's clock is the live page's.
  await page.waitForSelector(LIVE);
  const clock = await page.textContent('[data-testid=clock]');
  await context.close();
  return { shown, clock };
}

// 2. Navigation to a terminal that shows a typed key: cold cache, fresh context, 5 runs.
if (want('start')) {
  const runs = [];
  // One discarded warm-up (the browser process itself starting up), then 5 measured runs.
  for (let i = -1; i < 5; i++) {
    const { shown } = await typedKeyMs();
    if (i >= 0) runs.push(shown);
  }
  runs.sort((a, b) => a - b);
  say('');
  say(`navigation to a typed key in the terminal (5 runs, ms): ${runs.map((r) => r.toFixed(0)).join(', ')}; **median ${runs[2].toFixed(0)} ms**`);
}

// 2b. Issue 15: the page as a reader on a phone meets it. Lighthouse's mobile preset ("slow 4G":
// 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up; CPU 4x slower) through the DevTools protocol,
// files served gzipped (as GitHub Pages serves them), a fresh context and an empty cache per run.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const RUNS = Number(process.env.RUNS) || 7;
// Pages whose terminal took a key (scripts/marks.mjs).
const typed = new WeakSet();
async function marked(options) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await markVisits(context, typed);
  return context;
}

async function throttled(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  // Bytes on the wire (compressed bodies and headers) of what the page fetched before its answer.
  const wire = { bytes: 0, requests: 0, done: false };
  cdp.on('Network.loadingFinished', (e) => { if (!wire.done) { wire.bytes += e.encodedDataLength; wire.requests++; } });
  return { page, wire };
}

// One visit: navigation, then a reader's key pressed again and again (the terminal's input has
// the focus on the live page and on the first view) until one lands in it, then
// `kubectl get pods` and Enter, until kubectl's answer is on screen. The page's requests (not
// its service worker's) are listed in `fetched`.
async function visit(context, options = {}) {
  const { page, wire } = await throttled(context);
  const fetched = new Set();
  page.on('request', (r) => { if (r.url().startsWith(options.url || server.url)) fetched.add(new URL(r.url()).pathname); });
  const t0 = Date.now();
  await page.goto(options.url || server.url, { waitUntil: 'commit' });
  while (!typed.has(page)) {
    if (Date.now() - t0 > 60000) throw new Error('no key was taken in 60 s');
    await page.keyboard.press('k');
  }
  await page.waitForFunction(() => window.__marks.key, null, { timeout: 60000 });
  if (options.keyOnly) {
    // A page that only takes keys (the floor's, below): a second for what the key started.
    await page.waitForTimeout(1000);
    const marks = await page.evaluate(() => window.__marks);
    await page.evaluate(() => { try { localStorage.clear(); } catch { /* storage blocked */ } });
    if (!options.keep) await page.close();
    return { ...marks, page };
  }
  await page.fill('[data-testid=terminal-input]', 'kubectl get pods');
  await page.press('[data-testid=terminal-input]', 'Enter');
  await page.waitForFunction(() => window.__marks.answer && window.__marks.paint, null, { timeout: 60000 }).catch(async (e) => {
    // What the page shows when the answer never came: the marks, the page's own marks, the terminal.
    const seen = await page.evaluate(() => ({
      marks: window.__marks,
      lab: document.documentElement.dataset.lab,
      firstView: !!document.getElementById('first-view'),
      boot: performance.getEntriesByType('mark').map((m) => `${m.name}@${m.startTime.toFixed(0)}`),
      paints: performance.getEntriesByType('paint').map((m) => `${m.name}@${m.startTime.toFixed(0)}`),
      terminal: (document.querySelector('[data-testid=terminal]')?.textContent || '').slice(-400),
      input: document.querySelector('[data-testid=terminal-input]')?.value,
    })).catch(() => null);
    throw new Error(`no answer in 60 s: ${JSON.stringify(seen)}`, { cause: e });
  });
  wire.done = true;
  const marks = await page.evaluate(() => window.__marks);
  // A split module (scripts/split.mjs): how many times a call waited for the second module.
  marks.waits = await page.evaluate(() => window.__kubelabSplit?.state.waits ?? null);
  if (process.env.BUDGET_DEBUG) {
    const t = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
      return { response: n.responseStart, interactive: n.domInteractive, fcp: fcp && fcp.startTime };
    });
    const r = (x) => (typeof x === 'number' ? Math.round(x) : x);
    console.log(JSON.stringify(Object.fromEntries(Object.entries({ ...t, ...marks }).map(([k, v]) => [k, r(v)]))));
  }
  // The next visit starts from an empty lab (what is measured is the page, not a saved lab).
  await page.evaluate(() => { try { localStorage.clear(); } catch { /* storage blocked */ } });
  if (!options.keep) await page.close();
  return { ...marks, wire, page, fetched };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (xs) => `**${median(xs).toFixed(0)} ms** (${[...xs].sort((a, b) => a - b).map((x) => x.toFixed(0)).join(', ')})`;

// What one load fetches, weighed as a static host would send it: gzip -9 (or the build's `.gz`)
// and brotli at quality 11 (or the build's `.br`).
function weigh(paths) {
  let raw = 0, gz = 0, br = 0;
  const rows = [];
  const seen = new Set();
  for (const p of [...paths].sort()) {
    const file = path.join(dist, p === '/' ? 'index.html' : decodeURIComponent(p));
    // The page's `/` and the worker's `index.html` are one file.
    if (seen.has(file) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) continue;
    seen.add(file);
    const data = fs.readFileSync(file);
    const z = fs.existsSync(file + '.gz') ? fs.statSync(file + '.gz').size : zlib.gzipSync(data, { level: 9 }).length;
    const b = fs.existsSync(file + '.br') ? fs.statSync(file + '.br').size
      : zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }).length;
    raw += data.length; gz += z; br += b;
    rows.push(`| ${p === '/' ? 'index.html' : p.slice(1)} | ${data.length} | ${z} | ${b} |`);
  }
  return { raw, gz, br, rows };
}

const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;

// A reader who opens the page and only reads: the same throttling, no key, no pointer, until
// the network has been quiet for 5 s (no request under way, none started) after the live page
// is drawn. What the page and its service worker fetched (the second wasm module waits for the reader's intent,
// static/first.js), weighed as above.
async function quietLoad() {
  const context = await marked();
  // The page's requests and its service worker's (what the worker takes at install counts too).
  const fetched = new Set();
  let busy = 0, last = Date.now();
  context.on('request', (r) => { busy++; last = Date.now(); if (r.url().startsWith(server.url)) fetched.add(new URL(r.url()).pathname); });
  const done = () => { busy--; last = Date.now(); };
  context.on('requestfinished', done);
  context.on('requestfailed', done);
  const { page } = await throttled(context);
  await page.goto(server.url, { waitUntil: 'commit' });
  await page.waitForSelector(LIVE, { timeout: 60000 });
  while (busy > 0 || Date.now() - last < 5000) await page.waitForTimeout(250);
  const second = [...fetched].some((p) => SECOND_MODULE.test(p));
  await context.close();
  return { files: weigh(fetched), second };
}

// A context after a first visit, once the service worker (if the page has one) has taken the
// page's files.
async function keptContext(url, keyOnly = false) {
  const context = await marked();
  const r0 = await visit(context, { keep: true, url, keyOnly });
  const sw = await r0.page.evaluate(async () => {
    if (!('serviceWorker' in navigator) || !(await navigator.serviceWorker.getRegistration())) return false;
    await navigator.serviceWorker.ready;
    return true;
  });
  await r0.page.close();
  return { context, sw };
}

// The second visit: `RUNS` visits in such a context, then (if asked) one with the network off.
async function secondVisits(url, { offline: tryOffline = false } = {}) {
  const { context, sw } = await keptContext(url);
  const second = { key: [], answer: [], paint: [] };
  let offline = 'no service worker';
  if (sw) {
    for (let i = 0; i < RUNS; i++) {
      const r = await visit(context, { url });
      for (const k of Object.keys(second)) second[k].push(r[k]);
    }
    if (tryOffline) {
      await context.setOffline(true);
      try {
        const r = await visit(context, { url });
        offline = `works: key ${r.key.toFixed(0)} ms, answer ${r.answer.toFixed(0)} ms`;
      } catch (e) {
        offline = `fails (${String(e.message).split('\n')[0]})`;
      }
    }
  }
  await context.close();
  return { sw, second, offline };
}

if (want('load')) {
  // A discarded warm-up (the browser process starting), then 7 measured first visits.
  const first = { paint: [], key: [], answer: [] };
  const waits = [];
  let wire = null;
  for (let i = -1; i < RUNS; i++) {
    const context = await marked();
    const r = await visit(context, { keep: i === 0 });
    if (i >= 0) { for (const k of Object.keys(first)) first[k].push(r[k]); waits.push(r.waits); }
    if (i === 0) {
      // Everything the reader's keys ask for: the second module may be asked for after the
      // answer (once the first has arrived), so its request is waited for (at most 30 s).
      await r.page.waitForFunction(() => !window.__kubelabSplit || window.__kubelabSplit.state.instance, null, { timeout: 30000 }).catch(() => {});
      wire = { ...r.wire, files: weigh(r.fetched) };
    }
    await context.close();
  }
  const quiet = await quietLoad();
  // The first answer again from a host that serves the build's brotli files.
  const brotli = [];
  {
    const host = await serve(dist, { brotli: true });
    for (let i = 0; i < RUNS; i++) {
      const context = await marked();
      brotli.push((await visit(context, { url: host.url })).answer);
      await context.close();
    }
    await host.close();
  }
  const { sw, second, offline } = await secondVisits(server.url, { offline: true });
  say('');
  say('Issue 15, Lighthouse mobile throttling (150 ms, 1.6 Mbit/s down, 750 kbit/s up, CPU 4×), gzip served, fresh context, median of 7 (single runs in brackets):');
  say('');
  say('| figure | aim | measured |');
  say('|---|---|---|');
  say(`| first paint showing the lab | ≤ 1.0 s | ${ms(first.paint)} |`);
  say(`| the terminal takes a typed key | ≤ 1.0 s | ${ms(first.key)} |`);
  say(`| first answer (\`kubectl get pods\`, Enter, kubectl's answer on screen) | ≤ 3.3 s | ${ms(first.answer)} |`);
  say(`| first answer from a host that serves brotli (not GitHub Pages) | (reported) | ${ms(brotli)} |`);
  say(`| transfer on load (no interaction, network quiet 5 s), gzip -9 | ≤ 500 KiB | **${kib(quiet.files.gz)}** (brotli 11 ${kib(quiet.files.br)}; second wasm module ${quiet.second ? 'fetched' : 'not fetched'}) |`);
  say(`| everything, once the reader has used the lab (keys from the start), gzip -9 | (reported) | **${kib(wire.files.gz)}** (on the wire before the answer ${kib(wire.bytes)} in ${wire.requests} requests, headers included) |`);
  say(`| everything, once the reader has used the lab, brotli 11 | (reported) | **${kib(wire.files.br)}** |`);
  if (waits.some((w) => w !== null)) say(`| first visits whose answer waited for the second wasm module (scripts/split.mjs) | (reported) | ${waits.filter((w) => w > 0).length} of ${waits.length} |`);
  say(`| second visit (service worker): a typed key | ≤ 300 ms | ${sw ? ms(second.key) : 'no service worker'} |`);
  if (sw) say(`| second visit: paint, answer | (reported) | ${median(second.paint).toFixed(0)} ms, ${median(second.answer).toFixed(0)} ms |`);
  say(`| second visit with the network off | works | ${offline} |`);
  say('');
  say('| file fetched by the first visit (keys typed) | raw bytes | gzip | brotli |');
  say('|---|---|---|---|');
  for (const row of wire.files.rows) say(row);
  say(`| **total** | ${wire.files.raw} | **${wire.files.gz}** | **${wire.files.br}** |`);
  say(`| **on load, no interaction** | ${quiet.files.raw} | **${quiet.files.gz}** | **${quiet.files.br}** |`);
}

// The second visit alone (`second`), `RUNS` visits; with `COMPARE=dir`, the same visits of
// another built site interleaved with them (one visit of each in turn, so that both meet the
// machine's same minutes: single visits spread more than most changes move the median). `floor`
// puts beside it, interleaved the same way, two pages that only take a key, kept by a service
// worker as the page is: one input alone, and the page's first frame as plain HTML (its
// stylesheet and the header and terminal of its English first view, no script but the focus):
// what this browser and machine take for any page, and for the first view without the page's
// machinery. Visits of all sites stop at the key there.
async function secondKeys(sites, keyOnly) {
  const contexts = [];
  for (const site of sites) contexts.push((await keptContext(site.url, keyOnly)).context);
  const keys = sites.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [j, site] of sites.entries()) keys[j].push((await visit(contexts[j], { url: site.url, keyOnly })).key);
  }
  for (const [j, site] of sites.entries()) say(`second visit, a typed key, ${site.name}: ${ms(keys[j])}`);
  for (const context of contexts) await context.close();
}

/** The floor's two pages, written from the built page into target/floor/. */
function floorSites() {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)[1];
  const view = /<script type="text\/html" id="first-view-en">([\s\S]*?)<\/script>/.exec(html)[1];
  const head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">';
  const sw = `const CACHE = 'floor';
self.addEventListener('install', (e) => {
  const page = new URL('./', self.registration.scope);
  if (e.addRoutes) e.addRoutes([{ condition: { urlPattern: new URLPattern({ pathname: page.pathname, search: '' }), requestMethod: 'GET' }, source: { cacheName: CACHE } }]);
  e.waitUntil(caches.open(CACHE).then((c) => c.add(page.href)));
});
self.addEventListener('fetch', (e) => { if (e.request.mode === 'navigate') e.respondWith(caches.match(e.request.url.split('?')[0]).then((r) => r || fetch(e.request))); });
`;
  const register = "<script>navigator.serviceWorker.register('sw.js')</script>";
  const pages = {
    'an input alone': `${head}</head><body><input data-testid="terminal-input" autofocus>${register}</body></html>`,
    'the first frame as plain HTML': `${head}<meta name="color-scheme" content="light dark"><style>${css}</style></head><body><div id="first-view" data-rest="lang lesson editor diagram timeline">${view}</div><script>document.querySelector('[data-testid=terminal-input]').focus()</script>${register}</body></html>`,
  };
  return Object.entries(pages).map(([name, page], i) => {
    const dir = path.join(root, 'target', 'floor', String(i));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), page);
    fs.writeFileSync(path.join(dir, 'sw.js'), sw);
    return { name, dir };
  });
}

if (want('second') || want('floor')) {
  const sites = [{ name: dist, url: server.url }];
  const others = [];
  if (process.env.COMPARE) others.push({ name: path.resolve(process.env.COMPARE), dir: path.resolve(process.env.COMPARE) });
  if (want('floor')) others.push(...floorSites());
  for (const other of others) {
    const host = await serve(other.dir);
    sites.push({ name: other.name, url: host.url, host });
  }
  await secondKeys(sites, want('floor'));
  for (const site of sites) await site.host?.close();
}

// 3. A 200-pod scale-up: frames per second while the diagram animates.
if (want('fps')) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector(LIVE);
  await type(page, 'kubectl apply -f deploy.yaml');
  await page.getByRole('button', { name: '10×' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-deploy-"][data-status="Running"]').length === 3, null, { timeout: 30000 });
  await type(page, 'kubectl scale deployment deploy --replicas=200');
  const result = await page.evaluate(() => new Promise((resolve) => {
    let frames = 0; const t0 = performance.now();
    const gaps = []; let last = t0;
    const step = (t) => {
      frames++; gaps.push(t - last); last = t;
      if (t - t0 < 5000) requestAnimationFrame(step);
      else resolve({ frames, secs: (t - t0) / 1000, worst: Math.max(...gaps), running: document.querySelectorAll('[data-testid^="pod-deploy-"][data-status="Running"]').length, pods: document.querySelectorAll('[data-testid^="pod-deploy-"]').length });
    };
    requestAnimationFrame(step);
  }));
  say('');
  say(`200-pod scale-up at 10×, 5 s: **${(result.frames / result.secs).toFixed(1)} frames/s**, worst frame ${result.worst.toFixed(0)} ms; ${result.pods} pods drawn, ${result.running} Running at the end`);
  await context.close();
}

// 4. A returning learner: a saved 43-minute lab (80 lines typed) is rebuilt on load by replaying
// its journal, the same work as scrubbing back. Navigation to a typed key, 3 runs.
if (want('saved')) {
  const files = [['web.yaml', 'examples/application/web/web.yaml'], ['deploy.yaml', 'deploy.yaml']].map(([f, p]) => [f, fs.readFileSync(path.join(root, 'lessons', 'files', p), 'utf8')]);
  const journal = [];
  let at = 0;
  for (let r = 0; r < 10; r++) {
    for (const line of ['kubectl apply -f web.yaml', 'kubectl apply -f deploy.yaml', 'kubectl scale sts web --replicas=4', 'kubectl get pods -o wide', 'kubectl delete pod web-0 --wait=false', 'kubectl get pvc,pv', 'kubectl get events']) {
      journal.push({ at, term: r % 2, act: { Line: line } });
      at += 20000;
    }
    journal.push({ at, term: 0, act: { Line: 'kubectl delete -f deploy.yaml --wait=false' } });
    at += 120000;
  }
  const saved = JSON.stringify({ version: 1, seed: 52, initial_files: files, files, journal, applied: journal.length, now: at, histories: [[], []] });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const { shown, clock } = await typedKeyMs(saved);
    if (!clock.startsWith('43:')) throw new Error(`the saved lab did not come back (clock ${clock})`);
    runs.push(shown);
  }
  runs.sort((a, b) => a - b);
  say('');
  say(`a saved 43-minute lab (80 lines) rebuilt on load, navigation to a typed key (3 runs, ms): ${runs.map((r) => r.toFixed(0)).join(', ')}; median ${runs[1].toFixed(0)} ms`);

  // Then scrubbing back to its middle (21:40) and to 5:00: from the release of the scrubber to
  // the clock showing the moment.
  const context = await browser.newContext();
  await context.addInitScript((text) => localStorage.setItem('kubelab.lab.v1', text), saved);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('[data-testid=terminal-input]').waitFor();
  const scrubs = [];
  for (const [ms, shown] of [[1300000, '21:40'], [300000, '5:00'], [2000000, '33:20']]) {
    scrubs.push(await page.evaluate(([ms, shown]) => new Promise((done) => {
      const el = document.querySelector('[data-testid=scrub]');
      const t0 = performance.now();
      el.value = String(ms);
      el.dispatchEvent(new Event('change', { bubbles: true }));
      const check = () => (document.querySelector('[data-testid=clock]').textContent.startsWith(shown) ? done(performance.now() - t0) : requestAnimationFrame(check));
      check();
    }), [ms, shown]));
  }
  await context.close();
  say('');
  say(`scrubbing that lab back to 21:40, 5:00 and 33:20 (ms until the clock shows it): ${scrubs.map((r) => r.toFixed(0)).join(', ')}`);
}

// Frames and memory while the page works hard (issue 12). The init script records every gap
// between animation frames and every long task (over 50 ms) from `window.__frames.on = true`,
// and keeps the wasm module's exports (its linear memory) as Trunk hands them over.
const recordFrames = () => {
  addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail && e.detail.wasm; });
  const f = (window.__frames = { on: false, last: 0, gaps: [], long: [] });
  const loop = (t) => {
    if (f.on) { if (f.last) f.gaps.push(t - f.last); f.last = t; } else f.last = 0;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  new PerformanceObserver((l) => { if (f.on) for (const e of l.getEntries()) f.long.push(e.duration); }).observe({ type: 'longtask' });
};

// A page in a fresh context that records frames, with a CDP session for throttling and metrics.
async function measuredPage(query = '') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(recordFrames);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(server.url + query);
  await page.waitForSelector(LIVE);
  return { context, page, cdp };
}

// Resident memory of the tab's renderer process, from /proc, in bytes: the largest of
// Chromium's renderers (the others, a spare and the browser's own, hold no page).
async function rendererRss() {
  const b = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await b.send('SystemInfo.getProcessInfo');
    let rss = 0;
    for (const p of processInfo.filter((p) => p.type === 'renderer')) {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p.id}/status`, 'utf8'));
      if (m) rss = Math.max(rss, Number(m[1]) * 1024);
    }
    return rss;
  } catch { return 0; } finally { await b.detach(); }
}

// The tab's memory now: the JS heap in use, the wasm module's linear memory, DOM nodes, renderer RSS.
async function memory(page, cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const wasm = await page.evaluate(() => (window.__wasm && window.__wasm.memory ? window.__wasm.memory.buffer.byteLength : 0));
  return { js: m.JSHeapUsedSize, wasm, nodes: m.Nodes, rss: await rendererRss() };
}

const mb = (b) => `${(b / 1048576).toFixed(0)} MB`;

// What the recorder saw since it was switched on: the longest frame, frames of 100 ms or more,
// frames in all, the long tasks.
async function frames(page) {
  return page.evaluate(() => {
    const f = window.__frames;
    f.on = false;
    const sum = (a) => a.reduce((x, y) => x + y, 0);
    return {
      worst: Math.max(0, ...f.gaps), over100: f.gaps.filter((g) => g >= 100).length, count: f.gaps.length, secs: sum(f.gaps) / 1000,
      longest: Math.max(0, ...f.long), longTasks: f.long.length, longMs: sum(f.long),
    };
  });
}

const running = (page) => page.evaluate(() => document.querySelectorAll('[data-testid^="pod-web-"][data-status="Running"]').length);

// 5. The seed's StatefulSet (2 replicas, headless Service, claim template) scaled to 300 at 10x,
// until 300 pods are Running; `learner`: all panes, a watch in terminal 1 on screen, the scale
// typed in terminal 2; otherwise only the terminal and the timeline, nothing watching.
async function sts300(throttle, learner) {
  const { context, page, cdp } = await measuredPage(learner ? '' : '?panes=terminal,timeline');
  await page.getByRole('button', { name: '10×' }).click();
  const readyText = (n) => `kubectl wait --for=jsonpath={.status.readyReplicas}=${n} sts/web --timeout=2h`;
  if (learner) {
    await type(page, 'kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx');
    await page.waitForSelector('[data-testid="pod-web-1"][data-status="Running"]', { timeout: 60000 });
    await page.click('[data-testid=terminal-tab-1]');
  } else {
    await type(page, 'kubectl apply -f web.yaml');
    await type(page, readyText(2));
    await page.waitForFunction(() => /condition met/.test(document.querySelector('[data-testid=terminal]').textContent), null, { timeout: 60000 });
  }
  await page.waitForTimeout(1000);
  const before = await memory(page, cdp);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.evaluate(() => { window.__frames.gaps = []; window.__frames.long = []; window.__frames.on = true; });
  const t0 = Date.now();
  await type(page, 'kubectl scale sts web --replicas=300');
  if (learner) await page.click('[data-testid=terminal-tab-0]');
  else await type(page, readyText(300));
  let peak = before, done = false;
  const limit = 15 * 60 * 1000;
  while (!done && Date.now() - t0 < limit) {
    await page.waitForTimeout(2000);
    const m = await memory(page, cdp);
    if (m.rss + m.js > peak.rss + peak.js) peak = m;
    done = learner
      ? (await running(page)) === 300
      : await page.evaluate(() => (document.querySelector('[data-testid=terminal]').textContent.match(/condition met/g) || []).length === 2);
  }
  const secs = (Date.now() - t0) / 1000;
  const f = await frames(page);
  const clock = await page.textContent('[data-testid=clock]');
  const pods = learner ? await running(page) : (done ? 300 : '?');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const end = await memory(page, cdp);
  await context.close();
  return { f, before, peak, end, secs, clock, pods, done };
}

if (want('sts300')) {
  say('');
  say('| 2 → 300 replicas of the seed StatefulSet, 10× | CPU | to 300 Running (real s; clock) | longest frame | frames ≥ 100 ms | longest task | tab memory at the end: renderer RSS, JS heap, wasm, DOM nodes |');
  say('|---|---|---|---|---|---|---|');
  // STS300_CASES (e.g. `learner-1,terminal-1`) runs only those of the four cases.
  const only = process.env.STS300_CASES ? process.env.STS300_CASES.split(',') : null;
  for (const learner of [false, true]) {
    for (const throttle of [1, 4]) {
      if (only && !only.includes(`${learner ? 'learner' : 'terminal'}-${throttle}`)) continue;
      const r = await sts300(throttle, learner);
      const what = learner ? 'all panes, `get pods -w` on screen' : 'terminal and timeline only';
      say(`| ${what} | ${throttle === 1 ? 'unthrottled' : `${throttle}× slower`} | ${r.done ? '' : 'not done: '}${r.secs.toFixed(0)} s (${r.pods} Running; ${r.clock}) | **${r.f.worst.toFixed(0)} ms** | ${r.f.over100} of ${r.f.count} | ${r.f.longest.toFixed(0)} ms | ${mb(r.end.rss)} (peak ${mb(r.peak.rss)}), ${mb(r.end.js)}, ${mb(r.end.wasm)}, ${r.end.nodes} |`);
    }
  }
}

// 6. One typed command that does a lot at one instant, on the page as a learner has it (all
// panes, 1×): the longest task and frame in the 5 s after Enter.
async function burst(setup, line, ready) {
  const { context, page } = await measuredPage();
  for (const l of setup) await type(page, l);
  if (ready) {
    await page.getByRole('button', { name: '10×' }).click();
    await page.waitForFunction(ready, null, { timeout: 60000 });
    await page.getByRole('button', { name: '1×' }).click();
  }
  await page.waitForTimeout(1000);
  await page.evaluate(() => { window.__frames.gaps = []; window.__frames.long = []; window.__frames.on = true; });
  await type(page, line);
  await page.waitForTimeout(5000);
  const f = await frames(page);
  const pods = await page.evaluate(() => document.querySelectorAll('[data-testid^="pod-"]').length);
  await context.close();
  return { f, pods };
}

if (want('burst')) {
  say('');
  say('| one command at one instant (all panes, 1×) | longest task | longest frame | frames ≥ 100 ms in the next 5 s | pods drawn after 5 s |');
  say('|---|---|---|---|---|');
  const cases = [
    [['kubectl apply -f deploy.yaml'], 'kubectl scale deploy deploy --replicas=300', () => document.querySelectorAll('[data-testid^="pod-deploy-"][data-status="Running"]').length === 3],
    [["curl -sO https://k8s.io/examples/application/web/web-parallel.yaml && sed --in-place 's/replicas: 2/replicas: 300/' web-parallel.yaml"], 'kubectl apply -f web-parallel.yaml', null],
  ];
  for (const [setup, line, ready] of cases) {
    const r = await burst(setup, line, ready);
    say(`| \`${line}\` | **${r.f.longest.toFixed(0)} ms** | ${r.f.worst.toFixed(0)} ms | ${r.f.over100} of ${r.f.count} | ${r.pods} |`);
  }
}

await browser.close();
await server.close();
fs.mkdirSync(path.join(root, 'target'), { recursive: true });
fs.writeFileSync(path.join(root, 'target', 'budget.md'), lines.join('\n') + '\n');
