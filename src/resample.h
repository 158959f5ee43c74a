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
 * `fast` going up to more than twice the input rate (22050 -> 48000 Hz) runs
 * libsamplerate to half the output rate and doubles it with a half-band
 * filter: same result (-34.8 dB difference to `best` on eSpeak speech, as the
 * direct SINC_FASTEST path), 1.5x faster. Measured 22050 -> 48000 Hz mono on
 * speech: fast ~290x real time, medium ~86x, best ~23x; fast is flat to
 * 8 kHz (-1.2 dB at 8.5 kHz), medium to 9 kHz, best to 10 kHz.
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

/*
 * Streaming conversion in blocks, as libsamplerate's SRC_DATA: each call
 * consumes up to `in_frames` frames of `in` and produces up to `out_max`
 * frames into `out`, and says how many were used (*used) and produced
 * (*produced). Pass end = 1 with the last input (and then with no input)
 * until nothing more is produced. `fast` runs libsamplerate's SINC_FASTEST
 * directly (no half-band stage), so results differ from rs_convert by far
 * less than a quantization step but are not bit-identical. Equal rates copy.
 * The total length is the caller's to trim or pad (rs_convert's exact length
 * is round(in_frames * out_rate / in_rate)).
 */
struct rs_stream;
struct rs_stream *rs_stream_new(int channels, int in_rate, int out_rate, enum rs_quality q,
				struct err *e);
int rs_stream_process(struct rs_stream *s, const float *in, size_t in_frames, int end,
		      float *out, size_t out_max, size_t *used, size_t *produced, struct err *e);
void rs_stream_free(struct rs_stream *s);

#endif
