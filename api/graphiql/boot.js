// Starts GraphiQL on Canopy's GraphQL endpoint. Its own file (not inline) so the page's
// Content-Security-Policy can forbid inline script. Queries and mutations go over HTTP
// to the script tag's data-endpoint, subscriptions over graphql-ws (graphql-transport-ws)
// to data-subscriptions, as ws:// or wss:// on this page's host.
(() => {
  'use strict';

  const script = document.currentScript;
  const endpoint = new URL(script.dataset.endpoint, window.location.href);
  const subscriptions = new URL(script.dataset.subscriptions, window.location.href);
  subscriptions.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

  const fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: subscriptions.href,
  });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
})();
