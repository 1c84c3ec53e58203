#!/usr/bin/env bash
# make-audiobook-fixture.sh — an M4B audiobook whose chapters are a QuickTime
# chapter track only (no Nero `chpl` atom), made with Debian's sox and ffmpeg:
# ffmpeg's mp4 muxer writes ffmetadata chapters as a chapter text track, and
# `-movflags +disable_chpl` leaves out the Nero atom it would add beside it.
# Nothing is downloaded or committed; ffprobe reads the chapters back (mutagen
# reads only `chpl`, so it cannot be the oracle here).
#
# Needs: apt-get install -y --no-install-recommends sox ffmpeg
# Usage: make-audiobook-fixture.sh OUTDIR
# Output: OUTDIR/An Author - The Fixture Book/{book.m4b,cover.jpg}: 8 s of
#   AAC at 64 kbit/s, tagged (title, author, narrator as composer, genre
#   Audiobook, 2021), chapters at 0, 2.5 and 6 s, the second with a non-ASCII title.
set -euo pipefail
export LC_ALL=C.UTF-8
OUT=${1:?usage: make-audiobook-fixture.sh OUTDIR}
for tool in sox ffmpeg; do command -v "$tool" >/dev/null || { echo "make-audiobook-fixture: missing $tool" >&2; exit 2; }; done
BOOK="$OUT/An Author - The Fixture Book"
mkdir -p "$BOOK"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/meta.txt" <<'META'
;FFMETADATA1
title=The Fixture Book
artist=An Author
album_artist=An Author
album=The Fixture Book
genre=Audiobook
date=2021
composer=A Narrator

[CHAPTER]
TIMEBASE=1/1000
START=0
END=2500
title=Opening Credits

[CHAPTER]
TIMEBASE=1/1000
START=2500
END=6000
title=Chapter 1: Café

[CHAPTER]
TIMEBASE=1/1000
START=6000
END=8000
title=End Credits
META
sox -R -n -r 44100 -c 2 "$WORK/a.wav" synth 8 sine 440
ffmpeg -loglevel error -y -i "$WORK/a.wav" -i "$WORK/meta.txt" -map_metadata 1 -map_chapters 1 \
    -c:a aac -b:a 64k -movflags +disable_chpl "$BOOK/book.m4b"
ffmpeg -loglevel error -y -f lavfi -i color=c=navy:s=64x64 -frames:v 1 "$BOOK/cover.jpg"
