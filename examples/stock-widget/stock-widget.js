/*
 * Canopy live stock widget: shows how many units of a product are available at a
 * location and keeps the number current through a GraphQL subscription
 * (`stockChanged`) over Canopy's websocket endpoint, speaking the graphql-ws protocol
 * (`graphql-transport-ws`). No dependencies, no build step.
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
  var socketUrl = new URL(endpoint.href.replace(/\/$/, "") + "/ws");
  socketUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  var MAX_RETRY_MS = 30000;
  var LIVE = "live";
  var NOW = "now";
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
  var retries = 0;
  connect();

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

  function connect() {
    var socket = new WebSocket(socketUrl.href, "graphql-transport-ws");
    socket.onopen = function () {
      var payload = token ? { Authorization: "Bearer " + token } : {};
      send(socket, { type: "connection_init", payload: payload });
    };
    socket.onmessage = function (message) {
      var data;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      receive(socket, data);
    };
    socket.onclose = function (event) {
      if (event.code === 4403) {
        show("Stock unavailable: access refused.");
        return;
      }
      // Reconnect with capped, jittered backoff; the current level is fetched again.
      var delay = Math.min(MAX_RETRY_MS, 500 * Math.pow(2, retries)) * (0.5 + Math.random() / 2);
      retries += 1;
      window.setTimeout(connect, delay);
    };
  }

  function receive(socket, data) {
    switch (data.type) {
      case "connection_ack":
        retries = 0;
        // Subscribe first, then read the current level, so no change falls in between.
        send(socket, {
          id: LIVE,
          type: "subscribe",
          payload: {
            query: SUBSCRIPTION,
            variables: { location: locationId, products: [productId] },
          },
        });
        send(socket, {
          id: NOW,
          type: "subscribe",
          payload: { query: CURRENT, variables: { product: productId, location: locationId } },
        });
        break;
      case "ping":
        send(socket, { type: "pong" });
        break;
      case "next":
        onResult(data.id, data.payload || {});
        break;
      case "error":
        show("Stock unavailable right now.");
        break;
      default:
        break;
    }
  }

  function onResult(id, payload) {
    var data = payload.data;
    if (payload.errors || !data) {
      show("Stock unavailable right now.");
    } else if (id === LIVE && data.stockChanged) {
      showLevel(data.stockChanged.available, data.stockChanged.at);
    } else if (id === NOW) {
      var level = data.product && data.product.stock[0];
      if (!data.product) {
        show("Stock unavailable: unknown product.");
      } else if (level) {
        showLevel(level.available, level.updatedAt);
      } else {
        showLevel(0, new Date(0).toISOString());
      }
    }
  }

  function send(socket, message) {
    if (socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }
})();
