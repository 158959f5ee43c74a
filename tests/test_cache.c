/*
 * test_cache.c - the synthesis cache: keys, hit and miss, damaged and
 * truncated entries, least-recently-used trimming, usage and clearing,
 * several processes on one cache at once. Every test uses its own temporary
 * directory, never the user's cache.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

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
	char id[65], id2[65];

	(void)state;
	key_of("ab", "c", &a);
	key_of("a", "bc", &b);
	key_of("ab", "c", &c);
	assert_memory_not_equal(a.b, b.b, CACHE_KEY_SIZE);    /* parts are length-prefixed */
	assert_memory_equal(a.b, c.b, CACHE_KEY_SIZE);
	cache_build_id(id);
	cache_build_id(id2);
	assert_int_equal(strlen(id), 64);
	assert_string_equal(id, id2);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_default_dir),
		cmocka_unit_test_setup_teardown(test_hit_miss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
	};
	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
