/*
 * progress.c - the updating status line (see progress.h).
 */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct progress {
	int fd;
	const char *what;
	size_t total;
	double work_total;
	double t0, last_draw;
	int shown;              /* a line is on the terminal */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add_clock(char *buf, size_t size, double s)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);
	size_t o = strlen(buf);

	if (t >= 3600)
		snprintf(buf + o, size - o, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf + o, size - o, "%ld:%02ld", t / 60, t % 60);
}

void progress_format(char *buf, size_t size, const char *what, size_t done, size_t total,
		     double work_done, double work_total, double audio_seconds, double elapsed)
{
	size_t o;

	snprintf(buf, size, "sprecher: %zu/%zu %s, %.1f s audio, ", done, total, what, audio_seconds);
	o = strlen(buf);
	if (elapsed > 0.05 && audio_seconds > 0)
		snprintf(buf + o, size - o, "%.0fx real time, ", audio_seconds / elapsed);
	else
		snprintf(buf + o, size - o, "-x real time, ");
	add_clock(buf, size, elapsed);
	o = strlen(buf);
	snprintf(buf + o, size - o, " elapsed, ETA ");
	o = strlen(buf);
	if (work_total > 0 && work_done > 0 && elapsed > 0.05) {
		double left = work_done >= work_total ? 0 : elapsed * (work_total - work_done) / work_done;
		add_clock(buf, size, left);
	} else {
		snprintf(buf + o, size - o, "-");
	}
}

struct progress *progress_new(int fd, const char *what, size_t items_total, double work_total)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->fd = fd;
	p->what = what;
	p->total = items_total;
	p->work_total = work_total;
	p->t0 = now_s();
	p->last_draw = -1;
	return p;
}

static void put(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len) {
		ssize_t k = write(fd, s, len);
		if (k <= 0)
			return;
		s += k;
		len -= (size_t)k;
	}
}

void progress_update(struct progress *p, size_t items_done, double work_done, double audio_seconds)
{
	char line[256], out[300];
	double t;

	if (!p)
		return;
	t = now_s();
	if (p->shown && t - p->last_draw < 0.1 && items_done < p->total)
		return;
	progress_format(line, sizeof(line), p->what, items_done, p->total, work_done, p->work_total,
			audio_seconds, t - p->t0);
	/* "\r" back to the start, the line, then erase what an older, longer line left */
	snprintf(out, sizeof(out), "\r%s\033[K", line);
	put(p->fd, out);
	p->shown = 1;
	p->last_draw = t;
}

void progress_clear(struct progress *p)
{
	if (!p || !p->shown)
		return;
	put(p->fd, "\r\033[K");
	p->shown = 0;
}

void progress_free(struct progress *p)
{
	progress_clear(p);
	free(p);
}
