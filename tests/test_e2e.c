/*
 * test_e2e.c - end-to-end tests: run the sprecher binary on real articles and
 * check the decoded files with libsndfile and libebur128.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default). Each test works in its
 * own temporary directory.
 */
#include "testutil.h"

#include <ebur128.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin;
static char errbuf[8192];

/* ---- helpers ----------------------------------------------------------- */

/* Runs bin with args (NULL-terminated); stderr goes to errbuf, stdout to `out_path` (or /dev/null). */
static int run_to(const char *out_path, const char *const *args)
{
	char errpath[300];
	int rc;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", test_dir);
	rc = test_wait(test_spawn(bin, args, "1767225600", out_path, errpath));
	{
		FILE *f = fopen(errpath, "r");
		size_t k = f ? fread(errbuf, 1, sizeof(errbuf) - 1, f) : 0;
		errbuf[k] = '\0';
		if (f)
			fclose(f);
	}
	return rc;
}

#define RUN(...) run_to(NULL, (const char *const[]){ __VA_ARGS__, NULL })

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* No temporary files of ours left in the directory. */
static void assert_no_temp(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -q '\\.tmp$'", dir);
	assert_int_not_equal(system(cmd), 0);
}

static void measure(const struct test_audio *d, double *lufs, double *tp)
{
	ebur128_state *st = ebur128_init((unsigned)d->info.channels, (unsigned long)d->info.samplerate,
					 EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	double peak = 0;

	if (d->info.channels == 1)
		ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);
	ebur128_add_frames_float(st, d->frames, (size_t)d->n);
	ebur128_loudness_global(st, lufs);
	for (int c = 0; c < d->info.channels; c++) {
		double p;
		ebur128_true_peak(st, (unsigned)c, &p);
		if (p > peak)
			peak = p;
	}
	*tp = 20 * log10(peak);
	ebur128_destroy(&st);
}

/* Lengths in frames of every run of exact digital silence at least `min` frames long. */
static size_t silent_runs(const struct test_audio *d, sf_count_t min, sf_count_t *runs, size_t max)
{
	size_t nr = 0;
	sf_count_t start = -1;
	int ch = d->info.channels;

	for (sf_count_t i = 0; i <= d->n; i++) {
		int zero = i < d->n;
		for (int c = 0; zero && c < ch; c++)
			zero = d->frames[i * ch + c] == 0.0f;
		if (zero && start < 0)
			start = i;
		if (!zero && start >= 0) {
			if (i - start >= min && nr < max && start > 0 && i < d->n)
				runs[nr++] = i - start;
			start = -1;
		}
	}
	return nr;
}

/* Estimated seconds from `sprecher script` ("total ... estimated M:SS"). */
static double script_estimate(const char *article, const char *voice)
{
	char out[300], *buf, *p;
	size_t len;
	int m = 0, s = 0;

	snprintf(out, sizeof(out), "%s/script.txt", test_dir);
	assert_int_equal(run_to(out, (const char *const[]){ "script", article, "--voice", voice, NULL }), 0);
	buf = test_slurp(out, &len);
	p = strstr(buf, "estimated ");
	assert_non_null(p);
	sscanf(p, "estimated %d:%d", &m, &s);
	free(buf);
	return m * 60 + s;
}

#define ARTICLE TESTS_DIR "/data/kurz.txt"
#define PAUSES  TESTS_DIR "/data/test-pausen.ini"

/* ---- tests ------------------------------------------------------------- */

static void test_default_render(void **state)
{
	struct test_audio d;
	double lufs, tp;
	const char *out = test_path("a.wav");

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "-o", out, "-q"), 0);
	test_decode(out, &d);
	assert_int_equal(d.info.samplerate, 48000);
	assert_int_equal(d.info.channels, 2);
	assert_int_equal(d.info.format & SF_FORMAT_TYPEMASK, SF_FORMAT_WAV);
	assert_int_equal(d.info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_24);
	assert_string_equal(d.title, "Stadtrat beschließt neuen Busfahrplan");
	measure(&d, &lufs, &tp);
	if (fabs(lufs + 23.0) > 0.3 || tp > -1.0)
		fail_msg("loudness %.2f LUFS, true peak %.2f dBTP", lufs, tp);
	free(d.frames);
	assert_no_temp(test_dir);
}

static void test_podcast_loudness_and_flac(void **state)
{
	struct test_audio d;
	double lufs, tp;
	const char *out = test_path("p.flac");

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "-o", out, "-q", "--loudness", "podcast", "--no-jingles"), 0);
	test_decode(out, &d);
	assert_int_equal(d.info.format & SF_FORMAT_TYPEMASK, SF_FORMAT_FLAC);
	assert_int_equal(d.info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_24);
	measure(&d, &lufs, &tp);
	if (fabs(lufs + 16.0) > 0.3 || tp > -1.0)
		fail_msg("loudness %.2f LUFS, true peak %.2f dBTP", lufs, tp);
	free(d.frames);
}

/* A target the ceiling cannot allow: the peak still stays under it, with a warning. */
static void test_loud_target_keeps_ceiling(void **state)
{
	struct test_audio d;
	double lufs, tp;
	const char *out = test_path("laut.wav");

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "-o", out, "--loudness", "-9", "--no-jingles"), 0);
	assert_non_null(strstr(errbuf, "true-peak ceiling"));
	test_decode(out, &d);
	measure(&d, &lufs, &tp);
	if (tp > -1.0)
		fail_msg("true peak %.2f dBTP above the ceiling (%.2f LUFS)", tp, lufs);
	free(d.frames);
}

static void test_pauses_and_duration(void **state)
{
	struct test_audio d;
	sf_count_t runs[64];
	size_t n, para = 0, sect = 0;
	double est, dur;
	const char *out = test_path("pausen.wav");

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "-o", out, "-q", "--voice", PAUSES, "--no-jingles"), 0);
	test_decode(out, &d);
	dur = (double)d.n / d.info.samplerate;
	est = script_estimate(ARTICLE, PAUSES);
	if (fabs(dur - est) > 0.2 * est + 1.0)
		fail_msg("duration %.1f s, script estimate %.1f s", dur, est);
	n = silent_runs(&d, 48000 / 4, runs, 64);
	/* the pause, plus the zero frames the sentence fades end and start on (a few frames) */
	for (size_t i = 0; i < n; i++) {
		if (labs((long)(runs[i] - 777 * 48)) <= 4)
			para++;
		if (labs((long)(runs[i] - 1234 * 48)) <= 4)
			sect++;
	}
	/* kurz.txt: paragraph breaks between the two body paragraphs, the list items' paragraph
	 * and the quote; section pauses after the title and before the heading */
	if (para < 2 || sect < 2)
		fail_msg("found %zu paragraph pauses of 777 ms and %zu section pauses of 1234 ms "
			 "among %zu silences", para, sect, n);
	free(d.frames);
}

static void test_deterministic(void **state)
{
	const char *a = test_path("d1.wav"), *b = test_path("d2.wav");
	char *x, *y;
	size_t lx, ly;

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "-o", a, "-q", "--bits", "16"), 0);
	assert_int_equal(RUN("render", ARTICLE, "-o", b, "-q", "--bits", "16"), 0);
	x = test_slurp(a, &lx);
	y = test_slurp(b, &ly);
	assert_int_equal(lx, ly);
	assert_memory_equal(x, y, lx);
	free(x);
	free(y);
}

static void make_tone(const char *path, int format, int rate, int ch, double sec)
{
	SF_INFO info = { .samplerate = rate, .channels = ch, .format = format };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	size_t n = (size_t)(sec * rate);
	float *buf = malloc(n * (size_t)ch * sizeof(float));

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < ch; c++)
			buf[i * (size_t)ch + (size_t)c] = 0.3f * (float)sin(2 * M_PI * (440 + 110 * c) * i / rate);
	sf_writef_float(f, buf, (sf_count_t)n);
	sf_close(f);
	free(buf);
}

static void test_jingle_files(void **state)
{
	const char *mono = test_path("intro.wav"), *st = test_path("stinger.flac"), *out = test_path("j.wav");
	const char *plain = test_path("nj.wav");
	struct test_audio d, e;

	(void)state;
	make_tone(mono, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1, 2.0);
	make_tone(st, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 22050, 2, 1.0);
	assert_int_equal(RUN("render", ARTICLE, "-o", out, "-q", "--intro", mono, "--outro", mono,
			     "--stinger", st), 0);
	assert_int_equal(RUN("render", ARTICLE, "-o", plain, "-q", "--no-jingles"), 0);
	test_decode(out, &d);
	test_decode(plain, &e);
	/* two 2 s jingles and one 1 s stinger with their gaps make the file at least 5 s longer */
	if ((double)(d.n - e.n) / 48000 < 5.0)
		fail_msg("with jingles %.2f s, without %.2f s", (double)d.n / 48000, (double)e.n / 48000);
	free(d.frames);
	free(e.frames);
}

static void test_talkup(void **state)
{
	const char *a = test_path("t0.wav"), *b = test_path("t1.wav");
	struct test_audio x, y;
	double diff;

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "-o", a, "-q"), 0);
	assert_int_equal(RUN("render", ARTICLE, "-o", b, "-q", "--talkup", "1000"), 0);
	test_decode(a, &x);
	test_decode(b, &y);
	/* speech starts 1 s before the intro ends instead of 350 ms after it */
	diff = (double)(x.n - y.n) / 48000;
	if (fabs(diff - 1.35) > 0.01)
		fail_msg("talk-up shortened the programme by %.3f s, expected 1.350 s", diff);
	free(x.frames);
	free(y.frames);
}

static void test_mono_44k_16bit(void **state)
{
	struct test_audio d;
	double lufs, tp;
	const char *out = test_path("m.wav");

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "-o", out, "-q", "--mono", "--rate", "44100", "--bits", "16"), 0);
	test_decode(out, &d);
	assert_int_equal(d.info.samplerate, 44100);
	assert_int_equal(d.info.channels, 1);
	assert_int_equal(d.info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_16);
	measure(&d, &lufs, &tp);
	if (fabs(lufs + 23.0) > 0.3 || tp > -1.0)
		fail_msg("loudness %.2f LUFS, true peak %.2f dBTP", lufs, tp);
	free(d.frames);
}

static void test_segment_to_stdout(void **state)
{
	struct test_audio d, all;
	const char *out = test_path("seg.wav"), *whole = test_path("whole.wav");

	(void)state;
	assert_int_equal(run_to(out, (const char *const[]){ "render", ARTICLE, "--segment", "2", "-o", "-",
							   "-q", NULL }), 0);
	assert_int_equal(RUN("render", ARTICLE, "-o", whole, "-q"), 0);
	test_decode(out, &d);
	test_decode(whole, &all);
	assert_int_equal(d.info.samplerate, 48000);
	assert_true(d.n > 48000);
	assert_true(d.n < all.n / 2);
	free(d.frames);
	free(all.frames);
	assert_int_equal(RUN("render", ARTICLE, "--segment", "99", "-o", out), 2);   /* a usage error */
}

static void test_lexicon_changes_audio(void **state)
{
	const char *a = test_path("l1.wav"), *b = test_path("l2.wav");
	char *x, *y, script[300];
	size_t lx, ly;

	(void)state;
	/* segment 6 is the list item with "Bahnhof" */
	assert_int_equal(RUN("render", ARTICLE, "--segment", "6", "-o", a, "-q"), 0);
	assert_int_equal(RUN("render", ARTICLE, "--segment", "6", "-o", b, "-q",
			     "--lexicon", TESTS_DIR "/data/lexikon-test.tsv"), 0);
	x = test_slurp(a, &lx);
	y = test_slurp(b, &ly);
	assert_true(lx != ly || memcmp(x, y, lx) != 0);
	free(x);
	free(y);
	snprintf(script, sizeof(script), "%s/s.txt", test_dir);
	assert_int_equal(run_to(script, (const char *const[]){ "script", ARTICLE, "--lexicon",
							       TESTS_DIR "/data/lexikon-test.tsv", NULL }), 0);
	x = test_slurp(script, &lx);
	assert_non_null(strstr(x, "Flughafen"));
	free(x);
}

/* ---- bad input: clear error, non-zero exit, no output, existing output intact ---- */

static void check_failure(const char *what, const char *expect, const char *const *args, const char *out)
{
	int rc;

	if (out)
		test_write_text(out, "OLD CONTENT");
	rc = run_to(NULL, args);
	if (rc == 0)
		fail_msg("%s: exit status 0", what);
	if (!strstr(errbuf, expect))
		fail_msg("%s: stderr does not name '%s': %s", what, expect, errbuf);
	if (strchr(errbuf, '\n') != strrchr(errbuf, '\n') && !strstr(errbuf, "warning"))
		fail_msg("%s: more than one line on stderr: %s", what, errbuf);
	if (out) {
		size_t len;
		char *c = test_slurp(out, &len);
		assert_non_null(c);
		assert_string_equal(c, "OLD CONTENT");
		free(c);
	}
	assert_no_temp(test_dir);
}

static void test_bad_articles(void **state)
{
	const char *out = test_path("keep.wav");

	(void)state;
	check_failure("invalid UTF-8", "kaputt-utf8.txt:3:23",
		      (const char *const[]){ "render", TESTS_DIR "/data/kaputt-utf8.txt", "-o", out, NULL }, out);
	check_failure("empty", "leer.txt",
		      (const char *const[]){ "render", TESTS_DIR "/data/leer.txt", "-o", out, NULL }, out);
	check_failure("whitespace only", "nur-leerzeichen.txt",
		      (const char *const[]){ "render", TESTS_DIR "/data/nur-leerzeichen.txt", "-o", out, NULL }, out);
	check_failure("binary garbage", "garbage.bin",
		      (const char *const[]){ "render", TESTS_DIR "/data/garbage.bin", "-o", out, NULL }, out);
	check_failure("missing article", "nichtda.txt",
		      (const char *const[]){ "render", "nichtda.txt", "-o", out, NULL }, out);
}

static void test_bad_jingles_and_outputs(void **state)
{
	const char *out = test_path("keep.wav");
	const char *dirout = test_path("ein-ordner.wav");
	const char *blocker = test_path("datei");

	(void)state;
	check_failure("missing jingle", "fehlt.wav",
		      (const char *const[]){ "render", ARTICLE, "-o", out, "--intro", "fehlt.wav", NULL }, out);
	check_failure("corrupt jingle", "kaputt.wav",
		      (const char *const[]){ "render", ARTICLE, "-o", out, "--outro",
					     TESTS_DIR "/data/kaputt.wav", NULL }, out);
	check_failure("unreadable jingle (a directory)", "data",
		      (const char *const[]){ "render", ARTICLE, "-o", out, "--stinger", TESTS_DIR "/data", NULL },
		      out);
	check_failure("unknown extension", ".xyz",
		      (const char *const[]){ "render", ARTICLE, "-o", test_path("a.xyz"), NULL }, NULL);
	assert_false(exists(test_path("a.xyz")));
	mkdir(dirout, 0755);
	check_failure("output is a directory", "ein-ordner.wav",
		      (const char *const[]){ "render", ARTICLE, "-o", dirout, NULL }, NULL);
	test_write_text(blocker, "x");
	check_failure("unwritable directory", "datei/out.wav",
		      (const char *const[]){ "render", ARTICLE, "-o", test_path("datei/out.wav"), NULL }, NULL);
	check_failure("unknown voice", "gibtsnicht",
		      (const char *const[]){ "render", ARTICLE, "-o", out, "--voice", "gibtsnicht", NULL }, out);
	check_failure("unwritable sidecar", "/nonexistent/t.json",
		      (const char *const[]){ "render", ARTICLE, "-o", out, "--timeline",
					     "/nonexistent/t.json", NULL }, out);
	assert_int_equal(RUN("render", ARTICLE, "--loudness", "laut"), 2);
	assert_int_equal(RUN("render"), 2);
}

/* A batch of episodes into a directory: a bad article does not stop the others. */
static void test_batch(void **state)
{
	struct test_audio d;

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, TESTS_DIR "/data/leer.txt", TESTS_DIR "/data/lieferung.txt",
			     "-o", test_dir, "--format", "flac", "-q"), 1);
	assert_non_null(strstr(errbuf, "leer.txt: article is empty"));
	assert_non_null(strstr(errbuf, "2 of 3 episodes rendered"));
	test_decode(test_path("kurz.flac"), &d);
	assert_int_equal(d.info.format & SF_FORMAT_TYPEMASK, SF_FORMAT_FLAC);
	free(d.frames);
	test_decode(test_path("lieferung.flac"), &d);
	free(d.frames);
	assert_null(test_slurp(test_path("leer.flac"), NULL));
	/* several articles need a directory, and sidecars need a single article */
	assert_int_equal(RUN("render", ARTICLE, ARTICLE, "-o", test_path("x.wav")), 2);
	assert_int_equal(RUN("render", ARTICLE, ARTICLE, "-o", test_dir, "--captions", test_path("c.vtt")), 2);
}

static void test_text_commands(void **state)
{
	const char *out = test_path("sent.txt");
	char *x;
	size_t len;

	(void)state;
	assert_int_equal(run_to(out, (const char *const[]){ "sentences", ARTICLE, NULL }), 0);
	x = test_slurp(out, &len);
	assert_non_null(strstr(x, "Ab dem 3. März fahren die Busse im Zentrum alle zehn Minuten.\n"));
	free(x);
	assert_int_equal(RUN("--version"), 0);
	assert_int_equal(RUN("help", "render"), 0);
	assert_int_equal(RUN("voices"), 0);
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("e2e");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

/*
 * Issue 10: a sentence with an English word and a Turkish name is rendered by
 * one German voice: the spoken text carries inline German phonemes, and eSpeak
 * NG's own phoneme output of it has no "(en)" language switch.
 */
static void test_foreign_one_voice(void **state)
{
	char art[300], scr[300], wav[300], cmd[1200];
	(void)state;
	snprintf(art, sizeof art, "%s/fremd.txt", test_dir);
	snprintf(scr, sizeof scr, "%s/fremd.script", test_dir);
	snprintf(wav, sizeof wav, "%s/fremd.wav", test_dir);
	test_write_text(art, "Neues Team\n\nAyşe Şahin leitet das Bürgerservice-Team.\n");
	assert_int_equal(run_to(scr, (const char *const[]){ "script", art, NULL }), 0);
	char *out = test_slurp(scr, NULL);
	assert_non_null(strstr(out, "[['aISE]] [['SA:hIn]] leitet das Bürgerservice-[[t'i:m]]."));
	free(out);
	/* what eSpeak NG makes of the spoken line: no voice switch, the intended phonemes */
	snprintf(cmd, sizeof cmd,
		 "grep -F \"[['aISE]]\" '%s' | sed 's/^ *//; s/  \\[[0-9]* ms\\]$//' | "
		 "espeak-ng -q -x -v de > '%s.ph'", scr, scr);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s.ph", scr);
	char *ph = test_slurp(cmd, NULL);
	assert_null(strchr(ph, '('));
	assert_non_null(strstr(ph, "S'A:hIn"));
	assert_non_null(strstr(ph, "t'i:m"));
	free(ph);
	assert_int_equal(RUN("render", art, "-o", wav, "--no-jingles", "-q"), 0);
	struct test_audio a;
	test_decode(wav, &a);
	assert_true(a.n > a.info.samplerate);   /* more than a second of speech */
	free(a.frames);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_render, setup, teardown),
		cmocka_unit_test_setup_teardown(test_podcast_loudness_and_flac, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loud_target_keeps_ceiling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pauses_and_duration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jingle_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_talkup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mono_44k_16bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_to_stdout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lexicon_changes_audio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_articles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_jingles_and_outputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_one_voice, setup, teardown),
	};

	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	return cmocka_run_group_tests_name("e2e", tests, NULL, NULL);
}
