/*
 * test_jingles.c - the jingles' level rule: long files by their gated
 * loudness, short ones (a blip) by their true peak, both relative to the
 * speech level and moved by the preset's level; long jingles are warned about.
 */
#include "testutil.h"

#include <math.h>

#include "util.h"
#include "audiofile.h"
#include "jingles.h"
#include "loudness.h"

/* A sine of `sec` seconds at 44.1 kHz stereo with peak `amp`, written as 24-bit WAV. */
static void write_tone(const char *path, double sec, double amp)
{
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_24, .rate = 44100, .channels = 2,
				.quality = -1 };
	size_t n = (size_t)(sec * 44100);
	float *p = malloc(2 * n * sizeof(float));
	struct afile_writer *w;
	struct err e;

	for (size_t i = 0; i < n; i++)
		p[2 * i] = p[2 * i + 1] = (float)(amp * sin(2 * M_PI * 1000 * (double)i / 44100));
	w = afile_create(path, &o, NULL, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, n, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	if (test_dir_make("jingles"))
		return -1;
	write_tone(test_path("blip.wav"), 0.05, 0.5);
	write_tone(test_path("quiet-blip.wav"), 0.05, 0.05);
	write_tone(test_path("six.wav"), 6.0, 0.5);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

/* Prepares intro = `intro`, stinger = `stinger` (built-in outro) at the levels given. */
static void prepare(struct jingles *jg, struct render_opts *o, const char *intro, const char *stinger,
		    double intro_db, double stinger_db)
{
	struct err e = { "" };

	render_opts_init(o);
	o->place.intro = intro;
	o->place.stinger = stinger;
	memset(jg, 0, sizeof(*jg));
	jg->level_db[J_INTRO] = intro_db;
	jg->level_db[J_STINGER] = stinger_db;
	jg->level_db[J_OUTRO] = -2.5;
	assert_int_equal(jingles_prepare(o, jg, &e), 0);
}

static double db(double lin)
{
	return 20 * log10(lin);
}

/* the rule itself: loudness for 1 s and more, the true peak below */
static void test_rule(void **state)
{
	(void)state;
	assert_true(fabs(jingles_level_gain(48000, 48000, -30.0, 0.5, -2.5) - 10.0) < 1e-9);
	assert_true(fabs(jingles_level_gain(47999, 48000, -30.0, 0.5, -2.5) -
			 (-10.0 - db(0.5))) < 1e-9);
	assert_true(fabs(jingles_level_gain(2400, 48000, -HUGE_VAL, 0.25, 0.0) -
			 (-17.5 + 10 - db(0.25))) < 1e-9);
	assert_true(jingles_level_gain(100, 48000, -HUGE_VAL, 0.0, 0.0) == 0.0);
}

/* a 0.05 s blip peaks at -10 dBTP whatever its file level, not hotter than a 6 s jingle */
static void test_blip_by_peak(void **state)
{
	struct render_opts o;
	struct jingles jg;
	double loud, quiet;

	(void)state;
	prepare(&jg, &o, test_path("six.wav"), test_path("blip.wav"), -2.5, -2.5);
	loud = db(jg.tp[J_STINGER]);
	/* the 6 s tone of the same file peak goes to -20 LUFS: a sine on a dual-mono bus peaks there */
	assert_true(fabs(db(jg.tp[J_INTRO]) - (-20.0)) < 0.3);
	jingles_release(&jg);
	prepare(&jg, &o, NULL, test_path("quiet-blip.wav"), -2.5, -2.5);
	quiet = db(jg.tp[J_STINGER]);
	jingles_release(&jg);
	assert_true(fabs(loud - (-10.0)) < 0.2);
	assert_true(fabs(quiet - (-10.0)) < 0.2);
}

/* the preset's level moves a jingle by exactly that many dB, its true peak along */
static void test_level_moves_gain(void **state)
{
	struct render_opts o;
	struct jingles a, b;

	(void)state;
	prepare(&a, &o, test_path("six.wav"), test_path("blip.wav"), -2.5, -2.5);
	prepare(&b, &o, test_path("six.wav"), test_path("blip.wav"), -8.5, 0.0);
	assert_true(fabs(b.gain_db[J_INTRO] - a.gain_db[J_INTRO] + 6.0) < 1e-9);
	assert_true(fabs(b.gain_db[J_STINGER] - a.gain_db[J_STINGER] - 2.5) < 1e-9);
	assert_true(fabs(db(b.tp[J_INTRO]) - db(a.tp[J_INTRO]) + 6.0) < 1e-6);
	/* the built-in outro stays at its loudness target: -20 LUFS */
	assert_true(fabs(a.gain_db[J_OUTRO] - b.gain_db[J_OUTRO]) < 1e-12);
	jingles_release(&a);
	jingles_release(&b);
}

/* the 6 s tone, measured after its gain, is at -20 LUFS (speech -17.5 + level -2.5) */
static void test_long_by_loudness(void **state)
{
	struct render_opts o;
	struct jingles jg;
	struct jingle j;
	struct loudness l;
	struct meter *m;
	struct err e = { "" };
	float g;

	(void)state;
	prepare(&jg, &o, test_path("six.wav"), NULL, -2.5, -2.5);
	assert_int_equal(jingle_load(test_path("six.wav"), 48000, 1, RS_FAST, &j, &e), 0);
	g = (float)pow(10.0, jg.gain_db[J_INTRO] / 20.0);
	for (size_t i = 0; i < j.nframes; i++)
		j.frames[i] *= g;
	m = meter_new(1, 48000, 0, 1, &e);
	assert_non_null(m);
	assert_int_equal(meter_add(m, j.frames, j.nframes, &e), 0);
	assert_int_equal(meter_result(m, &l, &e), 0);
	assert_true(fabs(l.integrated - (-20.0)) < 0.1);
	meter_free(m);
	jingle_release(&j);
	jingles_release(&jg);
}

/* a file jingle longer than the speech (or than 60 s) is a warning; the built-in ones are not */
static void test_long_jingle_warns(void **state)
{
	struct render_opts o;
	struct jingles jg;
	struct timeline tl;
	struct warns w;
	struct clip sp = { .kind = CLIP_SPEECH, .start = 48000, .frames = 5 * 48000 };

	(void)state;
	prepare(&jg, &o, test_path("six.wav"), test_path("blip.wav"), -2.5, -2.5);
	timeline_init(&tl, 48000);
	timeline_add(&tl, &sp);
	warns_init(&w);
	jingles_warn(&jg, &tl, &w);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], "six.wav: the intro jingle lasts 6.0 s, longer than the speech (5.0 s)"));
	sp.start = 10 * 48000;
	timeline_add(&tl, &sp);
	warns_release(&w);
	warns_init(&w);
	jingles_warn(&jg, &tl, &w);
	assert_int_equal(w.n, 0);
	jg.frames[J_INTRO] = 61 * 48000;
	jingles_warn(&jg, &tl, &w);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], "lasts 61.0 s (more than 60 s)"));
	warns_release(&w);
	timeline_release(&tl);
	jingles_release(&jg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_blip_by_peak),
		cmocka_unit_test(test_level_moves_gain),
		cmocka_unit_test(test_long_by_loudness),
		cmocka_unit_test(test_long_jingle_warns),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
