/*
 * batch.h - many episodes at once: the list of inputs (arguments, a
 * manifest, a shard of it), the check that no two write the same file, and
 * a pool of worker processes.
 *
 * eSpeak NG is one engine per process and keeps state between texts, so
 * every episode is rendered in a fresh forked process: its bytes depend only
 * on its own input and options, whatever ran before it and however many run
 * at once. A worker's stdout and stderr are collected and handed back in
 * the order of the inputs, so messages and exit status do not depend on the
 * number of jobs.
 */
#ifndef SPRECHER_BATCH_H
#define SPRECHER_BATCH_H

#include <stddef.h>
#include "util.h"

/* A list of input paths; owns its strings. `v` may be NULL while n == 0. */
struct batch_list {
	char **v;
	size_t n, cap;
};

void batch_list_init(struct batch_list *l);
void batch_list_release(struct batch_list *l);
void batch_list_add(struct batch_list *l, const char *path);

/*
 * Appends the paths of manifest `path` ("-" = stdin): one per line, leading
 * and trailing blanks removed, empty lines and lines starting with '#'
 * skipped. Returns 0 or -1 with "PATH:LINE: ..." (a NUL byte) or "PATH: cannot read".
 */
int batch_read_manifest(struct batch_list *l, const char *path, struct err *e);

/* Parses "K/N" (1 <= K <= N <= 100000). Returns 0 or -1. */
int batch_shard_parse(const char *s, int *k, int *n);

/*
 * Whether the episode called `name` (its output's base name) belongs to
 * shard K of N: a stable hash of the name, so the assignment does not
 * depend on the manifest's order or on the other names.
 */
int batch_in_shard(const char *name, int k, int n);

/*
 * Refuses two inputs that would write the same output: outputs[i] belongs to
 * inputs[i]. Returns 0 or -1 with "A and B both make OUT: ...".
 */
int batch_check_unique(char *const *inputs, char *const *outputs, size_t n, struct err *e);

/* One finished item as the parent sees it. */
struct batch_done {
	int status;             /* the worker's exit status, or 128 + signal */
	double seconds;         /* audio seconds the worker reported (0 when none) */
	const char *out, *err;  /* its stdout and stderr, NUL-terminated */
	size_t out_len, err_len;
};

/* Runs in the worker for item i; returns its exit status and sets *seconds. */
typedef int (*batch_work_fn)(void *ctx, size_t i, double *seconds);
/* Runs in the parent for each item in input order, once items 0..i are done. */
typedef void (*batch_done_fn)(void *ctx, size_t i, const struct batch_done *d);

struct batch_opts {
	int jobs;               /* workers at once, >= 1 */
	int progress;           /* 1: a progress line on stderr */
	const double *weights;  /* work per item for the ETA (e.g. input bytes), or NULL */
};

/*
 * Runs work(ctx, i) for i in 0..n-1, each in its own forked process, at most
 * o->jobs at once, and done(ctx, i, ...) in the parent in order. SIGINT and
 * SIGTERM stop the batch: every running worker gets SIGTERM (its own handler
 * removes its temporary files), no new one starts, and batch_run returns the
 * signal number after all workers are gone. Returns 0 when it ran to the end,
 * a signal number when stopped, -1 with an error when no worker could start.
 */
int batch_run(size_t n, const struct batch_opts *o, batch_work_fn work, batch_done_fn done,
	      void *ctx, struct err *e);

/* The number of online processors (at least 1): the default --jobs. */
int batch_default_jobs(void);

#endif
