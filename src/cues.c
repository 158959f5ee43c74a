/*
 * cues.c - cue points of the output file from the timeline.
 */
#include "cues.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* Appends at most `max` code points of `text` to `out`, ending on a word when it has to cut. */
static void add_prefix(char *out, size_t size, const char *text, size_t max)
{
	size_t i = 0, n = 0, len = strlen(text), cut = 0, o = strlen(out);
	uint32_t cp;

	while (i < len && n < max) {
		int k = utf8_decode(text + i, len - i, &cp);
		if (k <= 0)
			break;
		if (cp == ' ')
			cut = i;
		i += (size_t)k;
		n++;
	}
	if (i < len && cut > 0)
		i = cut;
	if (o + i + 1 > size)
		return;
	memcpy(out + o, text, i);
	out[o + i] = '\0';
}

/*
 * A cue point at the first frame of every segment, named "N role: first
 * words" after the segment's first sentence (a heading's cue sits on the
 * stinger that opens it).
 */
void cues_from_timeline(const struct timeline *tl, struct afile_cue **cues, size_t *n)
{
	int last = -1;

	*cues = xcalloc(tl->n ? tl->n : 1, sizeof(**cues));
	*n = 0;
	for (size_t i = 0; i < tl->n; i++) {
		const struct clip *c = &tl->clips[i];
		struct afile_cue *q;
		size_t k = i;
		/* a show's silence item is an item too */
		if (c->segment <= 0 || c->segment == last ||
		    (c->kind == CLIP_PAUSE && !timeline_name(tl, c->segment)))
			continue;
		last = c->segment;
		while (k < tl->n && tl->clips[k].segment == c->segment && tl->clips[k].kind != CLIP_SPEECH)
			k++;
		q = &(*cues)[(*n)++];
		q->frame = c->start;
		if (timeline_name(tl, c->segment)) {
			/* a show's items: the cue is named after the item */
			snprintf(q->label, sizeof(q->label), "%d %s", c->segment, timeline_name(tl, c->segment));
			continue;
		}
		snprintf(q->label, sizeof(q->label), "%d %s: ", c->segment, role_name(c->role));
		if (k < tl->n && tl->clips[k].segment == c->segment && tl->clips[k].written)
			add_prefix(q->label, sizeof(q->label), tl->clips[k].written, 48);
	}
}
