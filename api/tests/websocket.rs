//! `/graphql/ws`: the graphql-transport-ws handshake, token checks at `connection_init`,
//! and sessions ending with the server.
#![allow(clippy::unwrap_used)]

mod common;

use api::auth::Role;
use common::{TestApp, WAIT, spawn_app};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{net::TcpStream, time::timeout};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn open(app: &TestApp) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (socket, response) = connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next text message as JSON, or `None` when the server closed the socket.
async fn receive(socket: &mut Socket) -> Option<Value> {
    loop {
        match timeout(WAIT, socket.next())
            .await
            .expect("no message in time")
        {
            Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn authenticated_sessions_run_operations() {
    let app = spawn_app().await;
    let mut socket = open(&app).await;
    let token = app.token(Role::Storefront, "shop");
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(
        receive(&mut socket).await.unwrap()["type"],
        "connection_ack"
    );

    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ apiVersion }" } }),
    )
    .await;
    let next = receive(&mut socket).await.unwrap();
    assert_eq!(next["type"], "next");
    assert_eq!(
        next["payload"]["data"]["apiVersion"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(receive(&mut socket).await.unwrap()["type"], "complete");
}

#[tokio::test]
async fn bad_tokens_are_refused_at_connection_init() {
    let app = spawn_app().await;
    let mut socket = open(&app).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged.token.here" } }),
    )
    .await;
    assert_eq!(
        receive(&mut socket).await,
        None,
        "the server closes the socket"
    );
}

#[tokio::test]
async fn sessions_end_when_the_server_shuts_down() {
    let app = spawn_app().await;
    let mut socket = open(&app).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(
        receive(&mut socket).await.unwrap()["type"],
        "connection_ack"
    );

    app.stop().await.unwrap();
    assert_eq!(receive(&mut socket).await, None);
}
