#!/usr/bin/env bash
# Runs one of mkt's fuzz targets under libFuzzer (with AddressSanitizer).
#   contrib/fuzz/run.sh TARGET [MINUTES]     TARGET: bencode | torrent
# Starts from the committed corpus (Tests/MKTTorrentTests/Corpus/TARGET) in a
# scratch copy; new findings stay in the scratch directory it prints. A crash
# leaves crash-* there; add a minimised copy to the corpus so swift test
# replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:?usage: contrib/fuzz/run.sh (bencode|torrent) [MINUTES]}"
minutes="${2:-10}"
corpus="Tests/MKTTorrentTests/Corpus/$target"
[ -d "$corpus" ] || { echo "run.sh: no corpus for target '$target' ($corpus)" >&2; exit 64; }

# SwiftPM aliases main to mkt_fuzz_main, which -DFUZZING defines as libFuzzer's
# driver; lld, because gold fails on the sanitizer's debug info.
swift build -c release --product mkt-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
work="$(mktemp -d "${TMPDIR:-/tmp}/mkt-fuzz-$target.XXXXXX")"
cp "$corpus"/* "$work/"
echo "fuzzing $target for $minutes minutes in $work"
cd "$work"
MKT_FUZZ_TARGET="$target" "$OLDPWD/.build-fuzz/release/mkt-fuzz" "$work" \
    -max_total_time=$((minutes * 60)) -max_len=65536 -print_final_stats=1
