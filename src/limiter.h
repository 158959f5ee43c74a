/*
 * limiter.h - gain and look-ahead true-peak limiter.
 *
 * Applies a fixed linear gain and keeps the 4x-oversampled (true) peak at or
 * below the ceiling with a smooth gain envelope (attack over the look-ahead,
 * slow release); never clips. The output is delayed by lim_latency() frames:
 * the caller drops that many frames from the start so nothing shifts in time,
 * and feeds lim_latency() frames of silence at the end to get the tail out.
 *
 * Details: 4x polyphase FIR (16 taps per phase) for the peak estimate, 3 ms
 * look-ahead/attack, 150 ms release, 0.25 dB safety margin below the ceiling
 * (libebur128's true peak of the output stays at or below the ceiling; the
 * estimator differs from it by at most ~0.12 dB even on test signals near
 * Nyquist). Signals that never come near the ceiling pass as exactly
 * gain * input. About 550x real time for stereo 48 kHz under heavy limiting.
 */
#ifndef SPRECHER_LIMITER_H
#define SPRECHER_LIMITER_H

#include <stddef.h>
#include "util.h"

struct limiter;

/* Fails for a ceiling above 0 dBTP, a non-finite gain, or an odd format. */
struct limiter *lim_new(int channels, int rate, double gain_db, double ceiling_dbtp,
			struct err *e);
/* Frames of delay between input and output. */
size_t lim_latency(const struct limiter *l);
/*
 * Processes in[0..nframes) into out[0..nframes) (may be the same buffer); the
 * first lim_latency() output frames of the whole stream are the delay.
 */
void lim_process(struct limiter *l, const float *in, float *out, size_t nframes);
/* Gain reduction statistics: frames where the limiter acted, deepest reduction in dB. */
void lim_stats(const struct limiter *l, size_t *limited_frames, double *max_reduction_db);
void lim_free(struct limiter *l);

#endif
