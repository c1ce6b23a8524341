// What one small change costs the browser's layout (median of 40 forced layouts), on the
// learner's page (all panes, `get pods -w` on screen) after the seed's StatefulSet has scaled
// towards 300 for a while: a line added to the terminal's last piece, an Events cell or row, a
// pod card's text; each under a few trial stylesheets. Counts CPU of one layout, so it holds
// better than frame gaps on a busy machine. Reports; never fails.
// `node scripts/layout-probe.mjs [DIST] [SECONDS]` (after `trunk build --release`).
import path from 'node:path';
import { serve, launch, type, root } from '../tests/e2e/harness.mjs';
const [dist = path.join(root, 'dist'), secs = '30'] = process.argv.slice(2);
const server = await serve(dist);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(server.url);
await page.waitForSelector('[data-testid=terminal-input]');
await page.getByRole('button', { name: '10×' }).click();
await type(page, 'kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx');
await page.waitForSelector('[data-testid="pod-web-1"][data-status="Running"]', { timeout: 60000 });
await page.click('[data-testid=terminal-tab-1]');
await type(page, 'kubectl scale sts web --replicas=300');
await page.click('[data-testid=terminal-tab-0]');
await page.waitForTimeout(Number(secs) * 1000);
await page.getByRole('button', { name: /^(⏸|Pause|일시)/ }).click().catch(() => {});
const variants = {
  none: '',
  // Whole-line pieces as blocks, for a build from before they were (`.lines` since).
  blocks: '.out-text > span.blk{display:block}',
  blocksScreen: '.out-text > span.blk{display:block}.screen{contain:strict}',
  screen: '.screen{contain:strict}',
  events: '.events-wrap{height:220px;contain:strict}',
  eventsCv: '.events-wrap{height:220px;contain:strict;content-visibility:auto}',
  both: '.screen{contain:strict}.events-wrap{height:220px;contain:strict;content-visibility:auto}',
};
const out = {};
for (const [name, css] of Object.entries(variants)) {
  out[name] = await page.evaluate((css) => {
    let tag = document.getElementById('probe-css');
    if (!tag) { tag = document.createElement('style'); tag.id = 'probe-css'; document.head.appendChild(tag); }
    tag.textContent = css;
    document.body.offsetHeight;
    const med = (f) => { const t = []; for (let i = 0; i < 40; i++) { f(i); const s = performance.now(); document.body.offsetHeight; t.push(performance.now() - s); } t.sort((a, b) => a - b); return +t[20].toFixed(2); };
    const pre = [...document.querySelectorAll('.screen .out-text')].find((e) => e.getClientRects().length);
    const spans = [...pre.children];
    let prevNl = true;
    for (const sp of spans) { const t = sp.textContent; sp.classList.toggle('blk', css.includes('blk') && prevNl && t.endsWith('\n')); if (t) prevNl = t.endsWith('\n'); }
    const pieces = [pre];
    const last = spans.filter((s) => s.textContent.endsWith('\n')).pop();
    const cell = document.querySelector('.events td');
    const body = document.querySelector('.events tbody') || document.querySelector('.events');
    const card = document.querySelector('.box.pod .pod-status') || document.querySelector('.box.pod');
    return {
      terminal: last ? med((i) => { last.firstChild.textContent += `web-${i} 0/1 Pending 0 0s\n`; }) : null, blocks: spans.filter((s) => getComputedStyle(s).display === 'block').length, spans: spans.length, height: pre.getBoundingClientRect().height,
      eventCell: cell ? med((i) => { cell.firstChild ? (cell.firstChild.textContent = `${i}s`) : (cell.textContent = `${i}s`); }) : null,
      eventRow: body ? med(() => { const r = body.lastElementChild.cloneNode(true); body.insertBefore(r, body.firstElementChild); body.lastElementChild.remove(); }) : null,
      card: card ? med((i) => { card.textContent = `Running ${i}s`; }) : null,
      nodes: document.getElementsByTagName('*').length, termBytes: pieces.reduce((n, p) => n + p.textContent.length, 0),
    };
  }, css);
}
console.log(JSON.stringify(out, null, 1));
await browser.close(); await server.close();
