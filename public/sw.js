// Proofline's service worker: keeps the app shell (the index page and the
// hashed files it names) so the app opens with the studio's server down or no
// network at all. It never touches API responses or photos: those are not
// same-origin static files (photos come from the object store, and the app
// keeps them itself in IndexedDB, keyed by content hash).
'use strict';

const SHELL = 'proofline-shell-v1';
const scope = new URL(self.registration.scope);
const indexUrl = new URL('./', scope).href;
const apiPrefix = new URL('./api/', scope).href;
// The studio's app: the server's STUDIO_APP_PATH (proofline_core::route).
const studioPrefix = new URL('./studio/', scope).href;
const NAVIGATION_TIMEOUT_MS = 3000;

// Same-origin files an index page refers to: Trunk's hashed JS, wasm and CSS,
// plus the web app manifest and icons.
function assetsOf(html) {
  const found = new Set();
  const re = /(?:href|src|from|module_or_path:)\s*=?\s*["']([^"']+\.(?:js|wasm|css|webmanifest|png|svg|ico))["']/g;
  for (const m of html.matchAll(re)) {
    const url = new URL(m[1], indexUrl);
    if (url.origin === scope.origin) found.add(url.href);
  }
  return [...found];
}

// Whether a file is named by its content (Trunk's `name-<hex>.js`, `_bg.wasm`
// and `.css`; the studio's brand files, `brand/logo-<hex>.png`): it never
// changes under its name. The rest (the web app manifest, icons) may: a
// studio's new name or logo must reach an installed app.
function contentNamed(url) {
  return /-[0-9a-f]{8,16}(?:_bg)?\.[a-z]+$/.test(new URL(url).pathname);
}

// Stores `index` (a Response) and every asset it names; drops assets no
// longer named (the previous build's hashed files).
async function keepShell(cache, index) {
  const html = await index.clone().text();
  const assets = assetsOf(html);
  await Promise.all(
    assets.map(async (url) => {
      if (contentNamed(url) && (await cache.match(url))) return; // never changes
      const res = await fetch(url, { cache: 'no-cache' });
      if (res.ok) await cache.put(url, res);
    }),
  );
  await cache.put(indexUrl, index);
  const keep = new Set([indexUrl, ...assets]);
  for (const req of await cache.keys()) {
    if (!keep.has(req.url)) await cache.delete(req);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const index = await fetch(indexUrl, { cache: 'no-store' });
      if (index.ok) await keepShell(cache, index);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('proofline-shell-') && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function withTimeout(promise, ms) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms)),
  ]);
}

// The {{…}} words are the catalogue's (crates/core/locales), written in by
// `cargo xtask build-client`.
const OFFLINE_PAGE = `<!DOCTYPE html><html lang="{{lang}}"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{offline-page-title}}</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:20vh auto;padding:0 1.5rem;text-align:center">
<h1>{{offline-page-title}}</h1><p>{{offline-page-text}}</p>`;

// Pages: the network first (a new build shows at once), the saved shell when
// the network fails or is too slow, or when the server is down behind a
// proxy (which answers 502, 503 or 504 for it).
async function navigate(request) {
  const cache = await caches.open(SHELL);
  try {
    // (A navigate-mode Request cannot be re-issued with options: fetch its URL.)
    const res = await withTimeout(fetch(request.url, { cache: 'no-store' }), NAVIGATION_TIMEOUT_MS);
    const type = res.headers.get('content-type') || '';
    if (res.ok && type.includes('text/html')) {
      // Keep the newest shell, without delaying the page.
      keepShell(cache, res.clone()).catch(() => {});
    }
    if (res.status >= 500) {
      const saved = await cache.match(indexUrl);
      if (saved) return saved;
    }
    return res;
  } catch {
    const saved = await cache.match(indexUrl);
    return (
      saved ||
      new Response(OFFLINE_PAGE, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } })
    );
  }
}

// Content-named files: the cache first (they never change), else the
// network. Others: the network first, the saved copy when it fails.
async function asset(request) {
  const cache = await caches.open(SHELL);
  const saved = await cache.match(request);
  if (saved && contentNamed(request.url)) return saved;
  try {
    const res = await fetch(request);
    if (res.ok && res.type === 'basic') cache.put(request, res.clone()).catch(() => {});
    if (res.status >= 500 && saved) return saved;
    return res;
  } catch (e) {
    if (saved) return saved;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || request.headers.has('range')) return;
  const url = new URL(request.url);
  // Never API answers, never another origin (signed photo URLs), never itself.
  if (url.origin !== scope.origin || request.url.startsWith(apiPrefix)) return;
  if (url.pathname.endsWith('/sw.js')) return;
  // Nor the studio's app (its own bundle, under studio/): it reads live
  // answers, and must never be given the customer's saved page instead.
  if (request.url.startsWith(studioPrefix)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
  } else if (/\.(js|wasm|css|webmanifest|png|svg|ico)$/.test(url.pathname)) {
    event.respondWith(asset(request));
  }
});
