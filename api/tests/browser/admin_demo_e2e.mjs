// The /admin page of `serve --demo` in headless Chromium (Debian's package, driven by
// playwright-core): the page offers the demo's admin token, one click signs in, and the
// Connections section lists the demo's connections. Run by api/tests/demo_banner.rs:
//
//   CANOPY_ADMIN_URL  the page, e.g. http://127.0.0.1:41234/admin
//   DEMO_CONNECTIONS  a JSON list of the names of the demo's connections
//   SCREENSHOT_PATH   where to save a screenshot of the signed-in page (or of the failure)
//   CHROMIUM_PATH     the browser (default /usr/bin/chromium)

import { required, step } from './admin_steps.mjs';
import { assertNoProblems, runInPage, screenshot, watch } from './local_page.mjs';


async function run(page, config) {
  const problems = await watch(page);

  step('open the page');
  await page.goto(config.adminUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  step('sign in with the offered demo token, in one click');
  await page.getByRole('button', { name: 'Sign in with the demo admin token', exact: true }).click();
  await page.getByRole('heading', { name: 'Connections', exact: true }).waitFor();
  for (const name of config.connections) {
    await page.getByRole('article', { name, exact: true }).waitFor();
    step(`listed: ${name}`);
  }
  const listed = await page.locator('#connections article').count();
  if (listed !== config.connections.length) {
    throw new Error(`${listed} connections listed, expected ${config.connections.length}`);
  }
  await screenshot(page, config.screenshot);
  assertNoProblems(problems);
}

const config = {
  adminUrl: required('CANOPY_ADMIN_URL'),
  connections: JSON.parse(required('DEMO_CONNECTIONS')),
  screenshot: required('SCREENSHOT_PATH'),
};
runInPage('demo admin sign-in e2e', { shot: config.screenshot }, (page) => run(page, config));
