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
use orders_support::{OrdersEnv, fast_outbox};
use providers::{
    model::{ExternalCustomer, PosKind},
    simulator::Simulator,
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
    // (Dutchie takes a profile only with a full address)
    let address = ProfileInput {
        address: Some("1 K St".into()),
        state: Some("CA".into()),
        postal_code: Some("95814".into()),
        ..city("Fresno")
    };
    profile::update(&env.db, Editor::Admin("admin"), row.id, &address)
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
    assert!(alerts.len() >= 3, "{alerts:?}");
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
