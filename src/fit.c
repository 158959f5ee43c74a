/*
 * fit.c - pauses and speech rate brought to an exact slot length.
 */
#include "fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t sum(const uint64_t *v, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	return s;
}

/* The total of the pauses scaled by `k` and rounded down. */
static uint64_t scaled_sum(const uint64_t *gaps, size_t n, double k)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (uint64_t)floor((double)gaps[i] * k);
	return s;
}

int fit_pauses(uint64_t fixed, const uint64_t *gaps, size_t n, uint64_t target, uint64_t *out,
	       int64_t *miss)
{
	uint64_t total = sum(gaps, n), lo, hi, want, got;
	double k;

	lo = scaled_sum(gaps, n, FIT_PAUSE_MIN);
	hi = scaled_sum(gaps, n, FIT_PAUSE_MAX);
	if (fixed + lo > target || fixed + hi < target || (!total && fixed != target)) {
		if (miss)
			*miss = fixed + lo > target ? (int64_t)(fixed + lo - target)
				: -(int64_t)(target - fixed - hi);
		return -1;
	}
	want = target - fixed;
	k = total ? (double)want / (double)total : 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (uint64_t)floor((double)gaps[i] * k);
	got = sum(out, n);
	/* the frames lost by rounding down (fewer than n): one each to the pauses with the
	 * largest fractions (largest remainder), earlier pauses first on a tie */
	while (got < want) {
		size_t best = n;
		double bf = -1;

		for (size_t i = 0; i < n; i++) {
			double fr = (double)gaps[i] * k - (double)out[i];
			if (gaps[i] && fr > bf) {
				bf = fr;
				best = i;
			}
		}
		out[best]++;
		got++;
	}
	if (miss)
		*miss = 0;
	return 0;
}

int fit_rate(uint64_t fixed, uint64_t speech, const uint64_t *gaps, size_t n, uint64_t target,
	     double *factor, int64_t *miss)
{
	uint64_t *tmp = n ? malloc(n * sizeof(*tmp)) : NULL;
	uint64_t other = fixed - speech, total = sum(gaps, n);
	double p, need, f;
	int over;

	if (fit_pauses(fixed, gaps, n, target, tmp, NULL) == 0) {
		free(tmp);
		*factor = 1;
		return 0;
	}
	free(tmp);
	over = fixed + scaled_sum(gaps, n, FIT_PAUSE_MIN) > target;
	/* the pauses aimed a margin inside their bound */
	p = (double)total * (over ? 1 - (1 - FIT_PAUSE_MIN) * FIT_PAUSE_MARGIN
			    : 1 + (FIT_PAUSE_MAX - 1) * FIT_PAUSE_MARGIN);
	need = (double)target - (double)other - p;
	f = speech ? need / (double)speech : 0;
	if (!speech || f < 1 - FIT_RATE_MAX || f > 1 + FIT_RATE_MAX) {
		/* with everything at its bound */
		double lim = over ? (double)other + (double)speech * (1 - FIT_RATE_MAX) +
					    (double)scaled_sum(gaps, n, FIT_PAUSE_MIN)
				  : (double)other + (double)speech * (1 + FIT_RATE_MAX) +
					    (double)scaled_sum(gaps, n, FIT_PAUSE_MAX);
		if (speech && (over ? lim <= (double)target : lim >= (double)target)) {
			/* reachable with the rate at its bound and the pauses beyond the margin */
			*factor = over ? 1 - FIT_RATE_MAX : 1 + FIT_RATE_MAX;
			return 0;
		}
		if (miss)
			*miss = (int64_t)llround(lim - (double)target);
		if (miss && over && *miss <= 0)
			*miss = 1;
		if (miss && !over && *miss >= 0)
			*miss = -1;
		return -1;
	}
	*factor = f;
	return 0;
}

void fit_describe(int64_t miss, int rate, char *out, size_t n)
{
	double s = (double)(miss < 0 ? -miss : miss) / rate;

	snprintf(out, n, "%.3f s %s", s, miss > 0 ? "over" : "under");
}
