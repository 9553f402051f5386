//! Deterministic demo data: the same [`SeedConfig`] always yields the same
//! store — locations in California, a cannabis catalog across every
//! category (brands, strains, potency in the units each category uses,
//! weights, flower equivalents, prices), stock, adult customers and a few
//! past sales. Fast enough for 100k-product benchmarks.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::clock::SimClock;
use super::store::{SimStore, StockEntry, StoreOffer};
use crate::model::{
    ExternalCustomer, ExternalLocation, ExternalProduct, ExternalTransaction, Money, Potency,
    PotencyUnit, ProductCategory, StrainType, TransactionLine, Weight, WeightUnit,
};

/// How much to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedConfig {
    /// The random seed: same seed, same data.
    pub seed: u64,
    /// Stores.
    pub locations: usize,
    /// Catalog size.
    pub products: usize,
    /// Customers.
    pub customers: usize,
    /// Past sales.
    pub transactions: usize,
}

impl Default for SeedConfig {
    fn default() -> Self {
        SeedConfig {
            seed: 42,
            locations: 2,
            products: 120,
            customers: 40,
            transactions: 20,
        }
    }
}

/// When seeded records were last modified: a fixed past date, so seeds are
/// reproducible and every later change is newer.
pub fn seeded_at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_735_689_600, 0).unwrap_or(DateTime::UNIX_EPOCH) // 2025-01-01T00:00:00Z
}

/// A store on a fresh clock filled from `config`.
pub fn seeded(config: &SeedConfig) -> SimStore {
    let store = SimStore::new(SimClock::new());
    populate(&store, config);
    store
}

/// Adds `config`'s data to `store`.
pub fn populate(store: &SimStore, config: &SeedConfig) {
    let mut rng = StdRng::seed_from_u64(config.seed);
    store.load(|state, next_id| {
        let base = seeded_at();
        for i in 0..config.locations {
            state.locations.push(location(next_id(), i));
        }
        let location_ids: Vec<String> = state
            .locations
            .iter()
            .map(|l| l.external_id.clone())
            .collect();
        for i in 0..config.products {
            let at = base - TimeDelta::minutes(rng.random_range(0..60 * 24 * 90));
            let product = product(&mut rng, next_id(), i, at);
            for loc in &location_ids {
                // One in ten products is sold out at a store: zero entries exercise "absent = zero".
                let on_hand = if rng.random_ratio(1, 10) {
                    0
                } else {
                    rng.random_range(1..=120)
                };
                // the first products (one per category) are well stocked everywhere, so
                // the demo can walk a purchase limit to its edge
                let on_hand = if i < 10 { on_hand.max(60) } else { on_hand };
                let key = (product.external_id.clone(), loc.clone());
                state.stock.insert(
                    key,
                    StockEntry {
                        product_id: product.external_id.clone(),
                        location_id: loc.clone(),
                        on_hand,
                        package_tag: product.package_tag.clone(),
                        modified_at: at,
                    },
                );
            }
            state.products.insert(product.external_id.clone(), product);
        }
        for _ in 0..config.customers {
            let c = customer(&mut rng, next_id(), base);
            state.customers.insert(c.external_id.clone(), c);
        }
        let products: Vec<&ExternalProduct> =
            state.products.values().filter(|p| p.active).collect();
        let customers: Vec<&String> = state.customers.keys().collect();
        let mut sales = Vec::with_capacity(config.transactions);
        for _ in 0..config.transactions {
            let (Some(product), Some(location)) =
                (products.choose(&mut rng), location_ids.choose(&mut rng))
            else {
                break;
            };
            let quantity = rng.random_range(1..=3);
            let unit = product.rec_price.clone().unwrap_or_else(|| Money::usd(0));
            let at = base - TimeDelta::minutes(rng.random_range(0..60 * 24 * 30));
            sales.push(ExternalTransaction {
                external_id: next_id(),
                external_customer_id: customers.choose(&mut rng).map(|c| (*c).clone()),
                external_location_id: location.clone(),
                occurred_at: at,
                total: Money::usd(unit.amount * quantity),
                lines: vec![TransactionLine {
                    external_product_id: product.external_id.clone(),
                    quantity,
                    amount: Money::usd(unit.amount * quantity),
                    returned: false,
                    package_tag: product.package_tag.clone(),
                }],
                is_return: false,
                return_of: None,
                is_void: false,
                external_order_id: None,
                order_reference: None,
                modified_at: Some(at),
            });
        }
        state
            .transactions
            .extend(sales.into_iter().map(|t| (t.external_id.clone(), t)));
    });
}

/// How much each store's own price differs from the catalog's, in percent (the first
/// store keeps the catalog's).
const STORE_MARKUPS: [i64; 4] = [0, 8, -6, 12];

/// Makes the stores of `store` one retailer's stores that share part of their catalog:
/// every third product is priced apart at each store but the first (see
/// [`STORE_MARKUPS`]), and every fifth past the first ten (which every store keeps, so
/// the demo can walk a purchase limit anywhere) is listed online at one store only (the
/// others hold it but do not list it). The same store always comes out the same.
pub fn share_part_of_catalog(store: &SimStore) {
    store.load(|state, _| {
        let locations: Vec<String> = state
            .locations
            .iter()
            .map(|l| l.external_id.clone())
            .collect();
        if locations.len() < 2 {
            return;
        }
        let mut offers = Vec::new();
        for (k, product) in state.products.values().enumerate() {
            let Some(price) = &product.rec_price else {
                continue;
            };
            for (j, location) in locations.iter().enumerate() {
                let markup = if k % 3 == 1 {
                    STORE_MARKUPS[j % STORE_MARKUPS.len()]
                } else {
                    0
                };
                let listed = k < 10 || k % 5 != 2 || k % locations.len() == j;
                if markup == 0 && listed {
                    continue;
                }
                // to the quarter, as shelf prices are
                let amount = (price.amount * (100 + markup) / 100 + 12) / 25 * 25;
                offers.push((
                    (product.external_id.clone(), location.clone()),
                    StoreOffer {
                        rec_price: Money {
                            amount,
                            currency: price.currency.clone(),
                        },
                        active: listed,
                    },
                ));
            }
        }
        state.store_offers.extend(offers);
    });
}

const CITIES: [(&str, &str, &str); 6] = [
    ("Oakland", "94612", "Broadway"),
    ("San Francisco", "94103", "Mission St"),
    ("Los Angeles", "90012", "Spring St"),
    ("San Diego", "92101", "Market St"),
    ("Sacramento", "95814", "K St"),
    ("Santa Cruz", "95060", "Pacific Ave"),
];
const STORE_NAMES: [&str; 6] = [
    "Green Canopy",
    "Golden State Greens",
    "Harbor Leaf",
    "Redwood Remedies",
    "Sunset Dispensary",
    "Coastal Kind",
];

fn location(id: String, i: usize) -> ExternalLocation {
    let (city, zip, street) = CITIES[i % CITIES.len()];
    let name = STORE_NAMES[i % STORE_NAMES.len()];
    ExternalLocation {
        name: if i < STORE_NAMES.len() {
            format!("{name} {city}")
        } else {
            format!("{name} {city} #{}", i + 1)
        },
        address: Some(format!("{} {street}", 100 + i * 17)),
        city: Some(city.to_owned()),
        state: Some("CA".to_owned()),
        postal_code: Some(zip.to_owned()),
        licence_number: Some(format!("C10-{:07}-LIC", 1_000_000 + i)),
        adult_use: true,
        medical: i.is_multiple_of(2),
        time_zone: Some("America/Los_Angeles".to_owned()),
        external_id: id,
    }
}

const STRAINS: [&str; 24] = [
    "Blue Dream",
    "OG Kush",
    "Sour Diesel",
    "Girl Scout Cookies",
    "Gelato",
    "Wedding Cake",
    "Granddaddy Purple",
    "Pineapple Express",
    "Jack Herer",
    "Northern Lights",
    "Zkittlez",
    "Gorilla Glue #4",
    "Durban Poison",
    "Green Crack",
    "Purple Punch",
    "Sunset Sherbet",
    "Runtz",
    "Ice Cream Cake",
    "Harlequin",
    "ACDC",
    "Strawberry Cough",
    "Mac 1",
    "Biscotti",
    "Lemon Haze",
];
const BRANDS: [&str; 12] = [
    "Pacific Roots",
    "Sierra Gold",
    "Humboldt Heritage",
    "Coastal Cure",
    "Moonlight Farms",
    "Emerald Valley",
    "High Desert",
    "Fogline",
    "Sunday Goods",
    "Golden Poppy",
    "Mission Made",
    "Redwood Reserve",
];
const EDIBLES: [&str; 8] = [
    "Gummies",
    "Chocolate Bar",
    "Mints",
    "Sour Chews",
    "Caramels",
    "Fruit Chews",
    "Cookies",
    "Hard Candies",
];
const FLAVOURS: [&str; 8] = [
    "Watermelon",
    "Blood Orange",
    "Wild Berry",
    "Dark Chocolate",
    "Peach",
    "Mango",
    "Lemon Ginger",
    "Mint",
];
const ACCESSORIES: [&str; 6] = [
    "Glass Pipe",
    "Rolling Papers",
    "Grinder",
    "510 Battery",
    "Lighter",
    "Storage Jar",
];

fn product(rng: &mut StdRng, id: String, i: usize, modified_at: DateTime<Utc>) -> ExternalProduct {
    let strain = *STRAINS.choose(rng).unwrap_or(&"House Blend");
    let brand = *BRANDS.choose(rng).unwrap_or(&"House");
    let strain_type = if strain == "Harlequin" || strain == "ACDC" {
        StrainType::Cbd
    } else {
        [StrainType::Indica, StrainType::Sativa, StrainType::Hybrid][rng.random_range(0..3)]
    };
    let pct = |rng: &mut StdRng, lo: f64, hi: f64| Potency {
        value: round1(rng.random_range(lo..hi)),
        unit: PotencyUnit::Percent,
    };
    let mg = |value: f64| Potency {
        value,
        unit: PotencyUnit::Milligrams,
    };
    let grams = |value: f64| Weight {
        value,
        unit: WeightUnit::Grams,
    };
    // (category, name, thc, cbd, net weight, flower-equivalent grams, volume ml, price in cents)
    let (category, name, thc, cbd, weight, fe, volume, price) = match i % 10 {
        0 | 1 => {
            let g = *[3.5, 7.0, 14.0, 28.0].choose(rng).unwrap_or(&3.5);
            let label = match g {
                3.5 => "1/8 oz",
                7.0 => "1/4 oz",
                14.0 => "1/2 oz",
                _ => "1 oz",
            };
            (
                ProductCategory::Flower,
                format!("{strain} {label}"),
                Some(pct(rng, 16.0, 32.0)),
                Some(pct(rng, 0.0, 1.0)),
                Some(grams(g)),
                Some(g),
                None,
                (g * 900.0) as i64 + 500,
            )
        }
        2 => {
            let drawn = *[(1, 1.0), (5, 0.5), (3, 0.7)]
                .choose(rng)
                .unwrap_or(&(1, 1.0));
            // the first is a single 1 g pre-roll: the demo shows California's 28.5 g
            let (n, g) = if i < 10 { (1, 1.0) } else { drawn };
            let total = f64::from(n) * g;
            (
                ProductCategory::PreRoll,
                format!("{strain} Pre-Roll {n}pk {g}g"),
                Some(pct(rng, 18.0, 30.0)),
                None,
                Some(grams(total)),
                Some(total),
                None,
                800 + i64::from(n) * 600,
            )
        }
        3 => {
            let drawn = *[0.5, 1.0].choose(rng).unwrap_or(&1.0);
            // the first is a 0.5 g cart: the demo shows California's 8 g of concentrate
            let g = if i < 10 { 0.5 } else { drawn };
            (
                ProductCategory::Vape,
                format!("{strain} Live Resin Cart {g}g"),
                Some(pct(rng, 70.0, 92.0)),
                None,
                Some(grams(g)),
                Some(round1(g * 3.5)),
                None,
                if g < 1.0 { 3500 } else { 5500 },
            )
        }
        4 => {
            let kind = *["Badder", "Shatter", "Live Rosin", "Diamonds", "Sugar"]
                .choose(rng)
                .unwrap_or(&"Badder");
            (
                ProductCategory::Concentrate,
                format!("{strain} {kind} 1g"),
                Some(pct(rng, 65.0, 95.0)),
                None,
                Some(grams(1.0)),
                Some(3.5),
                None,
                4000 + rng.random_range(0..4) * 500,
            )
        }
        5 | 6 => {
            let item = *EDIBLES.choose(rng).unwrap_or(&"Gummies");
            let flavour = *FLAVOURS.choose(rng).unwrap_or(&"Mango");
            let cbd = (strain_type == StrainType::Cbd).then(|| mg(100.0));
            (
                ProductCategory::Edible,
                format!("{flavour} {item} 100mg"),
                Some(mg(100.0)),
                cbd,
                Some(grams(f64::from(rng.random_range(20..60)))),
                Some(0.0),
                None,
                1800 + rng.random_range(0..5) * 200,
            )
        }
        7 => {
            let ratio = *["1:1", "THC", "CBD 20:1"].choose(rng).unwrap_or(&"1:1");
            let (t, c) = match ratio {
                "1:1" => (500.0, 500.0),
                "THC" => (1000.0, 0.0),
                _ => (50.0, 1000.0),
            };
            (
                ProductCategory::Tincture,
                format!("{brand} {ratio} Tincture 30ml"),
                Some(mg(t)),
                Some(mg(c)),
                Some(Weight {
                    value: 30.0,
                    unit: WeightUnit::Milliliters,
                }),
                Some(0.0),
                Some(30.0),
                4500,
            )
        }
        8 => {
            if rng.random_bool(0.5) {
                (
                    ProductCategory::Topical,
                    format!("{brand} Relief Balm 2oz"),
                    Some(mg(250.0)),
                    Some(mg(250.0)),
                    Some(Weight {
                        value: 2.0,
                        unit: WeightUnit::Ounces,
                    }),
                    Some(0.0),
                    None,
                    3200,
                )
            } else {
                let flavour = *FLAVOURS.choose(rng).unwrap_or(&"Peach");
                (
                    ProductCategory::Beverage,
                    format!("{flavour} Sparkling Tonic 10mg"),
                    Some(mg(10.0)),
                    None,
                    Some(Weight {
                        value: 355.0,
                        unit: WeightUnit::Milliliters,
                    }),
                    Some(0.0),
                    Some(355.0),
                    800,
                )
            }
        }
        _ => {
            let item = *ACCESSORIES.choose(rng).unwrap_or(&"Grinder");
            (
                ProductCategory::Accessory,
                format!("{brand} {item}"),
                None,
                None,
                None,
                None,
                None,
                500 + rng.random_range(0..20) * 100,
            )
        }
    };
    let cannabis = category != ProductCategory::Accessory;
    let strain_type = match category {
        ProductCategory::Accessory
        | ProductCategory::Topical
        | ProductCategory::Beverage
        | ProductCategory::Tincture => StrainType::None,
        _ => strain_type,
    };
    ExternalProduct {
        sku: Some(format!("SKU-{i:06}")),
        upc: None,
        name,
        brand: Some(brand.to_owned()),
        category,
        category_raw: None,
        strain_type,
        strain_type_raw: None,
        thc,
        cbd,
        net_weight: weight,
        flower_equivalent_grams: fe,
        abv: None,
        volume_ml: volume,
        rec_price: Some(Money::usd(price)),
        med_price: cannabis.then(|| Money::usd(price - price / 10)),
        medical_only: false,
        max_per_transaction: cannabis.then_some(10),
        images: vec![format!("https://images.example.com/products/{id}.jpg")],
        package_tag: cannabis.then(|| format!("1A4FF0100000022{:09}", i)),
        active: i % 25 != 24,
        modified_at: Some(modified_at),
        external_location_id: None,
        external_id: id,
    }
}

const FIRST: [&str; 16] = [
    "Alex", "Jordan", "Maria", "Sam", "Priya", "Chris", "Taylor", "Jamie", "Luis", "Ava", "Noah",
    "Mei", "Omar", "Grace", "Diego", "Hana",
];
const LAST: [&str; 16] = [
    "Garcia", "Nguyen", "Smith", "Patel", "Johnson", "Kim", "Lopez", "Brown", "Chen", "Davis",
    "Martinez", "Wilson", "Singh", "Lee", "Rivera", "Clark",
];

fn customer(rng: &mut StdRng, id: String, base: DateTime<Utc>) -> ExternalCustomer {
    let first = *FIRST.choose(rng).unwrap_or(&"Alex");
    let last = *LAST.choose(rng).unwrap_or(&"Smith");
    let n: u32 = rng.random_range(0..10_000);
    // Born 21 to 70 years before the seed date: all of legal age.
    let dob = base.date_naive() - TimeDelta::days(rng.random_range(21 * 366..70 * 365));
    let medical = rng.random_ratio(1, 5);
    let modified = base - TimeDelta::minutes(rng.random_range(0..60 * 24 * 60));
    ExternalCustomer {
        external_id: id,
        first_name: Some(first.to_owned()),
        last_name: Some(last.to_owned()),
        email: Some(format!(
            "{}.{}{n}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        )),
        phone: Some(format!("+1415555{:04}", n)),
        date_of_birth: Some(dob),
        medical_id: medical.then(|| format!("MMIC-{n:06}")),
        medical_id_expires: medical
            .then(|| NaiveDate::from_ymd_opt(2026, 12, 31))
            .flatten(),
        address: None,
        city: Some(CITIES[n as usize % CITIES.len()].0.to_owned()),
        state: Some("CA".to_owned()),
        postal_code: Some(CITIES[n as usize % CITIES.len()].1.to_owned()),
        marketing_opt_in: Some(rng.random_bool(0.6)),
        modified_at: Some(modified),
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let config = SeedConfig::default();
        let a = seeded(&config).read(|s| {
            (
                s.products.values().cloned().collect::<Vec<_>>(),
                s.customers.len(),
                s.stock.len(),
            )
        });
        let b = seeded(&config).read(|s| {
            (
                s.products.values().cloned().collect::<Vec<_>>(),
                s.customers.len(),
                s.stock.len(),
            )
        });
        assert_eq!(a, b);
    }

    #[test]
    fn covers_every_cannabis_category_and_adult_customers() {
        let store = seeded(&SeedConfig::default());
        store.read(|s| {
            for c in [
                ProductCategory::Flower,
                ProductCategory::PreRoll,
                ProductCategory::Vape,
                ProductCategory::Concentrate,
                ProductCategory::Edible,
                ProductCategory::Tincture,
                ProductCategory::Topical,
                ProductCategory::Beverage,
                ProductCategory::Accessory,
            ] {
                assert!(
                    s.products.values().any(|p| p.category == c),
                    "{c:?} missing"
                );
            }
            let cutoff = seeded_at().date_naive() - TimeDelta::days(21 * 365);
            assert!(
                s.customers
                    .values()
                    .all(|c| c.date_of_birth.is_some_and(|d| d <= cutoff))
            );
            assert_eq!(s.transactions.len(), 20);
            assert_eq!(s.locations.len(), 2);
        });
    }

    #[test]
    fn scales_to_a_large_catalog() {
        let store = seeded(&SeedConfig {
            products: 20_000,
            ..SeedConfig::default()
        });
        assert_eq!(store.read(|s| s.products.len()), 20_000);
        assert_eq!(store.read(|s| s.stock.len()), 40_000);
    }
}
