// Puts the first view in the reader's language on the page before anything paints: the build
// (scripts/postbuild.mjs) writes its markup (the view, and its parts) per language and puts
// this script, inline, after it and #app, with its sha256 in the page's Content-Security-Policy
// (no fetch, so nothing waits for it). The language as the app picks it (ui::browser_lang): the
// saved choice, then the browser's. A page that asks for other panes than the first view's
// (`?panes=`, an embed) gets none. static/first.js does the rest.
(() => {
  let saved = '';
  try { saved = localStorage.getItem('kubelab.lang') || ''; } catch { /* storage blocked */ }
  const langs = [saved, ...(navigator.languages || [])].map((l) => l.toLowerCase());
  const lang = (langs.find((l) => l.startsWith('ko') || l.startsWith('en')) || 'en').slice(0, 2);
  // The view and its parts are text blocks (<script type="text/html">): the parser builds no
  // elements of them, and only the reader's language is made into elements, here.
  const markup = (id) => document.getElementById(id)?.textContent || '';
  const elements = (text) => {
    const t = document.createElement('template');
    t.innerHTML = text;
    return t.content;
  };
  const text = markup(`first-view-${lang}`);
  const params = new URLSearchParams(location.search);
  if (!text || params.has('panes') || params.has('embed')) return;
  const view = document.createElement('div');
  view.id = 'first-view';
  view.setAttribute('aria-busy', 'true');
  view.append(elements(text));
  document.documentElement.lang = lang;
  // The view's parts beside the header and the terminal are blocks of their own
  // (scripts/postbuild.mjs), each put in its empty box (data-part) here.
  const fill = (...names) => {
    for (const name of names) {
      const box = view.querySelector(`[data-part=${name}]`);
      if (box) { box.append(elements(markup(`first-view-${lang}-${name}`))); box.removeAttribute('data-part'); }
    }
  };
  // On a visit the service worker serves (static/sw.js), the first frame draws the header and the
  // terminal; the language button's label, the lesson, the editor and the diagram with the
  // timeline (style.css, #first-view[data-rest]) come after it, a part a task, in boxes that keep
  // the terminal where it is: a new renderer's first style and layout of all of it takes the
  // longest part of that visit's first 300 ms on a slow phone, and the terminal is what takes the
  // reader's keys. The first part waits for the first frame and then for the tasks that frame's
  // callbacks posted (two hops through a message channel), so that a key typed meanwhile is
  // drawn, and what waits on that frame runs, first; static/first.js starts the module once the
  // view is whole. Where the panes stack (900 px and less) the lesson and the editor sit above the
  // terminal and come in the first frame. The parts start once the browser reports the first
  // paint if that comes first (a page's fake clock holds animation frames). On a visit from the
  // network the page's bytes take longer than that frame, and the lab paints whole at once; so it
  // does in a tab that paints nothing and in a browser that reports no paint.
  const parts = [['lang'], ['lesson'], ['editor'], ['diagram', 'timeline']];
  const hop = (f) => { const c = new MessageChannel(); c.port1.onmessage = f; c.port2.postMessage(0); };
  const rest = () => { view.dataset.rest = parts.map(([name]) => name).join(' '); };
  const whole = () => {
    fill(...parts.flat());
    parts.length = 0;
    view.removeAttribute('data-rest');
    dispatchEvent(new Event('kubelab-first-view'));
  };
  const next = () => {
    if (!view.hasAttribute('data-rest')) return;
    fill(...parts.shift());
    if (!parts.length) { whole(); return; }
    rest();
    // This part's style and layout in this task, not all parts' in the next frame's.
    void view.offsetHeight;
    hop(next);
  };
  let started = false;
  const start = () => { if (!started) { started = true; hop(() => hop(next)); } };
  if (navigator.serviceWorker?.controller && !document.hidden && (window.PerformanceObserver?.supportedEntryTypes || []).includes('paint')) {
    if (matchMedia('(max-width: 900px)').matches) fill('lesson', 'editor');
    rest();
    const painted = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name === 'first-contentful-paint')) { painted.disconnect(); start(); }
    });
    painted.observe({ type: 'paint', buffered: true });
    requestAnimationFrame(start);
    document.addEventListener('visibilitychange', () => { if (view.hasAttribute('data-rest')) whole(); }, { once: true });
  } else {
    fill(...parts.flat());
  }
  document.getElementById('first-view-en').before(view);
  // The view takes keys at once, before static/first.js has run (it loads after the page): a
  // line entered meanwhile is kept for it, which echoes it and hands it to the live page.
  const early = (window.__kubelabEarly = []);
  const input = view.querySelector('[data-testid=terminal-input]');
  // The keyboard's from now on, not from the first frame (where autofocus acts), so that a key
  // pressed meanwhile is in that frame.
  input?.focus();
  input?.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing || window.__kubelabEarly !== early) return;
    e.preventDefault();
    early.push(input.value);
    input.value = '';
  });
})();
