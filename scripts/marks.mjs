// The marks `budget.mjs` and `trace-load.mjs` take in the page (an init script in every
// document of a context), and the binding through which the page says its terminal took a key.
export const ANSWER = 'No resources found in default namespace.';

// Recorded in the page from navigation start (performance.now()), each when the frame that
// shows it has been drawn (a task queued from that frame's requestAnimationFrame runs after its
// style, layout and paint): `paint`, the first frame that shows the lab (the editor holding
// web.yaml, a terminal prompt, the cluster's node lanes); `key`, the first frame that shows a key
// typed into the terminal's input; `answer`, the first frame whose terminal shows kubectl's answer.
const loadMarks = (answer) => {
  const m = (window.__marks = {});
  const drawn = (name) => setTimeout(() => { m[name] = performance.now(); });
  const shown = (el) => el && el.getClientRects().length > 0;
  const seen = {};
  const check = () => {
    if (!seen.paint) {
      const editor = document.querySelector('[data-testid=yaml-editor]');
      const tab = document.querySelector('[data-testid="file-tab-web.yaml"][aria-selected=true]');
      const term = document.querySelector('[data-testid=terminal]');
      const lane = document.querySelector('[data-testid^=lane-]');
      if (shown(editor) && /kind: StatefulSet/.test(editor.value) && shown(tab) && shown(term) && /[#$] $/.test(term.textContent) && shown(lane)) { seen.paint = true; drawn('paint'); }
    }
    if (!seen.answer) {
      const term = document.querySelector('[data-testid=terminal]');
      if (term && term.textContent.includes(answer)) { seen.answer = true; drawn('answer'); }
    }
    if (!seen.paint || !seen.answer) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
  document.addEventListener('input', (e) => {
    if (!m.typed && e.target.dataset && e.target.dataset.testid === 'terminal-input' && /^k+$/.test(e.target.value)) {
      m.typed = true;
      // When the browser made the key's event, and when the page ran its handler (reported
      // with BUDGET_DEBUG).
      m.keyMade = e.timeStamp;
      m.keyRun = performance.now();
      requestAnimationFrame(() => drawn('key'));
      window.__keyTaken();
    }
  }, true);
};


/** Marks every page of `context`; a page whose terminal took a key is added to `typed` (told by
 * the page through a binding, so that the loop that types needs no round trip to ask). */
export async function markVisits(context, typed) {
  await context.exposeBinding('__keyTaken', ({ page }) => { typed.add(page); });
  await context.addInitScript(loadMarks, ANSWER);
}
