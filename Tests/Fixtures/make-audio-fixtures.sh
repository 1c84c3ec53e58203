#!/usr/bin/env bash
# (The project's fixture generator, from shared/fixtures; kept here so the tests need nothing outside the repository.)
# make-audio-fixtures.sh — synthesise a small, realistic, fully-tagged fixture
# "album" in every format mkt's metadata engine must understand.
#
# Everything is generated locally from Debian tools; nothing is downloaded and
# no third-party audio is shipped, so the output is free of licence questions.
# sox runs with -R (fixed random seed), so two runs with the same package
# versions give byte-identical files; encoders embed their version strings, so
# other versions give different bytes (compare parsed fields, not hashes).
#
# Needs (Debian bookworm):
#   apt-get install -y --no-install-recommends \
#       sox flac lame ffmpeg opus-tools vorbis-tools eyed3 python3-mutagen
#
# Usage:  make-audio-fixtures.sh [OUTDIR]      (default: ./audio-fixtures)
#         SECONDS_PER_TRACK=3 make-audio-fixtures.sh out
#
# Output (one release directory per format, 3 tracks each, same tags; the FLAC
# and MP3 V0 albums also carry the release type as MusicBrainz Picard tags it,
# the others leave it to mkt's guess):
#   Fixture Artist - Fixture Album (2019) [FLAC]           16/44.1, embedded PICTURE + cover.jpg, .log, .cue
#   Fixture Artist - Fixture Album (2019) [FLAC 24-96]     24/96
#   Fixture Artist - Fixture Album (2019) [MP3 320]        lame -b 320 (CBR), ID3v2.3 via lame --tx options
#   Fixture Artist - Fixture Album (2019) [MP3 V0]         lame -V 0, ID3v2.4 + APIC via eyeD3
#   Fixture Artist - Fixture Album (2019) [MP3 V2]         lame -V 2, ID3v2.4 + APIC via mid3v2, plus ID3v1
#   Fixture Artist - Fixture Album (2019) [AAC 256]        ffmpeg native aac in .m4a, covr atom
#   Fixture Artist - Fixture Album (2019) [Opus 128]       opusenc, METADATA_BLOCK_PICTURE
#   Fixture Artist - Fixture Album (2019) [Ogg Vorbis q6]  oggenc -q 6
#   Fixture Artist - Edge Cases (2020) [Mixed]            one file per pitfall (CBR 256/192, V1, ABR, no Info
#                                                          frame, ffmpeg-made V0, ID3v2.3 UTF-16, ID3v1-only,
#                                                          APEv2-only, ID3-before-fLaC, 24/48 .FLAC, ALAC .m4a)
#   Fixture Artist - Hybrid Bit Depths (2019) [FLAC]       16/44.1 + 24/96 in one folder
# plus ORACLE.txt: what mutagen (an independent implementation) reads back.
set -euo pipefail
# Encoders convert non-ASCII arguments from the locale's charset: under LANG=C
# (as in CI) metaflac/oggenc/lame would mangle "Café". C.UTF-8 is built into
# Debian's glibc, so force it.
export LC_ALL=C.UTF-8

OUT=${1:-audio-fixtures}
SECS=${SECONDS_PER_TRACK:-3}
PY=${PYTHON_WITH_MUTAGEN:-/usr/bin/python3}

need() { command -v "$1" >/dev/null 2>&1 || { echo "make-audio-fixtures: missing tool '$1' (see header for apt-get line)" >&2; exit 2; }; }
for t in sox flac metaflac lame ffmpeg opusenc oggenc eyeD3 mid3v2 iconv; do need "$t"; done
"$PY" -c 'import mutagen' 2>/dev/null || { echo "make-audio-fixtures: $PY cannot import mutagen (apt-get install python3-mutagen)" >&2; exit 2; }

ARTIST="Fixture Artist"
ALBUM="Fixture Album"
YEAR=2019
DATE=2019-03-08
LABEL="Fixture Records"
CATNO="FIX-001"
GENRE1="Electronic"
GENRE2="Hip Hop"
# Track 2 title is deliberately in Unicode NFD (e + U+0301) so that NFC
# normalisation is exercised; track 3 has a featured artist.
TITLES=("Opening Tone" $'Cafe\xcc\x81 Interlude' "Closing Tone (feat. Guest Singer)")
ARTISTS=("$ARTIST" "$ARTIST" "$ARTIST feat. Guest Singer")
FREQS=(220 330 440)
TOTAL=${#TITLES[@]}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK="$OUT/.work"
rm -rf "$WORK"; mkdir -p "$WORK"

rel() { echo "$OUT/$ARTIST - $ALBUM ($YEAR) [$1]"; }
fname() { printf '%02d - %s' "$1" "$(echo "${TITLES[$(($1-1))]}" | tr '/:' '__')"; }

# ---------------------------------------------------------------- sources
# A few partials + quiet pink noise: realistic enough that VBR encoders pick
# varied frame sizes (a pure sine makes V0 collapse to tiny bitrates).
for i in 1 2 3; do
  f=${FREQS[$((i-1))]}
  sox -R -n -r 44100 -b 16 -c 2 "$WORK/src16_$i.wav" \
      synth "$SECS" sine "$f" sine "$((f*2))" sine "$((f*3))" pinknoise \
      remix 1,2,3,4 1,2,3,4 gain -n -3 fade 0.05 "$SECS" 0.2
  # A true 24/96 recording: the rate comes before -n, so sox synthesises at
  # 96 kHz (after it, sox synthesises at its default 48 kHz and resamples,
  # leaving nothing above 24 kHz: an upsampled file). Rolled off above 40 kHz,
  # as microphones and converters roll off, so the top of its spectrum is
  # below the 16-bit noise floor and the audio checks find it genuine.
  sox -R -r 96000 -n -b 24 -c 2 -t raw -e signed-integer -L "$WORK/src24_$i.raw" \
      synth "$SECS" sine "$f" sine "$((f*2))" sine "$((f*3))" pinknoise \
      remix 1,2,3,4 1,2,3,4 gain -n -3 fade 0.05 "$SECS" 0.2 sinc -40k
done

# Cover: 600x600 JPEG from ffmpeg's test pattern (no ImageMagick policy issues).
ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=600x600:rate=1" -frames:v 1 -q:v 4 "$WORK/cover.jpg"

# ---------------------------------------------------------------- helpers
write_extras() { # dir, audio-extension
  local d=$1 ext=$2
  cp "$WORK/cover.jpg" "$d/cover.jpg"
  # EAC-style log: real EAC logs are UTF-16LE with a BOM; this one is a
  # placeholder (no valid log checksum, not a real rip) but has the shape.
  {
    printf 'Exact Audio Copy V1.6 from 23. October 2020\r\n\r\n'
    printf 'EAC extraction logfile from 8. March 2019, 12:00\r\n\r\n'
    printf '%s / %s\r\n\r\n' "$ARTIST" "$ALBUM"
    printf 'Used drive  : FIXTURE DRIVE   Adapter: 0  ID: 1\r\n\r\n'
    printf 'Read mode               : Secure\r\n'
    printf 'Utilize accurate stream : Yes\r\n'
    printf 'Defeat audio cache      : Yes\r\n'
    printf 'Make use of C2 pointers : No\r\n\r\n'
    for i in $(seq 1 "$TOTAL"); do
      printf 'Track %2d\r\n\r\n     Filename %s.wav\r\n\r\n     Peak level 50.0 %%\r\n     Copy CRC 00000000\r\n     Copy OK\r\n\r\n' "$i" "$(fname "$i")"
    done
    printf 'No errors occurred\r\n\r\nEnd of status report\r\n\r\n==== Log checksum PLACEHOLDER-NOT-A-REAL-CHECKSUM ====\r\n'
  } | iconv -f UTF-8 -t UTF-16LE | { printf '\xff\xfe'; cat; } > "$d/$ARTIST - $ALBUM.log"
  # CUE sheet (UTF-8, no BOM) pointing at the per-track files.
  {
    printf 'REM GENRE "%s"\nREM DATE %s\nPERFORMER "%s"\nTITLE "%s"\n' "$GENRE1" "$YEAR" "$ARTIST" "$ALBUM"
    for i in $(seq 1 "$TOTAL"); do
      printf 'FILE "%s.%s" WAVE\n  TRACK %02d AUDIO\n    TITLE "%s"\n    PERFORMER "%s"\n    INDEX 01 00:00:00\n' \
        "$(fname "$i")" "$ext" "$i" "${TITLES[$((i-1))]}" "${ARTISTS[$((i-1))]}"
    done
  } > "$d/$ARTIST - $ALBUM.cue"
}

# ---------------------------------------------------------------- FLAC
for variant in "FLAC:16" "FLAC 24-96:24"; do
  name=${variant%%:*}; bits=${variant##*:}
  d=$(rel "$name"); rm -rf "$d"; mkdir -p "$d"
  for i in 1 2 3; do
    out="$d/$(fname $i).flac"
    if [ "$bits" = 24 ]; then
      flac --silent --best --force --force-raw-format --endian=little --sign=signed --channels=2 --bps=24 \
        --sample-rate=96000 -o "$out" "$WORK/src24_$i.raw"
    else
      flac --silent --best --force -o "$out" "$WORK/src16_$i.wav"
    fi
    metaflac --remove-all-tags \
      --set-tag="TITLE=${TITLES[$((i-1))]}" --set-tag="ARTIST=${ARTISTS[$((i-1))]}" \
      --set-tag="ALBUMARTIST=$ARTIST" --set-tag="ALBUM=$ALBUM" \
      --set-tag="DATE=$DATE" --set-tag="TRACKNUMBER=$i" --set-tag="TRACKTOTAL=$TOTAL" \
      --set-tag="DISCNUMBER=1" --set-tag="DISCTOTAL=1" \
      --set-tag="GENRE=$GENRE1" --set-tag="GENRE=$GENRE2" \
      --set-tag="LABEL=$LABEL" --set-tag="CATALOGNUMBER=$CATNO" --set-tag="RELEASETYPE=album" \
      --set-tag="COMMENT=Mastered &amp; tagged <b>offline</b>" \
      --import-picture-from="3|image/jpeg|Front Cover||$WORK/cover.jpg" \
      "$out"
  done
  write_extras "$d" flac
done

# ---------------------------------------------------------------- MP3
mp3dir() { local d; d=$(rel "$1"); rm -rf "$d"; mkdir -p "$d"; echo "$d"; }

# 320 CBR, tags written by lame itself (ID3v2.3 + ID3v1 by default)
d=$(mp3dir "MP3 320")
for i in 1 2 3; do
  lame --quiet -b 320 --add-id3v2 \
    --tt "${TITLES[$((i-1))]}" --ta "${ARTISTS[$((i-1))]}" --tl "$ALBUM" --ty "$YEAR" \
    --tn "$i/$TOTAL" --tg "$GENRE1" --tv "TPE2=$ARTIST" --tv "TPUB=$LABEL" --tv "TPOS=1/1" \
    --ti "$WORK/cover.jpg" \
    "$WORK/src16_$i.wav" "$d/$(fname $i).mp3"
done
write_extras "$d" mp3

# V0, tags via eyeD3 (ID3v2.4, multi-value genre, APIC front cover)
d=$(mp3dir "MP3 V0")
for i in 1 2 3; do
  f="$d/$(fname $i).mp3"
  lame --quiet -V 0 "$WORK/src16_$i.wav" "$f"
  eyeD3 --quiet --to-v2.4 -t "${TITLES[$((i-1))]}" -a "${ARTISTS[$((i-1))]}" -b "$ARTIST" \
    -A "$ALBUM" --recording-date "$DATE" -n "$i" -N "$TOTAL" -d 1 -D 1 \
    -G "$GENRE1" --publisher "$LABEL" --user-text-frame "CATALOGNUMBER:$CATNO" \
    --user-text-frame "MusicBrainz Album Type:album" \
    --add-image "$WORK/cover.jpg:FRONT_COVER" "$f" >/dev/null
done
write_extras "$d" mp3

# V2, tags via mid3v2 (ID3v2.4 default) + an ID3v1 tag written by lame
d=$(mp3dir "MP3 V2")
for i in 1 2 3; do
  f="$d/$(fname $i).mp3"
  lame --quiet -V 2 --id3v1-only --tt "${TITLES[$((i-1))]}" --ta "$ARTIST" --tl "$ALBUM" --ty "$YEAR" --tn "$i" \
    "$WORK/src16_$i.wav" "$f"
  mid3v2 -t "${TITLES[$((i-1))]}" -a "${ARTISTS[$((i-1))]}" -A "$ALBUM" -y "$DATE" -T "$i/$TOTAL" \
    -g "$GENRE1" --TPE2 "$ARTIST" --TPUB "$LABEL" --TPOS "1/1" --TXXX "CATALOGNUMBER:$CATNO" \
    --picture "$WORK/cover.jpg:Front Cover:3:image/jpeg" "$f" >/dev/null
done
write_extras "$d" mp3

# ---------------------------------------------------------------- AAC (.m4a)
d=$(rel "AAC 256"); rm -rf "$d"; mkdir -p "$d"
for i in 1 2 3; do
  ffmpeg -loglevel error -y -i "$WORK/src16_$i.wav" -i "$WORK/cover.jpg" \
    -map 0:a -map 1:v -c:a aac -b:a 256k -c:v copy -disposition:v attached_pic \
    -metadata title="${TITLES[$((i-1))]}" -metadata artist="${ARTISTS[$((i-1))]}" \
    -metadata album_artist="$ARTIST" -metadata album="$ALBUM" -metadata date="$DATE" \
    -metadata track="$i/$TOTAL" -metadata disc="1/1" -metadata genre="$GENRE1" \
    -movflags +faststart "$d/$(fname $i).m4a"
done
write_extras "$d" m4a

# ---------------------------------------------------------------- Opus
d=$(rel "Opus 128"); rm -rf "$d"; mkdir -p "$d"
for i in 1 2 3; do
  opusenc --quiet --serial $i --bitrate 128 --title "${TITLES[$((i-1))]}" --artist "${ARTISTS[$((i-1))]}" \
    --album "$ALBUM" --date "$DATE" --tracknumber "$i" --genre "$GENRE1" --genre "$GENRE2" \
    --comment "ALBUMARTIST=$ARTIST" --comment "TRACKTOTAL=$TOTAL" --comment "LABEL=$LABEL" \
    --picture "3||Front Cover||$WORK/cover.jpg" \
    "$WORK/src16_$i.wav" "$d/$(fname $i).opus"
done
write_extras "$d" opus

# ---------------------------------------------------------------- Ogg Vorbis
d=$(rel "Ogg Vorbis q6"); rm -rf "$d"; mkdir -p "$d"
for i in 1 2 3; do
  oggenc --quiet --serial $i -q 6 -t "${TITLES[$((i-1))]}" -a "${ARTISTS[$((i-1))]}" -l "$ALBUM" -d "$DATE" \
    -N "$i" -G "$GENRE1" -c "ALBUMARTIST=$ARTIST" -c "TRACKTOTAL=$TOTAL" \
    -o "$d/$(fname $i).ogg" "$WORK/src16_$i.wav"
done
write_extras "$d" ogg

# ---------------------------------------------------------------- edge cases
# One file per pitfall the metadata engine must get right .
d="$OUT/$ARTIST - Edge Cases ($((YEAR+1))) [Mixed]"; rm -rf "$d"; mkdir -p "$d"
S16="$WORK/src16_1.wav"
lame --quiet -b 256 --tt "CBR 256" "$S16" "$d/mp3-cbr-256.mp3"
lame --quiet -b 192 --tt "CBR 192" "$S16" "$d/mp3-cbr-192.mp3"
lame --quiet -V 1 --tt "V1" "$S16" "$d/mp3-v1.mp3"
lame --quiet --abr 192 --tt "ABR 192" "$S16" "$d/mp3-abr-192.mp3"
# -t: no Xing/Info frame at all -> CBR must be inferred by scanning frame headers
lame --quiet -b 320 -t "$S16" "$d/mp3-cbr-320-no-info-frame.mp3"
# ffmpeg's libmp3lame: Xing frame carries "Lavc.." and zeroed LAME fields -> V level unknowable
ffmpeg -loglevel error -y -i "$S16" -c:a libmp3lame -q:a 0 -metadata title="ffmpeg V0" "$d/mp3-v0-via-ffmpeg.mp3"
# ID3v2.3 with UTF-16 text (non-Latin title), written by eyeD3
lame --quiet -V 0 "$S16" "$d/mp3-id3v23-utf16.mp3"
eyeD3 --quiet --to-v2.3 -t "日本語のタイトル" -a "アーティスト" -A "$ALBUM" -Y "$YEAR" -n 1 "$d/mp3-id3v23-utf16.mp3" >/dev/null
# ID3v1 only
lame --quiet -V 2 --id3v1-only --tt "ID3v1 only title" --ta "$ARTIST" --tl "$ALBUM" --ty "$YEAR" --tn 1 --tg "Electronic" "$S16" "$d/mp3-id3v1-only.mp3"
# APEv2 only (written with mutagen)
lame --quiet -V 0 "$S16" "$d/mp3-apev2-only.mp3"
"$PY" -c 'import sys; from mutagen.apev2 import APEv2; t=APEv2(); t["Title"]="APEv2 title"; t["Artist"]=sys.argv[2]; t["Album"]=sys.argv[3]; t["Year"]=sys.argv[4]; t["Track"]="1"; t.save(sys.argv[1])' \
  "$d/mp3-apev2-only.mp3" "$ARTIST" "$ALBUM" "$YEAR"
# FLAC with an (illegal but common) ID3v2 tag glued in front of "fLaC"
flac --silent --force -o "$d/flac-with-id3v2-prefix.flac" "$S16"
metaflac --set-tag="TITLE=FLAC with ID3 prefix" --set-tag="ARTIST=$ARTIST" "$d/flac-with-id3v2-prefix.flac"
"$PY" -c 'import sys; from mutagen.id3 import ID3, TIT2; t=ID3(); t.add(TIT2(encoding=3, text="id3 title inside flac")); t.save(sys.argv[1], v2_version=3)' "$d/flac-with-id3v2-prefix.flac"
# 24/48 FLAC, upper-case extension, single GENRE value with separators
sox -R -n -r 48000 -b 24 -c 2 -t raw -e signed-integer -L "$WORK/s24_48.raw" synth "$SECS" sine 330 pinknoise remix 1,2 1,2 gain -n -3
flac --silent --force --force-raw-format --endian=little --sign=signed --channels=2 --bps=24 --sample-rate=48000 \
  -o "$d/FLAC-24-48-UPPERCASE.FLAC" "$WORK/s24_48.raw"
metaflac --set-tag="TITLE=24-48" --set-tag="ARTIST=$ARTIST" --set-tag="GENRE=Rock; Pop / Hip-Hop" "$d/FLAC-24-48-UPPERCASE.FLAC"
# ALAC in .m4a: lossless even though the container is the "AAC" one
ffmpeg -loglevel error -y -i "$S16" -c:a alac -metadata title="ALAC" -metadata artist="$ARTIST" "$d/m4a-alac.m4a"

# A "hybrid" release: one 16/44.1 and one 24/96 track in the same folder
h="$OUT/$ARTIST - Hybrid Bit Depths ($YEAR) [FLAC]"; rm -rf "$h"; mkdir -p "$h"
flac --silent --force -o "$h/01 - Sixteen.flac" "$WORK/src16_1.wav"
flac --silent --force --force-raw-format --endian=little --sign=signed --channels=2 --bps=24 --sample-rate=96000 \
  -o "$h/02 - Twenty-Four.flac" "$WORK/src24_2.raw"
for f in "$h"/*.flac; do metaflac --set-tag="ARTIST=$ARTIST" --set-tag="ALBUM=Hybrid Bit Depths" --set-tag="DATE=$YEAR" "$f"; done

rm -rf "$WORK"

# ---------------------------------------------------------------- oracle
# Independent read-back with mutagen, including the raw LAME/Xing fields that a
# Swift parser must reproduce (vbr_method, vbr_scale -> V level, preset field).
"$PY" - "$OUT" > "$OUT/ORACLE.txt" <<'PYEOF'
import os, sys
import mutagen
from mutagen.mp3 import MP3, BitrateMode
from mutagen.mp3._util import XingHeader

root = sys.argv[1]
print(f"mutagen {mutagen.version_string}")
for rel in sorted(os.listdir(root)):
    d = os.path.join(root, rel)
    if not os.path.isdir(d):
        continue
    print(f"\n== {rel}")
    for fn in sorted(os.listdir(d)):
        p = os.path.join(d, fn)
        size = os.path.getsize(p)
        f = mutagen.File(p)
        if f is None:
            print(f"  {fn}  {size} B  (not audio)")
            continue
        i = f.info
        bits = getattr(i, "bits_per_sample", None)
        line = (f"  {fn}  {size} B  {type(f).__name__}  {getattr(i, 'sample_rate', 48000)} Hz  "
                f"{i.channels} ch  {getattr(i, 'bitrate', 0)} bps  {i.length:.3f} s")
        if bits:
            line += f"  {bits}-bit"
        print(line)
        if isinstance(f, MP3):
            mode = {BitrateMode.CBR: "CBR", BitrateMode.VBR: "VBR", BitrateMode.ABR: "ABR"}.get(i.bitrate_mode, "UNKNOWN")
            print(f"      bitrate_mode={mode} encoder_info={i.encoder_info!r} encoder_settings={i.encoder_settings!r}")
            with open(p, "rb") as fh:
                fh.seek(i.frame_offset + XingHeader.get_offset(i))
                try:
                    x = XingHeader(fh)
                    lh = x.lame_header
                    print(f"      xing_tag={'Info' if x.is_info else 'Xing'} frames={x.frames} bytes={x.bytes} vbr_scale={x.vbr_scale}"
                          f" lame_version={x.lame_version_desc!r}")
                    if lh:
                        print(f"      lame: vbr_method={lh.vbr_method} vbr_quality(V)={lh.vbr_quality} quality(-q)={lh.quality}"
                              f" preset_used={lh.preset_used} abr_or_min_bitrate={lh.bitrate} lowpass={lh.lowpass_filter}")
                except Exception as e:  # no Xing/Info frame
                    print(f"      no Xing/Info header ({e})")
        if isinstance(f, MP3):
            if f.tags is not None:
                v = f.tags.version
                print("      id3v1 only (mutagen upgrades it to v2.4 frames in memory)" if v[0] == 1 else f"      id3v2.{v[1]}")
            with open(p, "rb") as fh:
                fh.seek(-128, 2)
                if fh.read(3) == b"TAG":
                    print("      id3v1 tag present")
            try:
                from mutagen.apev2 import APEv2
                ape = APEv2(p)
                print(f"      apev2 keys: {', '.join(sorted(ape.keys()))}")
            except Exception:
                pass
        tags = f.tags
        if tags is not None:
            keys = sorted(k for k in tags.keys() if not k.startswith(("APIC", "covr", "metadata_block_picture", "METADATA_BLOCK_PICTURE")))
            print(f"      tag keys: {', '.join(keys)}")
        pics = len(getattr(f, "pictures", []) or [])
        if tags is not None:
            pics += len([k for k in tags.keys() if k.startswith("APIC")]) + len(tags.get("covr", []) if hasattr(tags, "get") else [])
            if "metadata_block_picture" in tags: pics += len(tags["metadata_block_picture"])
        if pics:
            print(f"      embedded pictures: {pics}")
PYEOF

echo "fixtures written to $OUT"
du -sh "$OUT"/* | sed "s|$OUT/||"
