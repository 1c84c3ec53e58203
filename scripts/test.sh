#!/usr/bin/env bash
# Runs every test: installs what the tests need (apt), builds, runs swift test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/apt-deps.sh build test
# The tests' independent oracle for audio tags: mutagen from PyPI.
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'mutagen>=1.46' \
    || echo "test.sh: mutagen from PyPI could not be installed; the tests fall back to Debian's python3-mutagen" >&2
swift build --build-tests
swift test
