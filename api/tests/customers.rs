//! Customers across POS systems, against the simulators, on SQLite and on PostgreSQL: a
//! profile change at the POS shows in Canopy, a Canopy edit reaches the POS (or is kept
//! in Canopy where the POS cannot take it), conflicting edits resolve by last writer
//! wins with the POS winning ties, the same person at two POS systems is one profile
//! with one history whose totals equal the POS's own, ambiguous matches raise an alert
//! and admins merge and unmerge, bad records are kept apart with an alert, and an
//! erased customer keeps their history.
#![allow(clippy::unwrap_used)]

mod common;
mod orders_support;
mod sync_support;

use api::{
    connections::{self, ConnectionInput},
    customers::{
        anonymize, history, merge,
        profile::{self, Editor, ProfileInput},
        sync_status::{self, PushState},
    },
    sync::RunMode,
};
use chrono::TimeDelta;
use common::fixtures::Seed;
use entities::{alert, customer, customer_event, customer_external_ref, purchase};
use entities::{
    enums::{OrderStatus, QueueStatus},
    outbox,
};
use orders_support::{OrdersEnv, fast_outbox};
use providers::{
    model::{ExternalCustomer, PosKind},
    simulator::{Fault, Simulator},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { $crate::$name($crate::orders_support::sqlite().await).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { if let Some(env) = $crate::orders_support::postgres().await { $crate::$name(env).await } } )*
        }
    };
}

both_backends!(
    profile_changes_travel_both_ways,
    conflicting_edits_resolve_by_last_writer,
    one_person_at_two_pos_systems_has_one_profile_and_history,
    ambiguous_matches_alert_and_admins_merge_and_unmerge,
    bad_customer_records_are_kept_apart,
    carts_and_orders_name_the_same_people,
    an_online_order_is_one_purchase_before_and_after_the_pos_rings_it,
    a_sale_pulled_first_from_a_pos_without_customers_stays_the_buyers,
    a_push_stands_at_its_own_pos_and_is_recorded_once,
);

/// A simulator of `kind`, connected with customers read off its carts or orders (Jane
/// and Dispense have no customer API), and fully imported.
async fn imported_with_customers(env: &OrdersEnv, kind: PosKind) -> (Box<dyn Simulator>, Uuid) {
    let sim = sync_support::simulator(kind).await;
    let mut config = sim.connection_config(Uuid::nil());
    config.settings["customers_from_carts"] = true.into();
    config.settings["customers_from_orders"] = true.into();
    config.settings["http"] = serde_json::json!({
        "max_retries": 0,
        "request_timeout_ms": 5000,
        "disable_rate_limits": true
    });
    let input = ConnectionInput::from_config(format!("test {kind}"), config);
    let connection = connections::create(&env.db, env.sync.keyring(), &input)
        .await
        .unwrap();
    env.sync
        .sync_connection(connection.id, RunMode::Full)
        .await
        .unwrap();
    (sim, connection.id)
}

/// The Canopy profile of POS customer `external_id` at `connection`.
async fn profile_of(env: &OrdersEnv, connection: Uuid, external_id: &str) -> customer::Model {
    let reference = customer_external_ref::Entity::find()
        .filter(customer_external_ref::Column::ConnectionId.eq(connection))
        .filter(customer_external_ref::Column::ExternalId.eq(external_id))
        .one(&env.db)
        .await
        .unwrap()
        .expect("the POS customer was imported");
    let root = merge::root(&env.db, reference.customer_id).await.unwrap();
    customer::Entity::find_by_id(root)
        .one(&env.db)
        .await
        .unwrap()
        .unwrap()
}

/// One POS customer of `sim`.
fn some_customer(sim: &dyn Simulator) -> ExternalCustomer {
    sim.store()
        .read(|s| s.customers.values().next().cloned())
        .unwrap()
}

async fn sync(env: &OrdersEnv, connection: Uuid) {
    env.sync
        .sync_connection(connection, RunMode::Incremental)
        .await
        .unwrap();
}

async fn event_kinds(env: &OrdersEnv, customer: Uuid) -> Vec<String> {
    customer_event::Entity::find()
        .filter(customer_event::Column::CustomerId.eq(customer))
        .all(&env.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// A move to `name` with the full address Dutchie needs to take a profile.
fn full_address(name: &str) -> ProfileInput {
    ProfileInput {
        address: Some("1 K St".into()),
        state: Some("CA".into()),
        postal_code: Some("95814".into()),
        ..city(name)
    }
}

fn city(name: &str) -> ProfileInput {
    ProfileInput {
        city: Some(name.to_owned()),
        ..ProfileInput::default()
    }
}

async fn profile_changes_travel_both_ways(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let mut at_pos = some_customer(sim.as_ref());

    // a change at the POS shows in Canopy, recorded as a merge event
    at_pos.city = Some("Sacramento".into());
    sim.store().upsert_customer(at_pos.clone());
    sync(&env, connection.id).await;
    let row = profile_of(&env, connection.id, &at_pos.external_id).await;
    assert_eq!(row.city.as_deref(), Some("Sacramento"));
    assert!(
        event_kinds(&env, row.id)
            .await
            .contains(&"pos_merged".to_owned())
    );

    // a change in Canopy reaches the POS through the outbox
    profile::update(
        &env.db,
        Editor::Admin("admin"),
        row.id,
        &full_address("Fresno"),
    )
    .await
    .unwrap();
    let states = sync_status::of(&env.db, row.id).await.unwrap();
    assert_eq!(states[0].state, PushState::Pending);
    env.drain(&fast_outbox()).await;
    let pushed = sim
        .store()
        .read(|s| s.customers[&at_pos.external_id].clone());
    assert_eq!(pushed.city.as_deref(), Some("Fresno"));
    let states = sync_status::of(&env.db, row.id).await.unwrap();
    assert_eq!(states[0].state, PushState::InSync);

    // reading it back changes nothing; marketing consent, which Dutchie's edit cannot
    // carry, stays as Canopy has it
    profile::update(
        &env.db,
        Editor::Customer,
        row.id,
        &ProfileInput {
            marketing_opt_in: Some(!row.marketing_opt_in),
            ..ProfileInput::default()
        },
    )
    .await
    .unwrap();
    env.drain(&fast_outbox()).await;
    sync(&env, connection.id).await;
    let after = profile_of(&env, connection.id, &at_pos.external_id).await;
    assert_eq!(after.city.as_deref(), Some("Fresno"));
    assert_eq!(after.marketing_opt_in, !row.marketing_opt_in);

    // a POS whose API takes no profiles keeps the edit in Canopy, and says so
    let (_dispense, dispense) = imported_with_customers(&env, PosKind::Dispense).await;
    let reference = customer_external_ref::Entity::find()
        .filter(customer_external_ref::Column::ConnectionId.eq(dispense))
        .one(&env.db)
        .await
        .unwrap()
        .expect("Dispense's orders name customers");
    let root = merge::root(&env.db, reference.customer_id).await.unwrap();
    profile::update(&env.db, Editor::Admin("admin"), root, &city("Napa"))
        .await
        .unwrap();
    env.drain(&fast_outbox()).await;
    let states = sync_status::of(&env.db, root).await.unwrap();
    let at_dispense = states.iter().find(|s| s.connection_id == dispense).unwrap();
    assert_eq!(at_dispense.state, PushState::KeptInCanopy);
}

async fn conflicting_edits_resolve_by_last_writer(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let mut at_pos = some_customer(sim.as_ref());
    let row = profile_of(&env, connection.id, &at_pos.external_id).await;
    profile::update(
        &env.db,
        Editor::Admin("admin"),
        row.id,
        &city("Canopyville"),
    )
    .await
    .unwrap();

    // the POS edited the same field earlier (its clock an hour behind): Canopy wins
    sim.store().clock().set_skew(TimeDelta::hours(-1));
    at_pos.city = Some("Older".into());
    sim.store().upsert_customer(at_pos.clone());
    sync(&env, connection.id).await;
    let row = profile_of(&env, connection.id, &at_pos.external_id).await;
    assert_eq!(row.city.as_deref(), Some("Canopyville"));

    // the POS edits it later: the POS wins
    sim.store().clock().set_skew(TimeDelta::hours(1));
    at_pos.city = Some("Newer".into());
    sim.store().upsert_customer(at_pos.clone());
    sync(&env, connection.id).await;
    let row = profile_of(&env, connection.id, &at_pos.external_id).await;
    assert_eq!(row.city.as_deref(), Some("Newer"));
}

/// Sales less returns of `external_customer`, as the POS itself records them, in cents,
/// over the transactions of the period Canopy imported.
async fn pos_net(
    env: &OrdersEnv,
    sim: &dyn Simulator,
    connection: Uuid,
    external_customer: &str,
) -> i64 {
    let imported: Vec<String> = purchase::Entity::find()
        .filter(purchase::Column::ConnectionId.eq(connection))
        .all(&env.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|p| p.external_id)
        .collect();
    sim.store().read(|s| {
        s.transactions
            .values()
            .filter(|t| imported.contains(&t.external_id))
            .filter(|t| t.external_customer_id.as_deref() == Some(external_customer))
            .filter(|t| !t.is_void)
            .map(|t| {
                if t.is_return {
                    -t.total.amount.abs()
                } else {
                    t.total.amount.abs()
                }
            })
            .sum()
    })
}

async fn one_person_at_two_pos_systems_has_one_profile_and_history(env: OrdersEnv) {
    // two stores on two POS accounts, holding the same people
    let (first, first_connection) = env.imported(PosKind::Dutchie).await;
    let customers_after_first = customer::Entity::find().all(&env.db).await.unwrap().len();
    let (second, second_connection) = env.imported(PosKind::Dutchie).await;
    let all = customer::Entity::find().all(&env.db).await.unwrap();
    assert_eq!(all.len(), customers_after_first, "matched, not duplicated");

    let bought = purchase::Entity::find()
        .filter(purchase::Column::ConnectionId.eq(first_connection.id))
        .filter(purchase::Column::CustomerId.is_not_null())
        .one(&env.db)
        .await
        .unwrap()
        .expect("a register sale to a known customer");
    let buyer = first
        .store()
        .read(|s| {
            s.transactions[bought.external_id.as_deref().unwrap()]
                .external_customer_id
                .clone()
        })
        .unwrap();
    let one = profile_of(&env, first_connection.id, &buyer).await;
    let two = profile_of(&env, second_connection.id, &buyer).await;
    assert_eq!(one.id, two.id, "one profile");
    assert_eq!(sync_status::of(&env.db, one.id).await.unwrap().len(), 2);

    let totals = history::totals(&env.db, &merge::family(&env.db, one.id).await.unwrap())
        .await
        .unwrap();
    assert_eq!(
        totals.net(),
        pos_net(&env, first.as_ref(), first_connection.id, &buyer).await
            + pos_net(&env, second.as_ref(), second_connection.id, &buyer).await,
        "history totals equal the POS systems' own"
    );
    assert!(totals.sales > 0);
}

async fn ambiguous_matches_alert_and_admins_merge_and_unmerge(env: OrdersEnv) {
    let seed = Seed::new(&env.db);
    let a = seed.customer("twin@example.com", "Ann", "Twin").await;
    let b = seed.customer("twin@example.com", "Bea", "Twin").await;
    let location = seed.location("Store").await;
    seed.purchase(&a, &location, chrono::Utc::now(), 1000).await;
    seed.purchase(&b, &location, chrono::Utc::now(), 500).await;
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let id = sim.store().upsert_customer(ExternalCustomer {
        external_id: String::new(),
        first_name: Some("Ann".into()),
        last_name: Some("Twin".into()),
        email: Some(" TWIN@example.com".into()),
        date_of_birth: a.date_of_birth,
        ..some_customer(sim.as_ref())
    });
    let before = customer::Entity::find().all(&env.db).await.unwrap().len();
    sync(&env, connection.id).await;
    let alerts = alert::Entity::find()
        .filter(alert::Column::Kind.eq("customer_match_ambiguous"))
        .all(&env.db)
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);
    assert!(
        !alerts[0].message.contains("twin@"),
        "no personal data in alerts"
    );
    let kept = profile_of(&env, connection.id, &id).await;
    assert_ne!(kept.id, a.id);
    assert_ne!(kept.id, b.id);
    assert_eq!(
        customer::Entity::find().all(&env.db).await.unwrap().len(),
        before + 1
    );

    // an admin merges the duplicate: one history; unmerging restores both
    merge::merge(&env.db, "admin", a.id, b.id).await.unwrap();
    let family = merge::family(&env.db, a.id).await.unwrap();
    assert_eq!(history::totals(&env.db, &family).await.unwrap().net(), 1500);
    assert!(merge::merge(&env.db, "admin", b.id, a.id).await.is_err());
    merge::unmerge(&env.db, "admin", b.id).await.unwrap();
    let family = merge::family(&env.db, a.id).await.unwrap();
    assert_eq!(history::totals(&env.db, &family).await.unwrap().net(), 1000);

    // erasing a customer keeps their history and totals
    let erased = anonymize::anonymize(&env.db, "admin", a.id).await.unwrap();
    assert!(erased.email.is_none() && erased.first_name.is_none());
    assert_eq!(history::totals(&env.db, &[a.id]).await.unwrap().net(), 1000);
}

async fn bad_customer_records_are_kept_apart(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let template = some_customer(sim.as_ref());
    let fresh = |change: &dyn Fn(&mut ExternalCustomer)| {
        let mut c = ExternalCustomer {
            external_id: String::new(),
            email: None,
            phone: None,
            medical_id: None,
            ..template.clone()
        };
        change(&mut c);
        sim.store().upsert_customer(c)
    };
    let nameless = fresh(&|c| {
        c.first_name = None;
        c.last_name = None;
    });
    let unborn = fresh(&|c| c.date_of_birth = chrono::NaiveDate::from_ymd_opt(2999, 1, 1));
    let bad_email = fresh(&|c| c.email = Some("not-an-address".into()));
    let good = fresh(&|c| c.first_name = Some("Gail".into()));
    sync(&env, connection.id).await;
    for bad in [&nameless, &unborn, &bad_email] {
        let stored = customer_external_ref::Entity::find()
            .filter(customer_external_ref::Column::ExternalId.eq(bad.as_str()))
            .filter(customer_external_ref::Column::ConnectionId.eq(connection.id))
            .one(&env.db)
            .await
            .unwrap();
        assert!(stored.is_none(), "bad record {bad} was kept apart");
    }
    let alerts = alert::Entity::find()
        .filter(alert::Column::Kind.eq("pos_bad_record"))
        .all(&env.db)
        .await
        .unwrap();
    // one alert for the endpoint, saying how many and why
    let customers_alert = alerts
        .iter()
        .find(|a| a.details["endpoint"] == "customers")
        .unwrap_or_else(|| panic!("no alert for the customers endpoint: {alerts:?}"));
    assert!(
        customers_alert.details["rejected"].as_u64().unwrap() >= 3,
        "{customers_alert:?}"
    );
    assert!(
        customers_alert
            .message
            .contains("customer records rejected"),
        "{customers_alert:?}"
    );
    let _ = profile_of(&env, connection.id, &good).await;
}

async fn carts_and_orders_name_the_same_people(env: OrdersEnv) {
    let (_dutchie, dutchie) = env.imported(PosKind::Dutchie).await;
    let known = customer::Entity::find().all(&env.db).await.unwrap().len();
    let (_jane, jane) = imported_with_customers(&env, PosKind::Jane).await;
    let (_dispense, dispense) = imported_with_customers(&env, PosKind::Dispense).await;
    assert_eq!(
        customer::Entity::find().all(&env.db).await.unwrap().len(),
        known,
        "the people on Jane's carts and Dispense's orders are Dutchie's customers"
    );
    for connection in [jane, dispense] {
        let reference = customer_external_ref::Entity::find()
            .filter(customer_external_ref::Column::ConnectionId.eq(connection))
            .one(&env.db)
            .await
            .unwrap()
            .expect("customers were read");
        let at: Vec<Uuid> = sync_status::of(&env.db, reference.customer_id)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.connection_id)
            .collect();
        assert!(
            at.contains(&dutchie.id) && at.contains(&connection),
            "{at:?}"
        );
    }
}

/// The purchases of the person who placed order `order_id`, as `purchaseHistory` pages
/// them, and their totals.
async fn history_of_buyer(
    env: &OrdersEnv,
    order_id: Uuid,
) -> (Vec<purchase::Model>, history::Totals) {
    let order = env.order(order_id).await;
    let family = merge::family(&env.db, order.customer_id).await.unwrap();
    let page = api::services::customers::purchase_history(
        &env.db,
        &family,
        &api::services::paging::PageRequest {
            first: 100,
            after: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        api::services::customers::count_purchases(&env.db, &family)
            .await
            .unwrap(),
        page.items.len() as u64
    );
    (page.items, history::totals(&env.db, &family).await.unwrap())
}

/// The purchases linked to `order_id` among `rows`.
fn of_order(rows: &[purchase::Model], order_id: Uuid) -> Vec<&purchase::Model> {
    rows.iter()
        .filter(|p| p.order_id == Some(order_id))
        .collect()
}

async fn an_online_order_is_one_purchase_before_and_after_the_pos_rings_it(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dutchie).await;
    let first = env.place(&connection, 1).await;
    let second = env.place(&connection, 2).await;
    let cancelled = env.place(&connection, 1).await;
    env.drain(&fast_outbox()).await;

    // completed at the register and seen by the status poll before the sale is pulled
    let external = env.order(first.id).await.external_id.unwrap();
    sim.advance_order(&external, "Complete").await.unwrap();
    env.poll().await;
    let order = env.order(first.id).await;
    assert_eq!(order.status, OrderStatus::Completed);
    let (rows, before) = history_of_buyer(&env, first.id).await;
    let sale = of_order(&rows, first.id);
    assert_eq!(sale.len(), 1, "{}: shown at once", env.backend);
    assert_eq!(
        (
            sale[0].total,
            sale[0].location_id,
            sale[0].external_id.as_deref()
        ),
        (order.total, order.location_id, None)
    );
    let rung = sim
        .store()
        .read(|s| s.orders[&external].transaction_id.clone())
        .expect("the register rang the order up");
    sync(&env, connection.id).await;
    let (after_rows, after) = history_of_buyer(&env, first.id).await;
    assert_eq!(
        after_rows.len(),
        rows.len(),
        "{}: nothing added",
        env.backend
    );
    let sale_after = of_order(&after_rows, first.id);
    assert_eq!(sale_after.len(), 1);
    assert_eq!(sale_after[0].id, sale[0].id, "the same row");
    assert_eq!(
        (
            sale_after[0].connection_id,
            sale_after[0].external_id.as_deref()
        ),
        (Some(connection.id), Some(rung.as_str())),
        "it carries the POS's transaction"
    );
    let at_pos = sim.store().read(|s| s.transactions[&rung].clone());
    assert_eq!(
        (sale_after[0].total, sale_after[0].occurred_at),
        (at_pos.total.amount, at_pos.occurred_at)
    );
    assert_eq!(
        after, before,
        "totals and lifetime value unchanged by the pull"
    );

    // rung up and pulled before the status poll: the completion writes nothing new
    let external = env.order(second.id).await.external_id.unwrap();
    sim.advance_order(&external, "Complete").await.unwrap();
    sync(&env, connection.id).await;
    let (rows, totals) = history_of_buyer(&env, second.id).await;
    assert_eq!(of_order(&rows, second.id).len(), 1);
    env.poll().await;
    assert_eq!(env.order(second.id).await.status, OrderStatus::Completed);
    let (rows_after, totals_after) = history_of_buyer(&env, second.id).await;
    assert_eq!(rows_after, rows, "{}", env.backend);
    assert_eq!(totals_after, totals);

    // a cancelled order never shows
    let external = env.order(cancelled.id).await.external_id.unwrap();
    sim.advance_order(&external, "Cancelled").await.unwrap();
    env.poll().await;
    sync(&env, connection.id).await;
    assert_eq!(env.order(cancelled.id).await.status, OrderStatus::Cancelled);
    let (rows, _) = history_of_buyer(&env, cancelled.id).await;
    assert!(of_order(&rows, cancelled.id).is_empty());
}

/// Dispense has no customer API, so the customer its register names on an order's sale
/// is nobody Canopy knows: when that sale is pulled before the status poll sees the
/// order completed, the purchase is still the buyer's.
async fn a_sale_pulled_first_from_a_pos_without_customers_stays_the_buyers(env: OrdersEnv) {
    let (sim, connection) = env.imported(PosKind::Dispense).await;
    let placed = env.place(&connection, 1).await;
    env.drain(&fast_outbox()).await;
    let external = env.order(placed.id).await.external_id.unwrap();
    sim.advance_order(&external, sim.order_statuses().completed)
        .await
        .unwrap();
    sync(&env, connection.id).await;
    let (rows, totals) = history_of_buyer(&env, placed.id).await;
    let sale = of_order(&rows, placed.id);
    assert_eq!(sale.len(), 1, "{}: {rows:?}", env.backend);
    assert_eq!(sale[0].customer_id, Some(placed.customer_id));
    assert_eq!(totals.sales, 1);
    env.poll().await;
    assert_eq!(env.order(placed.id).await.status, OrderStatus::Completed);
    let (after, _) = history_of_buyer(&env, placed.id).await;
    assert_eq!(after, rows, "the completion adds nothing");
}

/// `kind` events of push `push` by connection.
async fn outcomes(env: &OrdersEnv, push: Uuid) -> Vec<(Option<Uuid>, String)> {
    let mut rows: Vec<(Option<Uuid>, String)> = customer_event::Entity::find()
        .filter(customer_event::Column::PushId.eq(push))
        .all(&env.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.connection_id, e.kind))
        .collect();
    rows.sort();
    rows
}

async fn a_push_stands_at_its_own_pos_and_is_recorded_once(env: OrdersEnv) {
    // one person at two Dutchie accounts
    let (first, one) = env.imported(PosKind::Dutchie).await;
    let (second, two) = env.imported(PosKind::Dutchie).await;
    let buyer = some_customer(first.as_ref());
    let person = profile_of(&env, one.id, &buyer.external_id).await;
    let state_at = |states: &[sync_status::PosProfile], connection: Uuid| {
        states
            .iter()
            .find(|s| s.connection_id == connection)
            .map(|s| s.state)
    };

    // the second POS is down for good: its push dead-letters, the first is in step
    second.faults().push(Fault::Status { status: 503 }, 10_000);
    profile::update(
        &env.db,
        Editor::Admin("admin"),
        person.id,
        &full_address("Fresno"),
    )
    .await
    .unwrap();
    let states = sync_status::of(&env.db, person.id).await.unwrap();
    assert_eq!(state_at(&states, one.id), Some(PushState::Pending));
    assert_eq!(state_at(&states, two.id), Some(PushState::Pending));
    env.drain(&fast_outbox()).await;
    let states = sync_status::of(&env.db, person.id).await.unwrap();
    assert_eq!(
        (state_at(&states, one.id), state_at(&states, two.id)),
        (Some(PushState::InSync), Some(PushState::Failed)),
        "{}",
        env.backend
    );
    second.faults().clear();

    // a push spanning both POS (queued before pushes named theirs), retried after a
    // transient failure and then sent once more: one outcome per POS
    env.enqueue(
        person.id,
        api::events::outbox::kinds::PUSH_CUSTOMER,
        serde_json::json!({ "fields": ["city"] }),
    )
    .await;
    let push = env
        .outbox_of(person.id)
        .await
        .into_iter()
        .find(|row| row.payload.get("connectionId").is_none())
        .unwrap();
    first.faults().push(Fault::Status { status: 503 }, 1);
    second.faults().push(Fault::Status { status: 503 }, 1);
    env.drain(&fast_outbox()).await;
    let sent = outbox::Entity::find_by_id(push.id)
        .one(&env.db)
        .await
        .unwrap()
        .unwrap();
    assert!(sent.attempts > 1, "{}: retried ({sent:?})", env.backend);
    let mut expected = vec![
        (Some(one.id), "pushed".to_owned()),
        (Some(two.id), "pushed".to_owned()),
    ];
    expected.sort();
    assert_eq!(outcomes(&env, push.id).await, expected, "{}", env.backend);
    let mut again: outbox::ActiveModel = sea_orm::IntoActiveModel::into_active_model(sent);
    again.status = sea_orm::ActiveValue::Set(QueueStatus::Pending);
    again.next_attempt_at = sea_orm::ActiveValue::Set(chrono::Utc::now());
    sea_orm::ActiveModelTrait::update(again, &env.db)
        .await
        .unwrap();
    env.drain(&fast_outbox()).await;
    assert_eq!(
        outcomes(&env, push.id).await,
        expected,
        "sent again: nothing new"
    );
}
