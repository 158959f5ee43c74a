/*
 * render.c - the render pipeline: synthesis, placement, mixing, loudness,
 * encoding. See render.h for the shape.
 */
#include "render.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jingle.h"
#include "limiter.h"
#include "synth.h"

#define JINGLE_LUFS      -20.0   /* jingle level before the programme gain; speech sits near -17.6 */
#define INTRO_GAP_MS     350     /* silence between intro and speech when there is no talk-up */
#define STINGER_GAP_MS   300     /* silence between a stinger and the heading after it */
#define OUTRO_GAP_MS     600     /* silence between the last sentence and the outro */
#define QUEUE_LEN        32
#define BLOCK_FRAMES     16384

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

/* ==== pass 1: the placement thread ======================================= */

/* One synthesized sentence on its way from eSpeak to the mix. */
struct job {
	float *samples;
	size_t n;
	struct synth_event *ev;
	size_t nev;
	const struct script_segment *seg;
	const struct script_sentence *sent;
	int pause_ms;
	int stinger_before;
	int end;               /* no more jobs */
};

struct pass1 {
	const struct render_opts *o;
	int in_rate;
	struct bus bus;
	struct timeline *tl;
	uint64_t cursor;       /* where the next clip starts */
	struct jingle intro, stinger, outro;
	int have_intro, have_stinger, have_outro;
	int placed_any;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job q[QUEUE_LEN];
	size_t qhead, qlen;
	int failed;
	struct err err;
	volatile uint64_t progress_frames;
};

static int place_jingle(struct pass1 *p, const struct jingle *j, enum role role, int segment,
			struct err *e)
{
	struct clip c = { .kind = CLIP_JINGLE, .start = p->cursor, .frames = j->nframes,
			  .segment = segment, .role = role, .source = j->source };

	if (bus_flush(&p->bus, c.start, e))
		return -1;
	bus_add(&p->bus, c.start, j->frames, j->nframes);
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

static int place_speech(struct pass1 *p, struct job *j, struct err *e)
{
	const struct render_opts *o = p->o;
	float *res = NULL;
	size_t n = 0, nw = 0;
	struct clip_word *words = NULL;
	struct clip c;

	if (p->have_stinger && j->stinger_before) {
		if (place_jingle(p, &p->stinger, ROLE_HEADING, j->seg->number, e))
			return -1;
		place_pause(p, STINGER_GAP_MS, j->seg->number, ROLE_HEADING);
	}
	if (j->n && rs_convert(j->samples, j->n, 1, p->in_rate, o->rate, o->resample, &res, &n, e))
		return -1;
	if (j->nev) {
		words = xmalloc(j->nev * sizeof(*words));
		for (size_t i = 0; i < j->nev; i++) {
			if (j->ev[i].type != SYNTH_WORD)
				continue;
			words[nw].frame = (j->ev[i].sample * (uint64_t)o->rate + (uint64_t)p->in_rate / 2) /
					  (uint64_t)p->in_rate;
			if (words[nw].frame > n)
				words[nw].frame = n;
			words[nw].written = written_at(j->sent, j->ev[i].text_pos);
			nw++;
		}
	}
	c = (struct clip){ .kind = CLIP_SPEECH, .start = p->cursor, .frames = n,
			   .segment = j->seg->number, .role = j->seg->role,
			   .voice = (char *)j->seg->voice->name, .written = j->sent->written,
			   .spoken = j->sent->spoken, .words = words, .nwords = nw };
	if (bus_flush(&p->bus, c.start, e)) {
		free(words);
		free(res);
		return -1;
	}
	if (n)
		bus_add_mono(&p->bus, c.start, res, n);
	timeline_add(p->tl, &c);
	p->cursor += n;
	p->placed_any = 1;
	free(words);
	free(res);
	place_pause(p, j->pause_ms, j->seg->number, j->seg->role);
	p->progress_frames = p->cursor;
	return 0;
}

static int place_start(struct pass1 *p, struct err *e)
{
	if (!p->have_intro)
		return 0;
	if (place_jingle(p, &p->intro, ROLE_TITLE, 0, e))
		return -1;
	if (p->o->talkup_ms > 0) {
		uint64_t t = ms_to_frames(p->o->talkup_ms, p->o->rate);
		p->cursor = t < p->intro.nframes ? p->cursor - t : p->cursor - p->intro.nframes;
	} else {
		place_pause(p, INTRO_GAP_MS, 0, ROLE_TITLE);
	}
	return 0;
}

static int place_end(struct pass1 *p, struct err *e)
{
	if (p->have_outro) {
		place_pause(p, OUTRO_GAP_MS, 0, ROLE_BODY);
		if (place_jingle(p, &p->outro, ROLE_BODY, 0, e))
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
	j->samples = NULL;
	j->ev = NULL;
}

static void *pass1_thread(void *arg)
{
	struct pass1 *p = arg;
	struct err e;
	int failed = place_start(p, &e);

	for (;;) {
		struct job j;
		pthread_mutex_lock(&p->mu);
		while (!p->qlen)
			pthread_cond_wait(&p->cv, &p->mu);
		j = p->q[p->qhead];
		p->qhead = (p->qhead + 1) % QUEUE_LEN;
		p->qlen--;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (j.end)
			break;
		if (!failed)
			failed = place_speech(p, &j, &e);
		job_free(&j);
	}
	if (!failed)
		failed = place_end(p, &e);
	if (failed) {
		pthread_mutex_lock(&p->mu);
		p->failed = 1;
		p->err = e;
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* Hands a job to the placement thread; returns -1 when that thread has failed. */
static int push_job(struct pass1 *p, struct job *j)
{
	int failed;

	pthread_mutex_lock(&p->mu);
	while (p->qlen == QUEUE_LEN && (!p->failed || j->end))
		pthread_cond_wait(&p->cv, &p->mu);
	failed = p->failed && !j->end;
	if (!failed || j->end) {
		p->q[(p->qhead + p->qlen) % QUEUE_LEN] = *j;
		p->qlen++;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	if (failed)
		job_free(j);
	return failed ? -1 : 0;
}

/* ==== jingles ============================================================ */

/* Brings a jingle to JINGLE_LUFS so it sits just under the speech. */
static void level_jingle(struct jingle *j, int dual_mono)
{
	struct meter *m = meter_new(j->channels, j->rate, 0, dual_mono, NULL);
	struct loudness l;

	if (!m)
		return;
	if (!meter_add(m, j->frames, j->nframes, NULL) && !meter_result(m, &l, NULL) &&
	    isfinite(l.integrated)) {
		float g = (float)pow(10.0, (JINGLE_LUFS - l.integrated) / 20.0);
		for (size_t i = 0; i < j->nframes * (size_t)j->channels; i++)
			j->frames[i] *= g;
	}
	meter_free(m);
}

static int get_jingle(const struct render_opts *o, const char *path, enum jingle_kind k,
		      struct jingle *j, struct err *e)
{
	if (path) {
		if (jingle_load(path, o->rate, o->channels, o->resample, j, e))
			return -1;
	} else {
		jingle_builtin(k, o->rate, o->channels, j);
	}
	level_jingle(j, o->channels == 1);
	return 0;
}

/* ==== progress =========================================================== */

static void show_progress(const struct render_opts *o, size_t done, size_t total, uint64_t frames)
{
	if (!o->progress)
		return;
	fprintf(stderr, "\rsprecher: %zu/%zu segments, %.1f min of audio ", done, total,
		(double)frames / o->rate / 60.0);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* ==== pass 2: gain, limiter, encoder ==================================== */

static void fill_cues(const struct timeline *tl, struct afile_cue **cues, size_t *n)
{
	int last = -1;

	*cues = xcalloc(tl->n ? tl->n : 1, sizeof(**cues));
	*n = 0;
	for (size_t i = 0; i < tl->n; i++) {
		const struct clip *c = &tl->clips[i];
		if (c->segment <= 0 || c->segment == last || c->kind == CLIP_PAUSE)
			continue;
		last = c->segment;
		(*cues)[*n].frame = c->start;
		snprintf((*cues)[*n].label, sizeof((*cues)[*n].label), "%d %s: %.60s", c->segment,
			 role_name(c->role), c->written ? c->written : c->source ? c->source : "");
		(*n)++;
	}
}

static int pass2(FILE *spool, const struct script *s, const struct render_opts *o,
		 const struct timeline *tl, struct render_result *res, struct err *e)
{
	struct afile_opts ao = { .bits = o->bits, .rate = o->rate, .channels = o->channels,
				 .quality = o->quality, .bitrate_kbps = o->bitrate_kbps,
				 .dither_seed = 0x5370726563686572ULL };
	struct afile_meta am = { .title = s->title, .artist = o->artist ? o->artist : "sprecher",
				 .date = o->date, .software = "sprecher " SPRECHER_VERSION,
				 .comment = "Rendered with eSpeak NG by sprecher" };
	struct afile_writer *w = NULL;
	struct limiter *lim = NULL;
	struct meter *m = NULL;
	struct afile_cue *cues = NULL;
	float *buf = NULL;
	char date[16] = "", time[16] = "";
	size_t ch = (size_t)o->channels, lat = 0, ncues = 0;
	uint64_t left = tl->total_frames, skip;
	float g;
	int rc = -1;

	if (afile_format_from_name(o->output, &ao.format, e))
		return -1;
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
	am.lra = res->loud.lra;
	am.true_peak = fmin(res->loud.true_peak + res->gain_db, o->ceiling_dbtp);
	am.max_momentary = res->loud.max_momentary + res->gain_db;
	am.max_short_term = res->loud.max_short_term + res->gain_db;
	g = (float)pow(10.0, res->gain_db / 20.0);

	/* the limiter is there only when the gain would push the true peak over the ceiling */
	if (res->loud.true_peak + res->gain_db > o->ceiling_dbtp - 0.05) {
		lim = lim_new(o->channels, o->rate, res->gain_db, o->ceiling_dbtp, e);
		if (!lim)
			goto out;
		lat = lim_latency(lim);
	}
	m = meter_new(o->channels, o->rate, 1, o->channels == 1, e);
	if (!m)
		goto out;
	w = afile_create(o->output, &ao, &am, e);
	if (!w)
		goto out;
	buf = xmalloc(BLOCK_FRAMES * ch * sizeof(float));
	rewind(spool);
	skip = lat;
	left += lat;
	while (left) {
		size_t n = left < BLOCK_FRAMES ? (size_t)left : BLOCK_FRAMES, got, off = 0;
		got = fread(buf, ch * sizeof(float), n, spool);
		if (got < n)     /* past the spool: the limiter's look-ahead tail */
			memset(buf + got * ch, 0, (n - got) * ch * sizeof(float));
		if (lim) {
			lim_process(lim, buf, buf, n);
		} else {
			for (size_t i = 0; i < n * ch; i++)
				buf[i] *= g;
		}
		if (skip) {
			off = skip < n ? (size_t)skip : n;
			skip -= off;
		}
		left -= n;
		if (off == n)
			continue;
		if (meter_add(m, buf + off * ch, n - off, e) ||
		    afile_write(w, buf + off * ch, n - off, e))
			goto out;
	}
	if (meter_result(m, &res->loud, e))
		goto out;
	if (lim)
		lim_stats(lim, &res->limited_frames, &(double){0});
	if (afile_commit(w, e)) {
		w = NULL;
		goto out;
	}
	w = NULL;
	rc = 0;
out:
	afile_abort(w);
	meter_free(m);
	lim_free(lim);
	free(buf);
	free(cues);
	return rc;
}

/* ==== the whole render =================================================== */

int render_run(const struct script *s, const struct render_opts *o, struct synth *syn,
	       struct timeline *tl, struct render_result *res, struct warns *w, struct err *e)
{
	struct pass1 p;
	struct synth_audio a;
	pthread_t th;
	size_t first = 0, last = s->nseg - 1, done = 0;
	int whole = o->seg_first <= 0, rc = -1;
	const struct voice_preset *cur = NULL;

	(void)w;
	memset(&p, 0, sizeof(p));
	memset(res, 0, sizeof(*res));
	synth_audio_init(&a);
	if (!whole) {
		first = (size_t)o->seg_first - 1;
		last = (size_t)o->seg_last - 1;
	}
	p.o = o;
	p.tl = tl;
	p.in_rate = synth_rate(syn);
	p.bus.ch = o->channels;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);

	/* everything that can fail on bad input is checked before any synthesis */
	if (whole && !o->no_jingles) {
		if (get_jingle(o, o->intro, JINGLE_INTRO, &p.intro, e) ||
		    get_jingle(o, o->stinger, JINGLE_STINGER, &p.stinger, e) ||
		    get_jingle(o, o->outro, JINGLE_OUTRO, &p.outro, e))
			goto out;
		p.have_intro = p.have_stinger = p.have_outro = 1;
	}
	{
		enum afile_format f;
		if (afile_format_from_name(o->output, &f, e))
			goto out;
	}
	p.bus.spool = tmpfile();
	if (!p.bus.spool) {
		err_set(e, "cannot create a temporary spool file in /tmp");
		goto out;
	}
	p.bus.meter = meter_new(o->channels, o->rate, 1, o->channels == 1, e);
	if (!p.bus.meter)
		goto out;
	if (pthread_create(&th, NULL, pass1_thread, &p)) {
		err_set(e, "cannot start the render thread");
		goto out;
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
			if (st->spoken[0] && synth_say(syn, st->spoken, &a, e))
				goto stop;
			if (st->spoken[0]) {
				j.samples = a.samples;
				j.n = a.n;
				j.ev = a.ev;
				j.nev = a.nev;
				synth_audio_init(&a);   /* ownership moves to the job */
			}
			if (push_job(&p, &j))
				goto stop;
		}
		show_progress(o, ++done, last - first + 1, p.progress_frames);
	}
	rc = 0;
stop:
	{
		struct job end = { .end = 1 };
		push_job(&p, &end);
		pthread_join(th, NULL);
	}
	if (rc)
		goto out;
	rc = -1;
	if (p.failed) {
		*e = p.err;
		goto out;
	}
	if (meter_result(p.bus.meter, &res->loud, e))
		goto out;
	res->input_lufs = res->loud.integrated;
	res->gain_db = isfinite(res->input_lufs) ? o->target_lufs - res->input_lufs : 0.0;
	res->seconds = (double)tl->total_frames / o->rate;
	if (pass2(p.bus.spool, s, o, tl, res, e))
		goto out;
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
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	return rc;
}
