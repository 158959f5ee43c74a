/*
 * render.c - the render pipeline wired from its stages. See render.h for
 * the shape; each stage lives in its own module:
 *
 *   speechq   sentence -> eSpeak NG -> resampled speech (worker threads)
 *   clock     clip lengths + the preset's gaps -> placed clips (the plan)
 *   mix       placed clips + their audio -> mixed frames (pass-1 meter, spool)
 *   stage     spool -> gain or limiter (+ meter) -> upmix -> writer (encq)
 */
#include "render.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cues.h"
#include "jingle.h"
#include "mix.h"
#include "speechq.h"
#include "stage.h"
#include "synth.h"

#define JINGLE_LUFS      -20.0   /* jingle level before the programme gain; speech sits near -17.6 */
#define BLOCK_FRAMES     16384
#define NWORKERS         2       /* resampling threads beside eSpeak NG's */
/* Safety between the clip-wise peak prediction and the limiter's threshold, in dB. */
#define PEAK_PREDICTION_MARGIN 0.5

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

/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* ==== the spool: mixed frames between the passes ========================= */

struct spool_sink {
	FILE *f;
	struct meter *meter;      /* pass-1 loudness, without true peak */
	int ch;
};

/* The mixer's sink: measures and spools a block. */
static int to_spool(void *ctx, const float *frames, size_t n, struct err *e)
{
	struct spool_sink *k = ctx;

	if (meter_add(k->meter, frames, n, e))
		return -1;
	if (fwrite(frames, sizeof(float) * (size_t)k->ch, n, k->f) != n)
		return err_set(e, "cannot write the temporary spool file (disk full?)");
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

/* ==== jingles ============================================================ */

enum { J_INTRO, J_STINGER, J_OUTRO, J__COUNT };

struct jingles {
	struct jingle j[J__COUNT];
	double gain_db[J__COUNT];   /* brings each to JINGLE_LUFS: the clip's gain in the plan */
	double tp[J__COUNT];        /* linear true peak after that gain */
	int have;
	int bus_ch;
};

/* The gain bringing a jingle to JINGLE_LUFS (0 when it cannot be measured). */
static double level_gain(const struct jingle *j)
{
	struct meter *m = meter_new(j->channels, j->rate, 0, j->channels == 1, NULL);
	struct loudness l;
	double g = 0.0;

	if (m && !meter_add(m, j->frames, j->nframes, NULL) && !meter_result(m, &l, NULL) &&
	    isfinite(l.integrated))
		g = JINGLE_LUFS - l.integrated;
	meter_free(m);
	return g;
}

/* The linear true peak of a jingle after `gain_db` (as the mixer applies it). */
static double peak_after(const struct jingle *j, double gain_db)
{
	size_t n = j->nframes * (size_t)j->channels;
	float g = (float)pow(10.0, gain_db / 20.0);
	float *t = xmalloc((n ? n : 1) * sizeof(float));
	double tp;

	for (size_t i = 0; i < n; i++)
		t[i] = j->frames[i] * g;
	tp = loudness_true_peak(t, j->nframes, j->channels, j->rate);
	free(t);
	return tp;
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
 * Loads (or builds) the three jingles, their level gains, and picks the
 * channel count of the mix bus: one channel when the output is mono or every
 * jingle is centred (speech is mono), so mixing, measuring and limiting do
 * half the work.
 */
static int prepare_jingles(const struct render_opts *o, struct jingles *jg, struct err *e)
{
	const char *paths[J__COUNT] = { o->intro, o->stinger, o->outro };
	const enum jingle_kind kinds[J__COUNT] = { JINGLE_INTRO, JINGLE_STINGER, JINGLE_OUTRO };
	int centred = 1;

	jg->bus_ch = o->channels;
	if (o->seg_first > 0 || o->no_jingles) {
		jg->bus_ch = 1;
		return 0;
	}
	for (int i = 0; i < J__COUNT; i++) {
		if (get_jingle(o, paths[i], kinds[i], &jg->j[i], e))
			return -1;
		jg->have |= 1 << i;
		centred &= is_centred(&jg->j[i]);
	}
	if (centred)
		jg->bus_ch = 1;
	for (int i = 0; i < J__COUNT; i++) {
		if (jg->bus_ch == 1)
			to_mono(&jg->j[i]);
		jg->gain_db[i] = level_gain(&jg->j[i]);
		jg->tp[i] = peak_after(&jg->j[i], jg->gain_db[i]);
	}
	return 0;
}

static void jingles_release(struct jingles *jg)
{
	for (int i = 0; i < J__COUNT; i++)
		jingle_release(&jg->j[i]);
}

/* ==== pass 1: placement and mix ========================================== */

/* One sentence of the script with what placement needs around it. */
struct item {
	const struct script_segment *seg;
	const struct script_sentence *sent;
	int pause_ms;
	int stinger_before;
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

/* The plan's prototype of jingle `i`: its length and level gain. */
static struct clip jingle_clip(const struct pass1 *p, int i, int segment, enum role role)
{
	return (struct clip){ .kind = CLIP_JINGLE, .frames = p->jg->j[i].nframes,
			      .gain_db = p->jg->gain_db[i], .segment = segment, .role = role,
			      .source = p->jg->j[i].source };
}

/* Hands a placed jingle clip to the mixer (flushing what comes before it). */
static int mix_jingle(struct pass1 *p, int i, const struct clip *c, struct err *e)
{
	if (mix_flush(p->mix, c->start, e) ||
	    mix_add_frames(p->mix, c, p->jg->j[i].frames, p->jg->j[i].channels, 0, e))
		return -1;
	track_peak(p, c->start, c->frames, p->jg->tp[i]);
	return 0;
}

/* The written byte offset of the token spoken at byte `spos` of the sentence's spoken text. */
static size_t written_at(const struct script_sentence *s, size_t spos)
{
	size_t w = 0;
	for (size_t i = 0; i < s->nanchors && s->anchors[i].spoken <= spos; i++)
		w = s->anchors[i].written;
	return w;
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

	if ((p->jg->have & (1 << J_STINGER)) && it->stinger_before) {
		struct clip j = jingle_clip(p, J_STINGER, it->seg->number, ROLE_HEADING);
		if (mix_jingle(p, J_STINGER, clock_stinger(&p->clk, &j), e))
			goto out;
	}
	for (size_t i = 0; i < sp->nwords; i++)
		words[i] = (struct clip_word){ .frame = sp->words[i].frame,
					       .written = written_at(it->sent, sp->words[i].spoken) };
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

/* Feeds every sentence to the speech queue on this thread (eSpeak NG's). */
static int speak_all(struct pass1 *p, const struct script *s, size_t first, size_t last,
		     struct speechq *q, struct item *items, struct err *e)
{
	const struct render_opts *o = p->o;
	size_t n = 0;

	for (size_t i = first; i <= last; i++) {
		const struct script_segment *g = &s->seg[i];
		for (size_t k = 0; k < g->nsent; k++, n++)
			if (speechq_say(q, g->voice, g->sent[k].spoken, &items[n], e))
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
	struct clock_opts c = { .rate = o->rate, .talkup_ms = o->talkup_ms,
				.intro_gap_ms = 350, .stinger_gap_ms = 300, .outro_gap_ms = 600 };

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
		struct clip j = jingle_clip(p, J_INTRO, 0, ROLE_TITLE);
		if (mix_jingle(p, J_INTRO, clock_intro(&p->clk, &j), e))
			goto out;
	}
	q = speechq_new(syn, o->rate, o->resample, NWORKERS, place_speech, p, e);
	if (!q)
		goto out;
	rc = speak_all(p, s, first, last, q, items, e);
	if (speechq_finish(q, e))    /* a worker's error explains why speaking stopped too */
		rc = -1;
	if (rc)
		goto out;
	rc = -1;
	if (p->jg->have & (1 << J_OUTRO)) {
		struct clip j = jingle_clip(p, J_OUTRO, 0, ROLE_TITLE);
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

/* ==== pass 2: gain or limiter, meter, upmix, writer ===================== */

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

/* Opens the output (not yet committed) with its tags, BWF and loudness metadata. */
static struct afile_writer *open_output(const struct pass2 *p2, const struct script *s,
					const struct render_opts *o, const struct timeline *tl,
					struct err *e)
{
	struct afile_opts ao = file_opts(o, p2->frames);
	struct afile_meta am = { .title = s->title, .artist = o->artist ? o->artist : "sprecher",
				 .date = o->date, .software = "sprecher " SPRECHER_VERSION,
				 .comment = "Rendered with eSpeak NG by sprecher", .out_cue = "Ende" };
	struct afile_cue *cues = NULL;
	struct afile_writer *w;
	char date[16] = "", time[16] = "";
	size_t ncues = 0;

	if (o->date) {
		sscanf(o->date, "%10s %8s", date, time);
		am.orig_date = date[0] ? date : NULL;
		am.orig_time = time[0] ? time : NULL;
	}
	cues_from_timeline(tl, &cues, &ncues);
	am.cues = cues;
	am.ncues = ncues;
	am.have_loudness = 1;
	am.lufs = o->target_lufs;
	am.lra = p2->in.lra;
	am.true_peak = fmin(p2->tp_in_db + p2->gain_db, o->ceiling_dbtp);
	am.max_momentary = p2->in.max_momentary + p2->gain_db;
	am.max_short_term = p2->in.max_short_term + p2->gain_db;
	w = afile_create(o->output, &ao, &am, e);
	free(cues);
	return w;
}

/*
 * The stages of pass 2: the limiter and a meter when the peak needs it (the
 * result is measured again), else one linear gain (every pass-1 figure
 * shifts by exactly gain_db); the upmix of a mono bus; the writer.
 */
static int build_chain(struct chain *c, const struct pass2 *p2, const struct render_opts *o,
		       int limit, struct afile_writer *w, struct err *e)
{
	chain_init(c, BLOCK_FRAMES);
	if (limit) {
		if (chain_add(c, stage_limiter(p2->bus_ch, o->rate, p2->gain_db, o->ceiling_dbtp, e)) ||
		    chain_add(c, stage_meter(p2->bus_ch, o->rate, e)))
			return -1;
	} else {
		chain_add(c, stage_gain(p2->bus_ch, p2->gain_db));
	}
	if (o->channels != p2->bus_ch)
		chain_add(c, stage_upmix());
	return chain_add(c, stage_writer(w, o->channels, BLOCK_FRAMES, e));
}

/* Reads the whole spool through the chain and drains it. */
static int run_spool(struct chain *c, const struct pass2 *p2, struct err *e)
{
	size_t bch = (size_t)p2->bus_ch;
	uint64_t left = p2->frames;

	if (fflush(p2->spool) || ferror(p2->spool))
		return err_set(e, "cannot write the temporary spool file: %s", strerror(errno ? errno : EIO));
	rewind(p2->spool);
	while (left) {
		size_t n = left < BLOCK_FRAMES ? (size_t)left : BLOCK_FRAMES;
		if (fread(chain_buffer(c), bch * sizeof(float), n, p2->spool) != n)
			return err_set(e, "cannot read the temporary spool file back: %s",
				       ferror(p2->spool) ? strerror(errno ? errno : EIO) : "it is too short");
		if (chain_flow(c, n, e))
			return -1;
		left -= n;
	}
	return chain_drain(c, e);
}

/*
 * One encoding of the spool into a new, uncommitted output; fills p2->out
 * (and limited_frames). Returns 0 with *wout set (the caller commits or
 * aborts it), or -1 (nothing left behind).
 */
static int encode_once(struct pass2 *p2, const struct script *s, const struct render_opts *o,
		       const struct timeline *tl, int limit, struct afile_writer **wout,
		       struct err *e)
{
	struct afile_writer *w = open_output(p2, s, o, tl, e);
	struct chain c = { 0 };
	struct stage *st;
	int rc = -1;

	if (!w)
		return -1;
	if (build_chain(&c, p2, o, limit, w, e) || run_spool(&c, p2, e))
		goto out;
	if ((st = chain_find(&c, "meter"))) {
		if (stage_meter_result(st, &p2->out, e))
			goto out;
	} else {
		p2->out = p2->in;
		p2->out.integrated += p2->gain_db;
		p2->out.max_momentary += p2->gain_db;
		p2->out.max_short_term += p2->gain_db;
		p2->out.true_peak = p2->tp_in_db + p2->gain_db;
	}
	if ((st = chain_find(&c, "limiter"))) {
		double maxred;
		stage_limiter_stats(st, &p2->limited_frames, &maxred);
	}
	rc = 0;
out:
	chain_release(&c);
	if (rc)
		afile_abort(w);
	else
		*wout = w;
	return rc;
}

/*
 * Encodes with the limiter when the predicted peak needs it. The limiter
 * takes a little loudness away, so the gain is corrected from the measured
 * result, up to four times; the last try is kept whatever it measures (with
 * a warning when the ceiling leaves the target out of reach).
 */
static int pass2(struct pass2 *p2, const struct script *s, const struct render_opts *o,
		 const struct timeline *tl, struct warns *wa, struct err *e)
{
	int limit = p2->tp_in_db + p2->gain_db > o->ceiling_dbtp - PEAK_PREDICTION_MARGIN;
	struct afile_writer *w = NULL;

	for (int attempt = 0; attempt < 5; attempt++) {
		if (encode_once(p2, s, o, tl, limit, &w, e))
			return -1;
		if (!limit || attempt == 4 || fabs(p2->out.integrated - o->target_lufs) <= 0.1 ||
		    !isfinite(p2->out.integrated))
			break;
		afile_abort(w);
		w = NULL;
		p2->gain_db += o->target_lufs - p2->out.integrated;
	}
	if (afile_commit(w, e))
		return -1;
	if (fabs(p2->out.integrated - o->target_lufs) > 0.3)
		warns_add(wa, "%s: reached %.1f LUFS instead of %.1f: the true-peak ceiling of %.1f dBTP "
			  "does not allow more", o->output, p2->out.integrated, o->target_lufs,
			  o->ceiling_dbtp);
	return 0;
}

/* ==== the whole render =================================================== */

/* Everything that can fail on bad input, checked before any synthesis. */
static int check_output(const struct render_opts *o, struct err *e)
{
	enum afile_format f;
	struct afile_opts ao = file_opts(o, 0);

	return afile_format_from_name(o->output, &f, e) || afile_check(o->output, &ao, e) ? -1 : 0;
}

int render_run(const struct script *s, const struct render_opts *o, struct synth *syn,
	       struct timeline *tl, struct render_result *res, struct warns *w, struct err *e)
{
	struct pass1 p = { .o = o };
	struct pass2 p2 = { 0 };
	struct jingles jg = { 0 };
	struct spool_sink k = { 0 };
	size_t first = 0, last = s->nseg - 1;
	double t0 = now_s(), t1;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (o->seg_first > 0) {
		first = (size_t)o->seg_first - 1;
		last = (size_t)o->seg_last - 1;
	}
	p.jg = &jg;
	if (check_output(o, e) || prepare_jingles(o, &jg, e))
		goto out;
	k.ch = jg.bus_ch;
	k.f = spool_open(e);
	if (!k.f)
		goto out;
	k.meter = meter_new(k.ch, o->rate, 0, k.ch == 1, e);
	if (!k.meter || pass1_run(&p, s, first, last, syn, &k, tl, e) ||
	    meter_result(k.meter, &p2.in, e))
		goto out;
	p2.spool = k.f;
	p2.bus_ch = k.ch;
	p2.frames = tl->total_frames;
	p2.tp_in_db = p.tp_max > 0 ? 20 * log10(p.tp_max) : -HUGE_VAL;
	p2.gain_db = isfinite(p2.in.integrated) ? o->target_lufs - p2.in.integrated : 0.0;
	t1 = now_s();
	if (pass2(&p2, s, o, tl, w, e))
		goto out;
	res->pass1_seconds = t1 - t0;
	res->pass2_seconds = now_s() - t1;
	res->loud = p2.out;
	res->input_lufs = p2.in.integrated;
	res->gain_db = p2.gain_db;
	res->limited_frames = p2.limited_frames;
	res->seconds = (double)tl->total_frames / o->rate;
	rc = 0;
out:
	if (k.f)
		fclose(k.f);
	meter_free(k.meter);
	jingles_release(&jg);
	return rc;
}
