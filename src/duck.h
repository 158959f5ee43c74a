/*
 * duck.h - the ducking envelope of a music bed, computed from the
 * renderer's own speech timings (plan data, no sidechain).
 *
 * Given the frames where speech plays (the speech clips of the timeline),
 * the bed is lowered by `depth_db`: a ramp of `down` frames ends exactly at
 * the first frame of speech (no word onset masked), the bed stays down
 * through gaps shorter than `hold` frames (and through gaps too short for a
 * ramp up and down again), and comes back up over `up` frames starting where
 * speech ends in a longer gap. The ramps are half cosines in dB evaluated per
 * frame, so there is no zipper noise and no corner at either end.
 * All positions are programme frames.
 */
#ifndef SPRECHER_DUCK_H
#define SPRECHER_DUCK_H

#include <stddef.h>
#include <stdint.h>

struct duck_opts {
	double depth_db;          /* > 0: how far the bed goes down */
	uint64_t down, hold, up;  /* frames */
};

/* A stretch of speech: frames [start, end). */
struct duck_span {
	uint64_t start, end;
};

/* One breakpoint: from `frame` on the level moves (half cosine) to the next point's. */
struct duck_point {
	uint64_t frame;
	double db;
};

/*
 * The envelope: gain 0 dB before the first point and after the last, a
 * half-cosine in dB between neighbouring points (flat when they are equal).
 * `p` is owned (duck_release frees it).
 */
struct duck_env {
	struct duck_point *p;
	size_t n;
	double depth_db;
};

/*
 * Builds the envelope for `spans` (any order, may overlap; n may be 0) into
 * `env`. The spans are not kept.
 */
void duck_build(struct duck_env *env, const struct duck_opts *o, const struct duck_span *spans,
		size_t n);
void duck_release(struct duck_env *env);

/* The level at programme frame `frame` in dB (0 or negative). */
double duck_db(const struct duck_env *env, uint64_t frame);

/*
 * Multiplies `nframes` interleaved frames of `channels` channels, the first of
 * which is programme frame `first`, by the envelope (in place).
 */
void duck_apply(const struct duck_env *env, uint64_t first, float *frames, size_t nframes,
		int channels);

#endif
