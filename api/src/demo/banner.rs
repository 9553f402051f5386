//! What `serve --demo` says once it is up: where to go, and the tokens to get in.
//!
//! One short block on standard output: the GraphiQL, admin page, storefront and live
//! stock widget URLs, an admin token and a demo customer's token from the
//! [`DemoSession`] (signed with the demo's throwaway secret, so they are worth nothing
//! once the demo stops), and each simulator's URL.

use std::{
    fmt::Write,
    net::{Ipv4Addr, SocketAddr},
};

use super::session::DemoSession;

/// The banner for `session`, served at `addr`.
pub fn banner(session: &DemoSession, addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(Ipv4Addr::LOCALHOST.into());
    }
    let base = format!("http://{addr}");
    let mut text = String::new();
    let line = &mut text;
    let _ = writeln!(line, "\n  Canopy demo is running\n");
    let _ = writeln!(line, "  GraphiQL      {base}/graphql");
    let _ = writeln!(line, "  Admin page    {base}/admin");
    let _ = writeln!(line, "  Storefront    {base}/storefront/");
    if let Some(shelf) = &session.shelf {
        let _ = writeln!(
            line,
            "  Stock widget  {base}/widget?product={}&location={}",
            shelf.product_id, shelf.location_id
        );
    }
    let _ = writeln!(
        line,
        "\n  Admin token (the admin page offers it in one click; or paste it into GraphiQL's Authorization header):"
    );
    let _ = writeln!(line, "    {}", session.admin_token);
    if let Some(shopper) = session.customers.first() {
        let _ = writeln!(line, "  Customer token ({}):", shopper.email);
        let _ = writeln!(line, "    {}", shopper.token);
    }
    let _ = writeln!(line, "\n  POS simulators:");
    for simulator in &session.simulators {
        let _ = writeln!(line, "    {:<10} {}", simulator.kind, simulator.url);
    }
    let _ = writeln!(
        line,
        "\n  The tokens are signed with this run's throwaway secret: they end with it."
    );
    text
}
