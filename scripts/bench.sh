#!/usr/bin/env bash
# Builds the release binary and runs the out-of-process benchmark twice: with the local state file, then with the
# state in a 3-member TLS etcd cluster on loopback (scripts/etcd-cluster.sh, stopped afterwards). Arguments go to
# both runs of `sigil bench`. SIGIL_BENCH_ETCD=0 skips the etcd run.
# Example: scripts/bench.sh --addr tcp://127.0.0.1:26659 --compare 'tmkms start -c /path/to/tmkms.toml'
set -euo pipefail
cd "$(dirname "$0")/.."
# Built as shipped (Dockerfile, Docs/operator-guide.md); the flags are for the signer's RSS (Docs/performance.md).
scripts/build-release.sh >&2
sigil=.build/release/sigil
echo "== state: local file"
"$sigil" bench "$@"
[ "${SIGIL_BENCH_ETCD:-1}" = 0 ] && exit 0

dir=$(mktemp -d /tmp/sigil-bench-etcd.XXXXXX)
trap 'scripts/etcd-cluster.sh stop "$dir"; rm -rf "$dir"' EXIT
scripts/etcd-cluster.sh start "$dir" --members 3 >/dev/null
endpoints=$(sed 's/,/", "/g' "$dir/endpoints")
echo ""
echo "== state: etcd, 3 members on loopback ($(cat "$dir/endpoints"))"
"$sigil" bench "$@" --state-backend "{ type = \"etcd\", endpoints = [\"$endpoints\"], ca_file = \"$dir/ca.pem\", \
cert_file = \"$dir/sigil.pem\", key_file = \"$dir/sigil-key.pem\" }"
