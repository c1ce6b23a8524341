// Puts the first view in the reader's language on the page before anything paints: the build
// (scripts/postbuild.mjs) writes one <template> per language and puts this script, inline, right
// after them, with its sha256 in the page's Content-Security-Policy (no fetch, so nothing waits
// for it). The language as the app picks it (ui::browser_lang): the saved choice, then the
// browser's. A page that asks for other panes than the first view's (`?panes=`, an embed) gets
// none. static/first.js does the rest.
(() => {
  let saved = '';
  try { saved = localStorage.getItem('kubelab.lang') || ''; } catch { /* storage blocked */ }
  const langs = [saved, ...(navigator.languages || [])].map((l) => l.toLowerCase());
  const lang = (langs.find((l) => l.startsWith('ko') || l.startsWith('en')) || 'en').slice(0, 2);
  const template = document.getElementById(`first-view-${lang}`);
  const params = new URLSearchParams(location.search);
  if (!template || !template.content.firstElementChild || params.has('panes') || params.has('embed')) return;
  const view = document.createElement('div');
  view.id = 'first-view';
  view.setAttribute('aria-busy', 'true');
  view.append(template.content.cloneNode(true));
  document.documentElement.lang = lang;
  // On a visit the service worker serves (static/sw.js), the first frame draws the header and the
  // terminal; the language button's label, the lesson, the editor and the diagram (style.css,
  // #first-view[data-rest]) come after it, a part a frame, their boxes in place: a new renderer's
  // first style and layout of all of it takes the longest part of that visit's first 300 ms on a
  // slow phone, and the terminal is what takes the reader's keys. Each part waits for a frame and
  // then for the tasks that frame's callbacks posted (two hops through a message channel), so
  // that a key typed meanwhile is drawn, and what waits on that frame runs, first; static/first.js
  // starts the module once the view is whole. The first part goes after the first frame, or once
  // the browser reports the first paint (a page's fake clock holds animation frames). On a visit
  // from the network the page's bytes take longer than that frame, and the lab paints whole at
  // once; so it does in a tab that paints nothing and in a browser that reports no paint.
  const parts = ['lang', 'lesson', 'editor', 'cluster'];
  const hop = (f) => { const c = new MessageChannel(); c.port1.onmessage = f; c.port2.postMessage(0); };
  const later = (f) => requestAnimationFrame(() => hop(() => hop(f)));
  const whole = () => {
    view.removeAttribute('data-rest');
    dispatchEvent(new Event('kubelab-first-view'));
  };
  const next = () => {
    if (!view.hasAttribute('data-rest')) return;
    parts.shift();
    if (!parts.length) { whole(); return; }
    view.dataset.rest = parts.join(' ');
    // This part's style and layout in this task, not all parts' in the next frame's.
    void view.offsetHeight;
    hop(next);
  };
  let started = false;
  const rest = (after) => { if (!started) { started = true; after(next); } };
  if (navigator.serviceWorker?.controller && !document.hidden && (window.PerformanceObserver?.supportedEntryTypes || []).includes('paint')) {
    view.dataset.rest = parts.join(' ');
    const painted = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name === 'first-contentful-paint')) { painted.disconnect(); rest(hop); }
    });
    painted.observe({ type: 'paint', buffered: true });
    rest(later);
    document.addEventListener('visibilitychange', () => { if (view.hasAttribute('data-rest')) whole(); }, { once: true });
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
