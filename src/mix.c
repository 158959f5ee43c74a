/*
 * mix.c - the mix bus: sums placed clips into blocks of frames for a sink.
 */
#include "mix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIX_BLOCK 16384          /* frames rendered per sink call at most */

struct input {
	uint64_t start, frames;
	uint64_t fade_in, fade_out;  /* shared out in proportion when longer than the clip */
	float gain;
	int channels;
	float *buf;                  /* frames in memory, or the source's current block */
	int owned;
	struct source *src;
	uint64_t blk_first;          /* clip frame of buf[0] (sources) */
	size_t blk_len;              /* frames in buf (sources) */
};

struct mix {
	int ch;
	uint64_t base;               /* first frame not flushed */
	struct input *in;
	size_t n, cap;
	float *block;                /* MIX_BLOCK frames of the bus */
	mix_sink_fn sink;
	void *ctx;
};

struct mix *mix_new(int channels, mix_sink_fn sink, void *ctx)
{
	struct mix *m = xcalloc(1, sizeof(*m));

	m->ch = channels;
	m->sink = sink;
	m->ctx = ctx;
	m->block = xmalloc(MIX_BLOCK * (size_t)channels * sizeof(float));
	return m;
}

int mix_channels(const struct mix *m)
{
	return m->ch;
}

uint64_t mix_flushed(const struct mix *m)
{
	return m->base;
}

static void share_fades(uint64_t frames, uint64_t *in, uint64_t *out)
{
	if (*in + *out > frames && *in + *out > 0) {
		uint64_t tot = *in + *out;
		*in = (uint64_t)((double)frames * (double)*in / (double)tot);
		*out = frames - *in;
	}
}

float mix_fade_gain(uint64_t i, uint64_t frames, uint64_t fade_in, uint64_t fade_out)
{
	share_fades(frames, &fade_in, &fade_out);
	if (i < fade_in)
		return (float)((double)i / (double)fade_in);
	if (frames - 1 - i < fade_out)
		return (float)((double)(frames - 1 - i) / (double)fade_out);
	return 1.0f;
}

static void input_release(struct input *p)
{
	if (p->src) {
		source_free(p->src);
		free(p->buf);
	} else if (p->owned) {
		free(p->buf);
	}
	memset(p, 0, sizeof(*p));
}

static int add_input(struct mix *m, const struct clip *c, int channels, struct input **out,
		     struct err *e)
{
	struct input *p;

	if (c->start < m->base)
		return err_set(e, "mix: clip at frame %llu starts before the flushed frame %llu",
			       (unsigned long long)c->start, (unsigned long long)m->base);
	if (channels != 1 && channels != m->ch)
		return err_set(e, "mix: a clip of %d channels on a bus of %d", channels, m->ch);
	XGROW(m->in, m->cap, m->n + 1);
	p = &m->in[m->n++];
	memset(p, 0, sizeof(*p));
	p->start = c->start;
	p->frames = c->frames;
	p->fade_in = c->fade_in;
	p->fade_out = c->fade_out;
	share_fades(p->frames, &p->fade_in, &p->fade_out);
	p->gain = (float)pow(10.0, c->gain_db / 20.0);
	p->channels = channels;
	*out = p;
	return 0;
}

int mix_add_frames(struct mix *m, const struct clip *c, float *frames, int channels, int owned,
		   struct err *e)
{
	struct input *p;

	if (add_input(m, c, channels, &p, e)) {
		if (owned)
			free(frames);
		return -1;
	}
	p->buf = frames;
	p->owned = owned;
	return 0;
}

int mix_add_source(struct mix *m, const struct clip *c, struct source *src, struct err *e)
{
	struct input *p;

	if (add_input(m, c, src->channels, &p, e)) {
		source_free(src);
		return -1;
	}
	p->src = src;
	p->buf = xmalloc(MIX_BLOCK * (size_t)src->channels * sizeof(float));
	return 0;
}

/* Makes sure a source input's block holds clip frame `f` (silence past the source's end). */
static int pull(struct input *p, uint64_t f, struct err *e)
{
	size_t got;

	if (f >= p->blk_first && f < p->blk_first + p->blk_len)
		return 0;
	p->blk_first = f;
	if (source_read(p->src, p->buf, MIX_BLOCK, &got, e))
		return -1;
	if (got < MIX_BLOCK)
		memset(p->buf + got * (size_t)p->channels, 0,
		       (MIX_BLOCK - got) * (size_t)p->channels * sizeof(float));
	p->blk_len = MIX_BLOCK;
	return 0;
}

/*
 * Adds clip frames [f, f + n) of `p` into bus frames `dst` (bus channels),
 * each value times its fade factor, then times the gain.
 */
static void add_span(const struct input *p, const float *src, uint64_t f, size_t n, float *dst,
		     int bus_ch)
{
	size_t ch = (size_t)p->channels, bch = (size_t)bus_ch;
	int fading = f < p->fade_in || f + n > p->frames - p->fade_out;

	for (size_t i = 0; i < n; i++) {
		float fg = fading ? mix_fade_gain(f + i, p->frames, p->fade_in, p->fade_out) : 1.0f;
		for (size_t k = 0; k < bch; k++) {
			float v = src[i * ch + (ch == 1 ? 0 : k)] * fg;
			dst[i * bch + k] += v * p->gain;
		}
	}
}

/* Adds every input's part of bus frames [from, from + n) into m->block. */
static int render_block(struct mix *m, uint64_t from, size_t n, struct err *e)
{
	memset(m->block, 0, n * (size_t)m->ch * sizeof(float));
	for (size_t i = 0; i < m->n; i++) {
		struct input *p = &m->in[i];
		uint64_t a = p->start > from ? p->start : from;
		uint64_t b = p->start + p->frames < from + n ? p->start + p->frames : from + n;
		while (a < b) {
			uint64_t f = a - p->start;
			size_t k = (size_t)(b - a);
			const float *src = p->buf + f * (size_t)p->channels;
			if (p->src) {
				if (pull(p, f, e))
					return -1;
				if (k > p->blk_first + p->blk_len - f)
					k = (size_t)(p->blk_first + p->blk_len - f);
				src = p->buf + (f - p->blk_first) * (size_t)p->channels;
			}
			add_span(p, src, f, k, m->block + (a - from) * (size_t)m->ch, m->ch);
			a += k;
		}
	}
	return 0;
}

/* Drops the inputs that end at or before the flushed frame, keeping the order of the rest. */
static void drop_done(struct mix *m)
{
	size_t k = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (m->in[i].start + m->in[i].frames <= m->base)
			input_release(&m->in[i]);
		else
			m->in[k++] = m->in[i];
	}
	m->n = k;
}

int mix_flush(struct mix *m, uint64_t up_to, struct err *e)
{
	while (m->base < up_to) {
		size_t n = up_to - m->base < MIX_BLOCK ? (size_t)(up_to - m->base) : MIX_BLOCK;
		if (render_block(m, m->base, n, e) || m->sink(m->ctx, m->block, n, e))
			return -1;
		m->base += n;
		drop_done(m);
	}
	return 0;
}

void mix_free(struct mix *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		input_release(&m->in[i]);
	free(m->in);
	free(m->block);
	free(m);
}
