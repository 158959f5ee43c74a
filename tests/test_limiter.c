/*
 * test_limiter.c - true peak stays under the ceiling (measured with
 * libebur128 through the loudness module), quiet signals pass unchanged,
 * latency is exact, nothing clips, speed.
 */
#include "testutil.h"

#include <math.h>
#include <time.h>

#include "limiter.h"
#include "loudness.h"

#define RATE 48000

static uint32_t rng = 1;
static double frand(void)
{
	rng = rng * 1664525u + 1013904223u;
	return (double)(rng >> 8) / 16777216.0 - 0.5;
}

/* Loud material: noise bursts, clicks, square-ish edges, high sines near fs/4. */
static float *nasty(size_t n, int ch)
{
	float *p = malloc(n * (size_t)ch * sizeof(float));
	double lp = 0;
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / RATE, x;
		int part = (int)(t * 2) % 5;
		lp += 0.3 * (frand() - lp);
		switch (part) {
		case 0: x = 3 * lp * (0.5 + 0.5 * sin(2 * M_PI * 3 * t)); break;
		case 1: x = (i % 4800) < 5 ? 0.99 : 0.1 * sin(2 * M_PI * 200 * t); break;   /* clicks */
		case 2: x = sin(2 * M_PI * 12000 * t + M_PI / 4) * 0.9; break;               /* inter-sample overs */
		case 3: x = ((i / 60) & 1) ? 0.95 : -0.95; break;                             /* square 400 Hz */
		default: x = 0.5 * sin(2 * M_PI * 997 * t) + 0.45 * sin(2 * M_PI * 9000 * t); break;
		}
		for (int c = 0; c < ch; c++)
			p[i * (size_t)ch + (size_t)c] = (float)(c ? -x : x);
	}
	return p;
}

static double true_peak(const float *p, size_t n, int ch)
{
	struct err e;
	struct loudness l;
	struct meter *m = meter_new(ch, RATE, 1, 0, &e);
	assert_non_null(m);
	assert_int_equal(meter_add(m, p, n, &e), 0);
	assert_int_equal(meter_result(m, &l, &e), 0);
	meter_free(m);
	return l.true_peak;
}

/* Runs the limiter over p (plus latency frames of zeros) and returns the aligned output. */
static float *run(struct limiter *l, const float *p, size_t n, int ch, size_t block)
{
	size_t lat = lim_latency(l), total = n + lat;
	float *in = calloc(total * (size_t)ch, sizeof(float));
	float *out = malloc(total * (size_t)ch * sizeof(float));
	float *res = malloc(n * (size_t)ch * sizeof(float));
	memcpy(in, p, n * (size_t)ch * sizeof(float));
	for (size_t done = 0; done < total;) {
		size_t k = total - done < block ? total - done : block;
		lim_process(l, in + done * (size_t)ch, out + done * (size_t)ch, k);
		done += k;
	}
	memcpy(res, out + lat * (size_t)ch, n * (size_t)ch * sizeof(float));
	free(in);
	free(out);
	return res;
}

static void test_ceiling(void **state)
{
	static const double gains[] = { 0, 6, 12, 20 };
	static const double ceils[] = { -1, -2, -0.1 };
	size_t n = RATE * 10;
	float *p = nasty(n, 2);
	(void)state;
	for (size_t g = 0; g < ARRAY_LEN(gains); g++) {
		for (size_t c = 0; c < ARRAY_LEN(ceils); c++) {
			struct err e;
			struct limiter *l = lim_new(2, RATE, gains[g], ceils[c], &e);
			float *o;
			double tp, red;
			size_t lim;
			assert_non_null(l);
			o = run(l, p, n, 2, 4096);
			tp = true_peak(o, n, 2);
			lim_stats(l, &lim, &red);
			assert_true(tp <= ceils[c]);
			assert_true(lim > 0);
			assert_true(red > 0);
			for (size_t i = 0; i < n * 2; i++)
				assert_true(fabsf(o[i]) < 1.0f);
			lim_free(l);
			free(o);
		}
	}
	free(p);
}

/* A signal far below the ceiling comes out as gain * input, delayed by the latency. */
static void test_quiet_unchanged(void **state)
{
	size_t n = RATE * 2;
	float *p = malloc(n * 2 * sizeof(float)), *o;
	struct err e;
	struct limiter *l = lim_new(2, RATE, 6.0, -1, &e);
	float g = (float)pow(10, 6.0 / 20);
	size_t lim;
	double red;
	(void)state;
	for (size_t i = 0; i < n; i++) {
		p[2 * i] = (float)(0.1 * sin(2 * M_PI * 440 * (double)i / RATE));
		p[2 * i + 1] = (float)(0.05 * frand());
	}
	o = run(l, p, n, 2, 333);
	for (size_t i = 0; i < n * 2; i++)
		assert_true(o[i] == p[i] * g);
	lim_stats(l, &lim, &red);
	assert_int_equal(lim, 0);
	assert_true(red == 0);
	lim_free(l);
	free(o);
	free(p);
}

/* An impulse comes out exactly lim_latency() frames later. */
static void test_latency(void **state)
{
	struct err e;
	struct limiter *l = lim_new(1, RATE, 0, -1, &e);
	size_t lat = lim_latency(l);
	float in[1000] = { 0 }, out[1000];
	(void)state;
	assert_true(lat > RATE * 2 / 1000 && lat < RATE * 6 / 1000);
	in[10] = 0.5f;
	lim_process(l, in, out, 1000);
	for (size_t i = 0; i < 1000; i++)
		assert_true(out[i] == (i == 10 + lat ? 0.5f : 0.0f));
	lim_free(l);
}

/* Gain reduction is smooth: no step larger than the attack ramp allows. */
static void test_smooth(void **state)
{
	size_t n = RATE;
	float *p = calloc(n, sizeof(float)), *o;
	struct err e;
	struct limiter *l = lim_new(1, RATE, 0, -1, &e);
	(void)state;
	for (size_t i = 0; i < n; i++)
		p[i] = (float)((i > RATE / 2 ? 1.0 : 0.2) * sin(2 * M_PI * 100 * (double)i / RATE));
	o = run(l, p, n, 1, 1000);
	/* the envelope o/p never jumps by more than 1/LOOK per frame */
	for (size_t i = 1; i < n; i++) {
		if (fabsf(p[i]) > 0.05f && fabsf(p[i - 1]) > 0.05f) {
			double g1 = o[i] / p[i], g0 = o[i - 1] / p[i - 1];
			assert_true(fabs(g1 - g0) < 0.01);
		}
	}
	assert_true(true_peak(o, n, 1) <= -1.0);
	lim_free(l);
	free(p);
	free(o);
}

static void test_errors(void **state)
{
	struct err e = { "" };
	(void)state;
	assert_null(lim_new(0, RATE, 0, -1, &e));
	assert_true(strlen(e.msg) > 0);
	assert_null(lim_new(2, RATE, 0, 3, &e));
	assert_null(lim_new(2, RATE, NAN, -1, &e));
	lim_free(NULL);
}

static void test_speed(void **state)
{
	size_t n = RATE * 60;
	float *p = nasty(n, 2), *o = malloc(n * 2 * sizeof(float));
	struct err e;
	struct limiter *l = lim_new(2, RATE, 10, -1, &e);
	struct timespec a, b;
	double secs;
	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (size_t done = 0; done < n; done += 4800)
		lim_process(l, p + done * 2, o + done * 2, 4800);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
	print_message("limiter: 60 s stereo 48 kHz (heavy limiting) in %.3f s = %.0fx real time\n",
		      secs, 60 / secs);
	lim_free(l);
	free(p);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling),
		cmocka_unit_test(test_quiet_unchanged),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_smooth),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_speed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
