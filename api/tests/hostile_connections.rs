//! Hostile connections through real TCP and websockets: silent, trickling and idle
//! keep-alive connections are closed after the header-read timeout, websockets without
//! `connection_init` after the init timeout (4408), graphql-transport-ws violations with
//! the protocol's close codes, the subscriptions-per-socket cap, and a real `canopy
//! serve` process whose memory stays bounded under a subscription flood and is released
//! when the socket closes. The server keeps serving after each.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{TestApp, WAIT, process::ServerProcess, spawn_app_with};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::timeout,
};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The header-read timeout of these tests' servers.
const HEADER_TIMEOUT: Duration = Duration::from_millis(500);

const STOCK_CHANGED: &str = "subscription { stockChanged { available } }";

/// What an idle-connection case sends before it goes quiet (or keeps trickling).
#[derive(Clone, Copy, Debug)]
enum Idle {
    /// Nothing at all.
    Silent,
    /// A request head, one header line every 100 ms, never finished.
    Trickle,
    /// One whole request; then the connection sits idle, kept alive.
    KeepAlive,
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_header_timeout() {
    let app = spawn_app_with(|config| config.header_read_timeout = HEADER_TIMEOUT).await;
    for case in [Idle::Silent, Idle::Trickle, Idle::KeepAlive] {
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        let started = Instant::now();
        if let Idle::KeepAlive = case {
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nhost: canopy\r\n\r\n")
                .await
                .unwrap();
        }
        let (mut reader, mut writer) = stream.split();
        let trickle = async {
            let mut line: &[u8] = b"GET /healthz HTTP/1.1\r\n";
            while writer.write_all(line).await.is_ok() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                line = b"x-slow: 1\r\n";
            }
        };
        let closed = async {
            let mut received = Vec::new();
            while reader.read_buf(&mut received).await.is_ok_and(|n| n > 0) {}
            received
        };
        let received = timeout(WAIT, async {
            if let Idle::Trickle = case {
                tokio::select! {
                    received = closed => received,
                    // Writing fails once the server has closed the connection.
                    _ = trickle => Vec::new(),
                }
            } else {
                closed.await
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{case:?}: the connection is still open after {WAIT:?}"));
        let elapsed = started.elapsed();
        eprintln!("{case:?}: closed after {elapsed:?}");
        assert!(
            elapsed >= HEADER_TIMEOUT,
            "{case:?} closed early: {elapsed:?}"
        );
        assert!(
            elapsed < HEADER_TIMEOUT * 4,
            "{case:?} closed late: {elapsed:?}"
        );
        if let Idle::KeepAlive = case {
            let text = String::from_utf8_lossy(&received);
            assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        }
    }
    still_serves(&app).await;
    app.stop().await.unwrap();
}

#[tokio::test]
async fn a_websocket_without_connection_init_is_closed_with_4408() {
    let app = spawn_app_with(|config| config.limits.ws_init_timeout = HEADER_TIMEOUT).await;
    let mut socket = open(&app).await;
    let started = Instant::now();
    let close = close_code(&mut socket).await;
    eprintln!(
        "no connection_init: closed {close:?} after {:?}",
        started.elapsed()
    );
    assert_eq!(close, Some(4408));
    // A session that does initialise is not closed by the timer.
    let mut socket = open(&app).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    tokio::time::sleep(HEADER_TIMEOUT * 2).await;
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(receive(&mut socket).await["type"], "pong");
    still_serves(&app).await;
    app.stop().await.unwrap();
}

#[tokio::test]
async fn protocol_violations_close_with_graphql_transport_ws_codes() {
    let init = || Message::text(json!({ "type": "connection_init" }).to_string());
    let subscribe = |id: &str| Message::text(subscription(id).to_string());
    let cases: Vec<(&str, Vec<Message>, u16)> = vec![
        ("invalid JSON", vec![Message::text("{")], 4400),
        (
            "unknown type",
            vec![init(), Message::text(r#"{"type":"bogus"}"#)],
            4400,
        ),
        (
            "subscribe without payload",
            vec![init(), Message::text(r#"{"type":"subscribe","id":"1"}"#)],
            4400,
        ),
        ("subscribe before init", vec![subscribe("1")], 4401),
        (
            "duplicate id",
            vec![init(), subscribe("1"), subscribe("1")],
            4409,
        ),
        ("second init", vec![init(), init()], 4429),
    ];
    let app = spawn_app_with(|_| {}).await;
    for (case, messages, expected) in cases {
        let mut socket = open(&app).await;
        for message in messages {
            socket.send(message).await.unwrap();
        }
        assert_eq!(close_code(&mut socket).await, Some(expected), "{case}");
    }
    still_serves(&app).await;
    app.stop().await.unwrap();
}

#[tokio::test]
async fn subscriptions_per_socket_are_capped_and_complete_frees_a_slot() {
    let app = spawn_app_with(|config| config.limits.max_subscriptions_per_socket = 3).await;
    let mut socket = open(&app).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    for id in ["1", "2", "3", "4"] {
        send(&mut socket, subscription(id)).await;
    }
    let refused = receive(&mut socket).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "4", "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");

    send(&mut socket, json!({ "type": "complete", "id": "1" })).await;
    assert_eq!(receive(&mut socket).await["type"], "complete");
    send(&mut socket, subscription("5")).await;
    send(&mut socket, subscription("6")).await;
    // "5" took the freed slot, so the next refusal is "6"'s.
    let refused = receive(&mut socket).await;
    assert_eq!(
        (&refused["type"], &refused["id"]),
        (&json!("error"), &json!("6"))
    );
    // The session goes on.
    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(receive(&mut socket).await["type"], "pong");
    still_serves(&app).await;
    app.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_closes_idle_connections_at_once() {
    let app = spawn_app_with(|config| config.header_read_timeout = Duration::from_secs(60)).await;
    let mut silent = TcpStream::connect(app.addr).await.unwrap();
    let mut kept_alive = TcpStream::connect(app.addr).await.unwrap();
    kept_alive
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: canopy\r\n\r\n")
        .await
        .unwrap();
    let mut response = [0; 512];
    assert!(kept_alive.read(&mut response).await.unwrap() > 0);
    let mut socket = open(&app).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");

    let started = Instant::now();
    timeout(Duration::from_secs(1), app.stop())
        .await
        .expect("idle connections held the shutdown")
        .unwrap();
    eprintln!(
        "shutdown with idle connections took {:?}",
        started.elapsed()
    );
    for stream in [&mut silent, &mut kept_alive] {
        let closed = timeout(WAIT, stream.read(&mut response)).await.unwrap();
        assert!(closed.is_err() || closed.is_ok_and(|n| n == 0));
    }
    assert_eq!(close_code(&mut socket).await.unwrap_or(1000), 1000);
}

#[tokio::test]
async fn the_legacy_graphql_ws_protocol_works_and_is_capped() {
    let app = spawn_app_with(|config| config.limits.max_subscriptions_per_socket = 1).await;
    let mut socket = open_with(app.addr, "graphql-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    let start =
        |id: &str| json!({ "id": id, "type": "start", "payload": { "query": STOCK_CHANGED } });
    send(&mut socket, start("1")).await;
    send(&mut socket, start("2")).await;
    let refused = receive(&mut socket).await;
    assert_eq!(
        (&refused["type"], &refused["id"]),
        (&json!("error"), &json!("2"))
    );
    send(&mut socket, json!({ "id": "1", "type": "stop" })).await;
    assert_eq!(receive(&mut socket).await["type"], "complete");
    send(&mut socket, start("3")).await;
    send(&mut socket, start("4")).await;
    let refused = receive(&mut socket).await;
    assert_eq!(
        (&refused["type"], &refused["id"]),
        (&json!("error"), &json!("4"))
    );
    app.stop().await.unwrap();
}

/// Subscriptions one socket asks for in the memory test.
const FLOOD: usize = 20_000;
/// The default cap on subscriptions per socket.
const CAP: usize = 100;

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_subscription_flood_stays_bounded_and_is_released_on_close() {
    // (cap setting, subscriptions the socket gets, most KiB they may cost while open)
    let cases = [(CAP, CAP, 20 * 1024), (0, FLOOD, 1024 * 1024)];
    for (cap, running, bound) in cases {
        let dir = tempfile::tempdir().unwrap();
        let database = format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display());
        let cap_setting = cap.to_string();
        let server = ServerProcess::start(
            &database,
            None,
            &[("CANOPY_MAX_SUBSCRIPTIONS_PER_SOCKET", &cap_setting)],
        )
        .await;
        // Warm up: one session with a few subscriptions, closed.
        flood(server.addr, 10, cap).await;
        let before = server.rss_kib();

        let (socket, refused) = flood(server.addr, FLOOD, cap).await;
        let during = server.rss_kib();
        assert_eq!(refused, FLOOD - running, "cap {cap}");
        drop(socket);
        let health = reqwest::get(server.url("/healthz")).await.unwrap();
        assert!(health.status().is_success());
        let grown = during.saturating_sub(before);
        assert!(
            grown < bound,
            "cap {cap}: {running} subscriptions cost {grown} KiB"
        );
        // The allocator hands freed memory back over about ten seconds.
        let closed = Instant::now();
        let released = before + grown / 4 + 2048;
        let mut after = server.rss_kib();
        while after > released && closed.elapsed() < RELEASE_WAIT {
            tokio::time::sleep(Duration::from_millis(250)).await;
            after = server.rss_kib();
        }
        eprintln!(
            "cap {cap}: RSS (KiB) before {before}, {running} subscriptions {during}, \
             {after} {:?} after close",
            closed.elapsed()
        );
        assert!(
            after <= released,
            "cap {cap}: {after} KiB still resident after close"
        );
    }
}

/// How long the released memory may take to leave the process.
const RELEASE_WAIT: Duration = Duration::from_secs(30);

/// Opens a socket on `addr` and asks for `count` subscriptions from a server capped at
/// `cap` (`0`: none); returns it (still open)
/// with the number refused, once every refusal and the pong to a final ping arrived.
async fn flood(addr: std::net::SocketAddr, count: usize, cap: usize) -> (Socket, usize) {
    let mut socket = open_at(addr).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(receive(&mut socket).await["type"], "connection_ack");
    let (mut sink, mut stream) = socket.split();
    let sender = async {
        for id in 0..count {
            sink.send(Message::text(subscription(&id.to_string()).to_string()))
                .await
                .unwrap();
        }
        sink.send(Message::text(json!({ "type": "ping" }).to_string()))
            .await
            .unwrap();
    };
    // Refusals and the pong travel apart: wait for both.
    let expected = if cap == 0 {
        0
    } else {
        count.saturating_sub(cap)
    };
    let receiver = async {
        let (mut refused, mut ponged) = (0, false);
        while refused < expected || !ponged {
            let message = match timeout(WAIT, stream.next()).await.unwrap() {
                Some(Ok(Message::Text(text))) => serde_json::from_str::<Value>(&text).unwrap(),
                Some(Ok(_)) => continue,
                other => panic!("the flooded socket ended: {other:?}"),
            };
            match message["type"].as_str() {
                Some("error") => refused += 1,
                Some("pong") => ponged = true,
                _ => panic!("unexpected {message}"),
            }
        }
        refused
    };
    let ((), refused) = timeout(Duration::from_secs(120), async {
        tokio::join!(sender, receiver)
    })
    .await
    .expect("the flood did not finish in time");
    (sink.reunite(stream).unwrap(), refused)
}

fn subscription(id: &str) -> Value {
    json!({ "id": id, "type": "subscribe", "payload": { "query": STOCK_CHANGED } })
}

async fn open(app: &TestApp) -> Socket {
    open_at(app.addr).await
}

async fn open_at(addr: std::net::SocketAddr) -> Socket {
    open_with(addr, "graphql-transport-ws").await
}

async fn open_with(addr: std::net::SocketAddr, protocol: &'static str) -> Socket {
    let mut request = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", HeaderValue::from_static(protocol));
    timeout(WAIT, connect_async(request))
        .await
        .unwrap()
        .unwrap()
        .0
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// The next text message as JSON; fails if the socket closes first.
async fn receive(socket: &mut Socket) -> Value {
    loop {
        match timeout(WAIT, socket.next())
            .await
            .expect("no message in time")
        {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
            Some(Ok(Message::Close(frame))) => panic!("closed: {frame:?}"),
            Some(Ok(_)) => {}
            other => panic!("the socket ended: {other:?}"),
        }
    }
}

/// The code of the close frame that ends the session (skipping other messages); `None`
/// if the socket ends without one. Fails if it stays open past [`WAIT`].
async fn close_code(socket: &mut Socket) -> Option<u16> {
    loop {
        match timeout(WAIT, socket.next())
            .await
            .expect("the socket is still open")
        {
            Some(Ok(Message::Close(frame))) => return frame.map(|frame| frame.code.into()),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return None,
        }
    }
}

/// A plain request still succeeds.
async fn still_serves(app: &TestApp) {
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert!(response.status().is_success());
}
