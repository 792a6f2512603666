// The studio compares two customers' choices side by side: the couple and
// the parents each choose on their own phone; the studio page then shows
// the photos both chose first, then each one's, with what each link did,
// and only the links that chose something can be ticked.
import { Page } from '@playwright/test';
import { test, expect, createLink, startStudio } from './fixtures';
import { GalleryPage, choice, photoNames } from './gallery.page';

/** Opens `url` on a phone of its own and makes `picks`; waits until the
 * studio has them. */
async function choose(page: Page, url: string, picks: ['Select' | 'Favourite', number][]) {
  const gallery = new GalleryPage(page);
  await gallery.open(url);
  const names = await photoNames(gallery);
  for (const [kind, i] of picks) {
    await choice(page, kind, names[i]).click();
    await expect(choice(page, kind, names[i])).toHaveAttribute('aria-pressed', 'true');
  }
  await expect(page.getByText(/^All choices received by the studio at /)).toBeVisible({ timeout: 20_000 });
  return names;
}

test('the studio sees which photos the couple and the parents both chose', async ({ browser }) => {
  // A studio of its own: no other story's links or choices.
  const studio = await startStudio();
  try {
    const couple = createLink(studio, ['--label', 'Couple']);
    const parents = createLink(studio, ['--label', 'Parents']);
    const names = await choose(await (await browser.newContext()).newPage(), couple.url, [
      ['Select', 0],
      ['Select', 1],
      ['Favourite', 2],
    ]);
    await choose(await (await browser.newContext()).newPage(), parents.url, [
      ['Favourite', 0],
      ['Select', 1],
      ['Select', 3],
    ]);

    const page = await (await browser.newContext()).newPage();
    await page.goto(studio.studioLink);
    const compare = page.getByRole('region', { name: 'Compare links' });
    // The link publish made chose nothing: nothing of it to compare.
    await expect(compare.getByRole('checkbox')).toHaveCount(2);
    await expect(compare.getByRole('checkbox', { name: 'Couple' })).toBeChecked();
    await expect(compare.getByRole('checkbox', { name: 'Parents' })).toBeChecked();
    await expect(compare.getByRole('status')).toHaveText('Both chose 2 photos · only Couple 1 photo · only Parents 1 photo');

    const table = compare.getByRole('table');
    await expect(table.getByRole('columnheader')).toHaveText(['Photo', 'Couple', 'Parents']);
    const rows = table.locator('tbody tr');
    await expect(rows).toHaveCount(4);
    const expected: [number, string, string][] = [
      [0, 'Selected', 'Favourite'],
      [1, 'Selected', 'Selected'],
      [2, 'Favourite', '—'],
      [3, '—', 'Selected'],
    ];
    for (const [row, [photo, byCouple, byParents]] of expected.entries()) {
      await expect(rows.nth(row).getByRole('rowheader')).toContainText(names[photo]);
      await expect(rows.nth(row).getByRole('cell')).toHaveText([byCouple, byParents]);
    }
    // Each photo opens large, from the store.
    const thumb = rows.first().getByRole('link', { name: new RegExp(`^Open ${names[0]}`) });
    await expect(thumb).toHaveAttribute('href', /\/proof\//);
    await expect
      .poll(() => rows.first().locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);

    // One link alone compares to nothing.
    await compare.getByRole('checkbox', { name: 'Parents' }).uncheck();
    await expect(compare.getByText('Tick two links or more to compare them.')).toBeVisible();
    await expect(table).toHaveCount(0);
    await compare.getByRole('checkbox', { name: 'Parents' }).check();
    await expect(rows).toHaveCount(4);
  } finally {
    await studio.stop();
  }
});
