/*
 * testutil.h - what every cmocka test file includes.
 */
#ifndef SPRECHER_TESTUTIL_H
#define SPRECHER_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <sndfile.h>

/* Directory of the repository's tests/ folder (the test runner runs from the top level). */
#define TESTS_DIR "tests"

/* ---- shared helpers (tests/testlib.c) ---------------------------------- */

/* The scratch directory of the running test, made by test_dir_make. */
extern char test_dir[256];
/* Makes /tmp/sprecher-WHAT-XXXXXX as test_dir; returns 0 or -1 (usable as cmocka setup). */
int test_dir_make(const char *what);
/* Removes test_dir and everything in it; returns 0 or -1. */
int test_dir_remove(void);
/* test_dir + "/" + name, in one of 8 rotating static buffers. */
const char *test_path(const char *name);
/* A whole file as a NUL-terminated malloc'd buffer (NULL when unreadable); *len may be NULL. */
char *test_slurp(const char *path, size_t *len);

/* Seconds on the monotonic clock, for timing checks. */
double test_seconds(void);
/* Time allowed to process a megabyte of text (sanitizer builds run several times slower). */
#if defined(__SANITIZE_ADDRESS__)
#define MB_SECONDS 1.5
#else
#define MB_SECONDS 0.5
#endif

/* An audio file decoded with libsndfile to float frames, with its tags. */
struct test_audio {
	float *frames;          /* caller frees */
	sf_count_t n;           /* frames actually decoded */
	SF_INFO info;
	char title[256], artist[256], date[64];
};
/* Decodes `path` (a cmocka failure when libsndfile cannot open it). */
void test_decode(const char *path, struct test_audio *d);

/* ---- running the binary (end-to-end tests) ------------------------------ */

/*
 * Starts `bin` with `args` (NULL-terminated, without argv[0]) and
 * SOURCE_DATE_EPOCH=`epoch` (NULL: unchanged); stdout goes to `out_path`,
 * stderr to `err_path` (NULL: /dev/null). Returns the child's pid (a cmocka
 * failure when it cannot fork).
 */
int test_spawn(const char *bin, const char *const *args, const char *epoch, const char *out_path,
	       const char *err_path);
/* Waits for `pid`; returns its exit status, 128 when it did not exit normally. */
int test_wait(int pid);

#endif
