#!/usr/bin/env bash
# A walk through mkt on a throw-away store: what the install script runs last.
#   scripts/demo.sh [PATH-TO-MKT]
set -euo pipefail
mkt="${1:-mkt}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# Shows each command as a user would type it, then runs it.
run() {
    local shown="mkt" arg
    for arg in "${@:2}"; do
        if [[ $arg == *" "* ]]; then shown+=" '$arg'"; else shown+=" $arg"; fi
    done
    printf '$ %s\n' "$shown"
    "$@"
    echo
}

mkdir -p "Artist - Album (2019) [FLAC]"
printf 'Exact Audio Copy V1.6 extraction logfile\n' >"Artist - Album (2019) [FLAC]/rip.log"

run "$mkt" init
printf '$ %s\n' "log=\$(mkt hash-object -w 'Artist - Album (2019) [FLAC]/rip.log')"
log=$("$mkt" hash-object -w "Artist - Album (2019) [FLAC]/rip.log")
echo "$log"
echo
run "$mkt" update-ref -m "demo: keep the rip log" refs/releases/demo-log "$log" 0000000000000000000000000000000000000000000000000000000000000000
run "$mkt" for-each-ref
run "$mkt" cat-file -p demo-log
run "$mkt" fsck
echo "demo finished: the store was in $work (now removed)"
