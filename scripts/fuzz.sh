#!/bin/sh
# Builds the libFuzzer targets fuzz/fuzz_*.c into build/fuzz/ and runs each
# for SECONDS seconds (default 30) on a copy of its seeds (tests/fuzz-seeds/
# for the text stages, tests/fuzz-seeds-NAME/ for fuzz_NAME.c) in
# build/fuzz/corpus-NAME. Exits non-zero when a build fails or a fuzzer finds
# a crash, leak, hang or sanitizer error (the input is kept in build/fuzz/).
#
# Usage: scripts/fuzz.sh [SECONDS [TARGET]]
set -eu
cd "$(dirname "$0")/.."
secs="${1:-30}"
out=build/fuzz
CLANG="${CLANG:-clang}"

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found; install clang and libclang-rt-14-dev (scripts/install-deps.sh)" >&2
	exit 1
fi
PKGS="espeak-ng sndfile samplerate libebur128 inih"
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
# One run per target fuzz/fuzz_NAME.c, seeds in tests/fuzz-seeds-NAME/ (the text
# target's are in tests/fuzz-seeds/), each for SECONDS seconds; a second
# argument picks one target: scripts/fuzz.sh 600 audio
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for tsrc in fuzz/fuzz_*.c; do
	name=$(basename "$tsrc" .c)
	name=${name#fuzz_}
	[ -n "${2:-}" ] && [ "$2" != "$name" ] && continue
	seeds=tests/fuzz-seeds-$name
	[ "$name" = text ] && seeds=tests/fuzz-seeds
	# shellcheck disable=SC2086
	"$CLANG" $FLAGS $PKG_CFLAGS -fsanitize=fuzzer -o "$out/fuzz_$name" "$tsrc" $objs \
		$PKG_LIBS -lpthread -lm
	rm -rf "$out/corpus-$name"
	mkdir -p "$out/corpus-$name"
	[ -d "$seeds" ] && cp "$seeds"/* "$out/corpus-$name/"
	echo "fuzz: running $out/fuzz_$name for $secs s"
	if "$out/fuzz_$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$out/corpus-$name" \
		>"$out/log-$name" 2>&1; then
		grep -E "^stat::number_of_executed_units|Done [0-9]+ runs|cov: " "$out/log-$name" | tail -n 2
		echo "fuzz: $name: no crash in $secs s"
	else
		tail -n 40 "$out/log-$name" >&2
		echo "fuzz: $name: failure, see $out/log-$name and the $name-crash-* file in $out/" >&2
		exit 1
	fi
done
