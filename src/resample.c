/*
 * resample.c - sample-rate conversion with libsamplerate.
 *
 * Every call owns its own SRC_STATE, so rs_convert is safe from several
 * threads at once. The whole-buffer conversion hands libsamplerate large
 * blocks and drains it with end_of_input, then pads or trims the last frame
 * or two so the length is exactly round(in_frames * out_rate / in_rate).
 */
#include "resample.h"

#include <samplerate.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- quality names ----------------------------------------------------- */

static const char *const quality_names[] = { "fast", "medium", "best" };

int rs_quality_parse(const char *name, enum rs_quality *q)
{
	for (size_t i = 0; i < ARRAY_LEN(quality_names); i++) {
		if (name && strcmp(name, quality_names[i]) == 0) {
			*q = (enum rs_quality)i;
			return 0;
		}
	}
	return -1;
}

const char *rs_quality_name(enum rs_quality q)
{
	if ((unsigned)q < ARRAY_LEN(quality_names))
		return quality_names[q];
	return "unknown";
}

static int converter_type(enum rs_quality q)
{
	switch (q) {
	case RS_FAST:   return SRC_SINC_FASTEST;
	case RS_MEDIUM: return SRC_SINC_MEDIUM_QUALITY;
	case RS_BEST:   return SRC_SINC_BEST_QUALITY;
	}
	return SRC_SINC_FASTEST;
}

static int check_args(int channels, int in_rate, int out_rate, struct err *e)
{
	if (channels < 1 || channels > 64)
		return err_set(e, "resample: invalid channel count %d", channels);
	if (in_rate < 1 || out_rate < 1)
		return err_set(e, "resample: invalid sample rate %d -> %d", in_rate, out_rate);
	if (!src_is_valid_ratio((double)out_rate / in_rate))
		return err_set(e, "resample: unsupported ratio %d -> %d", in_rate, out_rate);
	return 0;
}

/* ---- whole buffers ----------------------------------------------------- */

/* round(in_frames * out_rate / in_rate) in integer arithmetic. */
static size_t target_frames(size_t in_frames, int in_rate, int out_rate)
{
	uint64_t num = (uint64_t)in_frames * (uint64_t)out_rate;
	return (size_t)((2 * num + (uint64_t)in_rate) / (2 * (uint64_t)in_rate));
}

int rs_convert(const float *in, size_t in_frames, int channels, int in_rate,
	       int out_rate, enum rs_quality q, float **out, size_t *out_frames,
	       struct err *e)
{
	size_t want, cap, made = 0, used = 0;
	float *buf;
	SRC_STATE *st;
	int rc;

	if (check_args(channels, in_rate, out_rate, e) < 0)
		return -1;
	want = target_frames(in_frames, in_rate, out_rate);
	if (in_rate == out_rate || in_frames == 0) {
		buf = xmalloc((in_frames ? in_frames : 1) * (size_t)channels * sizeof(float));
		if (in_frames)
			memcpy(buf, in, in_frames * (size_t)channels * sizeof(float));
		*out = buf;
		*out_frames = in_frames;
		return 0;
	}

	st = src_new(converter_type(q), channels, &rc);
	if (!st)
		return err_set(e, "resample: %s", src_strerror(rc));
	/* A little room beyond the exact length: the drain may run over by a frame or two. */
	cap = want + 64;
	buf = xmalloc(cap * (size_t)channels * sizeof(float));

	for (;;) {
		SRC_DATA d;
		size_t chunk = in_frames - used;

		/* Blocks of at most 2^20 frames keep `long` counts safe everywhere. */
		if (chunk > ((size_t)1 << 20))
			chunk = (size_t)1 << 20;
		memset(&d, 0, sizeof(d));
		d.data_in = in + used * (size_t)channels;
		d.input_frames = (long)chunk;
		d.data_out = buf + made * (size_t)channels;
		d.output_frames = (long)(cap - made);
		d.end_of_input = (used + chunk == in_frames);
		d.src_ratio = (double)out_rate / in_rate;
		rc = src_process(st, &d);
		if (rc) {
			src_delete(st);
			free(buf);
			return err_set(e, "resample: %s", src_strerror(rc));
		}
		used += (size_t)d.input_frames_used;
		made += (size_t)d.output_frames_gen;
		if (made == cap) {
			/* Should not happen (cap is above the expected length); grow anyway. */
			cap += cap / 4 + 64;
			buf = xrealloc(buf, cap * (size_t)channels * sizeof(float));
		}
		if (d.end_of_input && d.output_frames_gen == 0 && d.input_frames_used == (long)chunk)
			break;
	}
	src_delete(st);

	if (made < want)
		memset(buf + made * (size_t)channels, 0,
		       (want - made) * (size_t)channels * sizeof(float));
	*out = xrealloc(buf, (want ? want : 1) * (size_t)channels * sizeof(float));
	*out_frames = want;
	return 0;
}

/* ---- streaming --------------------------------------------------------- */

struct resampler {
	SRC_STATE *st;
	int channels;
	double ratio;
	int copy;       /* equal rates: plain copy */
};

struct resampler *rs_new(int channels, int in_rate, int out_rate,
			 enum rs_quality q, struct err *e)
{
	struct resampler *r;
	int rc;

	if (check_args(channels, in_rate, out_rate, e) < 0)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->channels = channels;
	r->ratio = (double)out_rate / in_rate;
	r->copy = in_rate == out_rate;
	if (!r->copy) {
		r->st = src_new(converter_type(q), channels, &rc);
		if (!r->st) {
			err_set(e, "resample: %s", src_strerror(rc));
			free(r);
			return NULL;
		}
	}
	return r;
}

int rs_process(struct resampler *r, const float *in, size_t in_frames,
	       float *out, size_t out_cap, size_t *used, size_t *made, int last,
	       struct err *e)
{
	SRC_DATA d;
	int rc;

	if (r->copy) {
		size_t n = in_frames < out_cap ? in_frames : out_cap;
		if (n)
			memmove(out, in, n * (size_t)r->channels * sizeof(float));
		*used = *made = n;
		return 0;
	}
	if (in_frames > ((size_t)1 << 30))
		in_frames = (size_t)1 << 30;
	if (out_cap > ((size_t)1 << 30))
		out_cap = (size_t)1 << 30;
	memset(&d, 0, sizeof(d));
	d.data_in = in;
	d.input_frames = (long)in_frames;
	d.data_out = out;
	d.output_frames = (long)out_cap;
	d.end_of_input = last != 0;
	d.src_ratio = r->ratio;
	rc = src_process(r->st, &d);
	if (rc)
		return err_set(e, "resample: %s", src_strerror(rc));
	*used = (size_t)d.input_frames_used;
	*made = (size_t)d.output_frames_gen;
	return 0;
}

void rs_free(struct resampler *r)
{
	if (!r)
		return;
	if (r->st)
		src_delete(r->st);
	free(r);
}
