// Shared by the end-to-end tests and the budget script: serves dist/ on 127.0.0.1 and opens
// Debian's Chromium through playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
const require = createRequire(path.join(root, 'scripts/node/package.json'));
const { chromium } = require('playwright-core');

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.yaml': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` (default dist/) on a free loopback port as a static host such as GitHub Pages
 * does: text and wasm gzipped when the browser accepts it (the precompressed `.gz` beside the
 * file if the build wrote one, else gzip -9 on the fly), `cache-control: max-age=600`.
 * Resolves to { url, close, sent } (`sent.bytes`: body bytes sent, compressed as sent).
 * `options.offline()` returning true makes it refuse every request (a network that is off);
 * `options.brotli` sends the build's `.br` instead where the browser accepts brotli (as Netlify or
 * Cloudflare would).
 */
export function serve(dir = path.join(root, 'dist'), options = {}) {
  const sent = { bytes: 0 };
  const server = http.createServer((req, res) => {
    if (options.offline && options.offline()) { req.socket.destroy(); return; }
    const url = new URL(req.url, 'http://x');
    let name;
    try { name = decodeURIComponent(url.pathname); } catch { res.writeHead(400).end(); return; }
    let file = path.join(dir, name);
    if (file !== dir && !file.startsWith(dir + path.sep)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end('not found'); return; }
      const type = types[path.extname(file)];
      const headers = { 'content-type': type || 'application/octet-stream', 'cache-control': 'max-age=600', vary: 'Accept-Encoding' };
      const accepts = req.headers['accept-encoding'] || '';
      if (type && options.brotli && /\bbr\b/.test(accepts) && fs.existsSync(file + '.br')) {
        headers['content-encoding'] = 'br';
        data = fs.readFileSync(file + '.br');
      } else if (type && /\bgzip\b/.test(accepts)) {
        headers['content-encoding'] = 'gzip';
        data = fs.existsSync(file + '.gz') ? fs.readFileSync(file + '.gz') : zlib.gzipSync(data, { level: 9 });
      }
      res.writeHead(200, headers);
      sent.bytes += data.length;
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }), sent });
  }));
}

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh context and page that records console errors and page errors. */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await live(page);
  return { context, page, errors };
}

/**
 * The live page's terminal input: the page is drawn by its wasm module. Before that, the first
 * view the build rendered (static/first.js) has the same test ids and its terminal takes keys,
 * but its other controls wait (disabled).
 */
export const LIVE = 'html[data-lab=live] #app [data-testid=terminal-input]';

/** Waits until the wasm module has drawn the page and taken the terminal over. */
export const live = (page, options) => page.waitForSelector(LIVE, options);

/** Types a line into the active terminal and presses Enter. */
export async function type(page, line) {
  await page.fill('[data-testid=terminal-input]', line);
  await page.press('[data-testid=terminal-input]', 'Enter');
}

export const terminalText = (page) => page.textContent('[data-testid=terminal]');

/** Waits until the live terminal's text matches `re` (30 s). */
export const terminalShows = (page, re) => page.waitForFunction((src) => new RegExp(src).test(document.querySelector('#app [data-testid=terminal]')?.textContent || ''), re.source, { timeout: 30000 });
