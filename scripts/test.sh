#!/usr/bin/env bash
# The whole test suite: unit, vector, process-level and (as root) network-namespace tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
swift build --build-tests
swift test --skip-build
Tests/kernel/run-qemu.sh
