// The page's wasm in two modules (issue 15's first answer): a first
// module with the functions the page calls to start and to answer its first lines, and a second
// one, fetched by first.js once the first has arrived and the reader engages, with everything else. Run by
// scripts/postbuild.mjs on the folder Trunk built, whose wasm is wasm-bindgen's output (index.html
// turns Trunk's wasm-opt off: this runs it, so that it can keep function names until the split).
//
// 1. wasm-opt with index.html's `data-wasm-opt-params`, after `--no-inline` for the functions that
//    dispatch to every command and every controller (binaryen inlines a function with one caller,
//    so kubectl's dispatcher would hold all of kubectl's commands, and the model's loop every
//    controller: one function either needed at once or not at all), with names kept;
// 2. the functions to keep in the first module: scripts/split-keep.txt, the names of those the
//    page called to start, answer `kubectl get pods` and run the first lesson's first step
//    (written by scripts/split-profile.mjs from a browser run of an instrumented build). A name
//    whose hash changed (a new compiler, a dependency) is matched without it when that is
//    unambiguous; a function the list does not name goes to the second module;
// 3. binaryen's wasm-split (Debian's binaryen 108: npm's binaryen has no wasm-split) makes the two
//    modules: a call from the first into the second goes through the function table, whose slot
//    holds a placeholder import until the second module's instantiation fills it. Binaryen 108
//    reads no `table.fill` (wasm-bindgen writes two, of one element each: rewritten as
//    `table.set`) and writes the export of wasm-bindgen's externref table as table 0 (patched);
// 3b. the data objects only the second module's code can reach (by the link's map, build.rs) are
//    carried by the second module, written when it is instantiated (scripts/split-data.mjs);
// 4. the glue (wasm-bindgen's JS) gets the placeholders' import namespace and hands the first
//    module's exports to first.js before the module starts; index.html's first.js tag names the
//    second module (`data-more`).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { moveData, addData, checkUnreached, readMap, wasmReader } from './split-data.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..');
const FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-reference-types', '--enable-multivalue', '--enable-mutable-globals'];
// Functions that would otherwise be inlined into one dispatcher holding every command or
// every controller (see above); a pattern is binaryen's (`*` any run of characters).
export const NO_INLINE = ['*kubectl::get::run*', '*kubectl::describe::run*', '*kubectl::stages::run*',
  '*controllers::*::sync::*', '*kubelet::admit::sync*', '*volumes::sync_pv*', '*scheduler::sync::*',
  '*kubelet::on_step*', '*volumes::on_*',
  // kubectl's parsers, one a command (the dispatcher would hold them all), the rows of each kind
  // (`get pods` prints pods), the page's editor and pane actions, kubectl's usage text.
  '*kubectl::*::parse_*', '*kubectl::tables::*_row*', '*lab::page::*on_*', '*kubectl::not_a_modelled_command*',
  '*kubectl::usage*',
  // The kubelet's steps a starting cluster does not take (a pod stopping, restarting, an init
  // container, a failed pull, a liveness probe), a StatefulSet's scale-down, burst and update,
  // the scheduler's failure, the page's header and timeline actions.
  '*sim::kubelet::terminate::*', '*sim::kubelet::restart::*', '*sim::kubelet::init::*', '*kubelet::pull::failed*',
  '*kubelet::pull::back_off*', '*kubelet::probe::liveness*', '*kubelet::process::resume*',
  '*statefulset::process_burst*', '*statefulset::process_condemned*', '*statefulset::rolling_update*',
  '*statefulset::claims_follow_pod*', '*scheduler::fail*', '*lab::page::Page::handle_page*'];
/** The second module's file name in the built site (`kubelab-web-more-HASH_bg.wasm`). */
export const SECOND_MODULE = /-more-[0-9a-f]{16}_bg\.wasm$/;
// Functions of at most this many bytes are all kept in the first module (see below).
const KEEP_SMALL = Number(process.env.KUBELAB_SPLIT_SMALL ?? 64);
const WASM_SPLIT = process.env.KUBELAB_WASM_SPLIT || path.join(root, 'scripts/node/binaryen-108/usr/bin/wasm-split');

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });

/** Defined functions' names, in order, from a module's name section, with which are exported,
 *  their bodies' sizes and bytes, and the data section's bytes (scripts/size-parts.mjs). */
export function functionNames(bytes) {
  const r = wasmReader(bytes);
  let imported = 0, defined = 0;
  const names = new Map();
  const exported = new Set();
  const sizes = [];
  const bodies = [];
  const data = [];
  let named = 0;
  r.sections((id, end) => {
    if (id === 2) {
      for (let n = r.leb(); n > 0; n--) {
        r.text(); r.text();
        const kind = bytes[r.at++];
        if (kind === 0) { r.leb(); imported++; } else if (kind === 1) { r.at++; const f = r.leb(); r.leb(); if (f & 1) r.leb(); } else if (kind === 2) { const f = r.leb(); r.leb(); if (f & 1) r.leb(); } else if (kind === 3) { r.at += 2; } else throw new Error(`import kind ${kind}`);
      }
    } else if (id === 3) {
      defined = r.leb();
    } else if (id === 7) {
      for (let n = r.leb(); n > 0; n--) { r.text(); const kind = bytes[r.at++]; const i = r.leb(); if (kind === 0 && i >= imported) exported.add(i - imported); }
    } else if (id === 10) {
      for (let n = r.leb(); n > 0; n--) { const len = r.leb(); sizes.push(len); bodies.push(bytes.subarray(r.at, r.at + len)); r.at += len; }
    } else if (id === 11) {
      data.push(bytes.subarray(r.at, end));
    } else if (id === 0 && r.text() === 'name') {
      while (r.at < end) {
        const sub = bytes[r.at++];
        const subEnd = r.leb() + r.at;
        if (sub === 1) for (let n = r.leb(); n > 0; n--) { const i = r.leb(); names.set(i, r.text()); named++; }
        r.at = subEnd;
      }
    }
  });
  // Binaryen names a function the section does not name by its index among the defined ones.
  const list = Array.from({ length: defined }, (_, i) => names.get(imported + i) ?? String(i));
  return Object.assign(list, { exported, sizes, bodies, data, named });
}

const strip = (n) => n.replace(/::h[0-9a-f]{16}$/, '');

/** Indexes of the defined functions to keep in the first module. */
export function keptIndexes(names, keep) {
  const byName = new Map(names.map((n, i) => [n, i]));
  const byStripped = new Map();
  names.forEach((n, i) => { const s = strip(n); byStripped.set(s, [...(byStripped.get(s) || []), i]); });
  const kept = new Set();
  let exact = 0, stripped = 0, lost = 0;
  for (const k of keep) {
    if (byName.has(k)) { kept.add(byName.get(k)); exact++; continue; }
    const same = byStripped.get(strip(k)) || [];
    if (same.length === 1) { kept.add(same[0]); stripped++; } else lost++;
  }
  return { kept, exact, stripped, lost };
}

/** The export of the externref table as binaryen 108 writes it (table 0) pointed back at it. */
export function fixExternrefExport(b) {
  let p = 8;
  const leb = () => { let r = 0, s = 0, c; do { c = b[p++]; r |= (c & 0x7f) << s; s += 7; } while (c & 0x80); return r >>> 0; };
  let importedTables = 0, ext = -1, fixed = false;
  while (p < b.length) {
    const id = b[p++]; const size = leb(); const end = p + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (let k = 0; k < 2; k++) { const l = leb(); p += l; }
        const kind = b[p++];
        if (kind === 0) leb(); else if (kind === 1) { importedTables++; p++; const f = b[p++]; leb(); if (f & 1) leb(); } else if (kind === 2) { const f = b[p++]; leb(); if (f & 1) leb(); } else if (kind === 3) p += 2; else throw new Error(`import kind ${kind}`);
      }
    } else if (id === 4) {
      for (let n = leb(), i = 0; i < n; i++) { const type = b[p++]; const f = b[p++]; leb(); if (f & 1) leb(); if (type === 0x6f) ext = importedTables + i; }
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb(); const name = b.toString('utf8', p, p + len); p += len;
        const kind = b[p++]; const at = p; const idx = leb();
        if (kind === 1 && name === '__wbindgen_externrefs' && idx !== ext) {
          if (p - at !== 1 || ext < 0 || ext > 127) throw new Error('cannot patch the externref table export');
          b[at] = ext;
          fixed = true;
        }
      }
    }
    p = end;
  }
  return fixed;
}

/**
 * Optimizes `dir`'s wasm-bindgen output and, unless KUBELAB_SPLIT=0, splits it. Returns the
 * second module's file name (or null) and a line for the build's log.
 */
export function optimizeAndSplit(dir) {
  const wasmName = fs.readdirSync(dir).find((f) => f.endsWith('_bg.wasm') && !f.includes('-more-'));
  const jsName = wasmName.replace(/_bg\.wasm$/, '.js');
  const wasm = path.join(dir, wasmName);
  const index = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  // Trunk's link is gone from the built page: the parameters are read from the source.
  const params = (fs.readFileSync(path.join(root, 'index.html'), 'utf8').match(/data-wasm-opt-params="([^"]*)"/) || [])[1];
  if (params === undefined) throw new Error('index.html has no data-wasm-opt-params');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelab-split-'));
  try {
    const named = path.join(tmp, 'named.wasm');
    const noInline = NO_INLINE.map((p) => `--no-inline=${p}`);
    // Without Debian's wasm-split (scripts/setup unpacks it) the page is built whole, as before.
    const missing = !fs.existsSync(WASM_SPLIT);
    if (missing && process.env.KUBELAB_SPLIT && process.env.KUBELAB_SPLIT !== '0') throw new Error(`no wasm-split at ${WASM_SPLIT}: run scripts/setup`);
    if (missing) console.warn(`postbuild: no wasm-split at ${WASM_SPLIT} (scripts/setup unpacks it): the wasm is not split`);
    const split = process.env.KUBELAB_SPLIT !== '0' && !missing;
    run('wasm-opt', [...noInline, '-Oz', ...params.split(/\s+/).filter(Boolean), ...(split ? ['-g'] : []), ...FEATURES, wasm, '-o', split ? named : wasm]);
    if (!split) return { more: null, log: `wasm-opt: ${fs.statSync(wasm).size} B, not split` };

    const names = functionNames(fs.readFileSync(named));
    const keep = fs.readFileSync(path.join(root, 'scripts/split-keep.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const { kept, exact, stripped, lost } = keptIndexes(names, keep);
    // Beside the list: the module's exports (the glue calls them: `__wbindgen_free` after a
    // string came back, a closure's shim on an event), and every small function (drop glue, a
    // getter: which of them runs early depends on timing, as when yew drops a render it no
    // longer needs on a slow phone; they cost little).
    let small = 0;
    names.exported.forEach((i) => kept.add(i));
    names.sizes.forEach((len, i) => { if (len <= KEEP_SMALL && !kept.has(i)) { kept.add(i); small++; } });
    // Binaryen 108 reads no table.fill: wasm-bindgen's are of one element (a table.set).
    const wat = path.join(tmp, 'named.wat');
    run('wasm-dis', ['--all-features', named, '-o', wat]);
    let text = fs.readFileSync(wat, 'utf8');
    text = text.replace(/\(table\.fill \$__wbindgen_externrefs\s*\(local\.get \$(\d+)\)\s*\(ref\.null noextern\)\s*\(i32\.const 1\)\s*\)/g, '(table.set $__wbindgen_externrefs (local.get $$$1) (ref.null noextern))');
    if (text.includes('table.fill')) throw new Error('a table.fill binaryen 108 cannot read');
    fs.writeFileSync(wat, text);
    const plain = path.join(tmp, 'plain.wasm');
    run('wasm-as', [...FEATURES, wat, '-o', plain]);
    if (process.env.KUBELAB_SPLIT === 'instrument') {
      // For scripts/split-profile.mjs: the whole module, counting the functions it calls.
      run(WASM_SPLIT, ['--instrument', ...FEATURES, plain, '-o', wasm]);
      const instrumented = fs.readFileSync(wasm);
      fixExternrefExport(instrumented);
      fs.writeFileSync(wasm, instrumented);
      fs.writeFileSync(path.join(dir, 'split-names.json'), JSON.stringify(names));
      return { more: null, log: `instrumented for scripts/split-profile.mjs: ${names.length} functions` };
    }
    // For a study of what the first module keeps (its names are gone after the split):
    // KUBELAB_SPLIT_DEBUG=dir keeps the named module and the kept functions' indexes there.
    if (process.env.KUBELAB_SPLIT_DEBUG) {
      fs.mkdirSync(process.env.KUBELAB_SPLIT_DEBUG, { recursive: true });
      fs.copyFileSync(named, path.join(process.env.KUBELAB_SPLIT_DEBUG, 'named.wasm'));
      fs.writeFileSync(path.join(process.env.KUBELAB_SPLIT_DEBUG, 'kept.json'), JSON.stringify([...kept]));
    }
    // The data objects only the second module's code reaches go with it (scripts/split-data.mjs),
    // by the link's map of them (build.rs); without a map that fits, all data stays in the first.
    let moved = null, dataLog = 'all data in the first module';
    const map = process.env.KUBELAB_SPLIT_DATA === '0' ? null : readMap(path.join(root, 'target/kubelab-web.map'));
    const r = map && moveData(text, kept, names.length, map);
    if (r) {
      ({ moved, log: dataLog } = r);
      fs.writeFileSync(wat, r.text);
      run('wasm-as', [...FEATURES, wat, '-o', plain]);
    } else if (map) console.warn('postbuild: target/kubelab-web.map is not this module\'s: all data stays in the first module');
    const keepFile = path.join(tmp, 'keep.txt');
    fs.writeFileSync(keepFile, [...kept].sort((a, b) => a - b).join('\n'));
    const one = path.join(tmp, 'one.wasm'), two = path.join(tmp, 'two.wasm');
    run(WASM_SPLIT, [...FEATURES, plain, '--keep-funcs', `@${keepFile}`, '-o1', one, '-o2', two]);
    const first = fs.readFileSync(one);
    fixExternrefExport(first);
    let second = fs.readFileSync(two);
    if (moved) {
      second = addData(second, moved);
      const oneWat = path.join(tmp, 'one.wat');
      run('wasm-dis', ['--all-features', one, '-o', oneWat]);
      checkUnreached(fs.readFileSync(oneWat, 'utf8'), moved);
    }
    const more = wasmName.replace(/-[0-9a-f]{1,16}_bg\.wasm$/, `-more-${crypto.createHash('sha256').update(second).digest('hex').slice(0, 16)}_bg.wasm`);
    if (more === wasmName) throw new Error(`unexpected module name ${wasmName}`);
    fs.writeFileSync(wasm, first);
    fs.writeFileSync(path.join(dir, more), second);

    // The glue: the placeholders' namespace (first.js's), and the first module's exports handed
    // to first.js before its start function runs (a placeholder may be called from it).
    const jsFile = path.join(dir, jsName);
    let js = fs.readFileSync(jsFile, 'utf8');
    const patches = [
      ['"./kubelab-web_bg.js": import0,', '"./kubelab-web_bg.js": import0,\n        placeholder: globalThis.__kubelabSplit.placeholders,'],
      ['    wasm = instance.exports;\n', '    wasm = instance.exports;\n    globalThis.__kubelabSplit.started(instance.exports);\n'],
    ];
    for (const [from, to] of patches) {
      if (js.split(from).length !== 2) throw new Error(`the glue ${jsName} has no single ${JSON.stringify(from)}`);
      js = js.replace(from, () => to);
    }
    fs.writeFileSync(jsFile, js);
    const tag = /(<script src="[^"]*first\.js")/;
    if (!tag.test(index)) throw new Error('index.html has no first.js tag');
    fs.writeFileSync(path.join(dir, 'index.html'), index.replace(tag, (m) => `${m} data-more="./${more}"`));
    return {
      more,
      log: `split: ${kept.size} of ${names.length} functions kept (${exact} by name, ${stripped} by name without hash, ${lost} names of the list not found, ${small} small ones); first module ${first.length} B, second ${second.length} B (${more}); ${dataLog}`,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
