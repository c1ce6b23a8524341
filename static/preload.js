// The module's files asked for from the head, before the rest of the page is parsed, on a visit
// from the network: its download decides when the lab can answer. On a visit that the service
// worker serves (static/sw.js) they are at hand, and static/first.js asks for them once the
// first view is on screen: a preload then would only take the main thread before the first
// paint (the wasm module's whole body is received there). scripts/postbuild.mjs puts this
// inline in index.html's head, where Trunk wrote the preload links, with those links as the
// markup it inserts, and its sha256 in the page's Content-Security-Policy.
if (!(navigator.serviceWorker && navigator.serviceWorker.controller)) document.head.insertAdjacentHTML('beforeend', LINKS);
