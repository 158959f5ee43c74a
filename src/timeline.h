/*
 * timeline.h - stage 3: the clips of the rendered programme, exact to the frame.
 *
 * The plan of the programme: the placement module (clock.h) appends clips as
 * the script's clip lengths become known; the mixer (mix.h) reads every
 * clip's start, length, gain and fades from here; the sidecar writers
 * (captions, timeline JSON, labels, chapters) and the cue points read it
 * afterwards. All positions are frames of the final file at `rate`.
 */
#ifndef SPRECHER_TIMELINE_H
#define SPRECHER_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include "article.h"

/* CLIP_SILENCE (alias CLIP_PAUSE) clips carry no audio; CLIP_BED is room for music beds. */
enum clip_kind { CLIP_SPEECH, CLIP_JINGLE, CLIP_SILENCE, CLIP_BED };
#define CLIP_PAUSE CLIP_SILENCE

/* Layers: speech and silences on one, jingles (and later beds) on their own. */
enum { LAYER_SPEECH = 0, LAYER_JINGLE = 1, LAYER_BED = 2 };

/* A word start inside a speech clip: frame offset from the clip start, byte offset in `written`. */
struct clip_word {
	uint64_t frame;
	size_t written;
};

/*
 * One clip. Speech clips are one sentence each; `written`/`spoken` are owned
 * copies (NULL for other kinds); `voice` and `source` are owned copies too.
 * `segment` is the script's 1-based segment number (0 for jingles outside
 * segments, e.g. the intro and outro).
 */
struct clip {
	enum clip_kind kind;
	int layer;               /* LAYER_*; clips of different layers may overlap */
	uint64_t start, frames;
	double gain_db;          /* applied by the mixer: 0 = as produced */
	uint64_t fade_in, fade_out;   /* linear fade lengths in frames (mix_fade_gain) */
	int ducks;               /* 1: lowers the beds while it plays (speech: clock_clip_at) */
	int segment;
	enum role role;
	char *voice;
	char *written, *spoken;
	char *source;            /* jingles: file path or "builtin:intro" */
	struct clip_word *words;
	size_t nwords;
};

struct timeline {
	struct clip *clips;
	size_t n, cap;
	int rate;
	uint64_t total_frames;   /* length of the file */
	/* names of segments 1..nnames (a show's items); NULL: none (owned copies) */
	char **names;
	size_t nnames;
};

void timeline_init(struct timeline *t, int rate);
void timeline_release(struct timeline *t);
/* Appends a clip (fields copied; strings duplicated; NULL strings stay NULL). Returns it. */
struct clip *timeline_add(struct timeline *t, const struct clip *c);

/* Sets the segment names (copied; n of them, names[i] for segment i + 1). */
void timeline_set_names(struct timeline *t, const char *const *names, size_t n);
/* The name of `segment`, or NULL. */
const char *timeline_name(const struct timeline *t, int segment);

/* Frames to seconds. */
static inline double timeline_sec(const struct timeline *t, uint64_t frames)
{
	return (double)frames / t->rate;
}

#endif
