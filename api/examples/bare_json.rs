//! The benchmark's baseline: a bare axum server that answers every request on every path
//! with one file's bytes as `application/json`, read once at start-up.
//!
//! `cargo run --release -p api --example bare_json -- FILE PORT` serves on `127.0.0.1:PORT`.
//! `bench/graphql_vs_bare.sh` points it at a response Canopy produced, so the two servers
//! send the same bytes and the comparison measures what Canopy adds per request.

use std::{env, net::SocketAddr, process::ExitCode};

use axum::{
    Router,
    body::Bytes,
    http::{HeaderValue, header},
    response::IntoResponse,
};

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let (Some(file), Some(port)) = (args.next(), args.next()) else {
        eprintln!("usage: bare_json FILE PORT");
        return ExitCode::FAILURE;
    };
    match serve(&file, &port).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bare_json: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(file: &str, port: &str) -> Result<(), Box<dyn std::error::Error>> {
    let body = Bytes::from(tokio::fs::read(file).await?);
    let addr = SocketAddr::from(([127, 0, 0, 1], port.parse()?));
    let handler = move || {
        let body = body.clone();
        async move {
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response()
        }
    };
    let app = Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
