/*
 * jingles.h - the programme's intro, stinger and outro: probed, levelled,
 * turned into plan clips and handed to the mixer.
 *
 * Built-in jingles live in memory; files are streamed (source.h) at every
 * placement. Each gets the gain that brings it to -20 LUFS (just under the
 * speech) and, for files, jingle_load's 10 ms / 30 ms fades: both go into
 * the clip (the mixer applies them), nothing is baked into audio.
 */
#ifndef SPRECHER_JINGLES_H
#define SPRECHER_JINGLES_H

#include <stdint.h>
#include "util.h"
#include "jingle.h"
#include "mix.h"
#include "render.h"

enum { J_INTRO, J_STINGER, J_OUTRO, J__COUNT };

struct jingles {
	const struct render_opts *o;
	const char *path[J__COUNT];  /* a file, or NULL: built in (in `mem`) */
	struct jingle mem[J__COUNT];
	struct source *probe[J__COUNT];   /* files: scanned once (length, centred), never read */
	uint64_t frames[J__COUNT];
	uint64_t fade_in[J__COUNT], fade_out[J__COUNT];   /* files: jingle_load's fades */
	double gain_db[J__COUNT];    /* brings each to -20 LUFS: the clip's gain in the plan */
	double tp[J__COUNT];         /* linear true peak after that gain and the fades */
	int have;                    /* bit 1 << J_*: the jingle is used */
	int bus_ch;                  /* the mix bus's channel count (1 when all are centred) */
};

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
void jingles_release(struct jingles *jg);

#endif
