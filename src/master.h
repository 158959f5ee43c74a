/*
 * master.h - pass 2 (mastering): the spooled mix -> one gain, or the
 * true-peak limiter and a meter when the predicted peak needs it -> upmix
 * of a mono bus -> the writer (encoder thread). A chain of stages (stage.h).
 *
 * The limiter takes a little loudness away, so the gain is corrected from
 * the measured result and the file encoded again, up to four times; the
 * last try is kept (a warning when the ceiling leaves the target out of
 * reach). The output is committed only at the end: on error nothing is left.
 */
#ifndef SPRECHER_MASTER_H
#define SPRECHER_MASTER_H

#include <stdint.h>
#include <stdio.h>
#include "util.h"
#include "loudness.h"
#include "render.h"
#include "script.h"
#include "timeline.h"

/* What pass 2 needs from pass 1 (first five fields) and gives back. */
struct master {
	FILE *spool;            /* the mix, float frames of bus_ch channels */
	int bus_ch;
	uint64_t frames;
	double gain_db;         /* in: target - measured; out: the gain used */
	double tp_in_db;        /* predicted true peak of the mix before gain */
	struct loudness in;     /* pass-1 measurement */
	struct loudness out;    /* final measurement (lossy: of the decoded file) */
	size_t limited_frames;
	double ceiling;         /* set by master_run: the limiter's ceiling, below o->master's by
				 * the codec's measured overshoot (lossy outputs) */
};

/* Checks the output name and format options before any work; 0 or -1. */
int master_check(const struct render_opts *o, struct err *e);
/* Encodes the spool into o->output (tags from s->title, cues from tl). 0 or -1. */
int master_run(struct master *p2, const struct script *s, const struct render_opts *o,
	       const struct timeline *tl, struct warns *wa, struct err *e);

#endif
