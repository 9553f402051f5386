/*
 * Canopy's starter storefront: wires the store picker, the menu (menu.js), the
 * customer (account.js) and the cart and checkout (checkout.js) together. Errors are
 * shown in words with their code in an alert region; news (stock changes, the cart)
 * is announced politely.
 */
import { graphql, describe } from "./api.js";
import { LOCATIONS } from "./operations.js";
import { Menu } from "./menu.js";
import { Account } from "./account.js";
import { Checkout } from "./checkout.js";

/** How often, at most, to look for a completed order's purchase in the history. */
const HISTORY_ATTEMPTS = 8;

const errorBox = document.getElementById("error");
const announcer = document.getElementById("announcer");
const picker = document.getElementById("store");

function showError(text) {
  errorBox.replaceChildren(text);
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "link";
  dismiss.textContent = "Dismiss";
  dismiss.addEventListener("click", () => {
    errorBox.hidden = true;
  });
  errorBox.append(" ", dismiss);
  errorBox.hidden = false;
}

function announce(text) {
  // a fresh node each time, so the same words are announced again
  announcer.replaceChildren(document.createTextNode(text));
}

const account = new Account({
  onChange: () => checkout.accountChanged(),
  showError,
});
const menu = new Menu({
  onAdd: (product) => checkout.add(product),
  announce,
  showError,
});
const checkout = new Checkout(account, {
  showError,
  announce,
  product: (id) => menu.product(id),
  onCompleted: (order) => {
    account.loadAllowances();
    awaitPurchase(order);
  },
});

/**
 * Once the store completes an order, the register's sale reaches the purchase history
 * with the store's next sync: look for it a few times, waiting longer each time.
 */
async function awaitPurchase(order) {
  const note = document.getElementById("history-note");
  for (let attempt = 0; attempt < HISTORY_ATTEMPTS; attempt += 1) {
    const purchases = await account.loadHistory();
    if (purchases.some((purchase) => purchase.order?.id === order.id)) {
      announce("Your order is in your purchase history.");
      return;
    }
    note.textContent = "Waiting for the store's register to record the sale…";
    await new Promise((resolve) => window.setTimeout(resolve, 1000 * 2 ** Math.min(attempt, 4)));
  }
  note.textContent = "The sale is not in the history yet: refresh in a moment.";
}

async function chooseStore(locations) {
  const location = locations.find((candidate) => candidate.id === picker.value);
  if (!location) {
    return;
  }
  localStorage.setItem("canopy-storefront-store", location.id);
  checkout.setLocation(location);
  await Promise.all([menu.show(location), account.setLocation(location)]);
}

async function start() {
  let locations;
  try {
    [locations] = await Promise.all([
      graphql(LOCATIONS).then((data) => data.locations),
      menu.loadCategories(),
    ]);
  } catch (error) {
    picker.replaceChildren(new Option("No stores", ""));
    showError(`Canopy could not be read: ${describe(error)}`);
    return;
  }
  picker.replaceChildren(
    ...locations.map((location) => new Option(`${location.name}${location.city ? ` — ${location.city}` : ""}`, location.id)),
  );
  const saved = localStorage.getItem("canopy-storefront-store");
  if (locations.some((location) => location.id === saved)) {
    picker.value = saved;
  }
  picker.addEventListener("change", () => chooseStore(locations));
  await account.start();
  await chooseStore(locations);
  // offered once the first store is shown, so a choice made meanwhile is not shown twice
  picker.disabled = locations.length === 0;
}

start();
