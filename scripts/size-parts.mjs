// Reads a wasm module that has a name section and splits its bytes into parts by function
// name: each part's function bodies (or the data segments) gzip -9 compressed on their own.
// The parts compress a little better together than apart (the page's whole file is the
// figure that counts); the split says which part the budget has to come out of.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { functionNames } from './split.mjs';

const names = functionNames(fs.readFileSync(process.argv[2]));
if (names.named === 0) throw new Error('no function names: build with wasm-opt -g');

const parts = [
  ['Kubelab: the model, kubectl, the shell, the manifest reader', /\bkubelab::(?!ui::)/],
  ['yew, the web bindings and our views', /\b(yew|wasm_bindgen|web_sys|js_sys|gloo\w*|kubelab_web|prokio|implicit_clone|slab|kubelab::ui)\b/],
  ['the standard library and other crates (much of it instantiated for our types)', /(?:)/],
];
const chunks = new Map(parts.map(([label]) => [label, []]));
names.bodies.forEach((body, i) => {
  const name = names[i];
  // The bindings first: yew's generic code instantiated for our views counts as the UI's.
  const order = [parts[1], parts[0], parts[2]];
  chunks.get(order.find(([, re]) => re.test(name))[0]).push(body);
});
chunks.set('string data (messages, the schema, help text, tables)', names.data);

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
