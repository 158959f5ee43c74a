/*
 * test_trust.c - end-to-end tests of what must hold when things go wrong,
 * through the binary: a spool that cannot grow (a tiny file size limit in
 * place of a tiny $TMPDIR), an output that cannot grow (WAV, FLAC, -o -),
 * SIGKILL in pass 1 and in pass 2, and valgrind memcheck on a render with
 * every sidecar and on a show.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default).
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bin;
static char errbuf[16384];
static char tmpdir[600], outdir[600];

static int setup(void **state)
{
	(void)state;
	bin = getenv("SPRECHER_BIN");
	if (!bin || !*bin)
		bin = "./sprecher";
	if (test_dir_make("trust"))
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", test_dir);
	snprintf(outdir, sizeof(outdir), "%s/out", test_dir);
	return mkdir(tmpdir, 0700) || mkdir(outdir, 0700);
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

/* About 40 s of speech: long enough to catch each pass at work. */
static void long_article(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("Lange Meldung\n\n", f);
	for (int i = 0; i < 12; i++)
		fprintf(f, "Der Gemeinderat hat in seiner %d. Sitzung lange über den Haushalt beraten, "
			"und am Ende stimmte eine knappe Mehrheit für den Plan.\n\n", i + 1);
	fclose(f);
}

/* Entries of `dir` besides . and .. (their names appended to `names`). */
static int entries(const char *dir, char *names, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	if (names)
		names[0] = '\0';
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		if (names && strlen(names) + strlen(de->d_name) + 2 < cap) {
			strcat(names, de->d_name);
			strcat(names, " ");
		}
	}
	closedir(d);
	return n;
}

/*
 * Runs bin with `args` under a file size limit of `limit` bytes (0: none)
 * with TMPDIR = tmpdir; stderr into errbuf, stdout into `out_path` (NULL:
 * /dev/null). Returns the exit status.
 */
static int run_limited(const char *const *args, rlim_t limit, const char *out_path)
{
	char ep[700];
	struct rlimit old, small;
	int pid, rc;
	char *s;

	snprintf(ep, sizeof(ep), "%s/stderr.txt", test_dir);
	setenv("TMPDIR", tmpdir, 1);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	if (limit)
		small.rlim_cur = limit;
	signal(SIGXFSZ, SIG_IGN);          /* only the child should meet the limit */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	pid = test_spawn(bin, args, NULL, out_path, ep);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	unsetenv("TMPDIR");
	rc = test_wait(pid);
	s = test_slurp(ep, NULL);
	snprintf(errbuf, sizeof(errbuf), "%s", s ? s : "");
	free(s);
	unlink(ep);
	return rc;
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Exit 1, stderr exactly one "sprecher: ..." line containing `want`; the old output intact. */
static void expect_clean_failure(int rc, const char *want, const char *out, const char *old)
{
	char *s;

	if (rc != 1 || lines(errbuf) != 1 || strncmp(errbuf, "sprecher: ", 10) || !strstr(errbuf, want))
		fail_msg("exit %d, want 1 and one line with '%s'; stderr:\n%s", rc, want, errbuf);
	if (out) {
		s = test_slurp(out, NULL);
		assert_non_null(s);
		assert_string_equal(s, old);
		free(s);
	}
	assert_int_equal(entries(tmpdir, NULL, 0), 0);
}

static off_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/*
 * The spool cannot grow (a file size limit below its size: what a tiny or
 * full $TMPDIR does): one line naming the spool's directory, exit 1, the
 * existing output intact, for WAV, FLAC and -o -, and for a show.
 */
static void test_spool_cannot_grow(void **state)
{
	const char *art = test_path("spool.txt"), *wav = test_path("out/spool.wav"),
		   *flac = test_path("out/spool.flac");
	char want[700];
	int rc;
	(void)state;

	long_article(art);
	test_write_text(wav, "old wav");
	test_write_text(flac, "old flac");
	snprintf(want, sizeof(want), "sprecher: %s: cannot write the temporary spool file: %s", tmpdir,
		 strerror(EFBIG));
	rc = run_limited((const char *const[]){ "render", art, "-o", wav, "--no-cache", "-q", NULL },
			 200000, NULL);
	expect_clean_failure(rc, want, wav, "old wav");
	rc = run_limited((const char *const[]){ "render", art, "-o", flac, "--no-cache", "-q", NULL },
			 200000, NULL);
	expect_clean_failure(rc, want, flac, "old flac");
	rc = run_limited((const char *const[]){ "render", art, "-o", "-", "--no-cache", "-q", NULL },
			 200000, test_path("stdout.wav"));
	expect_clean_failure(rc, want, NULL, NULL);
	assert_int_equal(file_size(test_path("stdout.wav")), 0);
	unlink(test_path("stdout.wav"));
	assert_int_equal(entries(outdir, NULL, 0), 2);
	unlink(wav);
	unlink(flac);
	unlink(art);
}

/*
 * The output cannot grow (ulimit -f above the spool, below the file: a disk
 * full in the middle of pass 2): one line naming the output (for -o - the
 * temporary copy in $TMPDIR), no line of a library, the old file intact.
 */
static void test_output_cannot_grow(void **state)
{
	const char *art = test_path("full.txt"), *wav = test_path("out/full.wav");
	char want[700];
	off_t size;
	int rc;
	(void)state;

	long_article(art);
	rc = run_limited((const char *const[]){ "render", art, "-o", wav, "--no-jingles", "--no-cache",
						"-q", NULL }, 0, NULL);
	assert_int_equal(rc, 0);
	size = file_size(wav);
	/* the spool is mono float (4 bytes a frame), the file 24-bit stereo (6 bytes) */
	assert_true(size > 1000000);
	test_write_text(wav, "old wav");
	snprintf(want, sizeof(want), "sprecher: %s: cannot write: %s", wav, strerror(EFBIG));
	rc = run_limited((const char *const[]){ "render", art, "-o", wav, "--no-jingles", "--no-cache",
						"-q", NULL }, (rlim_t)(size * 5 / 6), NULL);
	expect_clean_failure(rc, want, wav, "old wav");
	snprintf(want, sizeof(want), "sprecher: %s (the temporary copy of stdout): cannot write: %s",
		 tmpdir, strerror(EFBIG));
	rc = run_limited((const char *const[]){ "render", art, "-o", "-", "--no-jingles", "--no-cache",
						"-q", NULL }, (rlim_t)(size * 5 / 6), test_path("stdout.wav"));
	expect_clean_failure(rc, want, NULL, NULL);
	assert_int_equal(file_size(test_path("stdout.wav")), 0);
	unlink(test_path("stdout.wav"));
	assert_int_equal(entries(outdir, NULL, 0), 1);
	unlink(wav);
	unlink(art);
}

/* ---- inputs and outputs a hostile user tries -------------------------- */

/* Runs `args`; wants exit `want_rc`, one stderr line containing `want`, the old output intact. */
static void refused(int want_rc, const char *want, const char *const *args, const char *out)
{
	int rc = run_limited(args, 0, NULL);
	char *s;

	if (rc != want_rc || lines(errbuf) != 1 || strncmp(errbuf, "sprecher: ", 10) || !strstr(errbuf, want))
		fail_msg("%s: exit %d (want %d), stderr:\n%s", want, rc, want_rc, errbuf);
	s = test_slurp(out, NULL);
	assert_non_null(s);
	assert_string_equal(s, "old wav");
	free(s);
	assert_int_equal(entries(outdir, NULL, 0), 1);
	assert_int_equal(entries(tmpdir, NULL, 0), 0);
}

/*
 * UTF-16 and unterminated front matter as articles, a text file and a WAV
 * without frames as jingles, a voice preset out of range, /dev/full as the
 * output and as stdout: each one line, exit 1, nothing written.
 */
static void test_hostile_inputs(void **state)
{
	char wav[700], art[700], u16[64], fm[64], txtj[64], zero[64], ini[64];
	SF_INFO info = { .samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	FILE *f;
	int rc;
	(void)state;

	snprintf(wav, sizeof(wav), "%s/h.wav", outdir);     /* test_path's buffers rotate */
	snprintf(art, sizeof(art), "%s/h.txt", test_dir);
	snprintf(u16, sizeof(u16), "u16.txt");
	test_write_text(wav, "old wav");
	test_write_text(art, "Titel\n\nEin kurzer Satz.\n");
	f = fopen(test_path(u16), "wb");
	assert_non_null(f);
	fwrite("\xff\xfeT\0i\0t\0e\0l\0\n\0", 1, 14, f);
	fclose(f);
	refused(1, "u16.txt: not a text file",
		(const char *const[]){ "render", test_path(u16), "-o", wav, NULL }, wav);
	snprintf(fm, sizeof(fm), "fm.md");
	test_write_text(test_path(fm), "---\ntitle: Offen\n\nEin Satz.\n");
	refused(1, "fm.md:1: front matter opened with \"---\" is never closed",
		(const char *const[]){ "render", test_path(fm), "-o", wav, NULL }, wav);
	snprintf(txtj, sizeof(txtj), "text.wav");
	test_write_text(test_path(txtj), "RIFF? no, just words pretending to be a jingle\n");
	refused(1, "text.wav: cannot read",
		(const char *const[]){ "render", art, "-o", wav, "--intro", test_path(txtj), NULL }, wav);
	snprintf(zero, sizeof(zero), "zero.wav");
	sf_close(sf_open(test_path(zero), SFM_WRITE, &info));
	refused(1, "zero.wav: cannot read: no audio frames",
		(const char *const[]){ "render", art, "-o", wav, "--outro", test_path(zero), NULL }, wav);
	snprintf(ini, sizeof(ini), "v.ini");
	test_write_text(test_path(ini), "[voice]\nespeak = de\nrate = 5000\n");
	rc = run_limited((const char *const[]){ "render", art, "-o", wav, "--voice", test_path(ini), NULL },
			 0, NULL);
	if (rc == 0 || lines(errbuf) != 1 || !strstr(errbuf, "v.ini:3:"))
		fail_msg("voice preset out of range: exit %d, stderr:\n%s", rc, errbuf);
	refused(1, "/dev/full: unsupported output format",
		(const char *const[]){ "render", art, "-o", "/dev/full", NULL }, wav);
	rc = run_limited((const char *const[]){ "render", art, "-o", "-", "--no-cache", NULL }, 0, "/dev/full");
	if (rc != 1 || lines(errbuf) != 1 || !strstr(errbuf, "sprecher: stdout: cannot write: No space left"))
		fail_msg("-o - > /dev/full: exit %d, stderr:\n%s", rc, errbuf);
	assert_int_equal(entries(tmpdir, NULL, 0), 0);
	unlink(wav);
	unlink(art);
}

/* ---- SIGKILL ------------------------------------------------------------- */

/*
 * What `pid` has open: *in_tmp = bytes of the largest file it holds in
 * tmpdir (-1: none), *in_out = 1 when it holds a file in outdir other than
 * `target` (the output being written, unnamed until commit).
 */
static void open_files(int pid, const char *target, off_t *in_tmp, int *in_out)
{
	char fdd[64], link[700], path[1100];
	DIR *d;
	struct dirent *de;

	*in_tmp = -1;
	*in_out = 0;
	snprintf(fdd, sizeof(fdd), "/proc/%d/fd", pid);
	if (!(d = opendir(fdd)))
		return;
	while ((de = readdir(d))) {
		ssize_t n;
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", fdd, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!strncmp(link, tmpdir, strlen(tmpdir)) && link[strlen(tmpdir)] == '/' &&
		    stat(path, &st) == 0 && st.st_size > *in_tmp)
			*in_tmp = st.st_size;
		if (!strncmp(link, outdir, strlen(outdir)) && link[strlen(outdir)] == '/' &&
		    strcmp(link, target) && stat(path, &st) == 0 && st.st_size > 0)
			*in_out = 1;
	}
	closedir(d);
}

/*
 * Starts a render and kills it with SIGKILL in pass 1 (the spool is growing,
 * no output open yet) or pass 2 (the output is being written). Returns 1 when
 * it was caught in that pass, 0 when it ended first.
 */
static int kill_in_pass(const char *art, const char *target, int pass, int sig, int *status)
{
	char ep[700];
	int pid;

	snprintf(ep, sizeof(ep), "%s/stderr.txt", test_dir);
	setenv("TMPDIR", tmpdir, 1);
	pid = test_spawn(bin, (const char *const[]){ "render", art, "-o", target, "--no-cache", "-q",
						     NULL }, NULL, NULL, ep);
	unsetenv("TMPDIR");
	for (;;) {
		off_t spool;
		int out;
		struct timespec ts = { 0, 200000 };
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		open_files(pid, target, &spool, &out);
		/* pass 2 writes the output with the whole spool there (the output check before pass 1
		 * opens and drops a writer too, before any spool exists) */
		if ((pass == 1 && spool > 200000 && !out) || (pass == 2 && out && spool > 200000)) {
			char *err;
			kill(pid, sig);
			waitpid(pid, status, 0);
			err = test_slurp(ep, NULL);
			snprintf(errbuf, sizeof(errbuf), "%s", err ? err : "");
			free(err);
			unlink(ep);
			return 1;
		}
		nanosleep(&ts, NULL);
	}
}

/*
 * Kills a render of `art` into `wav` with `sig` in pass 1 and in pass 2 and
 * checks what is left: the old output as it was, nothing else in the output
 * directory or $TMPDIR, the process ended by the signal and, for catchable
 * signals, one line "sprecher: stopped by ..." on stderr.
 */
static void kill_both_passes(const char *art, const char *wav, int sig)
{
	char names[1024];
	char *s;

	for (int pass = 1; pass <= 2; pass++) {
		int caught = 0, status = 0;
		for (int tries = 0; tries < 5 && !caught; tries++)
			caught = kill_in_pass(art, wav, pass, sig, &status);
		if (!caught)
			fail_msg("the render ended before it could be stopped in pass %d", pass);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), sig);
		if (sig != SIGKILL && (lines(errbuf) != 1 || strncmp(errbuf, "sprecher: stopped by ", 21)))
			fail_msg("signal %d in pass %d: stderr:\n%s", sig, pass, errbuf);
		s = test_slurp(wav, NULL);
		assert_string_equal(s, "old wav");
		free(s);
		if (entries(outdir, names, sizeof(names)) != 1 || entries(tmpdir, NULL, 0) != 0)
			fail_msg("after signal %d in pass %d: output directory holds %s; TMPDIR %d entries",
				 sig, pass, names, entries(tmpdir, NULL, 0));
	}
}

/* SIGINT, SIGTERM and SIGHUP in either pass: a clear line, nothing left behind, the old output intact. */
static void test_signals(void **state)
{
	const char *art = test_path("sig.txt"), *wav = test_path("out/sig.wav");
	(void)state;

	long_article(art);
	test_write_text(wav, "old wav");
	kill_both_passes(art, wav, SIGINT);
	kill_both_passes(art, wav, SIGTERM);
	kill_both_passes(art, wav, SIGHUP);
	assert_non_null(strstr(errbuf, "SIGHUP"));
	unlink(wav);
	unlink(art);
}

/*
 * A SIGKILL in pass 1 or pass 2 leaves no file in $TMPDIR or next to the
 * output, and the existing output as it was; a render afterwards succeeds
 * and leaves nothing else either.
 */
static void test_sigkill(void **state)
{
	const char *art = test_path("kill.txt"), *wav = test_path("out/kill.wav");
	char names[1024];
	(void)state;

	long_article(art);
	test_write_text(wav, "old wav");
	kill_both_passes(art, wav, SIGKILL);
	assert_int_equal(run_limited((const char *const[]){ "render", art, "-o", wav, "--no-cache", "-q",
							    NULL }, 0, NULL), 0);
	assert_true(file_size(wav) > 1000);
	assert_int_equal(entries(outdir, names, sizeof(names)), 1);
	assert_int_equal(entries(tmpdir, NULL, 0), 0);
	unlink(wav);
	unlink(art);
}

/* ---- valgrind ------------------------------------------------------------ */

static char valgrind[600];     /* its path, found by valgrind_usable */

/*
 * Runs the binary under valgrind memcheck (children too: the synthesis runs
 * in forked processes); fails on any error or any byte definitely or
 * indirectly lost, showing valgrind's report.
 */
static void memcheck(const char *const *args)
{
	const char *av[40];
	char log[700];
	int n = 0, rc;

	av[n++] = "--error-exitcode=99";
	av[n++] = "--leak-check=full";
	av[n++] = "--errors-for-leak-kinds=definite,indirect";
	av[n++] = "--show-leak-kinds=definite,indirect";
	av[n++] = bin;
	for (; *args && n < 38; args++)
		av[n++] = *args;
	av[n] = NULL;
	snprintf(log, sizeof(log), "%s/valgrind.txt", test_dir);
	rc = test_wait(test_spawn(valgrind, av, NULL, NULL, log));
	if (rc != 0) {
		char *s = test_slurp(log, NULL);
		fail_msg("valgrind exit %d:\n%s", rc, s ? s : "");
	}
	unlink(log);
}

/* 1 when valgrind can check the binary (its path into `valgrind`); else says why not. */
static int valgrind_usable(void)
{
#if defined(__SANITIZE_ADDRESS__)
	print_message("skipped: valgrind does not run ASan binaries (the normal build's test runs it)\n");
	return 0;
#else
	FILE *p = popen("command -v valgrind", "r");
	size_t n = p ? fread(valgrind, 1, sizeof(valgrind) - 1, p) : 0;

	if (p)
		pclose(p);
	valgrind[n] = '\0';
	while (n > 0 && (valgrind[n - 1] == '\n' || valgrind[n - 1] == ' '))
		valgrind[--n] = '\0';
	if (!n || valgrind[0] != '/') {
		print_message("skipped: valgrind is not installed (apt-get install valgrind)\n");
		return 0;
	}
	return 1;
#endif
}

static void test_valgrind_sidecars(void **state)
{
	char art[700];
	(void)state;

	snprintf(art, sizeof(art), "%s/vg.md", test_dir);

	if (!valgrind_usable())
		return;
	test_write_text(art, "---\ntitle: Kurz\n---\n\nEin kurzer Satz.\n\n## Teil zwei\n\nNoch ein Satz.\n");
	{
		char p[5][700];
		const char *ext[5] = { "wav", "vtt", "json", "txt", "cue" };
		for (int i = 0; i < 5; i++)
			snprintf(p[i], sizeof(p[i]), "%s/vg.%s", outdir, ext[i]);
		memcheck((const char *const[]){ "render", art, "-o", p[0], "--no-cache", "-q", "--captions",
						p[1], "--timeline", p[2], "--labels", p[3], "--chapters",
						p[4], NULL });
	}
	assert_true(file_size(test_path("out/vg.cue")) > 0);
	assert_true(file_size(test_path("out/vg.vtt")) > 0);
	unlink(test_path("out/vg.wav"));
	unlink(test_path("out/vg.vtt"));
	unlink(test_path("out/vg.json"));
	unlink(test_path("out/vg.txt"));
	unlink(test_path("out/vg.cue"));
	unlink(art);
}

/* A stereo 16-bit WAV of `seconds` of a sine at `hz`. */
static void sine_wav(const char *path, double seconds, double hz)
{
	SF_INFO info = { .samplerate = 48000, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);
	size_t n = (size_t)(seconds * 48000);
	float *buf = malloc(n * 2 * sizeof(float));

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		buf[2 * i] = buf[2 * i + 1] = 0.25f * sinf(2.0f * 3.14159265f * (float)hz * (float)i / 48000.0f);
	assert_int_equal(sf_writef_float(f, buf, (sf_count_t)n), (sf_count_t)n);
	sf_close(f);
	free(buf);
}

static void test_valgrind_show(void **state)
{
	const char *rd = test_path("vg.rundown");
	(void)state;

	if (!valgrind_usable())
		return;
	sine_wav(test_path("opener.wav"), 1.0, 440);
	sine_wav(test_path("bed.wav"), 2.0, 220);
	test_write_text(test_path("item.md"), "---\ntitle: Meldung\n---\n\nEin kurzer Satz zur Lage.\n");
	test_write_text(rd, "[show]\ntitle = Kurzsendung\ndate = 2026-12-02 14:00:00\n"
		"[opener]\nkind = jingle\nfile = opener.wav\n"
		"[id]\nkind = text\ntext = Radio Test. Die Nachrichten.\noverlap = 0.3\n"
		"[bett]\nkind = bed\nfile = bed.wav\nuntil = meldung\n"
		"[meldung]\nkind = article\nfile = item.md\n"
		"[zeit]\nkind = time\n");
	{
		char p[5][700];
		const char *ext[5] = { "wav", "srt", "cue", "json", "txt" };
		for (int i = 0; i < 5; i++)
			snprintf(p[i], sizeof(p[i]), "%s/show.%s", outdir, ext[i]);
		memcheck((const char *const[]){ "render", rd, "-o", p[0], "--no-cache", "-q", "--captions",
						p[1], "--chapters", p[2], "--timeline", p[3], "--labels",
						p[4], NULL });
	}
	assert_true(file_size(test_path("out/show.wav")) > 1000);
	unlink(test_path("out/show.wav"));
	unlink(test_path("out/show.srt"));
	unlink(test_path("out/show.cue"));
	unlink(test_path("out/show.json"));
	unlink(test_path("out/show.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_cannot_grow),
		cmocka_unit_test(test_output_cannot_grow),
		cmocka_unit_test(test_hostile_inputs),
		cmocka_unit_test(test_sigkill),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_valgrind_sidecars),
		cmocka_unit_test(test_valgrind_show),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
