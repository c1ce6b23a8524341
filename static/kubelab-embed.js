/*! kubelab-embed.js: runnable Kubernetes code blocks for any page (Apache-2.0, Kubelab).
 *
 * Include once:  <script src="https://YOUR-KUBELAB/kubelab-embed.js" defer></script>
 * Then mark code blocks:
 *   <pre data-kubelab>kubectl apply -f web.yaml</pre>            commands, one per line
 *   <pre data-kubelab data-file="web.yaml">apiVersion: ...</pre>  a manifest: Edit, and Run applies it
 *
 * All blocks of a page share ONE lab (an iframe of Kubelab's embed mode, made when the reader
 * first points at, focuses or runs a block; `data-load="near"` on the script tag makes it when
 * a block nears the viewport instead), so the post's commands run in order in one cluster:
 * Run on a block first runs every block above it not run yet (or a manifest edited since it
 * was applied), in order, each once the one before has settled. Each block's output is shown
 * under it, as text. Options on the script tag: data-lab (the lab's
 * page, default: where this script is), data-lang (en|ko, default: the page's), data-theme
 * (light|dark), data-speed (1|2|5|10, default 5), data-load.
 *
 * Messages (version 1), to the lab's window at the lab's origin only:
 *   {kubelab: 1, type: 'run', id, lines: [...], files: [{name, text}], wait}, {kubelab: 1, type: 'stop', id},
 *   {kubelab: 1, type: 'link', id}
 * and from it (checked: its window, its origin, the shape): 'ready', 'output' {id, text, done, lines},
 * 'link' {id, url} (the lab as it stood after that block, as a share link), 'height' {height},
 * 'error' {message}. Each run of a block has its own id (`b3.2`): replies to an older run are
 * ignored.
 */
(() => {
  'use strict';
  if (window.kubelabEmbed) return;
  const me = document.currentScript;
  const opt = (me && me.dataset) || {};
  const lab = new URL(opt.lab || './', (me && me.src) || location.href);
  lab.search = '';
  lab.hash = '';
  const lang = /^ko/i.test(opt.lang || document.documentElement.lang || navigator.language) ? 'ko' : 'en';
  const WORDS = {
    en: { run: 'Run', stop: 'Stop', edit: 'Edit', done: 'Done', diagram: 'Cluster', hide: 'Hide cluster', wait: 'Starting the lab…', queued: 'Waiting for the block above…', label: 'Output', link: 'Link' },
    ko: { run: '실행', stop: '중지', edit: '편집', done: '완료', diagram: '클러스터', hide: '클러스터 닫기', wait: '실습실을 여는 중…', queued: '위 블록을 기다리는 중…', label: '출력', link: '링크' },
  }[lang];
  const speed = ['1', '2', '5', '10'].includes(opt.speed) ? opt.speed : '5';
  const theme = opt.theme === 'dark' || opt.theme === 'light' ? `&theme=${opt.theme}` : '';
  const CSS = `
.kubelab-block{margin:1em 0}.kubelab-block pre{margin:0}
.kubelab-bar{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0;font:13px/1.4 system-ui,sans-serif}
.kubelab-bar button{font:inherit;padding:3px 12px;border:1px solid #326ce5;border-radius:6px;background:#fff;color:#326ce5;cursor:pointer}
.kubelab-bar button.kubelab-run{background:#326ce5;color:#fff}
.kubelab-bar button:focus-visible{outline:3px solid #ff9800;outline-offset:2px}
.kubelab-out{margin:0 0 6px;padding:8px 10px;max-height:24em;overflow:auto;background:#101418;color:#d8dee9;border-radius:6px;font:12.5px/1.45 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap}
.kubelab-out:empty{display:none}
.kubelab-edit{display:block;width:100%;box-sizing:border-box;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;padding:8px}
.kubelab-spot{height:0;transition:height .2s}
.kubelab-link{display:block;width:100%;box-sizing:border-box;margin:0 0 6px;font:12px ui-monospace,Menlo,Consolas,monospace}
.kubelab-frame{position:absolute;left:-10000px;top:0;width:640px;height:360px;border:0;border-radius:8px;background:transparent}
.kubelab-frame.kubelab-shown{box-shadow:0 2px 12px rgba(0,0,0,.2)}`;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    document.head.append(Object.assign(document.createElement('style'), { textContent: CSS }));
  }

  const blocks = new Map();
  /** Each run's message id → its block. */
  const runs = new Map();
  let frame = null, ready = false, queue = [], shownAt = null, seq = 0, chains = 0;

  const el = (tag, props, ...kids) => {
    const n = Object.assign(document.createElement(tag), props);
    n.append(...kids);
    return n;
  };

  /** Makes the lab's iframe, once. */
  function start() {
    if (frame) return;
    const src = new URL('embed.html', lab);
    src.search = `?host&panes=diagram&lang=${lang}&speed=${speed}${theme}`;
    frame = el('iframe', { className: 'kubelab-frame', src: src.href, title: 'Kubelab', tabIndex: -1 });
    frame.setAttribute('aria-hidden', 'true');
    document.body.append(frame);
  }

  function send(msg) {
    start();
    if (!ready) { queue.push(msg); return; }
    frame.contentWindow.postMessage({ kubelab: 1, ...msg }, lab.origin);
  }

  /** The lines a commands block runs: each line, without a leading `$ ` prompt. */
  const linesOf = (text) => text.replace(/\n$/, '').split('\n').map((l) => l.replace(/^\s*\$ /, ''));

  const textOf = (b) => (b.editor ? b.editor.value : b.pre.textContent);

  /** The blocks still in the page, in its order. */
  const order = () => [...blocks.values()].filter((x) => x.box.isConnected)
    .sort((x, y) => (x.box.compareDocumentPosition(y.box) & 4 ? -1 : 1));

  /** Whether a block has yet to run for the ones below it: never run (or stopped before it
   *  began), or a manifest edited since it was applied. */
  const pending = (b) => !b.running && (!b.ran || (b.file && textOf(b) !== b.text));

  /** Sends one run of block `b`; `wait`: it begins once the block before has settled. */
  function runOne(b, wait, catchup, queued) {
    b.out.textContent = queued ? WORDS.queued : WORDS.wait;
    b.link?.remove();
    b.link = null;
    Object.assign(b, { running: true, started: false, ran: true, catchup, chain: chains, runId: `${b.id}.${++b.runs}` });
    b.runButton.textContent = WORDS.stop;
    runs.set(b.runId, b);
    const text = textOf(b);
    if (b.file) {
      b.text = text;
      send({ type: 'run', id: b.runId, wait, lines: [`kubectl apply -f ${b.file}`], files: [{ name: b.file, text }] });
    } else {
      send({ type: 'run', id: b.runId, wait, lines: linesOf(text) });
    }
  }

  /** Runs block `b`, after every block above it that has yet to run, in order, as the post's
   *  author ran them: each waits for the one before to settle. */
  function run(b) {
    const above = order();
    above.length = above.indexOf(b);
    const busy = above.some((x) => x.running);
    const skipped = above.filter(pending);
    const wait = skipped.length > 0 || above.some((x) => x.running && x.catchup);
    chains++;
    skipped.forEach((x, i) => runOne(x, true, true, i || busy));
    runOne(b, wait, false, wait);
  }

  /** Back to "not run": a block stopped before it began. */
  function reset(b) {
    runs.delete(b.runId);
    Object.assign(b, { running: false, ran: false });
    b.out.textContent = '';
    b.runButton.textContent = WORDS.run;
  }

  /** Stop ends the run the block belongs to: the blocks still waiting go back to "not run"
   *  (the last first, so that none begins meanwhile), the one typing is stopped as Ctrl-C.
   *  A block whose output has not come yet may have begun in the lab meanwhile: it waits for
   *  the lab's last word on it (`lines`: 0 if it never began) before it counts as not run. */
  function stop(b) {
    for (const x of order().reverse()) {
      if (!x.running || x.chain !== b.chain) continue;
      send({ type: 'stop', id: x.runId });
      if (x.started) continue;
      x.stopping = true;
      x.out.textContent = '';
      x.runButton.disabled = true;
      // A lab that never answers (a refused run) does not keep the block from running again.
      const id = x.runId;
      setTimeout(() => { if (x.stopping && x.runId === id) ended(x, 0); }, 5000);
    }
  }

  /** A block's run ended; `lines`: how many of its lines the lab typed. */
  function ended(b, lines) {
    b.running = false;
    b.runButton.textContent = WORDS.run;
    if (b.stopping) {
      b.stopping = false;
      b.runButton.disabled = false;
      if (lines === 0) reset(b);
    }
  }

  function toggleRun(b) {
    if (b.running) stop(b);
    else run(b);
  }

  /** A code link of the lab as it stands after block `b` (the blocks above it run first). */
  function linkOf(b) {
    const above = order();
    above.length = above.indexOf(b) + 1;
    if (above.some(pending)) run(b);
    send({ type: 'link', id: b.runId });
  }

  function toggleEdit(b) {
    if (b.editor) {
      b.pre.textContent = b.editor.value;
      b.editor.replaceWith(b.pre);
      b.editor = null;
      b.editButton.textContent = WORDS.edit;
      b.pre.focus?.();
      return;
    }
    b.editor = el('textarea', { className: 'kubelab-edit', value: b.pre.textContent, spellcheck: false, rows: Math.min(30, b.pre.textContent.split('\n').length + 1) });
    b.editor.setAttribute('aria-label', b.file);
    b.pre.replaceWith(b.editor);
    b.editor.focus();
    b.editButton.textContent = WORDS.done;
  }

  /** Shows the lab's diagram under block `b` (or hides it). */
  function toggleDiagram(b) {
    start();
    const was = shownAt;
    if (was) {
      was.spot.style.height = '0';
      was.diagramButton.textContent = WORDS.diagram;
      was.diagramButton.setAttribute('aria-pressed', 'false');
    }
    shownAt = was === b ? null : b;
    if (shownAt) {
      b.spot.style.height = `${frame.offsetHeight}px`;
      b.diagramButton.textContent = WORDS.hide;
      b.diagramButton.setAttribute('aria-pressed', 'true');
    }
    place();
  }

  /** Puts the iframe over the shown block's spot, or out of sight. */
  function place() {
    if (!frame) return;
    frame.classList.toggle('kubelab-shown', !!shownAt);
    frame.setAttribute('aria-hidden', String(!shownAt));
    frame.tabIndex = shownAt ? 0 : -1;
    if (!shownAt) { frame.style.left = '-10000px'; return; }
    const r = shownAt.spot.getBoundingClientRect();
    frame.style.left = `${r.left + scrollX}px`;
    frame.style.top = `${r.top + scrollY}px`;
    frame.style.width = `${r.width}px`;
  }

  function onMessage(e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== lab.origin) return;
    const d = e.data;
    if (!d || typeof d !== 'object' || d.kubelab !== 1 || typeof d.type !== 'string') return;
    if (d.type === 'ready') {
      ready = true;
      const q = queue;
      queue = [];
      q.forEach(send);
    } else if (d.type === 'output' && typeof d.id === 'string' && typeof d.text === 'string' && typeof d.done === 'boolean') {
      const b = runs.get(d.id);
      if (!b || b.runId !== d.id) return;
      // (`lines` is newer than the format: without it, no text means no line ran.)
      const lines = Number.isInteger(d.lines) ? d.lines : d.text ? 1 : 0;
      if (!b.stopping || lines > 0) {
        b.started = true;
        b.out.textContent = d.text;
        b.out.scrollTop = b.out.scrollHeight;
      }
      if (d.done) ended(b, lines);
      place();
    } else if (d.type === 'link' && typeof d.id === 'string' && typeof d.url === 'string' && d.url.startsWith(`${lab.origin}/`)) {
      // A code link: the lab as it is now, for pages that allow no script.
      const b = runs.get(d.id);
      if (!b || b.runId !== d.id) return;
      if (!b.link) {
        b.link = el('input', { className: 'kubelab-link', readOnly: true });
        b.link.setAttribute('aria-label', WORDS.link);
        b.out.after(b.link);
      }
      b.link.value = d.url;
      b.link.select();
      navigator.clipboard?.writeText(d.url).catch(() => {});
    } else if (d.type === 'height' && Number.isFinite(d.height)) {
      frame.style.height = `${Math.max(120, Math.min(640, d.height))}px`;
      if (shownAt) shownAt.spot.style.height = frame.style.height;
      place();
    } else if (d.type === 'error' && typeof d.message === 'string') {
      console.warn(`Kubelab: ${d.message}`);
    }
  }

  function upgrade(pre) {
    if (pre.dataset.kubelabReady) return;
    pre.dataset.kubelabReady = '1';
    const id = `b${++seq}`;
    const file = pre.dataset.file || '';
    const button = (text, className, onclick) => el('button', { type: 'button', textContent: text, className, onclick });
    const b = { id, pre, file, running: false, ran: false, runs: 0, editor: null };
    b.runButton = button(WORDS.run, 'kubelab-run', () => toggleRun(b));
    b.diagramButton = button(WORDS.diagram, '', () => toggleDiagram(b));
    b.diagramButton.setAttribute('aria-pressed', 'false');
    const bar = el('div', { className: 'kubelab-bar' }, b.runButton);
    if (file) {
      b.editButton = button(WORDS.edit, '', () => toggleEdit(b));
      bar.append(b.editButton);
    }
    bar.append(b.diagramButton, button(WORDS.link, '', () => linkOf(b)));
    b.out = el('pre', { className: 'kubelab-out' });
    b.out.setAttribute('aria-live', 'polite');
    b.out.setAttribute('aria-label', WORDS.label);
    b.spot = el('div', { className: 'kubelab-spot' });
    const box = (b.box = el('div', { className: 'kubelab-block' }));
    pre.replaceWith(box);
    box.append(pre, bar, b.out, b.spot);
    // The lab is made when the reader shows intent (or, with data-load="near", as blocks near).
    for (const ev of ['pointerenter', 'focusin', 'touchstart']) box.addEventListener(ev, start, { once: true, passive: true });
    blocks.set(id, b);
    return box;
  }

  /** Makes every `pre[data-kubelab]` not yet made runnable (call again after a page changes). */
  function scan() {
    const boxes = [...document.querySelectorAll('pre[data-kubelab]')].map(upgrade).filter(Boolean);
    if (opt.load === 'near' && !frame && boxes.length && 'IntersectionObserver' in window) {
      const io = new IntersectionObserver((es) => {
        if (es.some((x) => x.isIntersecting)) { io.disconnect(); start(); }
      }, { rootMargin: '300px' });
      boxes.forEach((x) => io.observe(x));
    }
  }

  function init() {
    scan();
    addEventListener('message', onMessage);
    addEventListener('resize', place);
    if ('ResizeObserver' in window) new ResizeObserver(place).observe(document.body);
  }

  window.kubelabEmbed = { version: 1, scan };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
