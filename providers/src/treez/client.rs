//! [`TreezProvider`]: the [`PosProvider`] for Treez.
//!
//! One connection reads one or more dispensaries of an organization, each a Canopy
//! location named by its short name. The catalog comes from `product_list`
//! (incrementally from `…/lastUpdated/after/{ts}`), stock from `getStock` — a
//! product's `last_updated_at` does not move when only its stock does, and its
//! `sellable_quantity` stops at 30 [doc] — customers from `customer/lastUpdated/after`,
//! purchase history from tickets changed since a time. Orders become tickets: the
//! customer is found (by id, e-mail or phone) or created, the basket priced with
//! `previewticket`, and the ticket created with `detailticket`. Treez has **no
//! idempotency key**: before creating, the customer's tickets are searched for an
//! earlier attempt carrying Canopy's order id in `external_order_number`. Webhooks
//! (`super::webhook`) bring stock and ticket changes; Treez sends none for cancelled
//! tickets, so status polling stays the safety net.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::api::{self, TreezApi, records};
use super::decode;
use super::guesses;
use super::mapping;
use super::models::{
    Customer, DeliveryAddress, NewCustomer, NewTicket, NewTicketItem, OrgEntity, Ticket,
    TicketList, TicketUpdate,
};
use super::settings::TreezSettings;
use super::webhook;
use crate::error::{ProviderError, ProviderErrorKind, ProviderResult};
use crate::http::Endpoint;
use crate::listing::RecordDecoder;
use crate::model::{
    Batch, Capabilities, ConnectionReport, ExternalCustomer, ExternalLocation, ExternalProduct,
    ExternalTransaction, OrderSubmission, PosKind, PosOrderStatus, ReturnReceipt, ReturnRequest,
    StockSnapshot, SubmittedOrder, WebhookEvent,
};
use crate::provider::{ConnectionConfig, PosProvider, TIME_ZONE_SETTING};

/// The Treez adapter for one connection.
#[derive(Debug)]
pub struct TreezProvider {
    api: TreezApi,
    settings: TreezSettings,
    dispensaries: Vec<String>,
    webhook_token: Option<secrecy::SecretString>,
    time_zone: Option<String>,
}

impl TreezProvider {
    /// An adapter for `config`; fails on unusable settings, base URL or key.
    pub fn new(config: &ConnectionConfig) -> ProviderResult<Self> {
        let settings = TreezSettings::from_json(&config.settings).map_err(|msg| {
            ProviderError::new(
                config.connection_id,
                "configure",
                ProviderErrorKind::Config(msg),
            )
        })?;
        Ok(TreezProvider {
            api: TreezApi::new(config, &settings)?,
            dispensaries: settings.dispensaries(),
            webhook_token: config.webhook_secret.clone(),
            time_zone: config
                .settings
                .get(TIME_ZONE_SETTING)
                .and_then(Value::as_str)
                .map(str::to_owned),
            settings,
        })
    }

    /// Reads every page of a dispensary list into a record decoder.
    async fn read<T: DeserializeOwned>(
        &self,
        endpoint: &Endpoint,
        url_of: impl Fn(u32) -> url::Url,
        records_of: fn(Value) -> Option<Vec<Value>>,
        decoder: &mut RecordDecoder<T>,
    ) -> ProviderResult<()> {
        self.api
            .pages(endpoint, url_of, records_of, |page| decoder.push_page(page))
            .await
    }

    /// The organization's stores.
    async fn entities(&self) -> ProviderResult<Vec<OrgEntity>> {
        let body = self
            .api
            .send(&api::ENTITIES, Method::GET, self.api.entities_url(), None)
            .await?;
        serde_json::from_value(body).map_err(|e| {
            self.api
                .error(&api::ENTITIES, ProviderErrorKind::Malformed(e.to_string()))
        })
    }

    /// The entity of a dispensary: the one `store_entities` names, else a name match.
    fn entity_of<'a>(&self, dispensary: &str, entities: &'a [OrgEntity]) -> Option<&'a OrgEntity> {
        match self.settings.store_entities.get(dispensary) {
            Some(id) => entities.iter().find(|e| &e.id == id),
            None => entities
                .iter()
                .find(|e| guesses::entity_matches(dispensary, &e.name)),
        }
    }

    /// One ticket by id (`GET /ticket/{id}` answers a one-ticket `ticketList`).
    async fn ticket(&self, dispensary: &str, id: &str) -> ProviderResult<Ticket> {
        let url = self.api.dispensary_url(dispensary, &["ticket", id]);
        let body = self.api.send(&api::TICKET, Method::GET, url, None).await?;
        let list: TicketList = serde_json::from_value(body).map_err(|e| {
            self.api
                .error(&api::TICKET, ProviderErrorKind::Malformed(e.to_string()))
        })?;
        let first = list.ticket_list.into_iter().next().ok_or_else(|| {
            self.api
                .error(&api::TICKET, ProviderErrorKind::NotFound(id.to_owned()))
        })?;
        crate::record::read(first).map_err(|e| {
            self.api
                .error(&api::TICKET, ProviderErrorKind::Malformed(e))
        })
    }

    /// The ticket `id` and the dispensary that has it (tried in turn).
    async fn find_ticket(&self, id: &str) -> ProviderResult<(String, Ticket)> {
        let mut last = None;
        for dispensary in &self.dispensaries {
            match self.ticket(dispensary, id).await {
                Ok(ticket) => return Ok((dispensary.clone(), ticket)),
                Err(e)
                    if matches!(
                        e.kind,
                        ProviderErrorKind::NotFound(_) | ProviderErrorKind::Rejected(_)
                    ) =>
                {
                    last = Some(e)
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            self.api
                .error(&api::TICKET, ProviderErrorKind::NotFound(id.to_owned()))
        }))
    }

    /// A customer by a lookup path (`[id]`, `["email", e]`, `["phone", p]`); a miss
    /// (`CUSTOMER_DOESNT_EXIST`) is `None`.
    async fn customer_by(
        &self,
        dispensary: &str,
        key: &[&str],
    ) -> ProviderResult<Option<Customer>> {
        let mut segments = vec!["customer"];
        segments.extend_from_slice(key);
        let url = self.api.dispensary_url(dispensary, &segments);
        match self
            .api
            .data::<Customer>(&api::CUSTOMER, Method::GET, url, None)
            .await
        {
            Ok(customer) => Ok(Some(customer)),
            Err(e) if matches!(e.kind, ProviderErrorKind::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The Treez customer for an order: the one Canopy knows, else the one with the
    /// order's e-mail or phone, else a new one (not idempotent at Treez: only created
    /// after a confirmed miss).
    async fn order_customer(
        &self,
        dispensary: &str,
        order: &OrderSubmission,
    ) -> ProviderResult<String> {
        let c = &order.customer;
        if let Some(id) = &c.external_id
            && let Some(found) = self.customer_by(dispensary, &[id]).await?
        {
            return Ok(found.merged_into_customer_id.unwrap_or(found.customer_id));
        }
        for (field, value) in [("email", &c.email), ("phone", &c.phone)] {
            if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty())
                && let Some(found) = self.customer_by(dispensary, &[field, value]).await?
            {
                return Ok(found.merged_into_customer_id.unwrap_or(found.customer_id));
            }
        }
        let created: Customer = self
            .api
            .data(
                &api::CREATE_CUSTOMER,
                Method::POST,
                self.api
                    .dispensary_url(dispensary, &["customer", "detailcustomer"]),
                Some(&json(&NewCustomer {
                    first_name: c.first_name.clone(),
                    last_name: Some(c.last_name.clone()),
                    birthday: c.date_of_birth.map(|d| d.to_string()),
                    email: c.email.clone(),
                    phone: c.phone.clone(),
                    state_medical_id: c.medical_id.clone(),
                    external_id: None,
                })),
            )
            .await?;
        Ok(created.customer_id)
    }

    /// An earlier ticket for `order` (by `external_order_number`) among the customer's.
    async fn earlier_ticket(
        &self,
        dispensary: &str,
        customer_id: &str,
        order: &OrderSubmission,
    ) -> ProviderResult<Option<Ticket>> {
        let mut decoder = decode::tickets();
        let size = self.api.page_size().to_string();
        self.read(
            &api::CUSTOMER_TICKETS,
            |page| {
                self.api.dispensary_url(
                    dispensary,
                    &[
                        "ticket",
                        "customer",
                        customer_id,
                        "page",
                        &page.to_string(),
                        "pagesize",
                        &size,
                    ],
                )
            },
            records::tickets,
            &mut decoder,
        )
        .await?;
        let reference = order.order_id.to_string();
        Ok(decoder
            .items
            .into_iter()
            .find(|t| t.external_order_number.as_deref() == Some(reference.as_str())))
    }

    /// The dispensary an order goes to: its location, when this connection serves it.
    fn dispensary_for(&self, location: &str) -> ProviderResult<&str> {
        self.dispensaries
            .iter()
            .find(|d| *d == location)
            .map(String::as_str)
            .ok_or_else(|| {
                self.api.error(
                    &api::CREATE_TICKET,
                    ProviderErrorKind::Rejected(format!(
                        "location {location} is not a dispensary of this connection"
                    )),
                )
            })
    }
}

/// A request body as JSON.
fn json<T: serde::Serialize>(body: &T) -> Value {
    serde_json::to_value(body).unwrap_or(Value::Null)
}

#[async_trait]
impl PosProvider for TreezProvider {
    fn kind(&self) -> PosKind {
        PosKind::Treez
    }

    fn capabilities(&self) -> Capabilities {
        super::KIND.capabilities
    }

    /// Reads the organization's stores and prices an empty basket nowhere: a read of
    /// each dispensary's first product page proves the key, certificate and
    /// dispensaries all work.
    async fn test_connection(&self) -> ProviderResult<ConnectionReport> {
        let locations = self.locations().await?;
        for dispensary in &self.dispensaries {
            let mut url = self
                .api
                .dispensary_url(dispensary, &["product", "product_list"]);
            url.query_pairs_mut()
                .append_pair("page", "1")
                .append_pair("pagesize", "1");
            self.api
                .send(&api::PRODUCTS, Method::GET, url, None)
                .await?;
        }
        Ok(ConnectionReport {
            identity: format!(
                "Treez organization {} ({})",
                self.settings.organization_id,
                self.dispensaries.join(", ")
            ),
            locations,
            permissions: Vec::new(),
        })
    }

    async fn locations(&self) -> ProviderResult<Vec<ExternalLocation>> {
        let entities = self.entities().await?;
        Ok(self
            .dispensaries
            .iter()
            .map(|d| mapping::location(d, self.entity_of(d, &entities), self.time_zone.as_deref()))
            .collect())
    }

    async fn catalog(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalProduct>> {
        let mut batch = Batch::default();
        let size = self.api.page_size().to_string();
        let after = since.map(api::timestamp);
        for dispensary in &self.dispensaries {
            let mut decoder = decode::products();
            self.read(
                &api::PRODUCTS,
                |page| {
                    let mut segments = vec!["product", "product_list"];
                    if let Some(after) = &after {
                        segments.extend(["lastUpdated", "after", after.as_str()]);
                    }
                    let mut url = self.api.dispensary_url(dispensary, &segments);
                    url.query_pairs_mut()
                        .append_pair("active", "ALL")
                        .append_pair("page", &page.to_string())
                        .append_pair("pagesize", &size);
                    url
                },
                records::products,
                &mut decoder,
            )
            .await?;
            batch.high_water_mark = decoder
                .items
                .iter()
                .map(|p| p.last_updated_at)
                .chain(batch.high_water_mark)
                .max();
            batch.items.extend(
                decoder
                    .items
                    .iter()
                    .map(|p| mapping::product(p, dispensary)),
            );
            batch.rejected.extend(decoder.rejected);
        }
        batch.items = once_per_product(batch.items);
        Ok(batch)
    }

    async fn stock(&self, since: Option<DateTime<Utc>>) -> ProviderResult<StockSnapshot> {
        let mut snapshot = StockSnapshot {
            records: Vec::new(),
            complete: since.is_none(),
            rejected: Vec::new(),
        };
        let size = self.api.page_size().to_string();
        for dispensary in &self.dispensaries {
            let read_at = Utc::now();
            let mut decoder = decode::stock();
            self.read(
                &api::STOCK,
                |page| {
                    let mut url = self.api.dispensary_url(dispensary, &["stock", "getStock"]);
                    let mut query = url.query_pairs_mut();
                    query
                        .append_pair("page", &page.to_string())
                        .append_pair("page_size", &size);
                    if let Some(since) = since {
                        query.append_pair("last_update_date", &api::timestamp(since));
                    }
                    drop(query);
                    url
                },
                records::stock,
                &mut decoder,
            )
            .await?;
            snapshot.records.extend(
                decoder
                    .items
                    .iter()
                    .map(|row| mapping::stock(row, dispensary, read_at)),
            );
            snapshot.rejected.extend(decoder.rejected);
        }
        Ok(snapshot)
    }

    async fn customers(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalCustomer>> {
        // Customers belong to the organization; the first dispensary lists them.
        let Some(dispensary) = self.dispensaries.first() else {
            return Ok(Batch::default());
        };
        let after = api::since_or_epoch(since);
        let size = self.api.page_size().to_string();
        let mut decoder = decode::customers();
        self.read(
            &api::CUSTOMERS,
            |page| {
                self.api.dispensary_url(
                    dispensary,
                    &[
                        "customer",
                        "lastUpdated",
                        "after",
                        &after,
                        "page",
                        &page.to_string(),
                        "pagesize",
                        &size,
                    ],
                )
            },
            records::customers,
            &mut decoder,
        )
        .await?;
        Ok(Batch {
            high_water_mark: decoder.items.iter().filter_map(|c| c.last_update).max(),
            items: decoder.items.iter().filter_map(mapping::customer).collect(),
            rejected: decoder.rejected,
        })
    }

    /// Creates the customer (`detailcustomer`, carrying nothing of Canopy's but the
    /// profile), or updates the one Treez knows by `external_id`.
    async fn upsert_customer(&self, customer: &ExternalCustomer) -> ProviderResult<String> {
        let Some(dispensary) = self.dispensaries.first() else {
            return Err(self.api.unsupported("upsert_customer", "no dispensary"));
        };
        let body = json(&NewCustomer {
            first_name: customer.first_name.clone().unwrap_or_default(),
            last_name: customer.last_name.clone(),
            birthday: customer.date_of_birth.map(|d| d.to_string()),
            email: customer.email.clone(),
            phone: customer.phone.clone(),
            state_medical_id: customer.medical_id.clone(),
            external_id: None,
        });
        let known = !customer.external_id.is_empty()
            && self
                .customer_by(dispensary, &[&customer.external_id])
                .await?
                .is_some();
        let saved: Customer = if known {
            let url = self.api.dispensary_url(
                dispensary,
                &[
                    "customer",
                    guesses::CUSTOMER_UPDATE_PATH,
                    &customer.external_id,
                ],
            );
            self.api
                .data(&api::UPDATE_CUSTOMER, Method::PUT, url, Some(&body))
                .await?
        } else {
            let url = self
                .api
                .dispensary_url(dispensary, &["customer", "detailcustomer"]);
            self.api
                .data(&api::CREATE_CUSTOMER, Method::POST, url, Some(&body))
                .await?
        };
        Ok(saved.customer_id)
    }

    async fn transactions(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> ProviderResult<Batch<ExternalTransaction>> {
        let mut batch = Batch::default();
        let after = api::since_or_epoch(since);
        let size = self.api.page_size().to_string();
        for dispensary in &self.dispensaries {
            let mut decoder = decode::tickets();
            self.read(
                &api::TICKETS,
                |page| {
                    self.api.dispensary_url(
                        dispensary,
                        &[
                            "ticket",
                            "lastUpdated",
                            &after,
                            "page",
                            &page.to_string(),
                            "pagesize",
                            &size,
                        ],
                    )
                },
                records::tickets,
                &mut decoder,
            )
            .await?;
            batch.high_water_mark = decoder
                .items
                .iter()
                .filter_map(|t| t.last_updated_at)
                .chain(batch.high_water_mark)
                .max();
            batch.items.extend(
                decoder
                    .items
                    .iter()
                    .filter_map(|t| mapping::transaction(t, dispensary)),
            );
            batch.rejected.extend(decoder.rejected);
        }
        Ok(batch)
    }

    /// Finds or creates the customer, looks for an earlier attempt of this order among
    /// the customer's tickets, prices the basket (`previewticket`: a refusal there is
    /// final) and creates the ticket in `AWAITING_PROCESSING`.
    async fn submit_order(&self, order: &OrderSubmission) -> ProviderResult<SubmittedOrder> {
        let dispensary = self.dispensary_for(&order.external_location_id)?;
        let customer_id = self.order_customer(dispensary, order).await?;
        if let Some(earlier) = self.earlier_ticket(dispensary, &customer_id, order).await? {
            return Ok(SubmittedOrder {
                external_id: earlier.ticket_id.clone(),
                status: mapping::ticket_status(&earlier),
            });
        }
        let ticket = NewTicket {
            kind: guesses::ticket_type(order.fulfillment).to_owned(),
            order_source: guesses::ECOMMERCE_SOURCE.to_owned(),
            order_status: guesses::STATUS_AWAITING_PROCESSING.to_owned(),
            customer_id,
            external_order_number: Some(order.order_id.to_string()),
            ticket_note: order.notes.clone(),
            delivery_address: order
                .delivery_address
                .clone()
                .map(|street| DeliveryAddress { street }),
            items: order
                .lines
                .iter()
                .map(|line| NewTicketItem {
                    size_id: line.external_product_id.clone(),
                    quantity: line.quantity,
                    inventory_type: guesses::INVENTORY_TYPE.to_owned(),
                    apply_automatic_discounts: true,
                })
                .collect(),
            revenue_source: self.settings.revenue_source.clone(),
        };
        let body = json(&ticket);
        let _priced: Ticket = self
            .api
            .data(
                &api::PREVIEW_TICKET,
                Method::POST,
                self.api
                    .dispensary_url(dispensary, &["ticket", "previewticket"]),
                Some(&body),
            )
            .await?;
        let created: Ticket = self
            .api
            .data(
                &api::CREATE_TICKET,
                Method::POST,
                self.api
                    .dispensary_url(dispensary, &["ticket", "detailticket"]),
                Some(&body),
            )
            .await?;
        Ok(SubmittedOrder {
            external_id: created.ticket_id.clone(),
            status: mapping::ticket_status(&created),
        })
    }

    async fn order_status(&self, external_id: &str) -> ProviderResult<PosOrderStatus> {
        let (_, ticket) = self.find_ticket(external_id).await?;
        Ok(mapping::ticket_status(&ticket))
    }

    /// `PUT /ticket/update/{id} {order_status: CANCELED}`; an illegal move answers
    /// `INVALID_TICKET_STATUS` (`Rejected`).
    async fn cancel_order(
        &self,
        external_id: &str,
        _reason: &str,
    ) -> ProviderResult<PosOrderStatus> {
        let (dispensary, _) = self.find_ticket(external_id).await?;
        let url = self.api.dispensary_url(
            &dispensary,
            &["ticket", guesses::TICKET_UPDATE_PATH, external_id],
        );
        let body = json(&TicketUpdate {
            order_status: guesses::STATUS_CANCELED.to_owned(),
        });
        let ticket: Ticket = self
            .api
            .data(&api::UPDATE_TICKET, Method::PUT, url, Some(&body))
            .await?;
        Ok(mapping::ticket_status(&ticket))
    }

    /// Treez records refunds at the register as tickets of their own; its API offers
    /// no way to make one.
    async fn submit_return(&self, _request: &ReturnRequest) -> ProviderResult<ReturnReceipt> {
        Err(self
            .api
            .unsupported("submit_return", "Treez refunds are made at the register"))
    }

    fn parse_webhook(&self, headers: &HeaderMap, body: &[u8]) -> ProviderResult<Vec<WebhookEvent>> {
        let error = |kind| self.api.refusal("webhook", kind);
        let Some(token) = &self.webhook_token else {
            return Err(self.api.unsupported(
                "webhook",
                "no webhook token is configured for this connection",
            ));
        };
        webhook::verify(headers, token)
            .map_err(|e| error(ProviderErrorKind::WebhookRejected(e.to_string())))?;
        let events = webhook::parse(body, &self.dispensaries, Utc::now())
            .map_err(|e| error(ProviderErrorKind::Malformed(e.to_string())))?;
        Ok(events)
    }
}

/// One record per product id: a product several dispensaries list under one id is one
/// product, offered at every store of the connection (its store left unnamed). [guess]
/// Treez's ids are taken to be per organization; where a dispensary has its own ids,
/// nothing is merged here.
fn once_per_product(items: Vec<ExternalProduct>) -> Vec<ExternalProduct> {
    let mut kept: Vec<ExternalProduct> = Vec::with_capacity(items.len());
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in items {
        match at.get(&item.external_id) {
            Some(&index) => {
                if kept[index].external_location_id != item.external_location_id {
                    kept[index].external_location_id = None;
                }
            }
            None => {
                at.insert(item.external_id.clone(), kept.len());
                kept.push(item);
            }
        }
    }
    kept
}
