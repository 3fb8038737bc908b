#!/usr/bin/env bash
# Writes scripts/release-link-order.txt: every function of the release `sigil` that a signing run executes
# (start-up, config, handshake, signing, state writes), as recorded by scripts/profile.sh under callgrind.
# scripts/build-release.sh hands the list to the linker, which places those functions together. Run it again
# after larger changes to the signing path; the result is committed (Docs/performance.md, "Memory").
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/sigil-link-order.XXXXXX)
trap 'rm -rf "$work"' EXIT
scripts/build-release.sh >&2
sigil=$(swift build -c release --show-bin-path)/sigil
# Symbol names as the linker knows them: callgrind must not demangle.
SIGIL=$sigil PROFILE_DIR=$work VALGRIND_OPTS=--demangle=no scripts/profile.sh 20 60 >/dev/null
nm "$sigil" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u >"$work/defined"
sed -n 's/^c\{0,1\}fn=([0-9]*) \(.*\)$/\1/p' "$work"/small/callgrind.out "$work"/large/callgrind.out |
    sed "s/'[0-9]*\$//" | sort -u | comm -12 - "$work/defined" >scripts/release-link-order.txt
echo "scripts/release-link-order.txt: $(wc -l <scripts/release-link-order.txt) functions" >&2
