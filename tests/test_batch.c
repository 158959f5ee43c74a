/*
 * test_batch.c - the batch module: manifest, shards, duplicate names (unit
 * tests), and batches run through the binary ($SPRECHER_BIN): episodes
 * byte-identical to single renders whatever the order and --jobs, a failing
 * article among good ones, manifests from a file and stdin, shards that
 * partition a batch, per-episode sidecars, Ctrl-C, batches of rundowns.
 */
#include "testutil.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

static const char *bin;

/* ---- helpers ----------------------------------------------------------- */

/*
 * Starts bin with args (NULL-terminated) in the test directory's environment:
 * stdin from `in` (or /dev/null), stdout and stderr to test_dir/out.txt and
 * err.txt, TMPDIR = test_dir/tmp. `group`: in its own process group.
 */
static pid_t start(const char *in, int group, const char *const *args)
{
	char inp[600], out[600], err[600], tmpdir[700];
	const char *env[] = { tmpdir, NULL };
	struct test_proc p = { .in = inp, .out = out, .err = err, .epoch = "1767225600", .env = env,
			       .group = group };

	snprintf(inp, sizeof(inp), "%s", in ? in : "/dev/null");
	snprintf(out, sizeof(out), "%s", test_path("out.txt"));
	snprintf(err, sizeof(err), "%s", test_path("err.txt"));
	snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", test_path("tmp"));
	mkdir(test_path("tmp"), 0755);
	return (pid_t)test_spawn_proc(bin, args, &p);
}

static int finish(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define RUN(...) finish(start(NULL, 0, (const char *const[]){ __VA_ARGS__, NULL }))
#define RUN_IN(in, ...) finish(start(in, 0, (const char *const[]){ __VA_ARGS__, NULL }))

static char *err_text(void)
{
	return test_slurp(test_path("err.txt"), NULL);
}

static void copy(const char *from, const char *to)
{
	size_t len;
	char *b = test_slurp(from, &len);
	FILE *f = fopen(to, "wb");

	assert_non_null(b);
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
	free(b);
}

/* Whether files a and b have the same bytes (both must exist). */
static int same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *x = test_slurp(a, &la), *y = test_slurp(b, &lb);
	int same;

	assert_non_null(x);
	assert_non_null(y);
	same = la == lb && !memcmp(x, y, la);
	free(x);
	free(y);
	return same;
}

/* Number of entries in dir (without . and ..); `tmp_only`: only names ending in ".tmp". */
static int count_entries(const char *dir, int tmp_only)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!tmp_only || (l > 4 && !strcmp(de->d_name + l - 4, ".tmp")))
			n++;
	}
	closedir(d);
	return n;
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("batch");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

#define KURZ TESTS_DIR "/data/kurz.txt"
#define LIEF TESTS_DIR "/data/lieferung.txt"
#define STADT TESTS_DIR "/data/wetter.txt"

/* ---- unit tests -------------------------------------------------------- */

static void test_manifest(void **state)
{
	struct batch_list l;
	struct err e;

	(void)state;
	test_write_text(test_path("m.txt"), "# the morning run\n  a.txt  \n\nsub dir/b.md\r\n#c.txt\nd.txt");
	batch_list_init(&l);
	assert_int_equal(batch_read_manifest(&l, test_path("m.txt"), &e), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "a.txt");
	assert_string_equal(l.v[1], "sub dir/b.md");
	assert_string_equal(l.v[2], "d.txt");
	batch_list_release(&l);

	{
		FILE *f = fopen(test_path("nul.txt"), "wb");
		fwrite("a.txt\nb\0.txt\n", 1, 13, f);
		fclose(f);
	}
	batch_list_init(&l);
	assert_int_equal(batch_read_manifest(&l, test_path("nul.txt"), &e), -1);
	assert_non_null(strstr(e.msg, "nul.txt:2: a NUL byte"));
	assert_int_equal(batch_read_manifest(&l, test_path("missing.txt"), &e), -1);
	assert_non_null(strstr(e.msg, "missing.txt"));
	batch_list_release(&l);
}

static void test_shards(void **state)
{
	int k, n, hits[7] = { 0 };
	char name[32];

	(void)state;
	assert_int_equal(batch_shard_parse("2/5", &k, &n), 0);
	assert_int_equal(k, 2);
	assert_int_equal(n, 5);
	assert_int_equal(batch_shard_parse("0/5", &k, &n), -1);
	assert_int_equal(batch_shard_parse("6/5", &k, &n), -1);
	assert_int_equal(batch_shard_parse("1/", &k, &n), -1);
	assert_int_equal(batch_shard_parse("1/2x", &k, &n), -1);
	/* every name in exactly one of the shards, and all shards used */
	for (int i = 0; i < 200; i++) {
		int in = 0;
		snprintf(name, sizeof(name), "folge-%d.wav", i);
		for (int s = 1; s <= 7; s++)
			if (batch_in_shard(name, s, 7)) {
				in++;
				hits[s - 1]++;
			}
		assert_int_equal(in, 1);
	}
	for (int s = 0; s < 7; s++)
		assert_true(hits[s] > 10);
	/* stable: a fixed name has a fixed shard on every machine (FNV-1a) */
	assert_true(batch_in_shard("kurz.wav", 1, 1));
}

static void test_unique(void **state)
{
	char *in[] = { "d1/x.txt", "y.txt", "d2/x.md" };
	char *out[] = { "out/x.wav", "out/y.wav", "out/x.wav" };
	struct err e;

	(void)state;
	assert_int_equal(batch_check_unique(in, out, 2, &e), 0);
	assert_int_equal(batch_check_unique(in, out, 3, &e), -1);
	assert_non_null(strstr(e.msg, "d1/x.txt and d2/x.md both make out/x.wav"));
}

/* ---- through the binary ------------------------------------------------ */

/*
 * An episode's bytes depend only on its input: three single renders, the
 * batch in one order with --jobs 1 and in another with --jobs 2 (eSpeak NG
 * keeps state between texts in one process; this failed before).
 */
static void test_deterministic_batches(void **state)
{
	const char *names[] = { "kurz", "lieferung", "wetter" };
	const char *dirs[] = { "single", "j1", "j2" };
	char a[600], b[600];

	(void)state;
	for (int i = 0; i < 3; i++)
		mkdir(test_path(dirs[i]), 0755);
	assert_int_equal(RUN("render", KURZ, "-o", test_path("single/kurz.wav"), "-q"), 0);
	assert_int_equal(RUN("render", LIEF, "-o", test_path("single/lieferung.wav"), "-q"), 0);
	assert_int_equal(RUN("render", STADT, "-o", test_path("single/wetter.wav"), "-q"), 0);
	assert_int_equal(RUN("render", KURZ, LIEF, STADT, "-o", test_path("j1"), "--jobs", "1", "-q"), 0);
	assert_int_equal(RUN("render", STADT, LIEF, KURZ, "-o", test_path("j2"), "--jobs", "2", "-q"), 0);
	for (int i = 0; i < 3; i++)
		for (int d = 1; d < 3; d++) {
			snprintf(a, sizeof(a), "%s/single/%s.wav", test_dir, names[i]);
			snprintf(b, sizeof(b), "%s/%s/%s.wav", test_dir, dirs[d], names[i]);
			if (!same_bytes(a, b))
				fail_msg("%s differs from the single render", b);
		}
}

/*
 * Rundowns batch like articles: two shows (a text item and an article each)
 * and an article in one batch, --jobs 1 and --jobs 2 in another order, every
 * episode byte-identical to its single render.
 */
static void test_rundown_batches(void **state)
{
	const char *names[] = { "fruehausgabe", "spaetausgabe", "kurz" };
	const char *dirs[] = { "single", "j1", "j2" };
	char a[600], b[600], ra[600], rb[600], text[2 * PATH_MAX], lief[PATH_MAX], kurz[PATH_MAX];

	(void)state;
	/* a rundown's file names are relative to the rundown */
	assert_non_null(realpath(LIEF, lief));
	assert_non_null(realpath(KURZ, kurz));
	for (int i = 0; i < 3; i++)
		mkdir(test_path(dirs[i]), 0755);
	snprintf(ra, sizeof(ra), "%s/fruehausgabe.rundown", test_dir);
	snprintf(rb, sizeof(rb), "%s/spaetausgabe.rundown", test_dir);
	snprintf(text, sizeof(text), "[show]\ntitle = Frühausgabe\n[gruss]\nkind = text\n"
		 "text = Guten Morgen, hier sind die Meldungen.\n[meldung]\nkind = article\nfile = %s\n", lief);
	test_write_text(ra, text);
	snprintf(text, sizeof(text), "[show]\ntitle = Spätausgabe\n[meldung]\nkind = article\nfile = %s\n"
		 "[gruss]\nkind = text\ntext = Das waren die Meldungen. Gute Nacht.\n", kurz);
	test_write_text(rb, text);
	assert_int_equal(RUN("render", ra, "-o", test_path("single/fruehausgabe.wav"), "-q"), 0);
	assert_int_equal(RUN("render", rb, "-o", test_path("single/spaetausgabe.wav"), "-q"), 0);
	assert_int_equal(RUN("render", KURZ, "-o", test_path("single/kurz.wav"), "-q"), 0);
	assert_int_equal(RUN("render", ra, KURZ, rb, "-o", test_path("j1"), "--jobs", "1", "-q"), 0);
	assert_int_equal(RUN("render", rb, ra, KURZ, "-o", test_path("j2"), "--jobs", "2", "-q"), 0);
	for (int i = 0; i < 3; i++)
		for (int d = 1; d < 3; d++) {
			snprintf(a, sizeof(a), "%s/single/%s.wav", test_dir, names[i]);
			snprintf(b, sizeof(b), "%s/%s/%s.wav", test_dir, dirs[d], names[i]);
			if (!same_bytes(a, b))
				fail_msg("%s differs from the single render", b);
		}
}

/* A failing article among good ones: named, the others rendered, exit 1, the same messages for any N. */
static void test_failing_article(void **state)
{
	char *e1, *e2, *o1, *o2;

	(void)state;
	mkdir(test_path("j1"), 0755);
	mkdir(test_path("j2"), 0755);
	assert_int_equal(RUN("render", KURZ, TESTS_DIR "/data/leer.txt", LIEF, TESTS_DIR "/data/fehlt.txt",
			     "-o", test_path("j1"), "--jobs", "1"), 1);
	e1 = err_text();
	o1 = test_slurp(test_path("out.txt"), NULL);
	assert_int_equal(RUN("render", KURZ, TESTS_DIR "/data/leer.txt", LIEF, TESTS_DIR "/data/fehlt.txt",
			     "-o", test_path("j2"), "--jobs", "2"), 1);
	e2 = err_text();
	o2 = test_slurp(test_path("out.txt"), NULL);
	assert_non_null(strstr(e1, "leer.txt: article is empty"));
	assert_non_null(strstr(e1, "fehlt.txt"));
	assert_non_null(strstr(e1, "2 of 4 episodes rendered"));
	assert_string_equal(e1, e2);
	/* the result lines name the directory: the same once it is taken out */
	assert_non_null(strstr(o1, "j1/kurz.wav"));
	assert_true(strstr(o1, "j1/kurz.wav") < strstr(o1, "j1/lieferung.wav"));
	assert_int_equal(strlen(o1), strlen(o2));
	assert_true(exists(test_path("j2/kurz.wav")) && exists(test_path("j2/lieferung.wav")));
	assert_false(exists(test_path("j2/leer.wav")));
	free(e1);
	free(e2);
	free(o1);
	free(o2);
}

/* Two inputs with one base name: refused before anything is rendered. */
static void test_duplicate_names(void **state)
{
	char *e;

	(void)state;
	mkdir(test_path("d1"), 0755);
	mkdir(test_path("d2"), 0755);
	mkdir(test_path("out"), 0755);
	copy(KURZ, test_path("d1/x.txt"));
	copy(LIEF, test_path("d2/x.md"));
	assert_int_equal(RUN("render", KURZ, test_path("d1/x.txt"), test_path("d2/x.md"),
			     "-o", test_path("out")), 2);
	e = err_text();
	assert_non_null(strstr(e, "d1/x.txt and "));
	assert_non_null(strstr(e, "d2/x.md both make "));
	assert_int_equal(count_entries(test_path("out"), 0), 0);
	free(e);
	/* a missing directory is said so */
	assert_int_equal(RUN("render", KURZ, LIEF, "-o", test_path("nirgends")), 2);
	e = err_text();
	assert_non_null(strstr(e, "nirgends: does not exist"));
	free(e);
}

/* --from FILE and --from -, and --shard 1/2 + 2/2 = the whole batch, disjoint. */
static void test_manifest_and_shards(void **state)
{
	char m[1200];
	int n1, n2;

	(void)state;
	mkdir(test_path("m"), 0755);
	mkdir(test_path("s"), 0755);
	mkdir(test_path("s1"), 0755);
	mkdir(test_path("s2"), 0755);
	snprintf(m, sizeof(m), "# a run\n%s\n\n%s\n", KURZ, LIEF);
	test_write_text(test_path("list.txt"), m);
	assert_int_equal(RUN("render", "--from", test_path("list.txt"), "-o", test_path("m"), "-q"), 0);
	assert_true(exists(test_path("m/kurz.wav")) && exists(test_path("m/lieferung.wav")));
	assert_int_equal(count_entries(test_path("m"), 0), 2);
	/* stdin, plus an argument */
	assert_int_equal(RUN_IN(test_path("list.txt"), "render", STADT, "--from", "-", "-o", test_path("s"),
				"--format", "flac", "-q"), 0);
	assert_int_equal(count_entries(test_path("s"), 0), 3);
	assert_int_equal(RUN_IN(test_path("list.txt"), "render", STADT, "--from", "-", "-o", test_path("s1"),
				"--format", "flac", "--shard", "1/2", "-q"), 0);
	assert_int_equal(RUN_IN(test_path("list.txt"), "render", STADT, "--from", "-", "-o", test_path("s2"),
				"--format", "flac", "--shard", "2/2", "-q"), 0);
	n1 = count_entries(test_path("s1"), 0);
	n2 = count_entries(test_path("s2"), 0);
	assert_int_equal(n1 + n2, 3);
	{
		const char *names[] = { "kurz.flac", "lieferung.flac", "wetter.flac" };
		for (int i = 0; i < 3; i++) {
			char a[600], b[600], c[600];
			snprintf(a, sizeof(a), "%s/s1/%s", test_dir, names[i]);
			snprintf(b, sizeof(b), "%s/s2/%s", test_dir, names[i]);
			snprintf(c, sizeof(c), "%s/s/%s", test_dir, names[i]);
			assert_int_equal(exists(a) + exists(b), 1);
			assert_true(same_bytes(exists(a) ? a : b, c));
		}
	}
	assert_int_equal(RUN("render", KURZ, "--shard", "3/2"), 2);
}

/* Sidecars per episode: each option is a suffix in a batch. */
static void test_batch_sidecars(void **state)
{
	char *vtt;

	(void)state;
	mkdir(test_path("o"), 0755);
	assert_int_equal(RUN("render", KURZ, LIEF, "-o", test_path("o"), "--captions", ".vtt",
			     "--timeline", ".json", "--chapters", ".cue", "-q"), 0);
	vtt = test_slurp(test_path("o/kurz.vtt"), NULL);
	assert_non_null(vtt);
	assert_true(!strncmp(vtt, "WEBVTT", 6));
	free(vtt);
	assert_true(exists(test_path("o/lieferung.vtt")) && exists(test_path("o/lieferung.json")) &&
		    exists(test_path("o/kurz.cue")));
	assert_int_equal(RUN("render", KURZ, LIEF, "-o", test_path("o"), "--captions", "c.vtt"), 2);
	assert_int_equal(RUN("render", KURZ, LIEF, "-o", test_path("o"), "--captions", ".vtt",
			     "--labels", ".vtt"), 2);
}

/*
 * Ctrl-C in the middle of a batch: the episode being rendered keeps its old
 * file, so does the one not started, the finished one is complete, no
 * temporary file is left anywhere. `group`: the signal goes to the whole
 * process group as a terminal sends it; else to the parent only.
 */
static void interrupt_batch(int group)
{
	char body[8192], *p;
	size_t len;
	FILE *f;
	pid_t pid;
	int rc, waited = 0;
	struct test_audio d;

	/* b: about 20 minutes of speech, so it is surely still running when the signal comes */
	p = test_slurp("examples/nachrichten.txt", &len);
	assert_non_null(p);
	snprintf(body, sizeof(body), "%.*s", (int)(strstr(p, "Bild") ? strstr(p, "Bild") - p : (long)len), p);
	f = fopen(test_path("b.txt"), "wb");
	fprintf(f, "%s\n\n%s\n\n%s\n", body, strchr(body, '\n') + 1, strchr(body, '\n') + 1);
	fclose(f);
	free(p);
	copy(KURZ, test_path("a.txt"));
	copy(LIEF, test_path("c.txt"));
	mkdir(test_path("out"), 0755);
	test_write_text(test_path("out/b.wav"), "old b");
	test_write_text(test_path("out/c.wav"), "old c");
	pid = start(NULL, group, (const char *const[]){ "render", test_path("a.txt"), test_path("b.txt"),
			test_path("c.txt"), "-o", test_path("out"), "--jobs", "1", "-q", NULL });
	/* wait until a is done (its file appears whole, linked into place), then let b's render
	 * run a little: its output is an unnamed file, so there is no name to wait for */
	while (waited < 60000 && !exists(test_path("out/a.wav"))) {
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
		waited += 5;
	}
	assert_true(waited < 60000);
	{
		struct timespec ts = { 0, 300000000 };
		nanosleep(&ts, NULL);
	}
	if (group)
		kill(-pid, SIGINT);
	else
		kill(pid, SIGINT);
	rc = finish(pid);
	assert_int_equal(rc, 128 + SIGINT);
	p = test_slurp(test_path("out/b.wav"), NULL);
	assert_string_equal(p, "old b");
	free(p);
	p = test_slurp(test_path("out/c.wav"), NULL);
	assert_string_equal(p, "old c");
	free(p);
	test_decode(test_path("out/a.wav"), &d);
	assert_true(d.n > 48000 * 10);
	free(d.frames);
	assert_int_equal(count_entries(test_path("out"), 0), 3);
	assert_int_equal(count_entries(test_path("tmp"), 0), 0);
}

static void test_interrupt_parent(void **state)
{
	(void)state;
	interrupt_batch(0);
}

static void test_interrupt_group(void **state)
{
	(void)state;
	interrupt_batch(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_manifest, setup, teardown),
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_unique),
		cmocka_unit_test_setup_teardown(test_deterministic_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rundown_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_article, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_and_shards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_sidecars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_group, setup, teardown),
	};

	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
