#!/usr/bin/env bash
# The whole test suite: unit, vector, process-level and (as root) network-namespace tests, then the kernel
# stage (qemu) and the container stage (rootful podman).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
swift build --build-tests
swift test --skip-build
Tests/kernel/run-qemu.sh
Tests/containers/run.sh
