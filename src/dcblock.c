/*
 * dcblock.c - the one-pole DC blocker of dcblock.h.
 */
#include "dcblock.h"

#include <math.h>

void dcblock_apply(float *samples, size_t n, int rate)
{
	const double r = exp(-2.0 * M_PI * DCBLOCK_HZ / rate);
	double x1, y1 = 0.0;

	if (!n)
		return;
	x1 = samples[0];
	for (size_t i = 0; i < n; i++) {
		double x = samples[i];
		double y = x - x1 + r * y1;
		x1 = x;
		y1 = y;
		samples[i] = (float)y;
	}
}
