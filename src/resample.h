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

#endif
