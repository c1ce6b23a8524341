// When the wasm module panics (its hook calls kubelabPanic) or traps, the page says so, keeps
// what was saved (the module stops writing storage), offers the editor's files and the
// terminals' history for download, and reloads to restore them. Plain JS: it must work with
// the module dead. Tested in tests/e2e/lab.test.mjs (`?inject-panic`, see README).
(() => {
  const KEY = 'kubelab.lab.v1', ASIDE = 'kubelab.lab.v1.crashed';
  const WORDS = {
    en: ['Kubelab stopped: its program failed.', 'Your files and terminal history, as last saved in this browser, are kept. Reload to go on from there, or download them first.', 'The line that was running:', 'Reload and restore', 'Start afresh (the saved lab is kept aside)', 'Download', 'terminal history', 'the whole saved lab', 'Nothing was saved in this browser; the editor shows:'],
    ko: ['Kubelab이 멈췄습니다: 프로그램에 오류가 났습니다.', '이 브라우저에 마지막으로 저장된 파일과 터미널 기록은 그대로 있습니다. 새로 고치면 그 상태에서 이어지고, 먼저 내려받을 수도 있습니다.', '실행 중이던 줄:', '새로 고치고 복원', '새로 시작 (저장된 실습은 따로 보관)', '내려받기', '터미널 기록', '저장된 실습 전체', '이 브라우저에 저장된 것이 없습니다. 편집기 내용:'],
  };
  // When the rest of the program (the page's second wasm module, static/first.js) is needed
  // with the network off and no copy kept: the same screen, in its own words.
  const MISSING = {
    en: ['Kubelab needs the rest of its program for this line, and it could not be downloaded: the network is off and this browser has not kept it yet.', 'Your files and terminal history, as last saved in this browser, are kept. Reload once you are online to go on from there, or download them first.'],
    ko: ['이 줄을 실행하려면 Kubelab 프로그램의 나머지가 필요한데 내려받지 못했습니다. 네트워크가 꺼져 있고 이 브라우저에 아직 보관되지 않았습니다.', '이 브라우저에 마지막으로 저장된 파일과 터미널 기록은 그대로 있습니다. 온라인이 되면 새로 고쳐 그 상태에서 이어가거나, 먼저 내려받으세요.'],
  };
  let shown = false, line = '';
  addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.matches && e.target.matches('[data-testid=terminal-input]')) line = e.target.value;
  }, true);
  const get = (k) => { try { return localStorage.getItem(k); } catch { return null; } };
  const el = (tag, props, ...kids) => { const n = Object.assign(document.createElement(tag), props); n.append(...kids); return n; };
  function downloads(w, text) {
    let saved = null;
    try { saved = text && JSON.parse(text); } catch { saved = null; }
    const files = new Map(saved ? saved.files : []);
    // What the editor shows, which may be newer than the save (an edit that failed).
    const tab = document.querySelector('[role=tab][aria-selected=true]');
    const editor = document.querySelector('[data-testid=yaml-editor]');
    if (tab && editor) files.set(tab.textContent, editor.value);
    const history = (saved ? saved.histories : []).map((h, i) => `# terminal ${i + 1}\n${h.join('\n')}\n`).join('');
    const items = [...files].map(([name, body]) => [name, name, body]);
    items.push(['terminal-history.txt', w[6], history + (line ? `# ${w[2]}\n${line}\n` : '')]);
    if (text) items.push(['kubelab-lab.json', w[7], text]);
    return el('ul', {}, ...items.map(([file, label, body]) => el('li', {}, el('a', {
      download: file, textContent: label, href: URL.createObjectURL(new Blob([body], { type: 'text/plain' })),
    }))));
  }
  function show(what, missing) {
    if (shown) return;
    shown = true;
    // The page's language as the app picks it (Lang::from_browser), even if it never ran.
    const langs = [get('kubelab.lang') || '', ...(navigator.languages || [])].map((l) => l.toLowerCase());
    const lang = (langs.find((l) => l.startsWith('ko') || l.startsWith('en')) || 'en').slice(0, 2);
    const w = missing ? [...MISSING[lang], ...WORDS[lang].slice(2)] : WORDS[lang];
    // The save as it was when the module failed; whatever the module writes after (a trap
    // that was not a panic leaves it running, half changed) is undone as the page goes.
    let kept = get(KEY);
    addEventListener('pagehide', () => {
      try { if (kept === null) localStorage.removeItem(KEY); else localStorage.setItem(KEY, kept); } catch {}
    });
    const reload = el('button', { textContent: w[3], onclick: () => location.reload() });
    reload.dataset.testid = 'crash-reload';
    const fresh = el('button', { textContent: w[4], onclick: () => {
      try { if (kept !== null) localStorage.setItem(ASIDE, kept); } catch {}
      kept = null;
      location.reload();
    } });
    fresh.dataset.testid = 'crash-fresh';
    const box = el('div', { className: 'crash' },
      el('h2', { textContent: w[0] }), el('p', { textContent: kept ? w[1] : w[8] }),
      el('pre', { textContent: String(what) }),
      ...(line ? [el('p', { textContent: w[2] + ' ' }, el('code', { textContent: line }))] : []),
      el('p', {}, reload, ' ', fresh), el('h3', { textContent: w[5] }), downloads(w, kept));
    box.dataset.testid = 'crash';
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-modal', 'true');
    box.setAttribute('aria-label', w[0]);
    document.body.append(box);
    reload.focus();
  }
  window.kubelabPanic = (what) => { console.error(what); show(what); };
  window.kubelabUnavailable = (what) => { show(what, true); document.querySelector('[data-testid=crash]').dataset.missing = 'true'; };
  // The live page's downloads too (Save as lesson): a Blob link, clicked, as above.
  window.kubelabDownload = (name, text) => {
    const a = el('a', { download: name, href: URL.createObjectURL(new Blob([text], { type: 'text/yaml' })) });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  };
  const trap = (e) => e instanceof WebAssembly.RuntimeError;
  addEventListener('error', (e) => { if (trap(e.error)) show(e.error); });
  addEventListener('unhandledrejection', (e) => { if (trap(e.reason)) show(e.reason); });
})();
