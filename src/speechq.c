/*
 * speechq.c - the speech queue: eSpeak NG on the caller's thread, resampling
 * on workers, placement in order.
 */
#include "speechq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dcblock.h"
#include "loudness.h"
#include "synth.h"

#define MAX_WORKERS 8

void speech_release(struct speech *sp)
{
	free(sp->frames);
	free(sp->words);
	memset(sp, 0, sizeof(*sp));
}

int speech_synth(struct synth *syn, const struct voice_preset *v, const struct voice_preset **cur,
		 const char *spoken, struct synth_audio *a, struct err *e)
{
	if (*cur != v) {
		if (synth_set_voice(syn, v, e))
			return -1;
		*cur = v;
	}
	a->n = 0;
	a->nev = 0;
	if (!spoken[0])
		return 0;
	return synth_say(syn, spoken, a, e);
}

int speech_finish(const struct synth_audio *a, int in_rate, int out_rate, enum rs_quality q,
		  struct speech *out, struct err *e)
{
	float *x;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!a->n)
		return 0;
	x = xmalloc(a->n * sizeof(float));
	memcpy(x, a->samples, a->n * sizeof(float));
	dcblock_apply(x, a->n, in_rate);
	out->true_peak = loudness_true_peak(x, a->n, 1, in_rate);
	rc = rs_convert(x, a->n, 1, in_rate, out_rate, q, &out->frames, &out->nframes, e);
	free(x);
	if (rc)
		return -1;
	if (a->nev)
		out->words = xmalloc(a->nev * sizeof(*out->words));
	for (size_t i = 0; i < a->nev; i++) {
		struct speech_word *w;
		if (a->ev[i].type != SYNTH_WORD)
			continue;
		w = &out->words[out->nwords++];
		w->frame = (a->ev[i].sample * (uint64_t)out_rate + (uint64_t)in_rate / 2) / (uint64_t)in_rate;
		if (w->frame > out->nframes)
			w->frame = out->nframes;
		w->spoken = a->ev[i].text_pos;
	}
	return 0;
}

int speech_make(struct synth *syn, const struct voice_preset *v, const char *spoken, int out_rate,
		enum rs_quality q, struct speech *out, struct err *e)
{
	const struct voice_preset *cur = NULL;
	struct synth_audio a;
	int rc;

	synth_audio_init(&a);
	rc = speech_synth(syn, v, &cur, spoken, &a, e);
	if (!rc)
		rc = speech_finish(&a, synth_rate(syn), out_rate, q, out, e);
	synth_audio_release(&a);
	return rc;
}

/* ==== the queue ========================================================== */

/* One sentence in flight: synthesized audio in, finished speech out. */
struct job {
	struct synth_audio a;
	struct speech sp;
	void *tag;
	int ready;             /* sp filled already (speechq_push_ready) */
	int done;
};

struct speechq {
	struct synth *syn;
	const struct voice_preset *cur;
	int in_rate, out_rate;
	enum rs_quality q;
	speechq_place_fn place;
	void *ctx;
	pthread_t th[MAX_WORKERS];
	int nth;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job jobs[SPEECHQ_LEN];
	struct synth_audio spare;  /* where the caller's thread synthesizes */
	void *ptag[SYNTH_MAX_AHEAD];   /* sentences sent to eSpeak NG, not yet received (synth_pending) */
	int phead, ahead;              /* ... ring start, most at once */
	uint64_t produced, claimed, placed;   /* job sequence numbers */
	int end, placing, failed, finished;
	struct err err;
};

/* Empties a placed job, keeping its synthesis buffers for reuse. */
static void job_clear(struct job *j)
{
	struct synth_audio a = j->a;

	speech_release(&j->sp);
	memset(j, 0, sizeof(*j));
	j->a = a;
}

/* Records the first failure and wakes everybody; `mu` held. */
static void fail_locked(struct speechq *q, const struct err *e)
{
	if (!q->failed) {
		q->failed = 1;
		q->err = *e;
	}
	pthread_cond_broadcast(&q->cv);
}

/*
 * Places every finished job that is next in order. Called with `mu` held by a
 * worker that found nobody else placing; drops the lock while it works.
 */
static void place_ready(struct speechq *q)
{
	struct err e;

	q->placing = 1;
	while (q->placed < q->claimed && q->jobs[q->placed % SPEECHQ_LEN].done) {
		struct job *j = &q->jobs[q->placed % SPEECHQ_LEN];
		int failed = q->failed;
		pthread_mutex_unlock(&q->mu);
		if (!failed && q->place(q->ctx, j->tag, &j->sp, &e)) {
			pthread_mutex_lock(&q->mu);
			fail_locked(q, &e);
			pthread_mutex_unlock(&q->mu);
		}
		job_clear(j);
		pthread_mutex_lock(&q->mu);
		q->placed++;
		pthread_cond_broadcast(&q->cv);
	}
	q->placing = 0;
}

static void *worker(void *arg)
{
	struct speechq *q = arg;
	struct err e;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		struct job *j;
		int failed;
		while (q->claimed == q->produced && !q->end)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->claimed == q->produced)
			break;
		j = &q->jobs[q->claimed++ % SPEECHQ_LEN];
		failed = q->failed;
		pthread_mutex_unlock(&q->mu);
		if (!failed && !j->ready &&
		    speech_finish(&j->a, q->in_rate, q->out_rate, q->q, &j->sp, &e)) {
			pthread_mutex_lock(&q->mu);
			fail_locked(q, &e);
			pthread_mutex_unlock(&q->mu);
		}
		pthread_mutex_lock(&q->mu);
		j->done = 1;
		if (!q->placing)
			place_ready(q);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct speechq *speechq_new(struct synth *syn, int out_rate, enum rs_quality q, int workers,
			    speechq_place_fn place, void *ctx, struct err *e)
{
	struct speechq *s = xcalloc(1, sizeof(*s));

	s->syn = syn;
	s->in_rate = syn ? synth_rate(syn) : out_rate;
	s->out_rate = out_rate;
	s->q = q;
	s->place = place;
	s->ctx = ctx;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	for (int i = 0; i < SPEECHQ_LEN; i++)
		synth_audio_init(&s->jobs[i].a);
	synth_audio_init(&s->spare);
	s->ahead = online_cores(SYNTH_MAX_AHEAD);
	if (workers > MAX_WORKERS)
		workers = MAX_WORKERS;
	for (; s->nth < workers; s->nth++)
		if (pthread_create(&s->th[s->nth], NULL, worker, s)) {
			err_set(e, "cannot start a render thread");
			speechq_free(s);
			return NULL;
		}
	return s;
}

/* Waits for a free slot; returns it, or NULL once anything has failed. `mu` held. */
static struct job *free_slot(struct speechq *q)
{
	while (q->produced - q->placed == SPEECHQ_LEN && !q->failed)
		pthread_cond_wait(&q->cv, &q->mu);
	return q->failed ? NULL : &q->jobs[q->produced % SPEECHQ_LEN];
}

/* Hands the filled slot to the workers. `mu` held. */
static void publish(struct speechq *q)
{
	q->produced++;
	pthread_cond_broadcast(&q->cv);
}

/* Hands the spare buffers (just synthesized) to the workers as the next job. */
static int publish_spare(struct speechq *q, void *tag)
{
	struct synth_audio t;
	struct job *j;

	pthread_mutex_lock(&q->mu);
	j = free_slot(q);
	if (j) {
		t = j->a;               /* the slot's buffers become the next spare */
		j->a = q->spare;
		q->spare = t;
		j->tag = tag;
		publish(q);
	}
	pthread_mutex_unlock(&q->mu);
	return j ? 0 : -1;
}

static int failed_here(struct speechq *q, const struct err *e)
{
	pthread_mutex_lock(&q->mu);
	fail_locked(q, e);
	pthread_mutex_unlock(&q->mu);
	return -1;
}

/* Sentences sent to eSpeak NG and not yet received. */
static int pending(const struct speechq *q)
{
	return q->syn ? synth_pending(q->syn) : 0;
}

/* Receives the oldest sentence sent ahead and queues it. */
static int receive_one(struct speechq *q, struct err *e)
{
	void *tag = q->ptag[q->phead];

	q->phead = (q->phead + 1) % SYNTH_MAX_AHEAD;
	if (synth_receive(q->syn, &q->spare, e))
		return failed_here(q, e);
	return publish_spare(q, tag);
}

/* Everything sent ahead received and queued, in order. */
static int drain(struct speechq *q, struct err *e)
{
	while (pending(q))
		if (receive_one(q, e))
			return -1;
	return 0;
}

/*
 * eSpeak NG works on up to `ahead` sentences at once: a sentence is sent,
 * and the oldest received only when that many are out. A new voice or an
 * empty text waits for those first (the engine answers strictly in turn).
 */
int speechq_say(struct speechq *q, const struct voice_preset *v, const char *spoken, void *tag,
		struct err *e)
{
	if (q->cur != v || !spoken[0]) {
		if (drain(q, e))
			return -1;
		if (speech_synth(q->syn, v, &q->cur, spoken, &q->spare, e))
			return failed_here(q, e);
		return publish_spare(q, tag);
	}
	if (pending(q) == q->ahead && receive_one(q, e))
		return -1;
	q->ptag[(q->phead + pending(q)) % SYNTH_MAX_AHEAD] = tag;
	if (synth_send(q->syn, spoken, e))
		return failed_here(q, e);
	return 0;
}

int speechq_push_ready(struct speechq *q, struct speech *sp, void *tag, struct err *e)
{
	struct job *j = NULL;

	if (!drain(q, e)) {
		pthread_mutex_lock(&q->mu);
		j = free_slot(q);
		if (j) {
			j->sp = *sp;
			j->ready = 1;
			j->tag = tag;
			memset(sp, 0, sizeof(*sp));
			publish(q);
		}
		pthread_mutex_unlock(&q->mu);
	}
	if (!j)
		speech_release(sp);
	return j ? 0 : -1;
}

int speechq_finish(struct speechq *q, struct err *e)
{
	if (!q->finished) {
		struct err de;
		while (pending(q))   /* after a failure the rest is read and dropped */
			(void)receive_one(q, &de);
		pthread_mutex_lock(&q->mu);
		q->end = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		while (q->nth > 0)
			pthread_join(q->th[--q->nth], NULL);
		for (size_t i = 0; i < SPEECHQ_LEN; i++) {  /* also jobs left unplaced after a failure */
			job_clear(&q->jobs[i]);
			synth_audio_release(&q->jobs[i].a);
		}
		synth_audio_release(&q->spare);
		q->finished = 1;
	}
	if (q->failed && e)
		*e = q->err;
	return q->failed ? -1 : 0;
}

void speechq_free(struct speechq *q)
{
	if (!q)
		return;
	speechq_finish(q, NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}
