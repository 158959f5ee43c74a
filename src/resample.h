/*
 * resample.h - sample-rate conversion (the only module that uses libsoxr and
 * libsamplerate).
 *
 * Audio is interleaved float32 frames (one value per channel per instant).
 */
#ifndef SPRECHER_RESAMPLE_H
#define SPRECHER_RESAMPLE_H

#include <stddef.h>
#include "util.h"

/*
 * Each quality names a backend and its setting:
 *   fast    libsoxr, SOXR_HQ (20-bit precision, linear phase, flat to 91% of
 *           the lower Nyquist frequency): the default
 *   medium  libsoxr, SOXR_VHQ (28-bit precision, double-precision engine)
 *   best    libsamplerate, SRC_SINC_BEST_QUALITY
 * Measured 22050 -> 48000 Hz mono on 433 s of eSpeak NG speech, difference
 * energy to `best` relative to its signal energy: fast -56.3 dB at ~2800x
 * real time per sentence, medium -55.2 dB at ~1800x, best ~35x (the former
 * default, libsamplerate SINC_FASTEST with a half-band doubler, was -35.2 dB
 * at ~420x). scripts/bench.sh measures it again (build/rs-quality).
 */
enum rs_quality { RS_FAST, RS_MEDIUM, RS_BEST };

/* Parses "fast", "medium" or "best"; returns 0, or -1 when unknown. */
int rs_quality_parse(const char *name, enum rs_quality *q);
const char *rs_quality_name(enum rs_quality q);

/*
 * What a quality runs, with the library's version and (for libsoxr) the
 * engine it picked on this machine, e.g. "libsoxr-0.1.3 hq cr32s": output
 * bytes follow this string, so a cache of resampled audio can key on it.
 * The string is static.
 */
const char *rs_quality_backend(enum rs_quality q);

/*
 * Converts a whole buffer of `in_frames` frames of `channels` channels from
 * `in_rate` to `out_rate`. Returns 0 and sets *out (malloc'd, caller frees) and
 * *out_frames (exactly round(in_frames * out_rate / in_rate)), or -1 with an
 * error. Equal rates copy. Safe to call from several threads at once.
 */
int rs_convert(const float *in, size_t in_frames, int channels, int in_rate,
	       int out_rate, enum rs_quality q, float **out, size_t *out_frames,
	       struct err *e);

/* ---- streaming --------------------------------------------------------- */

/*
 * Streaming conversion in blocks, as libsamplerate's SRC_DATA (the sox
 * "flow/drain" shape): each call consumes up to `in_frames` frames of `in`
 * and produces up to `out_max` frames into `out`, and says how many were
 * used (*used) and produced (*produced). Pass end = 1 with the last input:
 * once all of it is used the converter drains its delay line; call again
 * with no input and end = 1 until nothing more is produced. Without `end` a
 * converter may hold some input back (its filter delay). The same backends
 * as rs_convert: results agree with it within float rounding. Equal rates
 * copy. The total length is within a frame or two of in_frames * out_rate /
 * in_rate and the caller's to trim or pad (rs_convert's exact length is
 * round(in_frames * out_rate / in_rate)). One stream belongs to one thread
 * at a time; different streams may run in different threads at once.
 */
struct rs_stream;

/* Returns a stream, or NULL with an error (bad channel count, rate or quality). */
struct rs_stream *rs_stream_new(int channels, int in_rate, int out_rate, enum rs_quality q,
				struct err *e);
/* Returns 0, or -1 with an error. */
int rs_stream_process(struct rs_stream *s, const float *in, size_t in_frames, int end,
		      float *out, size_t out_max, size_t *used, size_t *produced, struct err *e);
/* Frees the stream; NULL is fine. */
void rs_stream_free(struct rs_stream *s);

#endif
