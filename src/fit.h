/*
 * fit.h - an exact slot length: pauses first, then the speech rate.
 *
 * A show of `fixed` frames that cannot move (speech, jingles, silences) and
 * adjustable pauses is brought to exactly `target` frames:
 *   1. every pause is scaled by one factor within [FIT_PAUSE_MIN, FIT_PAUSE_MAX]
 *      of its planned length (the rounding remainder goes to the longest
 *      pauses, so the sum is exact to the frame);
 *   2. when that is not enough, the speech is made longer or shorter by
 *      changing its rate by at most FIT_RATE_MAX (fit_rate gives the factor;
 *      the caller synthesizes again, then calls fit_pauses with the new
 *      lengths, whose pauses absorb the rest exactly);
 *   3. otherwise the slot cannot be met: the error says by how much the show
 *      is over or under with every bound used.
 * Pure arithmetic: nothing here touches audio.
 */
#ifndef SPRECHER_FIT_H
#define SPRECHER_FIT_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define FIT_PAUSE_MIN 0.5     /* pauses may shrink to half their planned length */
#define FIT_PAUSE_MAX 2.0     /* and grow to twice it */
#define FIT_RATE_MAX 0.05     /* speech 5 % faster or slower at most */
/* fit_rate aims the pauses this far inside their bounds, room for the new speech's rounding */
#define FIT_PAUSE_MARGIN 0.85

/*
 * Sets out[i] (n pauses planned as gaps[i] frames) so that fixed + sum(out)
 * == target exactly, each within its bounds (to a frame). Returns 0, or -1
 * when out of reach: *miss (when not NULL) is then the frames the show is
 * over (> 0) or under (< 0) the target with the pauses at their bound.
 */
int fit_pauses(uint64_t fixed, const uint64_t *gaps, size_t n, uint64_t target, uint64_t *out,
	       int64_t *miss);

/*
 * When fit_pauses cannot reach `target`: the factor by which the length of
 * `speech` frames (part of `fixed`) must change, with the pauses at
 * FIT_PAUSE_MARGIN of their room, within 1 +- FIT_RATE_MAX (> 1: longer,
 * i.e. slower). Returns 0 and sets *factor (1 when the pauses suffice), or -1
 * with *miss as fit_pauses when even that is not enough.
 */
int fit_rate(uint64_t fixed, uint64_t speech, const uint64_t *gaps, size_t n, uint64_t target,
	     double *factor, int64_t *miss);

/* "1.234 s over" / "0.5 s under" for `miss` frames at `rate` into `out`. */
void fit_describe(int64_t miss, int rate, char *out, size_t n);

#endif
