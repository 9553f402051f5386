/* Small helpers for building the page: elements, money, enum labels. */

/** `document.createElement(tag)` with attributes (`class`, `data-*`, …) and children. */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

/** "$12.99" for `{ amount: 1299, currency: "USD" }`; "" for no price. */
export function money(value) {
  if (!value) {
    return "";
  }
  return new Intl.NumberFormat(undefined, { style: "currency", currency: value.currency }).format(
    value.amount / 100,
  );
}

/** "PRE_ROLL" → "Pre roll". */
export function label(name) {
  const words = String(name).toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A number without trailing zeros ("28.5", "16"). */
export function amount(value) {
  return String(Math.round(value * 100) / 100);
}

/** A date and time in the reader's locale. */
export function when(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "3 available", "Sold out". */
export function availability(available) {
  return available > 0 ? `${available} available` : "Sold out";
}

/** A random idempotency key (a UUID v4; crypto.randomUUID needs a secure context). */
export function newKey() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
