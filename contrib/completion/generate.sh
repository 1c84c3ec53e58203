#!/usr/bin/env bash
# Writes mkt's shell completions and man pages, generated from the command
# definitions (so they never drift from --help).
#   contrib/completion/generate.sh MKT OUTDIR [--man]
# OUTDIR receives bash/mkt, zsh/_mkt, fish/mkt.fish, and with --man
# man1/mkt.1, man1/mkt-push.1, man1/mkt-credential-set.1, ...
# Each completion is swift-argument-parser's script (commands and flags)
# with mkt.bash, mkt.zsh or mkt.fish after it (zsh: instead of its compdef), which completes the values:
# trackers, releases, refs, the catalog's words, folders (`mkt __complete`).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 MKT OUTDIR [--man]" >&2; exit 64; }
mkt="$1" out="$2" here="$(dirname "$0")"
mkdir -p "$out/bash" "$out/zsh" "$out/fish"
{ "$mkt" --generate-completion-script bash; cat "$here/mkt.bash"; } >"$out/bash/mkt"
# zsh: mkt.zsh takes the place of the generated script's closing if-block (compdef).
{ "$mkt" --generate-completion-script zsh | sed '/^if \[\[ "\${funcstack\[1\]}" = _mkt \]\]; then$/,$d'; cat "$here/mkt.zsh"; } >"$out/zsh/_mkt"
{ "$mkt" --generate-completion-script fish; cat "$here/mkt.fish"; } >"$out/fish/mkt.fish"
if [ "${3:-}" = --man ]; then
    "$mkt" __manual "$out/man1"
fi
