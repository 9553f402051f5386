// The /admin page end to end in headless Chromium (Debian's package, driven by
// playwright-core). Run by api/tests/admin_page.rs, which starts Canopy and a POS
// simulator and passes everything through environment variables:
//
//   CANOPY_ADMIN_URL    the page, e.g. http://127.0.0.1:41234/admin
//   CANOPY_ADMIN_TOKEN  an admin JWT for that server
//   POS_CONNECTIONS     a JSON list of connections to add, each
//                       { kind (Dutchie, Jane or Dispense: the label in the Kind select),
//                         name, baseUrl, apiKey, apiSecret?, webhookSecret?, settings }
//   SCREENSHOT_PATH     where to save the final screenshot (PNG)
//   CHROMIUM_PATH       the browser (default /usr/bin/chromium)
//
// Exits 0 when the page offered no demo token (this server runs without --demo), an admin
// could sign in, add every connection, test each, sync each
// and see it healthy, with the alerts and audit log sections rendered.

import { addConnection, required, signIn, step } from './admin_steps.mjs';
import { runInPage } from './local_page.mjs';

const SYNC_TIMEOUT_MS = 90_000;

async function run(page, config) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught error in the page: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Uncaught/i.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });

  // a server without --demo has no demo session, and the page offers no demo token
  const demoProbe = page.waitForResponse((response) => new URL(response.url()).pathname === '/demo/session');
  await signIn(page, config.adminUrl, config.token);
  await page.getByText('No connections yet.').waitFor();
  if ((await demoProbe).status() !== 404) throw new Error('/demo/session answers without --demo');
  if ((await page.locator('#demo-sign-in').getAttribute('hidden')) === null) {
    throw new Error('the page offers a demo token without --demo');
  }

  for (const connection of config.connections) {
    await addAndSync(page, connection);
  }

  step('editing keeps secrets write-only');
  const card = page.getByRole('article', { name: config.connections[0].name, exact: true });
  await card.getByRole('button', { name: 'Edit', exact: true }).click();
  const apiKey = page.getByLabel('API key', { exact: true });
  if ((await apiKey.inputValue()) !== '' || (await apiKey.getAttribute('placeholder')) !== 'unchanged') {
    throw new Error('the API key field should be empty with the placeholder "unchanged" when editing');
  }
  await page.getByRole('button', { name: 'Cancel editing', exact: true }).click();
  await page.getByRole('button', { name: 'Add connection', exact: true }).waitFor();

  step('the alerts section renders');
  await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
  await page.locator('#alerts').locator('ul.alerts, .empty').first().waitFor();

  step('the audit log shows the change');
  await page.getByRole('button', { name: 'Refresh audit log', exact: true }).click();
  await page.getByRole('heading', { name: 'Audit log', exact: true }).waitFor();
  await page.locator('#audit table tbody tr').first().waitFor();
  const auditRows = await page.locator('#audit table tbody tr').count();
  step(`audit log rows: ${auditRows}`);

  const text = await page.locator('body').innerText();
  if (/[{[]\s*"/.test(text)) throw new Error('the page shows raw JSON');
  if (problems.length) throw new Error(problems.join('\n'));
}

async function addAndSync(page, connection) {
  const card = await addConnection(page, connection);

  step('test the connection');
  await card.getByRole('button', { name: 'Test connection', exact: true }).click();
  const testResult = card.locator('.result');
  await testResult.waitFor();
  const testText = await testResult.innerText();
  if (!(await testResult.getAttribute('class')).includes('success')) {
    throw new Error(`the ${connection.kind} connection test did not succeed: ${testText}`);
  }
  step(`test result: ${testText}`);

  step('sync now and wait until it is healthy');
  await card.getByRole('button', { name: 'Sync now', exact: true }).click();
  const syncResult = card.locator('.result', { hasText: /^(Sync finished|The sync)/ });
  await syncResult.waitFor({ timeout: SYNC_TIMEOUT_MS });
  step(`sync result: ${await syncResult.innerText()}`);
  await card.locator('.badge.health-healthy').waitFor({ timeout: SYNC_TIMEOUT_MS });
  const locations = await card.locator('dt:text-is("Locations") + dd').innerText();
  if (locations.startsWith('none')) throw new Error(`the synced ${connection.kind} connection shows no locations`);
  step(`healthy, with locations: ${locations}`);
}

const config = {
  adminUrl: required('CANOPY_ADMIN_URL'),
  token: required('CANOPY_ADMIN_TOKEN'),
  connections: JSON.parse(required('POS_CONNECTIONS')),
  screenshot: required('SCREENSHOT_PATH'),
};
runInPage('admin page e2e', { shot: config.screenshot, always: true }, (page) => run(page, config));
