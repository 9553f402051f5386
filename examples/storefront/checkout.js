/*
 * The cart, the compliance preview (`checkCart`: every rule the cart breaks), checkout
 * (`placeOrder` with an idempotency key kept until the cart changes, so a second click
 * or a retried request never places a second order) and the order's status followed
 * through `orderStatusChanged` until the store completes it.
 */
import { graphql, socket, describe, fromErrors } from "./api.js";
import { CHECK_CART, PLACE_ORDER, ORDER, ORDER_STATUS_CHANGED } from "./operations.js";
import { el, money, newKey } from "./format.js";

/** The statuses a pickup order goes through, in order. */
const STEPS = ["PENDING", "SUBMITTED", "CONFIRMED", "READY", "COMPLETED"];
/** Statuses after which nothing more happens. */
const FINAL = new Set(["COMPLETED", "CANCELLED", "FAILED", "RETURNED"]);
/** Words for each status. */
const WORDS = {
  PENDING: "Placed, on its way to the store",
  SUBMITTED: "Received by the store",
  CONFIRMED: "Confirmed: the store is picking it",
  READY: "Ready for pickup",
  COMPLETED: "Completed: thank you!",
  CANCELLED: "Cancelled",
  FAILED: "The store could not take it",
  RETURNED: "Returned",
};
/** Wait before checking the cart after it changes. */
const CHECK_DELAY_MS = 250;

export class Checkout {
  /**
   * @param {import("./account.js").Account} account
   * @param {{showError: (text: string) => void, announce: (text: string) => void,
   *          product: (id: string) => object|undefined,
   *          onCompleted: (order: object) => void}} hooks
   */
  constructor(account, hooks) {
    this.account = account;
    this.hooks = hooks;
    this.location = null;
    this.lines = new Map(); // product id → { product, quantity }
    this.key = null; // the idempotency key of the cart as it stands
    this.placing = null; // the placeOrder request in flight
    this.follow = null; // the order followed: { id, socket }
    this.checkTimer = null;
    this.list = document.getElementById("cart-lines");
    this.button = document.getElementById("checkout");
    this.checkBox = document.getElementById("cart-check");
    this.button.addEventListener("click", () => this.placeOrder());
  }

  /** Carts are per store (prices and stock are): another store starts an empty one. */
  setLocation(location) {
    if (this.location && this.location.id !== location.id && this.lines.size) {
      this.hooks.announce(`Cart emptied: it was for ${this.location.name}.`);
    }
    this.location = location;
    this.lines.clear();
    this.changed();
  }

  add(product) {
    const line = this.lines.get(product.id);
    const quantity = (line?.quantity || 0) + 1;
    const most = this.most(product);
    if (quantity > most) {
      this.hooks.announce(`No more ${product.name} can be added (${most} at most).`);
      return;
    }
    this.lines.set(product.id, { product, quantity });
    this.hooks.announce(`${product.name} added to the cart (${quantity}).`);
    this.changed();
  }

  /** Most units of `product` one order may hold: what is available, within the store's limit. */
  most(product) {
    const available = this.hooks.product(product.id)?.available ?? product.available;
    return Math.max(0, Math.min(available, product.maxPerTransaction ?? Infinity));
  }

  setQuantity(id, quantity) {
    const line = this.lines.get(id);
    if (!line || !Number.isInteger(quantity)) {
      return;
    }
    if (quantity <= 0) {
      this.lines.delete(id);
      this.hooks.announce(`${line.product.name} removed from the cart.`);
      document.getElementById("cart-heading").focus();
    } else {
      line.quantity = Math.min(quantity, this.most(line.product));
    }
    this.changed();
  }

  /** The cart changed: a new idempotency key, the view, and a new compliance check. */
  changed() {
    this.key = null;
    this.render();
    window.clearTimeout(this.checkTimer);
    this.checkTimer = window.setTimeout(() => this.check(), CHECK_DELAY_MS);
  }

  /** The customer signed in or out. */
  accountChanged() {
    this.key = null;
    this.render();
    this.check();
  }

  /** The unit price the customer pays: the medical price when they buy as a patient there. */
  unitPrice(product) {
    return (this.account.market === "MEDICAL" && product.medicalPrice) || product.price;
  }

  orderLines() {
    return [...this.lines.values()].map((line) => ({ productId: line.product.id, quantity: line.quantity }));
  }

  render() {
    const lines = [...this.lines.values()];
    this.list.replaceChildren(...lines.map((line) => this.lineItem(line)));
    document.getElementById("cart-empty").hidden = lines.length > 0;
    const total = document.getElementById("cart-total");
    total.hidden = lines.length === 0;
    const currency = lines.map((line) => this.unitPrice(line.product)).find(Boolean)?.currency;
    const sum = lines.reduce((cents, line) => cents + (this.unitPrice(line.product)?.amount || 0) * line.quantity, 0);
    total.textContent = currency ? `Total ${money({ amount: sum, currency })}` : "";
    this.button.disabled = lines.length === 0 || !this.account.token || this.placing !== null;
    this.button.textContent = this.account.token ? "Place order" : "Sign in to order";
  }

  lineItem(line) {
    const id = line.product.id;
    const fieldId = `qty-${id}`;
    const price = this.unitPrice(line.product);
    const quantity = el("input", {
      id: fieldId,
      type: "number",
      min: 0,
      max: this.most(line.product),
      value: line.quantity,
      inputmode: "numeric",
    });
    quantity.addEventListener("change", () => this.setQuantity(id, Number(quantity.value)));
    const remove = el("button", { type: "button", class: "link", "aria-label": `Remove ${line.product.name}` }, "Remove");
    remove.addEventListener("click", () => this.setQuantity(id, 0));
    return el(
      "li",
      { "data-product-id": id },
      el("span", { class: "line-name" }, line.product.name),
      el("label", { for: fieldId, class: "visually-hidden" }, `Quantity of ${line.product.name}`),
      quantity,
      el("span", { class: "num" }, money(price && { ...price, amount: price.amount * line.quantity })),
      remove,
    );
  }

  /** The compliance preview: whether `placeOrder` would take the cart, and every rule it breaks. */
  async check() {
    if (!this.account.token || !this.location || this.lines.size === 0) {
      this.checkBox.replaceChildren();
      return null;
    }
    const lines = this.orderLines();
    try {
      const { checkCart } = await graphql(
        CHECK_CART,
        { locationId: this.location.id, lines },
        this.account.token,
      );
      if (JSON.stringify(lines) === JSON.stringify(this.orderLines())) {
        this.checkBox.replaceChildren(...this.renderCheck(checkCart));
      }
      return checkCart;
    } catch (error) {
      this.checkBox.replaceChildren(el("p", { class: "bad" }, `Cart check failed: ${describe(error)}`));
      return null;
    }
  }

  renderCheck(check) {
    const notes = check.notes.map((note) => el("p", { class: "hint" }, note));
    if (check.allowed) {
      return [el("p", { class: "ok check" }, "✓ Within today's limits."), ...notes];
    }
    return [
      el("p", { class: "bad check" }, "This cart breaks a purchase rule:"),
      el(
        "ul",
        { class: "refusals" },
        // the message names the rule and its figures; the code is added when it does not
        check.refusals.map((refusal) =>
          el(
            "li",
            { "data-rule": refusal.rule },
            refusal.message.includes(refusal.rule) ? refusal.message : `${refusal.message} (${refusal.rule})`,
          ),
        ),
      ),
      ...notes,
    ];
  }

  /**
   * Checks the cart, then places it. The key is made once per cart content and reused by
   * every attempt (a second click while one is in flight joins it; a retry after a
   * failure sends the same key), so Canopy places the order at most once.
   */
  async placeOrder() {
    if (this.placing) {
      return this.placing;
    }
    this.placing = this.attempt();
    this.render();
    try {
      return await this.placing;
    } finally {
      this.placing = null;
      this.render();
    }
  }

  async attempt() {
    const check = await this.check();
    if (!check || !check.allowed) {
      this.hooks.announce("The order was not placed: see the cart check.");
      this.checkBox.focus();
      return null;
    }
    this.key ||= newKey();
    const input = {
      locationId: this.location.id,
      lines: this.orderLines(),
      fulfillment: "PICKUP",
      idempotencyKey: this.key,
    };
    let order;
    try {
      order = (await graphql(PLACE_ORDER, { input }, this.account.token)).placeOrder;
    } catch (error) {
      // the key stays: trying again cannot place a second order
      this.hooks.showError(`The order was not placed: ${describe(error)}`);
      return null;
    }
    this.lines.clear();
    this.key = null;
    this.render();
    this.checkBox.replaceChildren();
    this.followOrder(order);
    return order;
  }

  /** Shows `order` and follows its status until it is final. */
  followOrder(order) {
    this.follow?.socket.close();
    const panel = document.getElementById("order-panel");
    panel.hidden = false;
    panel.dataset.orderId = order.id;
    const summary = order.lines.map((line) => `${line.quantity} × ${line.product.name}`).join(", ");
    document.getElementById("order-heading").textContent = `Your order at ${order.location.name}`;
    panel.querySelector(".order-summary")?.remove();
    document
      .getElementById("order-steps")
      .before(el("p", { class: "order-summary muted" }, `${summary} · ${money(order.total)}`));
    this.showStatus(order);
    document.getElementById("order-heading").focus();
    const follow = { id: order.id, status: order.status };
    const live = socket(this.account.token, {
      // subscribed first (again after a reconnect), then the order is read, so no change is missed
      onConnected: () => {
        live.subscribe(
          { query: ORDER, variables: { id: order.id } },
          { next: (data) => data.order && this.statusChanged(follow, data.order), error: (errors) => this.hooks.showError(describe(fromErrors(errors))) },
        );
      },
      onClosed: (code) => this.hooks.showError(`Order updates stopped (close code ${code}).`),
    });
    follow.socket = live;
    this.follow = follow;
    live.subscribe(
      { query: ORDER_STATUS_CHANGED, variables: { orderId: order.id } },
      {
        next: (data) => this.statusChanged(follow, data.orderStatusChanged.order),
        error: (errors) => this.hooks.showError(`Order updates: ${describe(fromErrors(errors))}`),
      },
    );
  }

  statusChanged(follow, order) {
    if (this.follow !== follow || follow.status === order.status) {
      return;
    }
    follow.status = order.status;
    this.showStatus(order);
    if (FINAL.has(order.status)) {
      follow.socket.close();
      if (order.status === "COMPLETED") {
        this.hooks.onCompleted(order);
      }
    }
  }

  showStatus(order) {
    const status = document.getElementById("order-status");
    status.dataset.status = order.status;
    status.textContent = `Status: ${WORDS[order.status] || order.status}${order.statusReason ? ` (${order.statusReason})` : ""}`;
    const reached = STEPS.indexOf(order.status);
    document.getElementById("order-steps").replaceChildren(
      ...STEPS.map((step, index) =>
        el(
          "li",
          {
            class: index < reached ? "done" : index === reached ? "current" : "todo",
            "aria-current": index === reached ? "step" : false,
          },
          WORDS[step].split(":")[0],
        ),
      ),
    );
  }
}
