// Steps the admin page browser scripts share: reading their environment, logging,
// signing in and filling the connection form.

export { required } from './local_page.mjs';

/** Logs one step of the script. */
export function step(message) {
  console.log(`- ${message}`);
}

/** The settings object as the page's "name = value" lines. */
function settingsLines(settings) {
  return Object.entries(settings ?? {})
    .map(([name, value]) => `${name} = ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
}

/** Opens the page and signs in with `token`. */
export async function signIn(page, adminUrl, token) {
  step('open the page');
  await page.goto(adminUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  step('sign in with the admin token');
  await page.getByLabel('Admin token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Connections', exact: true }).waitFor();
}

/**
 * Adds `connection` ({ kind (the label in the Kind select), name, baseUrl, apiKey,
 * apiSecret?, webhookSecret?, settings }) through the form; resolves to its card.
 */
export async function addConnection(page, connection) {
  step(`add the ${connection.kind} connection through the form`);
  await page.getByLabel('Name', { exact: true }).fill(connection.name);
  await page.getByLabel('Kind', { exact: true }).selectOption({ label: connection.kind });
  await page.getByLabel('Base URL', { exact: true }).fill(connection.baseUrl);
  await page.getByLabel('API key', { exact: true }).fill(connection.apiKey);
  await page.getByLabel('API secret', { exact: true }).fill(connection.apiSecret ?? '');
  await page.getByLabel('Vendor settings', { exact: true }).fill(settingsLines(connection.settings));
  const webhookSecret = page.getByLabel('Webhook secret', { exact: true });
  if (connection.webhookSecret) {
    if (!(await webhookSecret.isVisible())) await page.getByText('More options', { exact: true }).click();
    await webhookSecret.fill(connection.webhookSecret);
  }
  await page.getByRole('button', { name: 'Add connection', exact: true }).click();
  const card = page.getByRole('article', { name: connection.name, exact: true });
  await card.waitFor();
  step('the connection is listed');
  return card;
}
