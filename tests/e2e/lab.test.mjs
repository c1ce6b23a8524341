// End-to-end: the release build in Debian's Chromium, driven as a learner would.
// Run by scripts/test after `trunk build --release` (dist/ must exist).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openPage, type, terminalText, root, live } from './harness.mjs';

let server, browser;
const artifacts = path.join(root, 'target', 'e2e');

before(async () => {
  server = await serve();
  browser = await launch();
  fs.mkdirSync(artifacts, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function fresh(options) {
  return openPage(browser, server.url, options);
}

const pod = (page, name) => page.locator(`[data-testid="pod-${name}"]`);

async function speed(page, s) {
  await page.getByRole('button', { name: `${s}×` }).click();
}

test('the page opens on the seed lab: web.yaml in the editor, an empty cluster, a prompt', async () => {
  const { page, errors, context } = await fresh();
  const yaml = await page.inputValue('[data-testid=yaml-editor]');
  assert.match(yaml, /kind: StatefulSet/);
  assert.match(yaml, /serviceName: "nginx"/);
  assert.equal(await terminalText(page), 'root@k8s-m:~# ');
  assert.equal(await page.locator('[data-testid^="pod-"]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('apply from the terminal: web-0 is Running before web-1 appears; kubectl prints its header', async () => {
  const { page, errors, context } = await fresh();
  await page.evaluate(() => {
    window.__seen = [];
    const look = () => {
      const w0 = document.querySelector('[data-testid="pod-web-0"]');
      const w1 = document.querySelector('[data-testid="pod-web-1"]');
      window.__seen.push({ w0: w0 ? w0.dataset.status : null, w1: !!w1 });
      requestAnimationFrame(look);
    };
    look();
  });
  await type(page, 'kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx');
  await speed(page, 10);
  await pod(page, 'web-0').waitFor();
  await page.waitForSelector('[data-testid="pod-web-1"][data-status="Running"]', { timeout: 20000 });
  const seen = await page.evaluate(() => window.__seen);
  const first1 = seen.findIndex((s) => s.w1);
  assert.ok(first1 > 0, 'web-1 appeared');
  assert.equal(seen[first1].w0, 'Running', 'web-0 was Running when web-1 appeared');
  assert.ok(seen.slice(0, first1).some((s) => s.w0 && s.w0 !== 'Running'), 'web-0 was seen before it ran');
  const text = await terminalText(page);
  assert.match(text, /service\/nginx created\nstatefulset.apps\/web created\nNAME    READY   STATUS    RESTARTS   AGE\nweb-0   0\/1     Pending   0          0s\n/);
  // The claim is drawn bound beside its pod, and DNS lights up for both pods.
  await page.waitForSelector('[data-testid="pvc-www-web-0"][data-phase="Bound"]');
  const svc = await page.textContent('[data-testid="svc-nginx"]');
  assert.match(svc, /web-1\.nginx\.default\.svc\.cluster\.local\./);
  // The Events panel uses kubectl's words.
  assert.match(await page.textContent('[data-testid=events]'), /create Claim www-web-0 Pod web-0 in StatefulSet web success/);
  await page.screenshot({ path: path.join(artifacts, 'seed-lab.png'), fullPage: true });
  // Ctrl-C ends the watch and gives the prompt back.
  await page.press('[data-testid=terminal-input]', 'Control+c');
  assert.match(await terminalText(page), /\^C\nroot@k8s-m:~# $/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a deleted StatefulSet pod returns under the same name with the same claim', async () => {
  const { page, errors, context } = await fresh();
  await type(page, 'kubectl apply -f web.yaml');
  await speed(page, 10);
  await page.waitForSelector('[data-testid="pod-web-1"][data-status="Running"]', { timeout: 20000 });
  const pvBefore = await page.textContent('[data-testid="pvc-www-web-0"]');
  await speed(page, 1);
  await type(page, 'kubectl delete pod web-0');
  // The card shows Terminating while kubectl waits, then the pod comes back under its name.
  await page.waitForSelector('[data-testid="pod-web-0"][data-status="Terminating"]', { timeout: 5000 });
  assert.match(await terminalText(page), /pod "web-0" deleted\n$/);
  await speed(page, 10);
  await page.waitForSelector('[data-testid="pod-web-0"][data-status="Running"]', { timeout: 20000 });
  assert.match(await terminalText(page), /pod "web-0" deleted\nroot@k8s-m:~# $/);
  assert.equal(await page.textContent('[data-testid="pvc-www-web-0"]'), pvBefore);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Deployment beside StatefulSet: a new random name next to the same ordinal and claim', async () => {
  const { page, errors, context } = await fresh();
  await page.click('[data-testid=compare]');
  assert.match(await terminalText(page), /kubectl apply -f compare.yaml\ndeployment.apps\/nginx-deploy created\nservice\/nginx-sts created\nstatefulset.apps\/nginx-sts created/);
  await speed(page, 10);
  await page.waitForSelector('[data-testid="pod-nginx-sts-1"][data-status="Running"]', { timeout: 20000 });
  const deployPods = async () => (await page.locator('[data-testid^="pod-nginx-deploy-"]').evaluateAll((els) => els.map((e) => e.dataset.testid))).sort();
  const before = await deployPods();
  assert.equal(before.length, 2);
  for (const name of before) assert.match(name, /^pod-nginx-deploy-[0-9a-f]{8,10}-[a-z0-9]{5}$/);
  // The diagram marks the random suffix and the ordinal differently.
  assert.equal(await page.locator('[data-testid="pod-nginx-sts-0"] .ordinal').textContent(), '0');
  assert.equal((await page.locator(`[data-testid="${before[0]}"] .random`).textContent()).length, 5);
  const claim = await page.textContent('[data-testid="pvc-www-nginx-sts-0"]');
  const victim = before[0].slice(4);
  await type(page, `kubectl delete pod ${victim} nginx-sts-0`);
  await page.waitForSelector('[data-testid="pod-nginx-sts-0"][data-status="Running"]', { timeout: 20000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="pod-nginx-deploy-"][data-status="Running"]').length === 2);
  const after = await deployPods();
  assert.ok(!after.includes(before[0]), 'the deleted Deployment pod is gone');
  assert.ok(after.includes(before[1]), 'the other Deployment pod stays');
  assert.equal(await page.textContent('[data-testid="pvc-www-nginx-sts-0"]'), claim);
  assert.deepEqual(errors, []);
  await context.close();
});

test('terminal: history, Tab completion, Ctrl-L, a second terminal, continuation lines', async () => {
  const { page, errors, context } = await fresh();
  const input = '[data-testid=terminal-input]';
  await page.fill(input, 'kubectl s');
  await page.press(input, 'Tab');
  assert.equal(await page.inputValue(input), 'kubectl s');
  await page.press(input, 'Tab');
  assert.match(await terminalText(page), /scale  set/);
  await page.fill(input, 'kubectl apply -f we');
  await page.press(input, 'Tab');
  assert.equal(await page.inputValue(input), 'kubectl apply -f web.yaml ');
  await page.press(input, 'Enter');
  await page.press(input, 'ArrowUp');
  // Yew renders after the key's message (on a busy machine the first read came before it):
  // wait for the recalled line, then check it.
  await page.waitForFunction((sel) => document.querySelector(sel).value !== '', input, { timeout: 5000 }).catch(() => {});
  assert.equal(await page.inputValue(input), 'kubectl apply -f web.yaml ');
  await page.fill(input, '');
  await page.press(input, 'Control+l');
  assert.equal(await terminalText(page), 'root@k8s-m:~# ');
  await type(page, 'echo "one');
  await type(page, 'two"');
  assert.match(await terminalText(page), /echo "one\n> two"\none\ntwo\n/);
  await page.click('[data-testid=terminal-tab-1]');
  assert.equal(await terminalText(page), 'root@k8s-m:~# ');
  await type(page, 'kubectl get sts');
  assert.match(await terminalText(page), /NAME   READY   AGE\nweb    0\/2/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('editor: diagnostics as you type, new files, the Apply button runs the command visibly', async () => {
  const { page, errors, context } = await fresh();
  const yaml = await page.inputValue('[data-testid=yaml-editor]');
  await page.fill('[data-testid=yaml-editor]', yaml.replace('  replicas: 2', '  replica: 2'));
  assert.match(await page.textContent('[data-testid=diagnostics]'), /web\.yaml:\d+:3: unknown field "replica"; did you mean "replicas"\?/);
  // With the caret on that line, its problem shows right under it.
  const line = await page.evaluate(() => {
    const el = document.querySelector('[data-testid=yaml-editor]');
    const at = el.value.indexOf('  replica: 2');
    el.focus();
    el.setSelectionRange(at, at);
    return el.value.slice(0, at).split('\n').length;
  });
  await page.keyboard.press('ArrowRight');
  const peek = page.locator('[data-testid=diagnostic-peek]');
  assert.match(await peek.textContent(), new RegExp(`^${line}:3 unknown field "replica"`));
  const box = await peek.boundingBox();
  const editorBox = await page.locator('[data-testid=yaml-editor]').boundingBox();
  assert.ok(Math.abs(box.y - (editorBox.y + 6 + line * 18)) < 2, 'the note sits right under its line');
  await page.fill('[data-testid=yaml-editor]', 'kind: [');
  assert.match(await page.textContent('[data-testid=diagnostics]'), /web\.yaml:\d+:\d+: error parsing web\.yaml: error converting YAML to JSON: yaml: line \d+: /);
  await page.fill('[data-testid=new-file-name]', 'mine.yaml');
  await page.click('[data-testid=new-file]');
  await page.fill('[data-testid=yaml-editor]', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\ndata:\n  a: "1"\n');
  await page.click('[data-testid=apply]');
  assert.match(await terminalText(page), /root@k8s-m:~# kubectl apply -f mine.yaml\nconfigmap\/mine created\n/);
  // While a watch holds the terminal, Apply types into the other one, and shows it.
  await type(page, 'kubectl get cm -w');
  await page.click('[data-testid=apply]');
  assert.equal(await page.getAttribute('[data-testid=terminal-tab-1]', 'aria-selected'), 'true');
  assert.match(await terminalText(page), /^root@k8s-m:~# kubectl apply -f mine.yaml\nconfigmap\/mine unchanged\n/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('timeline: pause, step to the next event, scrub back and forward', async () => {
  const { page, errors, context } = await fresh();
  await page.click('[data-testid=pause]');
  const clock = () => page.textContent('[data-testid=clock]');
  const paused = await clock();
  await type(page, 'kubectl apply -f web.yaml');
  await page.waitForTimeout(300);
  assert.equal(await clock(), paused, 'a paused clock stands still');
  await page.click('[data-testid=step]');
  assert.notEqual(await clock(), paused);
  for (let i = 0; i < 200 && !(await pod(page, 'web-1').count()); i++) await page.click('[data-testid=step]');
  assert.equal(await pod(page, 'web-1').count(), 1);
  const end = await page.getAttribute('[data-testid=scrub]', 'max');
  await page.locator('[data-testid=scrub]').fill('0');
  assert.equal(await pod(page, 'web-0').count(), 0);
  await page.locator('[data-testid=scrub]').fill(end);
  assert.equal(await pod(page, 'web-1').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('clicking a pod shows its YAML as the cluster holds it', async () => {
  const { page, errors, context } = await fresh();
  await type(page, 'kubectl apply -f web.yaml');
  await speed(page, 10);
  await pod(page, 'web-0').waitFor();
  await pod(page, 'web-0').click();
  const y = await page.textContent('[data-testid=object-yaml]');
  assert.match(y, /^apiVersion: v1\nkind: Pod\nmetadata:\n/);
  assert.match(y, /name: web-0\n/);
  await page.click('[data-testid=close-yaml]');
  // Keyboard: the pod card is focusable and Enter opens it; focus moves into the dialog and
  // Escape closes it.
  await pod(page, 'web-0').focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=object-yaml]');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'close-yaml');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=object-yaml]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Korean and English: from the browser, switchable, remembered', async () => {
  const { page, errors, context } = await fresh({ locale: 'ko-KR' });
  assert.equal(await page.textContent('[data-testid=apply]'), '적용');
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  await page.click('[data-testid=lang]');
  assert.equal(await page.textContent('[data-testid=apply]'), 'Apply');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await live(page);
  assert.equal(await page.textContent('[data-testid=apply]'), 'Apply');
  assert.deepEqual(errors, []);
  await context.close();
});

test('nothing lost: an edited file, history and the clock survive a reload; Reset asks first', async () => {
  const { page, errors, context } = await fresh();
  const yaml = await page.inputValue('[data-testid=yaml-editor]');
  await page.fill('[data-testid=yaml-editor]', yaml.replace('replicas: 2', 'replicas: 3'));
  await type(page, 'kubectl get pods');
  await page.waitForTimeout(1500);
  await page.reload();
  await live(page);
  assert.match(await page.inputValue('[data-testid=yaml-editor]'), /replicas: 3/);
  assert.match(await terminalText(page), /kubectl get pods\nNo resources found in default namespace\.\n/);
  await page.press('[data-testid=terminal-input]', 'ArrowUp');
  assert.equal(await page.inputValue('[data-testid=terminal-input]'), 'kubectl get pods');
  await page.click('[data-testid=reset]');
  assert.match(await page.inputValue('[data-testid=yaml-editor]'), /replicas: 3/, 'nothing happens before confirmation');
  await page.click('[data-testid=reset-yes]');
  assert.match(await page.inputValue('[data-testid=yaml-editor]'), /replicas: 2/);
  assert.equal(await terminalText(page), 'root@k8s-m:~# ');
  assert.deepEqual(errors, []);
  await context.close();
});

test('leaving the page saves the clock at once, not at the next timed save', async () => {
  const { page, errors, context } = await fresh();
  // A typed line is saved at once; the timed save of the clock comes a second later.
  await type(page, 'kubectl apply -f web.yaml');
  const savedNow = () => page.evaluate(() => JSON.parse(localStorage.getItem('kubelab.lab.v1')).now);
  const before = await savedNow();
  await page.click('[data-testid=step]');
  await page.click('[data-testid=step]');
  const stepped = await page.evaluate(() => {
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    return new Promise((done) => setTimeout(() => done(JSON.parse(localStorage.getItem('kubelab.lab.v1')).now), 0));
  });
  assert.ok(stepped > before, `saved clock ${stepped} should have moved past ${before}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('corrupted or blocked storage never breaks the page', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => { if (!sessionStorage.getItem('seeded')) { localStorage.setItem('kubelab.lab.v1', '{not json'); sessionStorage.setItem('seeded', '1'); } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=notice]');
  await type(page, 'kubectl get ns');
  assert.match(await terminalText(page), /default +Active/);
  await context.close();
  const blocked = await browser.newContext();
  await blocked.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
  });
  const p2 = await blocked.newPage();
  p2.on('pageerror', (e) => errors.push(e.message));
  await p2.goto(server.url);
  await p2.waitForSelector('[data-testid=notice]');
  await type(p2, 'kubectl version --client');
  assert.match(await terminalText(p2), /Client Version/);
  assert.deepEqual(errors, []);
  await blocked.close();
});

test('usable at 360 px: no sideways scrolling of the page; panes alone by address', async () => {
  const { page, errors, context } = await fresh({ viewport: { width: 360, height: 740 } });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: path.join(artifacts, 'narrow.png'), fullPage: true });
  await page.goto(server.url + '?panes=terminal');
  await live(page);
  assert.equal(await page.locator('[data-testid=yaml-editor]').count(), 0);
  assert.equal(await page.locator('[data-testid=cluster-diagram]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('every control is reachable by keyboard with a visible focus', async () => {
  const { page, errors, context } = await fresh();
  const seen = new Set();
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { id: el.dataset.testid || el.textContent.trim().slice(0, 20), outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
    });
    if (info.id) seen.add(info.id);
    if (['apply', 'compare', 'lang', 'reset', 'step'].includes(info.id)) assert.ok(info.outline, `${info.id} shows focus`);
  }
  for (const id of ['apply', 'compare', 'lang', 'reset', 'yaml-editor', 'terminal-input', 'step']) assert.ok(seen.has(id), `${id} reachable by Tab (reached: ${[...seen].join(', ')})`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('themes follow the system and motion respects prefers-reduced-motion', async () => {
  const look = async (options) => {
    const { page, context, errors } = await fresh(options);
    await type(page, 'kubectl apply -f web.yaml');
    await pod(page, 'web-0').waitFor();
    const r = await pod(page, 'web-0').evaluate((el) => ({ transition: getComputedStyle(el).transitionDuration, bg: getComputedStyle(document.body.parentElement).backgroundColor }));
    assert.deepEqual(errors, []);
    await context.close();
    return r;
  };
  const light = await look({ colorScheme: 'light' });
  const dark = await look({ colorScheme: 'dark' });
  const still = await look({ reducedMotion: 'reduce' });
  assert.notEqual(light.bg, dark.bg);
  assert.notEqual(light.transition, '0s');
  assert.equal(still.transition, '0s');
});

test('full storage gives a notice and the page goes on', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await live(page);
  await page.fill('[data-testid=yaml-editor]', 'kind: Pod\n');
  await page.waitForSelector('[data-testid=notice]');
  assert.match(await page.textContent('[data-testid=notice]'), /full/);
  await type(page, 'kubectl get pods');
  assert.match(await terminalText(page), /No resources found in default namespace\./);
  assert.deepEqual(errors, []);
  await context.close();
});

test('dist/ works from any folder of a static host (relative URLs)', async () => {
  const host = await serve(root);
  try {
    const { page, errors, context } = await openPage(browser, `${host.url}dist/`);
    await type(page, 'kubectl get nodes');
    assert.match(await terminalText(page), /k8s-m +Ready +control-plane/);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await host.close();
  }
});

test('a panic is not the end: the page says what happened, offers the files and history, a reload restores them', async () => {
  const { page, errors, context } = await openPage(browser, `${server.url}?inject-panic`);
  const yaml = await page.inputValue('[data-testid=yaml-editor]');
  await page.fill('[data-testid=yaml-editor]', yaml.replace('replicas: 2', 'replicas: 3'));
  await type(page, 'kubectl apply -f web.yaml');
  await type(page, 'echo hello');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('kubelab.lab.v1') || '{}').histories?.[0]?.includes('echo hello'));
  assert.deepEqual(errors, []);
  // `kubelab-panic` under `?inject-panic` panics in the page's key handler, as a bug would.
  await type(page, 'kubelab-panic');
  const crash = page.locator('[data-testid=crash]');
  await crash.waitFor();
  assert.match(await crash.textContent(), /injected panic \(\?inject-panic\)/);
  assert.match(await crash.textContent(), /The line that was running: kubelab-panic/);
  assert.ok(errors.length > 0, 'the panic shows in the console');
  await page.screenshot({ path: path.join(artifacts, 'panic.png'), fullPage: true });
  // The overlay takes the keyboard: its reload button has the focus.
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'crash-reload');
  // Downloads: the editor's files, the terminal's history (and the line that ran), the save.
  const download = async (name) => {
    const [d] = await Promise.all([page.waitForEvent('download'), crash.locator(`a[download="${name}"]`).click()]);
    return fs.readFileSync(await d.path(), 'utf8');
  };
  assert.match(await download('web.yaml'), /replicas: 3/);
  assert.equal(await download('terminal-history.txt'), '# terminal 1\nkubectl apply -f web.yaml\necho hello\n# terminal 2\n\n# The line that was running:\nkubelab-panic\n');
  const saved = JSON.parse(await download('kubelab-lab.json'));
  assert.deepEqual(saved.histories[0], ['kubectl apply -f web.yaml', 'echo hello']);
  // Nothing is saved after the panic: the clock runs no more into the save.
  const before = await page.evaluate(() => localStorage.getItem('kubelab.lab.v1'));
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate(() => localStorage.getItem('kubelab.lab.v1')), before);
  // The reload restores the lab as last saved.
  await Promise.all([page.waitForEvent('load'), crash.locator('[data-testid=crash-reload]').click()]);
  await live(page);
  const errorsBefore = errors.length;
  assert.equal(await page.locator('[data-testid=crash]').count(), 0);
  assert.match(await page.inputValue('[data-testid=yaml-editor]'), /replicas: 3/);
  assert.match(await terminalText(page), /# echo hello\nhello\nroot@k8s-m:~# $/);
  await page.press('[data-testid=terminal-input]', 'ArrowUp');
  assert.equal(await page.inputValue('[data-testid=terminal-input]'), 'echo hello');
  // A trap that is no panic (memory, stack) shows the overlay too, in the page's language.
  await page.click('[data-testid=lang]');
  await page.evaluate(() => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }));
  await crash.waitFor();
  assert.match(await crash.textContent(), /Kubelab이 멈췄습니다/);
  // Start afresh keeps the saved lab aside and opens the seed lab.
  await Promise.all([page.waitForEvent('load'), crash.locator('[data-testid=crash-fresh]').click()]);
  await live(page);
  assert.equal(await terminalText(page), 'root@k8s-m:~# ');
  assert.match(await page.inputValue('[data-testid=yaml-editor]'), /replicas: 2/);
  const aside = await page.evaluate(() => JSON.parse(localStorage.getItem('kubelab.lab.v1.crashed')));
  assert.deepEqual(aside.histories[0], ['kubectl apply -f web.yaml', 'echo hello']);
  assert.equal(errors.length, errorsBefore + 1, errors.join('\n'));
  await context.close();
});

test('without ?inject-panic the test line is an unknown command', async () => {
  const { page, errors, context } = await fresh();
  await type(page, 'kubelab-panic');
  assert.match(await terminalText(page), /bash: kubelab-panic: command not found\n/);
  assert.equal(await page.locator('[data-testid=crash]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Save as lesson yields a lesson file drafted from the lines typed, as kubelab lesson new drafts it', async () => {
  const { page, errors, context } = await fresh();
  await type(page, 'kubectl apply -f web.yaml');
  await type(page, 'kubectl get pods');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=save-lesson]')]);
  assert.equal(download.suggestedFilename(), 'new-lesson.yaml');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.match(text, /^# Drafted by `kubelab lesson new`/);
  assert.match(text, /\nid: 'new-lesson'\n/);
  assert.match(text, /\nfiles: \['web\.yaml'\]\n/);
  assert.match(text, /\n  run:\n  - 'kubectl apply -f web\.yaml'\n  check:\n  - exists: 'svc\/nginx'\n/);
  assert.match(text, /\n  run:\n  - 'kubectl get pods'\n/);
  assert.equal(text.match(/\n- say:/g).length, 2);
  assert.deepEqual(errors, []);
  await context.close();
});
