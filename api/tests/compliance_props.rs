//! Properties of the purchase limits, on the pure engine the check uses: whatever
//! sequence of orders comes (several limits at once, an equivalency sharing one
//! allowance, a sub-limit inside a total, orders over several days), the orders let
//! through never take a window past a limit, and an order is refused only when letting
//! it through would (so no legal sequence is refused). The expected sums are computed
//! here from the generated figures, not by the engine.
#![allow(clippy::unwrap_used)]

use api::compliance::{
    limits::{self, Item, Limit},
    measure::Measures,
};
use chrono::{DateTime, TimeDelta, Utc};
use entities::{
    compliance_rule::{Conversion, RuleTerm, WhenUnknown},
    enums::{ComplianceMeasure as M, ComplianceWindow, ProductCategory as C},
};
use proptest::prelude::*;

/// Slack for float sums.
const EPS: f64 = 1e-6;

/// One line: flower grams or concentrate grams, by units.
#[derive(Clone, Copy, Debug)]
struct Line {
    concentrate: bool,
    units: u8,
    per_unit: f64,
}

/// An order on a day.
#[derive(Clone, Debug)]
struct Order {
    day: u8,
    lines: Vec<Line>,
}

fn term(category: C, measure: M, factor: f64) -> RuleTerm {
    RuleTerm {
        categories: vec![category],
        count: Conversion { measure, factor },
        fallback: None,
        when_unknown: WhenUnknown::Refuse,
    }
}

fn limit(
    code: &str,
    measure: M,
    amount: f64,
    window: ComplianceWindow,
    terms: Vec<RuleTerm>,
) -> Limit {
    Limit {
        code: code.to_owned(),
        description: String::new(),
        measure,
        amount,
        window,
        window_days: None,
        residency: None,
        terms,
        within: None,
        citation: None,
        source: None,
    }
}

fn day_start(day: u8) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::days(i64::from(day))
}

fn item(line: &Line, day: u8) -> Item {
    let amount = f64::from(line.units) * line.per_unit;
    let (category, measures) = if line.concentrate {
        (
            C::Concentrate,
            Measures {
                concentrate_g: Some(amount),
                ..Measures::default()
            },
        )
    } else {
        (
            C::Flower,
            Measures {
                flower_g: Some(amount),
                ..Measures::default()
            },
        )
    };
    Item {
        at: day_start(day) + TimeDelta::hours(12),
        product_id: None,
        category,
        measures,
    }
}

/// The generated figures of the rules: a shared total with a concentrate factor, a
/// concentrate sub-limit, and whether they count per day or per transaction.
#[derive(Clone, Copy, Debug)]
struct Rules {
    total: f64,
    factor: f64,
    sub: f64,
    daily: bool,
}

impl Rules {
    fn limits(&self) -> Vec<Limit> {
        let window = if self.daily {
            ComplianceWindow::CalendarDay
        } else {
            ComplianceWindow::Transaction
        };
        vec![
            limit(
                "TOTAL",
                M::FlowerG,
                self.total,
                window,
                vec![
                    term(C::Flower, M::FlowerG, 1.0),
                    term(C::Concentrate, M::ConcentrateG, self.factor),
                ],
            ),
            limit(
                "SUB",
                M::ConcentrateG,
                self.sub,
                window,
                vec![term(C::Concentrate, M::ConcentrateG, 1.0)],
            ),
        ]
    }

    /// (total, sub-limit) amounts of lines, from the generated figures.
    fn amounts(&self, lines: &[Line]) -> (f64, f64) {
        lines.iter().fold((0.0, 0.0), |(total, sub), line| {
            let amount = f64::from(line.units) * line.per_unit;
            if line.concentrate {
                (total + amount * self.factor, sub + amount)
            } else {
                (total + amount, sub)
            }
        })
    }
}

fn rules() -> impl Strategy<Value = Rules> {
    (5.0..60.0f64, 0.5..5.0f64, 1.0..20.0f64, any::<bool>()).prop_map(
        |(total, factor, sub, daily)| Rules {
            total,
            factor,
            sub,
            daily,
        },
    )
}

fn orders() -> impl Strategy<Value = Vec<Order>> {
    let line =
        (any::<bool>(), 1u8..6, 0.1..4.0f64).prop_map(|(concentrate, units, per_unit)| Line {
            concentrate,
            units,
            per_unit,
        });
    let order =
        (0u8..3, prop::collection::vec(line, 1..4)).prop_map(|(day, lines)| Order { day, lines });
    prop::collection::vec(order, 1..25).prop_map(|mut orders| {
        orders.sort_by_key(|o| o.day);
        orders
    })
}

proptest! {
    #[test]
    fn no_sequence_exceeds_a_limit_and_no_legal_order_is_refused(rules in rules(), orders in orders()) {
        let limits = rules.limits();
        let mut history: Vec<Item> = Vec::new();
        let mut sold: Vec<(u8, Vec<Line>)> = Vec::new();
        for order in &orders {
            let basket: Vec<Item> = order.lines.iter().map(|l| item(l, order.day)).collect();
            let since = rules.daily.then(|| day_start(order.day));
            let refused = limits.iter().any(|limit| {
                limits::tally(limit, since, &history, &basket).unwrap().exceeds(limit.amount)
            });
            // what the window already holds, from the generated figures
            let before: Vec<Line> = sold
                .iter()
                .filter(|(day, _)| rules.daily && *day == order.day)
                .flat_map(|(_, lines)| lines.iter().copied())
                .collect();
            let (used_total, used_sub) = rules.amounts(&before);
            let (this_total, this_sub) = rules.amounts(&order.lines);
            let fits = used_total + this_total <= rules.total + EPS && used_sub + this_sub <= rules.sub + EPS;
            prop_assert_eq!(refused, !fits, "order {:?} with {:?} used", order, (used_total, used_sub));
            if !refused {
                history.extend(basket);
                sold.push((order.day, order.lines.clone()));
                // never past a limit, in any window
                let (total, sub) = rules.amounts(&order.lines.iter().copied().chain(before).collect::<Vec<_>>());
                prop_assert!(total <= rules.total + EPS && sub <= rules.sub + EPS);
            }
        }
    }
}
