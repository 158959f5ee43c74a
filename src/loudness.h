/*
 * loudness.h - EBU R128 measurement (the only module that uses libebur128).
 */
#ifndef SPRECHER_LOUDNESS_H
#define SPRECHER_LOUDNESS_H

#include <stddef.h>
#include "util.h"

struct loudness {
	double integrated;      /* LUFS; -HUGE_VAL for silence */
	double true_peak;       /* dBTP, maximum over channels */
	double lra;             /* LU */
	double max_momentary;   /* LUFS */
	double max_short_term;  /* LUFS */
};

struct meter;

/*
 * A meter for `channels` channels at `rate`. `true_peak` = 0 skips the
 * (costly) true-peak measurement. `dual_mono` measures a 1-channel signal as
 * if it were played on both channels of a stereo pair (what a mono signal
 * written as stereo would measure). Uses histogram mode: memory stays flat,
 * but gating blocks fall into 0.1 LU bins, so `integrated` and `lra` are exact
 * to +-0.05 LU (momentary, short-term and true peak are not binned).
 */
struct meter *meter_new(int channels, int rate, int true_peak, int dual_mono, struct err *e);
int meter_add(struct meter *m, const float *frames, size_t nframes, struct err *e);
/* Fills `out`; values not measured are -HUGE_VAL. */
int meter_result(struct meter *m, struct loudness *out, struct err *e);
/*
 * Combines meters that measured consecutive parts of one programme (e.g. in
 * parallel): integrated loudness and LRA over all parts (libebur128's
 * _multiple functions), the maximum true peak, momentary and short-term
 * loudness over the parts (windows do not span part boundaries).
 */
int meter_result_multiple(struct meter **ms, size_t n, struct loudness *out, struct err *e);
void meter_free(struct meter *m);

/*
 * The true peak (4x oversampled, linear: 1.0 = 0 dBTP) of a short clip on
 * its own, e.g. one sentence at the synthesizer's rate. Thread-safe; 0 for
 * an empty clip or when the meter cannot be created.
 */
double loudness_true_peak(const float *frames, size_t nframes, int channels, int rate);

/*
 * Parses a number of LUFS in -70..0 ("-23", "-16.5") or a name, case-insensitive:
 * "ebu" or "r128" (-23), "podcast" (-16), "atsc" (-24). Returns 0 or -1.
 */
int loudness_target_parse(const char *s, double *lufs);

#endif
