/*
 * encq.c - the encoder thread.
 */
#include "encq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct encq {
	struct afile_writer *w;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	float *buf[ENCQ_BUFS];
	size_t frames[ENCQ_BUFS];
	int full[ENCQ_BUFS];
	size_t head, tail;
	int closing, failed, started;
	struct err err;
};

static void *enc_thread(void *arg)
{
	struct encq *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		size_t t = q->tail;
		int bad = 0;
		while (!q->full[t] && !q->closing)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->full[t])
			break;
		pthread_mutex_unlock(&q->mu);
		if (!q->failed)
			bad = afile_write(q->w, q->buf[t], q->frames[t], &q->err);
		pthread_mutex_lock(&q->mu);
		q->failed |= bad != 0;
		q->full[t] = 0;
		q->tail = (t + 1) % ENCQ_BUFS;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct encq *encq_new(struct afile_writer *w, int channels, size_t block_frames, struct err *e)
{
	struct encq *q = xcalloc(1, sizeof(*q));

	q->w = w;
	for (int i = 0; i < ENCQ_BUFS; i++)
		q->buf[i] = xmalloc(block_frames * (size_t)channels * sizeof(float));
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->th, NULL, enc_thread, q)) {
		err_set(e, "cannot start the encoder thread");
		encq_free(q);
		return NULL;
	}
	q->started = 1;
	return q;
}

float *encq_get(struct encq *q)
{
	float *b;

	pthread_mutex_lock(&q->mu);
	while (q->full[q->head] && !q->failed)
		pthread_cond_wait(&q->cv, &q->mu);
	b = q->failed ? NULL : q->buf[q->head];
	pthread_mutex_unlock(&q->mu);
	return b;
}

void encq_put(struct encq *q, size_t frames)
{
	pthread_mutex_lock(&q->mu);
	q->frames[q->head] = frames;
	q->full[q->head] = 1;
	q->head = (q->head + 1) % ENCQ_BUFS;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

int encq_finish(struct encq *q, struct err *e)
{
	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->closing = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->th, NULL);
		q->started = 0;
	}
	if (q->failed && e)
		*e = q->err;
	return q->failed ? -1 : 0;
}

void encq_free(struct encq *q)
{
	if (!q)
		return;
	encq_finish(q, NULL);
	for (int i = 0; i < ENCQ_BUFS; i++)
		free(q->buf[i]);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}
