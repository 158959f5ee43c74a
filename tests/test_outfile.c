/*
 * test_outfile.c - util's atomic output files: nothing named while writing
 * (a SIGKILL leaves nothing), stale temporary files of dead processes
 * removed, long names, kept modes, the lock, the "changed meanwhile" check,
 * outputs that are inputs.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static int setup(void **state)
{
	(void)state;
	return test_dir_make("outfile");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

/* Entries in test_dir besides . and .. */
static int entries(void)
{
	DIR *d = opendir(test_dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_and_replace(void **state)
{
	struct err e;
	struct stat st;
	char *s;
	const char *p = test_path("a.json");
	(void)state;

	assert_int_equal(outfile_write(p, "{}\n", 3, &e), 0);
	s = test_slurp(p, NULL);
	assert_string_equal(s, "{}\n");
	free(s);
	/* a replaced file keeps its mode */
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(outfile_write(p, "[]\n", 3, &e), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	s = test_slurp(p, NULL);
	assert_string_equal(s, "[]\n");
	free(s);
	assert_int_equal(entries(), 1);
	unlink(p);
}

/* While a writer is open nothing is visible; a SIGKILL leaves nothing at all. */
static void test_sigkill_leaves_nothing(void **state)
{
	int fds[2], status;
	char c;
	pid_t pid;
	(void)state;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct err e;
		struct outfile *f = outfile_open(test_path("killed.wav"), &e);
		if (!f || write(outfile_fd(f), "RIFF", 4) != 4)
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(fds[0], &c, 1), 1);
	assert_int_equal(entries(), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(entries(), 0);
	close(fds[0]);
	close(fds[1]);
}

/* Named temporary files of processes that no longer run go at the next open; others stay. */
static void test_stale_temp_cleanup(void **state)
{
	struct err e;
	char dead[600], live[600];
	struct outfile *f;
	pid_t pid = fork();
	int status;
	(void)state;

	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	snprintf(dead, sizeof(dead), "%s/.sprecher-%ld-abcdef.tmp", test_dir, (long)pid);
	snprintf(live, sizeof(live), "%s/.sprecher-%ld-abcdef.tmp", test_dir, (long)getpid());
	test_write_text(dead, "old");
	test_write_text(live, "mine");
	f = outfile_open(test_path("x.wav"), &e);
	assert_non_null(f);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	outfile_abort(f);
	unlink(live);
	assert_int_equal(entries(), 0);
}

/* Names of 255 bytes work: the temporary name does not grow with the target's. */
static void test_long_name(void **state)
{
	struct err e;
	char name[256], *s;
	(void)state;

	memset(name, 'n', 251);
	memcpy(name + 251, ".vtt", 5);
	assert_int_equal(strlen(name), 255);
	assert_int_equal(outfile_write(test_path(name), "WEBVTT\n", 7, &e), 0);
	s = test_slurp(test_path(name), NULL);
	assert_non_null(s);
	free(s);
	/* replacing goes through a short temporary name too */
	assert_int_equal(outfile_write(test_path(name), "WEBVTT\n\n", 8, &e), 0);
	assert_int_equal(entries(), 1);
	unlink(test_path(name));
}

/* A second writer for a target that is being written fails instead of losing one of them. */
static void test_lock(void **state)
{
	struct err e;
	struct outfile *a, *b;
	const char *p = test_path("busy.wav");
	(void)state;

	test_write_text(p, "old");
	a = outfile_open(p, &e);
	assert_non_null(a);
	b = outfile_open(p, &e);
	assert_null(b);
	assert_non_null(strstr(e.msg, "busy.wav: is being written by another process"));
	assert_int_equal(outfile_commit(a, &e), 0);
	unlink(p);
}

/* A target that appears or changes after the check is not replaced. */
static void test_changed_meanwhile(void **state)
{
	struct err e;
	struct outfile *f;
	const char *p = test_path("race.wav");
	char *s;
	(void)state;

	/* appears between open and commit */
	f = outfile_open(p, &e);
	assert_non_null(f);
	test_write_text(p, "theirs");
	assert_int_equal(outfile_commit(f, &e), -1);
	assert_non_null(strstr(e.msg, "race.wav: changed by another process while rendering"));
	s = test_slurp(p, NULL);
	assert_string_equal(s, "theirs");
	free(s);
	/* changes between outfile_check and open */
	assert_int_equal(outfile_check(p, &e), 0);
	unlink(p);
	test_write_text(p, "other");
	assert_null(outfile_open(p, &e));
	assert_non_null(strstr(e.msg, "changed by another process"));
	/* our own commit updates the note: writing again works */
	outfile_note(p);
	assert_int_equal(outfile_write(p, "1", 1, &e), 0);
	assert_int_equal(outfile_write(p, "2", 1, &e), 0);
	unlink(p);
	assert_int_equal(entries(), 0);
}

static void test_errors(void **state)
{
	struct err e;
	char want[700];
	(void)state;

	assert_null(outfile_open(test_dir, &e));
	snprintf(want, sizeof(want), "%s: is a directory", test_dir);
	assert_string_equal(e.msg, want);
	assert_null(outfile_open("/nonexistent-dir/x.vtt", &e));
	assert_string_equal(e.msg, "/nonexistent-dir/x.vtt: cannot create: No such file or directory");
	assert_null(outfile_open("/dev/null", &e));
	assert_string_equal(e.msg, "/dev/null: not a regular file");
	assert_int_equal(outfile_check("-", &e), 0);
}

static void test_outputs_not_inputs(void **state)
{
	struct err e;
	const char *art = test_path("x.wav"), *other = test_path("sub/../x.wav");
	char sub[600];
	(void)state;

	snprintf(sub, sizeof(sub), "%s/sub", test_dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	test_write_text(art, "Ein Artikel.");
	{
		const char *outs[] = { art, NULL };
		const char *ins[] = { art };
		assert_int_equal(path_check_outputs(outs, 2, ins, 1, &e), -1);
		assert_non_null(strstr(e.msg, "x.wav: is also an input of this render"));
	}
	{       /* the same file under another name */
		const char *outs[] = { other };
		const char *ins[] = { art };
		assert_int_equal(path_check_outputs(outs, 1, ins, 1, &e), -1);
	}
	{       /* two outputs, one not existing yet, spelled differently */
		const char *outs[] = { test_path("a.wav"), test_path("sub/../a.wav"), "-", "-" };
		assert_int_equal(path_check_outputs(outs, 4, NULL, 0, &e), -1);
		assert_non_null(strstr(e.msg, "is given twice as an output"));
	}
	{
		const char *outs[] = { test_path("a.wav"), test_path("a.vtt"), NULL };
		const char *ins[] = { art, NULL };
		assert_int_equal(path_check_outputs(outs, 3, ins, 2, &e), 0);
	}
	unlink(art);
	rmdir(sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_and_replace),
		cmocka_unit_test(test_sigkill_leaves_nothing),
		cmocka_unit_test(test_stale_temp_cleanup),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_changed_meanwhile),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_outputs_not_inputs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
