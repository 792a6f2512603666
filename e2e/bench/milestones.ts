// Load milestones shared by the grid benchmarks (scale.bench.ts,
// phone.bench.ts): the first thumbnail loaded (the preview's, which
// index.html shows on a first visit before the app runs, or the app's) and
// the moment the first tile would handle a click, from navigation start, recorded in the page itself;
// and the wasm instance's memory, kept for measuring.
import { Page } from '@playwright/test';

/** Installed before any of the page's scripts: records the load milestones in
 * `window.__scale`, and keeps the wasm instance's memory. */
export function recordMilestones() {
  const at: { firstTile?: number; interactive?: number; firstThumb?: number; memory?: WebAssembly.Memory } = {};
  (window as any).__scale = at;
  const tiles = new MutationObserver(() => {
    if (!document.querySelector('.grid .tile')) return;
    tiles.disconnect();
    at.firstTile = performance.now();
    requestAnimationFrame(() => setTimeout(() => (at.interactive = performance.now()), 0));
  });
  tiles.observe(document, { childList: true, subtree: true });
  const loaded = (img: Element | null) =>
    img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0 && img.closest('.tile, .preview-grid') !== null;
  // Every image's load event (captured: it does not bubble), and a check each
  // frame of the first `.tile img` in case one was inserted already complete.
  document.addEventListener('load', (e) => {
    if (at.firstThumb === undefined && loaded(e.target as Element)) at.firstThumb = performance.now();
  }, true);
  const poll = () => {
    if (at.firstThumb !== undefined) return;
    if (loaded(document.querySelector('.tile img, .preview-grid img'))) at.firstThumb = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  const keep = (result: any) => {
    const instance = result?.instance ?? result;
    for (const v of Object.values(instance?.exports ?? {})) if (v instanceof WebAssembly.Memory) at.memory = v;
    return result;
  };
  const { instantiate, instantiateStreaming } = WebAssembly;
  (WebAssembly as any).instantiate = (...args: any[]) => (instantiate as any)(...args).then(keep);
  if (instantiateStreaming) (WebAssembly as any).instantiateStreaming = (...args: any[]) => (instantiateStreaming as any)(...args).then(keep);
}

/** Waits (in the page, up to `limitMs` after navigation start) for the first
 * thumbnail and interactivity; answers their times, or null past the limit. */
export async function loadMilestones(page: Page, limitMs: number) {
  return page.evaluate(
    (limitMs) =>
      new Promise<{ firstThumb: number; interactive: number } | null>((resolve) => {
        const check = () => {
          const at = (window as any).__scale;
          if (at.firstThumb !== undefined && at.interactive !== undefined) resolve({ firstThumb: at.firstThumb, interactive: at.interactive });
          else if (performance.now() > limitMs) resolve(null);
          else setTimeout(check, 50);
        };
        check();
      }),
    limitMs,
  );
}
