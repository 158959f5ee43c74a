/*
 * showmix.h - the streaming sources a show adds to the mixer beside speech
 * and jingles: a bed looped with a crossfade, and a bed ducked by its
 * envelope (duck.h). Both wrap another source (source.h) and keep its
 * memory flat: a loop holds the first `xfade` frames of its input, a duck
 * nothing.
 */
#ifndef SPRECHER_SHOWMIX_H
#define SPRECHER_SHOWMIX_H

#include <stdint.h>
#include "util.h"
#include "source.h"
#include "duck.h"

/*
 * `in` (owned) repeated to `frames` frames: each repeat starts `xfade` frames
 * before the previous one ends, the two crossfaded with equal-power
 * (sine/cosine) ramps. An input at least as long as `frames` just plays.
 * `xfade` is cut to a quarter of the input when it is longer. NULL with an
 * error (the input freed).
 */
struct source *source_loop(struct source *in, uint64_t frames, uint64_t xfade, struct err *e);

/*
 * `in` (owned) multiplied by the envelope `env` (taken over: the source frees
 * it), the input's first frame being programme frame `first`.
 */
struct source *source_ducked(struct source *in, struct duck_env *env, uint64_t first);

#endif
