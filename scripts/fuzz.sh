#!/bin/sh
# Builds the libFuzzer targets fuzz/fuzz_*.c into build/fuzz/ and runs each
# for SECONDS seconds (default 30) on a copy of its seeds in
# build/fuzz/corpus-TARGET: tests/fuzz-seeds/TARGET/ (the text target: the
# files directly in tests/fuzz-seeds/). Exits non-zero when a build fails or
# a fuzzer finds a crash, leak, hang or sanitizer error (the input is kept in
# build/fuzz/). Prints executions and coverage (libFuzzer's cov/ft) per target.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (TARGET: text lexicon voice frontmatter config)
#        FUZZ_KEEP=1 keeps and grows build/fuzz/corpus-TARGET between runs (long runs).
set -eu
cd "$(dirname "$0")/.."
secs="${1:-30}"
[ $# -gt 0 ] && shift
targets="${*:-$(ls fuzz/fuzz_*.c | sed 's|fuzz/fuzz_||; s|\.c$||' | tr '\n' ' ')}"
out=build/fuzz
CLANG="${CLANG:-clang}"

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found; install clang and libclang-rt-14-dev (scripts/install-deps.sh)" >&2
	exit 1
fi
# the libraries: the Makefile's PKGS, the one list
PKGS=$(MAKEFLAGS= make -s --no-print-directory print-pkgs)
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

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for t in $targets; do
	[ -f "fuzz/fuzz_$t.c" ] || { echo "fuzz: no target fuzz/fuzz_$t.c" >&2; exit 1; }
	bin="$out/fuzz_$t"
	if [ ! -x "$bin" ] || [ -n "$(find "fuzz/fuzz_$t.c" $objs -newer "$bin" 2>/dev/null | head -n 1)" ]; then
		# shellcheck disable=SC2086
		"$CLANG" $FLAGS $PKG_CFLAGS -fsanitize=fuzzer -o "$bin" "fuzz/fuzz_$t.c" $objs \
			$PKG_LIBS -lpthread -lm
	fi
	corpus="$out/corpus-$t"
	[ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$corpus"
	mkdir -p "$corpus"
	if [ "$t" = text ]; then
		find tests/fuzz-seeds -maxdepth 1 -type f -exec cp {} "$corpus/" \;
	elif [ -d "tests/fuzz-seeds/$t" ]; then
		cp "tests/fuzz-seeds/$t"/* "$corpus/"
	fi
	log="$out/log-$t"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
		-print_final_stats=1 -artifact_prefix="$out/$t-" "$corpus" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
		echo "fuzz: $t: no crash in $secs s, ${runs:-?} executions, $cov, corpus $(ls "$corpus" | wc -l)"
	else
		tail -n 40 "$log" >&2
		echo "fuzz: $t: failure, see $log and the $out/$t-crash-* file" >&2
		status=1
	fi
done
exit $status
