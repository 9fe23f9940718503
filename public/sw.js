// Carnet's service worker: keeps the app shell of one build in a cache named after that build,
// serves it with no network, and lets the page decide when a newer build takes over.
//
// The build stamp below is replaced at build time (client/stamp_service_worker.sh), so every build
// yields a byte-different worker and the browser installs it as an update.
const BUILD = "__BUILD_ID__";
const CACHE = `carnet-shell-${BUILD}`;
const STATIC_SHELL = [
  "/",
  "/index.html",
  "/pwa.js",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  // The workspace worker (not named in index.html: the page starts it; Trunk does not hash
  // worker files, and this cache is per build).
  "/carnet-worker_loader.js",
  "/carnet-worker.js",
  "/carnet-worker_bg.wasm",
  // Every page but the first screen's, loaded on demand by the UI module (not named in
  // index.html either; `xtask/src/split.rs` writes them).
  "/__PAGES_FOLDER__/pages.js",
  "/__PAGES_FOLDER__/split_pages.wasm",
];
// Requests the worker never answers from the cache: the API and the sync socket.
const NETWORK_ONLY = ["/api/", "/sync"];

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
  // No skipWaiting here: an updated worker waits until the page asks (see "skip-waiting"), so the
  // code is never swapped under a rep who is typing. The very first install has no page to
  // disturb and takes control in "activate".
});

async function precache() {
  const cache = await caches.open(CACHE);
  const response = await fetch("/index.html", { cache: "no-store" });
  if (!response.ok) throw new Error(`index.html answered ${response.status}`);
  const html = await response.clone().text();
  // Trunk writes the hashed wasm, JS and CSS as same-origin href/src attributes of index.html.
  // One set: Cache.addAll rejects a list that names the same request twice.
  const paths = new Set(STATIC_SHELL);
  for (const match of html.matchAll(/(?:href|src)="(\/[^"#?]+)"/g)) paths.add(match[1]);
  paths.delete("/index.html");
  await cache.put("/index.html", response);
  await cache.addAll([...paths]);
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("carnet-shell-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    // Every app route is the same shell: answer at once from this build's cache.
    event.respondWith(fromCache("/index.html", request));
    return;
  }
  event.respondWith(fromCache(request, request));
});

async function fromCache(key, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  return fetch(request);
}
