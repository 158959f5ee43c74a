/*
 * jingle.h - intro, section stinger and outro: loaded from files or built in.
 */
#ifndef SPRECHER_JINGLE_H
#define SPRECHER_JINGLE_H

#include <stddef.h>
#include "util.h"
#include "resample.h"

enum jingle_kind { JINGLE_INTRO, JINGLE_STINGER, JINGLE_OUTRO };

/* A jingle ready to mix: `frames` interleaved at the output rate and channel count. */
struct jingle {
	float *frames;
	size_t nframes;
	int channels, rate;
	char *source;      /* file path, or "builtin:intro" etc.; owned */
};

/*
 * Synthesizes the built-in jingle of `kind` (a few sine partials with
 * envelopes; deterministic) at `rate` with `channels` channels.
 */
void jingle_builtin(enum jingle_kind kind, int rate, int channels, struct jingle *out);

/*
 * Loads any file libsndfile reads (any rate, any channel count): mono is spread
 * to both channels, more than two are downmixed, the rate is converted with
 * quality `q`, and short fades are put at both ends so no cut clicks.
 * Returns 0, or -1 with "PATH: cannot read: ..." style errors.
 */
int jingle_load(const char *path, int rate, int channels, enum rs_quality q,
		struct jingle *out, struct err *e);
void jingle_release(struct jingle *j);

/* Applies linear fades of `in_frames` and `out_frames` at the start and end. */
void jingle_fade(float *frames, size_t nframes, int channels, size_t in_frames, size_t out_frames);

#endif
