/*
 * test_meterq.c - the meter on its own thread measures exactly what the
 * meter measures when fed directly: same integrated loudness, LRA and
 * maxima to the bit, for mono and stereo, blocks of varying size; an
 * oversized block is refused.
 */
#include "testutil.h"

#include <math.h>

#include "loudness.h"
#include "meterq.h"

#define RATE 48000
#define MAXB 4096

/* Speech-like bursts: a tone under an on/off envelope with a slow level drift. */
static float *signal_of(size_t n, int ch)
{
	float *x = malloc(n * (size_t)ch * sizeof(float));

	assert_non_null(x);
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / RATE, on = fmod(t, 0.9) < 0.6 ? 1.0 : 0.02;
		double level = 0.1 + 0.3 * (0.5 + 0.5 * sin(2 * M_PI * t / 7.0));
		for (int c = 0; c < ch; c++)
			x[i * (size_t)ch + (size_t)c] = (float)(on * level * sin(2 * M_PI * (180.0 + 40 * c) * t +
										 0.8 * sin(2 * M_PI * 3.1 * t)));
	}
	return x;
}

static void same_figures(int ch, int dual_mono)
{
	size_t n = (size_t)RATE * 12 + 1234, at = 0;
	float *x = signal_of(n, ch);
	struct err e;
	struct meter *a = meter_new(ch, RATE, 0, dual_mono, &e), *b = meter_new(ch, RATE, 0, dual_mono, &e);
	struct meterq *q;
	struct loudness la, lb;

	assert_non_null(a);
	assert_non_null(b);
	q = meterq_new(b, ch, MAXB, &e);
	assert_non_null(q);
	for (size_t k = 1; at < n; k = k * 7 % 4099 + 1) {     /* 1..MAXB frames, varying */
		size_t m = k < n - at ? k : n - at;
		assert_int_equal(meter_add(a, x + at * (size_t)ch, m, &e), 0);
		assert_int_equal(meterq_add(q, x + at * (size_t)ch, m, &e), 0);
		at += m;
	}
	assert_int_equal(meterq_finish(q, &e), 0);
	assert_int_equal(meter_result(a, &la, &e), 0);
	assert_int_equal(meter_result(b, &lb, &e), 0);
	assert_true(isfinite(la.integrated) && la.integrated > -40 && la.integrated < -5);
	assert_true(la.lra > 0);
	assert_memory_equal(&la, &lb, sizeof(la));
	meterq_free(q);
	meter_free(a);
	meter_free(b);
	free(x);
}

static void test_mono(void **state)
{
	(void)state;
	same_figures(1, 1);
}

static void test_stereo(void **state)
{
	(void)state;
	same_figures(2, 0);
}

static void test_oversized_block(void **state)
{
	float x[2 * MAXB + 2] = { 0 };
	struct err e;
	struct meter *m = meter_new(1, RATE, 0, 0, &e);
	struct meterq *q = meterq_new(m, 1, MAXB, &e);

	(void)state;
	assert_non_null(q);
	assert_int_equal(meterq_add(q, x, MAXB + 1, &e), -1);
	assert_non_null(strstr(e.msg, "block"));
	assert_int_equal(meterq_add(q, x, MAXB, &e), 0);
	meterq_free(q);
	meter_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mono),
		cmocka_unit_test(test_stereo),
		cmocka_unit_test(test_oversized_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
