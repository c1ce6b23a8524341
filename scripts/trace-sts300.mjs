// A Chromium trace (CDP `Tracing`) of the learner's case of `budget.mjs sts300` (all panes,
// `get pods -w` on screen, the scale typed in terminal 2): the renderer main thread's CPU time by
// kind (TimerFire is the page's clock: the model and yew; Layout, Paint, ...), the tasks over
// 50 ms with their parts, what invalidated layout and style (nodes and reasons), written to
// target/trace.json. `node scripts/trace-sts300.mjs [DIST] [THROTTLE] [SECONDS] [CSS]` (SECONDS 0: until 300 Running;
// env LONG_MS, LONG_LIST: which long tasks are listed, how many); CSS is a
// trial stylesheet added to the page. Reports; never fails.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, type, root } from '../tests/e2e/harness.mjs';
const [dist = path.join(root, 'dist'), throttle = '4', secs = '20', css = ''] = process.argv.slice(2);
// Tasks longer than this (ms of CPU; env LONG_MS) are listed with their parts.
const LONG_MS = Number(process.env.LONG_MS || 50);
const server = await serve(dist);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await page.goto(server.url);
await page.waitForSelector('[data-testid=terminal-input]');
if (css) await page.addStyleTag({ content: css });
await page.getByRole('button', { name: '10×' }).click();
await type(page, 'kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx');
await page.waitForSelector('[data-testid="pod-web-1"][data-status="Running"]', { timeout: 60000 });
await page.click('[data-testid=terminal-tab-1]');
await page.waitForTimeout(1000);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(throttle) });
const events = [];
cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,disabled-by-default-devtools.timeline.invalidationTracking,v8.execute,blink.user_timing', transferMode: 'ReportEvents' });
await type(page, 'kubectl scale sts web --replicas=300');
await page.click('[data-testid=terminal-tab-0]');
if (Number(secs) > 0) await page.waitForTimeout(Number(secs) * 1000);
else await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-web-"][data-status="Running"]').length === 300, null, { timeout: 15 * 60 * 1000, polling: 2000 });
await cdp.send('Tracing.end');
await done;
const pods = await page.evaluate(() => document.querySelectorAll('[data-testid^="pod-web-"]').length);
// The page's own User Timing marks (a build that marks its long ticks), the longest first.
const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name).filter((n) => !n.startsWith('kubelab:')));
await browser.close(); await server.close();
// The renderer's main thread.
const main = events.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain' && events.some((x) => x.pid === e.pid && x.name === 'FunctionCall'));
const on = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const tasks = on.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask').sort((a, b) => a.ts - b.ts);
const kinds = {};
on.sort((a, b) => a.ts - b.ts);
const lower = (ts) => { let lo = 0, hi = on.length; while (lo < hi) { const m = (lo + hi) >> 1; if (on[m].ts < ts) lo = m + 1; else hi = m; } return lo; };
const inside = (t) => { const r = []; for (let i = lower(t.ts); i < on.length && on[i].ts <= t.ts + t.dur; i++) { const e = on[i]; if (e !== t && e.ts + e.dur <= t.ts + t.dur && e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') r.push(e); } return r; };
const top = (list) => { const r = []; let end = -1; for (const e of list) { if (e.ts >= end) { r.push(e); end = e.ts + e.dur; } } return r; };
let total = 0;
const long = [];
for (const t of tasks) {
  total += (t.tdur ?? t.dur);
  const kids = top(inside(t));
  const by = {};
  for (const k of kids) { const d = k.tdur ?? k.dur; by[k.name] = (by[k.name] || 0) + d; kinds[k.name] = (kinds[k.name] || 0) + d; }
  if ((t.tdur ?? t.dur) > LONG_MS * 1000) long.push({ ms: ((t.tdur ?? t.dur) / 1000).toFixed(0), by: Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, d]) => `${n} ${(d / 1000).toFixed(0)}`).join(', ') });
}
console.log(`throttle ${throttle}, ${secs} s, ${tasks.length} tasks, ${(total / 1e6).toFixed(2)} s busy, pods drawn ${pods}`);
for (const [n, d] of Object.entries(kinds).sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`  ${n}: ${(d / 1e6).toFixed(2)} s`);
console.log(`tasks over ${LONG_MS} ms: ${long.length}; longest:`);
for (const l of long.sort((a, b) => b.ms - a.ms).slice(0, Number(process.env.LONG_LIST || 12))) console.log(`  ${l.ms} ms: ${l.by}`);
if (marks.length) {
  const num = (m) => Number((/\d+/.exec(m) || [0])[0]);
  console.log(`marks: ${marks.length}; longest:`);
  for (const m of marks.sort((a, b) => num(b) - num(a)).slice(0, Number(process.env.LONG_LIST || 12))) console.log(`  ${m}`);
}
const inv = {};
for (const e of on.length ? events.filter((e) => /InvalidationTracking/.test(e.name)) : []) { const d = e.args.data || {}; const k = `${e.name} ${d.nodeName || ''}: ${d.reason || ''}`; inv[k] = (inv[k] || 0) + 1; }
console.log('invalidations:');
for (const [k, n] of Object.entries(inv).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${n} ${k}`);
fs.mkdirSync(path.join(root, 'target'), { recursive: true });
fs.writeFileSync(path.join(root, 'target', 'trace.json'), JSON.stringify(events.filter((e) => e.pid === main.pid)));
