#!/usr/bin/env bash
# Runs the whole test suite: unit tests and black-box tests against a real Postgres and the
# TCR simulator on real ports. Brings up Postgres first if none is running.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-postgres.sh
export DATABASE_URL="${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/tendlc}"

# The browser tests (console, HTML report) drive Debian's headless chromium.
TENDLC_CHROMIUM="$(scripts/ensure-chromium.sh)"
export TENDLC_CHROMIUM

# Build the binary the process-level tests (kill -9) start, then run everything.
cargo build --quiet --bin tendlc
export TENDLC_TEST_BINARY="$PWD/target/debug/tendlc"
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
secret_scan() {
    local dir=$1 secrets=$1/secrets.txt
    if [[ ! -s $secrets ]]; then
        echo "secret scan: no secrets were noted (nothing to check)"
        return 0
    fi
    # Blank lines would match everything: drop them.
    grep -v '^[[:space:]]*$' "$secrets" | sort -u >"$secrets.clean" || true
    mv "$secrets.clean" "$secrets"
    shopt -s nullglob
    local logs=("$dir"/*.log)
    local log_lines=0 log_hits=0 db_rows=0 db_count=0 db_hits=0
    if ((${#logs[@]})); then
        log_lines=$(cat "${logs[@]}" | wc -l)
        log_hits=$(cat "${logs[@]}" | grep -c -F -f "$secrets" || true)
    fi
    if [[ -f $dir/db-scan.txt ]]; then
        db_count=$(wc -l <"$dir/db-scan.txt")
        db_rows=$(sed -n 's/.* rows=\([0-9]*\).*/\1/p' "$dir/db-scan.txt" | awk '{n += $1} END {print n + 0}')
    fi
    [[ -f $dir/db-hits.txt ]] && db_hits=$(wc -l <"$dir/db-hits.txt")
    echo "secret scan: $(wc -l <"$secrets") secrets checked against $log_lines log lines in ${#logs[@]} files and $db_rows rows in $db_count databases: $log_hits log hits, $db_hits database hits"
    if ((log_hits > 0 || db_hits > 0)); then
        # Name where, never what.
        if ((${#logs[@]})); then grep -l -F -f "$secrets" "${logs[@]}" | sed 's/^/  secret found in log: /' || true; fi
        [[ -f $dir/db-hits.txt ]] && sed 's/^/  /' "$dir/db-hits.txt"
        return 1
    fi
}

# Bad input at scale, after the cargo tests: the webhook fuzz target (coverage-guided, FUZZ_SECS,
# default 60) and the API fuzzing run (schemathesis against /openapi.json, API_FUZZ_MAX_SECS,
# default 100), and the conformance run of TCR's own OpenAPI document against the simulator
# (scripts/tcr-conformance.sh, TCR_CONFORMANCE_MAX_SECS, default 90). The API run's servers log into the scan directory, so the secret scan below
# covers them too. Each prints its counts; any finding fails the run.
fuzz_log=$(mktemp)
api_log=$(mktemp)
tcr_log=$(mktemp)
trap 'rm -f "$log" "$fuzz_log" "$api_log" "$tcr_log"' EXIT
started=$SECONDS
scripts/fuzz-webhooks.sh 2>&1 | tee "$fuzz_log" || status=1
fuzz_secs=$((SECONDS - started))
started=$SECONDS
scripts/api-fuzz.sh 2>&1 | tee "$api_log" || status=1
api_secs=$((SECONDS - started))
started=$SECONDS
scripts/tcr-conformance.sh 2>&1 | tee "$tcr_log" || status=1
tcr_secs=$((SECONDS - started))
counts() { grep "^$1: [0-9]" "$2" | tail -n 1 || echo "$1: reported no counts (see above)"; }

secret_scan "$scan_dir" || status=1
echo "$(counts "webhook fuzz" "$fuzz_log") [${fuzz_secs} s]"
echo "$(counts "api fuzz" "$api_log") [${api_secs} s]"
echo "$(counts "tcr conformance" "$tcr_log") [${tcr_secs} s]"
echo "total: $(count passed) passed, $(count failed) failed"
exit "$status"
