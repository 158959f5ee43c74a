/*
 * resample.h - sample-rate conversion (the only module that uses libsamplerate).
 *
 * Audio is interleaved float32 frames (one value per channel per instant).
 */
#ifndef SPRECHER_RESAMPLE_H
#define SPRECHER_RESAMPLE_H

#include <stddef.h>
#include "util.h"

/*
 * libsamplerate's SINC_FASTEST, SINC_MEDIUM_QUALITY and SINC_BEST_QUALITY.
 * Measured 22050 -> 48000 Hz mono on this machine: fast ~180x real time,
 * flat to 8 kHz, -1.2 dB at 8.5 kHz, -4.3 dB at 9 kHz; medium ~100x, flat to
 * 9 kHz, -3.3 dB at 10 kHz; best ~26x, flat to 10 kHz.
 */
enum rs_quality { RS_FAST, RS_MEDIUM, RS_BEST };

/* Parses "fast", "medium" or "best"; returns 0, or -1 when unknown. */
int rs_quality_parse(const char *name, enum rs_quality *q);
const char *rs_quality_name(enum rs_quality q);

/*
 * Converts a whole buffer of `in_frames` frames of `channels` channels from
 * `in_rate` to `out_rate`. Returns 0 and sets *out (malloc'd, caller frees) and
 * *out_frames (exactly round(in_frames * out_rate / in_rate)), or -1 with an
 * error. Equal rates copy. Safe to call from several threads at once.
 */
int rs_convert(const float *in, size_t in_frames, int channels, int in_rate,
	       int out_rate, enum rs_quality q, float **out, size_t *out_frames,
	       struct err *e);

/* Streaming state for long inputs (opaque). */
struct resampler;
struct resampler *rs_new(int channels, int in_rate, int out_rate,
			 enum rs_quality q, struct err *e);
/*
 * Converts in[0..in_frames) into out (room for out_cap frames). Sets *used to
 * the input frames consumed and *made to the output frames produced. `last`
 * marks the end of input (call again with in_frames 0 until *made is 0).
 * Unlike rs_convert the total may differ from the exact length by a frame or
 * two; one resampler belongs to one thread at a time.
 */
int rs_process(struct resampler *r, const float *in, size_t in_frames,
	       float *out, size_t out_cap, size_t *used, size_t *made, int last,
	       struct err *e);
void rs_free(struct resampler *r);

#endif
