/*
 * source.c - streaming sources: the contract's helpers and the memory source.
 * The file source lives in source_file.c.
 */
#include "source.h"

#include <stdlib.h>
#include <string.h>

int source_read(struct source *s, float *out, size_t max_frames, size_t *produced, struct err *e)
{
	*produced = 0;
	return s->read(s->priv, out, max_frames, produced, e);
}

int source_rewind(struct source *s, struct err *e)
{
	return s->rewind(s->priv, e);
}

void source_free(struct source *s)
{
	if (!s)
		return;
	if (s->free)
		s->free(s->priv);
	free(s);
}

/* ---- frames in memory ---------------------------------------------------- */

struct memsrc {
	float *buf;
	uint64_t frames, pos;
	int channels, owned;
};

static int mem_read(void *priv, float *out, size_t max_frames, size_t *produced, struct err *e)
{
	struct memsrc *m = priv;
	uint64_t left = m->frames - m->pos;
	size_t n = left < max_frames ? (size_t)left : max_frames;

	(void)e;
	memcpy(out, m->buf + m->pos * (size_t)m->channels, n * (size_t)m->channels * sizeof(float));
	m->pos += n;
	*produced = n;
	return 0;
}

static int mem_rewind(void *priv, struct err *e)
{
	(void)e;
	((struct memsrc *)priv)->pos = 0;
	return 0;
}

static void mem_free(void *priv)
{
	struct memsrc *m = priv;
	if (m->owned)
		free(m->buf);
	free(m);
}

struct source *source_memory(float *buf, uint64_t frames, int channels, int rate, int owned)
{
	struct source *s = xcalloc(1, sizeof(*s));
	struct memsrc *m = xcalloc(1, sizeof(*m));

	m->buf = buf;
	m->frames = frames;
	m->channels = channels;
	m->owned = owned;
	s->channels = channels;
	s->rate = rate;
	s->frames = frames;
	s->priv = m;
	s->read = mem_read;
	s->rewind = mem_rewind;
	s->free = mem_free;
	return s;
}
