/*
 * test_output.c - end-to-end tests of the output side through the binary:
 * dates checked and written in bext/cart, options the format ignores warned
 * about, outputs that are inputs refused, long output names, kept modes.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default).
 */
#include "testutil.h"

#include <ebur128.h>
#include <math.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *bin;
static char errbuf[8192], outbuf[8192];

static int setup(void **state)
{
	(void)state;
	bin = getenv("SPRECHER_BIN");
	if (!bin || !*bin)
		bin = "./sprecher";
	return test_dir_make("output");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

/* The whole file into buf (empty when missing); removes it. */
static void take(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t k = f ? fread(buf, 1, cap - 1, f) : 0;

	buf[k] = '\0';
	if (f)
		fclose(f);
	unlink(path);
}

/* Runs bin with args (NULL-terminated) through testlib's helper; stdout into outbuf, stderr into errbuf. */
static int run(const char *const *args)
{
	char op[600], ep[600];
	int rc;

	snprintf(op, sizeof(op), "%s/stdout.txt", test_dir);
	snprintf(ep, sizeof(ep), "%s/stderr.txt", test_dir);
	rc = test_wait(test_spawn(bin, args, NULL, op, ep));
	take(op, outbuf, sizeof(outbuf));
	take(ep, errbuf, sizeof(errbuf));
	return rc;
}

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Bad dates are refused with one line and exit 2 (option) or 1 (front matter), before any audio. */
static void test_bad_dates(void **state)
{
	const char *art = test_path("a.txt"), *fm = test_path("fm.md"), *out = test_path("a.wav");
	(void)state;

	test_write_text(art, "Titel\n\nEin Satz.\n");
	assert_int_equal(RUN("render", art, "-o", out, "--date", "gestern"), 2);
	assert_non_null(strstr(errbuf, "--date 'gestern' is not a date"));
	assert_int_equal(lines(errbuf), 1);
	assert_int_equal(RUN("render", art, "-o", out, "--date", "2025-13-45 99:99:99"), 2);
	assert_non_null(strstr(errbuf, "no such day"));
	test_write_text(fm, "---\ntitle: Test\ndate: 31.02.2025\n---\n\nEin Satz.\n");
	assert_int_equal(RUN("render", fm, "-o", out), 1);
	assert_non_null(strstr(errbuf, "fm.md: front matter date: '31.02.2025': no such day"));
	assert_int_equal(lines(errbuf), 1);
	assert_int_equal(access(out, F_OK), -1);
	unlink(art);
	unlink(fm);
}

/* The value of the fixed field `off` (len bytes) in the bext or cart chunk of a WAV file. */
static void chunk_field(const char *path, const char *id, size_t off, size_t len, char *out)
{
	struct test_chunk v[32];
	size_t n;
	char *b = test_slurp(path, &n);
	const struct test_chunk *c;

	assert_non_null(b);
	c = test_find_chunk(b, v, test_riff_chunks(b, n, v, 32), id, NULL);
	out[0] = '\0';
	if (c) {
		memcpy(out, b + c->off + off, len);
		out[len] = '\0';
	}
	free(b);
}

/*
 * One render: a front-matter date DD.MM.YYYY lands in bext/cart as
 * YYYY-MM-DD, --quality with WAV warns, an output name of 250 bytes works
 * and the replaced file keeps its mode 0600.
 */
static void test_date_long_name_mode_warning(void **state)
{
	char name[256], date[20];
	const char *art = test_path("d.md"), *out;
	struct stat st;
	(void)state;

	memset(name, 'x', 246);
	memcpy(name + 246, ".wav", 5);
	out = test_path(name);
	test_write_text(art, "---\ntitle: Kurz\ndate: 12.02.2025\n---\n\nEin Satz für heute.\n");
	test_write_text(out, "old");
	assert_int_equal(chmod(out, 0600), 0);
	assert_int_equal(RUN("render", art, "-o", out, "--no-jingles", "--quality", "0.5"), 0);
	assert_non_null(strstr(errbuf, ".wav: --quality applies to .flac, .ogg, .opus and .mp3 only; ignored"));
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(st.st_size > 1000);
	chunk_field(out, "bext", 320, 18, date);
	assert_string_equal(date, "2025-02-1200:00:00");
	chunk_field(out, "cart", 452, 18, date);
	assert_string_equal(date, "2025-02-1200:00:00");
	unlink(out);
	unlink(art);
}

/* --bits with MP3 says it does nothing. */
static void test_bits_with_mp3_warns(void **state)
{
	const char *art = test_path("m.txt"), *out = test_path("m.mp3");
	(void)state;

	test_write_text(art, "Titel\n\nEin Satz.\n");
	assert_int_equal(RUN("render", art, "-o", out, "--no-jingles", "--bits", "24", "--date", "2025-02-12"), 0);
	assert_non_null(strstr(errbuf, "m.mp3: --bits applies to .wav and .flac only; ignored"));
	unlink(out);
	unlink(art);
}

/* An output that is an input or another output is refused before rendering; nothing is touched. */
static void test_output_is_input(void **state)
{
	const char *art = test_path("x.wav"), *a = test_path("a.wav"), *txt = test_path("t.txt");
	char *s;
	(void)state;

	test_write_text(txt, "Titel\n\nEin Satz.\n");
	test_write_text(a, "keep");
	assert_int_equal(RUN("render", txt, "-o", a, "--timeline", a), 1);
	assert_non_null(strstr(errbuf, "a.wav: is given twice as an output"));
	assert_int_equal(RUN("render", txt, "-o", a, "--labels", txt), 1);
	assert_non_null(strstr(errbuf, "t.txt: is also an input of this render"));
	s = test_slurp(a, NULL);
	assert_string_equal(s, "keep");
	free(s);
	s = test_slurp(txt, NULL);
	assert_string_equal(s, "Titel\n\nEin Satz.\n");
	free(s);
	/* an article named x.wav rendered without -o would overwrite itself */
	test_write_text(art, "Titel\n\nEin Satz.\n");
	assert_int_equal(chdir(test_dir), 0);
	assert_int_equal(RUN("render", "x.wav"), 1);
	assert_non_null(strstr(errbuf, "x.wav: is also an input of this render"));
	s = test_slurp(art, NULL);
	assert_string_equal(s, "Titel\n\nEin Satz.\n");
	free(s);
	unlink(art);
	unlink(a);
	unlink(txt);
}

/* Integrated loudness and true peak of a file as decoded by libsndfile; `dual_mono` for mono files. */
static void measure(const char *path, int dual_mono, double *lufs, double *tp)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	ebur128_state *st;
	float buf[4096 * 2];
	sf_count_t n;
	double peak = 0, p;

	assert_non_null(sf);
	assert_true(info.channels <= 2);
	st = ebur128_init((unsigned)info.channels, (unsigned long)info.samplerate,
			  EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	if (info.channels == 1 && dual_mono)
		ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);
	while ((n = sf_readf_float(sf, buf, 4096)) > 0)
		ebur128_add_frames_float(st, buf, (size_t)n);
	ebur128_loudness_global(st, lufs);
	for (int c = 0; c < info.channels; c++) {
		ebur128_true_peak(st, (unsigned)c, &p);
		peak = p > peak ? p : peak;
	}
	*tp = 20 * log10(peak);
	ebur128_destroy(&st);
	sf_close(sf);
}

/* The integrated loudness and true peak of the result line sprecher prints. */
static void printed(double *lufs, double *tp)
{
	const char *p = strstr(outbuf, "integrated ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "integrated %lf LUFS, true peak %lf dBTP", lufs, tp), 2);
}

static const char loud_text[] =
	"Stadtrat beschließt neuen Busfahrplan\n\nDer Stadtrat hat am Dienstag einen neuen Busfahrplan "
	"beschlossen. Ab Montag fahren die Linien 3 und 7 alle zehn Minuten. Die Kosten liegen bei "
	"1,2 Millionen Euro. Kritik kam von der Opposition.\n";

/* A lossy file as decoded keeps the true-peak ceiling, and the printed figures describe it. */
static void test_lossy_decoded(void **state)
{
	const char *art = test_path("l.txt"), *out = test_path("l.opus");
	double lufs, tp, plufs, ptp;
	(void)state;

	test_write_text(art, loud_text);
	assert_int_equal(RUN("render", art, "-o", out, "--no-jingles", "--loudness", "podcast"), 0);
	measure(out, 1, &lufs, &tp);
	printed(&plufs, &ptp);
	if (tp > -1.0)
		fail_msg("decoded opus true peak %.2f dBTP above the ceiling of -1", tp);
	if (fabs(plufs - lufs) > 0.06 || fabs(ptp - tp) > 0.06)
		fail_msg("printed %.1f LUFS %.1f dBTP, decoded %.2f LUFS %.2f dBTP", plufs, ptp, lufs, tp);
	if (fabs(lufs + 16) > 0.35)
		fail_msg("decoded opus at %.2f LUFS, target -16", lufs);
	unlink(out);
	unlink(art);
}

/* atsc implies a ceiling of -2 dBTP unless --true-peak says otherwise. */
static void test_atsc_ceiling(void **state)
{
	const char *art = test_path("a.txt"), *out = test_path("a.wav");
	double lufs, tp;
	(void)state;

	test_write_text(art, loud_text);
	/* a very loud target so that the ceiling is reached */
	assert_int_equal(RUN("render", art, "-o", out, "--no-jingles", "--loudness", "atsc", "--loudness", "-8"), 0);
	measure(out, 1, &lufs, &tp);
	if (tp > -2.0 || tp < -2.6)
		fail_msg("atsc: true peak %.2f dBTP, want the -2 dBTP ceiling", tp);
	assert_int_equal(RUN("render", art, "-o", out, "--no-jingles", "--true-peak", "-1", "--loudness", "atsc",
			     "--loudness", "-8"), 0);
	measure(out, 1, &lufs, &tp);
	if (tp > -1.0 || tp < -1.6)
		fail_msg("atsc with --true-peak -1: true peak %.2f dBTP", tp);
	unlink(out);
	unlink(art);
}

/* Mono is measured as dual mono by default; --mono-loudness single measures one channel. */
static void test_mono_loudness(void **state)
{
	const char *art = test_path("m.txt"), *out = test_path("m.wav");
	double lufs, tp;
	(void)state;

	test_write_text(art, loud_text);
	assert_int_equal(RUN("render", art, "-o", out, "--no-jingles", "--mono"), 0);
	measure(out, 1, &lufs, &tp);
	assert_true(fabs(lufs + 23) < 0.2);
	assert_int_equal(RUN("render", art, "-o", out, "--no-jingles", "--mono", "--mono-loudness", "single"), 0);
	measure(out, 0, &lufs, &tp);
	if (fabs(lufs + 23) > 0.2)
		fail_msg("single-channel measurement %.2f LUFS, want -23", lufs);
	assert_int_equal(RUN("render", art, "-o", out, "--mono-loudness", "half"), 2);
	unlink(out);
	unlink(art);
}

/* Entries of test_dir whose name starts with a dot (temporary files), besides . and .. */
#define hidden_entries() test_hidden_entries(test_dir)

/* A file size limit (ulimit -f) is a clean one-line error, not a kill; the old output stays. */
static void test_file_size_limit(void **state)
{
	const char *art = test_path("f.txt"), *out = test_path("f.wav");
	struct rlimit old, small;
	char op[600], ep[600], *s;
	int pid, rc;
	(void)state;

	test_write_text(art, loud_text);
	test_write_text(out, "old");
	snprintf(op, sizeof(op), "%s/stdout.txt", test_dir);
	snprintf(ep, sizeof(ep), "%s/stderr.txt", test_dir);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	/* the mono float spool (3.4 MB) fits, the 24-bit stereo file (5.1 MB) does not */
	small.rlim_cur = 4 * 1024 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	pid = test_spawn(bin, (const char *const[]){ "render", art, "-o", out, "--no-jingles", NULL }, NULL,
			 op, ep);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	rc = test_wait(pid);
	take(op, outbuf, sizeof(outbuf));
	take(ep, errbuf, sizeof(errbuf));
	if (rc != 1)
		fail_msg("exit %d under a file size limit, want 1; stderr: %s", rc, errbuf);
	/* the error line (eSpeak NG's audio layer may print a line of its own before it) */
	assert_non_null(strstr(errbuf, "sprecher: "));
	assert_null(strstr(errbuf, "sprecher: warning"));
	s = test_slurp(out, NULL);
	assert_string_equal(s, "old");
	free(s);
	assert_int_equal(hidden_entries(), 0);
	unlink(out);
	unlink(art);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_dates),
		cmocka_unit_test(test_date_long_name_mode_warning),
		cmocka_unit_test(test_bits_with_mp3_warns),
		cmocka_unit_test(test_lossy_decoded),
		cmocka_unit_test(test_atsc_ceiling),
		cmocka_unit_test(test_mono_loudness),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_output_is_input),
	};
	char *abs;

	unsetenv("SOURCE_DATE_EPOCH");     /* the date tests need the article's own date */
	/* the binary by absolute path: one test changes the working directory */
	bin = getenv("SPRECHER_BIN");
	if (!bin || !*bin)
		bin = "./sprecher";
	abs = realpath(bin, NULL);
	if (abs)
		setenv("SPRECHER_BIN", abs, 1);
	free(abs);
	return cmocka_run_group_tests(tests, setup, teardown);
}
