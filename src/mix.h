/*
 * mix.h - the mix bus: placed clips summed into frames, a block at a time.
 *
 * The mixer reads the plan: each input is a clip of the timeline (start,
 * length, gain_db, fade_in/fade_out) with its audio, either frames in memory
 * (a sentence, mono or bus channels) or a streaming source (a jingle, a bed).
 * Nothing is summed when a clip is added: mix_flush(up_to) renders the frames
 * [flushed, up_to) from every input that overlaps them, applying each
 * input's per-frame gain (fade ramp times gain), and hands them to the sink
 * in blocks. Inputs are summed in the order they were added. Clips may be
 * added in any order as long as they do not start before what was flushed.
 */
#ifndef SPRECHER_MIX_H
#define SPRECHER_MIX_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"
#include "timeline.h"
#include "source.h"

struct mix;

/* Receives `frames` mixed frames (bus channels); 0 or -1 with an error to stop the flush. */
typedef int (*mix_sink_fn)(void *ctx, const float *frames, size_t nframes, struct err *e);

/* A bus of `channels` (1 or 2) channels handing its frames to `sink`. */
struct mix *mix_new(int channels, mix_sink_fn sink, void *ctx);
int mix_channels(const struct mix *m);
/* The first frame not yet flushed. */
uint64_t mix_flushed(const struct mix *m);

/*
 * Adds clip `c` (its start, frames, gain_db, fade_in, fade_out are read) with
 * audio `frames` of `channels` channels (1: mono, spread to every bus
 * channel; or the bus's count), c->frames long. With `owned` = 1 the mixer
 * frees `frames` once the clip is flushed (also on mix_free). Returns 0, or -1
 * when the clip starts before mix_flushed() or has the wrong channel count.
 */
int mix_add_frames(struct mix *m, const struct clip *c, float *frames, int channels, int owned,
		   struct err *e);
/*
 * Adds clip `c` whose audio is pulled from `src` while flushing (the mixer
 * owns `src` afterwards, also on error). A source shorter than c->frames is
 * padded with silence. Returns 0 or -1 as mix_add_frames.
 */
int mix_add_source(struct mix *m, const struct clip *c, struct source *src, struct err *e);

/* Renders and hands to the sink every frame before `up_to`; 0, or -1 with the sink's or a source's error. */
int mix_flush(struct mix *m, uint64_t up_to, struct err *e);
/* Frees the bus and every input still held; NULL is fine. */
void mix_free(struct mix *m);

/*
 * The fade factor of frame `i` of a clip `frames` long with fades of
 * `fade_in` and `fade_out` frames: i / fade_in in the fade-in, (frames-1-i) /
 * fade_out in the fade-out (the last frame 0), 1 elsewhere; fades longer
 * than the clip share it in proportion. The same ramp jingle_fade bakes in.
 */
float mix_fade_gain(uint64_t i, uint64_t frames, uint64_t fade_in, uint64_t fade_out);

#endif
