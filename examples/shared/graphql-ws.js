/*
 * A small GraphQL-over-websocket client (the graphql-ws protocol,
 * `graphql-transport-ws`) shared by Canopy's examples: the live stock widget and the
 * starter storefront. No dependencies, no build step; an ES module.
 *
 *   import { GraphQLSocket } from "../shared/graphql-ws.js";
 *   const socket = new GraphQLSocket("/graphql", { token, onConnected, onClosed });
 *   const stop = socket.subscribe({ query, variables }, {
 *     next(data) { … }, error(errors) { … }, complete() { … },
 *   });
 *
 * The websocket is `<endpoint>/ws`, opened on the first subscription. Subscriptions
 * outlive a dropped connection: after a reconnect (capped, jittered backoff) each one
 * still running is sent again, then `onConnected` is called so the caller can read
 * again what it may have missed (events are signals). A refused connection (close
 * codes 4400, 4401, 4403) is not retried: `onClosed(code, reason)` says why.
 */

/** The subprotocol Canopy speaks on /graphql/ws. */
const PROTOCOL = "graphql-transport-ws";
/** Longest wait between two reconnection attempts. */
const MAX_RETRY_MS = 30000;
/** Close codes that say the connection was refused: retrying would not help. */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403]);

/** The websocket URL of the GraphQL endpoint `endpoint` (absolute or relative to the page). */
export function socketUrl(endpoint) {
  const url = new URL(String(endpoint).replace(/\/$/, "") + "/ws", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url;
}

/** One connection to Canopy's websocket endpoint, carrying any number of operations. */
export class GraphQLSocket {
  /**
   * @param {string|URL} endpoint the GraphQL URL, e.g. "/graphql"
   * @param {{token?: string|null, onConnected?: () => void,
   *          onClosed?: (code: number, reason: string) => void}} [options]
   */
  constructor(endpoint, options = {}) {
    this.url = socketUrl(endpoint);
    this.token = options.token || null;
    this.onConnected = options.onConnected || (() => {});
    this.onClosed = options.onClosed || (() => {});
    this.operations = new Map();
    this.nextId = 1;
    this.retries = 0;
    this.socket = null;
    this.acknowledged = false;
    this.stopped = false;
  }

  /**
   * Starts an operation (a subscription, or a query answered once then completed);
   * returns a function that stops it.
   */
  subscribe(payload, sink) {
    const id = String(this.nextId++);
    this.operations.set(id, { payload, sink });
    if (this.acknowledged) {
      this.send({ id, type: "subscribe", payload });
    } else {
      this.open();
    }
    return () => {
      if (this.operations.delete(id)) {
        this.send({ id, type: "complete" });
      }
    };
  }

  /** Closes the connection for good; running operations end without a word. */
  close() {
    this.stopped = true;
    this.operations.clear();
    if (this.socket) {
      this.socket.close(1000, "Normal Closure");
    }
  }

  open() {
    if (this.socket || this.stopped) {
      return;
    }
    const socket = new WebSocket(this.url.href, PROTOCOL);
    this.socket = socket;
    socket.onopen = () => {
      const payload = this.token ? { Authorization: "Bearer " + this.token } : {};
      this.send({ type: "connection_init", payload });
    };
    socket.onmessage = (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      this.receive(data);
    };
    socket.onclose = (event) => {
      this.socket = null;
      this.acknowledged = false;
      if (this.stopped) {
        return;
      }
      if (FATAL_CLOSE_CODES.has(event.code)) {
        this.stopped = true;
        this.onClosed(event.code, event.reason);
        return;
      }
      const base = Math.min(MAX_RETRY_MS, 500 * Math.pow(2, this.retries));
      this.retries += 1;
      window.setTimeout(() => this.open(), base * (0.5 + Math.random() / 2));
    };
  }

  receive(data) {
    const operation = data.id ? this.operations.get(data.id) : null;
    switch (data.type) {
      case "connection_ack":
        this.acknowledged = true;
        this.retries = 0;
        for (const [id, { payload }] of this.operations) {
          this.send({ id, type: "subscribe", payload });
        }
        this.onConnected();
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      case "next":
        if (operation) {
          const result = data.payload || {};
          if (result.errors && result.errors.length) {
            operation.sink.error?.(result.errors);
          } else {
            operation.sink.next?.(result.data);
          }
        }
        break;
      case "error":
        if (operation) {
          this.operations.delete(data.id);
          operation.sink.error?.(Array.isArray(data.payload) ? data.payload : [data.payload]);
        }
        break;
      case "complete":
        if (operation) {
          this.operations.delete(data.id);
          operation.sink.complete?.();
        }
        break;
      default:
        break;
    }
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }
}
