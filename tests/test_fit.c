/*
 * test_fit.c - exact slot lengths: pauses scaled to the frame, the rate
 * factor within its bound, and clear over/under amounts when out of reach.
 */
#include "testutil.h"

#include <math.h>
#include "util.h"
#include "fit.h"

#define RATE 48000

static uint64_t sum(const uint64_t *v, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	return s;
}

static void test_exact(void **state)
{
	uint64_t gaps[] = { 19200, 38400, 24000, 7, 0, 57600 };
	uint64_t out[6];
	uint64_t fixed = 170 * RATE, planned = fixed + sum(gaps, 6);

	(void)state;
	/* several targets around the plan, each to the frame */
	for (int64_t d = -60000; d <= 120000; d += 7919) {
		uint64_t target = (uint64_t)((int64_t)planned + d);
		int64_t miss = 99;

		assert_int_equal(fit_pauses(fixed, gaps, 6, target, out, &miss), 0);
		assert_int_equal(miss, 0);
		assert_int_equal(fixed + sum(out, 6), target);
		for (size_t i = 0; i < 6; i++) {
			assert_true((double)out[i] >= floor(gaps[i] * FIT_PAUSE_MIN) - 1e-9);
			assert_true((double)out[i] <= ceil(gaps[i] * FIT_PAUSE_MAX) + 1);
		}
		assert_int_equal(out[4], 0);       /* no pause stays no pause */
	}
	/* the plan itself is kept */
	assert_int_equal(fit_pauses(fixed, gaps, 6, planned, out, NULL), 0);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(out[i], gaps[i]);
}

static void test_out_of_reach(void **state)
{
	uint64_t gaps[] = { 48000, 48000 };
	uint64_t out[2];
	int64_t miss = 0;
	char s[64];

	(void)state;
	/* 10 s fixed + 2 s pauses; pauses give 1..4 s */
	assert_int_equal(fit_pauses(10 * RATE, gaps, 2, 10 * RATE + RATE / 2, out, &miss), -1);
	assert_int_equal(miss, RATE / 2);          /* half a second over */
	fit_describe(miss, RATE, s, sizeof s);
	assert_string_equal(s, "0.500 s over");
	assert_int_equal(fit_pauses(10 * RATE, gaps, 2, 15 * RATE, out, &miss), -1);
	assert_int_equal(miss, -RATE);              /* a second under */
	fit_describe(miss, RATE, s, sizeof s);
	assert_string_equal(s, "1.000 s under");
	/* no pauses at all: only the exact length fits */
	assert_int_equal(fit_pauses(RATE, NULL, 0, RATE, out, &miss), 0);
	assert_int_equal(fit_pauses(RATE, NULL, 0, RATE + 1, out, &miss), -1);
	assert_int_equal(miss, -1);
}

static void test_rate(void **state)
{
	uint64_t gaps[] = { 24000, 24000, 24000, 24000 };  /* 2 s of pauses: 1..4 s */
	uint64_t speech = 100 * RATE, fixed = speech + 5 * RATE;
	double f = 0;
	int64_t miss = 0;

	(void)state;
	/* reachable with pauses: factor 1 */
	assert_int_equal(fit_rate(fixed, speech, gaps, 4, fixed + 3 * RATE, &f, &miss), 0);
	assert_true(f == 1.0);
	/* 1 s too long for the pauses: the speech gets a little faster */
	assert_int_equal(fit_rate(fixed, speech, gaps, 4, fixed - 2 * RATE, &f, &miss), 0);
	assert_true(f < 1 && f >= 1 - FIT_RATE_MAX);
	/* and with that speech the pauses can take the rest */
	{
		uint64_t sp2 = (uint64_t)llround((double)speech * f), out[4];
		assert_int_equal(fit_pauses(fixed - speech + sp2, gaps, 4, fixed - 2 * RATE, out, NULL), 0);
	}
	/* slower */
	assert_int_equal(fit_rate(fixed, speech, gaps, 4, fixed + 6 * RATE, &f, &miss), 0);
	assert_true(f > 1 && f <= 1 + FIT_RATE_MAX);
	/* 20 s too long: 5 s faster speech and 1 s less pause give 101 s of 85 s: 16 s over */
	assert_int_equal(fit_rate(fixed, speech, gaps, 4, fixed - 20 * RATE, &f, &miss), -1);
	assert_int_equal(miss, 16 * RATE);
	/* 20 s too short: 5 s slower speech and 2 s more pause give 114 s of 125 s: 11 s under */
	assert_int_equal(fit_rate(fixed, speech, gaps, 4, fixed + 20 * RATE, &f, &miss), -1);
	assert_int_equal(miss, -11 * RATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_out_of_reach),
		cmocka_unit_test(test_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
