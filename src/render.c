/*
 * render.c - the render pipeline wired from its stages. See render.h for
 * the shape; each stage lives in its own module:
 *
 *   speechq   sentence -> eSpeak NG -> resampled speech (worker threads)
 *   clock     clip lengths + the preset's gaps -> placed clips (the plan)
 *   mix       placed clips + their audio -> mixed frames (pass-1 meter, spool)
 *   jingles   intro/stinger/outro: probed, levelled, streamed into the mix
 *   master    spool -> stages: gain or limiter (+ meter) -> upmix -> writer (encq)
 */
#include "render.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "clock.h"
#include "jingles.h"
#include "meterq.h"
#include "mix.h"
#include "speechq.h"
#include "master.h"
#include "synth.h"

#define NWORKERS         2       /* resampling threads beside eSpeak NG's */

void render_opts_init(struct render_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->fmt.rate = 48000;
	o->fmt.channels = 2;
	o->place.resample = RS_FAST;
	o->master.target_lufs = -23.0;
	o->master.ceiling_dbtp = -1.0;
	o->fmt.bits = AF_BITS_24;
	o->fmt.quality = -1;
}

/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* ==== the spool: mixed frames between the passes ========================= */

#define METER_BLOCK_FRAMES 16384  /* the mixer's blocks (mix.c) fit: they are not split */

struct spool_sink {
	FILE *f;
	struct meter *meter;      /* pass-1 loudness, without true peak */
	struct meterq *mq;        /* ... measured on its own thread */
	int ch;
};

/* The mixer's sink: queues a block for the meter and spools it. */
static int to_spool(void *ctx, const float *frames, size_t n, struct err *e)
{
	struct spool_sink *k = ctx;

	for (size_t done = 0; done < n;) {
		size_t m = n - done < METER_BLOCK_FRAMES ? n - done : METER_BLOCK_FRAMES;
		if (meterq_add(k->mq, frames + done * (size_t)k->ch, m, e))
			return -1;
		done += m;
	}
	if (fwrite(frames, sizeof(float) * (size_t)k->ch, n, k->f) != n)
		return spool_failed("write", "spool", e);
	return 0;
}

/* ==== pass 1: placement and mix ========================================== */

/* One sentence of the script with what placement needs around it. */
struct item {
	const struct script_segment *seg;
	const struct script_sentence *sent;
	int pause_ms;
	int stinger_before;
	struct cache_key key;      /* keyed: where the cache keeps this sentence */
	int keyed, cached;         /* cached: the audio came from the cache */
};

struct pass1 {
	const struct render_opts *o;
	struct clock clk;
	struct mix *mix;
	struct jingles *jg;
	/* conservative programme true peak: overlapping clips add up */
	double tp_max, last_tp;
	uint64_t last_end;
	uint64_t progress_frames;
	struct synth *syn;
	struct warns *w;
	int cache_failed;          /* entries that could not be written; cache_err says why */
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

/* Hands the placed jingle clip `c` to the mixer and the peak bound. */
static int mix_jingle(struct pass1 *p, int i, const struct clip *c, struct err *e)
{
	if (jingles_mix(p->jg, i, c, p->mix, e))
		return -1;
	track_peak(p, c->start, c->frames, p->jg->tp[i]);
	return 0;
}

/* The speech queue's callback: places one sentence (after its stinger) and mixes it. */
static int place_speech(void *ctx, void *tag, struct speech *sp, struct err *e)
{
	struct pass1 *p = ctx;
	const struct item *it = tag;
	struct clip_word *words = sp->nwords ? xmalloc(sp->nwords * sizeof(*words)) : NULL;
	const struct clip *c;
	struct clip k;
	int rc = -1;

	if (it->keyed && !it->cached && p->o->cache) {    /* one place call at a time */
		struct err ce;
		if (cache_put_speech(p->o->cache, &it->key, sp, &ce) && !p->cache_failed++)
			p->cache_err = ce;
	}
	if ((p->jg->have & (1 << J_STINGER)) && it->stinger_before) {
		struct clip j = jingles_clip(p->jg, J_STINGER, it->seg->number, ROLE_HEADING);
		if (mix_jingle(p, J_STINGER, clock_stinger(&p->clk, &j), e))
			goto out;
	}
	for (size_t i = 0; i < sp->nwords; i++)
		words[i] = (struct clip_word){ .frame = sp->words[i].frame,
					       .written = script_written_at(it->sent, sp->words[i].spoken) };
	k = (struct clip){ .kind = CLIP_SPEECH, .frames = sp->nframes, .segment = it->seg->number,
			   .role = it->seg->role, .voice = (char *)it->seg->voice->name,
			   .written = it->sent->written, .spoken = it->sent->spoken,
			   .words = words, .nwords = sp->nwords };
	c = clock_place(&p->clk, &k);
	if (mix_flush(p->mix, c->start, e))
		goto out;
	track_peak(p, c->start, c->frames, sp->true_peak);
	if (sp->nframes && mix_add_frames(p->mix, c, sp->frames, 1, 1, e)) {
		sp->frames = NULL;
		goto out;
	}
	sp->frames = NULL;          /* the mixer's now */
	clock_pause(&p->clk, it->pause_ms, it->seg->number, it->seg->role);
	__atomic_store_n(&p->progress_frames, p->clk.cursor, __ATOMIC_RELAXED);
	rc = 0;
out:
	free(words);
	speech_release(sp);
	return rc;
}

/* The sentences of segments first..last in order, with their pauses and stingers. */
static struct item *list_items(const struct script *s, size_t first, size_t last, size_t *n)
{
	struct item *it;
	size_t k = 0;

	for (size_t i = first; i <= last; i++)
		k += s->seg[i].nsent;
	it = xcalloc(k ? k : 1, sizeof(*it));
	*n = 0;
	for (size_t i = first; i <= last; i++) {
		const struct script_segment *g = &s->seg[i];
		for (size_t j = 0; j < g->nsent; j++) {
			struct item *t = &it[(*n)++];
			t->seg = g;
			t->sent = &g->sent[j];
			t->pause_ms = (i == last && j + 1 == g->nsent) ? 0 : g->sent[j].pause_ms;
			t->stinger_before = j == 0 && g->new_section && i != first;
		}
	}
	return it;
}

/*
 * Queues one sentence: from the cache when it holds it, else synthesized
 * (place_speech then stores it under the key). A damaged entry is a warning.
 */
static int say_cached(struct pass1 *p, struct speechq *q, const struct voice_preset *v,
		      const char *spoken, struct item *it, struct err *e)
{
	const struct render_opts *o = p->o;
	struct speech sp;
	struct err ce;
	int rc;

	if (!o->cache || !spoken[0])
		return speechq_say(q, v, spoken, it, e);
	cache_speech_key(spoken, v, synth_identity(p->syn), synth_rate(p->syn), o->fmt.rate,
			 rs_quality_backend(o->place.resample), &it->key);
	it->keyed = 1;
	rc = cache_get_speech(o->cache, &it->key, &sp, &ce);
	if (rc < 0)
		warns_add(p->w, "%s", ce.msg);
	if (rc != 1)
		return speechq_say(q, v, spoken, it, e);
	it->cached = 1;
	return speechq_push_ready(q, &sp, it, e);
}

/* Feeds every sentence to the speech queue on this thread (eSpeak NG's). */
static int speak_all(struct pass1 *p, const struct script *s, size_t first, size_t last,
		     struct speechq *q, struct item *items, struct err *e)
{
	const struct render_opts *o = p->o;
	size_t n = 0;

	for (size_t i = first; i <= last; i++) {
		const struct script_segment *g = &s->seg[i];
		for (size_t k = 0; k < g->nsent; k++, n++)
			if (say_cached(p, q, g->voice, g->sent[k].spoken, &items[n], e))
				return -1;
		if (o->progress)
			o->progress(o->progress_ctx, i - first + 1, last - first + 1,
				    __atomic_load_n(&p->progress_frames, __ATOMIC_RELAXED));
	}
	return 0;
}

/* The placement options: the rate, the talk-up, the gaps of the programme's preset. */
static struct clock_opts clock_opts_of(const struct script *s, const struct render_opts *o)
{
	struct clock_opts c = { .rate = o->fmt.rate, .talkup_ms = o->place.talkup_ms,
				.intro_gap_ms = 350, .stinger_gap_ms = 300, .outro_gap_ms = 600,
				.speech_fade_in_ms = CLOCK_SPEECH_FADE_IN_MS,
				.speech_fade_out_ms = CLOCK_SPEECH_FADE_OUT_MS };

	if (s->nseg && s->seg[0].voice) {
		c.intro_gap_ms = s->seg[0].voice->clock.intro_gap_ms;
		c.stinger_gap_ms = s->seg[0].voice->clock.stinger_gap_ms;
		c.outro_gap_ms = s->seg[0].voice->clock.outro_gap_ms;
	}
	return c;
}

/*
 * Pass 1: synthesizes, places and mixes every sentence of first..last between
 * the jingles into the spool `k` (metered). Fills tl; returns 0 or -1.
 */
static int pass1_run(struct pass1 *p, const struct script *s, size_t first, size_t last,
		     struct synth *syn, struct spool_sink *k, struct timeline *tl, struct err *e)
{
	const struct render_opts *o = p->o;
	struct clock_opts co = clock_opts_of(s, o);
	struct speechq *q = NULL;
	struct item *items;
	size_t nitems;
	int rc = -1;

	clock_init(&p->clk, &co, tl);
	items = list_items(s, first, last, &nitems);
	p->mix = mix_new(k->ch, to_spool, k);
	if (p->jg->have & (1 << J_INTRO)) {
		struct clip j = jingles_clip(p->jg, J_INTRO, 0, ROLE_TITLE);
		if (mix_jingle(p, J_INTRO, clock_intro(&p->clk, &j), e))
			goto out;
	}
	q = speechq_new(syn, o->fmt.rate, o->place.resample, NWORKERS, place_speech, p, e);
	if (!q)
		goto out;
	rc = speak_all(p, s, first, last, q, items, e);
	if (speechq_finish(q, e))    /* a worker's error explains why speaking stopped too */
		rc = -1;
	if (rc)
		goto out;
	rc = -1;
	if (p->jg->have & (1 << J_OUTRO)) {
		struct clip j = jingles_clip(p->jg, J_OUTRO, 0, ROLE_TITLE);
		if (mix_jingle(p, J_OUTRO, clock_outro(&p->clk, &j), e))
			goto out;
	}
	rc = mix_flush(p->mix, clock_finish(&p->clk), e);
out:
	speechq_free(q);
	mix_free(p->mix);
	p->mix = NULL;
	free(items);
	return rc;
}

/* ==== the whole render =================================================== */

int render_run(const struct script *s, const struct render_opts *o, struct synth *syn,
	       struct timeline *tl, struct render_result *res, struct warns *w, struct err *e)
{
	struct pass1 p = { .o = o, .syn = syn, .w = w };
	struct master p2 = { 0 };
	struct jingles jg = { 0 };
	struct spool_sink k = { 0 };
	size_t first = 0, last = s->nseg - 1;
	double t0 = now_s(), t1;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (o->place.seg_first > 0) {
		first = (size_t)o->place.seg_first - 1;
		last = (size_t)o->place.seg_last - 1;
	}
	p.jg = &jg;
	for (int i = 0; i < J__COUNT; i++)
		jg.level_db[i] = s->nseg && s->seg[0].voice ? voice_jingle_db(s->seg[0].voice, i)
							     : VOICE_JINGLE_LEVEL_DB;
	if (master_check(o, e) || jingles_prepare(o, &jg, e))
		goto out;
	k.ch = jg.bus_ch;
	k.f = spool_open(e);
	if (!k.f)
		goto out;
	k.meter = meter_new(k.ch, o->fmt.rate, 0, k.ch == 1 && !(o->master.mono_single && o->fmt.channels == 1), e);
	if (!k.meter || !(k.mq = meterq_new(k.meter, k.ch, METER_BLOCK_FRAMES, e)))
		goto out;
	rc = pass1_run(&p, s, first, last, syn, &k, tl, e);
	if (meterq_finish(k.mq, rc ? NULL : e))
		rc = -1;
	if (rc || meter_result(k.meter, &p2.in, e)) {
		rc = -1;
		goto out;
	}
	rc = -1;
	jingles_warn(&jg, tl, w);
	if (p.cache_failed)
		warns_add(w, "%s (%d sentences not cached)", p.cache_err.msg, p.cache_failed);
	p2.spool = k.f;
	p2.bus_ch = k.ch;
	p2.frames = tl->total_frames;
	p2.tp_in_db = p.tp_max > 0 ? 20 * log10(p.tp_max) : -HUGE_VAL;
	p2.gain_db = isfinite(p2.in.integrated) ? o->master.target_lufs - p2.in.integrated : 0.0;
	t1 = now_s();
	if (master_run(&p2, s, o, tl, w, e))
		goto out;
	res->pass1_seconds = t1 - t0;
	res->pass2_seconds = now_s() - t1;
	res->loud = p2.out;
	res->input_lufs = p2.in.integrated;
	res->gain_db = p2.gain_db;
	res->limited_frames = p2.limited_frames;
	res->seconds = (double)tl->total_frames / o->fmt.rate;
	rc = 0;
out:
	if (k.f)
		fclose(k.f);
	meterq_free(k.mq);
	meter_free(k.meter);
	jingles_release(&jg);
	return rc;
}
