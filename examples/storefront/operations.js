/*
 * The GraphQL operations the storefront sends (README's "Build a storefront" shows
 * them). Public: the stores, a store's menu, live stock. As the signed-in customer:
 * their profile, allowances, the cart check, placing an order and following it, and
 * their purchase history.
 */

export const LOCATIONS = `query Locations {
  locations { id name city }
}`;

/** The categories (the schema's ProductCategory enum), for the filter. */
export const CATEGORIES = `query Categories {
  __type(name: "ProductCategory") { enumValues { name } }
}`;

/**
 * One page of a store's menu: `first` products after the cursor `after` (null for the
 * first page); `pageInfo.endCursor` is the next page's `after` while `hasNextPage`.
 */
export const MENU = `query Menu($locationId: ID!, $category: ProductCategory, $search: String,
    $first: Int!, $after: String) {
  products(locationId: $locationId, category: $category, search: $search,
      first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id name brand category strainType
      thc { value unit }
      netWeight { value unit }
      price(locationId: $locationId) { amount currency }
      medicalPrice(locationId: $locationId) { amount currency }
      maxPerTransaction(locationId: $locationId)
      stock(locationId: $locationId) { available updatedAt }
    }
  }
}`;

export const STOCK_CHANGED = `subscription LiveStock($locationId: ID) {
  stockChanged(locationId: $locationId) { product { id } available at }
}`;

export const ME = `query Me { me { id firstName lastName email } }`;

export const ALLOWANCES = `query Allowances($locationId: ID!) {
  allowances(locationId: $locationId) {
    market residency notes
    limits { ruleCode description unit window windowDays used limit remaining }
  }
}`;

export const CHECK_CART = `query CheckCart($locationId: ID!, $lines: [OrderLineInput!]!) {
  checkCart(locationId: $locationId, lines: $lines) {
    allowed notes
    refusals { rule message }
  }
}`;

const ORDER_FIELDS = `id status statusReason
  total { amount currency }
  location { name }
  lines { quantity product { name } }`;

export const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { ${ORDER_FIELDS} }
}`;

export const ORDER = `query Order($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

export const ORDER_STATUS_CHANGED = `subscription FollowOrder($orderId: ID) {
  orderStatusChanged(orderId: $orderId) { to order { id status statusReason } }
}`;

export const PURCHASE_HISTORY = `query PurchaseHistory {
  me {
    purchaseHistory(first: 20) {
      totalCount
      nodes {
        id source occurredAt isReturn isVoid
        total { amount currency }
        location { name }
        order { id }
      }
    }
  }
}`;
