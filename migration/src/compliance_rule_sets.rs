//! The built-in compliance rule sets (CA, CO, MI, IL, MA, WA, and 21+ for alcohol in
//! each), as data the migrations load. Every figure names the regulation it comes from
//! and whether it was read there (`PRIMARY`), taken from a secondary source to confirm
//! (`SECONDARY`), or assumed (`GUESS`: fallback factors, windows the text leaves open).
//! Admins change them afterwards through `upsertComplianceRule`.

use serde_json::{Value, json};

/// Grams in one avoirdupois ounce.
const OZ: f64 = 28.349_523_125;
/// The guessed concentrate grams per milligram of THC in an infused product whose POS
/// record does not say how much concentrate it contains: Colorado's equivalency
/// (800 mg of THC in edibles ~ 8 g of concentrate), i.e. 100 mg ~ 1 g.
const CONCENTRATE_G_PER_THC_MG: f64 = 0.01;

const FLOWER: &[&str] = &["FLOWER", "PRE_ROLL"];
const CONCENTRATES: &[&str] = &["CONCENTRATE", "VAPE"];
const INFUSED: &[&str] = &["EDIBLE", "TINCTURE", "TOPICAL", "BEVERAGE"];
const ALCOHOL: &[&str] = &["BEER", "WINE", "SPIRITS"];

/// One built-in rule, as stored in `compliance_rules`.
#[derive(Clone, Debug)]
pub(crate) struct BuiltinRule {
    pub code: &'static str,
    pub jurisdiction: &'static str,
    pub market: &'static str,
    pub kind: &'static str,
    pub min_age: Option<i32>,
    pub requires_medical_card: bool,
    pub measure: Option<&'static str>,
    pub limit: Option<f64>,
    pub window: Option<&'static str>,
    pub window_days: Option<i32>,
    pub residency: Option<&'static str>,
    pub terms: Option<Value>,
    pub categories: Option<Value>,
    pub within: Option<&'static str>,
    pub citation: &'static str,
    pub source: &'static str,
    pub description: &'static str,
}

impl BuiltinRule {
    fn days(mut self, days: i32) -> Self {
        self.window_days = Some(days);
        self
    }

    fn residency(mut self, residency: &'static str) -> Self {
        self.residency = Some(residency);
        self
    }

    fn within(mut self, total: &'static str) -> Self {
        self.within = Some(total);
        self
    }
}

/// Where a figure comes from: the regulation and how well it is sourced.
#[derive(Clone, Copy)]
struct Cite(&'static str, &'static str);

fn age(
    code: &'static str,
    market: &'static str,
    years: i32,
    cite: Cite,
    description: &'static str,
) -> BuiltinRule {
    BuiltinRule {
        code,
        jurisdiction: &code[..2],
        market,
        kind: "MINIMUM_AGE",
        min_age: Some(years),
        requires_medical_card: market == "MEDICAL",
        measure: None,
        limit: None,
        window: None,
        window_days: None,
        residency: None,
        terms: None,
        categories: None,
        within: None,
        citation: cite.0,
        source: cite.1,
        description,
    }
}

/// A limit of `limit` `measure` per `window`, counting `terms`.
#[allow(clippy::too_many_arguments)]
fn limit(
    code: &'static str,
    market: &'static str,
    measure: &'static str,
    limit: f64,
    window: &'static str,
    terms: Vec<Value>,
    cite: Cite,
    description: &'static str,
) -> BuiltinRule {
    BuiltinRule {
        code,
        jurisdiction: &code[..2],
        market,
        kind: "PURCHASE_LIMIT",
        min_age: None,
        requires_medical_card: false,
        measure: Some(measure),
        limit: Some(limit),
        window: Some(window),
        window_days: None,
        residency: None,
        terms: Some(Value::Array(terms)),
        categories: None,
        within: None,
        citation: cite.0,
        source: cite.1,
        description,
    }
}

/// Products of `categories` counted by their `measure` times `factor`.
fn term(categories: &[&str], measure: &str, factor: f64) -> Value {
    json!({ "categories": categories, "measure": measure, "factor": factor })
}

/// [`term`], with a fallback measure for products lacking `measure`.
fn term_or(categories: &[&str], measure: &str, fallback: &str, factor: f64) -> Value {
    json!({ "categories": categories, "measure": measure, "factor": 1.0,
            "fallback": { "measure": fallback, "factor": factor } })
}

/// Concentrate contained in infused products, or their THC mg by the guessed factor.
fn infused_concentrate() -> Value {
    term_or(INFUSED, "CONCENTRATE_G", "THC_MG", CONCENTRATE_G_PER_THC_MG)
}

/// The 21+ rule for alcohol in `jurisdiction` (any market, when the order has alcohol).
fn alcohol(code: &'static str) -> BuiltinRule {
    let mut rule = age(
        code,
        "ADULT_USE",
        21,
        Cite(
            "23 U.S.C. §158 (National Minimum Drinking Age Act)",
            "PRIMARY",
        ),
        "Alcohol is sold to buyers 21 or older, in every market; it counts toward no cannabis limit",
    );
    rule.categories = Some(json!(ALCOHOL));
    rule
}

fn california() -> Vec<BuiltinRule> {
    let regs = Cite("4 CCR §15409", "PRIMARY");
    vec![
        age(
            "CA_ADULT_USE_MIN_AGE",
            "ADULT_USE",
            21,
            Cite("B&P Code §26140(a)", "PRIMARY"),
            "California adult-use buyers must be 21 or older",
        ),
        age(
            "CA_MEDICAL_MIN_AGE",
            "MEDICAL",
            18,
            Cite("B&P Code §26140(b)", "PRIMARY"),
            "California medicinal buyers must be 18 or older with a valid recommendation",
        ),
        limit(
            "CA_ADULT_USE_NON_CONCENTRATE_DAILY",
            "ADULT_USE",
            "FLOWER_G",
            28.5,
            "CALENDAR_DAY",
            vec![term(FLOWER, "FLOWER_G", 1.0)],
            regs,
            "4 CCR §15409(a)(1): 28.5 g of non-concentrated cannabis per adult-use customer per day",
        ),
        limit(
            "CA_ADULT_USE_CONCENTRATE_DAILY",
            "ADULT_USE",
            "CONCENTRATE_G",
            8.0,
            "CALENDAR_DAY",
            vec![
                term(CONCENTRATES, "CONCENTRATE_G", 1.0),
                infused_concentrate(),
            ],
            regs,
            "4 CCR §15409(a)(2): 8 g of concentrated cannabis per day, including that contained in cannabis products; an infused product without its concentrate on record counts 0.01 g per mg THC (GUESS, Colorado's 800 mg ~ 8 g)",
        ),
        limit(
            "CA_ADULT_USE_PLANTS_DAILY",
            "ADULT_USE",
            "PLANTS",
            6.0,
            "CALENDAR_DAY",
            vec![
                json!({ "categories": ["OTHER"], "measure": "PLANTS", "factor": 1.0, "whenUnknown": "IGNORE" }),
            ],
            regs,
            "4 CCR §15409(a)(3): 6 immature plants per day; an OTHER product counts as plants when an admin sets its plant count",
        ),
        limit(
            "CA_MEDICAL_FLOWER_DAILY",
            "MEDICAL",
            "FLOWER_G",
            8.0 * OZ,
            "CALENDAR_DAY",
            vec![term(FLOWER, "FLOWER_G", 1.0)],
            regs,
            "4 CCR §15409(b): 8 oz of dried mature flower per medicinal customer per day (more on a physician's recommendation is not modelled); not combined with adult-use amounts",
        ),
        alcohol("CA_ALCOHOL_MIN_AGE"),
    ]
}

fn colorado() -> Vec<BuiltinRule> {
    let med = Cite("1 CCR 212-3 Rule 3-615", "SECONDARY");
    vec![
        age(
            "CO_ADULT_USE_MIN_AGE",
            "ADULT_USE",
            21,
            Cite("Colo. Const. art. XVIII §16(3)", "PRIMARY"),
            "Colorado retail buyers must be 21 or older",
        ),
        age(
            "CO_MEDICAL_MIN_AGE",
            "MEDICAL",
            18,
            Cite("C.R.S. 44-10-501", "SECONDARY"),
            "Colorado medical buyers must be 18 or older with a valid registry card",
        ),
        limit(
            "CO_ADULT_USE_EQUIVALENT_TRANSACTION",
            "ADULT_USE",
            "FLOWER_G",
            OZ,
            "TRANSACTION",
            vec![
                term(FLOWER, "FLOWER_G", 1.0),
                term(CONCENTRATES, "CONCENTRATE_G", OZ / 8.0),
                term(INFUSED, "THC_MG", OZ / 800.0),
            ],
            med,
            "Colorado retail, per transaction: 1 oz of flower or its equivalent, 8 g of concentrate or 800 mg of THC in products, categories sharing one allowance in proportion (SECONDARY: confirm against the current MED rules)",
        ),
        limit(
            "CO_MEDICAL_FLOWER_DAILY",
            "MEDICAL",
            "FLOWER_G",
            2.0 * OZ,
            "CALENDAR_DAY",
            vec![term(FLOWER, "FLOWER_G", 1.0)],
            Cite("C.R.S. 44-10-501(11)", "SECONDARY"),
            "Colorado medical: 2 oz of flower per patient per day (SECONDARY)",
        ),
        limit(
            "CO_MEDICAL_CONCENTRATE_DAILY",
            "MEDICAL",
            "CONCENTRATE_G",
            8.0,
            "CALENDAR_DAY",
            vec![term(CONCENTRATES, "CONCENTRATE_G", 1.0)],
            Cite("C.R.S. 44-10-501(11); HB21-1317", "SECONDARY"),
            "Colorado medical: 8 g of concentrate per patient 21+ per day (SECONDARY)",
        ),
        alcohol("CO_ALCOHOL_MIN_AGE"),
    ]
}

/// Michigan's weight-equivalents of infused products (MCL 333.26423(d)): 1 oz of
/// usable marihuana = 16 oz solid, 36 fl oz liquid; concentrate by its weight.
fn michigan_total() -> Vec<Value> {
    vec![
        term(FLOWER, "FLOWER_G", 1.0),
        term(CONCENTRATES, "CONCENTRATE_G", 1.0),
        term(&["EDIBLE"], "SOLID_OZ", OZ / 16.0),
        term(&["BEVERAGE", "TINCTURE"], "FLUID_OZ", OZ / 36.0),
    ]
}

fn michigan() -> Vec<BuiltinRule> {
    let cra = Cite("MCL 333.27955(1)(a); Mich Admin Code R 420.206", "PRIMARY");
    let med = Cite(
        "Mich Admin Code R 420.206 (MMFLA daily/monthly limits)",
        "SECONDARY",
    );
    vec![
        age(
            "MI_ADULT_USE_MIN_AGE",
            "ADULT_USE",
            21,
            Cite("MCL 333.27954", "PRIMARY"),
            "Michigan adult-use buyers must be 21 or older",
        ),
        age(
            "MI_MEDICAL_MIN_AGE",
            "MEDICAL",
            18,
            Cite("MCL 333.26426", "SECONDARY"),
            "Michigan medical buyers must be 18 or older with a valid registry card",
        ),
        limit(
            "MI_ADULT_USE_TOTAL_TRANSACTION",
            "ADULT_USE",
            "FLOWER_G",
            2.5 * OZ,
            "TRANSACTION",
            michigan_total(),
            cra,
            "Michigan adult use: 2.5 oz of marihuana per transaction; infused products by the MCL 333.26423(d) equivalents (SECONDARY)",
        ),
        limit(
            "MI_ADULT_USE_CONCENTRATE_TRANSACTION",
            "ADULT_USE",
            "CONCENTRATE_G",
            15.0,
            "TRANSACTION",
            vec![term(CONCENTRATES, "CONCENTRATE_G", 1.0)],
            cra,
            "Michigan adult use: of the 2.5 oz, at most 15 g of concentrate per transaction",
        )
        .within("MI_ADULT_USE_TOTAL_TRANSACTION"),
        limit(
            "MI_MEDICAL_DAILY",
            "MEDICAL",
            "FLOWER_G",
            2.5 * OZ,
            "CALENDAR_DAY",
            michigan_total(),
            med,
            "Michigan medical: 2.5 oz per patient per day (SECONDARY)",
        ),
        limit(
            "MI_MEDICAL_MONTHLY",
            "MEDICAL",
            "FLOWER_G",
            10.0 * OZ,
            "CALENDAR_MONTH",
            michigan_total(),
            med,
            "Michigan medical: 10 oz per patient per calendar month (SECONDARY)",
        ),
        alcohol("MI_ALCOHOL_MIN_AGE"),
    ]
}

fn illinois() -> Vec<BuiltinRule> {
    let residents = Cite("410 ILCS 705/10-10(a)", "PRIMARY");
    let visitors = Cite("410 ILCS 705/10-10(b)", "PRIMARY");
    let thc = |categories| term(categories, "THC_MG", 1.0);
    vec![
        age("IL_ADULT_USE_MIN_AGE", "ADULT_USE", 21, Cite("410 ILCS 705/10-5", "PRIMARY"),
            "Illinois adult-use buyers must be 21 or older"),
        age("IL_MEDICAL_MIN_AGE", "MEDICAL", 18, Cite("410 ILCS 130/10", "SECONDARY"),
            "Illinois medical buyers must be 18 or older with a valid registry card"),
        limit("IL_ADULT_USE_RESIDENT_FLOWER", "ADULT_USE", "FLOWER_G", 30.0, "TRANSACTION",
            vec![term(FLOWER, "FLOWER_G", 1.0)], residents,
            "Illinois residents: 30 g of cannabis flower; the possession limits are cumulative (each class its own), enforced per transaction (window: SECONDARY)")
            .residency("RESIDENT"),
        limit("IL_ADULT_USE_RESIDENT_CONCENTRATE", "ADULT_USE", "CONCENTRATE_G", 5.0, "TRANSACTION",
            vec![term(CONCENTRATES, "CONCENTRATE_G", 1.0)], residents,
            "Illinois residents: 5 g of cannabis concentrate per transaction")
            .residency("RESIDENT"),
        limit("IL_ADULT_USE_RESIDENT_INFUSED_THC", "ADULT_USE", "THC_MG", 500.0, "TRANSACTION",
            vec![thc(INFUSED)], residents,
            "Illinois residents: 500 mg of THC in cannabis-infused products per transaction")
            .residency("RESIDENT"),
        limit("IL_ADULT_USE_NON_RESIDENT_FLOWER", "ADULT_USE", "FLOWER_G", 15.0, "TRANSACTION",
            vec![term(FLOWER, "FLOWER_G", 1.0)], visitors,
            "Illinois non-residents: 15 g of cannabis flower per transaction")
            .residency("NON_RESIDENT"),
        limit("IL_ADULT_USE_NON_RESIDENT_CONCENTRATE", "ADULT_USE", "CONCENTRATE_G", 2.5, "TRANSACTION",
            vec![term(CONCENTRATES, "CONCENTRATE_G", 1.0)], visitors,
            "Illinois non-residents: 2.5 g of cannabis concentrate per transaction")
            .residency("NON_RESIDENT"),
        limit("IL_ADULT_USE_NON_RESIDENT_INFUSED_THC", "ADULT_USE", "THC_MG", 250.0, "TRANSACTION",
            vec![thc(INFUSED)], visitors,
            "Illinois non-residents: 250 mg of THC in cannabis-infused products per transaction")
            .residency("NON_RESIDENT"),
        limit("IL_MEDICAL_14_DAYS", "MEDICAL", "FLOWER_G", 2.5 * OZ, "ROLLING_DAYS",
            vec![term(FLOWER, "FLOWER_G", 1.0)], Cite("410 ILCS 130/10 (adequate supply)", "SECONDARY"),
            "Illinois medical: an adequate supply of 2.5 oz per 14 days (SECONDARY)")
            .days(14),
        alcohol("IL_ALCOHOL_MIN_AGE"),
    ]
}

fn massachusetts() -> Vec<BuiltinRule> {
    let adult = Cite("935 CMR 500.140(5)", "SECONDARY");
    vec![
        age("MA_ADULT_USE_MIN_AGE", "ADULT_USE", 21, Cite("M.G.L. c. 94G §7", "PRIMARY"),
            "Massachusetts adult-use buyers must be 21 or older"),
        age("MA_MEDICAL_MIN_AGE", "MEDICAL", 18, Cite("935 CMR 501.015", "SECONDARY"),
            "Massachusetts medical buyers must be 18 or older with a valid registration"),
        limit("MA_ADULT_USE_TOTAL_DAILY", "ADULT_USE", "FLOWER_G", OZ, "CALENDAR_DAY",
            vec![term(FLOWER, "FLOWER_G", 1.0), term(CONCENTRATES, "CONCENTRATE_G", 1.0), infused_concentrate()],
            adult,
            "Massachusetts adult use: 1 oz per day, concentrate by its weight; infused products by their concentrate, else 0.01 g per mg THC (GUESS). Confirm per day vs per transaction (SECONDARY)"),
        limit("MA_ADULT_USE_CONCENTRATE_DAILY", "ADULT_USE", "CONCENTRATE_G", 5.0, "CALENDAR_DAY",
            vec![term(CONCENTRATES, "CONCENTRATE_G", 1.0)], adult,
            "Massachusetts adult use: of the ounce, at most 5 g of concentrate (SECONDARY)")
            .within("MA_ADULT_USE_TOTAL_DAILY"),
        limit("MA_MEDICAL_60_DAY_SUPPLY", "MEDICAL", "FLOWER_G", 10.0 * OZ, "ROLLING_DAYS",
            vec![term(FLOWER, "FLOWER_G", 1.0)], Cite("935 CMR 501.010 (60-day supply), 501.140", "SECONDARY"),
            "Massachusetts medical: a 60-day supply, 10 oz, per 60 days (SECONDARY: confirm the figure)")
            .days(60),
        alcohol("MA_ALCOHOL_MIN_AGE"),
    ]
}

fn washington() -> Vec<BuiltinRule> {
    let wac = Cite("WAC 314-55-095", "SECONDARY");
    vec![
        age(
            "WA_ADULT_USE_MIN_AGE",
            "ADULT_USE",
            21,
            Cite("RCW 69.50.357", "PRIMARY"),
            "Washington retail buyers must be 21 or older",
        ),
        age(
            "WA_MEDICAL_MIN_AGE",
            "MEDICAL",
            18,
            Cite("RCW 69.51A.220", "SECONDARY"),
            "Washington medical buyers must be 18 or older with a recognition card",
        ),
        limit(
            "WA_ADULT_USE_USABLE_TRANSACTION",
            "ADULT_USE",
            "FLOWER_G",
            OZ,
            "TRANSACTION",
            vec![term(FLOWER, "FLOWER_G", 1.0)],
            wac,
            "Washington: 1 oz of usable cannabis per transaction",
        ),
        limit(
            "WA_ADULT_USE_SOLID_EDIBLE_TRANSACTION",
            "ADULT_USE",
            "SOLID_OZ",
            16.0,
            "TRANSACTION",
            vec![term(&["EDIBLE"], "SOLID_OZ", 1.0)],
            wac,
            "Washington: 16 oz of solid cannabis-infused product per transaction",
        ),
        limit(
            "WA_ADULT_USE_LIQUID_TRANSACTION",
            "ADULT_USE",
            "FLUID_OZ",
            72.0,
            "TRANSACTION",
            vec![term(&["BEVERAGE", "TINCTURE"], "FLUID_OZ", 1.0)],
            wac,
            "Washington: 72 oz of liquid cannabis-infused product per transaction",
        ),
        limit(
            "WA_ADULT_USE_CONCENTRATE_TRANSACTION",
            "ADULT_USE",
            "CONCENTRATE_G",
            7.0,
            "TRANSACTION",
            vec![term(CONCENTRATES, "CONCENTRATE_G", 1.0)],
            wac,
            "Washington: 7 g of cannabis concentrate per transaction",
        ),
        limit(
            "WA_ADULT_USE_OTHER_UNITS_TRANSACTION",
            "ADULT_USE",
            "UNITS",
            10.0,
            "TRANSACTION",
            vec![term(&["TOPICAL"], "UNITS", 1.0)],
            wac,
            "Washington: 10 units of other cannabis products (topicals) per transaction (since January 2025; SECONDARY)",
        ),
        alcohol("WA_ALCOHOL_MIN_AGE"),
    ]
}

/// Every built-in rule, by jurisdiction.
pub(crate) fn all() -> Vec<BuiltinRule> {
    [
        california(),
        colorado(),
        michigan(),
        illinois(),
        massachusetts(),
        washington(),
    ]
    .concat()
}
