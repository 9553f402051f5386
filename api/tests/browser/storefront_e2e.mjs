// Drives the starter storefront in headless Chromium (Debian's, through playwright-core),
// through its UI only: picks a store, filters by category, searches, sees a sale at the
// register (made here through the simulator's control API) change a stock count in place,
// sees a bad token refused with its code, signs in as a demo customer with the keyboard,
// sees the allowances, sees a cart over a purchase limit refused with the rule it breaks,
// adds to the cart, checks out (pressing the button twice), follows the order to
// COMPLETED and finds it in the purchase history; clears the filters and saves a
// screenshot. Driven by api/tests/storefront_browser.rs, which passes everything through
// the environment.
import { launch, required as env, screenshot } from "./local_page.mjs";

const storefrontUrl = env("STOREFRONT_URL");
const locationId = env("LOCATION_ID");
const productId = env("PRODUCT_ID");
const productName = env("PRODUCT_NAME");
const category = env("PRODUCT_CATEGORY");
const customerEmail = env("CUSTOMER_EMAIL");
const shot = env("SCREENSHOT");
const refused = {
  id: env("REFUSED_ID"),
  name: env("REFUSED_NAME"),
  quantity: Number(env("REFUSED_QUANTITY")),
};
const sale = {
  productId: env("SIM_PRODUCT"),
  locationId: env("SIM_LOCATION"),
  delta: -1,
  reason: "sale",
};
const WAIT_MS = 15000;
/** The staff work the order on every second, the store's sync brings each step in. */
const ORDER_WAIT_MS = 45000;

const step = (text) => console.log(`${new Date().toISOString()} ${text}`);

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1100 } });
  const problems = [];
  page.on("console", (message) => console.log(`page: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(error.message));
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(storefrontUrl);

  // landmarks
  await page.getByRole("main").waitFor();
  await page.getByRole("banner").waitFor();
  await page.getByRole("search").waitFor();

  step("pick the store");
  const store = page.getByLabel("Store");
  await page.waitForFunction(() => !document.getElementById("store").disabled);
  await store.selectOption(locationId);
  const card = page.locator(`.product[data-product-id="${productId}"]`);
  await card.waitFor();
  const wholeMenu = await page.locator("#menu-count").textContent();

  step(`filter by ${category}`);
  await page.getByLabel("Category").selectOption(category);
  await page.waitForFunction(
    (wanted) => {
      const cards = [...document.querySelectorAll(".product")];
      return cards.length > 0 && cards.every((item) => item.dataset.category === wanted);
    },
    category,
  );
  await card.waitFor();

  step(`search for ${productName}`);
  await page.getByLabel("Search name or brand").fill(productName);
  await page.waitForFunction(
    (name) => {
      const cards = [...document.querySelectorAll(".product h3")];
      return cards.length > 0 && cards.every((heading) => heading.textContent.includes(name));
    },
    productName,
  );
  await card.waitFor();

  step("a sale at the register changes the count in place");
  const stock = card.locator(".stock");
  const before = Number(await stock.getAttribute("data-available"));
  const response = await fetch(new URL("/_sim/stock", env("SIM_URL")), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(sale),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  if (!response.ok) {
    throw new Error(`the sale failed: ${response.status} ${await response.text()}`);
  }
  await page.waitForFunction(
    ([id, count]) =>
      document.querySelector(`.product[data-product-id="${id}"] .stock`)?.dataset.available !==
      String(count),
    [productId, before],
  );
  console.log(`stock: ${before} → ${await stock.getAttribute("data-available")}`);
  const announcer = page.locator("#announcer");
  if ((await announcer.getAttribute("aria-live")) !== "polite") {
    throw new Error("the announcer is not a polite live region");
  }
  await page.waitForFunction(
    (name) => document.getElementById("announcer").textContent.includes(name),
    productName,
  );

  step("a bad token is refused in words, with its code");
  await page.getByLabel("Or paste a customer token").fill("not-a-token");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const alert = page.getByRole("alert");
  await page.waitForFunction(() => /\([A-Z_]+\)/.test(document.getElementById("error").textContent));
  console.log(`refused: ${await alert.textContent()}`);
  await alert.getByRole("button", { name: "Dismiss" }).click();

  step("sign in as a demo customer, with the keyboard");
  const customer = page.locator(`.customer[data-email="${customerEmail}"]`);
  await customer.focus();
  await page.keyboard.press("Enter");
  await page.locator("#signed-in").waitFor();
  const focused = await page.evaluate(() => document.activeElement?.id);
  if (focused !== "account-heading") {
    throw new Error(`after signing in, the focus is on #${focused}`);
  }
  await page.locator(".allowances li").first().waitFor();
  console.log(`allowances: ${(await page.locator(".allowances").innerText()).replaceAll("\n", " | ")}`);

  step(`${refused.quantity} × ${refused.name} break a purchase rule`);
  const search = page.getByLabel("Search name or brand");
  await page.getByLabel("Category").selectOption("");
  await search.fill(refused.name);
  const refusedCard = page.locator(`.product[data-product-id="${refused.id}"]`);
  await refusedCard.getByRole("button", { name: "Add to cart" }).click();
  const quantity = page.getByLabel(`Quantity of ${refused.name}`, { exact: true });
  await quantity.fill(String(refused.quantity));
  await quantity.press("Tab");
  await page.getByText("This cart breaks a purchase rule").waitFor();
  console.log(`cart check: ${(await page.locator("#cart-check").innerText()).replaceAll("\n", " | ")}`);
  await page.getByRole("button", { name: `Remove ${refused.name}`, exact: true }).click();
  await page.locator("#cart-empty").waitFor();

  step("add to the cart; the cart check passes");
  await search.fill(productName);
  await card.getByRole("button", { name: "Add to cart" }).click();
  await page.locator(`#cart-lines li[data-product-id="${productId}"]`).waitFor();
  await page.getByText("Within today's limits").waitFor();

  step("check out, pressing the button twice");
  const checkout = page.getByRole("button", { name: "Place order" });
  await checkout.evaluate((button) => {
    button.click();
    button.click();
  });
  const panel = page.locator("#order-panel");
  await panel.waitFor();
  const orderId = await panel.getAttribute("data-order-id");
  console.log(`order ${orderId}`);

  step("follow the order to COMPLETED");
  const status = page.getByRole("status").filter({ hasText: "Status:" });
  await page.waitForFunction(
    () => document.getElementById("order-status").dataset.status === "COMPLETED",
    null,
    { timeout: ORDER_WAIT_MS },
  );
  console.log(`order: ${await status.textContent()}`);

  step("find the order in the purchase history");
  await page
    .locator(`#history tr[data-order-id="${orderId}"]`)
    .waitFor({ timeout: ORDER_WAIT_MS });

  if (problems.length) {
    throw new Error(`errors on the page: ${problems.join("; ")}`);
  }
  const shownError = page.locator("#error");
  if (await shownError.isVisible()) {
    throw new Error(`the page shows an error: ${await shownError.textContent()}`);
  }
  step("clear the filters: the whole menu again");
  await page.getByLabel("Category").selectOption("");
  await page.getByLabel("Search name or brand").fill("");
  await page.waitForFunction(
    (count) => document.getElementById("menu-count").textContent === count,
    wholeMenu,
  );
  await screenshot(page, shot, { fullPage: false });
} finally {
  await browser.close();
}
