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
  document.getElementById('first-view-en').before(view);
  // The view takes keys at once, before static/first.js has run (it loads after the page): a
  // line entered meanwhile is kept for it, which echoes it and hands it to the live page.
  const early = (window.__kubelabEarly = []);
  const input = view.querySelector('[data-testid=terminal-input]');
  input?.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing || window.__kubelabEarly !== early) return;
    e.preventDefault();
    early.push(input.value);
    input.value = '';
  });
})();
