//! The protocol gate: reads every client message before async-graphql's state machine
//! does, enforces the graphql-transport-ws rules that async-graphql leaves out, and caps
//! the subscriptions one session runs.
//!
//! graphql-transport-ws (close codes as its PROTOCOL.md specifies):
//! - a message that is not JSON, has no known `type` or lacks a required field: 4400;
//! - `subscribe` before `connection_init`: 4401 `Unauthorized`;
//! - `subscribe` with the id of a running subscription: 4409;
//! - a second `connection_init`: 4429 `Too many initialisation requests`.
//!
//! Both protocols: a subscription beyond the per-session cap is refused with an `error`
//! message for its id (`extensions.code` `RATE_LIMITED`), and the session goes on; a
//! `complete` from the client, or a `complete` or `error` from the server, frees the
//! slot. The legacy `graphql-ws` protocol is otherwise left to async-graphql as before.

use std::collections::HashSet;

use async_graphql::http::WebSocketProtocols;
use serde::{Deserialize, de::IgnoredAny};
use serde_json::json;

use crate::error::ErrorCode;

/// What becomes of one client message.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Hand it to async-graphql.
    Pass,
    /// Drop it and send the client this text message instead.
    Answer(String),
    /// End the session with this close code and reason.
    Close(u16, String),
    /// Drop it: the session is closing.
    Drop,
}

/// The envelope of a client message; the GraphQL request inside is async-graphql's.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    payload: Option<IgnoredAny>,
}

/// The id of a server message that ends an operation.
#[derive(Deserialize)]
struct Ended {
    id: String,
}

/// One session's protocol state.
#[derive(Debug)]
pub(super) struct Gate {
    strict: bool,
    max_subscriptions: usize,
    initialised: bool,
    closing: bool,
    running: HashSet<String>,
}

impl Gate {
    /// A gate for a session speaking `protocol`, with at most `max_subscriptions` running
    /// at once (`0`: no limit).
    pub(super) fn new(protocol: WebSocketProtocols, max_subscriptions: usize) -> Self {
        Self {
            strict: matches!(protocol, WebSocketProtocols::GraphQLWS),
            max_subscriptions,
            initialised: false,
            closing: false,
            running: HashSet::new(),
        }
    }

    /// Whether `connection_init` has arrived.
    pub(super) fn initialised(&self) -> bool {
        self.initialised
    }

    /// Judges one client message.
    pub(super) fn check(&mut self, message: &[u8]) -> Verdict {
        if self.closing {
            return Verdict::Drop;
        }
        let verdict = match serde_json::from_slice::<Envelope>(message) {
            Ok(envelope) => self.judge(envelope),
            // The legacy protocol's bad messages stay async-graphql's to refuse.
            Err(_) if !self.strict => Verdict::Pass,
            Err(error) => invalid(&format!("Invalid message received: {error}")),
        };
        self.closing = matches!(verdict, Verdict::Close(..));
        verdict
    }

    /// Notes a server message: a `complete` or `error` ends its operation.
    pub(super) fn observe(&mut self, message: &str) {
        // async-graphql writes the `type` tag first; skip the parse for `next`/`data`.
        let ends = message.starts_with(r#"{"type":"complete""#)
            || message.starts_with(r#"{"type":"error""#);
        if ends && let Ok(ended) = serde_json::from_str::<Ended>(message) {
            self.running.remove(&ended.id);
        }
    }

    fn judge(&mut self, envelope: Envelope) -> Verdict {
        let Envelope { kind, id, payload } = envelope;
        match (kind.as_str(), id) {
            ("connection_init", _) => self.init(),
            ("subscribe" | "start", Some(id)) if payload.is_some() => self.subscribe(id),
            ("complete" | "stop", Some(id)) => {
                self.running.remove(&id);
                Verdict::Pass
            }
            ("ping" | "pong", _) => Verdict::Pass,
            _ if !self.strict => Verdict::Pass,
            ("subscribe" | "start", _) => {
                invalid("Invalid message received: `subscribe` needs an id and a payload")
            }
            ("complete" | "stop", _) => invalid("Invalid message received: `complete` needs an id"),
            _ => invalid(&format!("Invalid message received: type `{kind}`")),
        }
    }

    fn init(&mut self) -> Verdict {
        if self.initialised && self.strict {
            return Verdict::Close(4429, "Too many initialisation requests".to_owned());
        }
        self.initialised = true;
        Verdict::Pass
    }

    fn subscribe(&mut self, id: String) -> Verdict {
        if !self.strict {
            return self.start(id);
        }
        // The place for further checks of a subscribe message before it executes.
        if !self.initialised {
            return Verdict::Close(4401, "Unauthorized".to_owned());
        }
        if self.running.contains(&id) {
            return Verdict::Close(4409, already_exists(&id));
        }
        self.start(id)
    }

    /// Counts a new operation, or refuses it over the cap.
    fn start(&mut self, id: String) -> Verdict {
        if self.max_subscriptions != 0
            && self.running.len() >= self.max_subscriptions
            && !self.running.contains(&id)
        {
            let message = format!(
                "this connection already runs {} subscriptions; complete one first",
                self.max_subscriptions
            );
            let code = ErrorCode::RateLimited.as_str();
            let error = json!({
                "id": id,
                "type": "error",
                "payload": [{ "message": message, "extensions": { "code": code } }],
            });
            return Verdict::Answer(error.to_string());
        }
        self.running.insert(id);
        Verdict::Pass
    }
}

/// A 4400 close; the reason is cut to fit a close frame (123 bytes).
fn invalid(reason: &str) -> Verdict {
    Verdict::Close(4400, fit(reason))
}

/// The 4409 reason, naming the id when it fits.
fn already_exists(id: &str) -> String {
    let reason = format!("Subscriber for {id} already exists");
    if reason.len() <= MAX_REASON_BYTES {
        reason
    } else {
        "Subscriber for this id already exists".to_owned()
    }
}

/// Longest close reason a close frame carries.
const MAX_REASON_BYTES: usize = 123;

/// `reason` cut at a character boundary to at most [`MAX_REASON_BYTES`].
fn fit(reason: &str) -> String {
    let mut end = reason.len().min(MAX_REASON_BYTES);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport(max: usize) -> Gate {
        Gate::new(WebSocketProtocols::GraphQLWS, max)
    }

    fn subscribe(id: &str) -> String {
        json!({ "id": id, "type": "subscribe", "payload": { "query": "subscription { x }" } })
            .to_string()
    }

    const INIT: &[u8] = br#"{"type":"connection_init"}"#;

    fn code(verdict: &Verdict) -> Option<u16> {
        match verdict {
            Verdict::Close(code, _) => Some(*code),
            _ => None,
        }
    }

    #[test]
    fn transport_ws_close_codes() {
        let sub = subscribe("1");
        let sub = sub.as_bytes();
        let cases: &[(&[&[u8]], u16)] = &[
            (&[b"not json"], 4400),
            (&[br#"{"type":"bogus"}"#], 4400),
            (&[INIT, br#"{"type":"subscribe","id":"1"}"#], 4400),
            (&[sub], 4401),
            (&[INIT, sub, sub], 4409),
            (&[INIT, INIT], 4429),
        ];
        for (messages, expected) in cases {
            let mut gate = transport(100);
            let verdicts: Vec<Verdict> = messages.iter().map(|m| gate.check(m)).collect();
            assert_eq!(
                code(verdicts.last().expect("one verdict per message")),
                Some(*expected),
                "{verdicts:?}"
            );
            assert!(
                verdicts[..verdicts.len() - 1]
                    .iter()
                    .all(|v| *v == Verdict::Pass)
            );
            assert_eq!(
                gate.check(INIT),
                Verdict::Drop,
                "nothing passes after a close"
            );
        }
    }

    #[test]
    fn the_cap_refuses_one_more_and_complete_frees_a_slot() {
        let mut gate = transport(2);
        assert_eq!(gate.check(INIT), Verdict::Pass);
        assert_eq!(gate.check(subscribe("a").as_bytes()), Verdict::Pass);
        assert_eq!(gate.check(subscribe("b").as_bytes()), Verdict::Pass);
        let Verdict::Answer(error) = gate.check(subscribe("c").as_bytes()) else {
            panic!("the third subscription passed");
        };
        assert!(error.contains(r#""code":"RATE_LIMITED""#), "{error}");
        assert!(error.contains(r#""id":"c""#), "{error}");
        assert_eq!(
            gate.check(br#"{"type":"complete","id":"a"}"#),
            Verdict::Pass
        );
        assert_eq!(gate.check(subscribe("c").as_bytes()), Verdict::Pass);
        gate.observe(r#"{"type":"complete","id":"b"}"#);
        assert_eq!(gate.check(subscribe("b").as_bytes()), Verdict::Pass);
        gate.observe(r#"{"type":"next","id":"c","payload":{}}"#);
        assert!(matches!(
            gate.check(subscribe("d").as_bytes()),
            Verdict::Answer(_)
        ));
    }

    #[test]
    fn legacy_protocol_is_only_capped() {
        let mut gate = Gate::new(WebSocketProtocols::SubscriptionsTransportWS, 1);
        assert_eq!(gate.check(b"not json"), Verdict::Pass);
        let start = |id: &str| json!({ "id": id, "type": "start", "payload": {} }).to_string();
        assert_eq!(gate.check(start("1").as_bytes()), Verdict::Pass);
        assert!(matches!(
            gate.check(start("2").as_bytes()),
            Verdict::Answer(_)
        ));
        assert_eq!(gate.check(INIT), Verdict::Pass);
        assert_eq!(gate.check(INIT), Verdict::Pass);
    }

    #[test]
    fn long_reasons_fit_a_close_frame() {
        let mut gate = transport(100);
        gate.check(INIT);
        let id = "é".repeat(200);
        gate.check(subscribe(&id).as_bytes());
        let verdict = gate.check(subscribe(&id).as_bytes());
        let Verdict::Close(4409, reason) = verdict else {
            panic!("{verdict:?}");
        };
        assert!(reason.len() <= MAX_REASON_BYTES);
        assert!(fit(&"é".repeat(100)).len() <= MAX_REASON_BYTES);
    }
}
