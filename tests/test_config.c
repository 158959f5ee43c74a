/*
 * test_config.c - the station configuration file reader: entries with their
 * lines, a missing file, syntax errors with FILE:LINE, NUL bytes, non-files.
 */
#include "testutil.h"
#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#define WRITE(p, lit) test_write_file((p), (lit), sizeof(lit) - 1)

static void test_entries(void **state)
{
	struct config c;
	struct err e;
	const char *p = test_path("config");

	(void)state;
	WRITE(p, "; a comment\n[render]\nloudness = podcast\n\nvoice=sprecherin ; inline\n[other]\nx = 1 2\n");
	config_init(&c);
	assert_int_equal(config_load(p, &c, &e), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.path, p);
	assert_string_equal(c.v[0].section, "render");
	assert_string_equal(c.v[0].key, "loudness");
	assert_string_equal(c.v[0].value, "podcast");
	assert_int_equal(c.v[0].line, 3);
	assert_string_equal(c.v[1].key, "voice");
	assert_string_equal(c.v[1].value, "sprecherin");
	assert_int_equal(c.v[1].line, 5);
	assert_string_equal(c.v[2].section, "other");
	assert_string_equal(c.v[2].value, "1 2");
	assert_int_equal(c.v[2].line, 7);
	config_release(&c);
	assert_int_equal(c.n, 0);

	/* a line longer than inih's buffer is an error naming it, not cut in two */
	{
		char text[1200];
		int k = snprintf(text, sizeof(text), "[render]\nartist = ");
		memset(text + k, 'a', 600);
		snprintf(text + k + 600, sizeof(text) - (size_t)k - 600, "\nvoice = x\n");
		test_write_text(p, text);
		config_init(&c);
		assert_int_equal(config_load(p, &c, &e), -1);
		assert_non_null(strstr(e.msg, "config:2: line longer than"));
		config_release(&c);
	}

	/* a missing file (or directory) is no configuration, not an error */
	config_init(&c);
	assert_int_equal(config_load(test_path("nothing/config"), &c, &e), 0);
	assert_int_equal(c.n, 0);
	config_release(&c);
}

static void expect_error(const char *text, size_t n, const char *what)
{
	struct config c;
	struct err e;
	const char *p = test_path("config");

	test_write_file(p, text, n);
	config_init(&c);
	assert_int_equal(config_load(p, &c, &e), -1);
	if (!strstr(e.msg, what) || strncmp(e.msg, p, strlen(p))) {
		fprintf(stderr, "unexpected: %s\n", e.msg);
		fail();
	}
	config_release(&c);
}

#define EXPECT(lit, what) expect_error((lit), sizeof(lit) - 1, (what))

static void test_errors(void **state)
{
	struct config c;
	struct err e;

	(void)state;
	EXPECT("[render]\nloudness = ebu\nmono\n", ":3: not \"key = value\"");
	EXPECT("[render\n", ":1: not");
	EXPECT("[render]\nvoice = a\0b\n", ":2: a NUL byte");
	/* not a regular file: a directory, a FIFO */
	config_init(&c);
	assert_int_equal(config_load(test_dir, &c, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	assert_int_equal(mkfifo(test_path("fifo"), 0600), 0);
	assert_int_equal(config_load(test_path("fifo"), &c, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	config_release(&c);
}

static void test_default_path(void **state)
{
	char buf[512];

	(void)state;
	setenv("XDG_CONFIG_HOME", "/etc/xdg-test", 1);
	assert_string_equal(config_default_path(buf, sizeof(buf)), "/etc/xdg-test/sprecher/config");
	/* a relative XDG_CONFIG_HOME is ignored, as the XDG spec says */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	setenv("HOME", "/home/hoerer", 1);
	assert_string_equal(config_default_path(buf, sizeof(buf)), "/home/hoerer/.config/sprecher/config");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_null(config_default_path(buf, sizeof(buf)));
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("config");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
