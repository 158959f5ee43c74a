#!/bin/sh
# Installs the Debian packages sprecher needs to build and test, when any is missing.
# Usage: scripts/install-deps.sh [--dev]   (--dev adds espeak-ng, sox and ffmpeg for benchmarks)
set -eu

PKGS="build-essential time python3 pkg-config libespeak-ng-dev espeak-ng-data libsndfile1-dev \
libsamplerate0-dev libsoxr-dev libebur128-dev libcmocka-dev libinih-dev nettle-dev clang libclang-rt-14-dev \
wngerman wamerican wbritish espeak-ng valgrind"
if [ "${1:-}" = "--dev" ]; then
	PKGS="$PKGS espeak-ng sox ffmpeg"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: missing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "install-deps: cannot install as a normal user without sudo; run as root:" >&2
	echo "    apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
