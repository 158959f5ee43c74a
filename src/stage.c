/*
 * stage.c - gain, limiter, meter, upmix and writer stages, and the chain.
 */
#include "stage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "encq.h"
#include "limiter.h"

static struct stage *stage_make(const char *name, int in_ch, int out_ch, void *priv)
{
	struct stage *st = xcalloc(1, sizeof(*st));

	st->name = name;
	st->in_channels = in_ch;
	st->out_channels = out_ch;
	st->priv = priv;
	return st;
}

void stage_free(struct stage *st)
{
	if (!st)
		return;
	if (st->free)
		st->free(st->priv);
	free(st);
}

/* ==== gain ================================================================ */

struct gain {
	float g;
	size_t ch;
};

static int gain_flow(void *priv, const float *in, float *out, size_t *in_frames,
		     size_t *out_frames, struct err *e)
{
	struct gain *g = priv;
	size_t n = *in_frames < *out_frames ? *in_frames : *out_frames;

	(void)e;
	for (size_t i = 0; i < n * g->ch; i++)
		out[i] = in[i] * g->g;
	*in_frames = *out_frames = n;
	return 0;
}

struct stage *stage_gain(int channels, double gain_db)
{
	struct gain *g = xcalloc(1, sizeof(*g));
	struct stage *st = stage_make("gain", channels, channels, g);

	g->g = (float)pow(10.0, gain_db / 20.0);
	g->ch = (size_t)channels;
	st->flow = gain_flow;
	st->free = free;
	return st;
}

/* ==== limiter ============================================================= */

struct limst {
	struct limiter *lim;
	size_t ch;
	size_t skip;              /* delay frames still to drop */
	size_t tail;              /* silence frames still to feed in drain */
	float *zeros;
};

/* Drops what is left of the delay from the front of out[0..n); returns the frames kept. */
static size_t drop_delay(struct limst *l, float *out, size_t n)
{
	size_t off = l->skip < n ? l->skip : n;

	l->skip -= off;
	if (off && off < n)
		memmove(out, out + off * l->ch, (n - off) * l->ch * sizeof(float));
	return n - off;
}

static int lim_flow(void *priv, const float *in, float *out, size_t *in_frames,
		    size_t *out_frames, struct err *e)
{
	struct limst *l = priv;
	size_t n = *in_frames < *out_frames ? *in_frames : *out_frames;

	(void)e;
	lim_process(l->lim, in, out, n);
	*in_frames = n;
	*out_frames = drop_delay(l, out, n);
	return 0;
}

static int lim_drain(void *priv, float *out, size_t *out_frames, struct err *e)
{
	struct limst *l = priv;
	size_t cap = *out_frames, kept = 0;

	(void)e;
	while (!kept && l->tail) {      /* a stream shorter than the delay keeps nothing at first */
		size_t n = l->tail < cap ? l->tail : cap;
		memset(out, 0, n * l->ch * sizeof(float));
		lim_process(l->lim, out, out, n);
		l->tail -= n;
		kept = drop_delay(l, out, n);
	}
	*out_frames = kept;
	return 0;
}

static void limst_free(void *priv)
{
	struct limst *l = priv;
	lim_free(l->lim);
	free(l);
}

struct stage *stage_limiter(int channels, int rate, double gain_db, double ceiling_dbtp,
			    struct err *e)
{
	struct limiter *lim = lim_new(channels, rate, gain_db, ceiling_dbtp, e);
	struct limst *l;
	struct stage *st;

	if (!lim)
		return NULL;
	l = xcalloc(1, sizeof(*l));
	l->lim = lim;
	l->ch = (size_t)channels;
	l->skip = l->tail = lim_latency(lim);
	st = stage_make("limiter", channels, channels, l);
	st->flow = lim_flow;
	st->drain = lim_drain;
	st->free = limst_free;
	return st;
}

void stage_limiter_stats(const struct stage *st, size_t *limited_frames, double *max_reduction_db)
{
	lim_stats(((const struct limst *)st->priv)->lim, limited_frames, max_reduction_db);
}

/* ==== meter =============================================================== */

struct meterst {
	struct meter *m;
	size_t ch;
};

static int meter_flow(void *priv, const float *in, float *out, size_t *in_frames,
		      size_t *out_frames, struct err *e)
{
	struct meterst *m = priv;
	size_t n = *in_frames < *out_frames ? *in_frames : *out_frames;

	if (n && meter_add(m->m, in, n, e))
		return -1;
	if (out != in)
		memcpy(out, in, n * m->ch * sizeof(float));
	*in_frames = *out_frames = n;
	return 0;
}

static void meterst_free(void *priv)
{
	struct meterst *m = priv;
	meter_free(m->m);
	free(m);
}

struct stage *stage_meter(int channels, int rate, struct err *e)
{
	return stage_meter_mono(channels, rate, 1, e);
}

struct stage *stage_meter_mono(int channels, int rate, int dual_mono, struct err *e)
{
	struct meter *mt = meter_new(channels, rate, 1, channels == 1 && dual_mono, e);
	struct meterst *m;
	struct stage *st;

	if (!mt)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->m = mt;
	m->ch = (size_t)channels;
	st = stage_make("meter", channels, channels, m);
	st->flow = meter_flow;
	st->free = meterst_free;
	return st;
}

int stage_meter_result(const struct stage *st, struct loudness *out, struct err *e)
{
	return meter_result(((const struct meterst *)st->priv)->m, out, e);
}

/* ==== upmix =============================================================== */

static int upmix_flow(void *priv, const float *in, float *out, size_t *in_frames,
		      size_t *out_frames, struct err *e)
{
	size_t n = *in_frames < *out_frames ? *in_frames : *out_frames;

	(void)priv;
	(void)e;
	for (size_t i = n; i-- > 0;) {      /* backwards: works in place */
		float v = in[i];
		out[2 * i] = v;
		out[2 * i + 1] = v;
	}
	*in_frames = *out_frames = n;
	return 0;
}

struct stage *stage_upmix(void)
{
	struct stage *st = stage_make("upmix", 1, 2, NULL);

	st->flow = upmix_flow;
	return st;
}

/* ==== writer ============================================================== */

struct writer {
	struct encq *q;
	size_t ch;
};

static int writer_flow(void *priv, const float *in, float *out, size_t *in_frames,
		       size_t *out_frames, struct err *e)
{
	struct writer *w = priv;
	float *dst;

	(void)out;
	*out_frames = 0;
	if (!*in_frames)
		return 0;
	dst = encq_get(w->q);
	if (!dst)
		return encq_finish(w->q, e);   /* the write error */
	memcpy(dst, in, *in_frames * w->ch * sizeof(float));
	encq_put(w->q, *in_frames);
	return 0;
}

static int writer_drain(void *priv, float *out, size_t *out_frames, struct err *e)
{
	(void)out;
	*out_frames = 0;
	return encq_finish(((struct writer *)priv)->q, e);
}

static void writer_free(void *priv)
{
	struct writer *w = priv;
	encq_free(w->q);
	free(w);
}

struct stage *stage_writer(struct afile_writer *aw, int channels, size_t block_frames, struct err *e)
{
	struct encq *q = encq_new(aw, channels, block_frames, e);
	struct writer *w;
	struct stage *st;

	if (!q)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->q = q;
	w->ch = (size_t)channels;
	st = stage_make("writer", channels, 0, w);
	st->flow = writer_flow;
	st->drain = writer_drain;
	st->free = writer_free;
	return st;
}

/* ==== the chain =========================================================== */

void chain_init(struct chain *c, size_t block_frames)
{
	memset(c, 0, sizeof(*c));
	c->block_frames = block_frames;
	c->buf = xmalloc(block_frames * 2 * sizeof(float));
}

int chain_add(struct chain *c, struct stage *st)
{
	if (!st)
		return -1;
	if (c->n == CHAIN_MAX) {
		stage_free(st);
		return -1;
	}
	c->st[c->n++] = st;
	return 0;
}

float *chain_buffer(struct chain *c)
{
	return c->buf;
}

/* Runs `frames` frames in the buffer through stages from..n-1. */
static int run_from(struct chain *c, size_t from, size_t frames, struct err *e)
{
	for (size_t i = from; i < c->n && frames; i++) {
		size_t in = frames, out = c->block_frames;
		if (c->st[i]->flow(c->st[i]->priv, c->buf, c->buf, &in, &out, e))
			return -1;
		frames = out;
	}
	return 0;
}

int chain_flow(struct chain *c, size_t frames, struct err *e)
{
	return run_from(c, 0, frames, e);
}

int chain_drain(struct chain *c, struct err *e)
{
	for (size_t i = 0; i < c->n; i++) {
		struct stage *st = c->st[i];
		size_t out;
		if (!st->drain)
			continue;
		do {
			out = c->block_frames;
			if (st->drain(st->priv, c->buf, &out, e) || run_from(c, i + 1, out, e))
				return -1;
		} while (out);
	}
	return 0;
}

struct stage *chain_find(const struct chain *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->st[i]->name, name))
			return c->st[i];
	return NULL;
}

void chain_release(struct chain *c)
{
	for (size_t i = 0; i < c->n; i++)
		stage_free(c->st[i]);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}
