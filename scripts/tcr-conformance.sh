#!/usr/bin/env bash
# Conformance run: TCR's whole OpenAPI document (the repository's copy,
# adapters/tcr-sim/tests/fixtures/tcr-openapi.json) against `tendlc tcr-sim` on a random port.
# Every operation is called once (scripts/tcr-conformance.py): it must be served (no 404), answer
# a status the document lists, and a body that validates against the document's schema. Where the
# document contradicts its own examples, adapters/tcr-sim/conformance/exceptions.json says what is
# checked instead and why: the one place exceptions live. Prints
#   tcr conformance: 103 operations, N served, M failures [K exceptions]
# and exits non-zero on any failure. Uses the pinned schemathesis venv of scripts/api-fuzz.sh
# (for its jsonschema_rs and requests), installing it the same way when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

max_secs="${TCR_CONFORMANCE_MAX_SECS:-90}"
document=adapters/tcr-sim/tests/fixtures/tcr-openapi.json
exceptions=adapters/tcr-sim/conformance/exceptions.json
work=target/tcr-conformance
mkdir -p "$work"
die() {
    echo "tcr conformance: ERROR: $*" >&2
    exit 1
}
[[ -f $document ]] || die "$document is missing"

SCHEMATHESIS_VERSION=4.32.5
venv=target/api-fuzz/venv
if [[ ! -x $venv/bin/python || "$(cat "$venv/.version" 2>/dev/null)" != "$SCHEMATHESIS_VERSION" ]] ||
    ! "$venv/bin/python" -c 'import schemathesis' >/dev/null 2>&1; then
    python=""
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import venv, ensurepip' 2>/dev/null; then
            python=$candidate
            break
        fi
    done
    [[ -n $python ]] || die "no python3 with venv and ensurepip found (install python3 and python3-venv)"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv" || die "could not create a virtualenv in $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >"$work/pip.log" 2>&1 ||
        die "pip could not install schemathesis==$SCHEMATHESIS_VERSION; see $work/pip.log"
    echo "$SCHEMATHESIS_VERSION" >"$venv/.version"
fi

cargo build --quiet --bin tendlc
bin=target/debug/tendlc
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
random() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export TCR_API_KEY="conformance-$(random 8)" TCR_API_SECRET
TCR_API_SECRET=$(random 24)
log_dir="${TENDLC_TEST_SCAN_DIR:-$work}"
mkdir -p "$log_dir"
if [[ -n ${TENDLC_TEST_SCAN_DIR:-} ]]; then
    printf '%s\n' "$TCR_API_KEY" "$TCR_API_SECRET" >>"$TENDLC_TEST_SCAN_DIR/secrets.txt"
fi

"$bin" tcr-sim --listen "127.0.0.1:$port" --scoring-delay-secs 1 \
    --read-rate-per-sec 100000 --write-rate-per-10s 100000 >"$log_dir/tcr-conformance-sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -fsS -u "$TCR_API_KEY:$TCR_API_SECRET" "http://127.0.0.1:$port/v2/version" >/dev/null 2>&1 && break
    sleep 0.1
done

timeout --kill-after=5 "$max_secs" "$venv/bin/python" scripts/tcr-conformance.py \
    "$document" "$exceptions" "http://127.0.0.1:$port/v2" "$TCR_API_KEY" "$TCR_API_SECRET" \
    >"$work/run.out" 2>&1 || status=$?
status=${status:-0}
if ((status != 0)); then
    cat "$work/run.out"
else
    grep -E '^tcr conformance:' "$work/run.out"
fi
((status == 0)) || echo "tcr conformance: FAILED (exit $status); every call is in $work/run.out" >&2
exit "$status"
