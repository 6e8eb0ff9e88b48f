#!/usr/bin/env bash
# Coverage-guided fuzzing of the webhook receiving path (tests/fuzz): libFuzzer, built on stable
# Rust with LLVM's SanitizerCoverage passes (no nightly, no cargo-fuzz). Runs for a bounded time,
# prints what it tried and exits non-zero on any finding (a panic = a broken invariant).
#
#   scripts/fuzz-webhooks.sh                  # FUZZ_SECS (default 60) of fuzzing
#   scripts/fuzz-webhooks.sh CRASH_FILE       # replay one input (e.g. a found crash)
#
# The corpus grows in target/fuzz/corpus/webhook (seeded from tests/fuzz/seeds/webhook); a
# finding is written to target/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${FUZZ_SECS:-60}"
root=$PWD
out="$root/target/fuzz"
corpus="$out/corpus/webhook"
artifacts="$out/artifacts"
log="$out/webhook.log"
mkdir -p "$corpus" "$artifacts"

command -v c++ >/dev/null || command -v g++ >/dev/null || command -v clang++ >/dev/null || {
    echo "webhook fuzz: ERROR: no C++ compiler (libFuzzer is C++); install g++" >&2
    exit 1
}
host=$(rustc -vV | sed -n 's/^host: //p')
# SanitizerCoverage: the edge counters and comparison tracing libFuzzer is guided by. The target
# triple keeps these flags off build scripts and proc macros.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
(cd tests/fuzz && CARGO_TARGET_DIR="$out" cargo build --quiet --release --target "$host" --bin webhook)
fuzzer="$out/$host/release/webhook"

if [[ $# -gt 0 ]]; then
    exec "$fuzzer" "$@"
fi

cp -n tests/fuzz/seeds/webhook/* "$corpus/" 2>/dev/null || true
before=$(find "$corpus" -type f | wc -l)
rm -f "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*
echo "webhook fuzz: libFuzzer for ${secs}s over the receiving path (tests/fuzz/fuzz_targets/webhook.rs), corpus of $before inputs"
status=0
"$fuzzer" "$corpus" -dict=tests/fuzz/webhook.dict -max_total_time="$secs" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
coverage=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1 | awk '{print $2}')
after=$(find "$corpus" -type f | wc -l)
findings=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
echo "webhook fuzz: ${runs:-0} executions, ${coverage:-0} coverage points, corpus $before -> $after inputs, $findings findings (log: ${log#"$root"/})"
if ((status != 0 || findings > 0)) || [[ -z $runs || $runs == 0 ]]; then
    grep -m1 -A6 'panicked at' "$log" >&2 || tail -n 20 "$log" >&2
    for crash in "$artifacts"/*; do
        [[ -f $crash ]] && echo "webhook fuzz: finding ${crash#"$root"/}; replay with scripts/fuzz-webhooks.sh ${crash#"$root"/}" >&2
    done
    echo "webhook fuzz: FAILED (libFuzzer exit $status)" >&2
    exit 1
fi
