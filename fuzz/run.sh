#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 20: the CI smoke run) and
# prints one line per target: executions, coverage, and crashes found.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); works on stable Rust
# (--sanitizer none: no nightly-only flags). Exits 1 if any target crashed;
# crash inputs are left in fuzz/artifacts/<target>/.
#   fuzz/run.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse_spec reparse secrets transition jsonrpc)
fuzz/seed.sh
cargo fuzz build --sanitizer none
failed=0
for t in "${targets[@]}"; do
  log="fuzz/target/fuzz-$t.log"
  mkdir -p fuzz/target
  cargo fuzz run --sanitizer none "$t" -- -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 >"$log" 2>&1
  status=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  crashes=$(ls "fuzz/artifacts/$t" 2>/dev/null | wc -l)
  printf '%-11s %s  exit=%s  crash files=%s\n' "$t" "${done_line:-"(no DONE line)"}" "$status" "$crashes"
  if [ "$status" -ne 0 ]; then
    failed=1
    grep -E 'panicked|SUMMARY|Test unit written' "$log" | head -5
  fi
done
exit "$failed"
