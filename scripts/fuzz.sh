#!/bin/sh
# Builds the libFuzzer target fuzz/fuzz_text.c into build/fuzz/ and runs it
# for SECONDS seconds (default 30) on a copy of tests/fuzz-seeds/ in
# build/fuzz/corpus. Exits non-zero when the build fails or the fuzzer finds
# a crash, leak, hang or sanitizer error (the input is kept in build/fuzz/).
#
# Usage: scripts/fuzz.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
secs="${1:-30}"
out=build/fuzz
CLANG="${CLANG:-clang}"

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found; install clang and libclang-rt-14-dev (scripts/install-deps.sh)" >&2
	exit 1
fi
PKGS="espeak-ng sndfile samplerate soxr libebur128 inih"
PKG_CFLAGS=$(pkg-config --cflags $PKGS)
PKG_LIBS=$(pkg-config --libs $PKGS)
FLAGS="-std=c11 -g -O1 -D_DEFAULT_SOURCE -D_GNU_SOURCE -DSPRECHER_VERSION=\"fuzz\" \
-DSPRECHER_DATADIR=\"$(pwd)\" -fno-omit-frame-pointer -fsanitize=address,undefined \
-fno-sanitize-recover=undefined -Isrc"

mkdir -p "$out/obj"
objs=""
for src in src/*.c; do
	[ "$src" = src/main.c ] && continue
	obj="$out/obj/$(basename "$src" .c).o"
	# rebuild when the source or any header is newer than the object
	if [ ! -f "$obj" ] || [ -n "$(find "$src" src/*.h -newer "$obj" 2>/dev/null | head -n 1)" ]; then
		# shellcheck disable=SC2086
		"$CLANG" $FLAGS $PKG_CFLAGS -fsanitize=fuzzer-no-link -c -o "$obj" "$src"
	fi
	objs="$objs $obj"
done
# shellcheck disable=SC2086
"$CLANG" $FLAGS $PKG_CFLAGS -fsanitize=fuzzer -o "$out/fuzz_text" fuzz/fuzz_text.c $objs \
	$PKG_LIBS -lpthread -lm

rm -rf "$out/corpus"
mkdir -p "$out/corpus"
cp tests/fuzz-seeds/* "$out/corpus/"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
echo "fuzz: running $out/fuzz_text for $secs s"
if "$out/fuzz_text" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" >"$out/log" 2>&1; then
	grep -E "^stat::number_of_executed_units|Done [0-9]+ runs" "$out/log" | tail -n 2
	echo "fuzz: no crash in $secs s"
else
	tail -n 40 "$out/log" >&2
	echo "fuzz: failure, see $out/log and the crash-* file in $out/" >&2
	exit 1
fi
