/*
 * test_progress.c - the progress line: its format and ETA (unit tests), and
 * through the binary under a pseudo-terminal (a line that updates with "\r")
 * and with stderr in a file (no trace of it).
 */
#include "testutil.h"

#include <fcntl.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"

static const char *bin;

static int setup(void **state)
{
	(void)state;
	return test_dir_make("progress");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

static void test_format(void **state)
{
	char b[256];

	(void)state;
	progress_format(b, sizeof(b), "episodes", 3, 20, 30, 120, 600, 2.0);
	assert_string_equal(b, "sprecher: 3/20 episodes, 600.0 s audio, 300x real time, 0:02 elapsed, ETA 0:06");
	/* nothing done yet: no speed, no ETA */
	progress_format(b, sizeof(b), "segments", 0, 5, 0, 100, 0, 0.0);
	assert_string_equal(b, "sprecher: 0/5 segments, 0.0 s audio, -x real time, 0:00 elapsed, ETA -");
	/* hours; work beyond the estimate: ETA 0 */
	progress_format(b, sizeof(b), "segments", 5, 5, 130, 100, 9000, 3725.0);
	assert_string_equal(b, "sprecher: 5/5 segments, 9000.0 s audio, 2x real time, 1:02:05 elapsed, ETA 0:00");
}

static void test_object(void **state)
{
	int fds[2];
	char buf[4096];
	ssize_t n;
	struct progress *p;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	p = progress_new(fds[1], "episodes", 2, 10);
	assert_non_null(p);
	progress_update(p, 1, 5, 12);
	progress_update(p, 1, 5, 12);    /* within 100 ms: not drawn again */
	progress_update(p, 2, 10, 24);   /* the last item: always drawn */
	progress_free(p);                /* erases the line */
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\rsprecher: 1/2 episodes, 12.0 s audio"));
	assert_null(strstr(strstr(buf, "1/2") + 1, "1/2"));
	assert_non_null(strstr(buf, "\rsprecher: 2/2 episodes, 24.0 s audio"));
	assert_string_equal(buf + n - 4, "\r\033[K");
}

/* Runs bin under a pseudo-terminal; its output (stdout and stderr both on the terminal) into out. */
static int run_pty(const char *const *args, char *out, size_t size)
{
	const char *av[32];
	int master, status, n = 0;
	size_t len = 0;
	pid_t pid;

	av[n++] = bin;
	for (; args[n - 1] && n < 31; n++)
		av[n] = args[n - 1];
	av[n] = NULL;
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
		execv(bin, (char *const *)av);
		_exit(127);
	}
	for (;;) {
		ssize_t k = read(master, out + len, size - 1 - len);
		if (k <= 0)             /* EIO once the child has closed the terminal */
			break;
		len += (size_t)k;
	}
	out[len] = '\0';
	close(master);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Runs bin with stderr into a file; returns the exit status, the stderr text in out. */
static int run_file(const char *const *args, char *out, size_t size)
{
	const char *av[32];
	int n = 0, status;
	pid_t pid;
	char *t;

	av[n++] = bin;
	for (; args[n - 1] && n < 31; n++)
		av[n] = args[n - 1];
	av[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int fe = open(test_path("err.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fo = open("/dev/null", O_WRONLY);
		dup2(fe, 2);
		dup2(fo, 1);
		execv(bin, (char *const *)av);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	t = test_slurp(test_path("err.txt"), NULL);
	snprintf(out, size, "%s", t ? t : "");
	free(t);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#define KURZ TESTS_DIR "/data/kurz.txt"
#define LIEF TESTS_DIR "/data/lieferung.txt"

static void test_batch_progress(void **state)
{
	static char out[65536];

	(void)state;
	assert_int_equal(run_pty((const char *const[]){ "render", KURZ, LIEF, "-o", test_dir, "--jobs", "2",
					NULL }, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\rsprecher: 2/2 episodes, "));
	assert_non_null(strstr(out, "x real time, "));
	assert_non_null(strstr(out, " ETA "));
	assert_non_null(strstr(out, "2 of 2 episodes rendered"));
	/* -q: nothing but errors */
	assert_int_equal(run_pty((const char *const[]){ "render", KURZ, LIEF, "-o", test_dir, "-q", NULL },
				 out, sizeof(out)), 0);
	assert_null(strstr(out, "episodes"));
	/* not a terminal: no progress line */
	assert_int_equal(run_file((const char *const[]){ "render", KURZ, LIEF, "-o", test_dir, NULL },
				  out, sizeof(out)), 0);
	assert_null(strchr(out, '\r'));
	assert_null(strstr(out, "ETA"));
}

static void test_single_progress(void **state)
{
	static char out[65536];

	(void)state;
	assert_int_equal(run_pty((const char *const[]){ "render", KURZ, "-o", test_path("k.wav"), NULL },
				 out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\rsprecher: "));
	assert_non_null(strstr(out, " segments, "));
	assert_non_null(strstr(out, " ETA "));
	assert_non_null(strstr(out, "k.wav: 0:"));
	assert_int_equal(run_file((const char *const[]){ "render", KURZ, "-o", test_path("k.wav"), NULL },
				  out, sizeof(out)), 0);
	assert_null(strchr(out, '\r'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_object),
		cmocka_unit_test_setup_teardown(test_batch_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_progress, setup, teardown),
	};

	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
