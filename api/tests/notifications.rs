//! Alert notifications: a signed webhook per severity with bounded retries, e-mail over
//! SMTP, and the hook where the sync engine raises alerts.
#![allow(clippy::unwrap_used)]

mod common;

use std::{sync::Arc, time::Duration};

use api::{
    alerts::NewAlert,
    cache::MemoryCache,
    effects::{Announcer, Effects},
    events::{MemoryEventBus, SharedEventBus, alert::AlertEvent},
    notify::{Notifier, NotifyConfig, webhook},
};
use clap::Parser;
use entities::enums::{AlertSeverity, ChangeSource};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::mpsc,
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

const SIGNING_KEY: &str = "alert-signing-key";

#[derive(Parser)]
struct NotifyOnly {
    #[command(flatten)]
    notify: NotifyConfig,
}

/// The notification settings of `args` (for example `--alert-webhook-critical URL`).
fn notify_config(args: &[&str]) -> NotifyConfig {
    let mut argv = vec!["canopy", "--notify-timeout", "2s"];
    argv.extend_from_slice(args);
    NotifyOnly::parse_from(argv).notify
}

fn alert(severity: AlertSeverity) -> AlertEvent {
    AlertEvent {
        id: uuid::Uuid::now_v7(),
        severity,
        kind: "stock_discrepancy".into(),
        message: "on hand below reserved".into(),
        connection_id: None,
        product_id: None,
        location_id: None,
        order_id: None,
        at: chrono::Utc::now(),
        resolved_at: None,
    }
}

fn expected_signature(timestamp: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SIGNING_KEY.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn critical_alerts_are_posted_signed_and_other_severities_are_not() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let url = format!("{}/hooks/critical", receiver.uri());
    let config = notify_config(&[
        "--alert-webhook-critical",
        &url,
        "--alert-webhook-secret",
        SIGNING_KEY,
    ]);
    let notifier = Notifier::from_config(&config).unwrap().unwrap();

    let critical = alert(AlertSeverity::Critical);
    notifier.notify(&critical).await;
    notifier.notify(&alert(AlertSeverity::Warning)).await;

    let requests = receiver.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "only the critical alert is posted");
    let request = &requests[0];
    assert_eq!(request.url.path(), "/hooks/critical");
    let timestamp = request
        .headers
        .get(webhook::TIMESTAMP_HEADER)
        .unwrap()
        .to_str()
        .unwrap();
    let age = chrono::Utc::now().timestamp() - timestamp.parse::<i64>().unwrap();
    assert!((0..60).contains(&age));
    let signature = request
        .headers
        .get(webhook::SIGNATURE_HEADER)
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(signature, expected_signature(timestamp, &request.body));
    let body: AlertEvent = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, critical);
}

#[tokio::test]
async fn transient_failures_are_retried_a_bounded_number_of_times() {
    let flaky = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&flaky)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&flaky)
        .await;
    let config = notify_config(&[
        "--alert-webhook-info",
        &flaky.uri(),
        "--alert-webhook-secret",
        SIGNING_KEY,
        "--notify-retries",
        "3",
    ]);
    Notifier::from_config(&config)
        .unwrap()
        .unwrap()
        .notify(&alert(AlertSeverity::Info))
        .await;
    assert_eq!(
        flaky.received_requests().await.unwrap().len(),
        3,
        "two failures, then delivered"
    );

    let down = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&down)
        .await;
    let config = notify_config(&[
        "--alert-webhook-info",
        &down.uri(),
        "--alert-webhook-secret",
        SIGNING_KEY,
        "--notify-retries",
        "2",
    ]);
    Notifier::from_config(&config)
        .unwrap()
        .unwrap()
        .notify(&alert(AlertSeverity::Info))
        .await;
    assert_eq!(
        down.received_requests().await.unwrap().len(),
        3,
        "one attempt and two retries"
    );

    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&refusing)
        .await;
    let config = notify_config(&[
        "--alert-webhook-info",
        &refusing.uri(),
        "--alert-webhook-secret",
        SIGNING_KEY,
    ]);
    Notifier::from_config(&config)
        .unwrap()
        .unwrap()
        .notify(&alert(AlertSeverity::Info))
        .await;
    assert_eq!(
        refusing.received_requests().await.unwrap().len(),
        1,
        "a 4xx is not retried"
    );
}

#[tokio::test]
async fn misconfiguration_is_refused_and_nothing_configured_is_no_notifier() {
    assert!(
        Notifier::from_config(&notify_config(&[]))
            .unwrap()
            .is_none()
    );
    let unsigned = notify_config(&["--alert-webhook-critical", "https://hooks.example.com/x"]);
    assert!(Notifier::from_config(&unsigned).is_err());
    let bad_url = notify_config(&[
        "--alert-webhook-critical",
        "ftp://x",
        "--alert-webhook-secret",
        "k",
    ]);
    assert!(Notifier::from_config(&bad_url).is_err());
    let no_from = notify_config(&["--alert-smtp-url", "smtp://127.0.0.1:2525"]);
    assert!(Notifier::from_config(&no_from).is_err());
}

/// A minimal SMTP server that accepts one message and sends its data on `sent`.
async fn fake_smtp() -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sent, received) = mpsc::channel(1);
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 fake ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.unwrap() {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                    sent.send(std::mem::take(&mut data)).await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 fake\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
    });
    (port, received)
}

#[tokio::test]
async fn alerts_at_or_above_the_threshold_are_emailed() {
    let (port, mut mail) = fake_smtp().await;
    let url = format!("smtp://127.0.0.1:{port}");
    let config = notify_config(&[
        "--alert-smtp-url",
        &url,
        "--alert-email-from",
        "Canopy <alerts@canopy.example>",
        "--alert-email-to",
        "ops@retailer.example,owner@retailer.example",
        "--alert-email-min-severity",
        "warning",
    ]);
    let notifier = Notifier::from_config(&config).unwrap().unwrap();
    notifier.notify(&alert(AlertSeverity::Info)).await;
    let warning = alert(AlertSeverity::Warning);
    notifier.notify(&warning).await;
    let message = tokio::time::timeout(common::WAIT, mail.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        message.contains("Subject: [Canopy WARNING] stock_discrepancy"),
        "{message}"
    );
    assert!(message.contains("on hand below reserved"));
    assert!(
        message.contains(&warning.id.to_string()),
        "the warning, not the info alert, was sent"
    );
}

#[tokio::test]
async fn alerts_raised_by_the_sync_engine_are_notified_once() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let config = notify_config(&[
        "--alert-webhook-warning",
        &receiver.uri(),
        "--alert-webhook-secret",
        SIGNING_KEY,
    ]);
    let dir = tempfile::tempdir().unwrap();
    let db = sea_orm::Database::connect(
        format!("sqlite://{}/canopy.db?mode=rwc", dir.path().display()).as_str(),
    )
    .await
    .unwrap();
    api::db::migrate(&db).await.unwrap();
    let events: SharedEventBus = Arc::new(MemoryEventBus::new(64));
    let tracker = TaskTracker::new();
    let shutdown = CancellationToken::new();
    Notifier::from_config(&config)
        .unwrap()
        .unwrap()
        .start(&events, &tracker, shutdown.clone());

    let announcer = Announcer::new(db, Arc::new(MemoryCache::new(10)), events);
    for _ in 0..3 {
        let mut effects = Effects::default();
        effects.alert(NewAlert {
            severity: AlertSeverity::Warning,
            kind: "pos_bad_record",
            connection_id: None,
            product_id: None,
            location_id: None,
            message: "a record was rejected".into(),
            details: serde_json::json!({}),
            dedupe_key: "pos_bad_record:1".into(),
        });
        announcer.announce(effects, ChangeSource::Poll).await;
    }
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while receiver.received_requests().await.unwrap().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no notification arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    shutdown.cancel();
    tracker.close();
    tokio::time::timeout(common::WAIT, tracker.wait())
        .await
        .unwrap();
    let requests = receiver.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        1,
        "a repeat of an open alert is not notified again"
    );
    let body: AlertEvent = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body.kind, "pos_bad_record");
}
