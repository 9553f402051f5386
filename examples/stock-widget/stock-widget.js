/*
 * Canopy live stock widget: shows how many units of a product are available at a
 * location and keeps the number current through a GraphQL subscription
 * (`stockChanged`) over Canopy's websocket endpoint, speaking the graphql-ws protocol
 * (`graphql-transport-ws`) through the client module it shares with the starter
 * storefront, `../shared/graphql-ws.js` (served at /shared/graphql-ws.js). No build step.
 *
 * Embed it where the number should appear:
 *
 *   <script src="https://canopy.example.com/widget/stock-widget.js"
 *           data-product="PRODUCT_ID" data-location="LOCATION_ID"></script>
 *
 * Optional attributes: data-token (a storefront token, sent at connection_init),
 * data-endpoint (the GraphQL URL, default: /graphql on the script's own origin),
 * data-target (a CSS selector of the element to render into, default: right after
 * the script tag). Without data-product / data-location the script reads `product`
 * and `location` from the page's query string (how /widget uses it).
 *
 * The number sits in an ARIA live region (role="status"), so screen readers announce
 * changes; its text starts with the number available, e.g. "3 available".
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    return;
  }
  var query = new URLSearchParams(window.location.search);
  var productId = script.dataset.product || query.get("product");
  var locationId = script.dataset.location || query.get("location");
  var token = script.dataset.token || null;
  var endpoint = new URL(script.dataset.endpoint || "/graphql", script.src);
  var SUBSCRIPTION =
    "subscription StockWidget($location: ID, $products: [ID!]) {" +
    " stockChanged(locationId: $location, productIds: $products) { available at } }";
  var CURRENT =
    "query StockWidgetNow($product: ID!, $location: ID) {" +
    " product(id: $product) { name stock(locationId: $location) { available updatedAt } } }";

  var region = render();
  if (!productId || !locationId) {
    show("Stock unavailable: the widget needs a product and a location.");
    return;
  }

  var shownAt = null; // time of the level on screen: older news never overwrites it
  // The websocket client shared with the starter storefront (examples/shared/), an ES
  // module loaded next to this script.
  import(new URL("../shared/graphql-ws.js", script.src).href).then(
    function (module) {
      connect(module.GraphQLSocket);
    },
    function () {
      show("Stock unavailable right now.");
    }
  );

  function render() {
    var element = document.createElement("span");
    element.className = "canopy-stock";
    element.setAttribute("role", "status");
    element.setAttribute("aria-live", "polite");
    element.setAttribute("aria-atomic", "true");
    element.textContent = "Checking stock…";
    var target = script.dataset.target && document.querySelector(script.dataset.target);
    if (target) {
      target.appendChild(element);
    } else {
      script.insertAdjacentElement("afterend", element);
    }
    return element;
  }

  function show(text) {
    if (region.textContent !== text) {
      region.textContent = text;
    }
  }

  function showLevel(available, at) {
    var time = Date.parse(at);
    if (shownAt !== null && time < shownAt) {
      return;
    }
    shownAt = time;
    region.dataset.available = String(available);
    show(available > 0 ? available + " available" : "0 available (sold out)");
  }

  function unavailable() {
    show("Stock unavailable right now.");
  }

  function connect(GraphQLSocket) {
    var socket = new GraphQLSocket(endpoint, {
      token: token,
      // Subscribed first (again after a reconnect), then the current level is read,
      // so no change falls in between.
      onConnected: function () {
        socket.subscribe(
          { query: CURRENT, variables: { product: productId, location: locationId } },
          { next: onCurrent, error: unavailable }
        );
      },
      onClosed: function (code) {
        show(code === 4403 ? "Stock unavailable: access refused." : "Stock unavailable right now.");
      },
    });
    socket.subscribe(
      { query: SUBSCRIPTION, variables: { location: locationId, products: [productId] } },
      {
        next: function (data) {
          showLevel(data.stockChanged.available, data.stockChanged.at);
        },
        error: unavailable,
      }
    );
  }

  function onCurrent(data) {
    var level = data.product && data.product.stock[0];
    if (!data.product) {
      show("Stock unavailable: unknown product.");
    } else if (level) {
      showLevel(level.available, level.updatedAt);
    } else {
      showLevel(0, new Date(0).toISOString());
    }
  }
})();
