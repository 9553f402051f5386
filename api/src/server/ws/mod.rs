//! `GET /graphql/ws`: GraphQL subscriptions over websockets (`graphql-transport-ws`,
//! and the legacy `graphql-ws` for older clients).
//!
//! The token travels in the `connection_init` payload as `{"Authorization": "Bearer …"}`;
//! a bad token refuses the connection (close code 4403 `Forbidden`, as
//! graphql-transport-ws specifies), none makes the session anonymous. A client holding
//! its maximum of open sessions is refused the upgrade (429 `RATE_LIMITED`). A client
//! that sends no `connection_init` within `CANOPY_WS_INIT_TIMEOUT` is closed with 4408.
//! [`gate`] enforces the rest of the protocol and the subscriptions-per-session cap
//! before async-graphql sees a message; closing the session drops every subscription.

mod gate;

use std::{
    sync::{
        Arc, Mutex, MutexGuard, PoisonError,
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
use bytes::Bytes;
use futures::{SinkExt, Stream, StreamExt, future};
use tokio::sync::mpsc;

use self::gate::{Gate, Verdict};
use super::{HttpState, limits::client::ClientIp};
use crate::{auth::Viewer, error::ApiError};

/// graphql-transport-ws close code for a refused `connection_init`.
const FORBIDDEN: u16 = 4403;
/// graphql-transport-ws close code for a `connection_init` that did not come in time.
const INIT_TIMEOUT: u16 = 4408;
/// The gate's answers waiting to be sent; a client that floods refused subscriptions
/// without reading waits for them to drain.
const ANSWER_BUFFER: usize = 16;
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

/// Runs one session: the client's messages pass the [`gate::Gate`] into async-graphql's
/// protocol state machine, whose output goes back with the gate's own answers; the token
/// is checked at `connection_init`, which must come within the init timeout.
async fn serve(socket: Socket, state: &HttpState, protocol: WebSocketProtocols) {
    let limits = &state.app.config.limits;
    let (mut sink, stream) = socket.split();
    let gate = Arc::new(Mutex::new(Gate::new(
        protocol,
        limits.max_subscriptions_per_socket,
    )));
    let (answer, mut answers) = mpsc::channel(ANSWER_BUFFER);
    let input = gated(stream, Arc::clone(&gate), answer);
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
    let observer = Arc::clone(&gate);
    let output = WebSocket::new(state.schema.clone(), input, protocol)
        .on_connection_init(on_init)
        .map(move |message| match message {
            WsMessage::Text(text) => {
                lock(&observer).observe(&text);
                Message::Text(text.into())
            }
            // async-graphql closes a refused init with 1002; the protocol says 4403.
            WsMessage::Close(_, reason) if refused.load(Ordering::Relaxed) => {
                close(FORBIDDEN, reason)
            }
            WsMessage::Close(code, reason) => close(code, reason),
        });
    let init_deadline = tokio::time::sleep(limits.ws_init_timeout);
    tokio::pin!(output, init_deadline);
    loop {
        let message = tokio::select! {
            message = output.next() => match message {
                Some(message) => message,
                None => break,
            },
            Some(message) = answers.recv() => message,
            () = &mut init_deadline, if !lock(&gate).initialised() => {
                close(INIT_TIMEOUT, "Connection initialisation timeout".to_owned())
            }
        };
        let closing = matches!(message, Message::Close(_));
        if sink.send(message).await.is_err() || closing {
            break;
        }
    }
}

/// The client's text and binary messages that the gate passes, until the socket fails;
/// the gate's answers and close frames go to `answer`.
fn gated(
    stream: impl Stream<Item = Result<Message, axum::Error>>,
    gate: Arc<Mutex<Gate>>,
    answer: mpsc::Sender<Message>,
) -> impl Stream<Item = Bytes> {
    stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(move |message| {
            let data = match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            };
            let verdict = data.map(|data| (lock(&gate).check(&data), data));
            let answer = answer.clone();
            async move {
                let reply = match verdict? {
                    (Verdict::Pass, data) => return Some(data),
                    (Verdict::Drop, _) => return None,
                    (Verdict::Answer(text), _) => Message::Text(text.into()),
                    (Verdict::Close(code, reason), _) => close(code, reason),
                };
                // Fails only once the session has ended.
                let _ = answer.send(reply).await;
                None
            }
        })
}

/// A close frame.
fn close(code: u16, reason: String) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// The gate, even if a panic elsewhere poisoned its lock (its state stays consistent).
fn lock(gate: &Mutex<Gate>) -> MutexGuard<'_, Gate> {
    gate.lock().unwrap_or_else(PoisonError::into_inner)
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
