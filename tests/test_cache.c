/*
 * test_cache.c - the synthesis cache: keys, hit and miss, damaged and
 * truncated entries, least-recently-used trimming, usage and clearing,
 * several processes on one cache at once (unit tests), and renders through
 * the binary ($SPRECHER_BIN): cached and edited renders byte-identical to
 * renders without the cache, a damaged entry, two processes on one cache.
 * Every test uses its own temporary directory, never the user's cache.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

static const char *bin;
static char errbuf[16384];

/* ---- through the binary ------------------------------------------------ */

/* Starts bin with args (NULL-terminated), stderr into test_dir/err-TAG.txt; returns the pid. */
static pid_t start(const char *tag, const char *const *args)
{
	const char *av[40];
	char errpath[700];
	int n = 0;
	pid_t pid;

	snprintf(errpath, sizeof(errpath), "%s/err-%s.txt", test_dir, tag);
	av[n++] = bin;
	for (; args[n - 1] && n < 39; n++)
		av[n] = args[n - 1];
	av[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int fe = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fo = open("/dev/null", O_WRONLY);
		dup2(fe, 2);
		dup2(fo, 1);
		setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
		setenv("SPRECHER_TIMING", "1", 1);
		execv(bin, (char *const *)av);
		_exit(127);
	}
	assert_true(pid > 0);
	return pid;
}

/* Waits for pid; its stderr into errbuf; returns the exit status. */
static int finish(const char *tag, pid_t pid)
{
	char errpath[700];
	char *t;
	int status;

	waitpid(pid, &status, 0);
	snprintf(errpath, sizeof(errpath), "%s/err-%s.txt", test_dir, tag);
	t = test_slurp(errpath, NULL);
	snprintf(errbuf, sizeof(errbuf), "%s", t ? t : "");
	free(t);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#define RUN(...) finish("run", start("run", (const char *const[]){ __VA_ARGS__, NULL }))

static int same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *x = test_slurp(a, &la), *y = test_slurp(b, &lb);
	int same = x && y && la == lb && !memcmp(x, y, la);

	free(x);
	free(y);
	return same;
}

/* Hits and misses from the SPRECHER_TIMING line in errbuf. */
static void counts(unsigned *hits, unsigned *misses)
{
	const char *p = strstr(errbuf, "cache: ");
	if (!p)
		fail_msg("no cache line in: %s", errbuf);
	assert_int_equal(sscanf(p, "cache: %u hits, %u misses", hits, misses), 2);
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("cache");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

static void key_of(const char *a, const char *b, struct cache_key *k)
{
	struct cache_hasher *h = cache_hasher_new();
	cache_hasher_adds(h, a);
	cache_hasher_adds(h, b);
	cache_hasher_done(h, k);
}

/* The entry file of key k (as cache.h documents the layout). */
static const char *entry_file(const struct cache_key *k)
{
	static char p[700];
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", k->b[i]);
	snprintf(p, sizeof(p), "%s/c/v1/%.2s/%s", test_dir, hex, hex);
	return p;
}

static void test_keys(void **state)
{
	struct cache_key a, b, c;

	(void)state;
	key_of("ab", "c", &a);
	key_of("a", "bc", &b);
	key_of("ab", "c", &c);
	assert_memory_not_equal(a.b, b.b, CACHE_KEY_SIZE);    /* parts are length-prefixed */
	assert_memory_equal(a.b, c.b, CACHE_KEY_SIZE);
}

static void test_default_dir(void **state)
{
	char buf[512];

	(void)state;
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	setenv("HOME", "/home/y", 1);
	assert_int_equal(cache_default_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/cache/sprecher");
	unsetenv("XDG_CACHE_HOME");
	assert_int_equal(cache_default_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/home/y/.cache/sprecher");
	unsetenv("HOME");
	assert_int_equal(cache_default_dir(buf, sizeof(buf)), -1);
}

static void test_hit_miss(void **state)
{
	struct cache *c;
	struct cache_key k, other;
	struct err e;
	void *data;
	size_t len;
	uint64_t hits, misses, damaged, n, bytes;

	(void)state;
	c = cache_open(test_path("c"), 0, &e);
	assert_non_null(c);
	key_of("Guten Abend.", "voice", &k);
	key_of("Guten Morgen.", "voice", &other);
	assert_int_equal(cache_get(c, &k, &data, &len, &e), 0);
	assert_int_equal(cache_put(c, &k, "frames", 6, &e), 0);
	assert_int_equal(cache_get(c, &k, &data, &len, &e), 1);
	assert_int_equal(len, 6);
	assert_memory_equal(data, "frames", 6);
	free(data);
	assert_int_equal(cache_get(c, &other, &data, &len, &e), 0);
	/* an empty blob is a blob */
	assert_int_equal(cache_put(c, &other, "", 0, &e), 0);
	assert_int_equal(cache_get(c, &other, &data, &len, &e), 1);
	assert_int_equal(len, 0);
	free(data);
	cache_counts(c, &hits, &misses, &damaged);
	assert_int_equal(hits, 2);
	assert_int_equal(misses, 2);
	assert_int_equal(damaged, 0);
	cache_close(c);
	assert_int_equal(cache_usage(test_path("c"), &n, &bytes, &e), 0);
	assert_int_equal(n, 2);
	assert_true(bytes > 6);
	assert_int_equal(cache_clear(test_path("c"), &e), 0);
	assert_int_equal(cache_usage(test_path("c"), &n, &bytes, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(bytes, 0);
	/* a directory that cannot be made */
	assert_null(cache_open("/proc/nope/cache", 0, &e));
	assert_non_null(strstr(e.msg, "/proc/nope/cache"));
}

/* A flipped byte, a truncated file, a file under the wrong name: detected, removed, a miss next time. */
static void test_damaged(void **state)
{
	struct cache *c;
	struct cache_key k, k2;
	struct err e;
	void *data = NULL;
	size_t len;
	char blob[4000];
	FILE *f;
	struct stat st;

	(void)state;
	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (char)(i * 7);
	c = cache_open(test_path("c"), 0, &e);
	key_of("Satz", "eins", &k);
	assert_int_equal(cache_put(c, &k, blob, sizeof(blob), &e), 0);
	f = fopen(entry_file(&k), "r+b");
	assert_non_null(f);
	fseek(f, 2000, SEEK_SET);
	{
		int ch = fgetc(f);
		fseek(f, 2000, SEEK_SET);
		fputc(ch ^ 1, f);
	}
	fclose(f);
	assert_int_equal(cache_get(c, &k, &data, &len, &e), -1);
	assert_non_null(strstr(e.msg, "checksum mismatch"));
	assert_int_not_equal(stat(entry_file(&k), &st), 0);
	assert_int_equal(cache_get(c, &k, &data, &len, &e), 0);

	assert_int_equal(cache_put(c, &k, blob, sizeof(blob), &e), 0);
	assert_int_equal(truncate(entry_file(&k), 1000), 0);
	assert_int_equal(cache_get(c, &k, &data, &len, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));

	/* a whole entry renamed to another key's name */
	key_of("Satz", "zwei", &k2);
	assert_int_equal(cache_put(c, &k, blob, sizeof(blob), &e), 0);
	assert_int_equal(cache_put(c, &k2, "x", 1, &e), 0);
	{
		char from[700];
		snprintf(from, sizeof(from), "%s", entry_file(&k));
		assert_int_equal(rename(from, entry_file(&k2)), 0);
	}
	assert_int_equal(cache_get(c, &k2, &data, &len, &e), -1);
	assert_non_null(strstr(e.msg, "wrong name"));
	{
		uint64_t h, m, d;
		cache_counts(c, &h, &m, &d);
		assert_int_equal(d, 3);
	}
	cache_close(c);
}

static void set_mtime(const char *path, time_t t)
{
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* The least recently used go first; a hit counts as a use; stale temporary files go too. */
static void test_trim(void **state)
{
	struct cache *c;
	struct cache_key k[10];
	struct err e;
	char name[16], blob[1000] = { 0 };
	void *data;
	size_t len;
	uint64_t n, bytes;
	struct stat st;
	time_t now = time(NULL);
	char stale[700], fresh[700];

	(void)state;
	c = cache_open(test_path("c"), 0, &e);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "satz %d", i);
		key_of(name, "", &k[i]);
		assert_int_equal(cache_put(c, &k[i], blob, sizeof(blob), &e), 0);
		set_mtime(entry_file(&k[i]), now - 1000 + i);
	}
	/* entry 0 used again now: the newest */
	assert_int_equal(cache_get(c, &k[0], &data, &len, &e), 1);
	free(data);
	snprintf(stale, sizeof(stale), "%s/c/v1/00/.tmp.abcdef", test_dir);
	snprintf(fresh, sizeof(fresh), "%s/c/v1/00/.tmp.123456", test_dir);
	mkdir(test_path("c/v1/00"), 0777);
	fclose(fopen(stale, "w"));
	fclose(fopen(fresh, "w"));
	set_mtime(stale, now - 7200);
	cache_close(c);
	/* each entry is 1000 bytes + an 80-byte header: a limit of 6 entries keeps 5 (90%) */
	assert_int_equal(cache_trim(test_path("c"), 6 * 1080, &e), 0);
	assert_int_equal(cache_usage(test_path("c"), &n, &bytes, &e), 0);
	assert_int_equal(n, 5);
	assert_int_equal(stat(entry_file(&k[0]), &st), 0);
	for (int i = 1; i <= 5; i++)
		assert_int_not_equal(stat(entry_file(&k[i]), &st), 0);
	for (int i = 6; i < 10; i++)
		assert_int_equal(stat(entry_file(&k[i]), &st), 0);
	assert_int_not_equal(stat(stale, &st), 0);
	assert_int_equal(stat(fresh, &st), 0);
}

/* Four processes writing and reading the same keys at once: every hit is whole. */
static void test_concurrent(void **state)
{
	pid_t pids[4];

	(void)state;
	for (int p = 0; p < 4; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			struct err e;
			struct cache *c = cache_open(test_path("c"), 0, &e);
			int bad = 0;
			for (int r = 0; r < 150 && c; r++) {
				struct cache_key k;
				char name[16], blob[20000];
				void *data;
				size_t len;
				int key = (r * 7 + p) % 10;
				snprintf(name, sizeof(name), "satz %d", key);
				key_of(name, "", &k);
				memset(blob, 'a' + key, sizeof(blob));
				int g = cache_get(c, &k, &data, &len, &e);
				if (g == 1) {
					bad |= len != sizeof(blob) || memcmp(data, blob, len);
					free(data);
				} else if (g < 0) {
					bad = 1;
				}
				if (g != 1 && cache_put(c, &k, blob, sizeof(blob), &e))
					bad = 1;
			}
			cache_close(c);
			_exit(c && !bad ? 0 : 1);
		}
	}
	for (int p = 0; p < 4; p++) {
		int status;
		waitpid(pids[p], &status, 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

#define KURZ TESTS_DIR "/data/kurz.txt"
#define LIEF TESTS_DIR "/data/lieferung.txt"

/* Cold, warm and edited renders through the cache: byte-identical to renders without it. */
static void test_render_identical(void **state)
{
	char c[600];
	unsigned hits, misses;
	char *text;
	FILE *f;

	(void)state;
	snprintf(c, sizeof(c), "%s", test_path("c"));
	assert_int_equal(RUN("render", KURZ, "-o", test_path("none.wav"), "--no-cache", "-q"), 0);
	assert_null(strstr(errbuf, "cache: "));
	assert_int_equal(RUN("render", KURZ, "-o", test_path("cold.wav"), "--cache", c, "-q"), 0);
	counts(&hits, &misses);
	assert_int_equal(hits, 0);
	assert_true(misses > 5);
	assert_int_equal(RUN("render", KURZ, "-o", test_path("warm.wav"), "--cache", c, "-q"), 0);
	counts(&hits, &misses);
	assert_true(hits > 5);
	assert_int_equal(misses, 0);
	assert_true(same_bytes(test_path("none.wav"), test_path("cold.wav")));
	assert_true(same_bytes(test_path("none.wav"), test_path("warm.wav")));

	/* one sentence edited: only it is synthesized, the rest comes from the cache */
	text = test_slurp(KURZ, NULL);
	f = fopen(test_path("edit.txt"), "wb");
	fputs(text, f);
	fputs("\nDer Fahrplan gilt zunächst für ein Jahr.\n", f);
	fclose(f);
	free(text);
	assert_int_equal(RUN("render", test_path("edit.txt"), "-o", test_path("edit-none.wav"), "--no-cache", "-q"), 0);
	assert_int_equal(RUN("render", test_path("edit.txt"), "-o", test_path("edit.wav"), "--cache", c, "-q"), 0);
	counts(&hits, &misses);
	assert_int_equal(misses, 1);
	assert_true(hits > 5);
	assert_true(same_bytes(test_path("edit-none.wav"), test_path("edit.wav")));

	/* another output rate is another key */
	assert_int_equal(RUN("render", KURZ, "-o", test_path("44.wav"), "--rate", "44100", "--cache", c, "-q"), 0);
	counts(&hits, &misses);
	assert_int_equal(hits, 0);
}

/* A damaged entry: a warning, synthesized again, the output unchanged; the cache command. */
static void test_render_damaged_entry(void **state)
{
	char c[600];
	char cmd[2000];
	unsigned hits, misses;

	(void)state;
	snprintf(c, sizeof(c), "%s", test_path("c"));
	assert_int_equal(RUN("render", KURZ, "-o", test_path("a.wav"), "--cache", c, "-q"), 0);
	/* flip a byte in the middle of one entry, cut another short */
	snprintf(cmd, sizeof(cmd), "cd '%s/v1' && set -- */*; "
		 "printf '\\377' | dd of=\"$1\" bs=1 seek=5000 conv=notrunc status=none && "
		 "truncate -s 3000 \"$2\"", c);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(RUN("render", KURZ, "-o", test_path("b.wav"), "--cache", c), 0);
	assert_non_null(strstr(errbuf, "damaged cache entry (checksum mismatch)"));
	assert_non_null(strstr(errbuf, "damaged cache entry (truncated)"));
	assert_non_null(strstr(errbuf, "0 misses, 2 damaged"));
	assert_true(same_bytes(test_path("a.wav"), test_path("b.wav")));
	/* entries written again: a clean run */
	assert_int_equal(RUN("render", KURZ, "-o", test_path("c.wav"), "--cache", c), 0);
	assert_null(strstr(errbuf, "damaged cache entry"));
	counts(&hits, &misses);
	assert_int_equal(misses, 0);

	{
		char out[300], *t;

		assert_true(strlen(test_dir) < 200);
		snprintf(out, sizeof(out), "%s/cache.txt", test_dir);
		snprintf(cmd, sizeof(cmd), "'%s' cache --cache '%s' > '%s' && '%s' cache clear --cache '%s' >> '%s'",
			 bin, c, out, bin, c, out);
		assert_int_equal(system(cmd), 0);
		t = test_slurp(out, NULL);
		/* first the entries, then none after clear */
		assert_non_null(strstr(t, " sentences, "));
		assert_null(strstr(t, ": 0 sentences") == t + strcspn(t, ":") ? t : NULL);
		assert_non_null(strstr(strchr(t, '\n'), ": 0 sentences, 0.0 MB"));
		free(t);
	}
}

/* Two processes on one (empty) cache at once: every output equals a render without the cache. */
static void test_render_concurrent(void **state)
{
	char c[600];
	pid_t a, b;

	(void)state;
	snprintf(c, sizeof(c), "%s", test_path("c"));
	assert_int_equal(RUN("render", KURZ, LIEF, "-o", test_dir, "--no-cache", "-q", "--jobs", "2"), 0);
	rename(test_path("kurz.wav"), test_path("kurz-none.wav"));
	rename(test_path("lieferung.wav"), test_path("lieferung-none.wav"));
	mkdir(test_path("x"), 0755);
	mkdir(test_path("y"), 0755);
	for (int round = 0; round < 2; round++) {   /* empty cache, then a full one */
		a = start("a", (const char *const[]){ "render", KURZ, LIEF, "-o", test_path("x"), "--cache", c,
						      "-q", "--jobs", "2", NULL });
		b = start("b", (const char *const[]){ "render", LIEF, KURZ, "-o", test_path("y"), "--cache", c,
						      "-q", "--jobs", "2", NULL });
		assert_int_equal(finish("a", a), 0);
		assert_null(strstr(errbuf, "warning"));
		assert_int_equal(finish("b", b), 0);
		assert_null(strstr(errbuf, "warning"));
		assert_true(same_bytes(test_path("kurz-none.wav"), test_path("x/kurz.wav")));
		assert_true(same_bytes(test_path("kurz-none.wav"), test_path("y/kurz.wav")));
		assert_true(same_bytes(test_path("lieferung-none.wav"), test_path("x/lieferung.wav")));
		assert_true(same_bytes(test_path("lieferung-none.wav"), test_path("y/lieferung.wav")));
	}
}

/* The default directory is $XDG_CACHE_HOME/sprecher; --no-cache leaves it alone. */
static void test_render_default_dir(void **state)
{
	uint64_t n, bytes;
	struct err e;

	(void)state;
	setenv("XDG_CACHE_HOME", test_path("xdg"), 1);
	assert_int_equal(RUN("render", KURZ, "-o", test_path("a.wav"), "--no-cache", "-q"), 0);
	assert_int_equal(cache_usage(test_path("xdg/sprecher"), &n, &bytes, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(RUN("render", KURZ, "-o", test_path("a.wav"), "-q"), 0);
	assert_int_equal(cache_usage(test_path("xdg/sprecher"), &n, &bytes, &e), 0);
	assert_true(n > 5);
	/* an unusable cache is a warning, not a failure */
	assert_int_equal(RUN("render", KURZ, "-o", test_path("b.wav"), "--cache", "/proc/nope"), 0);
	assert_non_null(strstr(errbuf, "warning: /proc/nope: cannot use as the cache directory"));
	assert_true(same_bytes(test_path("a.wav"), test_path("b.wav")));
	/* --cache-size: trimmed to the limit after the render (5.3 MB of sentences into 2 MB) */
	assert_int_equal(RUN("render", KURZ, "-o", test_path("c.wav"), "--cache", test_path("small"),
			     "--cache-size", "2", "-q"), 0);
	assert_int_equal(cache_usage(test_path("small"), &n, &bytes, &e), 0);
	assert_true(n > 0);
	assert_true(bytes <= 2 * 1048576);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_default_dir),
		cmocka_unit_test_setup_teardown(test_hit_miss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_damaged_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_default_dir, setup, teardown),
	};

	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
