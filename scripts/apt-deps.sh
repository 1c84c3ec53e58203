#!/usr/bin/env bash
# Installs the Debian packages a group of tasks needs, skipping those present.
#   scripts/apt-deps.sh build        C libraries mkt links against
#   scripts/apt-deps.sh build test   ... and the tools the tests run
#   scripts/apt-deps.sh demo         what scripts/demo.sh needs
set -euo pipefail

declare -A groups=(
    [build]="pkg-config libssl-dev libcurl4-openssl-dev libarchive-dev"
    [demo]="python3 sox flac"
    [test]="curl python3 zsh fish man-db libarchive-tools qbittorrent-nox transmission-daemon deluged deluge-web rtorrent opentracker mktorrent transmission-cli python3-libtorrent sox flac lame ffmpeg opus-tools vorbis-tools eyed3 python3-mutagen faketime chromium"
)

wanted=()
for group in "$@"; do
    [[ -v "groups[$group]" ]] || { echo "apt-deps: unknown group '$group' (build, demo, test)" >&2; exit 64; }
    read -ra names <<<"${groups[$group]}"
    for name in "${names[@]}"; do
        dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' || wanted+=("$name")
    done
done
[ ${#wanted[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "apt-deps: installing ${wanted[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
