#!/usr/bin/env bash
# API fuzzing: schemathesis against the real `tendlc serve` (with `tendlc tcr-sim` as TCR) on a
# fresh database and random ports. Every operation /openapi.json lists is generated from the
# document itself (no per-route list here); any 5xx, any status, content type or body the
# document does not allow is a failure. Prints what it tried and exits non-zero on any finding.
#
#   scripts/api-fuzz.sh                 # bounded: API_FUZZ_MAX_EXAMPLES per operation, API_FUZZ_MAX_SECS overall
#
# schemathesis is installed (pinned) into target/api-fuzz/venv from PyPI the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
max_examples="${API_FUZZ_MAX_EXAMPLES:-40}"
max_secs="${API_FUZZ_MAX_SECS:-100}"
seed="${API_FUZZ_SEED:-$RANDOM$RANDOM}"
work=target/api-fuzz
mkdir -p "$work"

die() {
    echo "api fuzz: ERROR: $*" >&2
    exit 1
}

# ---- schemathesis, pinned, in a local venv ------------------------------------------------
venv="$work/venv"
# A venv moved or copied from another folder keeps scripts whose first line names the old path:
# it must run here, or it is made again.
if [[ ! -x $venv/bin/st || "$(cat "$venv/.version" 2>/dev/null)" != "$SCHEMATHESIS_VERSION" ]] ||
    ! "$venv/bin/st" --version >/dev/null 2>&1; then
    python=""
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import venv, ensurepip' 2>/dev/null; then
            python=$candidate
            break
        fi
    done
    [[ -n $python ]] || die "no python3 with venv and ensurepip found (install python3 and python3-venv)"
    rm -rf "$venv"
    echo "api fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
    "$python" -m venv "$venv" || die "could not create a virtualenv in $venv"
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >"$work/pip.log" 2>&1; then
        tail -n 20 "$work/pip.log" >&2
        die "pip could not install schemathesis==$SCHEMATHESIS_VERSION (is PyPI reachable?); see $work/pip.log"
    fi
    echo "$SCHEMATHESIS_VERSION" >"$venv/.version"
fi

# ---- a fresh database, the simulator and tendlc on random ports ----------------------------
scripts/ensure-postgres.sh
cargo build --quiet --bin tendlc
bin=target/debug/tendlc

base_url="${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/tendlc}"
base_url="${base_url%%\?*}"
server_url="${base_url%/*}"
database="tendlc_apifuzz_$(date +%s)_$$"
psql -X -q -v ON_ERROR_STOP=1 "$server_url/postgres" -c "CREATE DATABASE $database" >/dev/null ||
    die "cannot create database $database"

random() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
free_port() { "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api_port=$(free_port)
sim_port=$(free_port)
while [[ $sim_port == "$api_port" ]]; do sim_port=$(free_port); done

export DATABASE_URL="$server_url/$database"
export TENDLC_JWT_SECRET TCR_API_KEY TCR_API_SECRET
TENDLC_JWT_SECRET=$(random 32)
TCR_API_KEY="fuzz-$(random 8)"
TCR_API_SECRET=$(random 24)
export TENDLC_LISTEN="127.0.0.1:$api_port"
export TCR_BASE_URL="http://127.0.0.1:$sim_port/v2"
export TENDLC_LOG=info TENDLC_LOG_FORMAT=json
# Fuzzing submits far faster than a customer would: the per-customer brake would answer most
# requests 429 and hide everything behind it.
export TENDLC_SUBMISSIONS_PER_MINUTE=0
export TENDLC_SYNC_TICK_MS=1000

# Logs go where the suite's secret scan reads them (when scripts/test.sh runs this), and the
# secrets configured here are added to what it looks for.
log_dir="${TENDLC_TEST_SCAN_DIR:-$work}"
mkdir -p "$log_dir"
if [[ -n ${TENDLC_TEST_SCAN_DIR:-} ]]; then
    printf '%s\n' "$TENDLC_JWT_SECRET" "$TCR_API_KEY" "$TCR_API_SECRET" >>"$TENDLC_TEST_SCAN_DIR/secrets.txt"
fi

# Before the database is dropped, its rows join the suite's secret scan (as the cargo tests' do).
scan_database() {
    [[ -n ${TENDLC_TEST_SCAN_DIR:-} ]] || return 0
    local dump rows hits
    dump=$(mktemp)
    if ! pg_dump --data-only --no-owner "$DATABASE_URL" >"$dump" 2>/dev/null; then
        echo "$database rows=0 hits=1" >>"$TENDLC_TEST_SCAN_DIR/db-scan.txt"
        echo "$database: could not be dumped for the secret scan" >>"$TENDLC_TEST_SCAN_DIR/db-hits.txt"
        rm -f "$dump"
        return 0
    fi
    rows=$(awk '/^COPY /{c=1; next} /^\\\.$/{c=0; next} c{n++} END{print n + 0}' "$dump")
    hits=$(grep -c -F -f <(printf '%s\n' "$TENDLC_JWT_SECRET" "$TCR_API_KEY" "$TCR_API_SECRET") "$dump" || true)
    echo "$database rows=$rows hits=$hits" >>"$TENDLC_TEST_SCAN_DIR/db-scan.txt"
    if ((hits > 0)); then
        echo "$database: $hits dumped lines hold a configured secret" >>"$TENDLC_TEST_SCAN_DIR/db-hits.txt"
    fi
    rm -f "$dump"
}

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    scan_database
    psql -X -q "$server_url/postgres" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$bin" tcr-sim --listen "127.0.0.1:$sim_port" --scoring-delay-secs 2 \
    --read-rate-per-sec 100000 --write-rate-per-10s 100000 >"$log_dir/api-fuzz-tcr-sim.log" 2>&1 &
pids+=($!)
"$bin" serve >"$log_dir/api-fuzz-serve.log" 2>&1 &
pids+=($!)

api="http://127.0.0.1:$api_port"
for _ in $(seq 1 150); do
    curl -fsS "$api/health" >/dev/null 2>&1 && break
    kill -0 "${pids[1]}" 2>/dev/null || {
        tail -n 20 "$log_dir/api-fuzz-serve.log" >&2
        die "tendlc serve exited before it was healthy"
    }
    sleep 0.2
done
curl -fsS "$api/health" >/dev/null || die "tendlc serve did not become healthy at $api"

# A super admin acting for a customer that exists, with a brand, so tenant routes have data.
token=$("$bin" token --role superadmin --subject api-fuzz --hours 1)
customer=$(curl -fsS -X POST "$api/v1/customers" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d '{"ban":"FUZZ-001","name":"Fuzz Customer","serviceTier":"SMALL","notificationEmails":["ops@example.com"]}' |
    "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["id"])') ||
    die "could not create the fuzzing customer"
curl -fsS -o /dev/null -X POST "$api/v1/messaging/brands" -H "Authorization: Bearer $token" \
    -H "X-Customer-ID: $customer" -H 'Content-Type: application/json' \
    -d '{"entityType":"PRIVATE_PROFIT","displayName":"Fuzz Widgets","companyName":"Fuzz Widgets LLC","ein":"12-3456789","phone":"+12025550123","street":"123 Main St","city":"Springfield","state":"IL","postalCode":"62701","country":"US","email":"support@fuzzwidgets.com","website":"https://fuzzwidgets.com","vertical":"RETAIL"}' ||
    die "could not register the fuzzing brand"

# ---- schemathesis ----------------------------------------------------------------------------
report="$work/report"
rm -rf "$report" && mkdir -p "$report"
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
echo "api fuzz: schemathesis $SCHEMATHESIS_VERSION against $api/openapi.json (seed $seed, at most $max_examples cases per operation, $max_secs s)"
status=0
# Run from target/api-fuzz so schemathesis' and hypothesis' caches stay there.
(
    cd "$work"
    timeout --signal=INT --kill-after=15 "$((max_secs + 30))" \
        venv/bin/st run "$api/openapi.json" \
        --checks "$checks" \
        --header "Authorization: Bearer $token" \
        --header "X-Customer-ID: $customer" \
        --max-examples "$max_examples" \
        --max-time "$max_secs" \
        --phases examples,coverage,fuzzing,stateful \
        --workers 1 \
        --seed "$seed" \
        --request-timeout 20 \
        --no-color \
        --report junit,ndjson --report-dir report
) >"$work/schemathesis.out" 2>&1 || status=$?
# Its own summary always; everything it said when it found something.
sed -n '/= SUMMARY =/,$p' "$work/schemathesis.out"

# Counts from the run's own report: operations and test cases tried, failures found.
summary=$("$venv/bin/python" - "$report" <<'EOF'
import glob, json, re, sys, xml.etree.ElementTree as ET
report = sys.argv[1]
operations = cases = stateful = failures = errors = 0
for path in glob.glob(f"{report}/*.xml"):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        failures += int(suite.get("failures", 0))
        errors += int(suite.get("errors", 0))
        operations += sum(1 for case in suite.iter("testcase") if re.match(r"^[A-Z]+ /", case.get("name", "")))
for path in glob.glob(f"{report}/*.ndjson"):
    with open(path) as f:
        for line in f:
            event = json.loads(line)
            if "ScenarioFinished" in event:
                recorder = event["ScenarioFinished"].get("recorder", {})
                n = len(recorder.get("cases", {}))
                cases += n
                if recorder.get("label") == "Stateful tests":
                    stateful += n
print(operations, cases, stateful, failures, errors)
EOF
) || summary="0 0 0 0 0"
read -r operations cases stateful failures errors <<<"$summary"
echo "api fuzz: $operations operations, $cases test cases ($stateful in linked sequences), $failures failures, $errors errors (seed $seed; log: $work/schemathesis.out)"
if ((status != 0 || failures > 0 || errors > 0 || operations == 0)); then
    sed -n '1,/= SUMMARY =/p' "$work/schemathesis.out" >&2
    echo "api fuzz: FAILED (schemathesis exit $status); reproduce with API_FUZZ_SEED=$seed scripts/api-fuzz.sh" >&2
    exit 1
fi
