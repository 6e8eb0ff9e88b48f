#!/usr/bin/env bash
# Runs the whole test suite: unit tests and black-box tests against a real Postgres and the
# TCR simulator on real ports. Brings up Postgres first if none is running.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-postgres.sh
export DATABASE_URL="${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/tendlc}"

# Build the binary the process-level tests (kill -9) start, then run everything.
cargo build --quiet --bin tendlc
cargo test --workspace --no-fail-fast "$@"
