// End-to-end: the page laid out for learning (issue 14, item 6). At 1440×900 a newcomer sees the
// lesson panel, the terminal and the cluster diagram without scrolling; pod cards animate as they
// come and go, and prefers-reduced-motion turns that off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, type } from './harness.mjs';

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const box = async (page, sel) => page.locator(sel).first().boundingBox();

// In both languages: the Korean words are wider, and a header of two rows pushed the panel's
// foot out of the viewport (the panel's height counts on a header of one row).
for (const locale of ['en-US', 'ko-KR']) test(`at 1440×900 the lesson panel, the terminal and the diagram are in the first viewport (${locale})`, async () => {
  const { page, context } = await openPage(browser, server.url, { viewport: { width: 1440, height: 900 }, locale });
  await page.waitForSelector('[data-testid=lesson-panel]');
  const panel = await box(page, '[data-testid=lesson-panel]');
  const terminal = await box(page, 'section.terminal');
  const lanes = await box(page, '[data-testid=lane-k8s-w1]');
  for (const [what, b] of [['lesson panel', panel], ['terminal', terminal], ['a node lane', lanes]]) {
    assert.ok(b, `${what} is drawn`);
    assert.ok(b.y >= 0 && b.y + b.height <= 900 && b.x >= 0 && b.x + b.width <= 1440, `${what} is in view: ${JSON.stringify(b)}`);
  }
  // Side by side, not stacked: the panel at the left, the terminal to its right.
  assert.ok(panel.x + panel.width <= terminal.x, `${JSON.stringify(panel)} ${JSON.stringify(terminal)}`);
  await context.close();
});

// The editor's line numbers stand beside their lines in the same font and line height (a `pre`
// takes the browser's default monospace unless told otherwise).
test('the editor\'s line numbers are in the text\'s font, a line of each per line', async () => {
  const { page, context } = await openPage(browser, server.url);
  const [gutter, text] = await page.evaluate(() => ['.gutter', '.code-stack textarea'].map((sel) => {
    const s = getComputedStyle(document.querySelector(sel));
    return { font: s.fontFamily, size: s.fontSize, line: s.lineHeight };
  }));
  assert.deepEqual(gutter, text);
  await context.close();
});

for (const [motion, wanted] of [['no-preference', /pod-in/], ['reduce', /^none$/]]) {
  test(`a pod card comes in with an animation unless motion is reduced (${motion})`, async () => {
    const { page, context } = await openPage(browser, `${server.url}?panes=terminal,diagram`, { reducedMotion: motion });
    await type(page, 'kubectl run p --image=nginx');
    await page.waitForSelector('[data-testid=pod-p]');
    const name = await page.$eval('[data-testid=pod-p]', (e) => getComputedStyle(e).animationName);
    assert.match(name, wanted);
    await context.close();
  });
}

test("a lesson step's objects are lit in the diagram, and only they", async () => {
  const { page, context } = await openPage(browser, `${server.url}?lesson=deploy-vs-sts`);
  await page.waitForSelector('[data-testid=lesson-step][data-step="1"]');
  await page.getByRole('button', { name: '10×' }).click();
  await page.click('[data-testid=lesson-run]');
  await page.waitForSelector('[data-testid=ctrl-StatefulSet-nginx-sts]');
  await page.waitForSelector('[data-testid=pod-nginx-sts-0]');
  const shadow = (sel) => page.$eval(sel, (e) => getComputedStyle(e).boxShadow);
  // Step 1 names deploy/nginx-deploy and sts/nginx-sts.
  assert.match(await shadow('[data-testid=ctrl-StatefulSet-nginx-sts]'), /inset/);
  assert.match(await shadow('[data-testid=ctrl-Deployment-nginx-deploy]'), /inset/);
  assert.doesNotMatch(await shadow('[data-testid=pod-nginx-sts-0]'), /inset/);
  await context.close();
});
