/*
 * showmix.c - looped and ducked bed sources.
 */
#include "showmix.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- a loop with a crossfade --------------------------------------------- */

struct loop {
	struct source *in;
	float *head;              /* the first xfade frames of the input */
	float *tmp;               /* room for a block while crossfading */
	size_t tmp_cap;
	uint64_t len, xfade;      /* input length; crossfade frames */
	uint64_t frames, pos;     /* output length; output frames produced */
	uint64_t ipos;            /* frame of the input read next */
	int ch;
};

/* Reads exactly n frames of the input (silence past its end). */
static int read_in(struct loop *l, float *out, size_t n, struct err *e)
{
	size_t done = 0, got;

	while (done < n) {
		if (source_read(l->in, out + done * (size_t)l->ch, n - done, &got, e))
			return -1;
		if (!got)
			break;
		done += got;
	}
	memset(out + done * (size_t)l->ch, 0, (n - done) * (size_t)l->ch * sizeof(float));
	l->ipos += n;
	return 0;
}

/* Back to input frame `xfade` for the next repeat (its head was mixed in already). */
static int restart(struct loop *l, struct err *e)
{
	if (source_rewind(l->in, e))
		return -1;
	l->ipos = 0;
	while (l->ipos < l->xfade) {
		size_t n = l->xfade - l->ipos < l->tmp_cap ? (size_t)(l->xfade - l->ipos) : l->tmp_cap;
		if (read_in(l, l->tmp, n, e))
			return -1;
	}
	return 0;
}

static int loop_read(void *priv, float *out, size_t max, size_t *produced, struct err *e)
{
	struct loop *l = priv;
	size_t done = 0, ch = (size_t)l->ch;

	while (done < max && l->pos < l->frames) {
		uint64_t tail = l->len - l->xfade;   /* where the next repeat comes in */
		size_t n = max - done;

		if (l->pos + n > l->frames)
			n = (size_t)(l->frames - l->pos);
		if (l->ipos < tail || l->len >= l->frames) {
			/* plain part of the input */
			if (l->len < l->frames && l->ipos + n > tail)
				n = (size_t)(tail - l->ipos);
			if (read_in(l, out + done * ch, n, e))
				return -1;
		} else {
			/* the crossfade: the input's end fading out, its head fading in */
			uint64_t k0 = l->ipos - tail;
			if (n > l->len - l->ipos)
				n = (size_t)(l->len - l->ipos);
			if (n > l->tmp_cap)
				n = l->tmp_cap;
			if (read_in(l, l->tmp, n, e))
				return -1;
			for (size_t i = 0; i < n; i++) {
				double x = ((double)(k0 + i) + 0.5) / (double)l->xfade;
				float gout = (float)cos(x * M_PI / 2), gin = (float)sin(x * M_PI / 2);
				for (size_t c = 0; c < ch; c++)
					out[(done + i) * ch + c] = l->tmp[i * ch + c] * gout +
								   l->head[(k0 + i) * ch + c] * gin;
			}
			if (l->ipos >= l->len && restart(l, e))
				return -1;
		}
		done += n;
		l->pos += n;
	}
	*produced = done;
	return 0;
}

static int loop_rewind(void *priv, struct err *e)
{
	struct loop *l = priv;

	l->pos = 0;
	l->ipos = 0;
	if (source_rewind(l->in, e))
		return -1;
	return 0;
}

static void loop_free(void *priv)
{
	struct loop *l = priv;

	source_free(l->in);
	free(l->head);
	free(l->tmp);
	free(l);
}

struct source *source_loop(struct source *in, uint64_t frames, uint64_t xfade, struct err *e)
{
	struct loop *l = xcalloc(1, sizeof(*l));
	struct source *s = xcalloc(1, sizeof(*s));

	l->in = in;
	l->ch = in->channels;
	l->len = in->frames;
	l->frames = frames;
	if (xfade > l->len / 4)
		xfade = l->len / 4;
	l->xfade = xfade;
	l->tmp_cap = 4096;
	l->tmp = xmalloc(l->tmp_cap * (size_t)l->ch * sizeof(float));
	l->head = xmalloc((xfade ? xfade : 1) * (size_t)l->ch * sizeof(float));
	*s = (struct source){ .channels = in->channels, .rate = in->rate, .frames = frames,
			      .priv = l, .read = loop_read, .rewind = loop_rewind, .free = loop_free };
	if (l->len < frames && (!l->len || !xfade)) {
		/* nothing to loop with a crossfade: a plain repeat needs a crossfade too */
		source_free(s);
		err_set(e, "bed too short to loop (%llu frames)", (unsigned long long)l->len);
		return NULL;
	}
	if (l->len < frames) {
		if (read_in(l, l->head, (size_t)xfade, e) || loop_rewind(l, e)) {
			source_free(s);
			return NULL;
		}
	}
	return s;
}

/* ---- ducking ------------------------------------------------------------- */

struct ducked {
	struct source *in;
	struct duck_env env;
	uint64_t first, pos;
};

static int duck_read(void *priv, float *out, size_t max, size_t *produced, struct err *e)
{
	struct ducked *d = priv;

	if (source_read(d->in, out, max, produced, e))
		return -1;
	duck_apply(&d->env, d->first + d->pos, out, *produced, d->in->channels);
	d->pos += *produced;
	return 0;
}

static int duck_rewind(void *priv, struct err *e)
{
	struct ducked *d = priv;

	d->pos = 0;
	return source_rewind(d->in, e);
}

static void duck_free(void *priv)
{
	struct ducked *d = priv;

	source_free(d->in);
	duck_release(&d->env);
	free(d);
}

struct source *source_ducked(struct source *in, struct duck_env *env, uint64_t first)
{
	struct ducked *d = xcalloc(1, sizeof(*d));
	struct source *s = xcalloc(1, sizeof(*s));

	d->in = in;
	d->env = *env;
	memset(env, 0, sizeof(*env));
	d->first = first;
	*s = (struct source){ .channels = in->channels, .rate = in->rate, .frames = in->frames,
			      .priv = d, .read = duck_read, .rewind = duck_rewind, .free = duck_free };
	return s;
}
