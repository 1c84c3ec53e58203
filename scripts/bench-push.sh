#!/usr/bin/env bash
# Times `mkt push-tracker` of one 500 MB album's torrent to five fake trackers
# at once (RED, OPS, DIC, two UNIT3D sites; contrib/fake-tracker), first with
# the rate limits lifted, then with each site's real limit, and again for five
# albums in a row so that the limits bite. Prints wall times and requests per
# tracker. A benchmark, not a test: it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product mkt >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mkt-bench-push.XXXXXX")"
pids=()
trap 'stop_fakes; rm -rf "$work"' EXIT
export PATH="$bin:$PATH" XDG_STATE_HOME="$work/state"

keystream() { openssl enc -aes-128-ctr -nosalt -K "$(printf '%s' "$1" | sha256sum | cut -c1-32)" -iv 0 </dev/zero 2>/dev/null || true; }
now() { date +%s.%N; }

sites=(red:red ops:ops dic:dic seedpool:unit3d lst:unit3d)
start_fakes() {   # $1: extra fake_tracker.py arguments
    config="$work/store/.mkt/config"
    cp "$work/config.base" "$config"
    for entry in "${sites[@]}"; do
        name=${entry%%:*}; family=${entry##*:}
        credential=(--api-key bench-key); [ "$family" = dic ] && credential=(--cookie bench-key)
        rm -f "$work/port.$name"
        python3 contrib/fake-tracker/fake_tracker.py --site "$family" --quiet "${credential[@]}" $1 --source "$name" >"$work/port.$name" &
        pids+=("$!")
        until [ -s "$work/port.$name" ]; do sleep 0.05; done
        port=$(head -n1 "$work/port.$name")
        ports[$name]=$port
        {
            echo "[tracker \"$name\"]"
            echo "    url = http://127.0.0.1:$port"
            echo "    family = $family"
            echo "    source = $name"
            [ "$family" = unit3d ] && echo "    announce = http://127.0.0.1:$port/announce/{passkey}" || echo "    announce = http://127.0.0.1:$port/{passkey}/announce"
            if [ "$family" = unit3d ]; then printf '    category-id = 1\n    type-id = 1\n'; fi
            if [ -n "$2" ]; then echo "    rate-limit = $2"; fi
        } >>"$config"
    done
}
stop_fakes() { { kill "${pids[@]}"; wait "${pids[@]}"; } 2>/dev/null || true; pids=(); }

mkdir -p "$work/store" && cd "$work/store" && mkt init -q
# Helpers get `get` as an argument: a shell function ignores it.
printf '[credential]\n    helper = "!f() { echo secret=bench-key; }; f"\n' >>.mkt/config
cp .mkt/config "$work/config.base"
cd - >/dev/null

declare -A ports metas torrents
make_album() {   # $1: number
    dir="$work/album$1/Bench Artist - Album $1 (2024) [FLAC]"
    mkdir -p "$dir"
    for track in $(seq -w 1 12); do keystream "album$1-$track" | head -c 41000000 >"$dir/$track - Track $track.flac"; done
    (cd "$work/store"
     pieces=$(mkt hash-release -w "$dir")
     release=$(mkt cat-file -p "$pieces" | sed -n '1s/^release //p')
     cat >"$work/meta$1.json" <<JSON
{"description":{"artistRoles":{"main":["Bench Artist"]},"artists":["Bench Artist"],"category":"Music","chapters":{},"conflicts":[],"encoding":"Lossless","format":"FLAC","genres":["Electronic"],"media":"WEB","problems":[],"releaseType":"Album","releaseTypeIds":{},"tags":["electronic"],"title":"Album $1","tracks":[],"year":2024},"parent":null,"pieces":"$pieces","release":"$release"}
JSON
     echo "$pieces $(mkt hash-object -t meta -w "$work/meta$1.json")")
}

push_all() {   # $1: albums
    cd "$work/store"
    export XDG_STATE_HOME="$work/state-$RANDOM"   # a fresh rate-limit history per run
    local begin end
    begin=$(now)
    for entry in "${sites[@]}"; do
        name=${entry%%:*}
        ( for album in $(seq 1 "$1"); do
              read -r pieces meta <<<"${albums[$album]}"
              torrent=$(mkt make-torrent --release "$pieces" --tracker "$name" -w)
              mkt push-tracker "$name" "$torrent" --meta "$meta" >/dev/null || echo "push to $name failed" >&2
          done ) &
    done
    wait
    end=$(now)
    cd - >/dev/null
    awk -v b="$begin" -v e="$end" 'BEGIN { printf "%.2f", e - b }'
}

requests() {
    for entry in "${sites[@]}"; do
        name=${entry%%:*}
        printf ' %s=%s' "$name" "$(curl -s "http://127.0.0.1:${ports[$name]}/_fake/state" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(len(s["requests"]))')"
    done
}

declare -A albums
t0=$(now)
for album in 1 2 3 4 5; do albums[$album]=$(make_album "$album"); done
echo "made and hashed 5 albums of $(du -sh "$work/album1" | cut -f1) each in $(awk -v b="$t0" -v e="$(now)" 'BEGIN { printf "%.1f", e - b }') s"

start_fakes "--rate 1000/1" "1000/1s"
echo "1 album, 5 trackers in parallel, no rate limits: $(push_all 1) s; requests:$(requests)"
stop_fakes
start_fakes "" ""
echo "1 album, 5 trackers in parallel, real rate limits: $(push_all 1) s; requests:$(requests)"
stop_fakes
start_fakes "" ""
echo "5 albums, 5 trackers in parallel, real rate limits: $(push_all 5) s; requests:$(requests)"
