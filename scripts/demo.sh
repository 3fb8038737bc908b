#!/usr/bin/env bash
# Local demo: an embedded validator-side peer on loopback and `sigil start` signing real blocks
# over Secret Connection, with the same log lines as production.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
swift build --product sigil
exec .build/debug/sigil demo "$@"
