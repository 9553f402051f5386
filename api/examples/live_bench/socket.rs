//! One `graphql-transport-ws` session on `/graphql/ws`: `connection_init`, subscribe,
//! a sync point (a query answered on the same socket, so earlier subscriptions are
//! registered), then the payloads of `next` messages as they arrive.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

pub struct Subscriber {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Subscriber {
    /// Opens a session on the server at `base` (`http://host:port`).
    pub async fn open(base: &str) -> Result<Self, String> {
        let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, _) = connect_async(request).await.map_err(|e| e.to_string())?;
        let mut session = Self { socket };
        session
            .send(json!({"type": "connection_init", "payload": {}}))
            .await?;
        match session.receive().await {
            Some(ack) if ack["type"] == "connection_ack" => Ok(session),
            other => Err(format!("no connection_ack: {other:?}")),
        }
    }

    /// Starts `query` as operation `id`, then waits until the server has registered it.
    pub async fn subscribe(
        &mut self,
        id: &str,
        query: &str,
        variables: Value,
    ) -> Result<(), String> {
        self.send(json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}))
            .await?;
        self.send(
            json!({"id": "sync", "type": "subscribe", "payload": {"query": "{ apiVersion }"}}),
        )
        .await?;
        loop {
            match self.receive().await {
                Some(message) if message["id"] == "sync" && message["type"] == "complete" => {
                    return Ok(());
                }
                Some(message) if message["type"] == "error" => return Err(message.to_string()),
                Some(_) => {}
                None => return Err("closed while subscribing".to_owned()),
            }
        }
    }

    /// The `data` of the next `next` message; `None` once the socket closed.
    pub async fn next_data(&mut self) -> Option<Value> {
        loop {
            let message = self.receive().await?;
            if message["type"] == "next" {
                return Some(message["payload"]["data"].clone());
            }
        }
    }

    async fn send(&mut self, message: Value) -> Result<(), String> {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .map_err(|e| e.to_string())
    }

    /// The next protocol message, answering pings.
    async fn receive(&mut self) -> Option<Value> {
        loop {
            match self.socket.next().await? {
                Ok(Message::Text(text)) => {
                    let message: Value = serde_json::from_str(&text).ok()?;
                    if message["type"] == "ping" {
                        self.send(json!({"type": "pong"})).await.ok()?;
                        continue;
                    }
                    return Some(message);
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }
}
