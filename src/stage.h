/*
 * stage.h - audio stages with one small contract, in the manner of sox's
 * effect handlers, and a chain that runs them block by block.
 *
 * flow() consumes up to *in_frames frames of `in` and produces up to
 * *out_frames frames into `out`, then sets both to the counts actually used
 * and produced. In a chain every stage is called in place (out == in) with
 * room for at least as many output frames as input frames, and consumes all
 * its input; a stage may produce fewer frames (a delay) and give them back
 * in drain(), which is called after the last input until it produces 0.
 * A sink (the writer) produces nothing. Frames are interleaved float32.
 */
#ifndef SPRECHER_STAGE_H
#define SPRECHER_STAGE_H

#include <stddef.h>
#include "util.h"
#include "loudness.h"
#include "audiofile.h"

struct stage {
	const char *name;          /* "gain", "limiter", "meter", "upmix", "writer" */
	int in_channels, out_channels;
	void *priv;
	int (*flow)(void *priv, const float *in, float *out, size_t *in_frames, size_t *out_frames,
		    struct err *e);
	/* NULL: nothing held back */
	int (*drain)(void *priv, float *out, size_t *out_frames, struct err *e);
	void (*free)(void *priv);
};

void stage_free(struct stage *st);

/* Multiplies by one linear gain (exactly x * (float)10^(db/20)). */
struct stage *stage_gain(int channels, double gain_db);
/*
 * The gain and true-peak limiter of limiter.h; the limiter's delay is hidden:
 * the first lim_latency() frames are dropped, drain() gives the tail back.
 */
struct stage *stage_limiter(int channels, int rate, double gain_db, double ceiling_dbtp,
			    struct err *e);
/* The limiter's statistics (lim_stats). */
void stage_limiter_stats(const struct stage *st, size_t *limited_frames, double *max_reduction_db);
/* Measures loudness and true peak of what passes (unchanged). */
struct stage *stage_meter(int channels, int rate, struct err *e);
/* The same; `dual_mono` = 0 measures a 1-channel signal as one channel (stage_meter: dual mono). */
struct stage *stage_meter_mono(int channels, int rate, int dual_mono, struct err *e);
int stage_meter_result(const struct stage *st, struct loudness *out, struct err *e);
/* Mono to stereo: each frame on both channels. */
struct stage *stage_upmix(void);
/*
 * Hands frames to `w` (not owned) through the encoder thread (encq.h);
 * drain() waits for every block to be written and gives the write error.
 */
struct stage *stage_writer(struct afile_writer *w, int channels, size_t block_frames, struct err *e);

/* ---- a chain of stages --------------------------------------------------- */

#define CHAIN_MAX 8

struct chain {
	struct stage *st[CHAIN_MAX];
	size_t n;
	float *buf;                /* block_frames frames of up to 2 channels */
	size_t block_frames;
};

void chain_init(struct chain *c, size_t block_frames);
/* Appends `st` (owned by the chain from now; NULL is ignored and returns -1). */
int chain_add(struct chain *c, struct stage *st);
/* The buffer to fill with up to block_frames input frames of the first stage. */
float *chain_buffer(struct chain *c);
/* Runs `frames` frames in chain_buffer() through every stage; 0 or -1. */
int chain_flow(struct chain *c, size_t frames, struct err *e);
/* Drains every stage in order, passing each tail through the stages after it; 0 or -1. */
int chain_drain(struct chain *c, struct err *e);
/* The first stage called `name`, or NULL. */
struct stage *chain_find(const struct chain *c, const char *name);
/* Frees every stage and the buffer. */
void chain_release(struct chain *c);

#endif
