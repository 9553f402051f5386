# Production image for the canopy binary.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin canopy

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/canopy /usr/local/bin/canopy
USER nobody
EXPOSE 8080
ENTRYPOINT ["canopy"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
