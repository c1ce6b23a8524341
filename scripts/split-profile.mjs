// Writes scripts/split-keep.txt, the functions the page's first wasm module keeps
// (scripts/split.mjs), from what an instrumented build calls in Chromium:
//   KUBELAB_SPLIT=instrument trunk build --release && node scripts/split-profile.mjs
// The instrumented module (binaryen's `wasm-split --instrument`) counts each function's first
// call; the page is driven as a newcomer's first visit goes (the lesson panel open on lesson 1,
// `kubectl get pods` typed into the first view, then the lesson's first Run), and as the
// playground starts (the panel closed, a fresh lab, `kubectl get pods`). Every function called
// in either is kept: what the page needs before its second module is there.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, root, LIVE } from '../tests/e2e/harness.mjs';

const dist = process.env.DIST ? path.resolve(process.env.DIST) : path.join(root, 'dist');
const names = JSON.parse(fs.readFileSync(path.join(dist, 'split-names.json'), 'utf8'));
const ANSWER = 'No resources found in default namespace.';
const server = await serve(dist);
const browser = await launch();
const called = new Set();

async function open() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__wasmx = e.detail.wasm; });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

// The profile (wasm-split's format: an 8-byte hash, then a 4-byte first-call stamp a function).
async function profile(page) {
  const bytes = await page.evaluate(() => {
    const x = window.__wasmx;
    const size = x.__write_profile(0, 0);
    const at = x.__wbindgen_malloc(size, 8);
    x.__write_profile(at, size);
    const b = new Uint8Array(x.memory.buffer, at, size).slice();
    x.__wbindgen_free(at, size, 8);
    return Array.from(b);
  });
  const b = Buffer.from(bytes);
  if ((b.length - 8) / 4 !== names.length) throw new Error('the profile is not of this build');
  for (let i = 0; i < names.length; i++) if (b.readUInt32LE(8 + 4 * i)) called.add(names[i]);
}

async function firstAnswer(page) {
  await page.waitForSelector('[data-testid=terminal-input]');
  await page.fill('[data-testid=terminal-input]', 'kubectl get pods');
  await page.press('[data-testid=terminal-input]', 'Enter');
  await page.waitForFunction((a) => window.__wasmx && document.querySelector('#app [data-testid=terminal]')?.textContent.includes(a), ANSWER, { timeout: 120000 });
}

// A newcomer's first visit: the first answer, the lesson's step worked out, its Run.
{
  const { context, page, errors } = await open();
  await page.goto(server.url, { waitUntil: 'commit' });
  await firstAnswer(page);
  await page.waitForTimeout(2000);
  await page.click('[data-testid=lesson-run]');
  await page.waitForSelector('[data-testid=lesson-step][data-done="true"]', { timeout: 60000 });
  await page.waitForTimeout(2000);
  await profile(page);
  if (errors.length) throw new Error(errors.join('\n'));
  await context.close();
}

// The playground: the panel closed, a fresh lab.
{
  const { context, page, errors } = await open();
  await page.goto(server.url);
  await page.waitForSelector(LIVE);
  await page.click('[data-testid=lesson-close]');
  await page.waitForTimeout(1500);
  await page.evaluate(() => localStorage.removeItem('kubelab.lab.v1'));
  await page.reload({ waitUntil: 'commit' });
  await firstAnswer(page);
  await page.waitForTimeout(2000);
  await profile(page);
  if (errors.length) throw new Error(errors.join('\n'));
  await context.close();
}
// As scripts/budget.mjs's visit goes, on a slow phone (its throttling): keys pressed from the
// start (the first view takes them), then the line; what runs, and when, depends on the timing.
{
  const { context, page, errors } = await open();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(server.url, { waitUntil: 'commit' });
  const t0 = Date.now();
  while (Date.now() - t0 < 60000 && !(await page.evaluate(() => /k/.test(document.querySelector('[data-testid=terminal-input]')?.value || '')).catch(() => false))) {
    await page.keyboard.press('k');
  }
  await page.fill('[data-testid=terminal-input]', 'kubectl get pods');
  await page.press('[data-testid=terminal-input]', 'Enter');
  await page.waitForFunction((a) => window.__wasmx && document.querySelector('#app [data-testid=terminal]')?.textContent.includes(a), ANSWER, { timeout: 120000 });
  await page.waitForTimeout(3000);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await profile(page);
  if (errors.length) throw new Error(errors.join('\n'));
  await context.close();
}
await browser.close();
await server.close();

const head = [
  '# The functions the page\'s first wasm module keeps (scripts/split.mjs): those an instrumented',
  '# build called to start, answer `kubectl get pods` and run the first lesson\'s first step, and to',
  '# start the playground. Written by scripts/split-profile.mjs; do not edit.',
];
fs.writeFileSync(path.join(root, 'scripts/split-keep.txt'), `${[...head, ...[...called].sort()].join('\n')}\n`);
console.log(`scripts/split-keep.txt: ${called.size} of ${names.length} functions`);
