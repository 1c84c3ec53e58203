#!/usr/bin/env bash
# Runs every test: installs what the tests need (apt), builds, runs swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/apt-deps.sh build test
swift build --build-tests
swift test
