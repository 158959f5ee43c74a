#!/bin/sh
# Runs every cmocka test binary, normal build and ASan/UBSan build, then the
# fuzz smoke run. Prints a closing "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
pass=0; fail=0; failed=""
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# renders in the tests keep their synthesis cache in a directory of their own, never the user's
XDG_CACHE_HOME=$(mktemp -d /tmp/sprecher-test-cache-XXXXXX); export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
for t in build/tests/test_* build-asan/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d|*.o) continue ;; esac
	# a binary whose source is gone (a renamed or removed test) is left over from an older build
	[ -f "tests/${t##*/}.c" ] || continue
	case "$t" in build-asan/*) bin=build-asan/sprecher ;; *) bin=./sprecher ;; esac
	echo "== $t"
	if SPRECHER_BIN="$bin" "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $t"; fi
done
echo "== pronunciation set (tests/data/pron/cases.tsv, at least 90%)"
if scripts/pronscore.py --min 90 tests/data/pron/cases.tsv -- ./sprecher; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed pronscore"; fi
if [ -x scripts/fuzz.sh ]; then
	echo "== fuzz smoke run"
	if scripts/fuzz.sh "${FUZZ_SECONDS:-20}" text; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed fuzz"; fi
	# the file readers: a few seconds each (make fuzz runs them longer)
	if scripts/fuzz.sh "${FUZZ_SMOKE_SECONDS:-5}" lexicon voice frontmatter config audio ssml; then
		pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed fuzz-readers"; fi
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
