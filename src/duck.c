/*
 * duck.c - the ducking envelope of a bed from speech spans.
 */
#include "duck.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

static int span_cmp(const void *a, const void *b)
{
	const struct duck_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void add_point(struct duck_env *env, size_t *cap, uint64_t frame, double db)
{
	XGROW(env->p, *cap, env->n + 1);
	env->p[env->n].frame = frame;
	env->p[env->n].db = db;
	env->n++;
}

void duck_build(struct duck_env *env, const struct duck_opts *o, const struct duck_span *spans,
		size_t n)
{
	struct duck_span *s = NULL;
	size_t m = 0, cap = 0;
	/* a gap shorter than this keeps the bed down: the hold, or no room to come up and go down */
	uint64_t keep = o->hold > o->down + o->up ? o->hold : o->down + o->up;

	memset(env, 0, sizeof(*env));
	env->depth_db = o->depth_db;
	if (n) {
		s = xmalloc(n * sizeof(*s));
		memcpy(s, spans, n * sizeof(*s));
		qsort(s, n, sizeof(*s), span_cmp);
	}
	/* merge spans whose gap is shorter than `keep` */
	for (size_t i = 0; i < n; i++) {
		if (s[i].end <= s[i].start)
			continue;
		if (m && s[i].start < s[m - 1].end + keep) {
			if (s[i].end > s[m - 1].end)
				s[m - 1].end = s[i].end;
		} else {
			s[m++] = s[i];
		}
	}
	for (size_t i = 0; i < m; i++) {
		uint64_t a = s[i].start > o->down ? s[i].start - o->down : 0;

		add_point(env, &cap, a, 0);
		add_point(env, &cap, s[i].start, -o->depth_db);
		add_point(env, &cap, s[i].end, -o->depth_db);
		add_point(env, &cap, s[i].end + o->up, 0);
	}
	free(s);
}

void duck_release(struct duck_env *env)
{
	free(env->p);
	memset(env, 0, sizeof(*env));
}

/* Index of the last point at or before `frame`, or n when before the first. */
static size_t point_at(const struct duck_env *env, uint64_t frame)
{
	size_t lo = 0, hi = env->n;

	if (!env->n || frame < env->p[0].frame)
		return env->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (env->p[mid].frame <= frame)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static double level(const struct duck_env *env, size_t k, uint64_t frame)
{
	const struct duck_point *a, *b;
	double x;

	if (k >= env->n || k + 1 >= env->n)
		return 0;
	a = &env->p[k];
	b = &env->p[k + 1];
	if (a->db == b->db || b->frame <= a->frame)
		return a->db;
	x = (double)(frame - a->frame) / (double)(b->frame - a->frame);
	return a->db + (b->db - a->db) * 0.5 * (1 - cos(M_PI * x));
}

double duck_db(const struct duck_env *env, uint64_t frame)
{
	return level(env, point_at(env, frame), frame);
}

void duck_apply(const struct duck_env *env, uint64_t first, float *frames, size_t nframes,
		int channels)
{
	size_t k = point_at(env, first);
	size_t i = 0;

	while (i < nframes) {
		uint64_t f = first + i;
		uint64_t next;
		size_t run;

		/* the point range holding f */
		while (k + 1 < env->n && env->p[k + 1].frame <= f)
			k++;
		if (k >= env->n)   /* before the first point */
			next = env->n ? env->p[0].frame : UINT64_MAX;
		else
			next = k + 1 < env->n ? env->p[k + 1].frame : UINT64_MAX;
		run = next - f < nframes - i ? (size_t)(next - f) : nframes - i;
		if (k < env->n && k + 1 < env->n && env->p[k].db != env->p[k + 1].db) {
			for (size_t j = 0; j < run; j++) {
				float g = (float)pow(10, level(env, k, f + j) / 20);
				for (int c = 0; c < channels; c++)
					frames[(i + j) * (size_t)channels + c] *= g;
			}
		} else {
			double db = k < env->n && k + 1 < env->n ? env->p[k].db : 0;
			if (db != 0) {
				float g = (float)pow(10, db / 20);
				for (size_t j = 0; j < run * (size_t)channels; j++)
					frames[i * (size_t)channels + j] *= g;
			}
		}
		i += run;
		if (k >= env->n)
			k = 0;
	}
}
