// The page's data in two parts (scripts/split.mjs): binaryen's wasm-split leaves every data
// segment in the first module, and about a quarter of the data (messages, usage text, tables) is
// reachable only from code the second module holds. This moves those objects into the second
// module, as active data segments at the same addresses: written into the shared memory when the
// second module is instantiated, zero before.
//
// It is sound because the first module cannot reach a moved object: the objects are wasm-ld's
// (build.rs asks the link for a map of every data object's place and size), and an object moves
// only when no constant of the first module's code (an `i32.const`, either half of an
// `i64.const`, a load's or store's offset), no global's initial value, and no pointer-sized word
// of an object the first module can reach falls inside it or at its end. Code reaches a static
// only through its address, which LLVM writes as such a constant or keeps in another static; an
// object reached through another moves only if that one does. Whatever the first module computes
// from an address stays inside that address's object. The split's output is checked again for
// constants in the moved ranges (the build stops). The map must be this link's: the module's data
// starts where it does, ends where it does, and has no byte that is not zero outside its objects;
// else nothing moves. tests/e2e/split.test.mjs shows the moved bytes
// zero until the second module comes, and the page answering meanwhile.
import fs from 'node:fs';

/** Data objects of .rodata and .data (start, size), from wasm-ld's `--Map` file. */
export function mapObjects(text) {
  const objects = [];
  const sections = {};
  let section = null;
  for (const line of text.split('\n')) {
    const m = /^\s*([0-9a-f]+|-)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, addr, , size, rest] = m;
    const name = rest.trim();
    if (addr === '-') { section = null; continue; }
    if (/^\.(rodata|data|bss)$/.test(name)) { section = name; sections[name] = { start: parseInt(addr, 16), size: parseInt(size, 16) }; continue; }
    if (section && section !== '.bss' && name.includes(':(')) objects.push({ start: parseInt(addr, 16), size: parseInt(size, 16) });
  }
  objects.sort((a, b) => a.start - b.start);
  return { objects, sections };
}

/** Values in `text` that may be addresses: i32 constants, i64 constants' halves, memargs' offsets. */
function constants(text, into) {
  for (const m of text.matchAll(/(?:i32\.const |offset=)(-?\d+)/g)) into.push(Number(m[1]) >>> 0);
  for (const m of text.matchAll(/i64\.const (-?\d+)/g)) {
    const v = BigInt.asUintN(64, BigInt(m[1]));
    into.push(Number(v & 0xffffffffn), Number(v >> 32n));
  }
  return into;
}

const DATA = /^ \(data (?:\$\S+ )?\(i32\.const (\d+)\) "((?:[^"\\]|\\.)*)"\)$/;

function decode(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') { out.push(...Buffer.from(s[i], 'utf8')); continue; }
    const h = s.slice(i + 1, i + 3);
    if (/^[0-9a-f]{2}$/i.test(h)) { out.push(parseInt(h, 16)); i += 2; continue; }
    const c = s[i + 1];
    const esc = { n: 10, t: 9, r: 13, '"': 34, "'": 39, '\\': 92 }[c];
    if (esc === undefined) throw new Error(`an escape binaryen's text form does not write: \\${c}`);
    out.push(esc);
    i += 1;
  }
  return Buffer.from(out);
}

const encode = (b) => Array.from(b, (x) => (x >= 0x20 && x < 0x7f && x !== 0x22 && x !== 0x5c ? String.fromCharCode(x) : `\\${x.toString(16).padStart(2, '0')}`)).join('');

/**
 * Moves the data objects only code outside `kept` can reach out of the module's text form
 * `wat` (binaryen's, one defined function per ` (func ` line, `count` of them). Returns the new
 * text, the moved ranges with their bytes, and a line for the log; or null when the map does not
 * fit the module (then nothing moves).
 */
export function moveData(wat, kept, count, mapText) {
  const lines = wat.split('\n');
  const segments = [];
  const rest = [];
  for (const line of lines) {
    const m = DATA.exec(line);
    if (m) segments.push({ start: Number(m[1]), bytes: decode(m[2]) });
    else if (line.startsWith(' (data ')) throw new Error(`a data segment split-data.mjs cannot read: ${line.slice(0, 80)}`);
    else rest.push(line);
  }
  const { objects, sections } = mapObjects(mapText);
  const lo = Math.min(...segments.map((s) => s.start));
  const hi = Math.max(...segments.map((s) => s.start + s.bytes.length));
  const end = sections['.data'] ? sections['.data'].start + sections['.data'].size : 0;
  // The map is this module's: its data starts where the module's does and ends past the module's
  // last non-zero byte by less than an alignment, and its objects do not overlap.
  const fits = sections['.rodata'] && sections['.rodata'].start === lo && hi <= end && end - hi < 16 && objects.length > 0
    && objects.every((o, i) => i === 0 || objects[i - 1].start + objects[i - 1].size <= o.start);
  if (!fits) return null;
  const image = Buffer.alloc(end - lo);
  for (const s of segments) s.bytes.copy(image, s.start - lo);
  // And every byte of the module's data that is not zero lies in one of the map's objects (what
  // lies between them is alignment): a map of another link (another profile, older code) fails.
  let covered = lo;
  for (const o of objects) {
    if (o.start < covered && o.size > 0) return null;
    if (!image.subarray(covered - lo, o.start - lo).every((x) => x === 0)) return null;
    covered = Math.max(covered, o.start + o.size);
  }
  if (!image.subarray(covered - lo).every((x) => x === 0)) return null;
  const starts = objects.map((o) => o.start);
  // The objects an address names: the one it is in, or ends (an end pointer).
  const named = (v, out) => {
    if (v < lo || v > end) return;
    let a = 0, b = objects.length - 1;
    while (a < b) { const m = (a + b + 1) >> 1; if (starts[m] <= v) a = m; else b = m - 1; }
    for (let i = Math.max(0, a - 1); i <= Math.min(objects.length - 1, a + 1); i++) {
      if (v >= objects[i].start && v <= objects[i].start + objects[i].size) out.push(i);
    }
  };
  const reach = (roots) => {
    const seen = new Set();
    const todo = [];
    const add = (v) => { const hit = []; named(v, hit); for (const i of hit) if (!seen.has(i)) { seen.add(i); todo.push(i); } };
    roots.forEach(add);
    while (todo.length) {
      const o = objects[todo.pop()];
      for (let p = Math.ceil(o.start / 4) * 4; p + 4 <= o.start + o.size; p += 4) add(image.readUInt32LE(p - lo));
    }
    return seen;
  };
  // The module's text: its header (imports, globals, tables, exports; the data taken out
  // above), then one defined function a ` (func ` line, in index order.
  const chunks = rest.join('\n').split('\n (func ');
  if (chunks.length - 1 !== count) throw new Error(`split-data.mjs found ${chunks.length - 1} functions, not ${count}`);
  const first = constants(chunks[0], []);
  const second = [];
  chunks.slice(1).forEach((c, i) => constants(c, kept.has(i) ? first : second));
  const inFirst = reach(first);
  const moved = [...reach(second)].filter((i) => !inFirst.has(i)).sort((a, b) => a - b);
  // Moved objects side by side (no object between them, only zeros of alignment) make one range.
  const ranges = [];
  let prev = -2;
  for (const i of moved) {
    const o = objects[i];
    const last = ranges[ranges.length - 1];
    if (i === prev + 1 && image.subarray(last.end - lo, o.start - lo).every((x) => x === 0)) last.end = o.start + o.size;
    else ranges.push({ start: o.start, end: o.start + o.size });
    prev = i;
  }
  const movedBytes = ranges.map((r) => ({ start: r.start, bytes: Buffer.from(image.subarray(r.start - lo, r.end - lo)) }));
  for (const r of ranges) image.fill(0, r.start - lo, r.end - lo);
  // The first module's segments again: the moved ranges zero, a segment cut where a run of
  // zeros is long (a segment costs its header; a short run of zeros costs gzip next to nothing).
  const out = [];
  for (const s of segments) {
    const bytes = image.subarray(s.start - lo, s.start - lo + s.bytes.length);
    let at = 0;
    while (at < bytes.length) {
      while (at < bytes.length && bytes[at] === 0) at++;
      if (at >= bytes.length) break;
      let stop = at, zeros = 0;
      while (stop < bytes.length && zeros < 32) { zeros = bytes[stop] === 0 ? zeros + 1 : 0; stop++; }
      const piece = bytes.subarray(at, stop - zeros);
      out.push(` (data (i32.const ${s.start + at}) "${encode(piece)}")`);
      at = stop;
    }
  }
  const header = rest.indexOf(rest.find((l) => l.startsWith(' (func ')));
  const text = [...rest.slice(0, header), ...out, ...rest.slice(header)].join('\n');
  const total = movedBytes.reduce((a, r) => a + r.bytes.length, 0);
  return { text, moved: movedBytes, log: `${moved.length} of ${objects.length} data objects (${total} B) carried by the second module` };
}

/** A cursor over a wasm module's bytes (a Buffer): LEB128 numbers, names, and its sections. */
export function wasmReader(bytes) {
  const r = {
    at: 8,
    leb() { let v = 0, s = 0, b; do { b = bytes[r.at++]; v += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return v; },
    sleb() { let v = 0, s = 0, b; do { b = bytes[r.at++]; v |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return s < 32 && (b & 0x40) ? v | (-1 << s) : v; },
    text() { const n = r.leb(); const t = bytes.subarray(r.at, r.at + n).toString('utf8'); r.at += n; return t; },
    /** `visit(id, end)` for each section in order, the cursor at its content; then past it. */
    sections(visit) {
      while (r.at < bytes.length) { const id = bytes[r.at++]; const end = r.leb() + r.at; visit(id, end); r.at = end; }
    },
  };
  return r;
}


const encodeLeb = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const encodeSleb = (n) => { const out = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; } out.push(b | 0x80); } };

/** `module` with a data section of `moved` (active segments of memory 0) after its code section. */
export function addData(module, moved) {
  let code = -1;
  wasmReader(module).sections((id, end) => {
    if (id === 11 || id === 12) throw new Error('the second module has data of its own');
    if (id === 10) code = end;
  });
  if (code < 0) throw new Error('the second module has no code section');
  const body = [...encodeLeb(moved.length)];
  for (const m of moved) body.push(0, 0x41, ...encodeSleb(m.start | 0), 0x0b, ...encodeLeb(m.bytes.length), ...m.bytes);
  const section = Buffer.from([11, ...encodeLeb(body.length), ...body]);
  return Buffer.concat([module.subarray(0, code), section, module.subarray(code)]);
}

/** What `addData` wrote: each active segment's address and bytes. */
export function dataSegments(module) {
  const out = [];
  const r = wasmReader(module);
  r.sections((id) => {
    if (id !== 11) return;
    for (let n = r.leb(); n > 0; n--) {
      if (module[r.at++] !== 0 || module[r.at++] !== 0x41) throw new Error('not an active segment of memory 0 at an i32.const');
      const start = r.sleb() >>> 0;
      if (module[r.at++] !== 0x0b) throw new Error('a segment\'s offset is not one i32.const');
      const len = r.leb();
      out.push({ start, bytes: module.subarray(r.at, r.at + len) });
      r.at += len;
    }
  });
  return out;
}

/** Throws if the code of `wat` (a module's text form) names an address in a moved range. */
export function checkUnreached(wat, moved) {
  const code = wat.split('\n').filter((l) => !l.startsWith(' (data ')).join('\n');
  for (const v of constants(code, [])) {
    const hit = moved.find((m) => v >= m.start && v <= m.start + m.bytes.length);
    if (hit) throw new Error(`the first module names ${v}, in the data moved to the second module at ${hit.start}`);
  }
}

export const readMap = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);
