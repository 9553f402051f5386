//! Who a request counts against for rate limits: the verified token's subject when it
//! carries one, the client's IP address otherwise (anonymous callers and bad tokens, so
//! forging tokens cannot mint fresh buckets).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{extract::ConnectInfo, http::Request};

use crate::auth::{JwtKeys, Role, Viewer};

/// The client's IP address: the peer's, or the one `X-Forwarded-For` names when
/// trusted proxies sit in front of the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(in crate::server) struct ClientIp(pub(in crate::server) IpAddr);

impl ClientIp {
    /// The address of the client that sent `request`. With `trusted_hops` proxies in
    /// front, the address the outermost trusted proxy saw (counting `X-Forwarded-For`
    /// entries from the right, which the proxies appended); the peer when there are
    /// fewer entries than hops or the entry is not an address. Without connection
    /// information (a router served without it) every client shares one address.
    pub(in crate::server) fn of<B>(request: &Request<B>, trusted_hops: usize) -> Self {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        if trusted_hops == 0 {
            return Self(peer);
        }
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let ip = forwarded
            .len()
            .checked_sub(trusted_hops)
            .and_then(|index| forwarded.get(index))
            .and_then(|entry| entry.parse().ok())
            .unwrap_or(peer);
        Self(ip)
    }
}

/// The bucket a request is counted in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(in crate::server) enum ClientKey {
    /// An authenticated caller: the role and subject of a verified token.
    Subject(Role, String),
    /// Anyone else, by IP address.
    Ip(IpAddr),
}

impl ClientKey {
    /// The bucket of a request from `ip` with these headers.
    pub(in crate::server) fn of(keys: &JwtKeys, headers: &http::HeaderMap, ip: ClientIp) -> Self {
        let token = Viewer::bearer_token(headers);
        match token.and_then(|token| keys.verify(token).ok()) {
            Some(claims) => Self::Subject(claims.role, claims.sub),
            None => Self::Ip(ip.0),
        }
    }
}
