/*
 * meterq.c - a loudness meter on its own thread: a ring of NBLOCKS copied
 * blocks between the caller (producer) and the thread (consumer).
 */
#include "meterq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "loudness.h"

#define NBLOCKS 4

struct meterq {
	struct meter *m;
	size_t ch, max_frames;
	float *buf[NBLOCKS];           /* each max_frames * ch floats */
	size_t len[NBLOCKS];           /* frames in each queued block */
	uint64_t queued, measured;     /* block sequence numbers */
	int end, failed, started, finished;
	struct err err;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *run(void *arg)
{
	struct meterq *q = arg;
	struct err e;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		size_t slot, n;
		int rc;
		while (q->measured == q->queued && !q->end)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->measured == q->queued)
			break;
		slot = q->measured % NBLOCKS;
		n = q->len[slot];
		pthread_mutex_unlock(&q->mu);
		rc = q->failed ? 0 : meter_add(q->m, q->buf[slot], n, &e);
		pthread_mutex_lock(&q->mu);
		if (rc && !q->failed) {
			q->failed = 1;
			q->err = e;
		}
		q->measured++;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct meterq *meterq_new(struct meter *m, int channels, size_t max_frames, struct err *e)
{
	struct meterq *q = xcalloc(1, sizeof(*q));

	q->m = m;
	q->ch = (size_t)channels;
	q->max_frames = max_frames;
	for (int i = 0; i < NBLOCKS; i++)
		q->buf[i] = xmalloc(max_frames * q->ch * sizeof(float));
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->th, NULL, run, q)) {
		err_set(e, "cannot start the loudness thread");
		meterq_free(q);
		return NULL;
	}
	q->started = 1;
	return q;
}

int meterq_add(struct meterq *q, const float *frames, size_t nframes, struct err *e)
{
	size_t slot;

	if (nframes > q->max_frames)
		return err_set(e, "loudness: block of %zu frames for a queue of %zu", nframes, q->max_frames);
	pthread_mutex_lock(&q->mu);
	while (q->queued - q->measured == NBLOCKS && !q->failed)
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->failed) {
		*e = q->err;
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	slot = q->queued % NBLOCKS;
	pthread_mutex_unlock(&q->mu);
	/* the slot is the producer's until `queued` moves past it */
	memcpy(q->buf[slot], frames, nframes * q->ch * sizeof(float));
	q->len[slot] = nframes;
	pthread_mutex_lock(&q->mu);
	q->queued++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

int meterq_finish(struct meterq *q, struct err *e)
{
	if (!q->finished) {
		pthread_mutex_lock(&q->mu);
		q->end = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (q->started)
			pthread_join(q->th, NULL);
		q->finished = 1;
	}
	if (q->failed && e)
		*e = q->err;
	return q->failed ? -1 : 0;
}

void meterq_free(struct meterq *q)
{
	if (!q)
		return;
	meterq_finish(q, NULL);
	for (int i = 0; i < NBLOCKS; i++)
		free(q->buf[i]);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}
