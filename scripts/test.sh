#!/usr/bin/env bash
# Runs the whole test suite: unit tests and black-box tests against a real Postgres and the
# TCR simulator on real ports. Brings up Postgres first if none is running.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-postgres.sh
export DATABASE_URL="${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/tendlc}"

# Build the binary the process-level tests (kill -9) start, then run everything.
cargo build --quiet --bin tendlc
# Every secret the tests configure is noted here, with every log line and (before each test
# database is dropped) a scan of every row; the scan below fails the run on any hit.
scan_dir="$PWD/target/secret-scan"
rm -rf "$scan_dir" && mkdir -p "$scan_dir"
export TENDLC_TEST_SCAN_DIR="$scan_dir"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --lib --bins --tests --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?

# One closing line over every test binary.
count() { grep '^test result:' "$log" | grep -Eo "[0-9]+ $1" | awk '{n += $1} END {print n + 0}'; }

# The secret scan: configured secrets against all logs and all database rows.
secrets="$scan_dir/secrets.txt"
if [[ -s $secrets ]]; then
    sort -u "$secrets" -o "$secrets"
    log_lines=$(cat "$scan_dir"/*.log 2>/dev/null | wc -l)
    log_files=$(ls "$scan_dir"/*.log 2>/dev/null | wc -l)
    log_hits=$(cat "$scan_dir"/*.log 2>/dev/null | grep -c -F -f "$secrets" || true)
    db_rows=$(grep -Eo 'rows=[0-9]+' "$scan_dir/db-scan.txt" 2>/dev/null | cut -d= -f2 | awk '{n += $1} END {print n + 0}')
    db_count=$(cat "$scan_dir/db-scan.txt" 2>/dev/null | wc -l)
    db_hits=$(cat "$scan_dir/db-hits.txt" 2>/dev/null | wc -l)
    echo "secret scan: $(wc -l < "$secrets") secrets checked against $log_lines log lines in $log_files files and $db_rows rows in $db_count databases: $log_hits log hits, $db_hits database hits"
    if [[ $log_hits -gt 0 || $db_hits -gt 0 ]]; then
        # Name where, never what.
        grep -l -F -f "$secrets" "$scan_dir"/*.log 2>/dev/null | sed 's/^/  secret found in log: /' || true
        [[ -s $scan_dir/db-hits.txt ]] && sed 's/^/  /' "$scan_dir/db-hits.txt"
        status=1
    fi
else
    echo "secret scan: no secrets were noted (nothing to check)"
fi
echo "total: $(count passed) passed, $(count failed) failed"
exit "$status"
