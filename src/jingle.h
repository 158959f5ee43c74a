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
 * envelopes; deterministic) at `rate` with `channels` channels: bell-like
 * notes on a C major arpeggio, intro 3.0 s, stinger 1.0 s, outro 3.2 s, peak
 * -6 dBFS (about -16.5 LUFS intro/outro, -17.7 LUFS stinger, stereo 48 kHz),
 * starting and ending at exact zero. `out` is overwritten; release it with
 * jingle_release.
 */
void jingle_builtin(enum jingle_kind kind, int rate, int channels, struct jingle *out);

/*
 * Loads any file libsndfile reads (any rate, any channel count): mono is spread
 * to both channels, more than two are downmixed (WAV channel orders up to 7.1:
 * centre and surrounds at -3 dB, LFE dropped, scaled down if the downmix would
 * clip), stereo becomes the average for `channels` == 1; the rate is converted
 * with quality `q` (exact length), and fades of 10 ms in and 30 ms out are put
 * at the ends so no cut clicks. `channels` must be 1 or 2. Returns 0, or -1
 * with the "PATH: cannot read: ..." errors of afile_read.
 */
int jingle_load(const char *path, int rate, int channels, enum rs_quality q,
		struct jingle *out, struct err *e);
void jingle_release(struct jingle *j);

/*
 * jingle_load's parts, for reading a file in blocks (source_file): the peak
 * of the stereo downmix of frames with more than two channels (0 for one or
 * two), to be taken over the whole file; the channel mapping of `n` frames
 * into `out` (outch = 1 or 2) with `scale` = 1/peak when that peak is above
 * 1, else 1; the fade lengths put at the ends, in frames at `rate`.
 */
double jingle_downmix_peak(const float *in, size_t n, int inch);
void jingle_map(const float *in, size_t n, int inch, int outch, double scale, float *out);
void jingle_fade_frames(int rate, size_t *in_frames, size_t *out_frames);

/*
 * Applies linear fades of `in_frames` and `out_frames` at the start and end:
 * the first frame gets gain 0, frame in_frames gain 1, the last frame gain 0.
 * Fades longer than the clip share it in proportion.
 */
void jingle_fade(float *frames, size_t nframes, int channels, size_t in_frames, size_t out_frames);

#endif
