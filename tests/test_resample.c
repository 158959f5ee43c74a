/*
 * test_resample.c - exact output lengths, quality names, streaming, threads.
 */
#include "testutil.h"

#include <math.h>
#include <pthread.h>

#include "resample.h"

static float *sine(size_t n, int channels, double freq, int rate, double amp)
{
	float *p = malloc(n * (size_t)channels * sizeof(float));
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < channels; c++)
			p[i * (size_t)channels + (size_t)c] =
				(float)(amp * sin(2 * M_PI * freq * (double)i / rate));
	return p;
}

static void test_names(void **state)
{
	enum rs_quality q;
	(void)state;
	assert_int_equal(rs_quality_parse("fast", &q), 0);
	assert_int_equal(q, RS_FAST);
	assert_int_equal(rs_quality_parse("medium", &q), 0);
	assert_int_equal(q, RS_MEDIUM);
	assert_int_equal(rs_quality_parse("best", &q), 0);
	assert_int_equal(q, RS_BEST);
	assert_int_equal(rs_quality_parse("great", &q), -1);
	assert_int_equal(rs_quality_parse(NULL, &q), -1);
	assert_string_equal(rs_quality_name(RS_MEDIUM), "medium");
}

static void test_exact_lengths(void **state)
{
	static const struct { size_t n; int ch, in, out; } cases[] = {
		{ 22050, 1, 22050, 48000 }, { 1, 1, 22050, 48000 }, { 7, 2, 22050, 48000 },
		{ 12345, 2, 44100, 48000 }, { 12345, 1, 48000, 44100 }, { 99999, 2, 96000, 48000 },
		{ 3, 1, 8000, 48000 }, { 100003, 1, 22050, 44100 }, { 0, 2, 22050, 48000 },
		{ 5000, 6, 44100, 48000 },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		for (int q = RS_FAST; q <= RS_BEST; q++) {
			struct err e = { "" };
			float *in = sine(cases[i].n, cases[i].ch, 440, cases[i].in, 0.5);
			float *out = NULL;
			size_t got = 0;
			double exact = (double)cases[i].n * cases[i].out / cases[i].in;
			assert_int_equal(rs_convert(in, cases[i].n, cases[i].ch, cases[i].in,
						    cases[i].out, (enum rs_quality)q, &out, &got, &e), 0);
			assert_int_equal(got, (size_t)floor(exact + 0.5));
			assert_non_null(out);
			free(in);
			free(out);
		}
	}
}

/* A 1 kHz sine comes through with its amplitude and without a time shift. */
static void test_fidelity(void **state)
{
	size_t n = 22050, got;
	float *in = sine(n, 1, 1000, 22050, 0.5), *out;
	struct err e;
	double maxerr = 0;
	(void)state;
	assert_int_equal(rs_convert(in, n, 1, 22050, 48000, RS_MEDIUM, &out, &got, &e), 0);
	assert_int_equal(got, 48000);
	for (size_t i = 2000; i < got - 2000; i++) {
		double ref = 0.5 * sin(2 * M_PI * 1000.0 * (double)i / 48000);
		double d = fabs(out[i] - ref);
		if (d > maxerr)
			maxerr = d;
	}
	assert_true(maxerr < 1e-3);
	free(in);
	free(out);
}

static void test_equal_rate_copies(void **state)
{
	float in[6] = { 0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f }, *out;
	size_t got;
	struct err e;
	(void)state;
	assert_int_equal(rs_convert(in, 3, 2, 48000, 48000, RS_BEST, &out, &got, &e), 0);
	assert_int_equal(got, 3);
	assert_memory_equal(in, out, sizeof(in));
	free(out);
}

static void test_errors(void **state)
{
	float in[4] = { 0 }, *out;
	size_t got;
	struct err e = { "" };
	(void)state;
	assert_int_equal(rs_convert(in, 4, 1, 0, 48000, RS_FAST, &out, &got, &e), -1);
	assert_true(strlen(e.msg) > 0);
	assert_int_equal(rs_convert(in, 4, 0, 22050, 48000, RS_FAST, &out, &got, &e), -1);
	assert_null(rs_new(1, 22050, -5, RS_FAST, &e));
	rs_free(NULL);
}

/* The streaming API in small blocks gives the same signal as the whole-buffer call. */
static void test_streaming(void **state)
{
	size_t n = 10000, got, pos = 0, made_total = 0;
	float *in = sine(n, 2, 700, 22050, 0.4), *whole, *str;
	struct err e;
	struct resampler *r;
	(void)state;
	assert_int_equal(rs_convert(in, n, 2, 22050, 48000, RS_FAST, &whole, &got, &e), 0);
	r = rs_new(2, 22050, 48000, RS_FAST, &e);
	assert_non_null(r);
	str = calloc((got + 100) * 2, sizeof(float));
	for (;;) {
		size_t blk = n - pos < 333 ? n - pos : 333, used, made;
		int last = pos + blk == n;
		assert_int_equal(rs_process(r, in + pos * 2, blk, str + made_total * 2,
					    got + 100 - made_total, &used, &made, last, &e), 0);
		pos += used;
		made_total += made;
		if (last && made == 0 && used == blk)
			break;
	}
	assert_true(made_total + 2 >= got && made_total <= got + 2);
	for (size_t i = 0; i < got - 2; i++)
		assert_float_equal(whole[i * 2], str[i * 2], 1e-5);
	rs_free(r);
	free(in);
	free(whole);
	free(str);
}

static void *thread_main(void *arg)
{
	float *in = arg, *out;
	size_t got;
	struct err e;
	if (rs_convert(in, 30000, 1, 22050, 48000, RS_FAST, &out, &got, &e) < 0)
		return NULL;
	return out;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	float *in = sine(30000, 1, 300, 22050, 0.3), *res[4];
	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, in), 0);
	for (int i = 0; i < 4; i++) {
		void *p;
		pthread_join(t[i], &p);
		res[i] = p;
		assert_non_null(res[i]);
	}
	for (int i = 1; i < 4; i++)
		assert_memory_equal(res[0], res[i], 65306 * sizeof(float));
	for (int i = 0; i < 4; i++)
		free(res[i]);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_exact_lengths),
		cmocka_unit_test(test_fidelity),
		cmocka_unit_test(test_equal_rate_copies),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
