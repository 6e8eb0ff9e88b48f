# tendlc as one static-ish binary on a distroless base: no shell, no package manager, non-root.
#   docker build -t tendlc:$(git describe --tags --always) .
# Migrations are compiled into the binary and applied by `serve` at start-up, under a lock.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin tendlc \
 && cp target/release/tendlc /tendlc

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /tendlc /tendlc
USER nonroot:nonroot
EXPOSE 8080
ENV TENDLC_LISTEN=0.0.0.0:8080
ENTRYPOINT ["/tendlc"]
CMD ["serve"]
