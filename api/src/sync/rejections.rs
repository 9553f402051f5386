//! What one endpoint of a run read, applied and rejected ([`EndpointTally`]), the
//! rejection reasons reduced to field names and kinds of fault ([`fault`], never field
//! values, so no personal data reaches the status, the metrics or the alert), and the
//! one alert per endpoint that says how many records were rejected and why.

use std::collections::BTreeSet;

use entities::enums::AlertSeverity;
use providers::model::RejectedRecord;
use serde_json::json;
use uuid::Uuid;

use crate::alerts::NewAlert;

/// The longest reason kept, in characters.
const MAX_REASON: usize = 160;
/// Distinct reasons named in an alert's one-line message.
const REASONS_IN_MESSAGE: usize = 3;
/// Record ids an alert's details keep (POS ids, for finding the records at the POS).
const IDS_IN_DETAILS: usize = 20;

/// One endpoint (sync stream) of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointTally {
    /// The stream's name (`stock`, `catalog` …).
    pub endpoint: String,
    /// Records read: those the adapter returned plus those it kept apart.
    pub read: u64,
    /// Records applied; `read - applied - rejected` wait for a later run.
    pub applied: u64,
    /// Records kept apart, by the adapter or by Canopy's checks.
    pub rejected: u64,
    /// Whether the run meant to read it but stopped before (an earlier endpoint failed)
    /// or failed on it.
    pub skipped: bool,
    /// The distinct rejection reasons, value-free (see [`fault`]).
    pub reasons: BTreeSet<String>,
}

impl EndpointTally {
    /// The tally of `endpoint`, which read `read` records, left `deferred` for a later
    /// run and kept `rejected` apart.
    pub fn new(endpoint: &str, read: u64, deferred: u64, rejected: &[RejectedRecord]) -> Self {
        let count = rejected.len() as u64;
        Self {
            endpoint: endpoint.to_owned(),
            // the adapter's rejects are counted in `read`; Canopy's own come out of it
            read: read.max(count),
            applied: read.saturating_sub(count).saturating_sub(deferred),
            rejected: count,
            skipped: false,
            reasons: rejected.iter().map(|r| fault(&r.reason)).collect(),
        }
    }

    /// An endpoint the run did not get through.
    pub fn skipped(endpoint: &str) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            skipped: true,
            ..Self::default()
        }
    }

    /// Whether it read records and rejected every one.
    pub fn all_rejected(&self) -> bool {
        self.rejected > 0 && self.rejected >= self.read
    }

    /// "12 of 12 stock records rejected — missing field `quantityAvailable`", or `None`
    /// when nothing was rejected.
    pub fn describe(&self) -> Option<String> {
        if self.rejected == 0 {
            return None;
        }
        let mut reasons: Vec<&str> = self
            .reasons
            .iter()
            .take(REASONS_IN_MESSAGE)
            .map(String::as_str)
            .collect();
        let more = self.reasons.len().saturating_sub(REASONS_IN_MESSAGE);
        let extra = format!("{more} more");
        if more > 0 {
            reasons.push(&extra);
        }
        Some(format!(
            "{} of {} {} records rejected — {}",
            self.rejected,
            self.read,
            noun(&self.endpoint),
            reasons.join("; ")
        ))
    }
}

/// The endpoint's records in words: "customers" → "customer" (as in "3 of 40 customer
/// records"); other names stay as they are.
fn noun(endpoint: &str) -> &str {
    match endpoint {
        "customers" | "transactions" | "locations" => endpoint.trim_end_matches('s'),
        other => other,
    }
}

/// The alert for the records `tally` rejected (`None` when none were): one per
/// connection and POS listing, critical when every record was rejected, its message saying
/// how many and why (refreshed on every run that sees rejections again).
pub fn alert(
    connection_id: Uuid,
    tally: &EndpointTally,
    rejected: &[RejectedRecord],
) -> Option<NewAlert> {
    let message = tally.describe()?;
    let ids: Vec<&str> = rejected
        .iter()
        .filter_map(|r| r.external_id.as_deref())
        .take(IDS_IN_DETAILS)
        .collect();
    let sources: BTreeSet<&str> = rejected.iter().map(|r| r.endpoint.as_str()).collect();
    Some(NewAlert {
        severity: if tally.all_rejected() {
            AlertSeverity::Critical
        } else {
            AlertSeverity::Warning
        },
        kind: "pos_bad_record",
        connection_id: Some(connection_id),
        product_id: None,
        location_id: None,
        message,
        details: json!({
            "endpoint": tally.endpoint,
            "read": tally.read,
            "rejected": tally.rejected,
            "reasons": tally.reasons,
            "posEndpoints": sources,
            "externalIds": ids,
        }),
        // by the POS listings the records came from: a record one listing feeds to two
        // streams (a menu with stock in it) is one condition, not two
        dedupe_key: format!(
            "pos_bad_record:{connection_id}:{}",
            sources.iter().copied().collect::<Vec<_>>().join(",")
        ),
    })
}

/// A rejection reason reduced to field names and kinds of fault: quoted strings,
/// numbers, backticked values (all but field names) and serde's "at line … column …" are
/// dropped, so `invalid type: string "thirty", expected f64 at line 1 column 9` becomes
/// `invalid type: string, expected f64` and `duplicate productId 1000012` becomes
/// `duplicate productId`.
pub fn fault(reason: &str) -> String {
    let reason = reason.split(" at line ").next().unwrap_or(reason);
    let mut words: Vec<String> = Vec::new();
    let mut chars = reason.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
            }
            '`' => {
                let quoted: String = chars.by_ref().take_while(|&c| c != '`').collect();
                let names_a_field = words.last().is_some_and(|w| w == "field") && word.is_empty();
                if names_a_field && is_identifier(&quoted) {
                    word.push('`');
                    word.push_str(&quoted);
                    word.push('`');
                }
            }
            c if c.is_whitespace() => flush(&mut word, &mut words),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut words);
    let mut text = words.join(" ");
    for (from, to) in [(" ,", ","), (",,", ","), (" :", ":"), (" ;", ";")] {
        while text.contains(from) {
            text = text.replace(from, to);
        }
    }
    let text = text.trim_matches(|c: char| c == ',' || c == ':' || c.is_whitespace());
    let text: String = text.chars().take(MAX_REASON).collect();
    if text.is_empty() {
        "unusable record".to_owned()
    } else {
        text
    }
}

/// Ends `word`: kept unless it is a value (a number, a time, an id).
fn flush(word: &mut String, words: &mut Vec<String>) {
    let taken = std::mem::take(word);
    let bare = taken.trim_matches(|c: char| c == ',' || c == ';' || c == ':');
    if bare.is_empty() {
        if !taken.is_empty() {
            words.push(taken);
        }
        return;
    }
    let first = bare.trim_start_matches(['-', '+', '$', '#']).chars().next();
    if first.is_some_and(|c| c.is_ascii_digit()) {
        // keep the punctuation that followed the value
        let tail: String = taken.chars().rev().take_while(|c| *c == ',').collect();
        if !tail.is_empty() {
            words.push(tail);
        }
        return;
    }
    words.push(taken);
}

/// Whether `text` could be a field name (`quantityAvailable`, `items[].price`).
fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'))
        && !text.starts_with(|c: char| c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(reason: &str) -> RejectedRecord {
        RejectedRecord {
            endpoint: "GET /inventory".into(),
            external_id: Some("7".into()),
            reason: reason.into(),
        }
    }

    #[test]
    fn faults_keep_field_names_and_drop_values() {
        for (reason, fault_text) in [
            (
                "missing field `quantityAvailable`",
                "missing field `quantityAvailable`",
            ),
            (
                "invalid type: string \"thirty\", expected f64 at line 1 column 9",
                "invalid type: string, expected f64",
            ),
            (
                "invalid value: integer `-3`, expected u32",
                "invalid value: integer, expected u32",
            ),
            ("duplicate productId 1000012", "duplicate productId"),
            (
                "stock for unknown product 1000012 or location 1000001",
                "stock for unknown product or location",
            ),
            (
                "unknown variant `Jane Doe`, expected `a` or `b`",
                "unknown variant, expected or",
            ),
            (
                "email \"jane@example.com\" is not an address",
                "email is not an address",
            ),
            ("\"\"", "unusable record"),
        ] {
            assert_eq!(fault(reason), fault_text, "{reason}");
        }
    }

    #[test]
    fn a_tally_counts_and_describes() {
        let rejected = vec![
            record("missing field `quantityAvailable`"),
            record("missing field `quantityAvailable` at line 1 column 40"),
        ];
        let tally = EndpointTally::new("stock", 2, 0, &rejected);
        assert_eq!((tally.read, tally.applied, tally.rejected), (2, 0, 2));
        assert!(tally.all_rejected());
        assert_eq!(
            tally.describe().as_deref(),
            Some("2 of 2 stock records rejected — missing field `quantityAvailable`")
        );
        let alert = alert(Uuid::nil(), &tally, &rejected).unwrap_or_else(|| unreachable!());
        assert_eq!(alert.severity, AlertSeverity::Critical);
        assert_eq!(alert.details["rejected"], 2);

        let some = EndpointTally::new("stock", 10, 1, &rejected[..1]);
        assert_eq!((some.read, some.applied, some.rejected), (10, 8, 1));
        assert!(!some.all_rejected());
        let clean = EndpointTally::new("stock", 10, 0, &[]);
        assert_eq!(clean.describe(), None);
        assert!(alert_is_none(&clean));
    }

    fn alert_is_none(tally: &EndpointTally) -> bool {
        alert(Uuid::nil(), tally, &[]).is_none()
    }
}
