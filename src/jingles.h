/*
 * jingles.h - the programme's intro, stinger and outro: probed, levelled,
 * turned into plan clips and handed to the mixer.
 *
 * Built-in jingles live in memory; files are streamed (source.h) at every
 * placement. Each gets a level gain and, for files, jingle_load's 10 ms /
 * 30 ms fades: both go into the clip (the mixer applies them), nothing is
 * baked into audio.
 *
 * THE LEVEL RULE. A jingle is set relative to the speech: its target is
 * JINGLES_SPEECH_LUFS (eSpeak NG's speech at volume 100 before the
 * programme gain, -17.5 LUFS on the examples) plus its level in dB (the
 * preset's [jingles] level, default -2.5: -20 LUFS, just under the speech;
 * or its own intro/stinger/outro key). A jingle of 1 s or more is measured
 * by its integrated (gated) loudness. A shorter one (a blip; gating blocks
 * are 0.4 s long, so loudness would mostly measure the silence around it and
 * push it up) is measured by its true peak: the peak goes to the target plus
 * JINGLES_PLR_DB (10 dB, the peak-to-loudness ratio of the built-in jingles),
 * -10 dBTP at the default level. The programme gain moves all of it alike.
 *
 * A show's jingles follow the rule at the default level, its beds at
 * JINGLES_BED_LEVEL_DB (-8.5: -26 LUFS, about 8 LU under the speech before
 * ducking); an item's `gain` in the rundown moves it from there. Files are
 * measured by jingles_level_source, through the fades the mixer applies.
 */
#ifndef SPRECHER_JINGLES_H
#define SPRECHER_JINGLES_H

#include <stdint.h>
#include "util.h"
#include "jingle.h"
#include "mix.h"
#include "render.h"

enum { J_INTRO, J_STINGER, J_OUTRO, J__COUNT };

#define JINGLES_SPEECH_LUFS  -17.5   /* the speech's level the jingle levels refer to */
#define JINGLES_PLR_DB        10.0   /* short jingles: true peak above their loudness target */
#define JINGLES_SHORT_S        1.0   /* shorter jingles are measured by their peak */
#define JINGLES_LONG_S        60.0   /* longer file jingles are a warning */
#define JINGLES_BED_LEVEL_DB  -8.5   /* a show's music bed, dB relative to the speech */

struct jingles {
	const struct render_opts *o;
	const char *path[J__COUNT];  /* a file, or NULL: built in (in `mem`) */
	struct jingle mem[J__COUNT];
	struct source *probe[J__COUNT];   /* files: scanned once (length, centred), never read */
	uint64_t frames[J__COUNT];
	uint64_t fade_in[J__COUNT], fade_out[J__COUNT];   /* files: jingle_load's fades */
	double level_db[J__COUNT];   /* set by the caller: dB relative to the speech (voice_jingle_db) */
	double gain_db[J__COUNT];    /* the level rule's gain: the clip's gain in the plan */
	double tp[J__COUNT];         /* linear true peak after that gain and the fades */
	int have;                    /* bit 1 << J_*: the jingle is used */
	int bus_ch;                  /* the mix bus's channel count (1 when all are centred) */
};

/*
 * The level rule's gain for a jingle `frames` long at `rate` with integrated
 * loudness `lufs` and linear true peak `tp` (both as produced), at `level_db`
 * relative to the speech (0 when nothing can be measured).
 */
double jingles_level_gain(uint64_t frames, int rate, double lufs, double tp, double level_db);

/*
 * The level rule for a file: streams `s` from where it is to its end through
 * linear fades of `fade_in`/`fade_out` frames (as the mixer applies them)
 * into a meter, and sets *gain_db (the rule's gain at `level_db`) and *tp
 * (the linear true peak after that gain). `s` is read, not rewound or freed.
 * 0, or -1 with the source's or the meter's error.
 */
int jingles_level_source(struct source *s, uint64_t fade_in, uint64_t fade_out, double level_db,
			 double *gain_db, double *tp, struct err *e);

/*
 * Probes o->intro/stinger/outro (NULL: built in), measures their gains and
 * picks the bus's channel count (none when o->no_jingles or a segment range
 * is rendered: then the bus is mono). `jg` zeroed by the caller. 0 or -1
 * with "PATH: cannot read: ..." errors.
 */
int jingles_prepare(const struct render_opts *o, struct jingles *jg, struct err *e);
/* The plan's prototype clip of jingle `i` (J_*): length, gain, fades, source. */
struct clip jingles_clip(const struct jingles *jg, int i, int segment, enum role role);
/* Flushes `m` up to placed clip `c` and adds jingle `i`'s audio for it. 0 or -1. */
int jingles_mix(const struct jingles *jg, int i, const struct clip *c, struct mix *m,
		struct err *e);
/*
 * Warns about each file jingle longer than JINGLES_LONG_S or than the speech
 * of the programme (first word to last, from `tl`).
 */
void jingles_warn(const struct jingles *jg, const struct timeline *tl, struct warns *w);
void jingles_release(struct jingles *jg);

#endif
