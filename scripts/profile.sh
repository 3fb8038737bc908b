#!/usr/bin/env bash
# Instructions per signature of `sigil start` (release build) under valgrind's callgrind, over TCP + Secret
# Connection against `sigil testnode` (which runs outside valgrind). Two runs with different numbers of heights;
# the difference divided by the extra signatures is the per-signature figure, free of start-up and handshake.
# Usage: scripts/profile.sh [SMALL_HEIGHTS LARGE_HEIGHTS]   (default 50 200; three signatures per height)
# SIGIL=/path/to/sigil skips the build; PROFILE_DIR=DIR keeps the callgrind files there; TOP=N functions listed;
# METRICS=1 adds a [metrics] listener, so recording metrics is on the path too (the production bundle has none);
# LOG_FORMAT=json logs JSON lines instead of TMKMS's text lines.
set -euo pipefail
cd "$(dirname "$0")/.."
small=${1:-50}
large=${2:-200}
top=${TOP:-25}
if [ "$small" -ge "$large" ]; then
    echo "error: SMALL_HEIGHTS ($small) must be below LARGE_HEIGHTS ($large)" >&2
    exit 2
fi
for tool in valgrind callgrind_annotate; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found (apt-get install valgrind)" >&2; exit 1; }
done
if [ -z "${SIGIL:-}" ]; then
    # The same build as scripts/bench.sh and the Dockerfile.
    scripts/build-release.sh >&2
    SIGIL=$PWD/.build/release/sigil
fi
work=${PROFILE_DIR:-$(mktemp -d /tmp/sigil-profile.XXXXXX)}
mkdir -p "$work"
# Valgrind 3.19 gives up on the DWARF 5 debug info Swift emits; the symbol table is enough for function names.
objcopy --strip-debug "$SIGIL" "$work/sigil"
SIGIL=$work/sigil
chain=sigil-profile-1
demangle() {
    if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else swift demangle --simplified; fi
}

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# One run: a fresh home (identical start-up every time), testnode listening on a free port, the signer under
# callgrind. Writes "<instructions> <signatures>" to its figures file.
run() {
    local heights=$1 name=$2
    local home=$work/$name
    rm -rf "$home"
    mkdir -p "$home/state" "$home/secrets"
    chmod 700 "$home/secrets"
    "$SIGIL" softsign keygen "$home/secrets/consensus.key" >/dev/null
    "$SIGIL" softsign keygen "$home/secrets/identity.key" >/dev/null
    # A random free port: testnode exits at once when the port is taken, and another one is tried.
    local node addr=""
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        addr=tcp://127.0.0.1:$((20000 + RANDOM % 40000))
        "$SIGIL" testnode --listen "$addr" --chain-id "$chain" --heights "$heights" --block-time 0.001 \
            >"$home/testnode.log" 2>&1 &
        node=$!
        until grep -qs '^testnode: listening on' "$home/testnode.log" || ! kill -0 "$node" 2>/dev/null; do
            sleep 0.05
        done
        grep -qs "^testnode: listening on" "$home/testnode.log" && break
        wait "$node" || true
        addr=""
    done
    pids+=("$node")
    [ -n "$addr" ] || { echo "error: testnode did not start listening" >&2; exit 1; }
    cat >"$home/tmkms.toml" <<EOF
[[chain]]
id = "$chain"
key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
state_file = "$home/state/${chain}_priv_validator_state.json"

[[providers.softsign]]
chain_ids = ["$chain"]
key_type = "consensus"
path = "$home/secrets/consensus.key"

[[validator]]
chain_id = "$chain"
addr = "$addr"
secret_key = "$home/secrets/identity.key"
protocol_version = "v0.37"
reconnect = true
EOF
    if [ -n "${LOG_FORMAT:-}" ]; then
        printf '\n[logging]\nformat = "%s"\n' "$LOG_FORMAT" >>"$home/tmkms.toml"
    fi
    if [ "${METRICS:-0}" = 1 ]; then
        printf '\n[metrics]\naddr = "127.0.0.1:%s"\n' $((20000 + RANDOM % 40000)) >>"$home/tmkms.toml"
    fi
    valgrind --tool=callgrind --callgrind-out-file="$home/callgrind.out" \
        "$SIGIL" start -c "$home/tmkms.toml" >"$home/signer.log" 2>&1 &
    local signer=$!
    pids+=("$signer")
    # A signer that cannot start (bad config, busy metrics port) would leave testnode waiting forever.
    while kill -0 "$node" 2>/dev/null; do
        if ! kill -0 "$signer" 2>/dev/null; then
            kill "$node" 2>/dev/null || true
            echo "error: the signer exited early:" >&2
            tail -5 "$home/signer.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    local status=0
    wait "$node" || status=$?
    # The signer would now redial forever: SIGTERM stops it cleanly, and callgrind writes its file.
    kill -TERM "$signer" 2>/dev/null || true
    wait "$signer" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        echo "error: testnode failed ($status):" >&2
        tail -5 "$home/testnode.log" "$home/signer.log" >&2
        exit 1
    fi
    local signatures instructions
    signatures=$(sed -n 's/.* \([0-9][0-9]*\) signatures verified.*/\1/p' "$home/testnode.log" | tail -1)
    instructions=$(sed -n 's/^summary: \([0-9][0-9]*\).*/\1/p' "$home/callgrind.out" | tail -1)
    if [ -z "$instructions" ]; then
        instructions=$(sed -n 's/^totals: \([0-9][0-9]*\).*/\1/p' "$home/callgrind.out" | tail -1)
    fi
    [ -n "$signatures" ] && [ -n "$instructions" ] || { echo "error: no figures in $home" >&2; exit 1; }
    echo "$instructions $signatures" >"$home/figures"
}

# Inclusive instructions per function (symbol, tab, count), for the difference of two runs.
inclusive() {
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null \
        | sed -n 's/^ *\([0-9,][0-9,]*\) ([ 0-9.]*%)  *\(.*\)$/\1\t\2/p' \
        | sed 's/ \[[^]]*\]$//' | tr -d ',' | awk -F'\t' '{ print $2 "\t" $1 }'
}

run "$small" small
run "$large" large
read -r i1 s1 <"$work/small/figures"
read -r i2 s2 <"$work/large/figures"
extra=$((s2 - s1))
echo "sigil start under callgrind, TCP + Secret Connection, state written durably before every reply"
echo "run 1: $s1 signatures, $i1 instructions"
echo "run 2: $s2 signatures, $i2 instructions"
echo "instructions per signature: $(( (i2 - i1) / extra ))  (difference / $extra extra signatures)"
echo
join -t $'\t' -j 1 -a 2 -e 0 -o 0,1.2,2.2 \
    <(inclusive "$work/small/callgrind.out" | sort -t $'\t' -k1,1) \
    <(inclusive "$work/large/callgrind.out" | sort -t $'\t' -k1,1) \
    | awk -F'\t' -v n="$extra" '{ d = ($3 - $2) / n; if (d > 0) printf "%10.0f  %s\n", d, $1 }' \
    | sort -rn | demangle >"$work/per-signature.txt"
# The thread that answers the node; the rest is the state-file writer and the process's other threads.
echo "of which the signing thread (ValidatorClient.run): $(grep -m1 ' ???:ValidatorClient.run()$' \
    "$work/per-signature.txt" | awk '{ print $1 }')"
echo
echo "top $top functions by inclusive instructions per signature (difference of the two runs):"
head -n "$top" "$work/per-signature.txt"
echo
echo "callgrind files: $work/small/callgrind.out $work/large/callgrind.out; every function: $work/per-signature.txt"
