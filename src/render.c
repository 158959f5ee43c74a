/*
 * render.c - the render pipeline: synthesis, placement, mixing, loudness,
 * encoding. See render.h for the shape.
 */
#include "render.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "jingle.h"
#include "limiter.h"
#include "progress.h"
#include "synth.h"

#define JINGLE_LUFS      -20.0   /* jingle level before the programme gain; speech sits near -17.6 */
#define INTRO_GAP_MS     350     /* silence between intro and speech when there is no talk-up */
#define STINGER_GAP_MS   300     /* silence between a stinger and the heading after it */
#define OUTRO_GAP_MS     600     /* silence between the last sentence and the outro */
#define QUEUE_LEN        8       /* sentences in flight: bounds memory (about 1.5 MB each) */
#define BLOCK_FRAMES     16384
#define NWORKERS         2       /* resampling threads beside eSpeak NG's */

void render_opts_init(struct render_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rate = 48000;
	o->channels = 2;
	o->resample = RS_FAST;
	o->target_lufs = -23.0;
	o->ceiling_dbtp = -1.0;
	o->bits = AF_BITS_24;
	o->quality = -1;
}

static uint64_t ms_to_frames(int ms, int rate)
{
	return ((uint64_t)ms * (uint64_t)rate + 500) / 1000;
}

/* ==== the mix bus: a sliding window of frames not yet spooled ============ */

/*
 * Frames [base, base + len) are held in `buf` (interleaved, `ch` channels);
 * everything before `base` has gone to the spool and the meter and can no
 * longer change. Clips are placed in order of their start, so flushing up to
 * the start of each new clip keeps the window short.
 */
struct bus {
	int ch;
	float *buf;
	size_t len, cap;      /* frames */
	uint64_t base;
	FILE *spool;
	struct meter *meter;
};

static void bus_extend(struct bus *b, uint64_t end)
{
	size_t need;

	if (end <= b->base + b->len)
		return;
	need = (size_t)(end - b->base);
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		while (cap < need)
			cap *= 2;
		b->buf = xrealloc(b->buf, cap * (size_t)b->ch * sizeof(float));
		b->cap = cap;
	}
	memset(b->buf + b->len * (size_t)b->ch, 0, (need - b->len) * (size_t)b->ch * sizeof(float));
	b->len = need;
}

/* Adds mono samples to every channel from frame `start` on. */
static void bus_add_mono(struct bus *b, uint64_t start, const float *mono, size_t n)
{
	float *p;

	bus_extend(b, start + n);
	p = b->buf + (size_t)(start - b->base) * (size_t)b->ch;
	if (b->ch == 1) {
		for (size_t i = 0; i < n; i++)
			p[i] += mono[i];
	} else {
		for (size_t i = 0; i < n; i++) {
			p[2 * i] += mono[i];
			p[2 * i + 1] += mono[i];
		}
	}
}

/* Adds interleaved frames (bus channel count). */
static void bus_add(struct bus *b, uint64_t start, const float *frames, size_t n)
{
	float *p;
	size_t k = n * (size_t)b->ch;

	bus_extend(b, start + n);
	p = b->buf + (size_t)(start - b->base) * (size_t)b->ch;
	for (size_t i = 0; i < k; i++)
		p[i] += frames[i];
}

/* Sends frames [base, upto) to the spool and the meter. */
static int bus_flush(struct bus *b, uint64_t upto, struct err *e)
{
	size_t n;

	bus_extend(b, upto);
	n = (size_t)(upto - b->base);
	if (!n)
		return 0;
	if (meter_add(b->meter, b->buf, n, e))
		return -1;
	if (fwrite(b->buf, sizeof(float) * (size_t)b->ch, n, b->spool) != n)
		return err_set(e, "cannot write the temporary spool file (disk full?)");
	memmove(b->buf, b->buf + n * (size_t)b->ch, (b->len - n) * (size_t)b->ch * sizeof(float));
	b->len -= n;
	b->base = upto;
	return 0;
}

/*
 * An anonymous temporary file in $TMPDIR (or /tmp) for the mixed frames; it
 * is unlinked at once, so it disappears with the process whatever happens.
 */
static FILE *spool_open(struct err *e)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/sprecher-spool-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		err_set(e, "%s: cannot create the temporary spool file: %s", path, strerror(errno));
		return NULL;
	}
	unlink(path);
	f = fdopen(fd, "w+b");
	if (!f) {
		close(fd);
		err_set(e, "cannot open the temporary spool file: %s", strerror(errno));
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);     /* fewer, larger writes and reads */
	return f;
}

/* ==== pass 1: synthesis, resampling and placement ====================== */

/*
 * One synthesized sentence on its way from eSpeak NG to the mix. The main
 * thread fills the input half; a worker fills the output half (resampled
 * speech and its true peak) and marks it done; jobs are then placed strictly
 * in order by whichever worker holds the placing role.
 */
struct job {
	float *samples;        /* mono at the synthesizer's rate */
	size_t n;
	struct synth_event *ev;
	size_t nev;
	const struct script_segment *seg;
	const struct script_sentence *sent;
	int pause_ms;
	int stinger_before;
	float *res;            /* mono at the output rate */
	size_t nres;
	double tp;             /* linear true peak of the clip */
	int done;
	struct cache_key key;  /* when keyed: where the cache keeps this sentence */
	int keyed, cached;     /* cached: res, tp and ev came from the cache */
};

struct pass1 {
	const struct render_opts *o;
	int in_rate;
	struct bus bus;
	struct timeline *tl;
	uint64_t cursor;       /* where the next clip starts */
	struct jingle intro, stinger, outro;
	double tp_intro, tp_stinger, tp_outro;
	int have_intro, have_stinger, have_outro;
	/* conservative programme true peak: overlapping clips add up */
	double tp_max, last_tp;
	uint64_t last_end;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job q[QUEUE_LEN];
	uint64_t produced, claimed, placed;   /* job sequence numbers */
	int end, placing, failed;
	struct err err;
	uint64_t progress_frames;
	int cache_failed;      /* a cache entry could not be written (cache_err says why) */
	struct err cache_err;
};

/* Keeps the running true-peak bound of everything placed so far. */
static void track_peak(struct pass1 *p, uint64_t start, uint64_t frames, double tp)
{
	double v = start < p->last_end ? tp + p->last_tp : tp;

	if (v > p->tp_max)
		p->tp_max = v;
	if (start + frames >= p->last_end) {
		p->last_end = start + frames;
		p->last_tp = tp;
	}
}

static int place_jingle(struct pass1 *p, const struct jingle *j, double tp, enum role role,
			int segment, struct err *e)
{
	struct clip c = { .kind = CLIP_JINGLE, .start = p->cursor, .frames = j->nframes,
			  .segment = segment, .role = role, .source = j->source };

	if (bus_flush(&p->bus, c.start, e))
		return -1;
	bus_add(&p->bus, c.start, j->frames, j->nframes);
	track_peak(p, c.start, c.frames, tp);
	timeline_add(p->tl, &c);
	p->cursor += j->nframes;
	return 0;
}

static void place_pause(struct pass1 *p, int ms, int segment, enum role role)
{
	struct clip c = { .kind = CLIP_PAUSE, .start = p->cursor,
			  .frames = ms_to_frames(ms, p->o->rate), .segment = segment, .role = role };

	if (!c.frames)
		return;
	bus_extend(&p->bus, c.start + c.frames);
	timeline_add(p->tl, &c);
	p->cursor += c.frames;
}

/* The written byte offset of the token spoken at byte `spos` of the sentence's spoken text. */
static size_t written_at(const struct script_sentence *s, size_t spos)
{
	size_t w = 0;
	for (size_t i = 0; i < s->nanchors && s->anchors[i].spoken <= spos; i++)
		w = s->anchors[i].written;
	return w;
}

/* Worker half of a job: resampling and the clip's true peak (at the source rate); into the cache. */
static int process_job(struct pass1 *p, struct job *j, struct err *e)
{
	struct cache_speech cs;
	struct err ce;

	if (!j->n || j->cached)
		return 0;
	j->tp = loudness_true_peak(j->samples, j->n, 1, p->in_rate);
	if (rs_convert(j->samples, j->n, 1, p->in_rate, p->o->rate, p->o->resample,
		       &j->res, &j->nres, e))
		return -1;
	if (!j->keyed)
		return 0;
	cs = (struct cache_speech){ .frames = j->res, .nframes = j->nres, .nsamples = j->n,
				    .true_peak = j->tp, .ev = j->ev, .nev = j->nev };
	if (cache_put_speech(p->o->cache, &j->key, &cs, &ce) && !p->cache_failed) {
		pthread_mutex_lock(&p->mu);
		if (!p->cache_failed++)
			p->cache_err = ce;
		pthread_mutex_unlock(&p->mu);
	}
	return 0;
}

/*
 * Main-thread half of a cached sentence: 1 when the cache had it (the job
 * then carries frames, events and peak), 0 when it must be synthesized (the
 * job carries the key for process_job to store the result under).
 */
static int speech_from_cache(struct pass1 *p, struct synth *syn, const struct voice_preset *v,
			     const char *spoken, struct job *j, struct warns *w)
{
	struct cache_speech cs;
	struct err e;
	int rc;

	if (!p->o->cache)
		return 0;
	cache_speech_key(spoken, v, synth_identity(syn), p->in_rate, p->o->rate,
			 rs_quality_name(p->o->resample), &j->key);
	j->keyed = 1;
	rc = cache_get_speech(p->o->cache, &j->key, &cs, &e);
	if (rc < 0)
		warns_add(w, "%s", e.msg);
	if (rc != 1)
		return 0;
	j->cached = 1;
	j->res = cs.frames;
	j->nres = cs.nframes;
	j->n = cs.nsamples;
	j->tp = cs.true_peak;
	j->ev = cs.ev;
	j->nev = cs.nev;
	return 1;
}

static int place_speech(struct pass1 *p, struct job *j, struct err *e)
{
	const struct render_opts *o = p->o;
	size_t nw = 0;
	struct clip_word *words = NULL;
	struct clip c;

	if (p->have_stinger && j->stinger_before) {
		if (place_jingle(p, &p->stinger, p->tp_stinger, ROLE_HEADING, j->seg->number, e))
			return -1;
		place_pause(p, STINGER_GAP_MS, j->seg->number, ROLE_HEADING);
	}
	if (j->nev) {
		words = xmalloc(j->nev * sizeof(*words));
		for (size_t i = 0; i < j->nev; i++) {
			if (j->ev[i].type != SYNTH_WORD)
				continue;
			words[nw].frame = (j->ev[i].sample * (uint64_t)o->rate + (uint64_t)p->in_rate / 2) /
					  (uint64_t)p->in_rate;
			if (words[nw].frame > j->nres)
				words[nw].frame = j->nres;
			words[nw].written = written_at(j->sent, j->ev[i].text_pos);
			nw++;
		}
	}
	c = (struct clip){ .kind = CLIP_SPEECH, .start = p->cursor, .frames = j->nres,
			   .segment = j->seg->number, .role = j->seg->role,
			   .voice = (char *)j->seg->voice->name, .written = j->sent->written,
			   .spoken = j->sent->spoken, .words = words, .nwords = nw };
	if (bus_flush(&p->bus, c.start, e)) {
		free(words);
		return -1;
	}
	if (j->nres)
		bus_add_mono(&p->bus, c.start, j->res, j->nres);
	track_peak(p, c.start, c.frames, j->tp);
	timeline_add(p->tl, &c);
	p->cursor += j->nres;
	free(words);
	place_pause(p, j->pause_ms, j->seg->number, j->seg->role);
	__atomic_store_n(&p->progress_frames, p->cursor, __ATOMIC_RELAXED);
	return 0;
}

static int place_start(struct pass1 *p, struct err *e)
{
	if (!p->have_intro)
		return 0;
	if (place_jingle(p, &p->intro, p->tp_intro, ROLE_TITLE, 0, e))
		return -1;
	if (p->o->talkup_ms > 0) {
		uint64_t t = ms_to_frames(p->o->talkup_ms, p->o->rate);
		p->cursor -= t < p->intro.nframes ? t : p->intro.nframes;
	} else {
		place_pause(p, INTRO_GAP_MS, 0, ROLE_TITLE);
	}
	return 0;
}

static int place_end(struct pass1 *p, struct err *e)
{
	if (p->have_outro) {
		place_pause(p, OUTRO_GAP_MS, 0, ROLE_TITLE);
		if (place_jingle(p, &p->outro, p->tp_outro, ROLE_TITLE, 0, e))
			return -1;
	}
	/* the talk-up may leave the intro longer than all that follows */
	if (p->bus.base + p->bus.len > p->cursor)
		p->cursor = p->bus.base + p->bus.len;
	p->tl->total_frames = p->cursor;
	return bus_flush(&p->bus, p->cursor, e);
}

static void job_free(struct job *j)
{
	free(j->samples);
	free(j->ev);
	free(j->res);
	memset(j, 0, sizeof(*j));
}

static void fail_locked(struct pass1 *p, const struct err *e)
{
	if (!p->failed) {
		p->failed = 1;
		p->err = *e;
	}
	pthread_cond_broadcast(&p->cv);
}

/*
 * Places every finished job that is next in order. Called with `mu` held by a
 * worker that found nobody else placing; drops the lock while it works.
 */
static void place_ready(struct pass1 *p)
{
	struct err e;

	p->placing = 1;
	while (p->placed < p->claimed && p->q[p->placed % QUEUE_LEN].done) {
		struct job *j = &p->q[p->placed % QUEUE_LEN];
		int failed = p->failed;
		pthread_mutex_unlock(&p->mu);
		if (!failed && place_speech(p, j, &e)) {
			pthread_mutex_lock(&p->mu);
			fail_locked(p, &e);
			pthread_mutex_unlock(&p->mu);
		}
		job_free(j);
		pthread_mutex_lock(&p->mu);
		p->placed++;
		pthread_cond_broadcast(&p->cv);
	}
	p->placing = 0;
}

static void *worker(void *arg)
{
	struct pass1 *p = arg;
	struct err e;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct job *j;
		int failed;
		while (p->claimed == p->produced && !p->end)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->claimed == p->produced)
			break;
		j = &p->q[p->claimed++ % QUEUE_LEN];
		failed = p->failed;
		pthread_mutex_unlock(&p->mu);
		if (!failed && process_job(p, j, &e)) {
			pthread_mutex_lock(&p->mu);
			fail_locked(p, &e);
			pthread_mutex_unlock(&p->mu);
		}
		pthread_mutex_lock(&p->mu);
		j->done = 1;
		if (!p->placing)
			place_ready(p);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Hands a job to the workers (waiting for a free slot); returns -1 once anything has failed. */
static int push_job(struct pass1 *p, const struct job *j)
{
	int failed;

	pthread_mutex_lock(&p->mu);
	while (p->produced - p->placed == QUEUE_LEN && !p->failed)
		pthread_cond_wait(&p->cv, &p->mu);
	failed = p->failed;
	if (!failed) {
		p->q[p->produced % QUEUE_LEN] = *j;
		p->produced++;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return failed ? -1 : 0;
}

/* ==== jingles ============================================================ */

/* Brings a jingle to JINGLE_LUFS so it sits just under the speech; returns its true peak (linear). */
static double level_jingle(struct jingle *j)
{
	struct meter *m = meter_new(j->channels, j->rate, 0, j->channels == 1, NULL);
	struct loudness l;

	if (m && !meter_add(m, j->frames, j->nframes, NULL) && !meter_result(m, &l, NULL) &&
	    isfinite(l.integrated)) {
		float g = (float)pow(10.0, (JINGLE_LUFS - l.integrated) / 20.0);
		for (size_t i = 0; i < j->nframes * (size_t)j->channels; i++)
			j->frames[i] *= g;
	}
	meter_free(m);
	return loudness_true_peak(j->frames, j->nframes, j->channels, j->rate);
}

static int get_jingle(const struct render_opts *o, const char *path, enum jingle_kind k,
		      struct jingle *j, struct err *e)
{
	if (path)
		return jingle_load(path, o->rate, o->channels, o->resample, j, e);
	jingle_builtin(k, o->rate, o->channels, j);
	return 0;
}

/* 1 when every frame has the same value on both channels. */
static int is_centred(const struct jingle *j)
{
	if (j->channels != 2)
		return 1;
	for (size_t i = 0; i < j->nframes; i++)
		if (j->frames[2 * i] != j->frames[2 * i + 1])
			return 0;
	return 1;
}

/* Keeps only the first channel of a centred stereo jingle. */
static void to_mono(struct jingle *j)
{
	if (j->channels != 2)
		return;
	for (size_t i = 0; i < j->nframes; i++)
		j->frames[i] = j->frames[2 * i];
	j->channels = 1;
}

/*
 * Loads (or builds) the three jingles and picks the channel count of the mix
 * bus: one channel when the output is mono or every jingle is centred (speech
 * is mono), so mixing, measuring and limiting do half the work.
 */
static int prepare_jingles(struct pass1 *p, struct err *e)
{
	const struct render_opts *o = p->o;
	struct jingle *js[3] = { &p->intro, &p->stinger, &p->outro };
	double *tps[3] = { &p->tp_intro, &p->tp_stinger, &p->tp_outro };

	p->bus.ch = o->channels;
	if (o->seg_first > 0 || o->no_jingles) {
		p->bus.ch = 1;
		return 0;
	}
	if (get_jingle(o, o->intro, JINGLE_INTRO, &p->intro, e) ||
	    get_jingle(o, o->stinger, JINGLE_STINGER, &p->stinger, e) ||
	    get_jingle(o, o->outro, JINGLE_OUTRO, &p->outro, e))
		return -1;
	p->have_intro = p->have_stinger = p->have_outro = 1;
	if (is_centred(&p->intro) && is_centred(&p->stinger) && is_centred(&p->outro))
		p->bus.ch = 1;
	for (int i = 0; i < 3; i++) {
		if (p->bus.ch == 1)
			to_mono(js[i]);
		*tps[i] = level_jingle(js[i]);
	}
	return 0;
}

/* ==== progress =========================================================== */

/* The progress line (progress.c): segments done, seconds placed against the script's estimate. */
static void show_progress(struct progress *prog, const struct render_opts *o, size_t done,
			  uint64_t frames)
{
	double secs = (double)frames / o->rate;
	progress_update(prog, done, secs, secs);
}

/* ==== pass 2: gain, limiter, encoder ==================================== */

/* Appends at most `max` code points of `text` to `out`, ending on a word when it has to cut. */
static void add_prefix(char *out, size_t size, const char *text, size_t max)
{
	size_t i = 0, n = 0, len = strlen(text), cut = 0, o = strlen(out);
	uint32_t cp;

	while (i < len && n < max) {
		int k = utf8_decode(text + i, len - i, &cp);
		if (k <= 0)
			break;
		if (cp == ' ')
			cut = i;
		i += (size_t)k;
		n++;
	}
	if (i < len && cut > 0)
		i = cut;
	if (o + i + 1 > size)
		return;
	memcpy(out + o, text, i);
	out[o + i] = '\0';
}

/*
 * A cue point at the first frame of every segment, named "N role: first
 * words" after the segment's first sentence (a heading's cue sits on the
 * stinger that opens it).
 */
static void fill_cues(const struct timeline *tl, struct afile_cue **cues, size_t *n)
{
	int last = -1;

	*cues = xcalloc(tl->n ? tl->n : 1, sizeof(**cues));
	*n = 0;
	for (size_t i = 0; i < tl->n; i++) {
		const struct clip *c = &tl->clips[i];
		struct afile_cue *q;
		size_t k = i;
		if (c->segment <= 0 || c->segment == last || c->kind == CLIP_PAUSE)
			continue;
		last = c->segment;
		while (k < tl->n && tl->clips[k].segment == c->segment && tl->clips[k].kind != CLIP_SPEECH)
			k++;
		q = &(*cues)[(*n)++];
		q->frame = c->start;
		snprintf(q->label, sizeof(q->label), "%d %s: ", c->segment, role_name(c->role));
		if (k < tl->n && tl->clips[k].segment == c->segment && tl->clips[k].written)
			add_prefix(q->label, sizeof(q->label), tl->clips[k].written, 48);
	}
}

/* ---- the encoder thread: converts and writes blocks while the next is made ---- */

#define ENC_BUFS 3

struct encq {
	struct afile_writer *w;
	size_t ch;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	float *buf[ENC_BUFS];
	size_t frames[ENC_BUFS];
	int full[ENC_BUFS];
	size_t head, tail;
	int closing, failed, started, inited;
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
		q->tail = (t + 1) % ENC_BUFS;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static int enc_start(struct encq *q, struct afile_writer *w, size_t ch, struct err *e)
{
	memset(q, 0, sizeof(*q));
	q->w = w;
	q->ch = ch;
	for (int i = 0; i < ENC_BUFS; i++)
		q->buf[i] = xmalloc(BLOCK_FRAMES * ch * sizeof(float));
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->inited = 1;
	if (pthread_create(&q->th, NULL, enc_thread, q))
		return err_set(e, "cannot start the encoder thread");
	q->started = 1;
	return 0;
}

/* The next buffer to fill (room for BLOCK_FRAMES frames); NULL once writing has failed. */
static float *enc_get(struct encq *q)
{
	float *b;

	pthread_mutex_lock(&q->mu);
	while (q->full[q->head] && !q->failed)
		pthread_cond_wait(&q->cv, &q->mu);
	b = q->failed ? NULL : q->buf[q->head];
	pthread_mutex_unlock(&q->mu);
	return b;
}

/* Hands the buffer from enc_get, holding `frames` frames, to the encoder. */
static void enc_put(struct encq *q, size_t frames)
{
	pthread_mutex_lock(&q->mu);
	q->frames[q->head] = frames;
	q->full[q->head] = 1;
	q->head = (q->head + 1) % ENC_BUFS;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* Waits for every block to be written and stops the thread; returns -1 with the write error. */
static int enc_finish(struct encq *q, struct err *e)
{
	int failed;

	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->closing = 1;
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->th, NULL);
		q->started = 0;
	}
	failed = q->failed;
	if (failed && e)
		*e = q->err;
	if (q->inited) {
		for (int i = 0; i < ENC_BUFS; i++)
			free(q->buf[i]);
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		q->inited = 0;
	}
	return failed ? -1 : 0;
}

/* The writer's options; `frames` is the expected length (RF64 beyond 4 GiB). */
static struct afile_opts file_opts(const struct render_opts *o, uint64_t frames)
{
	struct afile_opts ao = { .bits = o->bits, .rate = o->rate, .channels = o->channels,
				 .quality = o->quality, .bitrate_kbps = o->bitrate_kbps,
				 .dither_seed = 0x5370726563686572ULL, .expected_frames = frames };

	if (afile_format_from_name(o->output, &ao.format, NULL))
		ao.format = AF_WAV;
	return ao;
}

/* What pass 2 needs from pass 1 and gives back. */
struct pass2 {
	FILE *spool;
	int bus_ch;
	uint64_t frames;
	double gain_db;
	double tp_in_db;        /* predicted true peak of the mix before gain */
	struct loudness in;     /* pass-1 measurement */
	struct loudness out;    /* final measurement */
	size_t limited_frames;
};

/*
 * Reads the spool back, applies the gain (and the limiter when the predicted
 * peak needs it), measures the result and writes the output file. Returns 0,
 * or -1 (the output file untouched).
 */
static int encode(struct pass2 *p2, const struct script *s, const struct render_opts *o,
		  const struct timeline *tl, int limit, int last_try, struct err *e)
{
	struct afile_opts ao = file_opts(o, p2->frames);
	struct afile_meta am = { .title = s->title, .artist = o->artist ? o->artist : "sprecher",
				 .date = o->date, .software = "sprecher " SPRECHER_VERSION,
				 .comment = "Rendered with eSpeak NG by sprecher", .out_cue = "Ende" };
	struct afile_writer *w = NULL;
	struct limiter *lim = NULL;
	struct meter *m = NULL;
	struct afile_cue *cues = NULL;
	float *buf = NULL;
	struct encq q = { 0 };
	char date[16] = "", time[16] = "";
	size_t bch = (size_t)p2->bus_ch, och = (size_t)o->channels, lat = 0, ncues = 0;
	uint64_t left = p2->frames, skip, read = 0;
	float g = (float)pow(10.0, p2->gain_db / 20.0);
	int rc = -1;

	if (o->date) {
		sscanf(o->date, "%10s %8s", date, time);
		am.orig_date = date[0] ? date : NULL;
		am.orig_time = time[0] ? time : NULL;
	}
	fill_cues(tl, &cues, &ncues);
	am.cues = cues;
	am.ncues = ncues;
	am.have_loudness = 1;
	am.lufs = o->target_lufs;
	am.lra = p2->in.lra;
	am.true_peak = fmin(p2->tp_in_db + p2->gain_db, o->ceiling_dbtp);
	am.max_momentary = p2->in.max_momentary + p2->gain_db;
	am.max_short_term = p2->in.max_short_term + p2->gain_db;

	if (limit) {
		lim = lim_new(p2->bus_ch, o->rate, p2->gain_db, o->ceiling_dbtp, e);
		if (!lim)
			goto out;
		lat = lim_latency(lim);
	}
	/*
	 * With the limiter the result is measured again (loudness and true peak);
	 * without it one linear gain shifts every pass-1 figure by exactly gain_db.
	 */
	if (limit) {
		m = meter_new(p2->bus_ch, o->rate, 1, p2->bus_ch == 1, e);
		if (!m)
			goto out;
	}
	w = afile_create(o->output, &ao, &am, e);
	if (!w)
		goto out;
	buf = xmalloc(BLOCK_FRAMES * bch * sizeof(float));
	if (enc_start(&q, w, och, e))
		goto out;
	if (fflush(p2->spool) || ferror(p2->spool)) {
		err_set(e, "cannot write the temporary spool file: %s", strerror(errno ? errno : EIO));
		goto out;
	}
	rewind(p2->spool);
	skip = lat;
	left += lat;
	while (left) {
		size_t n = left < BLOCK_FRAMES ? (size_t)left : BLOCK_FRAMES, got, off = 0;
		const float *src;
		float *dst;
		got = fread(buf, bch * sizeof(float), n, p2->spool);
		read += got;
		if (got < n && read < p2->frames) {
			err_set(e, "cannot read the temporary spool file back: %s",
				ferror(p2->spool) ? strerror(errno ? errno : EIO) : "it is too short");
			goto out;
		}
		if (got < n)     /* past the spool: the limiter's look-ahead tail */
			memset(buf + got * bch, 0, (n - got) * bch * sizeof(float));
		if (lim) {
			lim_process(lim, buf, buf, n);
		} else {
			for (size_t i = 0; i < n * bch; i++)
				buf[i] *= g;
		}
		if (skip) {
			off = skip < n ? (size_t)skip : n;
			skip -= off;
		}
		left -= n;
		if (off == n)
			continue;
		if (m && meter_add(m, buf + off * bch, n - off, e))
			goto out;
		src = buf + off * bch;
		dst = enc_get(&q);
		if (!dst)
			break;          /* the write error comes from enc_finish */
		if (och != bch) {       /* mono bus, stereo file */
			for (size_t i = 0; i < n - off; i++)
				dst[2 * i] = dst[2 * i + 1] = src[i];
		} else {
			memcpy(dst, src, (n - off) * och * sizeof(float));
		}
		enc_put(&q, n - off);
	}
	if (enc_finish(&q, e))
		goto out;
	if (m) {
		if (meter_result(m, &p2->out, e))
			goto out;
	} else {
		p2->out = p2->in;
		p2->out.integrated += p2->gain_db;
		p2->out.max_momentary += p2->gain_db;
		p2->out.max_short_term += p2->gain_db;
		p2->out.true_peak = p2->tp_in_db + p2->gain_db;
	}
	if (lim) {
		double maxred;
		lim_stats(lim, &p2->limited_frames, &maxred);
	}
	/* the limiter lowers the loudness a little: the caller may try again with more gain */
	if (limit && !last_try && fabs(p2->out.integrated - o->target_lufs) > 0.1 &&
	    isfinite(p2->out.integrated)) {
		afile_abort(w);
		w = NULL;
		rc = 1;
		goto out;
	}
	if (afile_commit(w, e)) {
		w = NULL;
		goto out;
	}
	w = NULL;
	rc = 0;
out:
	enc_finish(&q, NULL);
	afile_abort(w);
	meter_free(m);
	lim_free(lim);
	free(buf);
	free(cues);
	return rc;
}

/* Safety between the clip-wise peak prediction and the limiter's threshold, in dB. */
#define PEAK_PREDICTION_MARGIN 0.5

/*
 * Encodes with the limiter when the predicted peak needs it. The limiter
 * takes a little loudness away, so the gain is corrected from the measured
 * result, up to four times; the last try is kept whatever it measures (with
 * a warning when the ceiling leaves the target out of reach).
 */
static int pass2(struct pass2 *p2, const struct script *s, const struct render_opts *o,
		 const struct timeline *tl, struct warns *w, struct err *e)
{
	int limit = p2->tp_in_db + p2->gain_db > o->ceiling_dbtp - PEAK_PREDICTION_MARGIN;
	int rc = 1;

	for (int attempt = 0; attempt < 5 && rc > 0; attempt++) {
		rc = encode(p2, s, o, tl, limit, attempt == 4, e);
		if (rc > 0)
			p2->gain_db += o->target_lufs - p2->out.integrated;
	}
	if (rc == 0 && fabs(p2->out.integrated - o->target_lufs) > 0.3)
		warns_add(w, "%s: reached %.1f LUFS instead of %.1f: the true-peak ceiling of %.1f dBTP "
			  "does not allow more", o->output, p2->out.integrated, o->target_lufs,
			  o->ceiling_dbtp);
	return rc ? -1 : 0;
}

/* Seconds on the monotonic clock, for SPRECHER_TIMING. */
static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* ==== the whole render =================================================== */

int render_run(const struct script *s, const struct render_opts *o, struct synth *syn,
	       struct timeline *tl, struct render_result *res, struct warns *w, struct err *e)
{
	struct pass1 p;
	struct pass2 p2;
	struct synth_audio a;
	pthread_t th[NWORKERS];
	size_t first = 0, last = s->nseg - 1, done = 0;
	int nth = 0, rc = -1;
	const struct voice_preset *cur = NULL;
	double t0 = now_s(), t1, est = 0;
	struct progress *prog = NULL;

	memset(&p, 0, sizeof(p));
	memset(&p2, 0, sizeof(p2));
	memset(res, 0, sizeof(*res));
	synth_audio_init(&a);
	if (o->seg_first > 0) {
		first = (size_t)o->seg_first - 1;
		last = (size_t)o->seg_last - 1;
	}
	p.o = o;
	p.tl = tl;
	p.in_rate = synth_rate(syn);
	for (size_t i = first; i <= last; i++)
		est += s->seg[i].est_seconds;
	if (o->progress)
		prog = progress_new(2, "segments", last - first + 1, est);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);

	/* everything that can fail on bad input is checked before any synthesis */
	{
		enum afile_format f;
		struct afile_opts ao = file_opts(o, 0);
		if (afile_format_from_name(o->output, &f, e) || afile_check(o->output, &ao, e))
			goto out;
	}
	if (prepare_jingles(&p, e))
		goto out;
	p.bus.spool = spool_open(e);
	if (!p.bus.spool)
		goto out;
	p.bus.meter = meter_new(p.bus.ch, o->rate, 0, p.bus.ch == 1, e);
	if (!p.bus.meter || place_start(&p, e))
		goto out;
	for (; nth < NWORKERS; nth++)
		if (pthread_create(&th[nth], NULL, worker, &p)) {
			err_set(e, "cannot start a render thread");
			goto stop;
		}

	for (size_t i = first; i <= last; i++) {
		const struct script_segment *g = &s->seg[i];
		if (cur != g->voice) {
			if (synth_set_voice(syn, g->voice, e))
				goto stop;
			cur = g->voice;
		}
		for (size_t k = 0; k < g->nsent; k++) {
			const struct script_sentence *st = &g->sent[k];
			struct job j = { .seg = g, .sent = st, .pause_ms = st->pause_ms,
					 .stinger_before = k == 0 && g->new_section && i != first };
			if (i == last && k + 1 == g->nsent)
				j.pause_ms = 0;
			if (st->spoken[0] && !speech_from_cache(&p, syn, g->voice, st->spoken, &j, w)) {
				if (synth_say(syn, st->spoken, &a, e))
					goto stop;
				j.samples = a.samples;
				j.n = a.n;
				j.ev = a.ev;
				j.nev = a.nev;
				synth_audio_init(&a);   /* ownership moves to the job */
			}
			if (push_job(&p, &j)) {
				free(j.samples);
				free(j.ev);
				goto stop;
			}
		}
		show_progress(prog, o, ++done, __atomic_load_n(&p.progress_frames, __ATOMIC_RELAXED));
	}
	rc = 0;
stop:
	pthread_mutex_lock(&p.mu);
	p.end = 1;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	while (nth > 0)
		pthread_join(th[--nth], NULL);
	/* jobs left unplaced after a failure */
	for (size_t i = 0; i < QUEUE_LEN; i++)
		job_free(&p.q[i]);
	if (p.failed) {         /* a worker's error explains why the main thread stopped too */
		*e = p.err;
		rc = -1;
	}
	if (p.cache_failed)
		warns_add(w, "%s (%d sentences not cached)", p.cache_err.msg, p.cache_failed);
	if (rc)
		goto out;
	rc = -1;
	if (place_end(&p, e) || meter_result(p.bus.meter, &p2.in, e))
		goto out;
	p2.spool = p.bus.spool;
	p2.bus_ch = p.bus.ch;
	p2.frames = tl->total_frames;
	p2.tp_in_db = p.tp_max > 0 ? 20 * log10(p.tp_max) : -HUGE_VAL;
	p2.gain_db = isfinite(p2.in.integrated) ? o->target_lufs - p2.in.integrated : 0.0;
	t1 = now_s();
	if (pass2(&p2, s, o, tl, w, e))
		goto out;
	if (getenv("SPRECHER_TIMING"))
		fprintf(stderr, "sprecher: timing: pass 1 %.2f s, pass 2 %.2f s\n", t1 - t0, now_s() - t1);
	res->loud = p2.out;
	res->input_lufs = p2.in.integrated;
	res->gain_db = p2.gain_db;
	res->limited_frames = p2.limited_frames;
	res->seconds = (double)tl->total_frames / o->rate;
	rc = 0;
out:
	if (p.bus.spool)
		fclose(p.bus.spool);
	meter_free(p.bus.meter);
	free(p.bus.buf);
	jingle_release(&p.intro);
	jingle_release(&p.stinger);
	jingle_release(&p.outro);
	synth_audio_release(&a);
	progress_free(prog);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	return rc;
}
