/*
 * clock.h - placement: clip lengths and the preset's gaps -> placed clips.
 *
 * The clock keeps the cursor of the programme and appends clips to a
 * timeline in the order they are played: the intro (with its talk-up or the
 * intro gap), then sentences with their pauses, a stinger and its gap before
 * each new section, the outro gap and the outro. It touches no audio: the
 * caller gives each clip's length in frames (a sentence's length is known once
 * it is synthesized and resampled, so placement runs clip by clip) and then
 * hands the placed clip to the mixer.
 *
 * THE CLIP RULES (clock_clip_at) hold for every programme, a single article
 * and a show alike (show.c lays a show out with showplan.h and places each
 * clip through clock_clip_at): a clip's layer follows its kind; a speech clip
 * gets the sentence edge fades of the options and ducks the other layers
 * (beds) while it plays.
 */
#ifndef SPRECHER_CLOCK_H
#define SPRECHER_CLOCK_H

#include <stdint.h>
#include "timeline.h"

struct clock_opts {
	int rate;                 /* frames per second of the programme */
	int intro_gap_ms;         /* after the intro when there is no talk-up */
	int stinger_gap_ms;       /* after a section stinger */
	int outro_gap_ms;         /* before the outro */
	int talkup_ms;            /* > 0: speech starts this long before the intro ends */
	int speech_fade_in_ms, speech_fade_out_ms;   /* fades at every sentence's edges (0: none) */
};

/* The render's sentence fades: eSpeak NG starts a sentence with a step (-35 dBFS) */
#define CLOCK_SPEECH_FADE_IN_MS  5
#define CLOCK_SPEECH_FADE_OUT_MS 5

struct clock {
	struct clock_opts o;
	struct timeline *tl;      /* not owned */
	uint64_t cursor;          /* frame where the next clip starts */
};

/* Milliseconds to frames at `rate`, rounded to the nearest frame (0 when ms <= 0). */
uint64_t clock_ms_to_frames(int ms, int rate);

/*
 * `proto` placed at `start` by the clip rules above: its layer from its kind;
 * a speech clip's fades from `o` and ducks set. Everything else is kept.
 */
struct clip clock_clip_at(const struct clock_opts *o, const struct clip *proto, uint64_t start);

/* Starts an empty programme on `tl` (timeline_init'ed by the caller). */
void clock_init(struct clock *c, const struct clock_opts *o, struct timeline *tl);

/*
 * Places `proto` (kind, length, gain, fades, texts...; its start and layer are
 * set here, and a speech clip's fades from the options) at the cursor and moves the cursor past it. Returns the clip in
 * the timeline, valid until the next clip is added.
 */
const struct clip *clock_place(struct clock *c, const struct clip *proto);

/* A silence of `ms` (nothing when it rounds to 0 frames). */
void clock_pause(struct clock *c, int ms, int segment, enum role role);

/*
 * The intro jingle `j` (a prototype as for clock_place), then either the
 * talk-up (the cursor goes back by talkup_ms, at most to the intro's start)
 * or the intro gap.
 */
const struct clip *clock_intro(struct clock *c, const struct clip *j);
/* A section stinger and the stinger gap (the heading follows). */
const struct clip *clock_stinger(struct clock *c, const struct clip *j);
/* The outro gap and the outro jingle. */
const struct clip *clock_outro(struct clock *c, const struct clip *j);

/*
 * Ends the programme: the file lasts until the cursor or the end of the
 * longest clip (an intro longer than all that follows its talk-up), whichever
 * is later. Sets and returns tl->total_frames.
 */
uint64_t clock_finish(struct clock *c);

#endif
