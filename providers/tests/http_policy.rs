//! The shared HTTP policy against a scripted server (wiremock): retries,
//! backoff, `Retry-After`, status mapping, malformed bodies, the circuit
//! breaker and the client-side limiter. Time assertions are lower bounds only.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use providers::ProviderErrorKind;
use providers::http::{Endpoint, HttpPolicy, PolicyConfig, RateLimit};
use providers::simulator::{Fault, Faults, spawn};
use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ITEMS: Endpoint = Endpoint::new("GET /items", "baseline");

fn fast() -> PolicyConfig {
    PolicyConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        max_retries: 3,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(5),
        breaker_failure_threshold: 100,
        breaker_open_for: Duration::from_millis(200),
        ..PolicyConfig::default()
    }
}

/// [`fast`], with one call of the `baseline` bucket every `per` and no burst.
fn one_call_per(per: Duration) -> PolicyConfig {
    PolicyConfig {
        limits: vec![RateLimit {
            bucket: "baseline",
            per,
            burst: 1,
        }],
        ..fast()
    }
}

fn policy(config: PolicyConfig) -> HttpPolicy {
    HttpPolicy::new(Uuid::new_v4(), config).unwrap()
}

async fn get_json(
    policy: &HttpPolicy,
    server: &MockServer,
) -> Result<Value, providers::ProviderError> {
    let url = format!("{}/items", server.uri());
    policy.send_json::<Value, _>(&ITEMS, |c| c.get(&url)).await
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn ok_after(server: &MockServer, failure: ResponseTemplate, failures: u64) {
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(failure)
        .up_to_n_times(failures)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn retries_server_errors_then_succeeds() {
    let server = MockServer::start().await;
    ok_after(&server, ResponseTemplate::new(503), 2).await;
    let p = policy(fast());
    assert_eq!(get_json(&p, &server).await.unwrap(), json!({"ok": true}));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn exhausted_retries_are_unavailable_naming_connection_and_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let p = policy(fast());
    let err = get_json(&p, &server).await.unwrap_err();
    assert!(
        matches!(&err.kind, ProviderErrorKind::Unavailable(m) if m.contains("500") && m.contains("boom")),
        "{err}"
    );
    assert_eq!(err.endpoint, "GET /items");
    assert_eq!(err.connection_id, p.connection_id());
    assert_eq!(requests(&server).await, 4, "one attempt plus max_retries");
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let p = policy(PolicyConfig {
        request_timeout: Duration::from_millis(100),
        max_retries: 1,
        ..fast()
    });
    let err = get_json(&p, &server).await.unwrap_err();
    assert_eq!(err.kind, ProviderErrorKind::Timeout);
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after() {
    let server = MockServer::start().await;
    ok_after(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let p = policy(fast());
    let started = Instant::now();
    get_json(&p, &server).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_bound_is_handed_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let p = policy(fast());
    let err = get_json(&p, &server).await.unwrap_err();
    assert_eq!(
        err.kind,
        ProviderErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(120))
        }
    );
    assert_eq!(requests(&server).await, 1);
}

type KindCheck = fn(&ProviderErrorKind) -> bool;

#[tokio::test]
async fn client_errors_map_to_kinds_without_retries() {
    let cases: [(u16, KindCheck); 4] = [
        (401, |k| *k == ProviderErrorKind::Unauthorized),
        (
            403,
            |k| matches!(k, ProviderErrorKind::Forbidden(m) if m.contains("detail")),
        ),
        (
            404,
            |k| matches!(k, ProviderErrorKind::NotFound(m) if m.contains("detail")),
        ),
        (
            400,
            |k| matches!(k, ProviderErrorKind::Rejected(m) if m.starts_with("400") && m.contains("detail")),
        ),
    ];
    for (status, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"Message": "detail"})))
            .mount(&server)
            .await;
        let err = get_json(&policy(fast()), &server).await.unwrap_err();
        assert!(expected(&err.kind), "{status}: {err}");
        assert!(!err.is_transient() || status == 429);
        assert_eq!(requests(&server).await, 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn an_html_page_is_malformed_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>Maintenance</body></html>", "text/html"),
        )
        .mount(&server)
        .await;
    let err = get_json(&policy(fast()), &server).await.unwrap_err();
    assert!(
        matches!(&err.kind, ProviderErrorKind::Malformed(m) if m.contains("text/html")),
        "{err}"
    );
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn truncated_json_is_malformed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"[{"productId": 1, "productN"#, "application/json"),
        )
        .mount(&server)
        .await;
    let err = get_json(&policy(fast()), &server).await.unwrap_err();
    assert!(matches!(err.kind, ProviderErrorKind::Malformed(_)), "{err}");
}

#[tokio::test]
async fn the_breaker_opens_then_lets_a_trial_through() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&server)
        .await;
    let config = PolicyConfig {
        max_retries: 0,
        breaker_failure_threshold: 2,
        ..fast()
    };
    let open_for = config.breaker_open_for;
    let p = policy(config);
    for _ in 0..2 {
        assert!(matches!(
            get_json(&p, &server).await.unwrap_err().kind,
            ProviderErrorKind::Unavailable(_)
        ));
    }
    assert!(p.breaker_open());
    let refused = get_json(&p, &server).await.unwrap_err();
    assert!(
        matches!(refused.kind, ProviderErrorKind::CircuitOpen { retry_after } if retry_after <= open_for)
    );
    assert_eq!(requests(&server).await, 2, "an open breaker makes no call");

    // After the cool-down one trial goes through; it fails, so the breaker opens again.
    tokio::time::sleep(open_for).await;
    assert!(matches!(
        get_json(&p, &server).await.unwrap_err().kind,
        ProviderErrorKind::Unavailable(_)
    ));
    assert!(matches!(
        get_json(&p, &server).await.unwrap_err().kind,
        ProviderErrorKind::CircuitOpen { .. }
    ));
    assert_eq!(requests(&server).await, 3);

    // The next trial succeeds and closes it.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    tokio::time::sleep(open_for).await;
    get_json(&p, &server).await.unwrap();
    assert!(!p.breaker_open());
    get_json(&p, &server).await.unwrap();
}

#[tokio::test]
async fn the_limiter_spaces_calls_in_a_bucket() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let per = Duration::from_millis(100);
    let p = policy(one_call_per(per));
    let started = Instant::now();
    for _ in 0..4 {
        get_json(&p, &server).await.unwrap();
    }
    assert!(started.elapsed() >= per * 3, "{:?}", started.elapsed());
}

/// Two policies built for one connection (a sync's adapter and delivery's) share the
/// connection's budget: together they keep to its rate.
#[tokio::test]
async fn policies_of_one_connection_share_its_rate() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let per = Duration::from_millis(100);
    let config = one_call_per(per);
    let connection = Uuid::new_v4();
    let sync = HttpPolicy::new(connection, config.clone()).unwrap();
    let delivery = HttpPolicy::new(connection, config).unwrap();
    let started = Instant::now();
    for _ in 0..2 {
        let (a, b) = tokio::join!(get_json(&sync, &server), get_json(&delivery, &server));
        a.unwrap();
        b.unwrap();
    }
    // four calls at one per 100 ms, whichever policy made them
    assert!(started.elapsed() >= per * 3, "{:?}", started.elapsed());
}

#[tokio::test]
async fn low_remaining_slows_the_bucket_down() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "2")
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    let limit = RateLimit::new("baseline", 50, Duration::from_secs(10)); // burst 50, one more every 200 ms
    let p = policy(PolicyConfig {
        limits: vec![limit.clone()],
        low_remaining: 5,
        ..fast()
    });
    let started = Instant::now();
    get_json(&p, &server).await.unwrap();
    get_json(&p, &server).await.unwrap();
    assert!(started.elapsed() >= limit.per, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_retried() {
    let faults = Faults::new();
    let router = axum::Router::new().route(
        "/items",
        axum::routing::get(|| async { axum::Json(json!({"items": vec![1; 5000]})) }),
    );
    let server = spawn(faults.wrap(router), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    faults.push(Fault::DropConnection, 2);
    let url = server.base_url.join("items").unwrap();
    let p = policy(fast());
    let body: Value = p.send_json(&ITEMS, |c| c.get(url.clone())).await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 5000);
    assert_eq!(faults.requests("/items"), 3);
}

#[tokio::test]
async fn unreachable_hosts_are_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let p = policy(PolicyConfig {
        max_retries: 1,
        ..fast()
    });
    let url = format!("http://{addr}/items");
    let err = p
        .send_json::<Value, _>(&ITEMS, |c| c.get(&url))
        .await
        .unwrap_err();
    assert!(
        matches!(&err.kind, ProviderErrorKind::Unavailable(m) if m.starts_with("connection failed")),
        "{err}"
    );
}
