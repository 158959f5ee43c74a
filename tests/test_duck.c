/*
 * test_duck.c - the ducking envelope: down at every speech frame, ramps that
 * end at the first syllable, hold through short pauses, up in long gaps,
 * smooth per frame, and duck_apply agreeing with duck_db.
 */
#include "testutil.h"

#include <math.h>
#include "util.h"
#include "duck.h"

#define RATE 48000
static const struct duck_opts defaults = { 11.0, RATE * 150 / 1000, RATE * 800 / 1000, RATE * 500 / 1000 };

static void test_no_speech(void **state)
{
	struct duck_env env;
	float buf[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };

	(void)state;
	duck_build(&env, &defaults, NULL, 0);
	assert_int_equal(env.n, 0);
	assert_true(duck_db(&env, 12345) == 0);
	duck_apply(&env, 0, buf, 4, 2);
	for (int i = 0; i < 8; i++)
		assert_true(buf[i] == 1.0f);
	duck_release(&env);
}

static void test_shape(void **state)
{
	/* two words 0.5 s apart (held), then 3 s of silence (up and down again) */
	struct duck_span sp[] = {
		{ 2 * RATE + RATE / 2, 3 * RATE },          /* second word, given out of order */
		{ 1 * RATE, 2 * RATE },
		{ 6 * RATE, 7 * RATE },
	};
	struct duck_env env;

	(void)state;
	duck_build(&env, &defaults, sp, 3);
	/* at and inside speech: the full depth */
	for (uint64_t f = RATE; f < 3 * RATE; f += 97)
		assert_true(fabs(duck_db(&env, f) + 11) < 1e-9);
	for (uint64_t f = 6 * RATE; f < 7 * RATE; f += 97)
		assert_true(fabs(duck_db(&env, f) + 11) < 1e-9);
	/* the ramp down ends at the first syllable and starts 150 ms before */
	assert_true(duck_db(&env, RATE - defaults.down - 1) == 0);
	assert_true(duck_db(&env, RATE - defaults.down / 2) < -5);
	assert_true(duck_db(&env, RATE - defaults.down / 2) > -6);
	assert_true(duck_db(&env, RATE - 1) < -10.99);
	/* held through the 0.5 s pause */
	assert_true(fabs(duck_db(&env, 2 * RATE + RATE / 4) + 11) < 1e-9);
	/* up within 500 ms after the speech, fully back in the gap, down again before 6 s */
	assert_true(duck_db(&env, 3 * RATE + defaults.up / 2) > -6);
	assert_true(duck_db(&env, 3 * RATE + defaults.up / 2) < -5);
	assert_true(duck_db(&env, 3 * RATE + defaults.up) == 0);
	assert_true(duck_db(&env, 5 * RATE) == 0);
	assert_true(duck_db(&env, 6 * RATE - defaults.down) == 0);
	assert_true(duck_db(&env, 6 * RATE - 1) < -10.99);
	assert_true(duck_db(&env, 8 * RATE) == 0);
	duck_release(&env);
}

/* the per-frame level moves in tiny steps and the ramps start and end flat */
static void test_smooth(void **state)
{
	struct duck_span sp[] = { { RATE, 2 * RATE } };
	struct duck_env env;
	double prev = 0, max_step = 0, first_step, last_step;

	(void)state;
	duck_build(&env, &defaults, sp, 1);
	for (uint64_t f = 0; f < 3 * RATE; f++) {
		double g = pow(10, duck_db(&env, f) / 20), step = fabs(g - prev);
		if (f && step > max_step)
			max_step = step;
		prev = g;
	}
	/* 11 dB over the 7200 frames of the ramp down: a half cosine's steepest step is pi/2
	 * times the mean, in linear gain at most ln(10)/20 of that in dB (about 3e-4) */
	assert_true(max_step < 1.001 * M_PI / 2 * 11.0 / (double)defaults.down * log(10) / 20);
	assert_true(max_step > 0);
	first_step = fabs(duck_db(&env, RATE - defaults.down + 1) - duck_db(&env, RATE - defaults.down));
	last_step = fabs(duck_db(&env, RATE - 1) - duck_db(&env, RATE - 2));
	assert_true(first_step < 1e-5);
	assert_true(last_step < 1e-5);
	duck_release(&env);
}

/* a gap longer than the hold but too short to come up and go down stays down */
static void test_short_gap_with_long_ramps(void **state)
{
	struct duck_opts o = { 10.0, RATE, RATE / 10, RATE };
	struct duck_span sp[] = { { 3 * RATE, 4 * RATE }, { 5 * RATE, 6 * RATE } };
	struct duck_env env;

	(void)state;
	duck_build(&env, &o, sp, 2);
	assert_true(fabs(duck_db(&env, 4 * RATE + RATE / 2) + 10) < 1e-9);
	/* points never go backwards */
	for (size_t i = 1; i < env.n; i++)
		assert_true(env.p[i].frame >= env.p[i - 1].frame);
	duck_release(&env);
}

/* speech at the very start: the ramp is cut at frame 0 */
static void test_speech_at_zero(void **state)
{
	struct duck_span sp[] = { { 0, RATE } };
	struct duck_env env;

	(void)state;
	duck_build(&env, &defaults, sp, 1);
	assert_true(fabs(duck_db(&env, 0) + 11) < 1e-9);
	duck_release(&env);
}

static void test_apply_matches(void **state)
{
	struct duck_span sp[] = { { 1000, 20000 }, { 70000, 90000 } };
	struct duck_opts o = { 12.0, 3000, 5000, 8000 };
	struct duck_env env;
	size_t n = 120000;
	float *buf = xmalloc(n * 2 * sizeof(float));

	(void)state;
	for (size_t i = 0; i < n * 2; i++)
		buf[i] = 0.5f;
	duck_build(&env, &o, sp, 2);
	/* in blocks of odd sizes, starting at programme frame 500 */
	for (size_t done = 0; done < n;) {
		size_t b = n - done < 777 ? n - done : 777;
		duck_apply(&env, 500 + done, buf + done * 2, b, 2);
		done += b;
	}
	for (size_t i = 0; i < n; i++) {
		float want = 0.5f * (float)pow(10, duck_db(&env, 500 + i) / 20);
		assert_true(fabsf(buf[2 * i] - want) < 1e-6f);
		assert_true(buf[2 * i] == buf[2 * i + 1]);
	}
	free(buf);
	duck_release(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_speech),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_smooth),
		cmocka_unit_test(test_short_gap_with_long_ramps),
		cmocka_unit_test(test_speech_at_zero),
		cmocka_unit_test(test_apply_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
