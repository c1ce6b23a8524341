// The page before its program: the first view the build rendered (scripts/postbuild.mjs writes
// it into index.html, and static/first-view.js, inline, shows it in the reader's language) is on
// screen from the HTML; this keeps the keys typed into its terminal, loads the wasm module with
// its progress shown, and hands the terminal over to the live page as soon as it is drawn: what
// was typed moves into the live input, and lines entered early run, in order, as if typed then.
// Then it registers the service worker (sw.js), which keeps the page's files for the next visit
// and for a network that is off.
// Plain JS, a file (the page's Content-Security-Policy allows no inline script but
// first-view.js's and preload.js's, by their hashes); Trunk puts it where index.html's rust link was (Trunk.toml's
// pattern_script), with the module's addresses.
// Tested in tests/e2e/load.test.mjs.
(() => {
  const me = document.currentScript;
  const WORDS = {
    en: ['Starting the lab…', 'downloaded', 'the line runs as soon as it is ready', 'The lab could not be loaded; reload the page to try again.'],
    ko: ['실습을 시작하는 중…', '내려받음', '준비되는 대로 이 줄을 실행합니다', '실습을 불러오지 못했습니다. 페이지를 새로 고쳐 다시 시도하세요.'],
  };
  const get = (k) => { try { return localStorage.getItem(k); } catch { return null; } };
  // The page's language as the app picks it (ui::browser_lang): the saved choice, then the browser's.
  const langs = [get('kubelab.lang') || '', ...(navigator.languages || [])].map((l) => l.toLowerCase());
  const lang = (langs.find((l) => l.startsWith('ko') || l.startsWith('en')) || 'en').slice(0, 2);
  const words = WORDS[lang];
  const app = document.getElementById('app');
  const view = document.getElementById('first-view');
  const lines = [];
  let input = null, progress = null, loaded = 0, failed = false;
  const total = Number(me.dataset.size) || 0;

  function showProgress() {
    if (!progress) return;
    if (failed) { progress.textContent = `${words[3]}\n`; return; }
    const kb = (b) => Math.round(b / 1024).toLocaleString('en');
    progress.textContent = `${words[0]} ${total ? `${kb(Math.min(loaded, total))} / ${kb(total)} KB ${words[1]}` : ''} (${words[2]})\n`;
  }

  if (view) {
    input = view.querySelector('[data-testid=terminal-input]');
    // As on the live page, the terminal has the keyboard from the start.
    input.focus();
    const term = view.querySelector('[data-testid=terminal]');
    const enter = (line) => {
      lines.push(line);
      // Echoed as the live terminal echoes a line, then what the page is doing meanwhile.
      const typed = document.createElement('span');
      typed.className = 'typed';
      typed.textContent = `${line}\n`;
      if (progress) progress.remove();
      progress = document.createElement('span');
      progress.className = 'out';
      progress.dataset.testid = 'first-view-progress';
      term.append(typed, progress);
      showProgress();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' || e.isComposing) return;
      e.preventDefault();
      enter(input.value);
      input.value = '';
    });
    // Lines entered before this script ran (first-view.js kept them): echoed and kept now.
    const early = window.__kubelabEarly || [];
    window.__kubelabEarly = null;
    for (const line of early) enter(line);
    // Clicking the screen focuses the input, as on the live page.
    view.querySelector('.screen')?.addEventListener('click', () => input.focus());
  }

  // The module takes the lines entered so far as it builds the live page (src/ui/boot.rs
  // early_lines) and runs them before drawing it: it shows their output here at once, as the
  // live terminal will (pieces of text, each with its style), and in its first drawing.
  window.__kubelabTakeLines = () => lines.splice(0);
  window.__kubelabShowEarly = (pieces) => {
    if (!view) return;
    const term = view.querySelector('[data-testid=terminal]');
    progress = null;
    term.replaceChildren(...pieces.map(([style, text]) => {
      const piece = document.createElement('span');
      piece.className = style;
      piece.textContent = text;
      return piece;
    }));
  };

  // The live page's terminal is drawn: give it what the first view holds, then take the first
  // view away in the same task, so that no frame shows both and no selector finds two.
  function handOver() {
    const live = app.querySelector('[data-testid=terminal-input]');
    if (!live) return false;
    if (view) {
      const focused = document.activeElement === input;
      // The caret or the selection in what was typed, so that keys typed next land where the
      // reader put them (a key typed over a selection replaces it on the live page too).
      const { selectionStart, selectionEnd, selectionDirection } = input;
      const send = (value, enter) => {
        live.value = value;
        live.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: value }));
        if (enter) live.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
      };
      for (const line of lines) send(line, true);
      if (input.value) send(input.value, false);
      view.remove();
      if (focused) live.focus();
      if (input.value && selectionStart !== null) live.setSelectionRange(selectionStart, selectionEnd, selectionDirection);
    }
    document.documentElement.dataset.lab = 'live';
    return true;
  }

  if (!handOver()) {
    const watch = new MutationObserver(() => { if (handOver()) watch.disconnect(); });
    watch.observe(app, { childList: true, subtree: true });
  }

  // The page's wasm in two modules (scripts/split.mjs): the first holds what the page calls to
  // start and to answer its first lines; calls into the second go through placeholders (imports
  // of the first, by function-table slot) until the second module's instantiation fills those
  // slots. The second is fetched once the first has arrived and the reader has shown that they
  // will use the lab (intent(), below: a reader who only reads downloads none of it), and
  // instantiated when both are there. A placeholder called before that (a line the first module
  // cannot answer alone) takes the second module at once, synchronously, and goes on: the line
  // waits for it, as a line typed before the first waits. Offline, with the second module in no
  // cache, that call cannot go on: the page says so (static/crash.js) and keeps the saved lab.
  function secondModule(url) {
    const state = { exports: null, instance: null, compiled: null, fetching: null, waits: 0 };
    const instantiate = (module) => {
      if (!state.instance) state.instance = new WebAssembly.Instance(module, { primary: state.exports });
    };
    // The bytes, synchronously (a placeholder cannot wait for a promise): a synchronous request
    // (the HTTP cache hands over the one under way when it ends), compiled on the spot.
    const now = () => {
      if (state.compiled) { instantiate(state.compiled); return; }
      state.waits++;
      const x = new XMLHttpRequest();
      x.open('GET', url, false);
      x.overrideMimeType('text/plain; charset=x-user-defined');
      try { x.send(); } catch { /* the network is off: status 0 */ }
      if (x.status !== 200) {
        const err = new Error(`the lab's second module (${url}) could not be loaded (${x.status || 'no network'})`);
        window.kubelabUnavailable?.(err.message);
        throw err;
      }
      const text = x.responseText;
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
      state.compiled = new WebAssembly.Module(bytes);
      instantiate(state.compiled);
      keep();
    };
    // The worker keeps the second module once the page has fetched it (it is not in the files
    // it takes at install), so that a visit offline has it whenever an earlier visit used it.
    let registered = false, fetched = false;
    const keep = () => {
      fetched = true;
      if (!registered || !navigator.serviceWorker) return;
      navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ kubelab: 'keep', url: window.__kubelabSplit.url })).catch(() => {});
    };
    const placeholders = new Proxy({}, {
      get: (_, slot) => (...args) => {
        if (!state.instance) now();
        return state.exports.table.get(Number(slot))(...args);
      },
    });
    const ready = () => { if (state.exports && state.compiled) instantiate(state.compiled); };
    window.__kubelabSplit = {
      placeholders,
      state,
      url: new URL(url, location.href).href,
      started(exports) { state.exports = exports; },
    };
    return {
      fetch() {
        state.fetching ??= WebAssembly.compileStreaming(fetch(url)).then((module) => {
          state.compiled ??= module;
          // Instantiated between tasks, never inside a call of the first module.
          ready();
          keep();
          dispatchEvent(new CustomEvent('kubelab-second-module'));
        }).catch(() => { /* a placeholder call fetches it again, synchronously */ });
      },
      ready,
      registered() { registered = true; if (fetched) keep(); },
    };
  }

  const split = me.dataset.more ? secondModule(me.dataset.more) : null;

  // When the second module is fetched: once the first has arrived (the network is then free
  // while the first compiles and starts) and the reader has shown that they will use the lab:
  // a key pressed, a pointer or touch down, a button that runs lines (a lesson's Run, Play)
  // focused or hovered (the pointer resting on it for 100 ms), a message from an embed's host
  // page (it runs the post's blocks); or, from the start, a share link (#v1.…), an embed's
  // autoplay, or a saved lab (lines the page replays). Never a pointer passing over the page or
  // a scroll: a reader who only reads fetches none of it.
  const intent = (() => {
    let wanted = false, arrived = false, rest = 0;
    const events = ['keydown', 'pointerdown', 'touchstart', 'mouseover', 'mouseout', 'focusin', 'message'];
    const buttons = '[data-testid=lesson-run], [data-testid=embed-play], [data-testid=play]';
    const seen = (e) => {
      // Only an embed's host page runs lines by message (the page's own channels are not window's).
      if (e.type === 'message' && (window.parent === window || e.source !== window.parent)) return;
      const runs = !!e.target.closest?.(buttons);
      if (e.type === 'mouseout' || e.type === 'mouseover') clearTimeout(rest);
      if (e.type === 'mouseover' && runs) rest = setTimeout(() => want('hover'), 100);
      if (e.type === 'mouseover' || e.type === 'mouseout' || (e.type === 'focusin' && !runs)) return;
      want(e.type);
    };
    const want = (why) => {
      if (wanted) return;
      wanted = true;
      self.why = why;
      for (const type of events) removeEventListener(type, seen, true);
      if (arrived) split.fetch();
    };
    const self = { arrived() { arrived = true; if (wanted) split.fetch(); }, want, why: null };
    if (!split) return { arrived() {}, want() {} };
    const q = new URLSearchParams(location.search);
    const autoplay = ['', '1', 'true', 'yes'].includes(q.get('autoplay'));
    const link = /^#v\d+\./.test(location.hash);
    if (link || autoplay || /"Line"/.test(get('kubelab.lab.v1') || '')) want(link ? 'link' : autoplay ? 'autoplay' : 'saved');
    else for (const type of events) addEventListener(type, seen, { capture: true, passive: true });
    return self;
  })();
  if (split) window.__kubelabSplit.intent = intent;

  // The module starts once the first view is on the screen (on a second visit it is at hand at
  // once, and its start would keep the first view from the screen and from keys); the app then
  // builds itself in short tasks (src/ui/boot.rs). The first paint as the browser reports it
  // (not a frame or a timer: a page's fake clock would hold those); a hidden tab paints nothing.
  // On a visit the worker serves, once the first view is whole (static/first-view.js draws the
  // terminal first and the rest after it).
  const drawn = new Promise((done) => {
    // A browser that reports no paint entries: at once (it would wait for ever).
    const paints = (window.PerformanceObserver?.supportedEntryTypes || []).includes('paint');
    if (!view || document.hidden || !paints) { done(); return; }
    if (view.hasAttribute('data-rest')) { addEventListener('kubelab-first-view', done, { once: true }); return; }
    const seen = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.name === 'first-contentful-paint')) { seen.disconnect(); done(); }
    });
    seen.observe({ type: 'paint', buffered: true });
    document.addEventListener('visibilitychange', done, { once: true });
  });
  // The wasm module, fetched as a stream so that its progress shows (the preload in the head,
  // static/preload.js, started it; this fetch takes that response). From the service worker's
  // cache it comes at once, asked for once the first view is whole on the screen (there is no
  // preload then: its body would be received on the main thread before the first paint), and it
  // is handed over as it is: the browser keeps the compiled code of a module whose response came
  // from a cache, for the next visit (not of a response made here).
  const kept = !!(navigator.serviceWorker && navigator.serviceWorker.controller);
  // A second module the worker already keeps costs no transfer: taken as on a first visit that engaged.
  if (split && kept && window.caches) caches.match(new URL(me.dataset.more, location.href).href).then((hit) => { if (hit) intent.want('kept'); }).catch(() => {});
  const wasm = (kept ? drawn.then(() => fetch(me.dataset.wasm)) : fetch(me.dataset.wasm)).then((response) => {
    if (kept || !response.ok || !response.body) { intent.arrived(); return response; }
    const reader = response.body.getReader();
    const stream = new ReadableStream({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) { controller.close(); intent.arrived(); return; }
        loaded += value.byteLength;
        showProgress();
        controller.enqueue(value);
      },
    });
    return new Response(stream, { headers: response.headers, status: response.status, statusText: response.statusText });
  });
  // On a visit the worker serves, the module's script too waits for the first view: compiling
  // it would take the main thread from the first keys.
  (kept ? drawn.then(() => import(me.dataset.js)) : import(me.dataset.js)).then(async (bindings) => {
    await drawn;
    const exports = await bindings.default({ module_or_path: wasm });
    split?.ready();
    window.wasmBindings = bindings;
    dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: exports } }));
    // The next visit, and a visit offline, are served from what the worker keeps.
    if ('serviceWorker' in navigator && me.dataset.sw) {
      navigator.serviceWorker.register(me.dataset.sw).then(() => split?.registered()).catch(() => {});
    }
  }).catch((err) => {
    // The module did not come (the network went away): the lines typed wait for a reload. (A
    // trap is the crash handler's, static/crash.js.)
    if (!(err instanceof WebAssembly.RuntimeError)) {
      failed = true;
      showProgress();
    }
    throw err;
  });
})();
