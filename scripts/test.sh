#!/usr/bin/env bash
# The whole test suite: unit, vector, process-level and (as root) network-namespace tests, then the kernel
# stage (qemu) and the container stage (rootful podman).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
swift build --build-tests
swift test --skip-build
scripts/fuzz.sh all 20   # libFuzzer smoke: every parser harness, 20 s each
Tests/kernel/run-qemu.sh
# Power cuts under qemu (Docs/reliability.md): no conflict across the cuts, and a conflict found when the
# state write skips fsync, which shows the campaign can see one.
Tests/kernel/power-cut.sh "${SIGIL_POWERCUT_CUTS:-4}"
Tests/kernel/power-cut.sh --unsafe-skip-fsync 16
Tests/containers/run.sh
