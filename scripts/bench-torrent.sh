#!/usr/bin/env bash
# Times torrent creation: mkt against mktorrent -t 2 and transmission-create,
# on data generated under a temp dir, with warm page cache. Prints wall time,
# MB/s, peak RSS and ratios, plus the SHA-1 limit from `openssl speed`.
# A benchmark, not a test: it asserts nothing.
#   scripts/bench-torrent.sh [--big]     --big adds a 4 GiB single file
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
big=false
[ "${1:-}" = "--big" ] && big=true

for tool in mktorrent transmission-create hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-torrent: needs $tool (apt-get install mktorrent transmission-cli hyperfine time)" >&2; exit 1; }
done
swift build -c release --product mkt >/dev/null
mkt="$(swift build -c release --show-bin-path)/mkt"
work="$(mktemp -d "${TMPDIR:-/tmp}/mkt-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Incompressible, deterministic bytes: AES-CTR keystream from a label.
keystream() { openssl enc -aes-128-ctr -nosalt -K "$(printf '%s' "$1" | sha256sum | cut -c1-32)" -iv 0 </dev/zero 2>/dev/null || true; }
make_file() { keystream "$1" | head -c "$2" >"$1"; }

mkdir -p "$work/album"
for track in $(seq -w 1 14); do make_file "$work/album/$track - Track.flac" $((36000000 + 10#$track * 123457)); done
make_file "$work/album/cover.jpg" 1500000
make_file "$work/album/album.log" 12000
datasets=("album:1024")                       # name:piece KiB
if $big; then make_file "$work/big.bin" $((4 << 30)); datasets+=("big.bin:4096"); fi

cpus=$(nproc)
sha1_limit=$(openssl speed -multi "$cpus" -bytes 1048576 -seconds 3 sha1 2>/dev/null | awk '/^sha1/ {print $2}' | tr -d k)
sha1_mbs=$(awk -v k="$sha1_limit" 'BEGIN { printf "%.0f", k / 1000 }')
echo "machine: $cpus cores; SHA-1 limit (openssl speed -multi $cpus, 1 MiB blocks): $sha1_mbs MB/s"
echo

for entry in "${datasets[@]}"; do
    name=${entry%%:*}; kib=${entry##*:}
    data="$work/$name"
    bytes=$(du -sb "$data" | cut -f1)
    exp=$(awk -v k="$kib" 'BEGIN { print log(k * 1024) / log(2) }')
    declare -A commands=(
        [mkt]="$mkt make-torrent --source RED -l ${kib}K --force -o $work/mkt.torrent '$data'"
        [mktorrent-t2]="mktorrent -t 2 -p -s RED -l $exp -a https://t.example/announce -o $work/mktorrent.torrent '$data'"
        [transmission-create]="transmission-create -p -s $kib -t https://t.example/announce -o $work/transmission.torrent '$data'"
    )
    echo "== $name: $((bytes / 1000000)) MB, $kib KiB pieces, $runs runs, warm cache"
    declare -A seconds=()
    for tool in mkt mktorrent-t2 transmission-create; do
        hyperfine --warmup 1 --runs "$runs" --export-json "$work/$tool.json" \
            --prepare "rm -f $work/mktorrent.torrent $work/transmission.torrent" "${commands[$tool]}" >/dev/null 2>&1
        seconds[$tool]=$(python3 -c "import json,sys; print(json.load(open('$work/$tool.json'))['results'][0]['median'])")
        rm -f "$work/mktorrent.torrent" "$work/transmission.torrent"
        rss=$(/usr/bin/time -f %M sh -c "${commands[$tool]}" 2>&1 >/dev/null | tail -1)
        awk -v t="$tool" -v s="${seconds[$tool]}" -v b="$bytes" -v r="$rss" -v lim="$sha1_mbs" \
            'BEGIN { printf "  %-20s %7.3f s  %6.0f MB/s  %5.2f of the SHA-1 limit  peak RSS %5.1f MiB\n", t, s, b / s / 1e6, b / s / 1e6 / lim, r / 1024 }'
    done
    awk -v m="${seconds[mkt]}" -v a="${seconds[mktorrent-t2]}" -v t="${seconds[transmission-create]}" \
        'BEGIN { printf "  mkt is %.2fx as fast as mktorrent -t 2 and %.2fx as fast as transmission-create\n", a / m, t / m }'
    echo
done
