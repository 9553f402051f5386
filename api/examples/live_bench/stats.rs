//! Percentiles of latency samples.

/// The `p` quantile (0..=1) of `samples` in milliseconds, nearest rank; 0 when empty.
pub fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (sorted.len() as f64 * p).ceil() as usize;
    sorted.get(rank.saturating_sub(1)).copied().unwrap_or(0.0)
}

/// `p50_ms=… p99_ms=… max_ms=…` of `samples`.
pub fn summary(samples: &[f64]) -> String {
    format!(
        "p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        percentile(samples, 0.50),
        percentile(samples, 0.99),
        percentile(samples, 1.0)
    )
}
