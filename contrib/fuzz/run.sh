#!/usr/bin/env bash
# Runs one of mkt's fuzz targets under libFuzzer (with AddressSanitizer).
#   contrib/fuzz/run.sh TARGET [MINUTES] [--merge]
#   TARGET: bencode torrent object receipt meta release pieces stored config sanitizer riplog flac ogg mp3 id3 mp4
# Starts from the committed corpus (Tests/MKTFuzzTests/Corpus/TARGET) in a
# scratch copy and prints libFuzzer's final stats (executions per second,
# coverage). --merge then adds the inputs that reached new coverage to the
# committed corpus (libFuzzer's -merge=1 keeps only those), so that swift test
# replays them from then on. A crash leaves crash-* in the scratch directory
# it prints; add a minimised copy (-minimize_crash=1) to the corpus with the fix.
set -euo pipefail
cd "$(dirname "$0")/../.."
targets="bencode torrent object receipt meta release pieces stored config sanitizer riplog flac ogg mp3 id3 mp4"
usage="usage: contrib/fuzz/run.sh TARGET [MINUTES] [--merge]   TARGET: ${targets// / | }"
target="${1:?$usage}"
minutes="${2:-10}"
merge="${3:-}"
[[ " $targets " == *" $target "* ]] || { echo "run.sh: unknown target '$target'; $usage" >&2; exit 64; }
corpus="$PWD/Tests/MKTFuzzTests/Corpus/$target"
[ -d "$corpus" ] || { echo "run.sh: no corpus for target '$target' ($corpus)" >&2; exit 64; }
# The audio readers see at most a file's head and tail; the rest take whole
# files. The sanitizer's target bounds its time per input up to 1 MB.
case "$target" in flac | ogg | mp3 | id3 | mp4) max_len=16384 ;; sanitizer) max_len=1048576 ;; *) max_len=65536 ;; esac

# SwiftPM aliases main to mkt_fuzz_main, which -DFUZZING defines as libFuzzer's
# driver; lld, because gold fails on the sanitizer's debug info.
swift build -c release --product mkt-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
fuzzer="$PWD/.build-fuzz/release/mkt-fuzz"
work="$(mktemp -d "${TMPDIR:-/tmp}/mkt-fuzz-$target.XXXXXX")"
cp "$corpus"/* "$work/"
echo "fuzzing $target for $minutes minutes in $work"
cd "$work"
MKT_FUZZ_TARGET="$target" "$fuzzer" "$work" \
    -max_total_time=$((minutes * 60)) -max_len="$max_len" -print_final_stats=1
if [ "$merge" = "--merge" ]; then
    MKT_FUZZ_TARGET="$target" "$fuzzer" -merge=1 -max_len="$max_len" "$corpus" "$work"
fi
