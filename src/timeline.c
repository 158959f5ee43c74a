/*
 * timeline.c - the list of placed clips.
 */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void timeline_init(struct timeline *t, int rate)
{
	memset(t, 0, sizeof(*t));
	t->rate = rate;
}

void timeline_release(struct timeline *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct clip *c = &t->clips[i];
		free(c->voice);
		free(c->written);
		free(c->spoken);
		free(c->source);
		free(c->words);
	}
	free(t->clips);
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	timeline_init(t, t->rate);
}

void timeline_set_names(struct timeline *t, const char *const *names, size_t n)
{
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	t->names = n ? xcalloc(n, sizeof(*t->names)) : NULL;
	t->nnames = n;
	for (size_t i = 0; i < n; i++)
		t->names[i] = names[i] ? xstrdup(names[i]) : NULL;
}

const char *timeline_name(const struct timeline *t, int segment)
{
	return segment >= 1 && (size_t)segment <= t->nnames ? t->names[segment - 1] : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct clip *timeline_add(struct timeline *t, const struct clip *c)
{
	struct clip *n;

	XGROW(t->clips, t->cap, t->n + 1);
	n = &t->clips[t->n++];
	*n = *c;
	n->voice = dup_or_null(c->voice);
	n->written = dup_or_null(c->written);
	n->spoken = dup_or_null(c->spoken);
	n->source = dup_or_null(c->source);
	if (c->nwords) {
		n->words = xmalloc(c->nwords * sizeof(*n->words));
		memcpy(n->words, c->words, c->nwords * sizeof(*n->words));
	} else {
		n->words = NULL;
	}
	if (c->start + c->frames > t->total_frames)
		t->total_frames = c->start + c->frames;
	return n;
}
