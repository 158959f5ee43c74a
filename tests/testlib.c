/*
 * testlib.c - helpers shared by the test programs: a scratch directory,
 * paths in it, whole-file reads and decoding audio files with libsndfile.
 * Linked into every test binary (see the Makefile); declared in testutil.h.
 */
#include "testutil.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char test_dir[256];

int test_dir_make(const char *what)
{
	snprintf(test_dir, sizeof(test_dir), "/tmp/sprecher-%s-XXXXXX", what);
	return mkdtemp(test_dir) ? 0 : -1;
}

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(p, 0700);
	remove(p);
	return 0;
}

int test_dir_remove(void)
{
	if (!test_dir[0])
		return 0;
	chmod(test_dir, 0700);
	return nftw(test_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *test_path(const char *name)
{
	static char buf[8][600];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", test_dir, name);
	return buf[k];
}

char *test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;
	size_t got;

	if (len)
		*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)(n > 0 ? n : 0) + 1);
	got = fread(b, 1, (size_t)(n > 0 ? n : 0), f);
	b[got] = '\0';
	fclose(f);
	if (len)
		*len = got;
	return b;
}

void test_decode(const char *path, struct test_audio *d)
{
	SNDFILE *f;
	const char *s;

	memset(d, 0, sizeof(*d));
	f = sf_open(path, SFM_READ, &d->info);
	if (!f)
		fail_msg("%s: %s", path, sf_strerror(NULL));
	d->frames = malloc(sizeof(float) * (size_t)(d->info.frames * d->info.channels + 1));
	d->n = sf_readf_float(f, d->frames, d->info.frames);
	if ((s = sf_get_string(f, SF_STR_TITLE)))
		snprintf(d->title, sizeof(d->title), "%s", s);
	if ((s = sf_get_string(f, SF_STR_ARTIST)))
		snprintf(d->artist, sizeof(d->artist), "%s", s);
	if ((s = sf_get_string(f, SF_STR_DATE)))
		snprintf(d->date, sizeof(d->date), "%s", s);
	sf_close(f);
	if (d->n != d->info.frames)
		fail_msg("%s: decoded %lld of %lld frames", path, (long long)d->n, (long long)d->info.frames);
}

double test_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int test_spawn(const char *bin, const char *const *args, const char *epoch, const char *out_path,
	       const char *err_path)
{
	const char *av[64];
	int n = 0;
	pid_t pid;

	av[n++] = bin;
	for (; args[n - 1] && n < 63; n++)
		av[n] = args[n - 1];
	av[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int fe = open(err_path ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fo = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fe, 2);
		dup2(fo, 1);
		if (epoch)
			setenv("SOURCE_DATE_EPOCH", epoch, 1);
		/* the tests run without the user's station configuration */
		setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
		execv(bin, (char *const *)av);
		_exit(127);
	}
	assert_true(pid > 0);
	return (int)pid;
}

int test_wait(int pid)
{
	int status = 0;

	if (waitpid((pid_t)pid, &status, 0) < 0)
		return 128;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
