/*
 * meterq.h - a loudness meter (loudness.h) on its own thread.
 *
 * The pass-1 bus meter is the costliest step of a render whose sentences come
 * from the cache. meterq_add copies a block into a short queue and returns;
 * a thread feeds the blocks to the meter in order, so the meter runs beside
 * the mixing and spooling instead of after them. The meter sees exactly the
 * frames in the same order and pieces as with meter_add: its figures are
 * the same to the bit.
 */
#ifndef SPRECHER_METERQ_H
#define SPRECHER_METERQ_H

#include <stddef.h>
#include "util.h"

struct meter;
struct meterq;

/*
 * Starts the thread for `m` (still the caller's: meterq_free does not free
 * it) with blocks of up to `max_frames` frames of `channels` channels.
 * NULL with an error when the thread cannot start.
 */
struct meterq *meterq_new(struct meter *m, int channels, size_t max_frames, struct err *e);

/*
 * Queues a copy of nframes (<= max_frames) frames; waits while the queue is
 * full. Returns 0, or -1 with the meter's error once it has failed.
 */
int meterq_add(struct meterq *q, const float *frames, size_t nframes, struct err *e);

/* Waits until every queued block is measured and stops the thread. 0, or -1 with the error. */
int meterq_finish(struct meterq *q, struct err *e);

/* Finishes (when not done) and frees; NULL is fine. */
void meterq_free(struct meterq *q);

#endif
