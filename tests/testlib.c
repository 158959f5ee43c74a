/*
 * testlib.c - helpers shared by the test programs: a scratch directory,
 * paths in it, whole-file reads and writes, decoding audio files with
 * libsndfile and measuring them, a RIFF chunk reader, running the binary
 * and renders made once per test program.
 * Linked into every test binary (see the Makefile); declared in testutil.h.
 */
#include "testutil.h"

#include <ebur128.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <sys/resource.h>
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

int test_hidden_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

const char *test_write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		fail_msg("%s: cannot write", path);
	if (n && fwrite(data, 1, n, f) != n)
		fail_msg("%s: short write", path);
	fclose(f);
	return path;
}

const char *test_write_text(const char *path, const char *text)
{
	return test_write_file(path, text, strlen(text));
}

char *test_tmpfile(const void *data, size_t n)
{
	char *path = malloc(600);
	int fd;

	snprintf(path, 600, "%s/sprecher-test-XXXXXX", test_dir[0] ? test_dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		fail_msg("%s: cannot create", path);
	close(fd);
	test_write_file(path, data, n);
	return path;
}

void test_tmpfile_free(char *path)
{
	if (path)
		unlink(path);
	free(path);
}

void test_error_at(const char *msg, const char *path, long line, const char *what)
{
	char prefix[700];

	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%ld: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	if (strncmp(msg, prefix, strlen(prefix)) != 0 || !strstr(msg + strlen(prefix), what))
		fail_msg("error '%s', expected '%s...%s'", msg, prefix, what);
	if (strchr(msg, '\n'))
		fail_msg("error of more than one line: '%s'", msg);
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

/* In the child: "NAME=value" sets, "NAME" unsets. */
static void apply_env(const char *const *env)
{
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		char name[128];
		if (!eq) {
			unsetenv(env[i]);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(eq - env[i]), env[i]);
		setenv(name, eq + 1, 1);
	}
}

int test_spawn_proc(const char *bin, const char *const *args, const struct test_proc *p)
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
		int fe = open(p->err ? p->err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fo = open(p->out ? p->out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (p->in)
			dup2(open(p->in, O_RDONLY), 0);
		if (p->group)
			setpgid(0, 0);
		dup2(fe, 2);
		dup2(fo, 1);
		if (p->epoch)
			setenv("SOURCE_DATE_EPOCH", p->epoch, 1);
		/* the tests run without the user's station configuration */
		setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
		apply_env(p->env);
		if (p->alarm_s)
			alarm(p->alarm_s);
		if (p->fsize_limit) {
			struct rlimit rl = { (rlim_t)p->fsize_limit, (rlim_t)p->fsize_limit };
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(bin, (char *const *)av);
		_exit(127);
	}
	assert_true(pid > 0);
	return (int)pid;
}

int test_spawn(const char *bin, const char *const *args, const char *epoch, const char *out_path,
	       const char *err_path)
{
	struct test_proc p = { .out = out_path, .err = err_path, .epoch = epoch };

	return test_spawn_proc(bin, args, &p);
}

int test_wait(int pid)
{
	int status = 0;

	if (waitpid((pid_t)pid, &status, 0) < 0)
		return 128;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ---- decoded audio: loudness ------------------------------------------ */

double test_lufs(const struct test_audio *d)
{
	ebur128_state *st = ebur128_init((unsigned)d->info.channels, (unsigned long)d->info.samplerate,
					 EBUR128_MODE_I);
	double lufs = -HUGE_VAL;

	assert_non_null(st);
	if (d->info.channels == 1)
		ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);
	ebur128_add_frames_float(st, d->frames, (size_t)d->n);
	ebur128_loudness_global(st, &lufs);
	ebur128_destroy(&st);
	return lufs;
}

/* ---- WAV: an independent RIFF chunk reader ----------------------------- */

/* Lists the top-level chunks of a RIFF/WAVE file; fails on a broken layout. */
size_t test_riff_chunks(const char *buf, size_t len, struct test_chunk *out, size_t max)
{
	size_t p = 12, n = 0;
	uint32_t riff;

	assert_true(len >= 12);
	assert_memory_equal(buf, "RIFF", 4);
	assert_memory_equal(buf + 8, "WAVE", 4);
	riff = (uint32_t)(unsigned char)buf[4] | (uint32_t)(unsigned char)buf[5] << 8 |
	       (uint32_t)(unsigned char)buf[6] << 16 | (uint32_t)(unsigned char)buf[7] << 24;
	if (riff != len - 8)
		fail_msg("RIFF size %u, file size %zu - 8", riff, len);
	while (p + 8 <= len) {
		const unsigned char *h = (const unsigned char *)buf + p;
		size_t sz = (size_t)h[4] | (size_t)h[5] << 8 | (size_t)h[6] << 16 | (size_t)h[7] << 24;
		if (p + 8 + sz > len)
			fail_msg("chunk %.4s at %zu runs past the end of the file", buf + p, p);
		if (n < max) {
			memcpy(out[n].id, h, 4);
			out[n].id[4] = '\0';
			out[n].off = p + 8;
			out[n].size = sz;
			n++;
		}
		p += 8 + sz + (sz & 1);
	}
	if (p != len)
		fail_msg("%zu stray bytes after the last chunk", len - p);
	return n;
}

const struct test_chunk *test_find_chunk(const char *buf, const struct test_chunk *v, size_t n, const char *id,
				      const char *list_type)
{
	for (size_t i = 0; i < n; i++) {
		if (memcmp(v[i].id, id, 4) != 0)
			continue;
		if (list_type && (v[i].size < 4 || memcmp(buf + v[i].off, list_type, 4) != 0))
			continue;
		return &v[i];
	}
	return NULL;
}

uint32_t test_le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

int16_t test_le16s(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (int16_t)(uint16_t)(u[0] | u[1] << 8);
}


/* ---- renders made once by a group setup -------------------------------- */

/* Starts one job; returns the child's pid. */
static int start_job(const char *bin, struct test_job *j, const char *epoch)
{
	static char paths[TEST_JOB_ARGS][512];
	const char *av[TEST_JOB_ARGS + 1];
	char errpath[512];
	int n = 0;

	for (int i = 0; i < TEST_JOB_ARGS && j->args[i]; i++) {
		if (j->args[i][0] == '@') {
			snprintf(paths[i], sizeof(paths[i]), "%s/%s", test_dir, j->args[i] + 1);
			av[n++] = paths[i];
		} else {
			av[n++] = j->args[i];
		}
	}
	av[n] = NULL;
	snprintf(errpath, sizeof(errpath), "%s/%s.err", test_dir, j->name);
	return test_spawn(bin, av, epoch, NULL, errpath);
}

/* Runs all jobs, at most three at a time (the machine has two cores). */
static void run_jobs(const char *bin, struct test_job *jobs, size_t njobs, const char *epoch)
{
	int *pids = calloc(njobs ? njobs : 1, sizeof(*pids));
	size_t next = 0, running = 0;

	while (next < njobs || running > 0) {
		int status;
		pid_t p;
		if (next < njobs && running < 3) {
			pids[next] = start_job(bin, &jobs[next], epoch);
			if (pids[next] > 0)
				running++;
			next++;
			continue;
		}
		p = wait(&status);
		if (p < 0)
			break;
		for (size_t i = 0; i < next; i++)
			if (pids[i] == p)
				jobs[i].rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		running--;
	}
	free(pids);
}

const char *test_jobs_setup(const char *what, struct test_job *jobs, size_t njobs, const char *epoch)
{
	const char *bin = getenv("SPRECHER_BIN");
	const char *reuse = getenv("DELIVER_REUSE");

	if (!bin)
		bin = "./sprecher";
	if (reuse) {
		snprintf(test_dir, sizeof(test_dir), "%s", reuse);
		for (size_t i = 0; i < njobs; i++)
			jobs[i].rc = 0;
		return bin;
	}
	if (test_dir_make(what))
		return NULL;
	run_jobs(bin, jobs, njobs, epoch);
	return bin;
}

int test_jobs_teardown(void)
{
	if (getenv("KEEP_DELIVER") || getenv("DELIVER_REUSE")) {
		fprintf(stderr, "files kept in %s\n", test_dir);
		return 0;
	}
	return test_dir_remove();
}

void test_job_need(const struct test_job *jobs, size_t njobs, const char *name)
{
	for (size_t i = 0; i < njobs; i++) {
		char p[300], *e;
		if (strcmp(jobs[i].name, name) != 0)
			continue;
		if (jobs[i].rc == 0)
			return;
		snprintf(p, sizeof(p), "%s.err", name);
		e = test_slurp(test_path(p), NULL);
		fail_msg("render %s: exit status %d: %s", name, jobs[i].rc, e ? e : "");
	}
	fail_msg("no job %s", name);
}
