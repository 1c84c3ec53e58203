#!/usr/bin/env bash
# The whole job on a throw-away store, against two local fake trackers
# (contrib/fake-tracker): a small real FLAC album -> mkt add -> mkt push red ops
# -> mkt status / log / stats. What the install script runs last.
#   scripts/demo.sh [PATH-TO-MKT]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkt="${1:-mkt}"
# The demo runs in a temp dir: make a path to the binary absolute first.
[[ $mkt == */* ]] && mkt="$(cd "$(dirname "$mkt")" && pwd)/$(basename "$mkt")"
for tool in sox flac metaflac python3; do
    command -v "$tool" >/dev/null || { echo "demo: needs $tool (scripts/apt-deps.sh demo installs it)" >&2; exit 1; }
done
work="$(mktemp -d)"
fakes=()
trap 'kill "${fakes[@]}" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
export XDG_STATE_HOME="$work/state"   # the rate limiters' state, away from yours

# Shows each command as a user would type it, then runs it.
run() {
    local shown="mkt" arg
    for arg in "${@:2}"; do
        if [[ $arg == *" "* ]]; then shown+=" '$arg'"; else shown+=" $arg"; fi
    done
    printf '$ %s\n' "$shown"
    "$@" || true
    echo
}

# A real album: three short tracks, tagged as a ripper would.
album="Demo Artist - Demo Album (2024) [FLAC]"
mkdir -p "$album"
titles=("Opening" "Middle" "Closing")
for track in 1 2 3; do
    sox -R -n -r 44100 -b 16 -c 2 "$work/$track.wav" synth 2 sine $((220 * track)) gain -6
    file="$album/0$track - ${titles[track-1]}.flac"
    flac --silent -o "$file" "$work/$track.wav"
    metaflac --set-tag="ARTIST=Demo Artist" --set-tag="ALBUMARTIST=Demo Artist" --set-tag="ALBUM=Demo Album" \
        --set-tag="TITLE=${titles[track-1]}" --set-tag="TRACKNUMBER=$track" --set-tag="TRACKTOTAL=3" \
        --set-tag="DATE=2024" --set-tag="GENRE=Electronic" --set-tag="LABEL=Demo Records" "$file"
done

# Two fake trackers on free loopback ports: a RED and an OPS.
declare -A port
for site in red ops; do
    python3 "$repo/contrib/fake-tracker/fake_tracker.py" --site "$site" --api-key demo-key --quiet >"$work/$site.port" &
    fakes+=("$!")
    until [ -s "$work/$site.port" ]; do sleep 0.05; done
    port[$site]=$(head -n1 "$work/$site.port")
done
red=${port[red]}
ops=${port[ops]}

run "$mkt" init
cat >>.mkt/config <<CONFIG
[tracker "red"]
    url = http://127.0.0.1:$red
    announce = http://127.0.0.1:$red/{passkey}/announce
[tracker "ops"]
    url = http://127.0.0.1:$ops
    announce = http://127.0.0.1:$ops/{passkey}/announce
[credential]
    helper = "!f() { echo secret=demo-key; }; f"
CONFIG
echo "(.mkt/config now points red and ops at the fake trackers; a credential helper answers their API key)"
echo
run "$mkt" add "$album"
run "$mkt" edit demo-artist-demo-album-2024-flac --meta media=WEB --meta release-type=Album
run "$mkt" push red ops
run "$mkt" status
run "$mkt" log --oneline
run "$mkt" stats
run "$mkt" push red ops
run "$mkt" fsck
echo "demo finished: the store was in $work (now removed)"
