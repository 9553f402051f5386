/*
 * The menu of the chosen store, a page at a time: category filter and search (the
 * `products` query, paged by its cursor, "Show more" appending the next page), each
 * product's price there, and live stock from `stockChanged`, updated in place on every
 * loaded page and announced politely.
 */
import { graphql, socket, describe } from "./api.js";
import { CATEGORIES, MENU, STOCK_CHANGED } from "./operations.js";
import { el, money, label, amount, availability } from "./format.js";

/** Wait after the last keystroke before searching. */
const SEARCH_DELAY_MS = 300;
/** Products per page of the menu. */
const PAGE_SIZE = 24;
/** The most products one request asks for (Canopy's default `limits.max_first`). */
const MAX_FIRST = 100;

/**
 * Products per page: PAGE_SIZE, or `?pageSize=N` (1 to MAX_FIRST) on the page's URL,
 * which lets a test page through a small menu.
 */
function pageSize() {
  const asked = Number(new URLSearchParams(window.location.search).get("pageSize"));
  return Number.isInteger(asked) && asked >= 1 && asked <= MAX_FIRST ? asked : PAGE_SIZE;
}

/** "1 product", "57 products". */
function productCount(count) {
  return count === 1 ? "1 product" : `${count} products`;
}

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
    this.moreButton = document.getElementById("show-more");
    this.pageSize = pageSize();
    this.location = null;
    this.products = new Map(); // id → product shown (on any loaded page), with its live `available`
    this.levels = new Map(); // id → { available, at } latest known level at the store
    this.request = 0; // the newest reading of the menu (a store, filters, from page one)
    this.shown = 0; // the reading the list shows
    this.filters = null; // its store and filters
    this.cursor = null; // `after` for its next page, while it has one
    this.loadingMore = 0; // the reading whose next page is on its way, or 0
    this.reading = null; // the newest reading's request, while it is on its way
    this.connections = 0;
    this.live = socket(null, {
      // events are signals: after a reconnect, read the menu again (as much as is shown)
      onConnected: () => this.connections++ && this.reload({ keep: true }),
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
    this.moreButton.addEventListener("click", () => this.more());
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

  /**
   * Reads the menu again from its first page with the current filters; an answer to an
   * older reading is dropped. `keep` (after a reconnect) reads as many products as are
   * shown (up to MAX_FIRST), so the shopper keeps their place.
   */
  async reload({ keep = false } = {}) {
    if (!this.location) {
      return;
    }
    const request = ++this.request;
    const filters = {
      locationId: this.location.id,
      category: this.category.value || null,
      search: this.search.value.trim() || null,
    };
    const first = keep ? Math.min(MAX_FIRST, Math.max(this.pageSize, this.products.size)) : this.pageSize;
    this.list.setAttribute("aria-busy", "true");
    try {
      this.reading = graphql(MENU, { ...filters, first, after: null });
      const data = await this.reading;
      if (request === this.request) {
        this.shown = request;
        this.filters = filters;
        this.render(data.products, { announce: !keep });
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

  /**
   * Appends the next page of the reading shown, after the newer reading (a new store or
   * filter, from page one) on its way if there is one; drops the page when another
   * reading starts before it answers.
   */
  async more() {
    if (this.shown !== this.request) {
      // a newer reading is on its way: page after it rather than drop the shopper's press
      await this.reading?.catch(() => {});
    }
    const request = this.shown;
    if (!this.cursor || request !== this.request || this.loadingMore === request) {
      return;
    }
    this.loadingMore = request;
    this.moreButton.setAttribute("aria-disabled", "true");
    this.list.setAttribute("aria-busy", "true");
    try {
      const data = await graphql(MENU, { ...this.filters, first: this.pageSize, after: this.cursor });
      if (request === this.request) {
        this.append(data.products);
      }
    } catch (error) {
      if (request === this.request) {
        this.hooks.showError(`More of the menu could not be read: ${describe(error)}`);
      }
    } finally {
      if (this.loadingMore === request) {
        this.loadingMore = 0;
        this.moreButton.removeAttribute("aria-disabled");
      }
      if (request === this.request) {
        this.list.removeAttribute("aria-busy");
      }
    }
  }

  /** Shows the first page of a reading of the menu, in place of what was shown. */
  render(connection, { announce = true } = {}) {
    this.products.clear();
    this.list.replaceChildren(...this.cards(connection.nodes));
    if (!connection.nodes.length) {
      this.list.append(el("li", { class: "empty muted" }, "Nothing matches: try another category or search."));
    }
    this.paged(connection);
    if (announce) {
      this.hooks.announce(`${this.count.textContent}.`);
    }
  }

  /** Adds the next page below the others and moves the focus to its first product. */
  append(connection) {
    const cards = this.cards(connection.nodes.filter((product) => !this.products.has(product.id)));
    this.list.append(...cards);
    this.paged(connection);
    (cards[0] || this.list.lastElementChild)?.querySelector("h3")?.focus();
    this.hooks.announce(`Added ${productCount(cards.length)}. ${this.count.textContent}.`);
  }

  /**
   * Notes where the next page starts, shows how much of the menu is shown, and offers
   * "Show more" while there is more.
   */
  paged(connection) {
    const { hasNextPage, endCursor } = connection.pageInfo;
    this.cursor = hasNextPage ? endCursor : null;
    this.moreButton.hidden = !this.cursor;
    this.count.textContent = this.cursor
      ? `Showing ${this.products.size} of ${connection.totalCount} products`
      : productCount(this.products.size);
  }

  /** Cards for `nodes`, each product remembered with its newest known stock level. */
  cards(nodes) {
    return nodes.map((product) => {
      const stock = product.stock[0] || { available: 0, updatedAt: new Date(0).toISOString() };
      this.remember(product.id, stock.available, stock.updatedAt);
      const shown = { ...product, available: this.levels.get(product.id).available };
      this.products.set(product.id, shown);
      return this.card(shown);
    });
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
        el("h3", { id: headingId, tabindex: "-1" }, product.name),
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
