// The /admin page's Products section, in headless Chromium (Debian's package, driven by
// playwright-core). Run by api/tests/admin_page.rs, which syncs two stores whose
// catalogs hold a match on brand, name and size and a conflict (same SKU, different
// barcodes) first:
//
//   CANOPY_ADMIN_URL    the page, e.g. http://127.0.0.1:41234/admin
//   CANOPY_ADMIN_TOKEN  an admin JWT for that server
//   SUGGESTED_PRODUCT   the product of the suggested match, as the page names it
//   CONFLICT_PRODUCT    the product of the conflict, as the page names it
//   SCREENSHOT_PATH     where to save a screenshot of the section (optional)
//   CHROMIUM_PATH       the browser (default /usr/bin/chromium)
//
// Exits 0 when the suggested match and the conflict are listed with their evidence, a
// split takes the suggestion off the list, and merging the conflict is refused in words.

import { required, signIn, step } from './admin_steps.mjs';
import { runInPage } from './local_page.mjs';


async function run(page, config) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught error in the page: ${error.message}`));

  await signIn(page, config.adminUrl, config.token);
  await page.getByRole('heading', { name: 'Products', exact: true }).waitFor();

  const suggested = page.getByRole('listitem', { name: `Suggested match: ${config.suggested}`, exact: true });
  await suggested.waitFor();
  const rule = await suggested.locator('dt:text-is("Rule") + dd').innerText();
  step(`suggested: ${config.suggested} (${rule})`);
  if (rule.trim() !== 'Brand, name and size') throw new Error(`the suggestion's rule reads "${rule}"`);

  const conflict = page.getByRole('listitem', { name: `Conflict: ${config.conflict}`, exact: true });
  await conflict.waitFor();
  const differs = (await conflict.locator('dt:text-is("Differs") + dd').innerText()).trim();
  step(`conflict: ${config.conflict} (${differs})`);
  if (!differs.startsWith('upc:')) throw new Error(`the conflict's evidence reads "${differs}"`);
  if (config.screenshot) await page.locator('#products-heading').locator('..').locator('..').screenshot({ path: config.screenshot });

  step('split the suggested match');
  await suggested.getByRole('button', { name: `Split ${config.suggested}`, exact: true }).click();
  await page.locator('#status', { hasText: 'Split off' }).waitFor();
  await suggested.waitFor({ state: 'detached' });
  step('the suggestion is gone');

  step('merge the conflict anyway');
  await conflict.getByRole('button', { name: /^Merge anyway/ }).click();
  await page.locator('#status', { hasText: 'Could not merge the products' }).waitFor();
  const refusal = (await page.locator('#status').innerText()).trim();
  step(`refused: ${refusal}`);
  if (!/UPC/.test(refusal)) throw new Error(`the refusal does not name the UPCs: "${refusal}"`);
  await conflict.waitFor();
  if (problems.length) throw new Error(problems.join('\n'));
}

const config = {
  adminUrl: required('CANOPY_ADMIN_URL'),
  token: required('CANOPY_ADMIN_TOKEN'),
  suggested: required('SUGGESTED_PRODUCT'),
  conflict: required('CONFLICT_PRODUCT'),
  screenshot: process.env.SCREENSHOT_PATH,
};
runInPage('admin products e2e', {}, (page) => run(page, config));
