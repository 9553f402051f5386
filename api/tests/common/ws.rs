//! A graphql-transport-ws client for tests: open `/graphql/ws`, `connection_init` with an
//! optional token, subscribe, and read the next message of an operation.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{net::TcpStream, time::timeout};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use super::WAIT;

/// One websocket session with a Canopy server.
pub struct GqlSocket {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl GqlSocket {
    /// Opens a session on `addr` and completes `connection_init` (with `token` as a
    /// bearer token when given), asserting the server acknowledged it.
    pub async fn connect(addr: SocketAddr, token: Option<&str>) -> Self {
        let mut request = format!("ws://{addr}/graphql/ws")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, _) = timeout(WAIT, connect_async(request))
            .await
            .expect("websocket connect timed out")
            .unwrap();
        let mut session = Self { socket };
        let payload = token.map_or_else(
            || json!({}),
            |token| json!({ "Authorization": format!("Bearer {token}") }),
        );
        session
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        let ack = session
            .receive()
            .await
            .expect("closed before connection_ack");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        session
    }

    /// Starts operation `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id,
            "type": "subscribe",
            "payload": { "query": query, "variables": variables },
        }))
        .await;
    }

    /// Sends one protocol message.
    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .unwrap();
    }

    /// The next protocol message, answering pings; `None` once the server closed the
    /// socket. Fails after [`WAIT`].
    pub async fn receive(&mut self) -> Option<Value> {
        loop {
            match timeout(WAIT, self.socket.next())
                .await
                .expect("no websocket message in time")
            {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Some(message);
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
                Some(Ok(_)) => {}
            }
        }
    }

    /// The payload of the next `next` message of operation `id` (asserting no other
    /// operation spoke first).
    pub async fn next_payload(&mut self, id: &str) -> Value {
        let message = self.receive().await.expect("the server closed the socket");
        assert_eq!(message["id"], id, "{message}");
        assert_eq!(message["type"], "next", "{message}");
        message["payload"].clone()
    }

    /// Returns once the operations subscribed before it are registered: a query on the
    /// same socket has answered (the server handles one socket's messages in order).
    pub async fn sync_point(&mut self) {
        self.subscribe("sync", "{ apiVersion }", json!({})).await;
        let payload = self.next_payload("sync").await;
        assert!(payload["data"]["apiVersion"].is_string(), "{payload}");
        assert_eq!(self.receive().await.unwrap()["type"], "complete");
    }
}
