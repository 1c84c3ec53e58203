#!/usr/bin/env bash
# Sets up a fresh machine: installs the C libraries (apt), builds mkt in
# release mode, installs it under PREFIX (default /usr/local) with its sample
# hooks, shell completions (bash, zsh, fish) and man pages, then runs the
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
# Shell completions and man pages, generated from the command definitions.
generated="$(mktemp -d)"
trap 'rm -rf "$generated"' EXIT
contrib/completion/generate.sh "$prefix/bin/mkt" "$generated" --man
install -D -m 0644 "$generated/bash/mkt" "$prefix/share/bash-completion/completions/mkt"
install -D -m 0644 "$generated/zsh/_mkt" "$prefix/share/zsh/site-functions/_mkt"
install -D -m 0644 "$generated/fish/mkt.fish" "$prefix/share/fish/vendor_completions.d/mkt.fish"
install -d "$prefix/share/man/man1"
install -m 0644 "$generated"/man1/*.1 "$prefix/share/man/man1/"
echo "installed $prefix/bin/mkt ($("$prefix/bin/mkt" --version))"
echo
scripts/demo.sh "$prefix/bin/mkt"
