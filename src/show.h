/*
 * show.h - a whole show from a rundown (rundown.h): every item assembled,
 * synthesized, placed (showplan.h, fitted to the slot with fit.h), mixed
 * with its jingles and ducked, looped beds (showmix.h), and mastered as one
 * programme (master.h: loudness of the whole show, true-peak ceiling).
 *
 * Timeline: one segment per item (its 1-based index in the rundown), named
 * after the item (timeline.seg_names), so captions, labels, chapters and cue
 * points follow the items. Nothing here prints.
 */
#ifndef SPRECHER_SHOW_H
#define SPRECHER_SHOW_H

#include <stdint.h>
#include "util.h"
#include "foreign.h"
#include "render.h"
#include "rundown.h"
#include "timeline.h"

struct synth;

struct show_opts {
	const char *rundown;          /* path of the .rundown file */
	const char *voice;            /* --voice: items without their own voice */
	const char *const *lexicons;
	int nlex;
	const char *date;             /* --date; NULL or "": the rundown's, else SOURCE_DATE_EPOCH */
	int fit_ms;                   /* --fit; 0: the rundown's length (or none) */
	int only_item;                /* 1-based: render only this item (preview); 0: all */
	foreign_phonemizer phonemizer; /* eSpeak phonemes for foreign words (foreign.h); NULL: none */
	void *phonemizer_ctx;
};

struct show_result {
	struct render_result r;
	uint64_t slot_frames;         /* 0: no slot */
	double rate_factor;           /* speech length factor the fit used (1: none) */
	double pause_factor;          /* total pause length against the plan (1: as planned) */
	char title[256];              /* the show's, from the rundown */
	char date[32], artist[256];   /* what o->meta points to when the rundown gave them */
};

/* 1 when `path` names a rundown (ends in ".rundown"). */
int show_is_rundown(const char *path);

/*
 * Renders the show into o->fmt.output, filling `tl` (timeline_init'ed by the
 * caller) and `res`. o->meta.date/artist are taken from the rundown where
 * the caller left them NULL. Returns 0, or -1 with an error naming the
 * rundown file and line where one applies; nothing is written on error.
 */
int show_render(const struct show_opts *so, struct render_opts *o, struct synth *syn,
		struct timeline *tl, struct show_result *res, struct warns *w, struct err *e);

/*
 * The running order without rendering: every item with its start, length
 * (speech estimated from the text, jingles measured), kind and name, and
 * the estimated total against the slot. Appends to `out`. 0 or -1.
 */
int show_script(const struct show_opts *so, const struct render_opts *o, struct sb *out,
		struct warns *w, struct err *e);

#endif
