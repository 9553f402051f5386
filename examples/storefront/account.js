/*
 * The customer: sign in as a demo customer (from /demo/session, which `serve --demo`
 * serves) or with a pasted customer token; what is left of today's allowances at the
 * chosen store (`allowances`); purchase history online and in store
 * (`me { purchaseHistory }`).
 */
import { graphql, describe } from "./api.js";
import { ME, ALLOWANCES, PURCHASE_HISTORY } from "./operations.js";
import { el, money, label, amount, when } from "./format.js";

/** The demo's session (tokens of a few demo customers); absent outside the demo. */
const DEMO_SESSION = "/demo/session";
/** Where the token is kept while the tab is open. */
const STORAGE_KEY = "canopy-storefront-token";

export class Account {
  /**
   * @param {{onChange: () => void, showError: (text: string) => void}} hooks
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.token = null;
    this.customer = null;
    this.location = null;
    this.market = null; // the market the customer buys under at the store
    this.history = document.querySelector("#history tbody");
    this.historyNote = document.getElementById("history-note");
    document.getElementById("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const field = document.getElementById("token");
      this.signIn(field.value.trim()).then((ok) => ok && (field.value = ""));
    });
    document.getElementById("sign-out").addEventListener("click", () => this.signOut());
    document.getElementById("history-refresh").addEventListener("click", () => this.loadHistory());
  }

  /** Offers the demo's customers, and signs in again with the tab's token. */
  async start() {
    this.offerDemoCustomers();
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved) {
      await this.signIn(saved, { quiet: true });
    }
  }

  async offerDemoCustomers() {
    let session;
    try {
      const response = await fetch(DEMO_SESSION, { signal: AbortSignal.timeout(10000) });
      if (!response.ok) {
        return; // not a demo: the token form is the way in
      }
      session = await response.json();
    } catch {
      return;
    }
    const list = document.getElementById("customer-list");
    list.replaceChildren(
      ...session.customers.map((customer) => {
        const button = el(
          "button",
          { type: "button", class: "customer", "data-email": customer.email },
          el("span", {}, customer.name || customer.email),
          el("span", { class: "muted" }, customer.email),
        );
        button.addEventListener("click", () => this.signIn(customer.token));
        return el("li", {}, button);
      }),
    );
    document.getElementById("demo-customers").hidden = session.customers.length === 0;
  }

  /** Signs in with `token` when Canopy knows it as a customer's; whether it did. */
  async signIn(token, { quiet = false } = {}) {
    let me;
    try {
      me = (await graphql(ME, {}, token)).me;
    } catch (error) {
      if (!quiet) {
        this.hooks.showError(`Sign-in failed: ${describe(error)}`);
      }
      sessionStorage.removeItem(STORAGE_KEY);
      return false;
    }
    if (!me) {
      if (!quiet) {
        this.hooks.showError("Sign-in failed: that is not a customer token (FORBIDDEN)");
      }
      return false;
    }
    this.token = token;
    this.customer = me;
    sessionStorage.setItem(STORAGE_KEY, token);
    const name = [me.firstName, me.lastName].filter(Boolean).join(" ") || me.email || "customer";
    document.getElementById("customer-name").textContent = name;
    document.getElementById("customer-email").textContent = me.email || "";
    document.getElementById("who").textContent = `Signed in: ${name}`;
    document.getElementById("signed-out").hidden = true;
    document.getElementById("signed-in").hidden = false;
    document.getElementById("history-panel").hidden = false;
    if (!quiet) {
      document.getElementById("account-heading").focus();
    }
    this.hooks.onChange();
    await Promise.all([this.loadAllowances(), this.loadHistory()]);
    return true;
  }

  signOut() {
    this.token = null;
    this.customer = null;
    this.market = null;
    sessionStorage.removeItem(STORAGE_KEY);
    document.getElementById("who").textContent = "Not signed in";
    document.getElementById("signed-out").hidden = false;
    document.getElementById("signed-in").hidden = true;
    document.getElementById("history-panel").hidden = true;
    this.history.replaceChildren();
    document.getElementById("account-heading").focus();
    this.hooks.onChange();
  }

  /** Follows the chosen store (allowances are per store). */
  setLocation(location) {
    this.location = location;
    document.getElementById("allowances-store").textContent = `at ${location.name}`;
    return this.loadAllowances();
  }

  /** What is left of the customer's allowances at the store. */
  async loadAllowances() {
    const box = document.getElementById("allowances");
    if (!this.token || !this.location) {
      return;
    }
    try {
      const { allowances } = await graphql(ALLOWANCES, { locationId: this.location.id }, this.token);
      box.replaceChildren(...this.renderAllowances(allowances));
      if (this.market !== allowances.market) {
        this.market = allowances.market;
        this.hooks.onChange();
      }
    } catch (error) {
      box.replaceChildren(el("p", { class: "bad" }, `Allowances unavailable: ${describe(error)}`));
    }
  }

  renderAllowances(allowances) {
    if (!allowances.market) {
      return [el("p", { class: "bad" }, "This store cannot sell to you.")];
    }
    const header = el(
      "p",
      { class: "muted" },
      `${label(allowances.market)}${allowances.residency ? ", " + label(allowances.residency).toLowerCase() : ""}`,
    );
    const limits = allowances.limits.map((limit) => {
      const window = limit.window === "ROLLING_DAYS" ? `last ${limit.windowDays} days` : label(limit.window).toLowerCase();
      return el(
        "li",
        { "data-rule": limit.ruleCode },
        el("span", { class: "limit-name" }, limit.description),
        el("meter", { min: 0, max: limit.limit, value: limit.used, "aria-label": `${limit.ruleCode} used` }),
        el(
          "span",
          { class: "limit-left" },
          `${amount(limit.remaining)} ${limit.unit} left of ${amount(limit.limit)} ${limit.unit} (${window})`,
        ),
      );
    });
    const notes = allowances.notes.map((note) => el("p", { class: "hint" }, note));
    return [header, el("ul", { class: "allowances" }, limits), ...notes];
  }

  /** The purchase history, online and in store; the purchases shown. */
  async loadHistory() {
    if (!this.token) {
      return [];
    }
    try {
      const { me } = await graphql(PURCHASE_HISTORY, {}, this.token);
      const page = me.purchaseHistory;
      this.history.replaceChildren(...page.nodes.map((purchase) => this.row(purchase)));
      this.historyNote.textContent =
        page.totalCount === 0
          ? "No purchases yet."
          : `${page.totalCount} ${page.totalCount === 1 ? "purchase" : "purchases"}, newest first.`;
      return page.nodes;
    } catch (error) {
      this.historyNote.textContent = `Purchase history unavailable: ${describe(error)}`;
      return [];
    }
  }

  row(purchase) {
    const kind = purchase.isVoid ? "voided" : purchase.isReturn ? "return" : null;
    return el(
      "tr",
      { "data-order-id": purchase.order?.id, "data-source": purchase.source },
      el("td", {}, when(purchase.occurredAt)),
      el(
        "td",
        {},
        purchase.location.name,
        el("br"),
        el("span", { class: `tag ${purchase.source === "ONLINE" ? "online" : "store"}` }, purchase.source === "ONLINE" ? "Online order" : "In store"),
        kind ? el("span", { class: "tag" }, kind) : null,
      ),
      el("td", { class: "num" }, money(purchase.total)),
    );
  }
}
