/*
 * test_showmix.c - the bed sources: a loop exact in length with an
 * equal-power crossfade at each repeat, and ducking applied at the right
 * programme frames. Synthetic sources, no eSpeak NG.
 */
#include "testutil.h"

#include <math.h>
#include "util.h"
#include "source.h"
#include "duck.h"
#include "showmix.h"

/* Reads the whole source in blocks of `block` frames; returns the frames (caller frees). */
static float *drain(struct source *s, size_t block, uint64_t *n)
{
	size_t ch = (size_t)s->channels, got = 1;
	float *out = xmalloc((s->frames + block) * ch * sizeof(float));
	struct err e;

	*n = 0;
	while (got) {
		assert_int_equal(source_read(s, out + *n * ch, block, &got, &e), 0);
		*n += got;
	}
	return out;
}

static void test_loop(void **state)
{
	/* 1000 frames of a ramp 1..1000 (two channels), looped to 3500 with a 100-frame crossfade */
	float *buf = xmalloc(1000 * 2 * sizeof(float));
	struct err e;
	struct source *s;
	uint64_t n;
	float *out;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		buf[2 * i] = (float)(i + 1);
		buf[2 * i + 1] = -(float)(i + 1);
	}
	s = source_loop(source_memory(buf, 1000, 2, 48000, 1), 3500, 100, &e);
	assert_non_null(s);
	assert_int_equal(s->frames, 3500);
	out = drain(s, 333, &n);
	assert_int_equal(n, 3500);
	/* the first pass plays as it is up to the crossfade */
	for (int i = 0; i < 900; i++)
		assert_true(out[2 * i] == (float)(i + 1));
	/* in the crossfade: the end fading out (cos), the start fading in (sin) */
	for (int k = 0; k < 100; k++) {
		double x = (k + 0.5) / 100.0;
		double want = (900 + k + 1) * cos(x * M_PI / 2) + (k + 1) * sin(x * M_PI / 2);
		assert_true(fabs(out[2 * (900 + k)] - want) < 1e-3);
		assert_true(fabs(out[2 * (900 + k) + 1] + want) < 1e-3);
	}
	/* then the second pass goes on where its head left off: period 900 frames */
	for (int i = 1000; i < 1800; i++)
		assert_true(out[2 * i] == (float)(i - 900 + 1));
	assert_true(out[2 * 1000] == 101.0f);
	/* the second crossfade, one period later, is the first one again */
	for (int k = 0; k < 100; k++)
		assert_true(fabsf(out[2 * (1800 + k)] - out[2 * (900 + k)]) < 1e-3f);
	/* the last pass ends exactly at the length asked for */
	assert_true(out[2 * 3499] == (float)((3499 - 1000) % 900 + 101));
	/* rewinding starts over */
	free(out);
	assert_int_equal(source_rewind(s, &e), 0);
	out = drain(s, 4096, &n);
	assert_int_equal(n, 3500);
	assert_true(out[0] == 1.0f);
	assert_true(out[2 * 1000] == 101.0f);
	free(out);
	source_free(s);
}

/* A source longer than needed just plays (and stops at the length asked for). */
static void test_loop_long_enough(void **state)
{
	float *buf = xcalloc(500, sizeof(float));
	struct err e;
	struct source *s;
	uint64_t n;
	float *out;

	(void)state;
	for (int i = 0; i < 500; i++)
		buf[i] = (float)i;
	s = source_loop(source_memory(buf, 500, 1, 48000, 1), 300, 50, &e);
	out = drain(s, 64, &n);
	assert_int_equal(n, 300);
	for (int i = 0; i < 300; i++)
		assert_true(out[i] == (float)i);
	free(out);
	source_free(s);
}

/* Equal power: unrelated noise keeps its level through the crossfades. */
static void test_loop_keeps_level(void **state)
{
	size_t len = 48000;
	float *buf = xmalloc(len * sizeof(float));
	uint32_t x = 1;
	struct err e;
	struct source *s;
	uint64_t n;
	float *out;
	double ref = 0, xf = 0;

	(void)state;
	for (size_t i = 0; i < len; i++) {
		x = x * 1664525u + 1013904223u;
		buf[i] = (float)((x >> 8) & 0xffff) / 32768.0f - 1.0f;
	}
	s = source_loop(source_memory(buf, len, 1, 48000, 1), 3 * len, 12000, &e);
	out = drain(s, 1000, &n);
	assert_int_equal(n, 3 * len);
	for (size_t i = 12000; i < 36000; i++)
		ref += (double)out[i] * out[i];
	for (size_t i = 36000; i < 48000; i++)
		xf += (double)out[i] * out[i];
	ref /= 24000;
	xf /= 12000;
	assert_true(fabs(10 * log10(xf / ref)) < 0.5);
	free(out);
	source_free(s);
}

static void test_ducked(void **state)
{
	float *buf = xmalloc(20000 * sizeof(float));
	struct duck_opts o = { 12.0, 1000, 2000, 1000 };
	struct duck_span sp = { 15000, 18000 };    /* programme frames */
	struct duck_env env, ref;
	struct source *s;
	uint64_t n;
	float *out;

	(void)state;
	for (int i = 0; i < 20000; i++)
		buf[i] = 1.0f;
	duck_build(&env, &o, &sp, 1);
	duck_build(&ref, &o, &sp, 1);
	/* the source's frame 0 is programme frame 10000 */
	s = source_ducked(source_memory(buf, 20000, 1, 48000, 1), &env, 10000);
	assert_null(env.p);                     /* taken over */
	out = drain(s, 777, &n);
	assert_int_equal(n, 20000);
	for (int i = 0; i < 20000; i++)
		assert_true(fabsf(out[i] - (float)pow(10, duck_db(&ref, 10000 + (uint64_t)i) / 20)) < 1e-6f);
	assert_true(out[3000] == 1.0f);                         /* programme 13000: before the ramp */
	assert_true(fabsf(out[6000] - (float)pow(10, -0.6)) < 1e-6f);   /* under speech: -12 dB */
	free(out);
	duck_release(&ref);
	source_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_loop_long_enough),
		cmocka_unit_test(test_loop_keeps_level),
		cmocka_unit_test(test_ducked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
