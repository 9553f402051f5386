// Drives the live stock widget in headless Chromium (Debian's, through playwright-core):
// opens WIDGET_URL, reads the number in the role="status" region, sells one unit at the
// simulator through its control API, and waits until the number on the page drops.
// Driven by api/tests/widget_browser.rs, which passes everything through the environment.
import { launch, recordSale, required as env } from "./local_page.mjs";

const widgetUrl = env("WIDGET_URL");
const simUrl = env("SIM_URL");
const sale = {
  productId: env("SIM_PRODUCT"),
  locationId: env("SIM_LOCATION"),
  delta: -1,
  reason: "sale",
};
const WAIT_MS = 15000;

const browser = await launch();
try {
  const page = await browser.newPage();
  page.on("console", (message) => console.log(`page: ${message.text()}`));
  await page.goto(widgetUrl);
  const status = page.getByRole("status");
  const number = async () => {
    const match = /^(\d+)/.exec((await status.textContent()) ?? "");
    return match ? Number(match[1]) : null;
  };
  await page.waitForFunction(
    () => /^\d+/.test(document.querySelector('[role="status"]')?.textContent ?? ""),
    null,
    { timeout: WAIT_MS },
  );
  const before = await number();
  console.log(`before the sale: "${await status.textContent()}"`);

  await recordSale(simUrl, sale, WAIT_MS);

  await page.waitForFunction(
    (expected) => {
      const match = /^(\d+)/.exec(document.querySelector('[role="status"]')?.textContent ?? "");
      return match !== null && Number(match[1]) === expected;
    },
    before - 1,
    { timeout: WAIT_MS },
  );
  console.log(`after the sale: "${await status.textContent()}"`);
  const live = await status.getAttribute("aria-live");
  if (live !== "polite") {
    throw new Error(`the status region is aria-live="${live}"`);
  }
} finally {
  await browser.close();
}
