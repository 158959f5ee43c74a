/*
 * test_cli.c - end-to-end tests of the command line's edges: no audio device
 * at start, option and usage errors, preview's player, front-matter paths, the
 * station configuration file, make install.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default). Each test works in its
 * own temporary directory.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin;
static char errbuf[8192];
static char outbuf[8192];

#define ARTICLE TESTS_DIR "/data/kurz.txt"

/* ---- helpers ----------------------------------------------------------- */

/* How a run differs from a plain one: environment, file size limit, a TCP listener to watch. */
struct runenv {
	const char *env[8];        /* "NAME=value" to set, "NAME" to unset */
	long fsize_limit;          /* bytes, 0 = none */
	int listen_fd;             /* counts connections made to it while the child runs; -1 none */
	int connections;           /* out */
};

/*
 * Runs bin with args (NULL-terminated) under `re`; stdout goes to outbuf,
 * stderr to errbuf. Returns the exit status (128 + signal when killed).
 */
static int run_env(struct runenv *re, const char *const *args)
{
	char errpath[300], outpath[300];
	const char *av[64];
	int n = 0, status = 0;
	pid_t pid;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", test_dir);
	snprintf(outpath, sizeof(outpath), "%s/stdout.txt", test_dir);
	av[n++] = bin;
	for (; args[n - 1] && n < 63; n++)
		av[n] = args[n - 1];
	av[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int fe = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fo = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fe, 2);
		dup2(fo, 1);
		setenv("SOURCE_DATE_EPOCH", "1767225600", 1);
		setenv("XDG_CONFIG_HOME", test_path("no-config"), 1);
		for (int i = 0; re && i < 8 && re->env[i]; i++) {
			const char *eq = strchr(re->env[i], '=');
			if (eq) {
				char name[64];
				snprintf(name, sizeof(name), "%.*s", (int)(eq - re->env[i]), re->env[i]);
				setenv(name, eq + 1, 1);
			} else {
				unsetenv(re->env[i]);
			}
		}
		if (re && re->fsize_limit) {
			struct rlimit rl = { (rlim_t)re->fsize_limit, (rlim_t)re->fsize_limit };
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(bin, (char *const *)av);
		_exit(127);
	}
	assert_true(pid > 0);
	for (;;) {
		pid_t w = waitpid(pid, &status, re && re->listen_fd >= 0 ? WNOHANG : 0);
		if (w == pid)
			break;
		if (re && re->listen_fd >= 0) {
			int c = accept(re->listen_fd, NULL, NULL);
			if (c >= 0) {
				re->connections++;
				close(c);
			}
			usleep(2000);
		}
	}
	{
		FILE *f = fopen(errpath, "r");
		size_t k = f ? fread(errbuf, 1, sizeof(errbuf) - 1, f) : 0;
		errbuf[k] = '\0';
		if (f)
			fclose(f);
		f = fopen(outpath, "r");
		k = f ? fread(outbuf, 1, sizeof(outbuf) - 1, f) : 0;
		outbuf[k] = '\0';
		if (f)
			fclose(f);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

#define RUN(...) run_env(NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define RUN_ENV(re, ...) run_env(re, (const char *const[]){ __VA_ARGS__, NULL })

static void write_text(const char *p, const char *s)
{
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* A non-blocking TCP listener on 127.0.0.1; its port in *port. */
static int tcp_listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* ---- no audio device at start ------------------------------------------ */

/*
 * A render needs no sound system: with a file size limit far below 64 MiB it
 * still works (eSpeak NG's PulseAudio client made a 64 MiB memfd and died of
 * SIGXFSZ), and with PULSE_SERVER naming a TCP server nobody connects to it.
 */
static void test_no_audio_device(void **state)
{
	struct runenv re = { .fsize_limit = 4 << 20, .listen_fd = -1 };
	struct test_audio d;
	char server[64];
	int port;

	(void)state;
	re.listen_fd = tcp_listener(&port);
	snprintf(server, sizeof(server), "PULSE_SERVER=tcp:127.0.0.1:%d", port);
	re.env[0] = server;
	assert_int_equal(RUN_ENV(&re, "render", ARTICLE, "--segment", "1", "--mono", "--rate", "44100",
				 "--bits", "16", "-o", test_path("a.wav"), "-q"), 0);
	assert_int_equal(re.connections, 0);
	test_decode(test_path("a.wav"), &d);
	assert_true(d.n > 44100);
	free(d.frames);
	/* the text commands that start eSpeak NG too */
	assert_int_equal(RUN_ENV(&re, "voices"), 0);
	assert_int_equal(re.connections, 0);
	close(re.listen_fd);
}

/* ---- main -------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	return test_dir_make("cli");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_audio_device, setup, teardown),
	};

	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
