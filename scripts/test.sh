#!/usr/bin/env bash
# Runs the whole test suite: unit tests and black-box tests against a real Postgres and the
# TCR simulator on real ports. Brings up Postgres first if none is running.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-postgres.sh
export DATABASE_URL="${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/tendlc}"

# Build the binary the process-level tests (kill -9) start, then run everything.
cargo build --quiet --bin tendlc
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --lib --bins --tests --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?

# One closing line over every test binary.
count() { grep '^test result:' "$log" | grep -Eo "[0-9]+ $1" | awk '{n += $1} END {print n + 0}'; }
echo "total: $(count passed) passed, $(count failed) failed"
exit "$status"
