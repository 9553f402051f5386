// Drives the starter storefront in headless Chromium (Debian's, through playwright-core),
// through its UI only: picks a store, pages through its whole menu with "Show more" (the
// page size made small with `?pageSize=`), sees a sale at the register (made here through
// the simulator's control API) change a stock count in place on a later page, filters by
// category (back to page one), sees a late page of the former filter dropped, searches,
// sees a bad token refused with its code, signs in as a demo customer with the keyboard,
// sees the allowances, sees a cart over a purchase limit refused with the rule it breaks,
// adds to the cart, checks out (pressing the button twice), follows the order to
// COMPLETED and finds it in the purchase history; clears the filters and saves a
// screenshot. Driven by api/tests/storefront_browser.rs, which passes everything through
// the environment.
import { launch, recordSale, required as env, screenshot } from "./local_page.mjs";

const pageSize = Number(env("PAGE_SIZE"));
const storefrontUrl = new URL(env("STOREFRONT_URL"));
storefrontUrl.searchParams.set("pageSize", String(pageSize));
/** The store's whole menu in its order, `[{ id, category }]`, read through the API. */
const menu = JSON.parse(env("MENU"));
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
/** How long a dropped answer gets to (wrongly) reach the list before it is looked at. */
const SETTLE_MS = 500;

const step = (text) => console.log(`${new Date().toISOString()} ${text}`);

/** "1 product", "40 products". */
const productCount = (count) => (count === 1 ? "1 product" : `${count} products`);

/** The storefront's count: "Showing 5 of 40 products" while there is more, else "40 products". */
const countText = (shown, total) => (shown < total ? `Showing ${shown} of ${total} products` : productCount(total));

/** The ids of the menu's products in `wanted` (all for ""), in order. */
const idsIn = (wanted) => menu.filter((product) => !wanted || product.category === wanted).map((product) => product.id);

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1100 } });
  const problems = [];
  page.on("console", (message) => console.log(`page: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(error.message));
  page.setDefaultTimeout(WAIT_MS);
  // every text of the polite announcer, however quickly the next one replaces it
  await page.addInitScript(() => {
    window.announced = [];
    document.addEventListener("DOMContentLoaded", () => {
      const announcer = document.getElementById("announcer");
      new MutationObserver(() => window.announced.push(announcer.textContent)).observe(announcer, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
  });
  await page.goto(storefrontUrl.href);

  /** The ids of the product cards shown, in order. */
  const shownIds = () => page.locator(".product").evaluateAll((cards) => cards.map((card) => card.dataset.productId));
  const showMore = page.getByRole("button", { name: "Show more" });

  /**
   * Waits until the list shows exactly the products `ids` in order (no more, no
   * duplicates) and the count says `ids.length` of `total`; "Show more" must be offered
   * exactly while fewer than `total` are shown.
   */
  async function expectMenu(what, ids, total) {
    const text = countText(ids.length, total);
    try {
      await page.waitForFunction(
        ([wanted, words]) =>
          document.getElementById("menu-count").textContent === words &&
          [...document.querySelectorAll(".product")].map((card) => card.dataset.productId).join() === wanted.join(),
        [ids, text],
      );
    } catch (error) {
      const shown = await shownIds();
      throw new Error(
        `${what}: wanted "${text}" and ${ids.length} products (${ids.join()}); the page says ` +
          `"${await page.locator("#menu-count").textContent()}" and shows ${shown.length} (${shown.join()}): ${error.message}`,
      );
    }
    const offered = await showMore.isVisible();
    if (offered !== ids.length < total) {
      throw new Error(`${what}: "Show more" is ${offered ? "offered" : "missing"} with ${ids.length} of ${total} shown`);
    }
    console.log(`${what}: ${text}`);
  }

  /** Waits until the polite announcer has said something containing `words`. */
  const announced = (words) => page.waitForFunction((text) => window.announced.some((said) => said.includes(text)), words);

  /** Waits until the products shown are all named `name` (its search is answered). */
  const onlyNamed = (name) =>
    page.waitForFunction((text) => {
      const headings = [...document.querySelectorAll(".product h3")];
      return headings.length > 0 && headings.every((heading) => heading.textContent.includes(text));
    }, name);

  /** Presses "Show more" until the product `id` is on the list. */
  async function reveal(id) {
    const card = page.locator(`.product[data-product-id="${id}"]`);
    while (!(await card.count()) && (await showMore.isVisible())) {
      const before = (await shownIds()).length;
      await showMore.click();
      await page.waitForFunction((count) => document.querySelectorAll(".product").length > count, before);
    }
    await card.waitFor();
    return card;
  }

  // landmarks
  await page.getByRole("main").waitFor();
  await page.getByRole("banner").waitFor();
  await page.getByRole("search").waitFor();

  step("pick the store: the first page of its menu");
  const store = page.getByLabel("Store");
  await page.waitForFunction(() => !document.getElementById("store").disabled);
  await store.selectOption(locationId);
  const everything = idsIn("");
  await expectMenu("page 1", everything.slice(0, pageSize), everything.length);
  await announced(countText(pageSize, everything.length));

  step(`"Show more", with the keyboard, until the whole menu of ${everything.length} is shown`);
  for (let shown = pageSize, pages = 2; shown < everything.length; pages += 1) {
    await showMore.focus();
    await page.keyboard.press("Enter");
    const next = Math.min(shown + pageSize, everything.length);
    await expectMenu(`page ${pages}`, everything.slice(0, next), everything.length);
    const focused = await page.evaluate(() => document.activeElement?.closest(".product")?.dataset.productId);
    if (focused !== everything[shown]) {
      throw new Error(`after "Show more", the focus is on ${focused}, not the first new product ${everything[shown]}`);
    }
    await announced(`Added ${productCount(next - shown)}. ${countText(next, everything.length)}.`);
    shown = next;
  }

  step("a sale at the register changes the count in place, on a later page");
  const card = page.locator(`.product[data-product-id="${productId}"]`);
  const onPage = Math.floor(everything.indexOf(productId) / pageSize) + 1;
  if (onPage < 2) {
    throw new Error(`the product ${productId} is not on a later page of the menu`);
  }
  console.log(`${productName} is on page ${onPage}`);
  const stock = card.locator(".stock");
  const before = Number(await stock.getAttribute("data-available"));
  await recordSale(env("SIM_URL"), sale, WAIT_MS);
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
  await announced(productName);

  const [busiest, inBusiest] = [...new Set(menu.map((product) => product.category))]
    .map((name) => [name, idsIn(name)])
    .sort((one, other) => other[1].length - one[1].length)[0];
  step(`filter by ${busiest} (${inBusiest.length} products): back to page one`);
  await page.getByLabel("Category").selectOption(busiest);
  await expectMenu(`${busiest} page 1`, inBusiest.slice(0, pageSize), inBusiest.length);
  if (inBusiest.length > pageSize) {
    await showMore.click();
    await expectMenu(`${busiest} page 2`, inBusiest.slice(0, 2 * pageSize), inBusiest.length);
  }

  step(`a late page of the whole menu is dropped once ${category} is chosen`);
  const inCategory = idsIn(category);
  await page.getByLabel("Category").selectOption("");
  await expectMenu("page 1 again", everything.slice(0, pageSize), everything.length);
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  let caught;
  const nextPageAsked = new Promise((resolve) => {
    caught = resolve;
  });
  const isNextPage = (request) => Boolean(request.postDataJSON()?.variables?.after);
  await page.route("**/graphql", async (route) => {
    if (isNextPage(route.request())) {
      caught();
      await held;
    }
    await route.continue();
  });
  const lateAnswer = page.waitForResponse((answer) => isNextPage(answer.request()));
  await showMore.click();
  await nextPageAsked;
  await page.getByLabel("Category").selectOption(category);
  await expectMenu(`${category} page 1, the next page of the whole menu held`, inCategory.slice(0, pageSize), inCategory.length);
  release();
  await lateAnswer;
  await page.waitForTimeout(SETTLE_MS);
  await expectMenu(`${category} page 1, the late page dropped`, inCategory.slice(0, pageSize), inCategory.length);
  await page.unroute("**/graphql");

  step(`search for ${productName}`);
  await page.getByLabel("Search name or brand").fill(productName);
  await onlyNamed(productName);
  await reveal(productId);

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
  await onlyNamed(refused.name);
  const refusedCard = await reveal(refused.id);
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
  await onlyNamed(productName);
  await reveal(productId);
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
  step("clear the filters: the whole menu again, from page one");
  await page.getByLabel("Category").selectOption("");
  await page.getByLabel("Search name or brand").fill("");
  await expectMenu("page 1 at the end", everything.slice(0, pageSize), everything.length);
  await screenshot(page, shot, { fullPage: false });
} finally {
  await browser.close();
}
