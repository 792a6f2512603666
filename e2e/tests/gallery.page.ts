// The customer's view of a gallery, found by role and accessible name.
import { Page, Locator, expect } from '@playwright/test';

export class GalleryPage {
  readonly tiles: Locator;
  readonly photos: Locator;
  readonly lightbox: Locator;
  readonly banner: Locator;

  constructor(readonly page: Page) {
    this.tiles = page.getByRole('list', { name: 'Photos' }).getByRole('button', { name: /^Open / });
    this.photos = page.getByRole('list', { name: 'Photos' }).getByRole('img');
    this.lightbox = page.getByRole('dialog');
    this.banner = page.locator('.banner');
  }

  async open(link: string) {
    await this.page.goto(link);
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible();
  }

  tile(name: string): Locator {
    return this.page.getByRole('button', { name: `Open ${name}` });
  }

  /** Scrolls the page from top to bottom a screen at a time (the grid only
   * renders rows near the screen) and checks that every tile on screen shows
   * decoded pixels, and that `count` different photos were seen. */
  async expectAllThumbnailsRendered(count: number) {
    const seen = new Set<string>();
    await this.page.evaluate(() => window.scrollTo(0, 0));
    for (;;) {
      await this.expectScreenShown(0, 'every tile on screen shows its thumbnail');
      for (const t of await this.tilesOnScreen()) seen.add(t.id);
      const moved = await this.page.evaluate(() => {
        const before = window.scrollY;
        window.scrollBy(0, window.innerHeight * 0.8);
        return window.scrollY !== before;
      });
      if (!moved) break;
    }
    expect(seen.size, 'photos seen while scrolling through the grid').toBe(count);
  }

  /** Waits until more than `fewest` tiles are on screen, each showing its
   * decoded thumbnail. */
  async expectScreenShown(fewest: number, message: string) {
    await expect
      .poll(async () => {
        const on = await this.tilesOnScreen();
        return on.length > fewest && on.every((t) => t.decoded);
      }, { message })
      .toBe(true);
  }

  /** The tiles intersecting the viewport, with whether their thumbnail is decoded. */
  async tilesOnScreen(): Promise<Array<{ id: string; decoded: boolean }>> {
    return this.page.locator('.tile').evaluateAll((tiles) =>
      tiles
        .filter((t) => {
          const r = t.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
        })
        .map((t) => {
          const img = t.querySelector('img');
          return { id: t.id, decoded: img !== null && img.complete && img.naturalWidth > 0 };
        }),
    );
  }

  /** The tile of the `n`th photo shown (1-based), scrolling to the end first
   * when it is the last: the grid only renders rows near the screen. */
  async lastTile(count: number): Promise<Locator> {
    const tile = this.page.locator(`.grid li[aria-posinset="${count}"]`).getByRole('button', { name: /^Open / });
    await expect
      .poll(async () => {
        await this.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        return tile.isVisible();
      }, { message: `the tile of photo ${count}, at the end of the grid` })
      .toBe(true);
    return tile;
  }

  /** Ids of the tiles whose thumbnail is on screen now, decoded. */
  async renderedTileIds(): Promise<string[]> {
    return this.page.locator('.tile').evaluateAll((tiles) =>
      tiles
        .filter((t) => {
          const img = t.querySelector('img');
          return img !== null && img.complete && img.naturalWidth > 0;
        })
        .map((t) => t.id),
    );
  }

  /** No image element anywhere shows a broken image. */
  async expectNoBrokenImages() {
    const broken = await this.page.locator('img').evaluateAll((imgs) =>
      (imgs as HTMLImageElement[]).filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.alt),
    );
    expect(broken, 'broken images').toEqual([]);
  }

  /** Waits until the service worker controls the page (the app shell is cached). */
  async waitForOfflineShell() {
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      }
    });
  }

  async expectLightboxShowing(position: string) {
    await expect(this.lightbox).toBeVisible();
    await expect(this.lightbox).toHaveAccessibleName(new RegExp(`\\(${position}\\)$`));
    await expectDecoded(this.lightbox.locator('img.proof'));
  }
}

export async function expectDecoded(img: Locator) {
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth).catch(() => 0), {
      message: 'image decoded',
    })
    .toBeGreaterThan(0);
}

/** The photos' file names, in grid order. */
export async function photoNames(gallery: GalleryPage): Promise<string[]> {
  await expect(gallery.tiles.first()).toBeVisible();
  const labels = await gallery.tiles.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => l.replace(/^Open /, ''));
}

/** A photo's Favourite or Select toggle in the grid. */
export function choice(page: Page, kind: 'Favourite' | 'Select', name: string) {
  return page.getByRole('list', { name: 'Photos' }).getByRole('button', { name: `${kind} ${name}`, exact: true });
}
