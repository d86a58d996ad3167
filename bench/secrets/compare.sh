#!/usr/bin/env bash
# Compare the hardcoded-secret detection of smaqit-ls with detect-secrets
# (PyPI) and ripsecrets (crates.io), side by side, on the same inputs:
#
#   1. wall time of each tool on a generated ~30 MB tree of IaC and spec
#      Markdown (bench/secrets/gen_tree.py, seeded, byte-identical each run);
#   2. precision / recall / F1 of each tool on the labelled corpus
#      (crates/secrets/tests/corpus, scored by bench/secrets/score.py);
#   3. the single-thread scanner throughput printed by
#      `cargo bench -p smaqit-secrets --bench throughput`.
#
# Usage: bench/secrets/compare.sh            (from anywhere)
#
# Environment (all optional):
#   SMAQIT_CACHE      tool cache (default ~/.cache/smaqit-ci): bench-venv/ holds
#                     detect-secrets, cargo-tools/ holds ripsecrets
#   BENCH_WORK        scratch folder for the tree, the corpus copy and the
#                     raw outputs (default $SMAQIT_CACHE/bench-secrets)
#   SECRETS_CORPUS    the labelled corpus (default <repo>/crates/secrets/tests/corpus)
#   BENCH_MB          tree size in MB (default 30)
#   BENCH_SEED        generator seed (default 20250210)
#   BENCH_RUNS        timed runs per tool (default 3)
#   BENCH_SKIP_CARGO_BENCH=1   skip the cargo bench step
#   BENCH_NO_HYPERFINE=1       time with plain runs even when hyperfine is there
#   BENCH_MAX_BUSY / BENCH_QUIET_TIMEOUT   wait for an idle CPU before timing
#                     (default: at most 15% busy, give up waiting after 900 s)
#   BENCH_ATTEMPTS    redo a timing during which a cargo/rustc ran (default 4)
#   BENCH_REV         build and bench this commit (git archive into
#                     $BENCH_WORK/src) instead of the working tree
#   DETECT_SECRETS_VERSION / RIPSECRETS_VERSION   pinned versions (1.5.0 / 0.1.11)
#
# Fairness: every tool runs with its default rules on the same tree and on
# the same copy of the corpus, from which the four metadata files
# (README.md, labels.json, negatives.json, verify_labels.py) are removed;
# score.py also drops any finding in them. detect-secrets runs as
# `scan --all-files -n` (scan mode: it prints every finding as a baseline;
# the hook/baseline mode would only report findings not already in a
# baseline; -n skips its optional network verification, which cannot reach
# the vendors here and never adds findings). All three tools use every core:
# smaqit-ls and ripsecrets with threads, detect-secrets with a process pool.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${SMAQIT_CACHE:-$HOME/.cache/smaqit-ci}
WORK=${BENCH_WORK:-$CACHE/bench-secrets}
CORPUS=${SECRETS_CORPUS:-$REPO/crates/secrets/tests/corpus}
MB=${BENCH_MB:-30}
SEED=${BENCH_SEED:-20250210}
RUNS=${BENCH_RUNS:-3}
DS_VERSION=${DETECT_SECRETS_VERSION:-1.5.0}
RS_VERSION=${RIPSECRETS_VERSION:-0.1.11}
VENV=$CACHE/bench-venv
TOOLS=$CACHE/cargo-tools
DS=$VENV/bin/detect-secrets
RS=$TOOLS/bin/ripsecrets
# BENCH_REV=<commit>: build and bench that commit, exported with `git archive`
# into $BENCH_WORK/src (own target folder), instead of the working tree.
if [ -n "${BENCH_REV:-}" ]; then
    REV=$(git -C "$REPO" rev-parse --short "$BENCH_REV")
    BUILD=$WORK/src
    TARGET=$BUILD/target
else
    REV=
    BUILD=$REPO
    TARGET=${CARGO_TARGET_DIR:-$REPO/target}
fi
BIN=$TARGET/release/smaqit-ls
OUT=$WORK/out

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'compare.sh: %s\n' "$*" >&2; exit 1; }

# The machine has two cores: never run two cargo processes at once.
wait_for_cargo() {
    while pgrep -x cargo >/dev/null; do
        log "another cargo is running; waiting"
        sleep 10
    done
}

# Percent of CPU time that was not idle over two seconds, whoever used it.
cpu_busy() {
    local _c a b c d e f g h t1 i1 t2 i2
    read -r _c a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
    sleep 2
    read -r _c a b c d e f g h _ </proc/stat; t2=$((a + b + c + d + e + f + g + h)); i2=$((d + e))
    echo $((100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}

# Timings are only worth something on an otherwise idle machine: wait (up to
# BENCH_QUIET_TIMEOUT seconds, default 900) until no cargo runs and the CPU
# is at most BENCH_MAX_BUSY percent busy (default 15), then go on anyway and
# record how busy it was in out/busy.<name>.
wait_for_quiet() {
    local name=$1 deadline busy
    deadline=$((SECONDS + ${BENCH_QUIET_TIMEOUT:-900}))
    while :; do
        busy=$(cpu_busy)
        if ! pgrep -x cargo >/dev/null && [ "$busy" -le "${BENCH_MAX_BUSY:-15}" ]; then break; fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "machine still busy ($busy% CPU) before $name; timing anyway"
            break
        fi
        log "machine busy ($busy% CPU, cargo: $(pgrep -xc cargo || true)); waiting before $name"
        sleep 10
    done
    echo "$busy" >"$OUT/busy.$name"
}

[ -d "$CORPUS" ] || die "no corpus at $CORPUS (set SECRETS_CORPUS)"
mkdir -p "$CACHE" "$WORK" "$OUT"

# --- tools --------------------------------------------------------------
if [ ! -x "$DS" ]; then
    log "installing detect-secrets $DS_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "detect-secrets==$DS_VERSION"
fi
if [ ! -x "$RS" ]; then
    log "installing ripsecrets $RS_VERSION into $TOOLS"
    wait_for_cargo
    cargo install --quiet --locked ripsecrets --version "$RS_VERSION" --root "$TOOLS"
fi
if ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing hyperfine from apt"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine; }; } \
        >/dev/null 2>&1 || log "hyperfine not available; falling back to $RUNS timed runs"
fi

if [ -n "$REV" ]; then
    log "exporting $REV into $BUILD"
    mkdir -p "$BUILD"
    find "$BUILD" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
    git -C "$REPO" archive "$REV" | tar -x -C "$BUILD"
fi
log "building smaqit-ls (release) in $BUILD"
wait_for_cargo
(cd "$BUILD" && CARGO_TARGET_DIR=$TARGET cargo build --quiet --release -p smaqit-ls)
[ -x "$BIN" ] || die "no binary at $BIN"

# --- inputs ---------------------------------------------------------------
log "generating the tree ($MB MB, seed $SEED)"
python3 "$HERE/gen_tree.py" "$WORK/tree" --mb "$MB" --seed "$SEED" --force \
    --labels "$WORK/tree.labels.json" | tee "$OUT/gen_tree.txt" >&2
TREE_BYTES=$(find "$WORK/tree" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

log "copying the corpus without its metadata files"
rm -rf "$WORK/corpus"
cp -R "$CORPUS" "$WORK/corpus"
chmod -R u+w "$WORK/corpus"
rm -f "$WORK/corpus/README.md" "$WORK/corpus/labels.json" \
      "$WORK/corpus/negatives.json" "$WORK/corpus/verify_labels.py" "$WORK/corpus/make_values.py"
LABELS=$CORPUS/labels.json

# --- commands -------------------------------------------------------------
# Each runs in $WORK and writes its raw output under out/; exit status 1
# means "found something" for smaqit-ls and ripsecrets.
cmd_for() { # tool input -> shell command
    case "$1" in
        smaqit-ls) echo "'$BIN' check --only secrets --format json $2 > out/$2.smaqit-ls.json" ;;
        ripsecrets) echo "'$RS' $2 > out/$2.ripsecrets.txt" ;;
        detect-secrets) echo "cd $2 && '$DS' scan --all-files -n . > ../out/$2.detect-secrets.json" ;;
    esac
}
run_ok() { # run a command; fail on an exit status above 1
    local rc=0
    (cd "$WORK" && bash -c "$1") || rc=$?
    [ "$rc" -le 1 ] || die "command failed ($rc): $1"
}

# --- wall time on the tree ------------------------------------------------
# Median wall seconds of $RUNS runs, written to out/time.<tool>.
# Other work on this shared machine during a timing spoils it. A watcher
# samples every second whether a cargo/rustc exists or a process outside
# this script's process group is runnable; when either was seen in more
# than 5% of the samples the timing is redone, up to BENCH_ATTEMPTS times
# (default 4). out/contention.<name> keeps "<samples> <spoilt samples>" of
# the attempt that was kept, out/contended.<name> exists if it was spoilt.
MYPGID=$(ps -o pgid= $$ | tr -d ' ')
watch_contention() { # file
    local n=0 bad=0 foreign
    while :; do
        foreign=$(ps -e -o pgid=,stat= | awk -v me="$MYPGID" '$1 != me && $1 != 0 && $2 ~ /^R/ {n++} END {print n + 0}')
        n=$((n + 1))
        if [ "$foreign" -gt 0 ] || pgrep -x cargo >/dev/null || pgrep -x rustc >/dev/null; then bad=$((bad + 1)); fi
        echo "$n $bad" >"$1"
        sleep 1
    done
}
with_retry() { # name command... : run the command until nothing else ran alongside it
    local name=$1 attempt watcher n bad
    shift
    for ((attempt = 1; attempt <= ${BENCH_ATTEMPTS:-4}; attempt++)); do
        rm -f "$OUT/contended.$name"
        wait_for_quiet "$name"
        watch_contention "$OUT/contention.$name" &
        watcher=$!
        "$@"
        kill "$watcher" 2>/dev/null || true
        wait "$watcher" 2>/dev/null || true
        read -r n bad <"$OUT/contention.$name"
        [ $((bad * 20)) -gt "$n" ] || return 0
        touch "$OUT/contended.$name"
        log "other work ran during $name ($bad of $n one-second samples, attempt $attempt); running it again"
    done
}
time_tool() { with_retry "$1" time_once "$1"; }
time_once() {
    local tool=$1 cmd warmup=1
    cmd=$(cmd_for "$tool" tree)
    [ "$tool" = detect-secrets ] && warmup=0 # minutes per run; the cache is already warm
    log "timing $tool on the tree ($RUNS runs; CPU $(cat "$OUT/busy.$tool")% busy just before)"
    if [ "${BENCH_NO_HYPERFINE:-0}" != 1 ] && command -v hyperfine >/dev/null; then
        (cd "$WORK" && hyperfine --runs "$RUNS" --warmup "$warmup" --ignore-failure --style basic \
            --export-json "out/hyperfine.$tool.json" -n "$tool" "$cmd") >&2
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' \
            "$OUT/hyperfine.$tool.json" >"$OUT/time.$tool"
    else
        local i t0 t1 times=()
        for ((i = 0; i < warmup; i++)); do run_ok "$cmd"; done
        for ((i = 0; i < RUNS; i++)); do
            t0=$EPOCHREALTIME; run_ok "$cmd"; t1=$EPOCHREALTIME
            times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
        done
        printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}' \
            >"$OUT/time.$tool"
    fi
}
for tool in smaqit-ls ripsecrets detect-secrets; do time_tool "$tool"; done

# --- the labelled corpus ---------------------------------------------------
for tool in smaqit-ls ripsecrets detect-secrets; do
    log "scanning the corpus with $tool"
    run_ok "$(cmd_for "$tool" corpus)"
done
# Not default, for context only: ripsecrets skips hidden files and folders
# unless they are named on its command line.
log "scanning the corpus with ripsecrets, every file named on the command line"
run_ok "find corpus -type f -print0 | sort -z | xargs -0 '$RS' > out/corpus.ripsecrets-allfiles.txt || [ \$? -eq 123 ]"

for tool in smaqit-ls ripsecrets detect-secrets; do
    ext=json; [ "$tool" = ripsecrets ] && ext=txt
    python3 "$HERE/score.py" --json --tool "$tool" --root corpus --labels "$LABELS" \
        "$OUT/corpus.$tool.$ext" >"$OUT/score.corpus.$tool.json"
    python3 "$HERE/score.py" --json --tool "$tool" --root tree --labels "$WORK/tree.labels.json" \
        "$OUT/tree.$tool.$ext" >"$OUT/score.tree.$tool.json"
done
python3 "$HERE/score.py" --json --tool ripsecrets --root corpus --labels "$LABELS" \
    "$OUT/corpus.ripsecrets-allfiles.txt" >"$OUT/score.corpus.ripsecrets-allfiles.json"

# --- single-thread scanner throughput --------------------------------------
SCANNER="(skipped)"
if [ "${BENCH_SKIP_CARGO_BENCH:-0}" != 1 ]; then
    log "cargo bench -p smaqit-secrets --bench throughput"
    wait_for_cargo
    # Build with cargo, then run the bench executable itself (as cargo bench
    # would), so that the contention watcher can tell our cargo from others.
    BENCH_EXE=$(cd "$BUILD" && CARGO_TARGET_DIR=$TARGET cargo bench --quiet -p smaqit-secrets --bench throughput \
        --no-run --message-format=json | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "throughput":
        print(m["executable"])')
    [ -x "$BENCH_EXE" ] || die "no throughput bench executable"
    run_bench() { (cd "$BUILD/secrets" && "$BENCH_EXE" --bench) 2>&1 | tee "$OUT/cargo-bench.txt" >&2; }
    with_retry cargo-bench run_bench
    SCANNER=$(grep -o 'smaqit-secrets throughput: .*' "$OUT/cargo-bench.txt" || echo "(no throughput line)")
fi

# --- versions and the table --------------------------------------------------
{
    if [ -n "$REV" ]; then
        echo "smaqit-ls: $("$BIN" --version) at commit $REV (git archive, clean)"
    else
        echo "smaqit-ls: $("$BIN" --version) at $(cd "$REPO" && git rev-parse --short HEAD)$(cd "$REPO" && git diff --quiet HEAD -- server secrets Cargo.toml Cargo.lock || echo ' + uncommitted changes in the working tree')"
    fi
    echo "detect-secrets: $("$DS" --version) (Python $("$VENV/bin/python" -c 'import platform; print(platform.python_version())'))"
    echo "ripsecrets: $("$RS" --version)"
    echo "hyperfine: $(command -v hyperfine >/dev/null && hyperfine --version || echo 'not used')"
    echo "rustc: $(rustc --version)"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
} >"$OUT/versions.txt"

if [ "${BENCH_NO_HYPERFINE:-0}" != 1 ] && command -v hyperfine >/dev/null; then export BENCH_TIMER=hyperfine; fi
python3 - "$OUT" "$TREE_BYTES" "$RUNS" "$SCANNER" <<'EOF' | tee "$OUT/table.md"
import json, os, sys
out, tree_bytes, runs, scanner = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
mb = tree_bytes / 1e6
hf = "hyperfine" if os.environ.get("BENCH_TIMER") == "hyperfine" else "plain timed runs"
print(f"Tree: {mb:.1f} MB (10^6 bytes); wall = median of {runs} runs ({hf}); MB/s = tree MB / wall.")
print("Corpus: shared/corpus/secrets without its 4 metadata files, 180 labels, matched by file + line.\n")
print("| tool | tree MB/s | wall s | corpus precision | recall | F1 | TP/FP/FN |")
print("|---|---:|---:|---:|---:|---:|---|")
for tool in ["smaqit-ls", "ripsecrets", "detect-secrets"]:
    wall = float(open(os.path.join(out, f"time.{tool}")).read())
    s = json.load(open(os.path.join(out, f"score.corpus.{tool}.json")))
    print(f"| {tool} | {mb / wall:.1f} | {wall:.2f} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
          f"| {s['tp']}/{s['fp']}/{s['fn']} |")
busy = {n: open(os.path.join(out, f"busy.{n}")).read().strip()
        for n in ["smaqit-ls", "ripsecrets", "detect-secrets", "cargo-bench"] if os.path.exists(os.path.join(out, f"busy.{n}"))}
print("CPU busy (other processes) just before each timing: " + ", ".join(f"{n} {b}%" for n, b in busy.items()))
spoilt = [n for n in ["smaqit-ls", "ripsecrets", "detect-secrets", "cargo-bench"] if os.path.exists(os.path.join(out, f"contended.{n}"))]
cont = {}
for n in ["smaqit-ls", "ripsecrets", "detect-secrets", "cargo-bench"]:
    f = os.path.join(out, f"contention.{n}")
    if os.path.exists(f):
        a, b = open(f).read().split()
        cont[n] = f"{b}/{a}"
print("Seconds with other work running during the kept timing (cargo/rustc or a runnable foreign process): "
      + ", ".join(f"{n} {v}" for n, v in cont.items()))
print("Timings still spoilt after all retries: " + (", ".join(spoilt) or "none"))
print(f"\nsmaqit-ls single-thread scanner (cargo bench): {scanner}")
s = json.load(open(os.path.join(out, "score.corpus.ripsecrets-allfiles.json")))
print(f"ripsecrets, non-default, every corpus file named on the command line (hidden ones included): "
      f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} TP/FP/FN {s['tp']}/{s['fp']}/{s['fn']}")
print("\nOn the generated tree, against the generator's planted labels (secondary; its negatives are the generator's):\n")
print("| tool | findings (lines) | precision | recall | F1 | TP/FP/FN |")
print("|---|---:|---:|---:|---:|---|")
for tool in ["smaqit-ls", "ripsecrets", "detect-secrets"]:
    s = json.load(open(os.path.join(out, f"score.tree.{tool}.json")))
    print(f"| {tool} | {s['tp'] + s['fp']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
          f"| {s['tp']}/{s['fp']}/{s['fn']} |")
EOF
echo
cat "$OUT/versions.txt"
echo "raw outputs: $OUT"
