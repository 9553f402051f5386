//! The defaults of [`Config`]'s sections: what `Config` parses without flags is each
//! section's `Default`, and both are the documented values.

use std::time::Duration;

use super::*;

#[test]
fn every_section_default_is_the_command_line_default() {
    let config: Config = clap_defaults();
    assert_eq!(config.checkout, CheckoutConfig::default());
    assert_eq!(config.outbox, OutboxConfig::default());
    assert_eq!(config.order_status, StatusSyncConfig::default());
    assert_eq!(config.admin, AdminConfig::default());
}

#[test]
fn defaults_are_the_documented_values() {
    let checkout = CheckoutConfig::default();
    assert_eq!(checkout.reservation_ttl, Duration::from_secs(30 * 60));
    assert_eq!(checkout.max_quantity, 100);
    let outbox = OutboxConfig::default();
    assert_eq!(outbox.poll_interval, Duration::from_millis(500));
    assert_eq!(outbox.max_backoff, Duration::from_secs(300));
    assert_eq!(
        AdminConfig::default().probe_timeout,
        Duration::from_secs(20)
    );
    assert_eq!(AdminConfig::default().sync_timeout, Duration::from_secs(25));
    let config: Config = clap_defaults();
    assert_eq!(config.notify.notify_min_backoff, Duration::from_millis(200));
    assert_eq!(config.notify.notify_max_backoff, Duration::from_secs(10));
}

#[test]
fn the_edge_cache_is_named_but_never_purged_by_default() {
    let edge = EdgeConfig::default();
    let headers: Vec<&str> = edge
        .surrogate_key_headers
        .iter()
        .map(http::HeaderName::as_str)
        .collect();
    assert_eq!(headers, ["surrogate-key", "cache-tag"]);
    assert!(edge.purge_url.is_none());
    assert_eq!(edge.purge_window, Duration::from_millis(75));
    assert_eq!(edge.purge_repeat_after, Duration::from_secs(1));
    assert_eq!(edge.purge_max_keys, 30);
}
