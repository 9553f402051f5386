/*
 * Talking to Canopy: queries and mutations over HTTP (POST /graphql), subscriptions
 * over the websocket client shared with the stock widget, and errors in words with
 * their code.
 */
import { GraphQLSocket } from "../shared/graphql-ws.js";

/** The GraphQL endpoint, on the page's own origin. */
export const ENDPOINT = "/graphql";
/** How long one HTTP request may take. */
const TIMEOUT_MS = 15000;

/** A failed request: the first error's message and code (`extensions.code`). */
export class ApiError extends Error {
  constructor(message, code, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  /** "Message (CODE)", for the page. */
  describe() {
    return this.code ? `${this.message} (${this.code})` : this.message;
  }
}

/** The error of a GraphQL `errors` list. */
export function fromErrors(errors) {
  const first = errors[0] || {};
  return new ApiError(
    first.message || "The request failed",
    first.extensions?.code || "UNKNOWN",
    first.extensions || {},
  );
}

/** Words for any failure, with its code. */
export function describe(error) {
  return error instanceof ApiError ? error.describe() : `${error.message || error} (CLIENT_ERROR)`;
}

/**
 * Runs `query` with `variables`, as `token` when given; the `data`, or an ApiError.
 * Timeouts and network failures are ApiErrors too (`NETWORK_ERROR`).
 */
export async function graphql(query, variables = {}, token = null) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new ApiError(`Canopy could not be reached: ${error.message}`, "NETWORK_ERROR");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`Canopy answered HTTP ${response.status}`, `HTTP_${response.status}`);
  }
  if (body.errors && body.errors.length) {
    throw fromErrors(body.errors);
  }
  if (!response.ok || !body.data) {
    throw new ApiError(`Canopy answered HTTP ${response.status}`, `HTTP_${response.status}`);
  }
  return body.data;
}

/** A websocket to Canopy, signed in as `token` when given (see GraphQLSocket). */
export function socket(token, options = {}) {
  return new GraphQLSocket(ENDPOINT, { ...options, token });
}
