/*
 * showplan.h - placement of a show: item lengths, pauses and overlaps ->
 * the start of every item and sentence, exact to the frame.
 *
 * Pure arithmetic on lengths (nothing here touches audio), so the same
 * layout serves the running order (`sprecher script`, from estimates), the
 * slot fit (fit.h) and the render (from the synthesized lengths):
 *   - items follow each other in rundown order, each after the previous
 *     item's pause; an item with an overlap or crossfade starts that long
 *     before the previous item ends instead (the previous pause is unused);
 *   - a speech item is its sentences with their pauses between them;
 *   - a bed starts with the item after it and lasts until the item it names
 *     ends (with that item's pause, when another item follows);
 *   - the show ends where its last item ends; with a slot, the closer is
 *     placed so that it ends exactly at the slot end (backtiming).
 * Every adjustable pause (between sentences, after items) is one entry of
 * a pause vector, in order, so fit.h can scale them.
 */
#ifndef SPRECHER_SHOWPLAN_H
#define SPRECHER_SHOWPLAN_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

struct plan_item {
	int is_bed;
	uint64_t frames;          /* jingle, silence: length; speech: 0 (from sent[]) */
	const uint64_t *sent;     /* speech: sentence lengths (nsent of them) */
	const uint64_t *sent_pause; /* speech: the pause after sentence k (k < nsent - 1) */
	size_t nsent;
	uint64_t overlap;         /* frames before the previous item's end (0: after its pause) */
	uint64_t pause;           /* after the item */
	int closer;
	size_t until;             /* beds: index of the item under which it ends */
	/* for errors */
	const char *name;
	int line, overlap_line;
};

/* Where an item landed: [start, end) in programme frames; speech: each sentence's start. */
struct plan_pos {
	uint64_t start, end;
	uint64_t *sent_start;     /* nsent entries (owned; plan_release frees) */
};

struct plan {
	struct plan_pos *pos;     /* one per item */
	size_t n;
	uint64_t total;           /* frames of the show */
};

/* The number of entries of the pause vector. */
size_t plan_npauses(const struct plan_item *it, size_t n);
/* The planned pause vector (from the items) into `out` (plan_npauses entries). */
void plan_pauses(const struct plan_item *it, size_t n, uint64_t *out);

/*
 * Places the items with `pauses` (plan_npauses entries; NULL: as planned).
 * `slot` > 0: the closer ends at `slot`, and the show lasts `slot` frames.
 * Returns 0, or -1 with "RUNDOWN:LINE: ..." when an overlap is longer than
 * the item before it, or the crossfades at both ends of an item are longer
 * than the item, or the closer would start before what precedes it ends.
 * `rundown` names the file in errors.
 */
int plan_layout(const struct plan_item *it, size_t n, const uint64_t *pauses, uint64_t slot,
		const char *rundown, int rate, struct plan *out, struct err *e);
void plan_release(struct plan *p);

/* The length of an item's own audio (sentences and their pauses, or `frames`). */
uint64_t plan_item_frames(const struct plan_item *it, const uint64_t *pauses_of_item);

#endif
