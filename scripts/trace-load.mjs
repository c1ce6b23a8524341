// A Chromium trace (CDP `Tracing`) of one visit as `budget.mjs load` makes it (issue 15: slow 4G,
// CPU 4×, gzip served): the renderer main thread's tasks from navigation, each with its start
// (ms from navigation), its length and what it was made of, the keys the page took and the
// frames it painted, and the budget's marks (paint, key, answer). `second` traces a visit after a
// first one has let the service worker keep the files; `first` a first visit.
// `node scripts/trace-load.mjs [first|second] [DIST] [MIN_MS]`; writes target/trace-load.json.
// Reports; never fails.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, root, LIVE } from '../tests/e2e/harness.mjs';
import { markVisits } from './marks.mjs';

const [mode = 'second', dist = path.join(root, 'dist'), minMs = '4'] = process.argv.slice(2);
const server = await serve(path.resolve(dist));
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const typed = new WeakSet();
await markVisits(context, typed);

if (mode === 'second') {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector(LIVE);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForTimeout(500);
  await page.evaluate(() => localStorage.clear());
  await page.close();
}

const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
const events = [];
cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', {
  categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing,loading,v8.wasm,disabled-by-default-v8.wasm.detailed,fonts',
  transferMode: 'ReportEvents',
});
await page.goto(server.url, { waitUntil: 'commit' });
const t0 = Date.now();
while (!typed.has(page)) {
  if (Date.now() - t0 > 60000) throw new Error('no key taken');
  await page.keyboard.press('k');
}
await page.waitForFunction(() => window.__marks.key);
await page.fill('[data-testid=terminal-input]', 'kubectl get pods');
await page.press('[data-testid=terminal-input]', 'Enter');
await page.waitForFunction(() => window.__marks.answer, null, { timeout: 60000 }).catch(async (e) => {
  // What the page shows when the answer never came.
  const seen = await page.evaluate(() => ({
    marks: window.__marks,
    lab: document.documentElement.dataset.lab,
    firstView: !!document.getElementById('first-view'),
    rest: document.getElementById('first-view')?.dataset.rest,
    boot: performance.getEntriesByType('mark').map((m) => `${m.name}@${m.startTime.toFixed(0)}`),
    terminal: (document.querySelector('[data-testid=terminal]')?.textContent || '').slice(-400),
    input: document.querySelector('[data-testid=terminal-input]')?.value,
  })).catch(() => null);
  throw new Error(`no answer in 60 s: ${JSON.stringify(seen)}`, { cause: e });
});
await page.waitForTimeout(300);
await cdp.send('Tracing.end');
await done;
const marks = await page.evaluate(() => window.__marks);
const user = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name} ${m.startTime.toFixed(0)}`).join(', '));
await browser.close();
await server.close();
fs.mkdirSync(path.join(root, 'target'), { recursive: true });
fs.writeFileSync(path.join(root, 'target', 'trace-load.json'), JSON.stringify({ traceEvents: events }));

// The renderer main thread that parsed the page.
const parse = events.filter((e) => e.name === 'ParseHTML' && e.args.beginData?.url === server.url).pop();
const on = events.filter((e) => e.pid === parse.pid && e.tid === parse.tid).sort((a, b) => a.ts - b.ts);
const nav = events.filter((e) => e.name === 'navigationStart' && e.args.data?.documentLoaderURL === server.url).pop();
const at = (ts) => ((ts - nav.ts) / 1000).toFixed(0);
const isTask = (e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
const tasks = on.filter((e) => isTask(e) && e.ts >= nav.ts);
console.log(`${mode} visit of ${dist}: marks ${JSON.stringify(Object.fromEntries(Object.entries(marks).filter(([, v]) => typeof v === 'number').map(([k, v]) => [k, Math.round(v)])))}`);
console.log(`performance marks: ${user}`);
console.log(`main thread tasks from navigation of ${minMs} ms or more (start ms, length ms: parts):`);
const describe = (t) => {
  const end = t.ts + t.dur;
  const kids = on.filter((e) => e.ph === 'X' && e !== t && !isTask(e) && e.ts >= t.ts && e.ts + e.dur <= end);
  // The outermost events inside the task, then one level in for script.
  const top = [];
  let upto = -1;
  for (const k of kids) if (k.ts >= upto) { top.push(k); upto = k.ts + k.dur; }
  return top.map((k) => {
    const d = k.args?.data || {};
    const what = d.url ? ` ${path.basename(d.url).slice(0, 30)}` : d.type ? ` ${d.type}` : d.functionName ? ` ${d.functionName}` : '';
    const inner = kids.filter((e) => e !== k && e.ts >= k.ts && e.ts + e.dur <= k.ts + k.dur && e.dur > 2000 && e.name !== k.name).slice(0, 5)
      .map((e) => `${e.name}${e.args?.data?.type ? ` ${e.args.data.type}` : ''} ${(e.dur / 1000).toFixed(0)}`);
    return `${k.name}${what} ${(k.dur / 1000).toFixed(0)}${inner.length ? ` [${inner.join(', ')}]` : ''}`;
  }).filter((s) => !/ 0$/.test(s)).join('; ');
};
for (const t of tasks) {
  const keys = on.filter((e) => e.name === 'EventDispatch' && e.ts >= t.ts && e.ts <= t.ts + t.dur && ['keydown', 'input'].includes(e.args?.data?.type));
  if (t.dur / 1000 >= Number(minMs) || keys.length) console.log(`  ${at(t.ts)} +${(t.dur / 1000).toFixed(0)}: ${describe(t)}`);
}
const paints = on.filter((e) => e.name === 'Paint' && e.ts >= nav.ts).map((e) => at(e.ts));
console.log(`paints at: ${[...new Set(paints)].slice(0, 40).join(', ')}`);
// The longest task: every kind of event in it, with its total time.
const longest = tasks.reduce((a, b) => (b.dur > a.dur ? b : a));
const kinds = {};
for (const e of on) if (e.ph === 'X' && e !== longest && e.ts >= longest.ts && e.ts + e.dur <= longest.ts + longest.dur) { const k = kinds[e.name] || (kinds[e.name] = { n: 0, ms: 0 }); k.n++; k.ms += e.dur / 1000; }
console.log(`longest task at ${at(longest.ts)}, ${(longest.dur / 1000).toFixed(0)} ms: ${Object.entries(kinds).sort((a, b) => b[1].ms - a[1].ms).slice(0, 14).map(([n, k]) => `${n} ×${k.n} ${k.ms.toFixed(0)}`).join('; ')}`);
// The main thread's CPU time (thread time: less changed by other processes than wall time)
// from navigation to the first frame that painted the first view, and after it until the key.
const fv = on.find((e) => e.name === 'Paint' && e.ts > nav.ts && on.some((p) => p.name === 'ParseHTML' && p.ts < e.ts && p.args.beginData?.startLine > 0));
const cpu = (from, to) => {
  const by = {};
  for (const t of tasks) if (t.ts >= from && t.ts < to) for (const k of on) if (k.ph === 'X' && k.ts >= t.ts && k.ts + k.dur <= t.ts + t.dur && k !== t && !isTask(k)) {
    const parent = on.find((p) => p !== k && p.ph === 'X' && !isTask(p) && p.ts <= k.ts && p.ts + p.dur >= k.ts + k.dur && p.ts >= t.ts);
    if (!parent) by[k.name] = (by[k.name] || 0) + (k.tdur ?? k.dur) / 1000;
  }
  return Object.entries(by).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 1).map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ');
};
if (fv) console.log(`CPU before the first view's paint (at ${at(fv.ts)}): ${cpu(nav.ts, fv.ts)}`);
// Fonts: a renderer's first use of a family, size and weight asks the browser process (Linux:
// a synchronous call that waits); the wall time of those calls before the first view's paint.
if (fv) {
  const fonts = {};
  for (const e of on) if (e.ph === 'X' && e.ts >= nav.ts && e.ts < fv.ts && /^(FontCache::GetFontPlatformData|FontDataService::MatchFamilyName|WebSandboxSupportLinux::|FontCache::FallbackFontForCharacter)/.test(e.name)) {
    const f = fonts[e.name] || (fonts[e.name] = { n: 0, ms: 0 });
    f.n++; f.ms += e.dur / 1000;
  }
  console.log(`fonts before the first view's paint (wall): ${Object.entries(fonts).map(([n, f]) => `${n} ×${f.n} ${f.ms.toFixed(0)}`).join(', ') || 'none'}`);
}
