/*
 * dcblock.h - a DC blocker for speech: a one-pole high-pass at DCBLOCK_HZ.
 *
 * eSpeak NG's output carries a small DC offset (about -63 dBFS on the
 * examples). Each sentence is filtered on its own, from a state as if the
 * signal had stood at its first sample forever, so the result depends only
 * on the sentence (a cached sentence equals a synthesized one) and the
 * first sample comes out 0.
 */
#ifndef SPRECHER_DCBLOCK_H
#define SPRECHER_DCBLOCK_H

#include <stddef.h>

#define DCBLOCK_HZ 20.0           /* -3 dB corner; -0.2 dB at 100 Hz */

/*
 * Filters `n` mono samples at `rate` in place: y[i] = x[i] - x[i-1] + r * y[i-1]
 * with r = exp(-2 pi DCBLOCK_HZ / rate), x[-1] = x[0], y[-1] = 0.
 */
void dcblock_apply(float *samples, size_t n, int rate);

#endif
