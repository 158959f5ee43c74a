/*
 * batchjob.h - the plan of a batch render: which articles, and for each its
 * output and sidecar paths, before any worker starts (batch.h runs it).
 * Nothing here prints.
 */
#ifndef SPRECHER_BATCHJOB_H
#define SPRECHER_BATCHJOB_H

#include "batch.h"
#include "util.h"

/* The sidecars of an episode, in this order: captions, timeline, labels, chapters. */
#define BATCHJOB_NSIDE 4

/* The episodes of a batch: in.v[i] is rendered to out.v[i]; side[k].n is 0 or in.n. */
struct batchjob {
	struct batch_list in;
	struct batch_list out;
	struct batch_list side[BATCHJOB_NSIDE];
};

void batchjob_init(struct batchjob *b);
void batchjob_release(struct batchjob *b);

/*
 * The inputs: articles[0..n), then the lines of manifest `from` (NULL:
 * none); each output is DIR/NAME.EXT (`dir` NULL: the current directory).
 * Refuses the same input or output twice in the whole batch, then keeps
 * the `shard` "K/N" (NULL: all). Returns 0, or -1 with `e` set.
 */
int batchjob_inputs(struct batchjob *b, char **articles, int n, const char *from, const char *dir,
		    const char *ext, const char *shard, struct err *e);

/*
 * Per-episode sidecar paths: `sfx[k]` (NULL: unused) is a suffix such as
 * ".vtt", and NAME.vtt goes next to NAME.EXT. Returns 0, or -1 with a usage
 * problem in `e` ("MESSAGE: ARGUMENT") for a suffix that is not one or is
 * given twice.
 */
int batchjob_sidecars(struct batchjob *b, const char *const sfx[BATCHJOB_NSIDE], const char *ext,
		      struct err *e);

/* The inputs' sizes in bytes plus one (1 when unknown), for batch_opts.weights; free() it. */
double *batchjob_weights(const struct batchjob *b);

#endif
