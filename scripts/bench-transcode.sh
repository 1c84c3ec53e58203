#!/usr/bin/env bash
# Wall time of `mkt transcode --to V0,320` on a generated 16/44.1 album
# against the same flac | lame pipelines run by hand, all cores at once
# (xargs -P). Not run by the tests.
#   scripts/bench-transcode.sh                 12 tracks of 5 minutes (60 minutes)
#   TRACKS=4 SECONDS_PER_TRACK=60 scripts/bench-transcode.sh
#   MKT=/path/to/mkt scripts/bench-transcode.sh (default: .build/release/mkt, else .build/debug/mkt)
set -euo pipefail
export LC_ALL=C.UTF-8
root=$(cd "$(dirname "$0")/.." && pwd)
MKT=${MKT:-$([ -x "$root/.build/release/mkt" ] && echo "$root/.build/release/mkt" || echo "$root/.build/debug/mkt")}
TRACKS=${TRACKS:-12}
SECS=${SECONDS_PER_TRACK:-300}
JOBS=${JOBS:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

album="$work/music/Bench Artist - Bench Album (2020) [FLAC]"
mkdir -p "$album"
for n in $(seq 1 "$TRACKS"); do
    file=$(printf '%s/%02d - Track %d.flac' "$album" "$n" "$n")
    # Pink noise under a tone: something for the encoders to work on, unlike silence.
    sox -R -n -b 16 -r 44100 -c 2 "$file" synth "$SECS" pinknoise synth "$SECS" sine mix $((110 * n)) gain -8
    metaflac --remove-all-tags --set-tag="TITLE=Track $n" --set-tag="ARTIST=Bench Artist" --set-tag="ALBUM=Bench Album" \
        --set-tag="DATE=2020" --set-tag="TRACKNUMBER=$n" --set-tag="TRACKTOTAL=$TRACKS" --set-tag="LABEL=Bench" "$file"
done
cd "$work"
"$MKT" init -q
"$MKT" add -y -q "$album"

now() { date +%s.%N; }
echo "album: $TRACKS x $SECS s of 16/44.1; $JOBS cores; $("$MKT" --version)"

# By hand: the same two encodes per track, as many at once as there are cores.
mkdir -p hand/v0 hand/320
start=$(now)
for n in $(seq 1 "$TRACKS"); do printf '%02d - Track %d\n' "$n" "$n"; done |
    awk '{ print "V0\t" $0; print "320\t" $0 }' |
    xargs -d '\n' -P "$JOBS" -n 1 bash -c '
        set -o pipefail; IFS=$(printf "\t") read -r format name <<< "$1"
        if [ "$format" = V0 ]; then setting="-V 0"; dir=v0; else setting="-b 320"; dir=320; fi
        flac -dcs -- "'"$album"'/$name.flac" | lame --quiet $setting --id3v2-only - "hand/$dir/$name.mp3"' _
hand=$(echo "$(now) - $start" | bc)

start=$(now)
"$MKT" transcode bench-artist-bench-album-2020-flac --to V0,320 >/dev/null
mkt=$(echo "$(now) - $start" | bc)

printf 'by hand (xargs -P %s): %.1f s\nmkt transcode:        %.1f s\nmkt speed / by hand:  %.2f\n' "$JOBS" "$hand" "$mkt" "$(echo "$hand / $mkt" | bc -l)"
