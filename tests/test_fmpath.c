/*
 * test_fmpath.c - files named by front matter: relative to the article,
 * confined to its directory tree (or an allowed root), regular files only.
 */
#include "testutil.h"
#include "fmpath.h"

#include <sys/stat.h>
#include <unistd.h>

static void touch(const char *p)
{
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("x", f);
	fclose(f);
}

static void test_inside(void **state)
{
	char out[1024], art[600], want[700];
	struct err e;

	(void)state;
	mkdir(test_path("art"), 0755);
	mkdir(test_path("art/jingles"), 0755);
	touch(test_path("art/jingles/intro.wav"));
	touch(test_path("art/a.txt"));
	snprintf(art, sizeof(art), "%s", test_path("art/a.txt"));
	assert_int_equal(fmpath_resolve(art, "intro", "jingles/intro.wav", NULL, 0, out, sizeof(out), &e), 0);
	snprintf(want, sizeof(want), "%s", test_path("art/jingles/intro.wav"));
	assert_string_equal(out, want);
	/* "x/../" that stays inside is fine; an absolute path inside is fine */
	assert_int_equal(fmpath_resolve(art, "intro", "jingles/../jingles/intro.wav", NULL, 0, out, sizeof(out), &e), 0);
	assert_int_equal(fmpath_resolve(art, "intro", want, NULL, 0, out, sizeof(out), &e), 0);
	assert_string_equal(out, want);
}

static void test_outside(void **state)
{
	char out[1024], art[600], root[600];
	struct err e;

	(void)state;
	mkdir(test_path("art"), 0755);
	mkdir(test_path("other"), 0755);
	touch(test_path("art/a.txt"));
	touch(test_path("other/x.wav"));
	snprintf(art, sizeof(art), "%s", test_path("art/a.txt"));
	assert_int_equal(fmpath_resolve(art, "intro", "../other/x.wav", NULL, 0, out, sizeof(out), &e), -1);
	assert_non_null(strstr(e.msg, "a.txt: front matter intro: ../other/x.wav: outside the article's directory"));
	assert_int_equal(fmpath_resolve(art, "voice", "/etc/passwd", NULL, 0, out, sizeof(out), &e), -1);
	assert_non_null(strstr(e.msg, "outside"));
	assert_null(strstr(e.msg, "root"));
	/* a symbolic link inside that leads outside */
	assert_int_equal(symlink("../other/x.wav", test_path("art/link.wav")), 0);
	assert_int_equal(fmpath_resolve(art, "outro", "link.wav", NULL, 0, out, sizeof(out), &e), -1);
	assert_non_null(strstr(e.msg, "outside"));
	/* an allowed root, or trust */
	snprintf(root, sizeof(root), "%s", test_path("other"));
	const char *roots[] = { root, NULL };
	assert_int_equal(fmpath_resolve(art, "intro", "../other/x.wav", roots, 0, out, sizeof(out), &e), 0);
	assert_int_equal(fmpath_resolve(art, "intro", "../other/x.wav", NULL, 1, out, sizeof(out), &e), 0);
	/* a prefix of the directory name is not inside: art2 is not under art */
	mkdir(test_path("art2"), 0755);
	touch(test_path("art2/y.wav"));
	assert_int_equal(fmpath_resolve(art, "intro", "../art2/y.wav", NULL, 0, out, sizeof(out), &e), -1);
}

static void test_not_files(void **state)
{
	char out[1024], art[600];
	struct err e;

	(void)state;
	mkdir(test_path("art"), 0755);
	mkdir(test_path("art/dir"), 0755);
	touch(test_path("art/a.txt"));
	assert_int_equal(mkfifo(test_path("art/fifo.wav"), 0600), 0);
	snprintf(art, sizeof(art), "%s", test_path("art/a.txt"));
	assert_int_equal(fmpath_resolve(art, "stinger", "fifo.wav", NULL, 0, out, sizeof(out), &e), -1);
	assert_non_null(strstr(e.msg, "fifo.wav: not a regular file"));
	assert_int_equal(fmpath_resolve(art, "stinger", "dir", NULL, 0, out, sizeof(out), &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(fmpath_resolve(art, "intro", "fehlt.wav", NULL, 0, out, sizeof(out), &e), -1);
	assert_non_null(strstr(e.msg, "fehlt.wav: cannot read: No such file"));
	assert_int_equal(fmpath_resolve(art, "intro", "", NULL, 0, out, sizeof(out), &e), -1);
	/* devices are not regular files, even when trusted */
	assert_int_equal(fmpath_resolve(art, "intro", "/dev/zero", NULL, 1, out, sizeof(out), &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));

	assert_true(fmpath_is_file("a/b"));
	assert_true(fmpath_is_file("meine.ini"));
	assert_false(fmpath_is_file("sprecherin"));
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("fmpath");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_files, setup, teardown),
	};
	return cmocka_run_group_tests_name("fmpath", tests, NULL, NULL);
}
