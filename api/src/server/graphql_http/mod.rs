//! `GET` and `POST /graphql` as the GraphQL-over-HTTP specification describes.
//!
//! - `POST` takes `application/json` (else 415) with `query`, `operationName`,
//!   `variables`, `extensions` and nothing else (else 400).
//! - `GET` takes the same as URL parameters and runs queries only (a mutation is 405 with
//!   `Allow: POST`); a browser asking for `text/html` without a query gets GraphiQL
//!   ([`super::graphiql`]).
//! - Responses are `application/graphql-response+json` when the client accepts it
//!   (request errors are then 400), `application/json` otherwise (always 200 once the
//!   request is well-formed), 406 when it accepts neither.
//! - The bearer token becomes the request's [`Viewer`]; a bad token is 401.
//! - `extensions.persistedQuery` (Apollo's automatic persisted queries) may stand for
//!   the document ([`persisted`]).
//! - Public queries are answered from the [`response_cache`] when they can be; `GET`
//!   responses to them carry `Cache-Control: public, max-age=…` from the schema's cache
//!   hints, every other response `private, no-store`; they name what they contain in
//!   surrogate-key headers for edge caches ([`surrogate`]).

mod negotiate;
mod persisted;
mod request;
mod response;
pub(super) mod response_cache;
mod surrogate;

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use axum::{
    body::Bytes,
    extract::{Query, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};

use self::{
    negotiate::{ResponseMedia, is_json_content, negotiate, wants_html},
    request::GetParams,
    response::{HttpCaching, Rendered, cached_response, error_response, with_validator},
    response_cache::{Lookup, Scope, public_max_age, shares_public_responses},
    surrogate::with_surrogate_keys,
};
use super::{HttpState, graphiql};
use crate::{
    auth::Viewer,
    error::ApiError,
    graphql::{
        contained::Contained,
        document::{NestingChecked, check_nesting},
        error_size::cut_lines,
        safelist::SafelistChecked,
    },
};

/// `GET /graphql`: GraphiQL for browsers, queries for everyone else.
pub(super) async fn get(
    State(state): State<HttpState>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => {
            let media = negotiate(&headers).unwrap_or(ResponseMedia::Json);
            let error =
                ApiError::bad_input(cut_lines(&format!("invalid URL parameters: {rejection}")));
            return error_response(media, StatusCode::BAD_REQUEST, &error);
        }
    };
    if params.query.is_none() && wants_html(&headers) {
        return graphiql::page(&headers);
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let viewer = match viewer(&state, &headers) {
        Ok(viewer) => viewer,
        Err(error) => return error_response(media, StatusCode::UNAUTHORIZED, &error),
    };
    let request = match params.into_request() {
        Ok(request) => request,
        Err(error) => return error_response(media, StatusCode::BAD_REQUEST, &error),
    };
    let if_none_match = headers.get(header::IF_NONE_MATCH).cloned();
    run(
        &state,
        media,
        viewer,
        request,
        Transport::Get { if_none_match },
    )
    .await
}

/// `POST /graphql`: queries and mutations in a JSON body.
pub(super) async fn post(
    State(state): State<HttpState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if !is_json_content(&headers) {
        let error = ApiError::bad_input("the request body must be application/json");
        return error_response(media, StatusCode::UNSUPPORTED_MEDIA_TYPE, &error);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = rejection.status();
            let error = if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::bad_input("the request body is too large")
            } else {
                ApiError::bad_input(format!("unreadable request body: {rejection}"))
            };
            return error_response(media, status, &error);
        }
    };
    let viewer = match viewer(&state, &headers) {
        Ok(viewer) => viewer,
        Err(error) => return error_response(media, StatusCode::UNAUTHORIZED, &error),
    };
    let request = match request::from_json(&body) {
        Ok(request) => request,
        Err(error) => return error_response(media, StatusCode::BAD_REQUEST, &error),
    };
    run(&state, media, viewer, request, Transport::Post).await
}

/// The HTTP method that carried a request (with a GET's validator, if any).
#[derive(Clone, PartialEq, Eq)]
enum Transport {
    Get { if_none_match: Option<HeaderValue> },
    Post,
}

impl Transport {
    const fn is_get(&self) -> bool {
        matches!(self, Self::Get { .. })
    }
}

/// Answers a well-formed request: from the response cache when it holds the answer,
/// otherwise by executing it (and storing the response when it may be shared).
async fn run(
    state: &HttpState,
    media: ResponseMedia,
    viewer: Viewer,
    mut request: async_graphql::Request,
    transport: Transport,
) -> Response {
    if let Err(error) = persisted::resolve(&state.safelist, &state.app.cache, &mut request).await {
        // an unknown hash is a 200 answer: Apollo clients then send the document
        return error_response(media, error.code().status(), &error);
    }
    // before the response cache, which would otherwise answer for the schema's check
    if let Err(error) = state.safelist.permit(&viewer, &request.query).await {
        return error_response(media, error.code().status(), &error);
    }
    request = request.data(SafelistChecked);
    // Before the response cache and `operation_type` parse anything (see `check_nesting`).
    if let Err(error) = check_nesting(&request.query, state.app.config.limits.max_nesting) {
        let error = ApiError::bad_input(error.to_string());
        return error_response(media, StatusCode::BAD_REQUEST, &error);
    }
    request = request.data(NestingChecked);
    // what the document shows, read once for the response cache and the surrogate keys
    let scope = Scope::new(&request);
    let key = match state.responses.lookup(&viewer, &scope).await {
        Lookup::Hit(entry) => {
            let caching = http_caching(&transport, Some(entry.remaining_max_age()));
            let body = entry.body.clone();
            let keys = with_contained(edge_keys(&scope, &transport, true), entry.contained());
            return validated(
                state,
                cached_response(media, entry.body, caching),
                &body,
                &transport,
                caching,
                &keys,
            );
        }
        Lookup::Miss(key) => Some(key),
        Lookup::Bypass => None,
    };
    // what is not cached needs the database: while it is known not to answer, say so now
    if state.app.db_circuit.is_open() {
        let error = ApiError::database_unreachable();
        return error_response(media, error.code().status(), &error);
    }
    // a GET of anything but a query is refused below, and only queries are public
    let keys = edge_keys(&scope, &transport, shares_public_responses(&viewer));
    let operation = request::operation_type(&mut request);
    if transport.is_get() && operation == Some(OperationType::Mutation) {
        return mutation_over_get(media);
    }
    let shared = shares_public_responses(&viewer) && operation == Some(OperationType::Query);
    // what a response others may share shows, for its surrogate keys
    let contained = shared.then(|| Arc::new(Contained::default()));
    if let Some(contained) = &contained {
        request = request.data(Arc::clone(contained));
    }
    let response = state.schema.execute(request.data(viewer)).await;
    let contained = contained
        .map(|contained| contained.keys())
        .unwrap_or_default();
    let max_age = public_max_age(&response).filter(|_| shared);
    let rendered = match Rendered::new(response) {
        Ok(rendered) => rendered,
        Err(error) => return error_response(media, StatusCode::INTERNAL_SERVER_ERROR, &error),
    };
    let body = rendered.body().clone();
    if let (Some(key), Some(max_age)) = (key, max_age) {
        state
            .responses
            .store(key, max_age, body.clone(), &contained)
            .await;
    }
    let keys = with_contained(keys, &contained);
    let caching = http_caching(&transport, max_age);
    validated(
        state,
        rendered.into_response(media, caching),
        &body,
        &transport,
        caching,
        &keys,
    )
}

/// The surrogate keys of a `GET` by a viewer who `shares` public responses; none for
/// anything else (they are written only on public responses).
fn edge_keys(scope: &Scope<'_>, transport: &Transport, shares: bool) -> Vec<String> {
    if transport.is_get() && shares {
        scope.surrogate_keys()
    } else {
        Vec::new()
    }
}

/// `keys` and, when there are any (a public `GET`), the keys of what the response
/// `contained` (space-separated) that they do not name already.
fn with_contained(mut keys: Vec<String>, contained: &str) -> Vec<String> {
    if !keys.is_empty() {
        for key in contained.split_whitespace() {
            if !keys.iter().any(|named| named == key) {
                keys.push(key.to_owned());
            }
        }
    }
    keys
}

/// Public caching for shareable responses sent over `GET`; private for everything else.
const fn http_caching(transport: &Transport, max_age: Option<u32>) -> HttpCaching {
    match (transport, max_age) {
        (Transport::Get { .. }, Some(max_age)) => HttpCaching::Public { max_age },
        _ => HttpCaching::Private,
    }
}

/// A public GET response with its `ETag` (304 when the client's validator matches) and
/// its surrogate `keys`.
fn validated(
    state: &HttpState,
    response: Response,
    body: &Bytes,
    transport: &Transport,
    caching: HttpCaching,
    keys: &[String],
) -> Response {
    match (transport, caching) {
        (Transport::Get { if_none_match }, HttpCaching::Public { .. }) => with_surrogate_keys(
            with_validator(response, body, if_none_match.as_ref()),
            &state.app.config.edge.surrogate_key_headers,
            keys,
        ),
        _ => response,
    }
}

fn mutation_over_get(media: ResponseMedia) -> Response {
    let error = ApiError::bad_input("mutations must be sent with POST");
    let mut response = error_response(media, StatusCode::METHOD_NOT_ALLOWED, &error);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}

fn viewer(state: &HttpState, headers: &HeaderMap) -> Result<Viewer, ApiError> {
    Viewer::from_headers(&state.app.jwt, headers).map_err(ApiError::from)
}

fn not_acceptable() -> Response {
    let error = ApiError::bad_input("accept application/graphql-response+json or application/json");
    error_response(ResponseMedia::Json, StatusCode::NOT_ACCEPTABLE, &error)
}
