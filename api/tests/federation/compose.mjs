// Composes Canopy's subgraph SDL (the file named by the first argument) with a small
// second subgraph that extends `Product` by key, using Apollo's own composition library.
// Exits 0 and prints the supergraph's entity types when composition succeeds; prints
// every composition error and exits 1 otherwise.
import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const [sdlPath] = process.argv.slice(2);
if (!sdlPath) {
  console.error("usage: node compose.mjs <canopy-subgraph.graphql>");
  process.exit(2);
}

// A second subgraph owning a field of Canopy's Product entity, resolved by Product.id.
const reviews = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  type Product @key(fields: "id") {
    id: ID!
    reviewCount: Int!
  }

  type Query {
    topReviewed: [Product!]!
  }
`;

const result = composeServices([
  { name: "canopy", url: "http://canopy.invalid/graphql", typeDefs: parse(readFileSync(sdlPath, "utf8")) },
  { name: "reviews", url: "http://reviews.invalid/graphql", typeDefs: parse(reviews) },
]);

if (result.errors && result.errors.length > 0) {
  for (const error of result.errors) {
    console.error(`composition error: ${error.message}`);
  }
  process.exit(1);
}

for (const hint of result.hints ?? []) {
  console.error(`hint: ${hint.definition.code}: ${hint.message}`);
}

// Report which subgraphs contribute to each entity, so the caller can check the join.
const schema = result.schema.toAPISchema().toGraphQLJSSchema();
const product = schema.getType("Product");
console.log(
  JSON.stringify({
    productFields: Object.keys(product.getFields()).sort(),
    entities: ["Product", "Location", "Customer", "Order"].filter((name) => schema.getType(name)),
  }),
);
