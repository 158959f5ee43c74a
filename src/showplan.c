/*
 * showplan.c - the layout of a show's items from their lengths.
 */
#include "showplan.h"

#include <stdlib.h>
#include <string.h>

/* The next item after `i` that is not a bed, or n. */
static size_t next_item(const struct plan_item *it, size_t n, size_t i)
{
	for (i++; i < n && it[i].is_bed; i++)
		;
	return i;
}

/* 1 when item i's pause after it is used (another item follows without overlapping it). */
static int pause_used(const struct plan_item *it, size_t n, size_t i)
{
	size_t j = next_item(it, n, i);

	return j < n && !it[j].overlap;
}

size_t plan_npauses(const struct plan_item *it, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (it[i].is_bed)
			continue;
		if (it[i].nsent > 1)
			k += it[i].nsent - 1;
		k += (size_t)pause_used(it, n, i);
	}
	return k;
}

void plan_pauses(const struct plan_item *it, size_t n, uint64_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (it[i].is_bed)
			continue;
		for (size_t s = 0; s + 1 < it[i].nsent; s++)
			out[k++] = it[i].sent_pause[s];
		if (pause_used(it, n, i))
			out[k++] = it[i].pause;
	}
}

uint64_t plan_item_frames(const struct plan_item *it, const uint64_t *p)
{
	uint64_t f = 0;

	if (!it->nsent)
		return it->frames;
	for (size_t s = 0; s < it->nsent; s++)
		f += it->sent[s] + (s + 1 < it->nsent ? p[s] : 0);
	return f;
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->pos[i].sent_start);
	free(p->pos);
	memset(p, 0, sizeof(*p));
}

/* Places the sentences of speech item `it` from `start` with pauses p[]. */
static void place_sentences(const struct plan_item *it, const uint64_t *p, uint64_t start,
			    struct plan_pos *pos)
{
	uint64_t c = start;

	pos->sent_start = xcalloc(it->nsent ? it->nsent : 1, sizeof(uint64_t));
	for (size_t s = 0; s < it->nsent; s++) {
		pos->sent_start[s] = c;
		c += it->sent[s] + (s + 1 < it->nsent ? p[s] : 0);
	}
}

int plan_layout(const struct plan_item *it, size_t n, const uint64_t *pauses, uint64_t slot,
		const char *rundown, int rate, struct plan *out, struct err *e)
{
	size_t np = plan_npauses(it, n), k = 0, prev = n;
	uint64_t *planned = NULL, cursor = 0, end_max = 0;
	const uint64_t *p = pauses;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->pos = xcalloc(n ? n : 1, sizeof(*out->pos));
	out->n = n;
	if (!p) {
		planned = xcalloc(np ? np : 1, sizeof(*planned));
		plan_pauses(it, n, planned);
		p = planned;
	}
	for (size_t i = 0; i < n; i++) {
		const struct plan_item *t = &it[i];
		struct plan_pos *pos = &out->pos[i];
		uint64_t len, start;

		if (t->is_bed)
			continue;
		len = plan_item_frames(t, p + k);
		if (t->overlap && prev < n) {
			uint64_t plen = out->pos[prev].end - out->pos[prev].start;
			if (t->overlap > plen) {
				err_set(e, "%s:%d: [%s] overlaps %.3f s, longer than [%s] before it (%.3f s)",
					rundown, t->overlap_line, t->name, (double)t->overlap / rate,
					it[prev].name, (double)plen / rate);
				goto out;
			}
			if (prev < n && it[prev].overlap + t->overlap > plen) {
				err_set(e, "%s:%d: the crossfades into and out of [%s] (%.3f s) are longer than it (%.3f s)",
					rundown, t->overlap_line, it[prev].name,
					(double)(it[prev].overlap + t->overlap) / rate, (double)plen / rate);
				goto out;
			}
			start = out->pos[prev].end - t->overlap;
		} else {
			start = cursor;
		}
		if (t->closer && slot) {
			if (len > slot || slot - len < start) {
				err_set(e, "%s:%d: the closer [%s] cannot end at the slot end: what precedes it is %.3f s too long",
					rundown, t->line, t->name,
					(double)(start + len - slot) / rate);
				goto out;
			}
			start = slot - len;
		}
		pos->start = start;
		pos->end = start + len;
		if (t->nsent)
			place_sentences(t, p + k, start, pos);
		k += t->nsent > 1 ? t->nsent - 1 : 0;
		cursor = pos->end;
		if (pause_used(it, n, i))
			cursor += p[k++];
		if (pos->end > end_max)
			end_max = pos->end;
		prev = i;
	}
	for (size_t i = 0; i < n; i++) {
		size_t first = next_item(it, n, i), u = it[i].until;
		if (!it[i].is_bed)
			continue;
		out->pos[i].start = first < n ? out->pos[first].start : end_max;
		out->pos[i].end = out->pos[u].end;
		/* through the pause after its last item, up to the next item's start */
		if (next_item(it, n, u) < n && out->pos[next_item(it, n, u)].start > out->pos[u].end)
			out->pos[i].end = out->pos[next_item(it, n, u)].start;
		if (out->pos[i].end < out->pos[i].start)
			out->pos[i].end = out->pos[i].start;
	}
	out->total = end_max;
	rc = 0;
out:
	free(planned);
	return rc;
}
