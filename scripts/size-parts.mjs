// Reads a wasm module that has a name section and splits its bytes into parts by function
// name: each part's function bodies (or the data segments) gzip -9 compressed on their own.
// The parts compress a little better together than apart (the page's whole file is the
// figure that counts); the split says which part the budget has to come out of.
import fs from 'node:fs';
import zlib from 'node:zlib';

const bytes = fs.readFileSync(process.argv[2]);
let at = 8;
const leb = () => {
  let value = 0, shift = 0, byte;
  do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return value;
};
const text = () => { const n = leb(); const s = bytes.subarray(at, at + n).toString('utf8'); at += n; return s; };

let importedFunctions = 0;
const bodies = [];
const data = [];
const names = new Map();
while (at < bytes.length) {
  const id = bytes[at++];
  const size = leb();
  const end = at + size;
  if (id === 2) { // imports: count the functions, which come before the module's own
    for (let n = leb(); n > 0; n--) {
      text(); text();
      const kind = bytes[at++];
      if (kind === 0) { leb(); importedFunctions++; }
      else if (kind === 1) { at++; const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 2) { const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 3) { at += 2; }
    }
  } else if (id === 10) { // code
    for (let n = leb(); n > 0; n--) { const len = leb(); bodies.push(bytes.subarray(at, at + len)); at += len; }
  } else if (id === 11) {
    data.push(bytes.subarray(at, end));
  } else if (id === 0 && text() === 'name') {
    while (at < end) {
      const sub = bytes[at++];
      const subSize = leb();
      const subEnd = at + subSize;
      if (sub === 1) for (let n = leb(); n > 0; n--) { const index = leb(); names.set(index, text()); }
      at = subEnd;
    }
  }
  at = end;
}
if (names.size === 0) throw new Error('no function names: build with wasm-opt -g');

const parts = [
  ['Kubelab: the model, kubectl, the shell, the manifest reader', /\bkubelab::(?!ui::)/],
  ['yew, the web bindings and our views', /\b(yew|wasm_bindgen|web_sys|js_sys|gloo\w*|kubelab_web|prokio|implicit_clone|slab|kubelab::ui)\b/],
  ['the standard library and other crates (much of it instantiated for our types)', /(?:)/],
];
const chunks = new Map(parts.map(([label]) => [label, []]));
bodies.forEach((body, i) => {
  const name = names.get(importedFunctions + i) ?? '';
  // The bindings first: yew's generic code instantiated for our views counts as the UI's.
  const order = [parts[1], parts[0], parts[2]];
  chunks.get(order.find(([, re]) => re.test(name))[0]).push(body);
});
chunks.set('string data (messages, the schema, help text, tables)', data);

const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const kb = (n) => (n / 1000).toFixed(1);
console.log('| part | raw KB | gzip -9 KB |');
console.log('|---|---|---|');
let sum = 0;
for (const [label, list] of chunks) {
  const all = Buffer.concat(list);
  const z = gz(all);
  sum += z;
  console.log(`| ${label} | ${kb(all.length)} | ${kb(z)} |`);
}
console.log(`| sum of the parts | | ${kb(sum)} |`);
