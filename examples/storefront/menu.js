/*
 * The menu of the chosen store: category filter and search (the `products` query),
 * each product's price there, and live stock from `stockChanged`, updated in place
 * and announced politely.
 */
import { graphql, socket, describe } from "./api.js";
import { CATEGORIES, MENU, STOCK_CHANGED } from "./operations.js";
import { el, money, label, amount, availability } from "./format.js";

/** Wait after the last keystroke before searching. */
const SEARCH_DELAY_MS = 300;

export class Menu {
  /**
   * @param {{onAdd: (product: object) => void, announce: (text: string) => void,
   *          showError: (text: string) => void}} hooks
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.list = document.getElementById("products");
    this.count = document.getElementById("menu-count");
    this.category = document.getElementById("category");
    this.search = document.getElementById("search");
    this.location = null;
    this.products = new Map(); // id → product shown, with its live `available`
    this.levels = new Map(); // id → { available, at } latest known level at the store
    this.request = 0;
    this.connections = 0;
    this.live = socket(null, {
      // events are signals: after a reconnect, read the menu again
      onConnected: () => this.connections++ && this.reload(),
      onClosed: (code) => this.hooks.showError(`Live stock stopped (close code ${code}).`),
    });
    this.stopLive = null;

    document.getElementById("filters").addEventListener("submit", (event) => {
      event.preventDefault();
      this.reload();
    });
    this.category.addEventListener("change", () => this.reload());
    let timer = null;
    this.search.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => this.reload(), SEARCH_DELAY_MS);
    });
  }

  /** Fills the category filter from the schema's ProductCategory enum. */
  async loadCategories() {
    const data = await graphql(CATEGORIES);
    for (const value of data.__type.enumValues) {
      this.category.append(el("option", { value: value.name }, label(value.name)));
    }
  }

  /** Shows the menu of `location` and follows its stock. */
  async show(location) {
    this.location = location;
    this.levels.clear();
    this.stopLive?.();
    this.stopLive = this.live.subscribe(
      { query: STOCK_CHANGED, variables: { locationId: location.id } },
      {
        next: (data) => this.stockChanged(data.stockChanged),
        error: (errors) => this.hooks.showError(`Live stock: ${errors[0]?.message}`),
      },
    );
    await this.reload();
  }

  /** Reads the menu again with the current filters. */
  async reload() {
    if (!this.location) {
      return;
    }
    const request = ++this.request;
    const variables = {
      locationId: this.location.id,
      category: this.category.value || null,
      search: this.search.value.trim() || null,
    };
    this.list.setAttribute("aria-busy", "true");
    try {
      const data = await graphql(MENU, variables);
      if (request === this.request) {
        this.render(data.products);
      }
    } catch (error) {
      if (request === this.request) {
        this.hooks.showError(`The menu could not be read: ${describe(error)}`);
      }
    } finally {
      if (request === this.request) {
        this.list.removeAttribute("aria-busy");
      }
    }
  }

  /** A product shown on the menu, or undefined. */
  product(id) {
    return this.products.get(id);
  }

  render(connection) {
    this.products.clear();
    const items = connection.nodes.map((product) => {
      const stock = product.stock[0] || { available: 0, updatedAt: new Date(0).toISOString() };
      this.remember(product.id, stock.available, stock.updatedAt);
      const shown = { ...product, available: this.levels.get(product.id).available };
      this.products.set(product.id, shown);
      return this.card(shown);
    });
    this.list.replaceChildren(...items);
    const more = connection.totalCount > connection.nodes.length ? ` (first ${connection.nodes.length} shown)` : "";
    this.count.textContent =
      connection.totalCount === 1 ? "1 product" : `${connection.totalCount} products${more}`;
    if (!items.length) {
      this.list.append(el("li", { class: "empty muted" }, "Nothing matches: try another category or search."));
    }
  }

  card(product) {
    const headingId = `product-${product.id}`;
    const facts = [
      label(product.category),
      product.strainType && product.strainType !== "NONE" ? label(product.strainType) : null,
      product.thc ? `THC ${amount(product.thc.value)}${product.thc.unit === "PERCENT" ? "%" : " " + product.thc.unit.toLowerCase().replaceAll("_per_", "/")}` : null,
      product.netWeight ? `${amount(product.netWeight.value)} ${product.netWeight.unit.toLowerCase()}` : null,
    ].filter(Boolean);
    const add = el(
      "button",
      { type: "button", class: "add", "aria-describedby": headingId, disabled: product.available <= 0 },
      "Add to cart",
    );
    add.addEventListener("click", () => this.hooks.onAdd(this.products.get(product.id)));
    return el(
      "li",
      { class: "product", "data-product-id": product.id, "data-category": product.category },
      el("span", { class: `swatch cat-${product.category.toLowerCase()}`, "aria-hidden": "true" }, product.name.charAt(0)),
      el(
        "div",
        { class: "product-body" },
        el("h3", { id: headingId }, product.name),
        product.brand ? el("p", { class: "muted brand-name" }, product.brand) : null,
        el("p", { class: "facts" }, facts.join(" · ")),
      ),
      el(
        "div",
        { class: "product-buy" },
        el(
          "div",
          { class: "price-stock" },
          el(
            "p",
            { class: "price" },
            money(product.price) || "Price at the counter",
            product.medicalPrice && product.medicalPrice.amount !== product.price?.amount
              ? el("span", { class: "medical" }, `medical ${money(product.medicalPrice)}`)
              : null,
          ),
          el(
            "p",
            { class: `stock ${product.available > 0 ? "in" : "out"}`, "data-available": product.available },
            availability(product.available),
          ),
        ),
        add,
      ),
    );
  }

  /** Keeps the newest level of a product: older news never overwrites it. */
  remember(id, available, at) {
    const known = this.levels.get(id);
    if (known && Date.parse(at) < Date.parse(known.at)) {
      return false;
    }
    this.levels.set(id, { available, at });
    return true;
  }

  stockChanged(event) {
    const id = event.product.id;
    if (!this.remember(id, event.available, event.at)) {
      return;
    }
    const product = this.products.get(id);
    if (!product || product.available === event.available) {
      return;
    }
    product.available = event.available;
    const item = this.list.querySelector(`[data-product-id="${id}"]`);
    const stock = item?.querySelector(".stock");
    if (stock) {
      stock.textContent = availability(event.available);
      stock.dataset.available = String(event.available);
      stock.className = `stock ${event.available > 0 ? "in" : "out"} changed`;
      item.querySelector("button.add").disabled = event.available <= 0;
    }
    this.hooks.announce(`${product.name}: ${availability(event.available).toLowerCase()}.`);
    this.hooks.stockChanged?.(product);
  }
}
