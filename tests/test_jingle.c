/*
 * test_jingle.c - built-in jingles (length, level, determinism, clean ends),
 * loading files of other rates and channel counts, fades, errors.
 */
#include "testutil.h"

#include <math.h>
#include <unistd.h>

#include "audiofile.h"
#include "jingle.h"


static double peak_of(const float *p, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(p[i]) > m)
			m = fabs(p[i]);
	return m;
}

/* Largest sample-to-sample step: a click shows as a jump. */
static double max_step(const float *p, size_t n, int ch)
{
	double m = 0;
	for (size_t i = 1; i < n; i++)
		for (int c = 0; c < ch; c++) {
			double d = fabs(p[i * (size_t)ch + (size_t)c] - p[(i - 1) * (size_t)ch + (size_t)c]);
			if (d > m)
				m = d;
		}
	return m;
}

static void test_builtin(void **state)
{
	static const struct { enum jingle_kind k; double lo, hi; const char *src; } kinds[] = {
		{ JINGLE_INTRO, 2.5, 3.5, "builtin:intro" },
		{ JINGLE_STINGER, 0.8, 1.2, "builtin:stinger" },
		{ JINGLE_OUTRO, 2.5, 3.5, "builtin:outro" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		struct jingle a, b, m;
		double secs, pk;
		jingle_builtin(kinds[i].k, 48000, 2, &a);
		jingle_builtin(kinds[i].k, 48000, 2, &b);
		jingle_builtin(kinds[i].k, 44100, 1, &m);
		secs = (double)a.nframes / 48000;
		assert_true(secs >= kinds[i].lo && secs <= kinds[i].hi);
		assert_int_equal(a.channels, 2);
		assert_int_equal(a.rate, 48000);
		assert_string_equal(a.source, kinds[i].src);
		pk = 20 * log10(peak_of(a.frames, a.nframes * 2));
		assert_true(pk > -6.5 && pk < -5.5);
		/* deterministic */
		assert_int_equal(a.nframes, b.nframes);
		assert_memory_equal(a.frames, b.frames, a.nframes * 2 * sizeof(float));
		/* starts and ends at silence, no clicks */
		assert_true(a.frames[0] == 0 && a.frames[1] == 0);
		assert_true(a.frames[2 * a.nframes - 1] == 0 && a.frames[2 * a.nframes - 2] == 0);
		assert_true(max_step(a.frames, a.nframes, 2) < 0.15);
		/* both channels carry sound (mild panning) */
		assert_true(peak_of(a.frames, a.nframes * 2) > 0.3);
		/* mono at another rate */
		assert_int_equal(m.channels, 1);
		assert_int_equal(m.rate, 44100);
		assert_true(fabs((double)m.nframes / 44100 - secs) < 0.01);
		assert_true(20 * log10(peak_of(m.frames, m.nframes)) < -5.5);
		jingle_release(&a);
		jingle_release(&b);
		jingle_release(&m);
		jingle_release(NULL);
	}
}

static float *ramp_tone(size_t n, int ch, int rate)
{
	float *p = malloc(n * (size_t)ch * sizeof(float));
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < ch; c++)
			p[i * (size_t)ch + (size_t)c] = (float)((0.3 + 0.1 * c) * sin(2 * M_PI * 500 * (double)i / rate));
	return p;
}

static void write_audio(const char *path, enum afile_format fmt, int rate, int ch, size_t n)
{
	struct afile_opts o = { .format = fmt, .bits = AF_BITS_24, .rate = rate, .channels = ch, .quality = -1 };
	struct err e;
	float *p = ramp_tone(n, ch, rate);
	struct afile_writer *w = afile_create(path, &o, NULL, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, n, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	free(p);
}

static void test_load_mono_wav_44k(void **state)
{
	struct jingle j;
	struct err e;
	(void)state;
	write_audio(test_path("mono44.wav"), AF_WAV, 44100, 1, 44100 * 2);
	assert_int_equal(jingle_load(test_path("mono44.wav"), 48000, 2, RS_MEDIUM, &j, &e), 0);
	assert_int_equal(j.nframes, 96000);
	assert_int_equal(j.channels, 2);
	assert_int_equal(j.rate, 48000);
	assert_string_equal(j.source, test_path("mono44.wav"));
	for (size_t i = 0; i < j.nframes; i++)
		assert_true(j.frames[2 * i] == j.frames[2 * i + 1]);
	assert_float_equal(peak_of(j.frames, j.nframes * 2), 0.3, 0.01);
	/* fades: silent first and last frame, ramps 10 ms / 30 ms */
	assert_true(j.frames[0] == 0 && j.frames[2 * j.nframes - 1] == 0);
	assert_true(peak_of(j.frames, 2 * 240) < 0.3 * 0.5 + 0.01);
	assert_true(max_step(j.frames, j.nframes, 2) < 0.05);
	jingle_release(&j);
}

static void test_load_stereo_flac_22k(void **state)
{
	struct jingle j, m;
	struct err e;
	(void)state;
	write_audio(test_path("st22.flac"), AF_FLAC, 22050, 2, 22050);
	assert_int_equal(jingle_load(test_path("st22.flac"), 48000, 2, RS_FAST, &j, &e), 0);
	assert_int_equal(j.nframes, 48000);
	assert_int_equal(j.channels, 2);
	/* left 0.3, right 0.4 kept apart */
	{
		double l = 0, r = 0;
		for (size_t i = 0; i < j.nframes; i++) {
			if (fabs(j.frames[2 * i]) > l)
				l = fabs(j.frames[2 * i]);
			if (fabs(j.frames[2 * i + 1]) > r)
				r = fabs(j.frames[2 * i + 1]);
		}
		assert_float_equal(l, 0.3, 0.01);
		assert_float_equal(r, 0.4, 0.01);
	}
	/* stereo to mono: the average */
	assert_int_equal(jingle_load(test_path("st22.flac"), 44100, 1, RS_FAST, &m, &e), 0);
	assert_int_equal(m.nframes, 44100);
	assert_int_equal(m.channels, 1);
	assert_float_equal(peak_of(m.frames, m.nframes), 0.35, 0.01);
	jingle_release(&j);
	jingle_release(&m);
}

static void test_load_surround(void **state)
{
	struct jingle j;
	struct err e;
	(void)state;
	/* 5.1 at 48 kHz: channel c has amplitude 0.3 + 0.1 c */
	write_audio(test_path("six.wav"), AF_WAV, 48000, 6, 4800);
	assert_int_equal(jingle_load(test_path("six.wav"), 48000, 2, RS_BEST, &j, &e), 0);
	assert_int_equal(j.nframes, 4800);
	assert_int_equal(j.channels, 2);
	{
		/* L = 0.3 + .707*0.5 + .707*0.7 (all in phase) = 1.149 > 1: scaled to peak 1 */
		double pk = peak_of(j.frames, j.nframes * 2);
		assert_true(pk <= 1.0 && pk > 0.95);
	}
	jingle_release(&j);
}

static void test_load_errors(void **state)
{
	struct jingle j;
	struct err e = { "" };
	char want[700];
	FILE *f;
	(void)state;
	assert_int_equal(jingle_load(test_path("nope.wav"), 48000, 2, RS_FAST, &j, &e), -1);
	snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", test_path("nope.wav"));
	assert_string_equal(e.msg, want);
	assert_null(j.frames);
	f = fopen(test_path("bad.flac"), "w");
	fputs("fLaC but not really a flac file, just text to confuse the reader", f);
	fclose(f);
	assert_int_equal(jingle_load(test_path("bad.flac"), 48000, 2, RS_FAST, &j, &e), -1);
	snprintf(want, sizeof(want), "%s: cannot read: ", test_path("bad.flac"));
	assert_memory_equal(e.msg, want, strlen(want));
	assert_int_equal(jingle_load(test_dir, 48000, 2, RS_FAST, &j, &e), -1);
	assert_non_null(strstr(e.msg, "cannot read"));
}

static void test_fade(void **state)
{
	float p[20];
	(void)state;
	for (int i = 0; i < 20; i++)
		p[i] = 1;
	jingle_fade(p, 10, 2, 4, 5);
	/* frame i of 10, in over 4, out over 5 */
	assert_float_equal(p[0], 0.0, 1e-6);
	assert_float_equal(p[2], 0.25, 1e-6);
	assert_float_equal(p[3], 0.25, 1e-6);
	assert_float_equal(p[6], 0.75, 1e-6);
	assert_float_equal(p[8], 1.0, 1e-6);
	assert_float_equal(p[10], 0.8, 1e-6);   /* frame 5: out gain 4/5 */
	assert_float_equal(p[18], 0.0, 1e-6);
	assert_float_equal(p[19], 0.0, 1e-6);
	/* fades longer than the clip */
	for (int i = 0; i < 20; i++)
		p[i] = 1;
	jingle_fade(p, 4, 1, 100, 100);
	assert_float_equal(p[0], 0.0, 1e-6);
	assert_float_equal(p[3], 0.0, 1e-6);
	jingle_fade(p, 0, 1, 10, 10);
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("jingle");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_load_mono_wav_44k),
		cmocka_unit_test(test_load_stereo_flac_22k),
		cmocka_unit_test(test_load_surround),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_fade),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
