/*
 * batch.c - inputs of a batch and the pool of worker processes (see batch.h).
 */
#include "batch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress.h"

/* ==== the list of inputs ================================================= */

void batch_list_init(struct batch_list *l)
{
	memset(l, 0, sizeof(*l));
}

void batch_list_release(struct batch_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void batch_list_add(struct batch_list *l, const char *path)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(path);
}

int batch_read_manifest(struct batch_list *l, const char *path, struct err *e)
{
	char *text;
	size_t len, i = 0;
	int line = 0;

	if (read_file(path, &text, &len, e))
		return -1;
	while (i < len) {
		size_t end = i, a, b;
		while (end < len && text[end] != '\n')
			end++;
		line++;
		if (memchr(text + i, '\0', end - i)) {
			free(text);
			return err_set(e, "%s:%d: a NUL byte in a path", strcmp(path, "-") ? path : "<stdin>", line);
		}
		a = i;
		b = end;
		while (a < b && a_isspace((unsigned char)text[a]))
			a++;
		while (b > a && a_isspace((unsigned char)text[b - 1]))
			b--;
		if (b > a && text[a] != '#') {
			char *p = xstrndup(text + a, b - a);
			batch_list_add(l, p);
			free(p);
		}
		i = end + 1;
	}
	free(text);
	return 0;
}

int batch_shard_parse(const char *s, int *k, int *n)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(s, &end, 10);
	if (end == s || *end != '/' || errno)
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || errno || a < 1 || b < 1 || a > b || b > 100000)
		return -1;
	*k = (int)a;
	*n = (int)b;
	return 0;
}

/* FNV-1a, 64 bits: stable across machines and versions, which is all a shard needs. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

int batch_in_shard(const char *name, int k, int n)
{
	return (int)(name_hash(name) % (uint64_t)n) == k - 1;
}

int batch_check_unique(char *const *inputs, char *const *outputs, size_t n, struct err *e)
{
	/* n is the size of a batch typed or listed by people: quadratic is fine up to many thousands */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(outputs[i], outputs[j]))
				return err_set(e, "%s and %s both make %s: rename one or render them in "
					       "separate batches", inputs[j], inputs[i], outputs[i]);
	return 0;
}

int batch_default_jobs(void)
{
	return online_cores(256);
}

/* ==== the worker pool ==================================================== */

enum { P_OUT, P_ERR, P_STATUS, NPIPES };
enum item_state { PENDING, RUNNING, FINISHED };

struct item {
	enum item_state state;
	pid_t pid;
	int fd[NPIPES];          /* read ends; -1 when closed */
	struct sb buf[NPIPES];
	int status;
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

struct pool {
	struct item *it;
	size_t n, next, running, finished, emitted;
	const struct batch_opts *o;
	struct sigaction old_int, old_term;
	struct progress *prog;
	double work_total, work_done, audio;
};

/* In the child: the caller's signal handlers back, pipes on 1 and 2, the work, the report. */
static void worker(struct pool *p, size_t i, int wfd[NPIPES], batch_work_fn work, void *ctx)
{
	sigset_t none;
	double seconds = 0;
	char rep[64];
	int rc;

	sigaction(SIGINT, &p->old_int, NULL);
	sigaction(SIGTERM, &p->old_term, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	dup2(wfd[P_OUT], 1);
	dup2(wfd[P_ERR], 2);
	close(wfd[P_OUT]);
	close(wfd[P_ERR]);
	for (size_t k = 0; k < p->n; k++)       /* other workers' pipes are not ours */
		for (int j = 0; j < NPIPES; j++)
			if (p->it[k].fd[j] >= 0)
				close(p->it[k].fd[j]);
	rc = work(ctx, i, &seconds);
	fflush(stdout);
	fflush(stderr);
	snprintf(rep, sizeof(rep), "%.6f\n", seconds);
	if (write(wfd[P_STATUS], rep, strlen(rep)) < 0)
		rc = rc ? rc : 1;
	_exit(rc);
}

static int spawn(struct pool *p, size_t i, batch_work_fn work, void *ctx, struct err *e)
{
	struct item *it = &p->it[i];
	int fds[NPIPES][2], wfd[NPIPES], made = 0;
	sigset_t block, old;
	pid_t pid;

	for (; made < NPIPES; made++)
		if (pipe(fds[made]))
			break;
	if (made < NPIPES) {
		int saved = errno;
		while (made-- > 0) {
			close(fds[made][0]);
			close(fds[made][1]);
		}
		return err_set(e, "cannot start a worker: %s", strerror(saved));
	}
	for (int j = 0; j < NPIPES; j++)
		wfd[j] = fds[j][1];
	/* no signal between fork and the child's own handlers */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		for (int j = 0; j < NPIPES; j++)
			close(fds[j][0]);
		worker(p, i, wfd, work, ctx);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (int j = 0; j < NPIPES; j++) {
		close(fds[j][1]);
		if (pid < 0)
			close(fds[j][0]);
	}
	if (pid < 0)
		return err_set(e, "cannot start a worker: %s", strerror(errno));
	it->pid = pid;
	it->state = RUNNING;
	for (int j = 0; j < NPIPES; j++)
		it->fd[j] = fds[j][0];
	p->running++;
	return 0;
}

/* Reads whatever the running workers wrote, waiting at most `ms` for something. */
static void collect(struct pool *p, int ms)
{
	struct pollfd pfd[3 * 256 + 3];
	struct { size_t i; int j; } who[3 * 256 + 3];
	nfds_t np = 0;
	char buf[65536];

	for (size_t i = 0; i < p->n; i++)
		for (int j = 0; p->it[i].state == RUNNING && j < NPIPES; j++)
			if (p->it[i].fd[j] >= 0 && np < ARRAY_LEN(pfd)) {
				pfd[np].fd = p->it[i].fd[j];
				pfd[np].events = POLLIN;
				who[np].i = i;
				who[np].j = j;
				np++;
			}
	if (poll(pfd, np, ms) <= 0)
		return;
	for (nfds_t k = 0; k < np; k++) {
		struct item *it = &p->it[who[k].i];
		ssize_t got;
		if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = read(pfd[k].fd, buf, sizeof(buf));
		if (got > 0) {
			sb_add(&it->buf[who[k].j], buf, (size_t)got);
		} else if (got == 0 || errno != EINTR) {
			close(pfd[k].fd);
			it->fd[who[k].j] = -1;
		}
	}
}

/* Reaps the workers whose pipes are all closed. */
static void reap(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct item *it = &p->it[i];
		int status;
		if (it->state != RUNNING || it->fd[0] >= 0 || it->fd[1] >= 0 || it->fd[2] >= 0)
			continue;
		while (waitpid(it->pid, &status, 0) < 0 && errno == EINTR)
			;
		it->status = WIFEXITED(status) ? WEXITSTATUS(status) :
			     WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
		it->state = FINISHED;
		p->running--;
		p->finished++;
		p->work_done += p->o->weights ? p->o->weights[i] : 1;
		p->audio += strtod(it->buf[P_STATUS].buf, NULL);
	}
}

/* Hands finished items to `done` in input order; `all`: also those after a gap (when stopped). */
static void emit(struct pool *p, batch_done_fn done, void *ctx, int all)
{
	for (size_t i = p->emitted; i < p->n; i++) {
		struct item *it = &p->it[i];
		struct batch_done d;
		if (it->state != FINISHED) {
			if (all)
				continue;
			break;
		}
		if (i == p->emitted)
			p->emitted++;
		if (it->status < 0)      /* already handed over */
			continue;
		d.status = it->status;
		d.seconds = strtod(it->buf[P_STATUS].buf, NULL);
		d.out = it->buf[P_OUT].buf;
		d.out_len = it->buf[P_OUT].len;
		d.err = it->buf[P_ERR].buf;
		d.err_len = it->buf[P_ERR].len;
		progress_clear(p->prog);
		done(ctx, i, &d);
		it->status = -1;
		for (int j = 0; j < NPIPES; j++)
			sb_release(&it->buf[j]);
		for (int j = 0; j < NPIPES; j++)
			sb_init(&it->buf[j]);
	}
}

int batch_run(size_t n, const struct batch_opts *o, batch_work_fn work, batch_done_fn done,
	      void *ctx, struct err *e)
{
	struct pool p = { .n = n, .o = o };
	struct sigaction sa;
	int rc = 0, jobs = o->jobs < 1 ? 1 : o->jobs > 256 ? 256 : o->jobs;

	p.it = xcalloc(n ? n : 1, sizeof(*p.it));
	for (size_t i = 0; i < n; i++) {
		for (int j = 0; j < NPIPES; j++) {
			p.it[i].fd[j] = -1;
			sb_init(&p.it[i].buf[j]);
		}
		p.work_total += o->weights ? o->weights[i] : 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;        /* no SA_RESTART: poll returns at once */
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	sigaction(SIGINT, &sa, &p.old_int);
	sigaction(SIGTERM, &sa, &p.old_term);
	if (o->progress)
		p.prog = progress_new(2, "episodes", n, p.work_total);

	while (p.emitted < n) {
		while (!stop_signal && p.running < (size_t)jobs && p.next < n) {
			if (spawn(&p, p.next, work, ctx, e)) {
				rc = -1;
				break;
			}
			p.next++;
		}
		if (rc || stop_signal) {
			for (size_t i = 0; i < n; i++)
				if (p.it[i].state == RUNNING)
					kill(p.it[i].pid, SIGTERM);
			while (p.running) {
				collect(&p, 100);
				reap(&p);
			}
			emit(&p, done, ctx, 1);
			break;
		}
		collect(&p, 100);
		reap(&p);
		emit(&p, done, ctx, 0);
		progress_update(p.prog, p.finished, p.work_done, p.audio);
	}
	progress_free(p.prog);
	sigaction(SIGINT, &p.old_int, NULL);
	sigaction(SIGTERM, &p.old_term, NULL);
	for (size_t i = 0; i < n; i++)
		for (int j = 0; j < NPIPES; j++)
			sb_release(&p.it[i].buf[j]);
	free(p.it);
	if (stop_signal)
		return stop_signal;
	return rc;
}
