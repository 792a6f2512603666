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

  /** Scrolls every tile into view and waits until each thumbnail has decoded pixels. */
  async expectAllThumbnailsRendered(count: number) {
    await expect(this.tiles).toHaveCount(count);
    for (const tile of await this.tiles.all()) {
      await tile.scrollIntoViewIfNeeded();
      await expectDecoded(tile.locator('img'));
    }
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
