//! Waiting for a condition another process brings about, where no event can be awaited.

use std::{future::Future, time::Duration};

/// Polls `ready` every 50 ms until it holds, for at most `within`; panics naming `what`.
pub async fn until<F, Fut>(within: Duration, what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    tokio::time::timeout(within, async {
        while !ready().await {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for {what}"));
}
