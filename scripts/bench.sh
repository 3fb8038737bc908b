#!/usr/bin/env bash
# Builds the release binary and runs the out-of-process benchmark; arguments go to `sigil bench`.
# Example: scripts/bench.sh --addr tcp://127.0.0.1:26659 --compare 'tmkms start -c /path/to/tmkms.toml'
set -euo pipefail
cd "$(dirname "$0")/.."
# Linked as shipped (Dockerfile, Docs/operator-guide.md): the Swift runtime and Foundation static, which keeps about
# 5 MB of shared-library pages out of the signer's RSS (Docs/performance.md).
swift build -c release --product sigil --static-swift-stdlib >&2
exec .build/release/sigil bench "$@"
