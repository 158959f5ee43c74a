/*
 * rs_bench.c - the resampler figures of `make bench`: for every quality, the
 * CPU time converting speech the way a render does (pieces of about a
 * sentence; `best`, the reference, in one piece) and the difference to `best`
 * over the whole signal, i.e. the energy of (quality - best) relative to the
 * energy of best, in dB (the measure behind the README's choice of the
 * default).
 *
 *   build/rs-bench SPEECH.wav [OUT_RATE]   (e.g. the output of espeak-ng -w)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "audiofile.h"
#include "resample.h"

#define PIECE_SECONDS 3

/* Seconds of CPU time of the whole process (the conversions run in this thread only). */
static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* Converts `in` piece by piece, as the render converts sentence by sentence; returns CPU seconds. */
static double time_pieces(const float *in, size_t n, int rate, int out_rate, enum rs_quality q)
{
	size_t piece = (size_t)rate * PIECE_SECONDS;
	double t0 = cpu_s();

	for (size_t at = 0; at < n; at += piece) {
		size_t k = n - at < piece ? n - at : piece, got;
		float *out;
		struct err e;
		if (rs_convert(in + at, k, 1, rate, out_rate, q, &out, &got, &e)) {
			fprintf(stderr, "rs-bench: %s\n", e.msg);
			exit(1);
		}
		free(out);
	}
	return cpu_s() - t0;
}

static double difference_db(const float *a, const float *ref, size_t n)
{
	double d = 0, s = 0;
	for (size_t i = 0; i < n; i++) {
		double x = (double)a[i] - ref[i];
		d += x * x;
		s += (double)ref[i] * ref[i];
	}
	return d > 0 ? 10 * log10(d / s) : -HUGE_VAL;
}

int main(int argc, char **argv)
{
	float *in, *best = NULL;
	size_t n, nbest = 0;
	int ch, rate, out_rate = argc > 2 ? atoi(argv[2]) : 48000;
	struct err e;
	double secs;

	if (argc < 2) {
		fprintf(stderr, "usage: rs-bench SPEECH.wav [OUT_RATE]\n");
		return 2;
	}
	if (afile_read(argv[1], &in, &n, &ch, &rate, &e)) {
		fprintf(stderr, "rs-bench: %s\n", e.msg);
		return 1;
	}
	if (ch != 1) {
		fprintf(stderr, "rs-bench: %s: want mono speech, got %d channels\n", argv[1], ch);
		return 1;
	}
	secs = (double)n / rate;
	/* best first, whole (it is the reference of the others and slow) */
	{
		double t0 = cpu_s();
		if (rs_convert(in, n, 1, rate, out_rate, RS_BEST, &best, &nbest, &e)) {
			fprintf(stderr, "rs-bench: %s\n", e.msg);
			return 1;
		}
		printf("resample %-6s %-30s %6.0fx real time (%.0f s of speech, %d -> %d Hz)\n",
		       rs_quality_name(RS_BEST), rs_quality_backend(RS_BEST), secs / (cpu_s() - t0),
		       secs, rate, out_rate);
	}
	for (int q = RS_MEDIUM; q >= RS_FAST; q--) {
		float *out;
		size_t got;
		double t = time_pieces(in, n, rate, out_rate, (enum rs_quality)q);
		if (rs_convert(in, n, 1, rate, out_rate, (enum rs_quality)q, &out, &got, &e)) {
			fprintf(stderr, "rs-bench: %s\n", e.msg);
			return 1;
		}
		printf("resample %-6s %-30s %6.0fx real time, %6.2f dB against best\n",
		       rs_quality_name((enum rs_quality)q), rs_quality_backend((enum rs_quality)q),
		       secs / t, difference_db(out, best, got < nbest ? got : nbest));
		free(out);
	}
	free(best);
	free(in);
	return 0;
}
