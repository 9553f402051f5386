// The /admin page shows each connection's sync state with its cause, in headless
// Chromium (Debian's package, driven by playwright-core). Run by
// api/tests/connection_health.rs, which adds the connections and syncs them first:
//
//   CANOPY_ADMIN_URL    the page, e.g. http://127.0.0.1:41234/admin
//   CANOPY_ADMIN_TOKEN  an admin JWT for that server
//   EXPECTED_STATES     a JSON list of { name, state (failing, degraded, healthy or
//                       pending), cause (the start of the cause line, e.g.
//                       "Failing: 12 of 12 stock records rejected — ") }
//   NEW_CONNECTION      a connection to add through the form (as in admin_e2e.mjs), whose
//                       POS answers slowly: its first sync must show running, then
//                       healthy, without anyone pressing "Sync now"
//   CHROMIUM_PATH       the browser (default /usr/bin/chromium)
//
// Exits 0 when every connection's card shows its state badge and cause line, and the
// new connection's first sync runs by itself.

import { addConnection, required, signIn, step } from './admin_steps.mjs';
import { runInPage } from './local_page.mjs';


async function run(page, config) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught error in the page: ${error.message}`));

  await signIn(page, config.adminUrl, config.token);

  for (const expected of config.expected) {
    const card = page.getByRole('article', { name: expected.name, exact: true });
    await card.waitFor();
    step(`${expected.name}: wait for the ${expected.state} badge`);
    await card.locator(`.badge.state-${expected.state}`).waitFor();
    const badge = (await card.locator(`.badge.state-${expected.state}`).innerText()).replace(/\s+/g, " ").trim();
    const cause = card.locator('.state-cause');
    await cause.waitFor();
    const text = (await cause.innerText()).replace(/\s+/g, " ").trim();
    step(`${expected.name}: "${badge}" / "${text}"`);
    if (!text.startsWith(expected.cause)) {
      throw new Error(`${expected.name}: the cause reads "${text}", expected it to start with "${expected.cause}"`);
    }
    if (expected.state !== 'healthy' && /healthy/i.test(badge)) {
      throw new Error(`${expected.name}: shown as healthy`);
    }
    const lastRun = await card.locator('dt:text-is("Last run") + dd').innerText();
    step(`${expected.name}: last run ${lastRun}`);
  }

  const card = await addConnection(page, config.newConnection);
  step('its first sync runs by itself');
  await card.locator('.badge.running').waitFor();
  step(`shown: ${(await card.locator('.badge.running').innerText()).trim()}`);
  await card.locator('.badge.state-healthy').waitFor();
  await card.locator('.badge.running').waitFor({ state: 'detached' });
  step(`then: ${(await card.locator('dt:text-is("Last run") + dd').innerText()).trim()}`);
  if (problems.length) throw new Error(problems.join('\n'));
}

const config = {
  adminUrl: required('CANOPY_ADMIN_URL'),
  token: required('CANOPY_ADMIN_TOKEN'),
  expected: JSON.parse(required('EXPECTED_STATES')),
  newConnection: JSON.parse(required('NEW_CONNECTION')),
};
runInPage('admin health e2e', {}, (page) => run(page, config));
