#!/usr/bin/env bash
# Writes mkt's shell completions and man pages, generated from the command
# definitions by swift-argument-parser (so they never drift from --help).
#   contrib/completion/generate.sh MKT OUTDIR [--man]
# OUTDIR receives bash/mkt, zsh/_mkt, fish/mkt.fish, and with --man
# man1/mkt.1, man1/mkt.push.1, ... (the GenerateManual plugin; it builds
# the tool in release mode, so it takes a minute the first time).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 MKT OUTDIR [--man]" >&2; exit 64; }
mkt="$1" out="$2"
mkdir -p "$out/bash" "$out/zsh" "$out/fish"
"$mkt" --generate-completion-script bash >"$out/bash/mkt"
"$mkt" --generate-completion-script zsh >"$out/zsh/_mkt"
"$mkt" --generate-completion-script fish >"$out/fish/mkt.fish"
if [ "${3:-}" = --man ]; then
    mkdir -p "$out/man1"
    out="$(cd "$out" && pwd)"
    cd "$(dirname "$0")/../.."
    swift package --disable-sandbox plugin generate-manual --multi-page --authors "the mkt authors" \
        --output-directory "$out/man1" >/dev/null
fi
