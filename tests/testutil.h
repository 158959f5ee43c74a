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

/* Entries of `dir` whose name starts with a dot (temporary files), besides . and .. */
int test_hidden_entries(const char *dir);
/* Writes n bytes of data to `path` (replacing it); returns path. A cmocka failure when it cannot. */
const char *test_write_file(const char *path, const void *data, size_t n);
/* The same for a NUL-terminated text. */
const char *test_write_text(const char *path, const char *text);
/*
 * Writes n bytes to a new file (in test_dir when one is made, else /tmp);
 * returns its malloc'd path, for test_tmpfile_free (unlinks and frees it).
 */
char *test_tmpfile(const void *data, size_t n);
void test_tmpfile_free(char *path);
/*
 * Checks the one-line error of a file loader: `msg` starts with
 * "PATH:LINE: " ("PATH: " when line <= 0) and contains `what` after it.
 * A cmocka failure naming both otherwise.
 */
void test_error_at(const char *msg, const char *path, long line, const char *what);

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
/* Integrated loudness (EBU R128, libebur128; mono counted as dual mono) of `d`. */
double test_lufs(const struct test_audio *d);

/* ---- WAV files: an independent RIFF chunk reader ------------------------ */

struct test_chunk {
	char id[5];
	size_t off, size;   /* body offset and size in bytes */
};
/*
 * Lists the top-level chunks of the RIFF/WAVE file in buf[0..len) into out
 * (at most `max`); returns how many. A cmocka failure on a broken layout (no
 * RIFF/WAVE header, RIFF size not the file's, a chunk past the end).
 */
size_t test_riff_chunks(const char *buf, size_t len, struct test_chunk *out, size_t max);
/* The first chunk `id` (and, when list_type is not NULL, a LIST of that type), or NULL. */
const struct test_chunk *test_find_chunk(const char *buf, const struct test_chunk *v, size_t n,
					 const char *id, const char *list_type);
/* Little-endian integers at p. */
uint32_t test_le32(const char *p);
int16_t test_le16s(const char *p);

/* ---- running the binary (end-to-end tests) ------------------------------ */

/*
 * Starts `bin` with `args` (NULL-terminated, without argv[0]) and
 * SOURCE_DATE_EPOCH=`epoch` (NULL: unchanged); stdout goes to `out_path`,
 * stderr to `err_path` (NULL: /dev/null). Returns the child's pid (a cmocka
 * failure when it cannot fork).
 */
int test_spawn(const char *bin, const char *const *args, const char *epoch, const char *out_path,
	       const char *err_path);
/* How test_spawn_proc runs the binary. */
struct test_proc {
	const char *in;               /* stdin from this file (NULL: inherited) */
	const char *out, *err;        /* stdout, stderr to these files (NULL: /dev/null) */
	const char *epoch;            /* SOURCE_DATE_EPOCH (NULL: unchanged) */
	const char *const *env;       /* then "NAME=value" sets, "NAME" unsets; NULL-terminated or NULL */
	int group;                    /* 1: in a process group of its own */
	long fsize_limit;             /* bytes (RLIMIT_FSIZE); 0: none */
	unsigned alarm_s;             /* > 0: SIGALRM after this long, so a hang fails the test */
};
/* Starts `bin` with `args` as `p` says (XDG_CONFIG_HOME=/nonexistent before p->env); the pid. */
int test_spawn_proc(const char *bin, const char *const *args, const struct test_proc *p);
/* Waits for `pid`; returns its exit status, 128 when it did not exit normally. */
int test_wait(int pid);

/* ---- renders made once by a group setup (end-to-end tests) -------------- */

#define TEST_JOB_ARGS 24
struct test_job {
	const char *name;                  /* stderr goes to test_dir/NAME.err */
	const char *args[TEST_JOB_ARGS];   /* after the binary, NULL-terminated; "@x" = test_dir/x */
	int rc;                            /* exit status once run (-1 before) */
};
/*
 * Group setup: the binary is $SPRECHER_BIN (./sprecher by default); makes
 * test_dir (/tmp/sprecher-WHAT-XXXXXX) and runs the jobs in it, three at a
 * time, with SOURCE_DATE_EPOCH=`epoch`. DELIVER_REUSE=DIR checks the files
 * a KEEP_DELIVER=1 run left in DIR instead. Returns the binary, NULL when
 * test_dir cannot be made.
 */
const char *test_jobs_setup(const char *what, struct test_job *jobs, size_t njobs, const char *epoch);
/* Group teardown: removes test_dir (kept with KEEP_DELIVER or DELIVER_REUSE). 0 or -1. */
int test_jobs_teardown(void);
/* Fails the test when job `name` did not exit 0, showing its stderr. */
void test_job_need(const struct test_job *jobs, size_t njobs, const char *name);

/* ---- the timeline JSON (tests/testlib_timeline.c) ----------------------- */

struct test_clip {
	char *kind, *role, *voice, *written, *spoken, *source; /* NULL for JSON null */
	double start, end;
	long long start_frame, end_frame;
	int segment;
};

struct test_timeline {
	char *title;
	double rate, seconds;
	long long frames;
	struct test_clip *v;
	size_t n;
};

/* Reads a --timeline file; a cmocka failure on a syntax error. Release with test_timeline_release. */
void test_timeline_load(const char *path, struct test_timeline *t);
void test_timeline_release(struct test_timeline *t);
/* Frames to milliseconds the way the sidecars round: half up. */
long long test_ms_of(long long frames, double rate);
/* Frame of the first clip of segment `seg` (any kind), or -1. */
long long test_timeline_seg_start(const struct test_timeline *t, int seg);
/* The segment numbers > 0 in order of first appearance into out (at most max); returns how many. */
size_t test_timeline_segments(const struct test_timeline *t, int *out, size_t max);
/* Role of segment `seg` (from its first clip), "" when none. */
const char *test_timeline_seg_role(const struct test_timeline *t, int seg);
/* `s` with whitespace runs made one space, none at either end (malloc'd). */
char *test_squeeze(const char *s);

#endif
