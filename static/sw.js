// The service worker: keeps the page's files so that a second visit starts from them at once
// and the page works with the network off. scripts/postbuild.mjs writes the build's file list
// (the hashed names Trunk gave) and a version from their contents into dist/sw.js; a new build
// is a new worker with a new cache, and the old cache goes when the old worker's pages are
// closed (no skipWaiting: a page never mixes one build's files with another's).
// Navigations to the page (any query) get the kept index.html; the lessons, fetched when opened, come from the network
// and are kept as they come, for a visit offline. Tested in tests/e2e/load.test.mjs.
// What a reader of the page does not need at once (LATER: the page's second wasm module, which a
// reader who only reads never fetches, static/first.js; the embed's page and script; the demo
// posts) is not taken at install. It is kept once fetched (through the worker, or, for the second
// module, before the worker ran: the page then asks for it to be kept), and taken over from the
// last build's cache when it did not change. Tested in tests/e2e/intent.test.mjs.
const VERSION = 'VERSION';
const FILES = [];
const LATER = [];
const CACHE = `kubelab-${VERSION}`;
const LESSONS = 'kubelab-lessons';
const scope = new URL(self.registration.scope);
const kept = new Set(FILES.map((f) => new URL(f, scope).href));
const later = new Set(LATER.map((f) => new URL(f, scope).href));

// A file whose name carries its hash may come from the browser's HTTP cache (the page has just
// loaded it); the others (index.html, first.js) are asked of the host again, so that a new
// worker never keeps an old page.
const hashed = (f) => /-[0-9a-f]{12,16}(_bg)?\.[a-z]+$/.test(f);
// The page (with no query) and its files are also kept under the page's own address, and the
// browser is told to take them from this cache itself (the static routing API, Chromium 123 on):
// a visit then waits for no worker to start and no script to run before the page's bytes. The
// routes are this worker's, with this build's cache; a request the cache lacks goes to the
// network; where the API is missing, the fetch handler below does the same.
function routes(event) {
  if (!event.addRoutes || typeof URLPattern === 'undefined') return Promise.resolve();
  const exact = (pathname) => ({ urlPattern: new URLPattern({ pathname, search: '', baseURL: scope.href }) });
  const paths = [scope.pathname, ...FILES.map((f) => new URL(f, scope).pathname)];
  return Promise.resolve(event.addRoutes(paths.map((p) => ({
    condition: { ...exact(p), requestMethod: 'GET' },
    source: { cacheName: CACHE },
  })))).catch(() => { /* the fetch handler answers */ });
}

self.addEventListener('install', (event) => {
  const requests = FILES.map((f) => new Request(f, { cache: hashed(f) ? 'default' : 'no-cache' }));
  event.waitUntil(Promise.all([routes(event), caches.open(CACHE).then(async (cache) => {
    await Promise.all([cache.addAll(requests),
      ...[...later].map((url) => caches.match(url).then((old) => old && cache.put(url, old)))]);
    const index = await cache.match(new URL('index.html', scope).href);
    if (index) await cache.put(scope.href, index);
  })]));
});

/** The second module, from the cache, else from the network and then kept. */
async function keepLater(url, request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(url);
  if (hit) return hit;
  const response = await fetch(request || new Request(url, { cache: 'default' }));
  if (response.ok) await cache.put(url, response.clone());
  return response;
}

self.addEventListener('message', (event) => {
  const url = event.data && event.data.kubelab === 'keep' && event.data.url;
  if (typeof url === 'string' && later.has(url)) event.waitUntil(keepLater(url).then(() => {}, () => {}));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith('kubelab-') && k !== CACHE && k !== LESSONS).map((k) => caches.delete(k)),
  )));
});

async function lesson(request) {
  const cache = await caches.open(LESSONS);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (err) {
    const old = await cache.match(request);
    if (old) return old;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const page = url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`;
  if (request.mode === 'navigate' && page) {
    const index = new URL('index.html', scope).href;
    event.respondWith(caches.open(CACHE).then((c) => c.match(index)).then((hit) => hit || fetch(request)));
  } else if (kept.has(url.origin + url.pathname)) {
    event.respondWith(caches.open(CACHE).then((c) => c.match(url.origin + url.pathname)).then((hit) => hit || fetch(request)));
  } else if (later.has(url.origin + url.pathname)) {
    event.respondWith(keepLater(url.origin + url.pathname, request));
  } else if (url.pathname.startsWith(`${scope.pathname}lessons/`)) {
    event.respondWith(lesson(request));
  }
});
