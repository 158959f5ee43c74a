/*
 * test_loudness.c - R128 measurements against values computed from the
 * BS.1770 definition, dual-mono, true peak, targets.
 */
#include "testutil.h"

#include <complex.h>
#include <ebur128.h>
#include <math.h>

#include "loudness.h"

/*
 * Power gain of the BS.1770 K-weighting filter (shelf + high-pass, the
 * coefficients the standard gives for 48 kHz) at `freq`.
 */
static double k_gain(double freq)
{
	static const double b1[3] = { 1.53512485958697, -2.69169618940638, 1.19839281085285 };
	static const double a1[3] = { 1.0, -1.69065929318241, 0.73248077421585 };
	static const double b2[3] = { 1.0, -2.0, 1.0 };
	static const double a2[3] = { 1.0, -1.99004745483398, 0.99007225036621 };
	double w = 2 * M_PI * freq / 48000;
	double complex z1 = cexp(-I * w), z2 = cexp(-2 * I * w);
	double complex h = (b1[0] + b1[1] * z1 + b1[2] * z2) / (a1[0] + a1[1] * z1 + a1[2] * z2) *
			   (b2[0] + b2[1] * z1 + b2[2] * z2) / (a2[0] + a2[1] * z1 + a2[2] * z2);
	return creal(h * conj(h));
}

/* Loudness of a steady sine of peak `amp` on `ch` channels, from the definition. */
static double sine_lufs(double amp, double freq, int ch)
{
	return -0.691 + 10 * log10(ch * k_gain(freq) * amp * amp / 2);
}

static float *sine(size_t n, int ch, double freq, double amp, double phase)
{
	float *p = malloc(n * (size_t)ch * sizeof(float));
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < ch; c++)
			p[i * (size_t)ch + (size_t)c] = (float)(amp * sin(2 * M_PI * freq * (double)i / 48000 + phase));
	return p;
}

static struct loudness measure(const float *p, size_t n, int ch, int tp, int dual)
{
	struct err e;
	struct loudness l;
	struct meter *m = meter_new(ch, 48000, tp, dual, &e);
	assert_non_null(m);
	/* odd block sizes: the 100 ms bookkeeping must not depend on them */
	for (size_t done = 0; done < n;) {
		size_t k = n - done < 1237 ? n - done : 1237;
		assert_int_equal(meter_add(m, p + done * (size_t)ch, k, &e), 0);
		done += k;
	}
	assert_int_equal(meter_result(m, &l, &e), 0);
	meter_free(m);
	return l;
}

static void test_sine_levels(void **state)
{
	(void)state;
	/* 0 dBFS-peak 1 kHz sine in stereo: about 0.0 LUFS (-3.01 per channel). */
	double want = sine_lufs(1.0, 1000, 2);
	float *p = sine(48000 * 10, 2, 1000, 1.0, 0);
	struct loudness l = measure(p, 48000 * 10, 2, 1, 0);
	assert_true(fabs(want - 0.0) < 0.02);
	/* histogram mode puts gating blocks in 0.1 LU bins: integrated is within 0.05 */
	assert_float_equal(l.integrated, want, 0.051);
	assert_float_equal(l.max_momentary, want, 0.01);
	assert_float_equal(l.max_short_term, want, 0.01);
	assert_float_equal(l.true_peak, 0.0, 0.01);
	assert_true(l.lra < 0.1);
	free(p);

	/* -20 dBFS 1 kHz mono: -23.01 LUFS (one channel) */
	p = sine(48000 * 5, 1, 1000, 0.1, 0);
	l = measure(p, 48000 * 5, 1, 0, 0);
	assert_float_equal(l.integrated, sine_lufs(0.1, 1000, 1), 0.051);
	assert_float_equal(l.max_momentary, sine_lufs(0.1, 1000, 1), 0.01);
	assert_true(l.true_peak == -HUGE_VAL);
	free(p);

	/* 100 Hz and 5 kHz exercise the filter shape */
	p = sine(48000 * 5, 2, 100, 0.5, 0);
	l = measure(p, 48000 * 5, 2, 0, 0);
	assert_float_equal(l.integrated, sine_lufs(0.5, 100, 2), 0.051);
	assert_float_equal(l.max_momentary, sine_lufs(0.5, 100, 2), 0.01);
	free(p);
	p = sine(48000 * 5, 2, 5000, 0.5, 0);
	l = measure(p, 48000 * 5, 2, 0, 0);
	assert_float_equal(l.integrated, sine_lufs(0.5, 5000, 2), 0.051);
	assert_float_equal(l.max_momentary, sine_lufs(0.5, 5000, 2), 0.01);
	free(p);
}

/* fs/4 sine with 45 degree phase: samples reach 0.707, the true peak is 1.0. */
static void test_true_peak(void **state)
{
	float *p = sine(48000, 2, 12000, 0.5, M_PI / 4);
	struct loudness l = measure(p, 48000, 2, 1, 0);
	(void)state;
	assert_true(fabs(p[2]) < 0.36f);
	assert_float_equal(l.true_peak, 20 * log10(0.5), 0.3);
	free(p);
}

/* Speech-like test signal: noise bursts with syllable-rate envelope. */
static float *speechy(size_t n, int ch)
{
	float *p = malloc(n * (size_t)ch * sizeof(float));
	uint32_t s = 12345;
	double lp = 0;
	for (size_t i = 0; i < n; i++) {
		double env = 0.5 + 0.5 * sin(2 * M_PI * 4.0 * (double)i / 48000);
		double x;
		s = s * 1664525u + 1013904223u;
		x = ((double)(s >> 8) / 16777216.0 - 0.5);
		lp += 0.2 * (x - lp);
		x = (lp * 2 + 0.1 * sin(2 * M_PI * 180 * (double)i / 48000)) * env * env;
		if ((i / 24000) % 5 == 4)
			x = 0;   /* pauses */
		for (int c = 0; c < ch; c++)
			p[i * (size_t)ch + (size_t)c] = (float)x;
	}
	return p;
}

static void test_dual_mono(void **state)
{
	size_t n = 48000 * 20;
	float *mono = speechy(n, 1), *st = speechy(n, 2);
	struct loudness lm = measure(mono, n, 1, 1, 1);
	struct loudness ls = measure(st, n, 2, 1, 0);
	struct loudness lp = measure(mono, n, 1, 1, 0);
	(void)state;
	assert_true(isfinite(lm.integrated));
	assert_float_equal(lm.integrated, ls.integrated, 0.05);
	assert_float_equal(lm.lra, ls.lra, 0.05);
	assert_float_equal(lm.max_momentary, ls.max_momentary, 0.05);
	assert_float_equal(lm.max_short_term, ls.max_short_term, 0.05);
	assert_true(lm.true_peak == ls.true_peak);
	/* without dual-mono the mono file measures 3 LU lower */
	assert_float_equal(lm.integrated - lp.integrated, 3.01, 0.05);
	free(mono);
	free(st);
}

/* Maximum momentary and short-term loudness agree with libebur128 polled every 100 ms. */
static void test_maxima_reference(void **state)
{
	size_t n = 48000 * 12, step = 4800;
	float *p = speechy(n, 2);
	struct loudness l = measure(p, n, 2, 0, 0);
	ebur128_state *st = ebur128_init(2, 48000, EBUR128_MODE_S);
	double mm = -HUGE_VAL, ms = -HUGE_VAL, v;
	(void)state;
	for (size_t d = 0; d < n; d += step) {
		ebur128_add_frames_float(st, p + d * 2, step);
		ebur128_loudness_momentary(st, &v);
		if (v > mm)
			mm = v;
		ebur128_loudness_shortterm(st, &v);
		if (v > ms)
			ms = v;
	}
	ebur128_destroy(&st);
	assert_float_equal(l.max_momentary, mm, 0.001);
	assert_float_equal(l.max_short_term, ms, 0.001);
	free(p);
}

static void test_silence_and_short(void **state)
{
	float *z = calloc(48000 * 2 * 3, sizeof(float));
	struct loudness l = measure(z, 48000 * 3, 2, 1, 0);
	(void)state;
	assert_true(l.integrated == -HUGE_VAL);
	assert_true(l.true_peak == -HUGE_VAL);
	assert_true(l.max_momentary == -HUGE_VAL);
	free(z);
	/* shorter than one gating block: nothing measurable, no crash */
	z = sine(100, 2, 1000, 0.5, 0);
	l = measure(z, 100, 2, 1, 0);
	assert_true(l.integrated == -HUGE_VAL);
	free(z);
}

static void test_multiple(void **state)
{
	size_t n = 48000 * 10;
	float *p = speechy(n, 2);
	struct err e;
	struct meter *m[2];
	struct loudness whole = measure(p, n, 2, 1, 0), parts;
	(void)state;
	for (int i = 0; i < 2; i++) {
		m[i] = meter_new(2, 48000, 1, 0, &e);
		assert_int_equal(meter_add(m[i], p + (size_t)i * (n / 2) * 2, n / 2, &e), 0);
	}
	assert_int_equal(meter_result_multiple(m, 2, &parts, &e), 0);
	assert_float_equal(parts.integrated, whole.integrated, 0.1);
	assert_true(parts.true_peak == whole.true_peak);
	meter_free(m[0]);
	meter_free(m[1]);
	free(p);
}

static void test_target_parse(void **state)
{
	double v = 0;
	(void)state;
	assert_int_equal(loudness_target_parse("-23", &v), 0);
	assert_float_equal(v, -23, 0);
	assert_int_equal(loudness_target_parse("-16.5", &v), 0);
	assert_float_equal(v, -16.5, 0);
	assert_int_equal(loudness_target_parse("ebu", &v), 0);
	assert_float_equal(v, -23, 0);
	assert_int_equal(loudness_target_parse("Podcast", &v), 0);
	assert_float_equal(v, -16, 0);
	assert_int_equal(loudness_target_parse("atsc", &v), 0);
	assert_float_equal(v, -24, 0);
	assert_int_equal(loudness_target_parse("", &v), -1);
	assert_int_equal(loudness_target_parse("loud", &v), -1);
	assert_int_equal(loudness_target_parse("-23x", &v), -1);
	assert_int_equal(loudness_target_parse("5", &v), -1);
	assert_int_equal(loudness_target_parse("-100", &v), -1);
	assert_int_equal(loudness_target_parse("nan", &v), -1);
	assert_int_equal(loudness_target_parse(" -23", &v), -1);
}

static void test_errors(void **state)
{
	struct err e = { "" };
	(void)state;
	assert_null(meter_new(0, 48000, 0, 0, &e));
	assert_true(strlen(e.msg) > 0);
	assert_null(meter_new(2, 0, 0, 0, &e));
	meter_free(NULL);
}

/* libebur128's own true peak over every frame (dBTP): the reference. */
static double full_true_peak_db(const float *x, size_t n, int ch, int rate)
{
	ebur128_state *st = ebur128_init((unsigned)ch, (unsigned long)rate, EBUR128_MODE_TRUE_PEAK);
	double peak = 0;

	assert_non_null(st);
	assert_int_equal(ebur128_add_frames_float(st, x, n), EBUR128_SUCCESS);
	for (int c = 0; c < ch; c++) {
		double v;
		assert_int_equal(ebur128_true_peak(st, (unsigned)c, &v), EBUR128_SUCCESS);
		if (v > peak)
			peak = v;
	}
	ebur128_destroy(&st);
	return 20 * log10(peak);
}

/*
 * Speech-like noise whose level grows over the signal (so half the running
 * peak keeps rising), with near-Nyquist bursts whose inter-sample peaks stand
 * well above their samples, one of them the loudest part of the signal.
 */
static float *peaky(size_t n, int ch, unsigned seed)
{
	float *x = malloc(n * (size_t)ch * sizeof(float));

	for (size_t i = 0; i < n; i++) {
		double env = (0.1 + 0.5 * (double)i / n) * (0.2 + 0.8 * fabs(sin((double)i / 3000.0)));
		for (int c = 0; c < ch; c++) {
			seed = seed * 1103515245u + 12345u;
			x[i * (size_t)ch + (size_t)c] =
				(float)(env * (0.5 * sin(i * 0.9 + c) + 0.3 * sin(i * 2.7 + 1) +
					       0.15 * ((double)(seed >> 8 & 0xffff) / 65535.0 - 0.5)));
		}
	}
	for (size_t k = 1; k <= 3; k++) {
		size_t at = n * k / 4;
		for (size_t i = at; i < at + 40 && i < n; i++)
			x[i * (size_t)ch] = (float)((0.3 + 0.2 * k) * sin(i * 0.97 * M_PI + 0.8));
	}
	return x;
}

/*
 * A loud start, quiet noise, then a short fs/4 burst at 45 degrees whose
 * samples (0.6) stay under the start's peak (0.7) but whose true peak (0.85)
 * does not: only the stretch around the burst can show it.
 */
static float *late_burst(size_t n, int ch)
{
	float *x = malloc(n * (size_t)ch * sizeof(float));
	unsigned seed = 99;

	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < ch; c++) {
			double v;
			seed = seed * 1103515245u + 12345u;
			v = 0.05 * ((double)(seed >> 8 & 0xffff) / 65535.0 - 0.5);
			if (i < n / 10)
				v = 0.7 * sin(2 * M_PI * 1000.0 * (double)i / 48000);
			if (i >= n / 2 && i < n / 2 + 6)
				v = 0.85 * sin(M_PI / 2 * (double)i + M_PI / 4);
			x[i * (size_t)ch + (size_t)c] = (float)v;
		}
	}
	return x;
}

/* The clip true peak equals libebur128's over the whole clip. */
static void test_clip_true_peak_matches_full(void **state)
{
	size_t n = 22050 * 4;
	float *x = peaky(n, 1, 12345);
	double full = full_true_peak_db(x, n, 1, 22050);
	double clip = 20 * log10(loudness_true_peak(x, n, 1, 22050));

	(void)state;
	if (fabs(clip - full) > 1e-9)
		fail_msg("clip true peak %.6f dBTP, libebur128 on every frame %.6f dBTP", clip, full);
	free(x);
}

/*
 * The meter measures the true peak only around hot frames, in a stream of
 * blocks of any size: the result is libebur128's over every frame, exactly.
 */
static void test_meter_true_peak_matches_full(void **state)
{
	static const size_t blocks[] = { 1237, 1, 31, 33, 4800, 65536 };
	static const struct { int ch, rate; } fmts[] = {
		{ 1, 48000 }, { 1, 48000 }, { 2, 48000 }, { 1, 22050 },
	};
	(void)state;
	for (size_t f = 0; f < ARRAY_LEN(fmts); f++) {
		int ch = fmts[f].ch;
		size_t n = (size_t)fmts[f].rate * 3;
		float *x = f == 0 ? late_burst(n, ch) : peaky(n, ch, 777 + (unsigned)f);
		double full = full_true_peak_db(x, n, ch, fmts[f].rate);
		for (size_t b = 0; b < ARRAY_LEN(blocks); b++) {
			struct meter *m = meter_new(ch, fmts[f].rate, 1, 0, NULL);
			struct loudness l;
			assert_non_null(m);
			for (size_t done = 0; done < n;) {
				size_t k = n - done < blocks[b] ? n - done : blocks[b];
				assert_int_equal(meter_add(m, x + done * (size_t)ch, k, NULL), 0);
				done += k;
			}
			assert_int_equal(meter_result(m, &l, NULL), 0);
			if (fabs(l.true_peak - full) > 1e-9)
				fail_msg("%d ch %d Hz, blocks of %zu: %.6f dBTP, libebur128 on every frame %.6f",
					 ch, fmts[f].rate, blocks[b], l.true_peak, full);
			meter_free(m);
		}
		free(x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sine_levels),
		cmocka_unit_test(test_true_peak),
		cmocka_unit_test(test_clip_true_peak_matches_full),
		cmocka_unit_test(test_meter_true_peak_matches_full),
		cmocka_unit_test(test_dual_mono),
		cmocka_unit_test(test_maxima_reference),
		cmocka_unit_test(test_silence_and_short),
		cmocka_unit_test(test_multiple),
		cmocka_unit_test(test_target_parse),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
