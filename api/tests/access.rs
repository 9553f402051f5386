//! Who may call what: every root field of the schema, for every role, against the Access
//! rules of DESIGN.md (catalog, locations and stock public; orders for their customer or
//! admins; customers, alerts, audit log and configuration for admins).
//!
//! The fields come from introspection and the documents are generated from their
//! argument types, so a field added without a rule here fails the test. A rule says
//! whether each role gets through the field's guard; what the resolver then answers
//! (`NOT_FOUND` for a made-up id, `BAD_USER_INPUT` for a placeholder input) is not this
//! test's concern. Also: a bad token at websocket `connection_init` closes the socket
//! with 4403.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use api::auth::{Claims, JwtKeys, Role};
use common::{TestApp, WAIT, gql::execute, spawn_app, test_keys};
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};
use uuid::Uuid;

/// What a role gets from a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Through the guard.
    Allowed,
    /// `UNAUTHENTICATED`.
    Unauth,
    /// `FORBIDDEN`.
    Forbidden,
}
use Access::{Allowed as A, Forbidden as F, Unauth as U};

/// Callers, in the order of each rule's outcomes.
const CALLERS: [&str; 4] = ["anonymous", "storefront", "customer", "admin"];
const PUBLIC: [Access; 4] = [A, A, A, A];
const ADMIN: [Access; 4] = [U, F, F, A];
const CUSTOMER_OR_ADMIN: [Access; 4] = [U, F, A, A];
const CUSTOMER_ONLY: [Access; 4] = [U, F, A, F];

/// The rule of every root field, `Root.field`.
const RULES: &[(&str, [Access; 4])] = &[
    ("Query.apiVersion", PUBLIC),
    ("Query.locations", PUBLIC),
    ("Query.location", PUBLIC),
    ("Query.products", PUBLIC),
    ("Query.product", PUBLIC),
    // Federation: entities resolve only what the caller may see, like the root fields.
    ("Query._service", PUBLIC),
    ("Query._entities", PUBLIC),
    ("Query.orders", CUSTOMER_OR_ADMIN),
    ("Query.order", CUSTOMER_OR_ADMIN),
    ("Query.me", CUSTOMER_ONLY),
    ("Query.customers", ADMIN),
    ("Query.customer", ADMIN),
    ("Query.providerConnections", ADMIN),
    ("Query.providerConnection", ADMIN),
    ("Query.posKinds", ADMIN),
    ("Query.integrityCheck", ADMIN),
    ("Query.alerts", ADMIN),
    ("Query.auditLog", ADMIN),
    ("Query.complianceRules", ADMIN),
    ("Query.productMatches", ADMIN),
    ("Query.persistedOperations", ADMIN),
    ("Query.allowances", CUSTOMER_OR_ADMIN),
    ("Query.checkCart", CUSTOMER_OR_ADMIN),
    ("Mutation.placeOrder", CUSTOMER_OR_ADMIN),
    ("Mutation.cancelOrder", CUSTOMER_OR_ADMIN),
    ("Mutation.returnOrder", CUSTOMER_OR_ADMIN),
    ("Mutation.createProviderConnection", ADMIN),
    ("Mutation.updateProviderConnection", ADMIN),
    ("Mutation.deleteProviderConnection", ADMIN),
    ("Mutation.testProviderConnection", ADMIN),
    ("Mutation.triggerSync", ADMIN),
    ("Mutation.resolveAlert", ADMIN),
    ("Mutation.upsertComplianceRule", ADMIN),
    ("Mutation.setProductMeasures", ADMIN),
    ("Mutation.mergeProducts", ADMIN),
    ("Mutation.splitProduct", ADMIN),
    ("Mutation.registerPersistedOperation", ADMIN),
    ("Mutation.removePersistedOperation", ADMIN),
    ("Mutation.retryOrderDelivery", ADMIN),
    ("Mutation.updateMyProfile", CUSTOMER_ONLY),
    ("Mutation.updateCustomer", ADMIN),
    ("Mutation.mergeCustomers", ADMIN),
    ("Mutation.unmergeCustomer", ADMIN),
    ("Mutation.anonymizeCustomer", ADMIN),
    ("Subscription.stockChanged", PUBLIC),
    ("Subscription.orderStatusChanged", CUSTOMER_OR_ADMIN),
    ("Subscription.alerts", ADMIN),
];

const TYPE_REF: &str = "name kind ofType { name kind ofType { name kind ofType { name kind } } }";

async fn introspect(app: &TestApp) -> Value {
    let query = format!(
        "{{ __schema {{ queryType {{ name }} mutationType {{ name }} subscriptionType {{ name }}
            types {{ name kind enumValues {{ name }}
              inputFields {{ name defaultValue type {{ {TYPE_REF} }} }}
              fields {{ name type {{ {TYPE_REF} }} args {{ name defaultValue type {{ {TYPE_REF} }} }} }} }} }} }}"
    );
    let admin = app.token(Role::Admin, "ops");
    let (status, body) = execute(app, Some(&admin), &query, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["__schema"].clone()
}

/// Builds a document that calls one root field with placeholder values for its
/// required arguments.
struct Documents<'a> {
    types: &'a [Value],
}

impl Documents<'_> {
    fn named(&self, name: &str) -> &Value {
        self.types.iter().find(|t| t["name"] == name).unwrap()
    }

    /// A literal of `ty` (a type reference).
    fn value(&self, ty: &Value) -> String {
        match ty["kind"].as_str().unwrap() {
            "NON_NULL" => self.value(&ty["ofType"]),
            "LIST" => format!("[{}]", self.value(&ty["ofType"])),
            "ENUM" => self.named(ty["name"].as_str().unwrap())["enumValues"][0]["name"]
                .as_str()
                .unwrap()
                .to_owned(),
            "INPUT_OBJECT" => {
                let input = self.named(ty["name"].as_str().unwrap());
                format!("{{ {} }}", self.required(&input["inputFields"]))
            }
            _ => match ty["name"].as_str().unwrap() {
                "Int" => "1".to_owned(),
                "Float" => "1.5".to_owned(),
                "Boolean" => "false".to_owned(),
                "JSON" => "{}".to_owned(),
                "_Any" => format!("{{ __typename: \"Order\", id: \"{}\" }}", Uuid::now_v7()),
                _ => format!("\"{}\"", Uuid::now_v7()),
            },
        }
    }

    /// `name: value` for each required (non-null, no default) argument or input field.
    fn required(&self, fields: &Value) -> String {
        fields
            .as_array()
            .unwrap()
            .iter()
            .filter(|field| field["type"]["kind"] == "NON_NULL" && field["defaultValue"].is_null())
            .map(|field| {
                format!(
                    "{}: {}",
                    field["name"].as_str().unwrap(),
                    self.value(&field["type"])
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn call(&self, operation: &str, field: &Value) -> String {
        let args = self.required(&field["args"]);
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({args})")
        };
        let mut ty = &field["type"];
        while !ty["ofType"].is_null() {
            ty = &ty["ofType"];
        }
        let selection = match ty["kind"].as_str().unwrap() {
            "OBJECT" | "INTERFACE" | "UNION" => " { __typename }",
            _ => "",
        };
        format!(
            "{operation} {{ {}{args}{selection} }}",
            field["name"].as_str().unwrap()
        )
    }
}

/// The access a response shows: the code of an auth error, else allowed.
fn access_of(body: &Value) -> Access {
    let codes: Vec<&str> = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|error| error["extensions"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default();
    if codes.contains(&"UNAUTHENTICATED") {
        U
    } else if codes.contains(&"FORBIDDEN") {
        F
    } else {
        A
    }
}

fn tokens(app: &TestApp) -> [Option<String>; 4] {
    [
        None,
        Some(app.token(Role::Storefront, "shop")),
        Some(app.token(Role::Customer, &Uuid::now_v7().to_string())),
        Some(app.token(Role::Admin, "ops")),
    ]
}

#[tokio::test]
async fn every_root_field_enforces_its_access_rule() {
    let app = spawn_app().await;
    let schema = introspect(&app).await;
    let types = schema["types"].as_array().unwrap();
    let documents = Documents { types };
    let tokens = tokens(&app);
    let mut unruled = Vec::new();
    let mut wrong = Vec::new();
    for (root, operation) in [
        ("queryType", "query"),
        ("mutationType", "mutation"),
        ("subscriptionType", "subscription"),
    ] {
        let Some(root_name) = schema[root]["name"].as_str() else {
            continue;
        };
        let fields = documents.named(root_name)["fields"].as_array().unwrap();
        for field in fields {
            let name = format!("{}.{}", root_name, field["name"].as_str().unwrap());
            let Some((_, rule)) = RULES.iter().find(|(ruled, _)| *ruled == name) else {
                unruled.push(name);
                continue;
            };
            let document = documents.call(operation, field);
            for (index, token) in tokens.iter().enumerate() {
                let got = if operation == "subscription" {
                    subscribe(&app, token.as_deref(), &document).await
                } else {
                    let (status, body) =
                        execute(&app, token.as_deref(), &document, json!({})).await;
                    assert_ne!(
                        status,
                        StatusCode::BAD_REQUEST,
                        "{document} is not valid: {body}"
                    );
                    access_of(&body)
                };
                if got != rule[index] {
                    wrong.push(format!(
                        "{name} as {}: expected {:?}, got {got:?}",
                        CALLERS[index], rule[index]
                    ));
                }
            }
        }
    }
    assert!(
        unruled.is_empty(),
        "root fields without an access rule: {unruled:?}"
    );
    assert!(
        wrong.is_empty(),
        "access rules broken:\n{}",
        wrong.join("\n")
    );
}

/// The access a subscription shows over the websocket: the code of its first error, or
/// allowed when the subscription starts (an event or nothing within a short window).
async fn subscribe(app: &TestApp, token: Option<&str>, document: &str) -> Access {
    let mut socket = open(app).await;
    let payload = token.map_or(
        json!({}),
        |token| json!({ "Authorization": format!("Bearer {token}") }),
    );
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": payload }).to_string(),
        ))
        .await
        .unwrap();
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": document } });
    socket
        .send(Message::text(subscribe.to_string()))
        .await
        .unwrap();
    loop {
        let message = match tokio::time::timeout(Duration::from_millis(500), socket.next()).await {
            Err(_) => return A,
            Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<Value>(&text).unwrap(),
            Ok(Some(Ok(_))) => continue,
            Ok(other) => panic!("the socket ended: {other:?}"),
        };
        match message["type"].as_str().unwrap() {
            "connection_ack" => continue,
            "error" => return access_of(&json!({ "errors": message["payload"] })),
            "next" => return access_of(&message["payload"]),
            _ => return A,
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(app: &TestApp) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    connect_async(request).await.unwrap().0
}

/// The close code the server ends the session with after `connection_init`, or `None`
/// when it acknowledges.
async fn init_outcome(app: &TestApp, authorization: &str) -> Option<u16> {
    let mut socket = open(app).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": authorization } });
    socket.send(Message::text(init.to_string())).await.unwrap();
    let message = tokio::time::timeout(WAIT, socket.next()).await.unwrap();
    match message {
        Some(Ok(Message::Text(text))) => {
            assert!(text.contains("connection_ack"), "{text}");
            None
        }
        Some(Ok(Message::Close(Some(frame)))) => Some(u16::from(frame.code)),
        other => panic!("unexpected answer to connection_init: {other:?}"),
    }
}

#[tokio::test]
async fn bad_tokens_at_connection_init_close_with_4403() {
    let app = spawn_app().await;
    let expired = test_keys()
        .sign(&Claims {
            exp: jsonwebtoken::get_current_timestamp() - 3600,
            ..Claims::new(Role::Admin, "ops", Duration::ZERO, None)
        })
        .unwrap();
    let forged = JwtKeys::hs256(b"another-secret-another-secret-another", None)
        .mint(Role::Admin, "ops", Duration::from_secs(600))
        .unwrap();
    let none = {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let claims = Claims::new(Role::Admin, "ops", Duration::from_secs(600), None);
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
        )
    };
    for (case, authorization) in [
        ("expired", format!("Bearer {expired}")),
        ("forged", format!("Bearer {forged}")),
        ("alg none", format!("Bearer {none}")),
        ("not bearer", "Basic b3BzOm9wcw==".to_owned()),
    ] {
        assert_eq!(
            init_outcome(&app, &authorization).await,
            Some(4403),
            "{case}"
        );
    }
    let valid = format!(
        "Bearer {}",
        app.token(Role::Customer, &Uuid::now_v7().to_string())
    );
    assert_eq!(init_outcome(&app, &valid).await, None);
}
