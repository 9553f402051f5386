//! Comparing what an adapter returns with what the simulator's store holds,
//! field by field, with messages that say which product and which field.

use providers::model::{ExternalProduct, Money, Potency, Weight};

/// Differences between a normalised product and the seeded one. Fields a
/// vendor cannot carry come back `None` and are not compared; a value that
/// does come back must equal the seed's.
pub fn product_diffs(got: &ExternalProduct, want: &ExternalProduct) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut check = |field: &str, ok: bool, got: String, want: String| {
        if !ok {
            diffs.push(format!("{field}: got {got}, want {want}"));
        }
    };
    check(
        "name",
        got.name == want.name,
        got.name.clone(),
        want.name.clone(),
    );
    check(
        "category",
        got.category == want.category,
        format!("{:?}", got.category),
        format!("{:?}", want.category),
    );
    check(
        "strain_type",
        got.strain_type == want.strain_type,
        format!("{:?}", got.strain_type),
        format!("{:?}", want.strain_type),
    );
    check(
        "rec_price",
        money_eq(&got.rec_price, &want.rec_price),
        format!("{:?}", got.rec_price),
        format!("{:?}", want.rec_price),
    );
    if got.brand.is_some() {
        check(
            "brand",
            got.brand == want.brand,
            format!("{:?}", got.brand),
            format!("{:?}", want.brand),
        );
    }
    if got.sku.is_some() {
        check(
            "sku",
            got.sku == want.sku,
            format!("{:?}", got.sku),
            format!("{:?}", want.sku),
        );
    }
    if got.med_price.is_some() {
        check(
            "med_price",
            money_eq(&got.med_price, &want.med_price),
            format!("{:?}", got.med_price),
            format!("{:?}", want.med_price),
        );
    }
    for (field, g, w) in [("thc", &got.thc, &want.thc), ("cbd", &got.cbd, &want.cbd)] {
        if let Some(g) = g {
            check(
                field,
                potency_eq(g, w.as_ref()),
                format!("{g:?}"),
                format!("{w:?}"),
            );
        }
    }
    if let Some(g) = &got.net_weight {
        check(
            "net_weight",
            weight_eq(g, want.net_weight.as_ref()),
            format!("{g:?}"),
            format!("{:?}", want.net_weight),
        );
    }
    if let Some(g) = got.flower_equivalent_grams {
        let ok = want
            .flower_equivalent_grams
            .is_some_and(|w| (g - w).abs() < 0.01)
            || (g == 0.0 && want.flower_equivalent_grams.is_none());
        check(
            "flower_equivalent_grams",
            ok,
            format!("{g}"),
            format!("{:?}", want.flower_equivalent_grams),
        );
    }
    diffs
}

fn money_eq(got: &Option<Money>, want: &Option<Money>) -> bool {
    got == want
}

fn potency_eq(got: &Potency, want: Option<&Potency>) -> bool {
    match want {
        Some(w) => got.unit == w.unit && (got.value - w.value).abs() < 0.01,
        // A vendor may send an explicit zero for "none".
        None => got.value == 0.0,
    }
}

fn weight_eq(got: &Weight, want: Option<&Weight>) -> bool {
    let Some(want) = want else { return false };
    match (got.grams(), want.grams()) {
        (Some(g), Some(w)) => (g - w).abs() < 0.01,
        _ => got.unit == want.unit && (got.value - want.value).abs() < 0.01,
    }
}
