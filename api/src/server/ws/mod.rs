//! `GET /graphql/ws`: GraphQL subscriptions over websockets (`graphql-transport-ws`,
//! and the legacy `graphql-ws` for older clients).
//!
//! The token travels in the `connection_init` payload as `{"Authorization": "Bearer …"}`;
//! a bad token refuses the connection (close code 4403 `Forbidden`, as
//! graphql-transport-ws specifies), none makes the session anonymous. A client holding
//! its maximum of open sessions is refused the upgrade (429 `RATE_LIMITED`).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use async_graphql::{
    Data,
    http::{ALL_WEBSOCKET_PROTOCOLS, WebSocket, WebSocketProtocols, WsMessage},
};
use axum::{
    Extension,
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket as Socket},
    },
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::{SinkExt, StreamExt, future};

use super::{HttpState, limits::client::ClientIp};
use crate::{auth::Viewer, error::ApiError};

/// graphql-transport-ws close code for a refused `connection_init`.
const FORBIDDEN: u16 = 4403;
/// What a client over its session limit is told to wait before trying again.
const SESSION_RETRY: Duration = Duration::from_secs(5);
/// Read buffer of one session. The websocket library zero-fills its whole read buffer
/// before each read, so all of it stays resident for every open socket: 128 KiB by
/// default, which made idle subscribers cost about 150 KiB each. Client messages here
/// are small; a larger frame grows the buffer as it arrives.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// Upgrades to a GraphQL websocket session that ends with the server.
pub(super) async fn upgrade(
    State(state): State<HttpState>,
    Extension(ClientIp(client)): Extension<ClientIp>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(protocol) = protocol(&headers) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(permit) = state.sessions.acquire(client) else {
        return ApiError::RateLimited {
            retry_after: SESSION_RETRY,
        }
        .into_response();
    };
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            tokio::select! {
                () = serve(socket, &state, protocol) => {}
                () = state.shutdown.cancelled() => {}
            }
            drop(permit);
        })
}

/// Runs one session: async-graphql's protocol state machine between the socket's halves,
/// with the token checked at `connection_init`.
async fn serve(socket: Socket, state: &HttpState, protocol: WebSocketProtocols) {
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        });
    let refused = Arc::new(AtomicBool::new(false));
    let keys = Arc::clone(&state.app.jwt);
    let on_init = {
        let refused = Arc::clone(&refused);
        move |payload: serde_json::Value| async move {
            let viewer = Viewer::from_authorization(&keys, authorization(&payload));
            let viewer = viewer.map_err(|error| {
                refused.store(true, Ordering::Relaxed);
                ApiError::from(error).to_graphql_error()
            })?;
            let mut data = Data::default();
            data.insert(viewer);
            Ok(data)
        }
    };
    let mut output = WebSocket::new(state.schema.clone(), input, protocol)
        .on_connection_init(on_init)
        .map(|message| match message {
            WsMessage::Text(text) => Message::Text(text.into()),
            WsMessage::Close(code, reason) => {
                // async-graphql closes a refused init with 1002; the protocol says 4403.
                let code = if refused.load(Ordering::Relaxed) {
                    FORBIDDEN
                } else {
                    code
                };
                Message::Close(Some(CloseFrame {
                    code,
                    reason: reason.into(),
                }))
            }
        });
    while let Some(message) = output.next().await {
        if sink.send(message).await.is_err() {
            break;
        }
    }
}

/// The first GraphQL subprotocol the client offers in `Sec-WebSocket-Protocol`.
fn protocol(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())?
        .split(',')
        .find_map(|offered| offered.trim().parse().ok())
}

/// The `Authorization` entry of a `connection_init` payload (any capitalisation).
fn authorization(payload: &serde_json::Value) -> Option<&str> {
    payload
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
}
