// The latest click wins: a customer with two tabs of one link, offline,
// favourites a photo in one tab and changes their mind in the other. The
// second tab's view of the server's clock came off a slow answer that
// arrived just after a second ticked over (as on a poor signal), which once
// stamped its later unfavourite before the favourite it undid.
import { Page, Route } from '@playwright/test';
import { test, expect, startStudio, Studio } from './fixtures';
import { GalleryPage, choice, photoNames } from './gallery.page';

const RUNS = 20;

/** Whether the studio holds `image` as a favourite of the link. */
async function studioFavourite(studio: Studio, image: string): Promise<boolean> {
  const res = await fetch(`${studio.origin}/api/galleries/${studio.gallery}/choices`, {
    headers: { Authorization: `Bearer ${studio.token}` },
  });
  expect(res.status).toBe(200);
  const held = await res.json();
  return held.choices.images[image]?.favourite?.value ?? false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds the manifest's answer so the origin reads its clock late in one
 * second and the tab receives the answer early in the next; counts the
 * answers given. */
async function acrossASecond(page: Page): Promise<{ given: number }> {
  const answers = { given: 0 };
  await page.route(
    (url) => /^\/api\/galleries\/[^/]+$/.test(url.pathname),
    async (route: Route) => {
      await sleep(1_000 - (Date.now() % 1_000) + 880);
      const response = await route.fetch();
      await sleep(1_000 - (Date.now() % 1_000) + 60);
      await route.fulfill({ response });
      answers.given += 1;
    },
  );
  return answers;
}

test(`the later unfavourite wins in both tabs and at the studio, ${RUNS} runs out of ${RUNS}`, async ({ context }) => {
  test.setTimeout(RUNS * 15_000);
  const studio = await startStudio();
  try {
    const [one, two] = [await context.newPage(), await context.newPage()];
    const [g1, g2] = [new GalleryPage(one), new GalleryPage(two)];
    await g1.open(studio.link);
    const names = await photoNames(g1);
    const manifest = await (
      await fetch(`${studio.origin}/api/galleries/${studio.gallery}`, {
        headers: { Authorization: `Bearer ${studio.token}` },
      })
    ).json();
    const idOf = Object.fromEntries(manifest.images.map((i: { id: string; alt: string }) => [i.alt, i.id]));
    const answers = await acrossASecond(two);
    for (let run = 0; run < RUNS; run++) {
      const name = names[run % names.length];
      await test.step(`run ${run + 1}: ${name}`, async () => {
        const given = answers.given;
        await g2.open(studio.link);
        // The tab has its answer (and its reading of the clock) before
        // the connection goes.
        await expect.poll(() => answers.given).toBeGreaterThan(given);
        await expect(g2.banner).toHaveCount(0);
        await context.setOffline(true);
        if (await choice(one, 'Favourite', name).getAttribute('aria-pressed') === 'false') {
          await choice(one, 'Favourite', name).click();
        }
        // Tab 2 shows tab 1's favourite, then the customer undoes it there.
        await expect(choice(two, 'Favourite', name)).toHaveAttribute('aria-pressed', 'true');
        await choice(two, 'Favourite', name).click();
        await expect(choice(two, 'Favourite', name)).toHaveAttribute('aria-pressed', 'false');
        await expect(choice(one, 'Favourite', name)).toHaveAttribute('aria-pressed', 'false');
        await context.setOffline(false);
        for (const p of [one, two]) {
          await expect(p.locator('.outbox')).toContainText('All choices received by the studio', { timeout: 30_000 });
        }
        expect(await studioFavourite(studio, idOf[name]), 'the studio keeps the unfavourite').toBe(false);
        // And after the studio's state comes back to each tab.
        await g2.open(studio.link);
        for (const p of [one, two]) {
          await expect(choice(p, 'Favourite', name)).toHaveAttribute('aria-pressed', 'false');
        }
      });
    }
    // The last reload's answer may still be held.
    await two.unrouteAll({ behavior: 'wait' });
    // The tabs' shared reading of the server's clock (the same machine's
    // here, so the true offset is 0) is right to within half its round trip.
    const clock = await one.evaluate(() => JSON.parse(localStorage.getItem('proofline.clock') ?? '{}'));
    expect(clock.offset, 'a reading of the server clock').toBeDefined();
    console.log(`server clock offset ${clock.offset.ms} ms, round trip ${clock.offset.rtt_ms} ms`);
    expect(Math.abs(clock.offset.ms)).toBeLessThanOrEqual(clock.offset.rtt_ms / 2 + 2);
  } finally {
    await studio.stop();
  }
});
