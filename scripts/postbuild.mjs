// Trunk's post-build step (Trunk.toml's hook; run on Trunk's staging folder, TRUNK_STAGING_DIR,
// or on the folder given as the first argument):
// 1. the first view: the built page itself is opened in headless Chromium with an empty storage,
//    in English and in Korean, and what the app draws first (the editor with the default files,
//    the terminal's prompt, the cluster's node lanes, the lesson panel) is written into
//    index.html in place of <template id="first-view-LANG"> (as <script type="text/html">
//    blocks: the view and its parts), and static/first-view.js goes inline after them and #app
//    (its sha256 in the page's Content-Security-Policy) to show the reader's language, so the
//    page paints the lab from its HTML, before any script file or the wasm arrives; and
//    Trunk's preload links for the module go into static/preload.js, inline in their place
//    (its sha256 in the policy too), which asks for them only on a visit from the network;
//    Rendered by the app's own code: it cannot drift from it.
//    Its controls wait for the live page (disabled), but the terminal's input takes keys;
// 2. sw.js, the service worker (static/sw.js) with the build's file list and a version made of
//    their contents;
// 3. the wasm module's size for first.js's progress;
// 4. precompressed .gz (gzip -9) and .br (brotli 11) beside every text and wasm file.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { serve, launch, root } from '../tests/e2e/harness.mjs';
import { optimizeAndSplit, SECOND_MODULE } from './split.mjs';
import { uncommented } from './inline.mjs';

const dir = path.resolve(process.env.TRUNK_STAGING_DIR || process.argv[2] || path.join(root, 'dist'));
const indexFile = path.join(dir, 'index.html');
const COMPRESS = /\.(html|js|mjs|css|svg|wasm|json|txt|yaml|md|replay)$/;

function files(sub = '') {
  return fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    return e.isDirectory() ? files(rel) : [rel];
  });
}

// The first view's parts that come after the header and the terminal (static/first-view.js), by
// the element that holds each: written as blocks of their own, so that the first frame of a
// visit the worker serves neither builds nor styles what it does not draw.
const PARTS = [['lesson', 'aside.lesson'], ['editor', 'section.pane.editor'], ['diagram', 'section.pane.diagram'], ['timeline', 'section.pane.timeline']];

// What the app draws first in a fresh browser (nothing saved) in one language, as markup whose
// controls wait for the live page: the view, and its parts.
async function firstView(browser, url, locale) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // The lab's clock stands still at its start (the page's clock runs on timers; paused a
  // moment after the fake clock's origin, which a busy machine may already have passed).
  await page.clock.install({ time: 0 });
  await page.clock.pauseAt(10000);
  await page.goto(url);
  await page.waitForSelector('html[data-lab=live] #app [data-testid^=lane-]', { timeout: 60000 });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  const html = await page.evaluate((parts_) => {
    const live = document.getElementById('app').firstElementChild;
    const copy = live.cloneNode(true);
    const from = live.querySelectorAll('textarea, input, select');
    copy.querySelectorAll('textarea, input, select').forEach((el, i) => {
      if (el.tagName === 'TEXTAREA') el.textContent = from[i].value;
      else if (el.type === 'checkbox' || el.type === 'radio') el.toggleAttribute('checked', from[i].checked);
      else el.setAttribute('value', from[i].value);
      // The terminal has the keyboard from the start, as on the live page (before any script).
      if (el.dataset.testid === 'terminal-input') { el.autofocus = true; return; }
      if (el.tagName === 'TEXTAREA') el.readOnly = true;
      else el.disabled = true;
    });
    copy.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    // The panes a visit the worker serves draws after the header and the terminal (PARTS), each
    // a block of its own: static/first-view.js puts them in when their time comes.
    const parts = [];
    for (const [name, selector] of parts_) {
      const box = copy.querySelector(selector);
      if (!box) continue;
      parts.push([name, box.innerHTML]);
      box.replaceChildren();
      box.dataset.part = name;
    }
    return { view: copy.outerHTML, parts };
  }, PARTS);
  await context.close();
  if (errors.length) throw new Error(`the page failed while its first view was rendered:\n${errors.join('\n')}`);
  return html;
}

// 0. wasm-opt, and the wasm in two modules (scripts/split.mjs), unless done already.
// A debug build (`trunk serve`) is neither optimized nor split.
if (process.env.TRUNK_PROFILE !== 'debug' && !fs.readdirSync(dir).some((f) => f.includes('-more-'))) console.log(`postbuild: ${optimizeAndSplit(dir).log}`);

let index = fs.readFileSync(indexFile, 'utf8');
// The page as Trunk wrote it, before the first view goes in (for embed.html below).
const bare = index;
const wasm = files().find((f) => f.endsWith('_bg.wasm') && !f.includes('-more-'));
if (!wasm) throw new Error(`no wasm module in ${dir}`);

// 1. The first view, in both languages (unless this folder's index.html has it already), and
// static/first-view.js inline after them and #app, its sha256 added to the page's CSP.
const slot = (lang) => `<template id="first-view-${lang}"></template>`;
if (index.includes(slot('en'))) {
  const server = await serve(dir);
  const browser = await launch();
  try {
    for (const [lang, locale] of [['en', 'en-US'], ['ko', 'ko-KR']]) {
      const { view, parts } = await firstView(browser, server.url, locale);
      if (!index.includes(slot(lang))) throw new Error(`index.html has no ${slot(lang)}`);
      if (parts.length !== PARTS.length) throw new Error(`the first view (${lang}) lacks one of ${PARTS.map(([, s]) => s).join(', ')}`);
      // As text the parser does not build into elements (a script block of a type no browser
      // runs): only the reader's language is made into elements, by static/first-view.js.
      const block = (id, html) => {
        if (/<\/script/i.test(html)) throw new Error(`the first view (${id}) holds "</script", which would end its block`);
        return `<script type="text/html" id="${id}">${html}</script>`;
      };
      const blocks = [block(`first-view-${lang}`, view), ...parts.map(([name, html]) => block(`first-view-${lang}-${name}`, html))];
      index = index.replace(slot(lang), () => blocks.join(''));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const script = uncommented(fs.readFileSync(path.join(root, 'static', 'first-view.js'), 'utf8'));
  // Right after #app, which the page's rendering waits for (index.html's <link rel=expect>): the
  // parser reaches the script in the task that lets rendering start, and the first frame can come
  // as soon as the script has put the view in (not after one more turn of the parser).
  const app = '<div id="app"></div>';
  const at = index.indexOf(app, index.indexOf(`<script type="text/html" id="first-view-ko-${PARTS.at(-1)[0]}">`)) + app.length;
  if (at < app.length) throw new Error(`index.html has no ${app} after the first view`);
  index = `${index.slice(0, at)}<script>${script}</script>${index.slice(at)}`;
  // 1b. Trunk's preload links for the module, asked for by static/preload.js (inline, where they
  // were) only on a visit the service worker does not serve.
  const links = /<link rel="modulepreload"[^>]*>\s*<link rel="preload"[^>]*_bg\.wasm"[^>]*>/.exec(index);
  if (!links) throw new Error("index.html has no preload links for the module where Trunk writes them");
  const preload = uncommented(fs.readFileSync(path.join(root, 'static', 'preload.js'), 'utf8')).replace("'beforeend', LINKS)", () => `'beforeend', ${JSON.stringify(links[0])})`);
  if (!preload.includes(JSON.stringify(links[0]))) throw new Error("static/preload.js lost its insertAdjacentHTML('beforeend', LINKS)");
  index = index.replace(links[0], () => `<script>${preload}</script>`);
  const csp = "script-src 'self' 'wasm-unsafe-eval'";
  if (!index.includes(csp)) throw new Error(`index.html's Content-Security-Policy has no "${csp}"`);
  const hash = (text) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;
  index = index.replace(csp, `${csp} ${hash(preload)} ${hash(script)}`);
}

// 3. The module's size, for the progress first.js shows.
if (!index.includes('data-size=')) index = index.replace(/(<script src="[^"]*first\.js")/, (m) => `${m} data-size="${fs.statSync(path.join(dir, wasm)).size}"`);
fs.writeFileSync(indexFile, index);

// 3b. The embed mode's page (embed.html, README "Embedding Kubelab"): the page without the first
// views, which an embed never shows (it draws itself when the module is ready), so an iframe in
// someone's post loads a third of the page.
if (bare.includes(slot('en'))) {
  const sized = bare.replace(/(<script src="[^"]*first\.js")/, (m) => `${m} data-size="${fs.statSync(path.join(dir, wasm)).size}"`);
  fs.writeFileSync(path.join(dir, 'embed.html'), sized);
}

// 2. The service worker, with every file of the page but the lessons (kept as they are fetched)
// and what a reader of the page does not need at once, kept once a visit has fetched it (LATER):
// the second wasm module, the embed's page and script, the demo posts.
{
  const all = files().filter((f) => !f.startsWith('lessons/') && !/\.(gz|br)$/.test(f) && f !== 'sw.js').sort();
  const later = all.filter((f) => SECOND_MODULE.test(f) || f.startsWith('demo/') || f === 'embed.html' || f === 'kubelab-embed.js');
  const kept = all.filter((f) => !later.includes(f));
  const hash = crypto.createHash('sha256');
  for (const f of all) hash.update(f).update(fs.readFileSync(path.join(dir, f)));
  const version = hash.digest('hex').slice(0, 16);
  const sw = fs.readFileSync(path.join(root, 'static', 'sw.js'), 'utf8')
    .replace("const VERSION = 'VERSION';", `const VERSION = '${version}';`)
    .replace('const FILES = [];', `const FILES = ${JSON.stringify(kept)};`)
    .replace('const LATER = [];', `const LATER = ${JSON.stringify(later)};`);
  if (!sw.includes(version) || !sw.includes(wasm) || later.some((f) => !sw.includes(`"${f}"`))) throw new Error('static/sw.js lost its VERSION, FILES or LATER line');
  fs.writeFileSync(path.join(dir, 'sw.js'), sw);
}

// 4. Precompressed copies for hosts that serve them.
let gz = 0, br = 0;
for (const f of files().filter((f) => COMPRESS.test(f))) {
  const data = fs.readFileSync(path.join(dir, f));
  const z = zlib.gzipSync(data, { level: 9 });
  const b = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  fs.writeFileSync(path.join(dir, `${f}.gz`), z);
  fs.writeFileSync(path.join(dir, `${f}.br`), b);
  if (!f.startsWith('lessons/')) { gz += z.length; br += b.length; }
}
console.log(`postbuild: first view in index.html (${(index.length / 1024).toFixed(1)} KiB), sw.js, .gz and .br (the page's files: gzip ${(gz / 1024).toFixed(1)} KiB, brotli ${(br / 1024).toFixed(1)} KiB)`);
