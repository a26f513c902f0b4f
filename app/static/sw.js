// Waymark's service worker: keeps the app shell of one version so the app starts with
// no network. The build fills in VERSION (the content hash of the assets) and PRECACHE.
// /api is never cached: the data lives in the app's own storage and syncs separately.
const VERSION = '{{VERSION}}';
const CACHE = 'waymark-shell-' + VERSION;
const PRECACHE = [{{PRECACHE}}];

self.addEventListener('install', (event) => {
  // No skipWaiting here: the page offers "new version available — reload" so that a
  // trainee mid-sentence is never switched under their feet.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith('waymark-shell-') && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'activate-new-version') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz' || url.pathname === '/metrics') return;
  // Every page of the app is the same shell; its router shows the right screen.
  const key = request.mode === 'navigate' ? '/' : request;
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(key))
      .then((cached) => cached || fetch(request)),
  );
});
