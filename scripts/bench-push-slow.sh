#!/usr/bin/env bash
# Times `mkt push` of one album to 1 and then to N fake trackers that each
# take SLOW seconds per request (contrib/fake-tracker's `slow` fault), to show
# that every tracker is worked at once whatever the core count: the N-tracker
# push should take about as long as the 1-tracker push. A benchmark, not a
# test: it asserts nothing.
#   scripts/bench-push-slow.sh [N=5] [SLOW=3]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5}
slow=${2:-3}
swift build -c release --product mkt >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mkt-bench-slow.XXXXXX")"
pids=()
trap '{ kill "${pids[@]}"; wait "${pids[@]}"; } 2>/dev/null || true; rm -rf "$work"' EXIT
export PATH="$bin:$PATH" XDG_STATE_HOME="$work/state"
SECONDS_PER_TRACK=2 Tests/Fixtures/make-audio-fixtures.sh "$work/fixtures" >/dev/null 2>&1
album="$work/fixtures/Fixture Artist - Fixture Album (2019) [FLAC]"

push_to() {   # $1: number of trackers; prints the wall time of the push
    store="$work/store$1"
    mkdir -p "$store" && cd "$store"
    mkt init -q
    printf '[credential]\n    helper = "!f() { echo secret=fake-api-key; }; f"\n' >>.mkt/config
    names=()
    for number in $(seq 1 "$1"); do
        name="t$number"
        python3 "$OLDPWD/contrib/fake-tracker/fake_tracker.py" --site red --quiet --rate 100/10 --source "T$number" >"$work/port.$1.$name" &
        pids+=("$!")
        until [ -s "$work/port.$1.$name" ]; do sleep 0.05; done
        port=$(head -n1 "$work/port.$1.$name")
        curl -sf -X POST --data-binary "{\"slow\": $slow}" "http://127.0.0.1:$port/_fake/faults" >/dev/null
        printf '[tracker "%s"]\n    url = http://127.0.0.1:%s\n    family = red\n    source = T%s\n    announce = http://127.0.0.1:%s/{passkey}/announce\n    rate-limit = 100/10s\n' \
            "$name" "$port" "$number" "$port" >>.mkt/config
        names+=("$name")
    done
    mkt add -y -q "$album" --meta media=WEB >/dev/null
    start=$(date +%s.%N)
    mkt push "${names[@]}" --no-seed >/dev/null
    end=$(date +%s.%N)
    cd - >/dev/null
    awk -v a="$start" -v b="$end" 'BEGIN { print b - a }' 
}

one=$(push_to 1)
many=$(push_to "$count")
printf 'push to 1 tracker (%s s per request): %.1f s\n' "$slow" "$one"
printf 'push to %d trackers (%s s per request): %.1f s (%.2f x)\n' "$count" "$slow" "$many" "$(awk -v a="$one" -v b="$many" 'BEGIN { print b / a }')"
