// The page's inline scripts (static/first-view.js, static/preload.js) as scripts/postbuild.mjs
// writes them into index.html, and as tests/e2e/load.test.mjs expects them there.
import vm from 'node:vm';

// An inline script as the page carries it: without its comment lines, which the browser would
// scan before the first frame (first-view.js's took ~9 ms at 4× on a second visit). Checked to
// still be a script.
export function uncommented(js) {
  const out = js.split('\n').filter((line) => !line.trim().startsWith('//')).join('\n');
  new vm.Script(out);
  return out;
}
