#!/usr/bin/env bash
# Builds the release binary and runs the out-of-process benchmark; arguments go to `sigil bench`.
# Example: scripts/bench.sh --addr tcp://127.0.0.1:26659 --compare 'tmkms start -c /path/to/tmkms.toml'
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product sigil >&2
exec .build/release/sigil bench "$@"
