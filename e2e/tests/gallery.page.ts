// The customer's view of a gallery, found by role and accessible name.
import { Page, Locator, expect } from '@playwright/test';

export class GalleryPage {
  readonly photos: Locator;
  readonly lightbox: Locator;

  constructor(readonly page: Page) {
    this.photos = page.getByRole('list', { name: 'Photos' }).getByRole('img');
    this.lightbox = page.getByRole('dialog');
  }

  async open(link: string) {
    await this.page.goto(link);
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible();
  }

  tile(name: string): Locator {
    return this.page.getByRole('button', { name: `Open ${name}` });
  }

  /** Scrolls every thumbnail into view and waits until each has decoded pixels. */
  async expectAllThumbnailsRendered(count: number) {
    await expect(this.photos).toHaveCount(count);
    for (const img of await this.photos.all()) {
      await img.scrollIntoViewIfNeeded();
      await expect
        .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), {
          message: 'thumbnail decoded',
        })
        .toBeGreaterThan(0);
    }
  }

  async expectLightboxShowing(position: string) {
    await expect(this.lightbox).toBeVisible();
    await expect(this.lightbox).toHaveAccessibleName(new RegExp(`\\(${position}\\)$`));
    const proof = this.lightbox.getByRole('img');
    await expect
      .poll(() => proof.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
      .toBeGreaterThan(0);
  }
}
