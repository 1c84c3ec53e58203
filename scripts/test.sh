#!/usr/bin/env bash
# Runs the tests.
#   scripts/test.sh           every test, as CI runs it: installs what the tests need (apt), builds, swift test
#   scripts/test.sh --quick   every test, with the stress loops and sweeps shortened (MKT_TEST_QUICK=1)
#   scripts/test.sh --fast    the fast tier, in seconds: unit and in-process tests only (no journey test
#                             runs the built mkt, no real daemon starts), fsync off (MKT_TEST_NO_FSYNC=1);
#                             installs nothing
# Further arguments go to swift test (e.g. --filter UploaderTests).
set -euo pipefail
cd "$(dirname "$0")/.."
tier=full
case "${1:-}" in
    --fast) tier=fast; shift ;;
    --quick) tier=quick; shift ;;
esac
if [ "$tier" != fast ]; then
    scripts/apt-deps.sh build test
    # The tests' independent oracle for audio tags: mutagen from PyPI.
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'mutagen>=1.46' \
        || echo "test.sh: mutagen from PyPI could not be installed; the tests fall back to Debian's python3-mutagen" >&2
fi
swift build --build-tests
case "$tier" in
    # The journey tests run the built binary; ClientTests and DaemonClientTests start real BitTorrent clients.
    fast) MKT_TEST_NO_FSYNC=1 exec swift test --skip-build --skip 'MKTJourneyTests\.' --skip 'MKTClientsTests\.ClientTests' --skip 'MKTClientsTests\.DaemonClientTests' "$@" ;;
    quick) MKT_TEST_QUICK=1 exec swift test --skip-build "$@" ;;
    full) exec swift test --skip-build "$@" ;;
esac
