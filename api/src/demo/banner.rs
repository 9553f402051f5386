//! What `serve --demo` says once it is up: where to go, and the tokens to get in.
//!
//! One short block on standard output: the GraphiQL, admin page and live stock widget
//! URLs, an admin token and a demo customer's token (signed with the demo's throwaway
//! secret, so they are worth nothing once the demo stops), and each simulator's URL.

use std::{
    fmt::Write,
    net::{Ipv4Addr, SocketAddr},
    time::Duration,
};

use entities::{customer, stock_level};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::Demo;
use crate::{
    auth::{AuthError, Role},
    state::AppState,
};

/// How long the printed tokens last (the demo's secret dies with the process anyway).
const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Why the banner could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BannerError {
    /// A token could not be signed.
    #[error(transparent)]
    Token(#[from] AuthError),
    /// The database could not be read.
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// The banner for the demo `demo` served by `state` at `addr`.
pub async fn banner(
    state: &AppState,
    demo: &Demo,
    addr: SocketAddr,
) -> Result<String, BannerError> {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(Ipv4Addr::LOCALHOST.into());
    }
    let base = format!("http://{addr}");
    let admin = state.jwt.mint(Role::Admin, "demo-admin", TOKEN_LIFETIME)?;
    let shopper = customer::Entity::find()
        .filter(customer::Column::Email.is_not_null())
        .filter(customer::Column::MergedIntoId.is_null())
        .order_by_asc(customer::Column::Email)
        .one(&state.db)
        .await?;
    let shelf = stock_level::Entity::find()
        .filter(stock_level::Column::OnHand.gt(0))
        .order_by_asc(stock_level::Column::Id)
        .one(&state.db)
        .await?;
    let mut text = String::new();
    let line = &mut text;
    let _ = writeln!(line, "\n  Canopy demo is running\n");
    let _ = writeln!(line, "  GraphiQL      {base}/graphql");
    let _ = writeln!(line, "  Admin page    {base}/admin");
    if let Some(shelf) = &shelf {
        let _ = writeln!(
            line,
            "  Stock widget  {base}/widget?product={}&location={}",
            shelf.product_id, shelf.location_id
        );
    }
    let _ = writeln!(
        line,
        "\n  Admin token (paste it into the admin page or GraphiQL's Authorization header):"
    );
    let _ = writeln!(line, "    {admin}");
    if let Some(shopper) = &shopper {
        let token = state
            .jwt
            .mint(Role::Customer, &shopper.id.to_string(), TOKEN_LIFETIME)?;
        let _ = writeln!(
            line,
            "  Customer token ({}):",
            shopper.email.as_deref().unwrap_or_default()
        );
        let _ = writeln!(line, "    {token}");
    }
    let _ = writeln!(line, "\n  POS simulators:");
    for simulator in demo.simulators().all() {
        let _ = writeln!(
            line,
            "    {:<10} {}",
            simulator.kind().label,
            simulator.simulator().base_url()
        );
    }
    let _ = writeln!(
        line,
        "\n  The tokens are signed with this run's throwaway secret: they end with it."
    );
    Ok(text)
}
