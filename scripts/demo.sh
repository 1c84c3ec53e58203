#!/usr/bin/env bash
# A walk through mkt on a throw-away store: what the install script runs last.
#   scripts/demo.sh [PATH-TO-MKT]
set -euo pipefail
mkt="${1:-mkt}"
# The demo runs in a temp dir: make a path to the binary absolute first.
[[ $mkt == */* ]] && mkt="$(cd "$(dirname "$mkt")" && pwd)/$(basename "$mkt")"
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

album="Artist - Album (2019) [FLAC]"
mkdir -p "$album"
printf 'Exact Audio Copy V1.6 extraction logfile\n' >"$album/rip.log"
# Stand-ins for the audio: a few MB of deterministic bytes per track.
for track in 1 2 3; do
    head -c $((3000000 + track * 77777)) /dev/zero | tr '\0' "$track" >"$album/0$track - Track.flac"
done

run "$mkt" init
printf '$ %s\n' "log=\$(mkt hash-object -w 'Artist - Album (2019) [FLAC]/rip.log')"
log=$("$mkt" hash-object -w "Artist - Album (2019) [FLAC]/rip.log")
echo "$log"
echo
run "$mkt" update-ref -m "demo: keep the rip log" refs/releases/demo-log "$log" 0000000000000000000000000000000000000000000000000000000000000000
run "$mkt" for-each-ref
run "$mkt" cat-file -p demo-log
printf '$ %s\n' "pieces=\$(mkt hash-release -w '$album')"
pieces=$("$mkt" hash-release -w "$album")
echo "$pieces"
echo
run "$mkt" ls-release "$pieces"
run "$mkt" update-ref -m "demo: add the album" refs/releases/demo "$pieces"
red=$("$mkt" make-torrent --release demo --tracker red -w)
ops=$("$mkt" make-torrent --release demo --tracker ops -w)
printf '$ %s\n' "red=\$(mkt make-torrent --release demo --tracker red -w)" "ops=\$(mkt make-torrent --release demo --tracker ops -w)"
echo
run "$mkt" cat-file -p "$red"
echo "(the OPS torrent differs only in its source flag, and so in its infohash: $("$mkt" cat-file -p "$ops" | sed -n 's/^Info hash: //p'))"
echo
run "$mkt" verify demo
run "$mkt" fsck
echo "demo finished: the store was in $work (now removed)"
