#!/usr/bin/env bash
# libFuzzer harnesses for every parser that reads outside input (Fuzz/<name>/main.swift).
# Usage: scripts/fuzz.sh NAME|all SECONDS [libFuzzer flags...]
#        scripts/fuzz.sh list
# Builds the library modules once with -sanitize=fuzzer,address into .build-fuzz, links each harness against
# them, and runs it on a copy of its committed seed corpus (Fuzz/corpus/<name>). Exits non-zero, and keeps the
# crashing input in .build-fuzz/crashes/<name>/, when a harness fails to compile, crashes or breaks an invariant.
set -euo pipefail
cd "$(dirname "$0")/.."

B=.build-fuzz
# Modules in dependency order, each with the modules it imports. SecretConnection is not among them: both of its
# harnesses are compiled together with its sources.
modules=(
  "SigilCrypto:"
  "Merlin:"
  "Sockets:"
  "TOML:"
  "Privval:"
  "KeyFormats:SigilCrypto"
  "SignerConfig:TOML KeyFormats SigilCrypto"
  "SignerState:SigilCrypto"
  "Netlink:Sockets"
  "WireGuard:Netlink SigilCrypto Sockets KeyFormats"
)
# Harness -> the module it is compiled into (reaching that module's internal codecs), or "-" for a harness that
# uses public APIs only.
harnesses=(
  "sc-frame:SecretConnection"
  "sc-handshake:SecretConnection"
  "privval:-"
  "toml:-"
  "tmkms-config:-"
  "wg-config:-"
  "netlink:-"
  "state-file:-"
  "key-files:-"
  "uapi:WireGuard"
)

flags=(-swift-version 6 -parse-as-library -O -g -suppress-warnings -sanitize=fuzzer,address
       -I "$B/modules" -I Sources/CSodium -I Sources/CMnl)

die() { echo "fuzz: $*" >&2; exit 1; }

names() { for h in "${harnesses[@]}"; do echo "${h%%:*}"; done; }

# Recompiles a module when any of its sources, or a module it imports, is newer than its object.
build_module() {
  local name=$1 deps=$2 obj="$B/modules/$1.o"
  local sources
  mapfile -t sources < <(find "Sources/$name" -name '*.swift' | sort)
  local stale=0
  [ -f "$obj" ] || stale=1
  if [ $stale -eq 0 ]; then
    for f in "${sources[@]}" ; do [ "$f" -nt "$obj" ] && stale=1 && break; done
    for d in $deps; do [ "$B/modules/$d.o" -nt "$obj" ] && stale=1; done
  fi
  [ $stale -eq 1 ] || return 0
  echo "==> fuzz: compiling $name"
  swiftc "${flags[@]}" -module-name "$name" -wmo -c -o "$obj" \
    -emit-module -emit-module-path "$B/modules/$name.swiftmodule" "${sources[@]}" \
    || die "module $name failed to compile"
  touch "$obj"  # the compiler leaves an unchanged object alone; its age is what marks it fresh
}

build_harness() {
  local name=$1 into=$2 exe="$B/bin/$1"
  local main="Fuzz/$name/main.swift"
  [ -f "$main" ] || die "no harness $main"
  local objects=() sources=("$main" Fuzz/Support/*.swift) module="Fuzz_${name//-/_}"
  for m in "${modules[@]}"; do
    m=${m%%:*}
    [ "$m" = "$into" ] || objects+=("$B/modules/$m.o")
  done
  if [ "$into" != "-" ]; then
    module=$into
    mapfile -t -O ${#sources[@]} sources < <(find "Sources/$into" -name '*.swift' | sort)
  fi
  local newest
  newest=$(ls -t "${sources[@]}" "${objects[@]}" | head -1)
  [ -f "$exe" ] && [ "$exe" -nt "$newest" ] && return 0
  echo "==> fuzz: linking $name"
  swiftc "${flags[@]}" -module-name "$module" "${sources[@]}" "${objects[@]}" -lsodium -lmnl -o "$exe" \
    2> >(grep -v "Cannot export local symbol '__asan" >&2) \
    || die "harness $name failed to compile"
}

# Seeds derived at run time from the upstream test vectors beside the checkout, when present (never committed).
vector_seeds() {
  local name=$1 work=$2 v=../shared/vectors f
  [ -d "$v" ] || return 0
  case $name in
    state-file) for f in "$v"/state/*/*.json; do cp "$f" "$work/vector-${f##*/}"; done ;;
    key-files) for f in "$v"/keys/cometbft/* "$v"/keys/tmkms/*; do cp "$f" "$work/vector-${f##*/}"; done ;;
    privval)
      python3 - "$work" "$v"/privval/messages-*.json <<'PY'
import json, sys
for path in sys.argv[2:]:
    for i, case in enumerate(json.load(open(path)).get("cases", [])):
        if "expected_hex" in case:
            body = bytes.fromhex(case["expected_hex"])
            open(f"{sys.argv[1]}/vector-{path.rsplit('/', 1)[-1]}-{i}", "wb").write(bytes([len(body)]) + body
                if len(body) < 128 else body)
PY
      ;;
  esac
}

run_harness() {
  local name=$1 seconds=$2; shift 2
  local work="$B/corpus/$name" crashes="$B/crashes/$name" log="$B/logs/$name.log"
  mkdir -p "$work" "$crashes" "$B/logs"
  [ -d "Fuzz/corpus/$name" ] && cp -n "Fuzz/corpus/$name"/* "$work"/ 2>/dev/null || true
  vector_seeds "$name" "$work"
  echo "==> fuzz: $name for ${seconds}s"
  # The Swift runtime's own crash reporter would hold libFuzzer's output open; libFuzzer reports crashes itself.
  local rc=0
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" \
    "$B/bin/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$@" "$work" >"$log" 2>&1 || rc=$?
  grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)|^#[0-9]+ *DONE' "$log" | tail -4 | sed 's/^/   /'
  if [ $rc -ne 0 ]; then
    tail -40 "$log" >&2
    echo "fuzz: $name FAILED (exit $rc); input kept in $crashes/, full log $log" >&2
    return 1
  fi
}

case "${1:-}" in
  list) names; exit 0 ;;
  "") die "usage: scripts/fuzz.sh NAME|all SECONDS [libFuzzer flags...] (harnesses: $(names | tr '\n' ' '))" ;;
esac
target=$1 seconds=${2:-30}
shift $(( $# >= 2 ? 2 : 1 ))
[[ "$seconds" =~ ^[0-9]+$ ]] || die "SECONDS must be a whole number, got \`$seconds'"

selected=()
for h in "${harnesses[@]}"; do
  [ "$target" = all ] || [ "$target" = "${h%%:*}" ] && selected+=("$h")
done
[ ${#selected[@]} -gt 0 ] || die "no harness \`$target' (harnesses: $(names | tr '\n' ' '))"

# Runs "$@" as a background job, two at a time (the CI machine has two cores); fails on the first failure.
pids=()
spawn() {
  "$@" & pids+=($!)
  [ ${#pids[@]} -lt 2 ] || drain 1
}
drain() {
  while [ ${#pids[@]} -gt "${1:-0}" ]; do
    wait "${pids[0]}" || exit 1
    pids=("${pids[@]:1}")
  done
}

mkdir -p "$B/modules" "$B/bin"
# Two runs started at once (e.g. long runs side by side) build one after the other.
exec 9>"$B/build.lock"
flock 9
# A module waits for the modules it imports: those listed before it, so each wave is built together.
built=" "
pending=("${modules[@]}")
while [ ${#pending[@]} -gt 0 ]; do
  wave=() rest=()
  for m in "${pending[@]}"; do
    ready=1
    for d in ${m#*:}; do [[ "$built" == *" $d "* ]] || ready=0; done
    if [ $ready -eq 1 ]; then wave+=("$m"); else rest+=("$m"); fi
  done
  [ ${#wave[@]} -gt 0 ] || die "modules with unknown imports: ${pending[*]}"
  for m in "${wave[@]}"; do spawn build_module "${m%%:*}" "${m#*:}"; done
  drain
  for m in "${wave[@]}"; do built+="${m%%:*} "; done
  pending=("${rest[@]+"${rest[@]}"}")
done
for h in "${selected[@]}"; do spawn build_harness "${h%%:*}" "${h#*:}"; done
drain
flock -u 9
failed=()
for h in "${selected[@]}"; do run_harness "${h%%:*}" "$seconds" "$@" || failed+=("${h%%:*}"); done
[ ${#failed[@]} -eq 0 ] || die "failed: ${failed[*]}"
