// The customer's key stories in Gecko and WebKit, as Chromium tells them in
// the other specs: open a link, look at a photo large, favourite it; keep
// working with the origin killed; save for offline and review with nothing
// reachable; select, comment and submit; a PIN link; a revoked link;
// failover to a second origin; the studio's brand, and a download-PIN link
// whose ZIP is built in the engine; a large gallery opened on its first
// screen, then whole. Debian's firefox-esr and WebKitGTK's
// MiniBrowser, driven through ./engines/driver.ts, against real servers. An
// iPhone runs WebKit whatever the browser.
import { test, expect, startStudio, startOrigins, createLink } from './fixtures';
import { ENGINES, EngineBrowser, launch, until } from './engines/driver';

const SAMPLE_COUNT = 12;
const RECEIVED = /^All choices received by the studio at \d\d:\d\d · receipt [0-9A-F]{4}-[0-9A-F]{4}$/;

interface Held {
  op_count: number;
  choices: { images: Record<string, { favourite?: { value: boolean }; selected?: { value: boolean } }> };
}

async function held(origin: string, gallery: string, token: string): Promise<Held> {
  const res = await fetch(`${origin}/api/galleries/${gallery}/choices`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

const favourites = (h: Held) => Object.values(h.choices.images).filter((c) => c.favourite?.value).length;
const selected = (h: Held) => Object.values(h.choices.images).filter((c) => c.selected?.value).length;

/** The names of the photos on the first screen, in grid order, once the
 * gallery's heading and tiles are up and the tiles have stayed the same for
 * 200 ms (the grid renders only the rows near the screen, and a tick after
 * its first tiles it may have laid out more of those). */
async function openGallery(b: EngineBrowser, title = 'Sample wedding'): Promise<string[]> {
  let last = '';
  for (;;) {
    const names = (await until(b, `the gallery "${title}" shows its tiles`, (t) => {
      const h1 = document.querySelector('h1')?.textContent;
      const tiles = [...document.querySelectorAll('.grid [aria-label^="Open "]')];
      return h1 === t && tiles.length > 0 && tiles.map((e) => e.getAttribute('aria-label')!.replace(/^Open /, ''));
    }, title)) as string[];
    if (names.join('\n') === last) return names;
    last = names.join('\n');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Scrolls through the grid a screen at a time and waits until every tile on
 * each screen shows decoded pixels; answers how many different photos it saw. */
async function thumbnailsSeen(b: EngineBrowser): Promise<number> {
  const seen = new Set<string>();
  await b.run(() => window.scrollTo(0, 0), null);
  for (;;) {
    const ids = await until(b, 'every tile on screen shows its thumbnail', () => {
      const on = [...document.querySelectorAll('.tile')].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
      });
      const decoded = (t: Element) => {
        const img = t.querySelector('img');
        return img !== null && img.complete && img.naturalWidth > 0;
      };
      return on.length > 0 && on.every(decoded) && on.map((t) => t.id);
    }, null);
    ids.forEach((id) => seen.add(id));
    const moved = await b.run(() => {
      const before = window.scrollY;
      window.scrollBy(0, window.innerHeight * 0.8);
      return window.scrollY !== before;
    }, null);
    if (!moved) return seen.size;
  }
}

/** The grid's last photo, once scrolled to the end. */
const lastPhoto = (b: EngineBrowser) =>
  b.run(() => {
    const tiles = document.querySelectorAll('.grid [aria-label^="Open "]');
    return tiles[tiles.length - 1]?.getAttribute('aria-label')?.replace(/^Open /, '') ?? 'no tile';
  }, null);

/** Opens photo `name` large and waits for the lightbox to show it decoded. */
async function lookAt(b: EngineBrowser, name: string, position: string) {
  await b.click(`[aria-label="Open ${name}"]`);
  await until(b, `the lightbox shows ${name} (${position})`, (pos) => {
    const dialog = document.querySelector('[role="dialog"]');
    const img = dialog?.querySelector<HTMLImageElement>('img.proof');
    return !!dialog && dialog.getAttribute('aria-label')!.endsWith(`(${pos})`) && !!img && img.complete && img.naturalWidth > 0;
  }, position);
  await b.escape();
  await until(b, 'the lightbox closes on Escape', () => document.querySelector('[role="dialog"]') === null, null);
}

const textOf = (b: EngineBrowser, css: string) => b.run((c) => document.querySelector(c)?.textContent ?? '', css);

function untilText(b: EngineBrowser, css: string, pattern: RegExp, timeout = 15_000): Promise<string> {
  return until(b, `${css} reads ${pattern}`, (c) => document.querySelector(c)?.textContent ?? '', css, timeout, (t) => pattern.test(t));
}

const pressed = (b: EngineBrowser, label: string) =>
  b.run((l) => document.querySelector(`.grid [aria-label="${l}"]`)?.getAttribute('aria-pressed'), label);

/** Waits until the service worker controls the page: the app shell is cached. */
const offlineShell = (b: EngineBrowser) =>
  until(b, 'the service worker controls the page', () => !!navigator.serviceWorker?.controller, null);

for (const engine of ENGINES) {
  test.describe(engine, () => {
    let b: EngineBrowser;
    test.beforeEach(async () => {
      test.setTimeout(150_000);
      b = await launch(engine);
    });
    test.afterEach(async () => {
      await b?.close();
    });

    test(`${engine}: a customer opens the link, looks at a photo large and favourites it; the studio has it`, async () => {
      const studio = await startStudio();
      try {
        await b.goto(studio.link);
        const names = await openGallery(b);
        expect(names.length).toBe(SAMPLE_COUNT);
        // A first visit: whether or not the preview of the first screen
        // came before the app, none is left over the app's page.
        expect(await b.run(() => [!!document.querySelector('#preview'), (window as any).__prooflineShown], null)).toEqual([false, true]);
        expect(await thumbnailsSeen(b)).toBe(SAMPLE_COUNT);
        await lookAt(b, names[2], `3 of ${SAMPLE_COUNT}`);

        await b.click(`[aria-label="Favourite ${names[0]}"]`);
        await untilText(b, '.outbox', RECEIVED);
        expect(await pressed(b, `Favourite ${names[0]}`)).toBe('true');
        const h = await held(studio.origin, studio.gallery, studio.token);
        expect([h.op_count, favourites(h)]).toEqual([1, 1]);
      } finally {
        await studio.stop();
      }
    });

    test(`${engine}: a 200-photo gallery opens on its first screen, then shows every photo; the device keeps them all`, async () => {
      const samples = process.env.PROOFLINE_SAMPLES_200;
      if (!samples) throw new Error('PROOFLINE_SAMPLES_200 is not set: run through `cargo xtask test`');
      const studio = await startStudio({ samples });
      // The grid scrolled to its end holds the 200th photo: the whole list.
      const everyPhoto = () =>
        until(b, 'the grid ends on the 200th photo', () => {
          window.scrollTo(0, document.documentElement.scrollHeight);
          return !!document.querySelector('.grid li[aria-posinset="200"]') && !document.querySelector('.more-coming');
        }, null);
      try {
        await b.goto(studio.link);
        await openGallery(b);
        await untilText(b, '.count', /^200 photos$/);
        await offlineShell(b);
        await everyPhoto();
        expect(await b.run(() => window.scrollY > 0, null)).toBe(true);

        await studio.killOrigin();
        await b.reload();
        await untilText(b, '.banner', /Studio server unreachable/);
        await everyPhoto();
      } finally {
        await studio.stop();
      }
    });

    test(`${engine}: with the origin killed, a reload opens the saved gallery and a choice waits, then reaches the studio once`, async () => {
      const studio = await startStudio();
      try {
        await b.goto(studio.link);
        const names = await openGallery(b);
        await offlineShell(b);
        expect(await thumbnailsSeen(b)).toBe(SAMPLE_COUNT);
        await studio.killOrigin();

        await b.reload();
        await untilText(b, '.banner', /Studio server unreachable/);
        expect(await thumbnailsSeen(b)).toBe(SAMPLE_COUNT);
        await b.click(`[aria-label="Select ${names[1]}"]`);
        await untilText(b, '.outbox', /^1 choice /);

        await studio.restartOrigin();
        await untilText(b, '.outbox', RECEIVED, 45_000);
        const h = await held(studio.origin, studio.gallery, studio.token);
        expect([h.op_count, selected(h)]).toEqual([1, 1]);
      } finally {
        await studio.stop();
      }
    });

    test(`${engine}: saved for offline, the gallery opens and is reviewed with the origin and the store gone (in Firefox, offline too)`, async () => {
      const studio = await startStudio();
      try {
        await b.goto(studio.link);
        const names = await openGallery(b);
        await offlineShell(b);
        await b.click({ button: 'Save for offline' });
        await b.click({ button: 'Save' });
        await untilText(b, '[aria-label="Save for offline"]', new RegExp(`Saved for offline: ${SAMPLE_COUNT} photos`), 60_000);
        await studio.killOrigin();
        await studio.killStore();

        await b.reload();
        await untilText(b, '.banner', /showing the copy saved on this device/);
        expect(await thumbnailsSeen(b)).toBe(SAMPLE_COUNT);
        await lookAt(b, await lastPhoto(b), `${SAMPLE_COUNT} of ${SAMPLE_COUNT}`);
        expect(await b.run(() => [...document.images].filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.alt), null)).toEqual([]);
        if (b.setOffline) {
          // And with no network at all, where the engine can say so.
          await b.setOffline(true);
          await b.reload();
          await untilText(b, '.banner', /You're offline — showing the copy saved on this device/);
          expect(await thumbnailsSeen(b)).toBe(SAMPLE_COUNT);
        }
        await b.click(`[aria-label="Favourite ${names[4]}"]`);
        await untilText(b, '.outbox', /^1 choice /);
        await b.setOffline?.(false);

        await studio.restartStore();
        await studio.restartOrigin();
        await untilText(b, '.outbox', RECEIVED, 45_000);
        const h = await held(studio.origin, studio.gallery, studio.token);
        expect([h.op_count, favourites(h)]).toEqual([1, 1]);
      } finally {
        await studio.stop();
      }
    });

    test(`${engine}: a customer selects within the studio's rules, comments and submits; the studio has the selection and the comment, as text`, async () => {
      const studio = await startStudio({ publishArgs: ['--min', '2', '--max', '3'] });
      try {
        await b.goto(studio.link);
        const names = await openGallery(b);
        await untilText(b, '.selection-status', /^0 selected · Choose 2 to 3 photos\.$/);
        await b.click(`[aria-label="Select ${names[0]}"]`);
        await b.click({ button: 'Submit selection' });
        await untilText(b, '[role="alert"]', /Choose 1 more photo: the studio asks for at least 2 \(you have 1\)\./);
        await b.click(`[aria-label="Select ${names[3]}"]`);

        await b.click(`[aria-label="Open ${names[3]}"]`);
        await b.fill('#comment', 'Warmer, please <b>not bold</b>');
        await b.click({ button: 'Add comment' });
        await untilText(b, '[aria-label="Comments"]', /Warmer, please <b>not bold<\/b>/);
        expect(await b.run(() => document.querySelectorAll('[aria-label="Comments"] b').length, null)).toBe(0);
        await b.escape();

        await b.click({ button: 'Submit selection' });
        await b.click({ button: 'Submit' });
        await untilText(b, '.selection-status', /Selection submitted on \w{3} \d+ \w{3}, \d\d:\d\d\. Studio's receipt: [0-9A-F]{4}-[0-9A-F]{4}\.$/, 20_000);
        const h = await held(studio.origin, studio.gallery, studio.token);
        expect(selected(h)).toBe(2);
        const csv = studio.cli(['choices', studio.gallery, '--csv']).trim().split('\n');
        expect(csv.length).toBe(3);
        expect(csv.join('\n')).toContain('Warmer, please <b>not bold</b>');
      } finally {
        await studio.stop();
      }
    });

    test(`${engine}: a PIN link asks for its PIN, refuses a wrong one, opens with the right one and remembers it`, async () => {
      const studio = await startStudio();
      try {
        const link = createLink(studio, ['--pin', '2468']);
        await b.goto(link.url);
        await untilText(b, 'h1', /^Enter your PIN$/);
        expect(await b.run(() => document.querySelectorAll('.tile').length, null)).toBe(0);
        await b.fill('#pin', '1111');
        await b.click({ button: 'Open gallery' });
        await untilText(b, '[role="alert"]', /That PIN is not right\. 4 more tries/);
        await b.fill('#pin', '2468');
        await b.click({ button: 'Open gallery' });
        await openGallery(b);
        expect(await thumbnailsSeen(b)).toBe(SAMPLE_COUNT);

        await b.reload();
        await openGallery(b);
        expect(await b.run(() => document.querySelector('#pin') === null, null)).toBe(true);
      } finally {
        await studio.stop();
      }
    });

    test(`${engine}: a revoked link removes the saved gallery from the device, lists the choice that never reached the studio, and stays withdrawn with the origin down`, async () => {
      const studio = await startStudio();
      try {
        const link = createLink(studio, ['--label', 'Grandma']);
        await b.goto(link.url);
        const names = await openGallery(b);
        await offlineShell(b);
        expect(await thumbnailsSeen(b)).toBe(SAMPLE_COUNT);
        await studio.killOrigin();
        await b.click(`[aria-label="Select ${names[0]}"]`);
        await untilText(b, '.outbox', /^1 choice waiting to be sent\.$/);

        studio.cli(['link', 'revoke', link.id]);
        await studio.restartOrigin();
        const withdrawn = async () => {
          await b.reload();
          await untilText(b, 'h1', /^“Sample wedding” is no longer available$/);
          await untilText(b, '[role="alert"]', /The studio has withdrawn this link/);
          await untilText(b, '#unsent-heading', /^1 choice did not reach the studio$/);
          await untilText(b, '.unsent li', new RegExp(`^Selecting “${names[0]}\\.(jpg|png)”$`));
        };
        await withdrawn();
        // Photos and the saved copy are gone from IndexedDB.
        const held = await until(b, 'the device holds no photos and no saved gallery', async () => {
          const db: IDBDatabase = await new Promise((resolve, reject) => {
            const r = indexedDB.open('proofline');
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          });
          const count = (store: string) =>
            new Promise<number>((resolve, reject) => {
              const r = db.transaction(store).objectStore(store).count();
              r.onsuccess = () => resolve(r.result);
              r.onerror = () => reject(r.error);
            });
          const held = { photos: await count('entries'), galleries: await count('galleries') };
          db.close();
          return held;
        }, null, 15_000, (h) => h.photos === 0 && h.galleries === 0);
        expect(held).toEqual({ photos: 0, galleries: 0 });
        await studio.killOrigin();
        await withdrawn();
      } finally {
        await studio.stop();
      }
    });

    test(`${engine}: origin A dies; choices reach the studio through B exactly once, and a reload opens from B`, async () => {
      const studio = await startOrigins();
      const [A, B] = studio.origins;
      try {
        expect(studio.link.startsWith(`${A}/`)).toBe(true);
        await b.goto(studio.link);
        const names = await openGallery(b);
        await offlineShell(b);
        await b.click(`[aria-label="Favourite ${names[0]}"]`);
        await untilText(b, '.outbox', RECEIVED);

        await studio.signal(0, 'SIGKILL');
        const receipt = await textOf(b, '.outbox');
        await b.click(`[aria-label="Select ${names[1]}"]`);
        await until(b, 'a new receipt, from B', (r) => {
          const t = document.querySelector('.outbox')?.textContent ?? '';
          return t.startsWith('All choices received') && t !== r;
        }, receipt, 30_000);
        const h = await held(B, studio.gallery, studio.token);
        expect([h.op_count, favourites(h), selected(h)]).toEqual([2, 1, 1]);

        await b.reload();
        await openGallery(b);
        await until(b, 'the selection is shown after the reload', (l) =>
          document.querySelector(`.grid [aria-label="${l}"]`)?.getAttribute('aria-pressed') === 'true', `Select ${names[1]}`);
        expect(await b.run(() => document.querySelector('.banner')?.textContent ?? null, null)).toBeNull();
        await untilText(b, '.outbox', RECEIVED);
      } finally {
        await studio.stop();
      }
    });
    test(`${engine}: the studio's brand heads the page; a download-PIN link unlocks with its PIN and builds a ZIP of every photo on the device`, async () => {
      const studio = await startStudio({ publishArgs: ['--downloads', 'web', '--studio-name', 'Lumen & Co', '--accent', '#b45309'] });
      try {
        const link = createLink(studio, ['--downloads', 'web', '--download-pin', '2468']);
        await b.goto(link.url);
        await openGallery(b);
        // The page the origin served carries the brand, before and after the app.
        expect(await b.run(() => ({
          title: document.title,
          header: document.querySelector('#brand')?.textContent?.trim(),
          accent: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
        }), null)).toEqual({ title: 'Lumen & Co', header: 'Lumen & Co', accent: '#b45309' });

        // Downloads wait for the PIN; the wrong one is refused in words.
        expect(await b.run(() => document.querySelector('.download-photos') === null, null)).toBe(true);
        await b.click('.download-pin summary');
        await b.fill('#download-pin', '1111');
        await b.click({ button: 'Unlock downloads' });
        await untilText(b, '.download-pin [role="alert"]', /That PIN is not right\. 4 more tries/);
        await b.fill('#download-pin', '2468');
        await b.click({ button: 'Unlock downloads' });
        await untilText(b, '.download-photos', /Download all \(12\)/);

        // The ZIP is made in the engine: caught as the app hands it to the
        // browser (the page's CSP lets no fetch read a blob: URL, so the
        // blob is kept as it is made), its entries read back and hashed in
        // the page.
        await b.run(() => {
          const w = window as unknown as { zips: Promise<unknown>[] };
          w.zips = [];
          const blobs = new Map<string, Blob>();
          const create = URL.createObjectURL;
          URL.createObjectURL = (blob: Blob) => {
            const url = create(blob);
            blobs.set(url, blob);
            return url;
          };
          const click = HTMLElement.prototype.click;
          HTMLElement.prototype.click = function (this: HTMLElement) {
            if (!(this instanceof HTMLAnchorElement && this.download)) return click.call(this);
            const name = this.download;
            w.zips.push(blobs.get(this.href)!.arrayBuffer().then(async (buf) => {
              const v = new DataView(buf);
              let end = buf.byteLength - 22;
              while (v.getUint32(end, true) !== 0x06054b50) end--;
              const entries: Record<string, string> = {};
              let at = v.getUint32(end + 16, true);
              for (let i = 0; i < v.getUint16(end + 10, true); i++) {
                const [size, nameLen, extraLen, commentLen, local] = [v.getUint32(at + 20, true), v.getUint16(at + 28, true), v.getUint16(at + 30, true), v.getUint16(at + 32, true), v.getUint32(at + 42, true)];
                const file = new TextDecoder().decode(new Uint8Array(buf, at + 46, nameLen));
                const data = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
                const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(buf, data, size));
                entries[file] = [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, '0')).join('');
                at += 46 + nameLen + extraLen + commentLen;
              }
              return { name, entries };
            }));
          };
        }, null);
        await b.click({ button: 'Download all (12)' });
        await untilText(b, '.download-photos', /Saved Sample wedding - all\.zip: 12 photos/);
        const zip = await b.run(async () => (await Promise.all((window as unknown as { zips: Promise<unknown>[] }).zips))[0], null) as { name: string; entries: Record<string, string> };
        expect(zip.name).toBe('Sample wedding - all.zip');

        const [gallery, token] = link.url.split('#/g/')[1].split('/');
        const pass = await b.run(() => Object.entries(localStorage).find(([k]) => k.startsWith('proofline.dlpass.'))?.[1] ?? '', null);
        const manifest = await (await fetch(`${studio.origin}/api/galleries/${gallery}`, {
          headers: { Authorization: `Bearer ${token}`, 'X-Proofline-Download-Pass': pass },
        })).json();
        const offered = manifest.images.map((i: { renditions: { download: { sha256: string } } }) => i.renditions.download.sha256).sort();
        expect(Object.values(zip.entries).sort(), 'every photo, byte for byte').toEqual(offered);
        expect(Object.keys(zip.entries)).toContain('Café terrace.jpg');
      } finally {
        await studio.stop();
      }
    });
  });
}
