/*
 * show.c - a rundown rendered as one programme. See show.h for the shape:
 *
 *   assemble   rundown items -> scripts (articles, texts, time) and probed files
 *   speak      every sentence -> eSpeak NG -> the speech spool (speechq)
 *   fit        lengths -> pauses (and the speech rate) for the slot (showplan, fit)
 *   plan       placed clips on the timeline (speech, pauses, jingles, beds)
 *   mix        clips -> the mix spool (beds looped and ducked, showmix)
 *   master     the spool -> loudness, true-peak limiter, encoder (master.h)
 */
#include "show.h"
#include "clock.h"
#include "jingles.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duck.h"
#include "episode.h"
#include "fit.h"
#include "jingle.h"
#include "lexicon.h"
#include "loudness.h"
#include "master.h"
#include "mix.h"
#include "showmix.h"
#include "showplan.h"
#include "source.h"
#include "speechq.h"
#include "voice.h"

#define NWORKERS     2
#define LOOP_MEM_SECONDS 60   /* a bed this short that loops is resampled once and kept */

/* One rundown item with what rendering needs. */
struct sitem {
	const struct rd_item *rd;
	int speech;                   /* article, text or time */
	struct episode ep;            /* articles */
	struct doc doc;               /* texts and times */
	struct script script;
	int have_ep, have_doc, have_script;
	const struct script *sc;      /* the item's script (speech items) */
	struct source *probe;         /* jingles and beds: scanned once */
	int shared;                   /* probe belongs to an earlier item on the same file */
	float *loop_mem;              /* a short bed that loops: resampled once (bus channels) */
	uint64_t frames;              /* jingles, beds, silences */
	double level_db, tp;          /* jingles, beds: level gain; linear true peak after it */
	size_t s0, ns;                /* its sentences in show.s */
	int orig_rate[ROLE__COUNT];   /* speech items: preset rates before a fit */
};

/* One sentence of the show. */
struct ssent {
	size_t item;
	const struct script_segment *seg;
	const struct script_sentence *sent;
	uint64_t frames, pause;       /* its length; the pause after it (not after the item's last) */
	uint64_t off;                 /* first frame in the speech spool */
	struct clip_word *words;
	size_t nwords;
	double tp;
};

struct show {
	const struct show_opts *so;
	struct render_opts *o;
	struct rundown rd;
	struct sitem *it;
	size_t n;
	struct ssent *s;
	size_t ns;
	FILE *speech;                 /* mono frames of every sentence, in order */
	uint64_t spooled;
	size_t placed;                /* sentences received from the queue */
	int bus_ch;
	struct clock_opts clk;        /* the clip rules (clock.h): speech edge fades */
	char date[32];
	uint64_t slot;
	char **names;                 /* item names, for the timeline */
};

int show_is_rundown(const char *path)
{
	size_t n = strlen(path);

	return n > 8 && !strcmp(path + n - 8, ".rundown");
}

/* ==== assemble ============================================================ */

/* `date` given, else the rundown's, else SOURCE_DATE_EPOCH, else "". */
static void pick_date(const char *date, const char *rundown_date, char *out, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	out[0] = '\0';
	if (date && *date) {
		snprintf(out, n, "%s", date);
	} else if (rundown_date && *rundown_date) {
		snprintf(out, n, "%s", rundown_date);
	} else if (sde && *sde) {
		char *end;
		long long t = strtoll(sde, &end, 10);
		time_t tt = (time_t)t;
		struct tm tm;
		if (!*end && t >= 0 && gmtime_r(&tt, &tm))
			strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
	}
}

/* The voice of a speech item: its own, --voice, the show's, else NULL (front matter/default). */
static const char *item_voice(const struct show *sh, const struct rd_item *r)
{
	if (r->voice[0])
		return r->voice;
	if (sh->so->voice)
		return sh->so->voice;
	return sh->rd.voice[0] ? sh->rd.voice : NULL;
}

/* A text or time item: one body block spoken with the item's voice. */
static int load_text(struct show *sh, struct sitem *t, const char *text, struct warns *w,
		     struct err *e)
{
	struct voice_preset base, roles[ROLE__COUNT];
	const char *v = item_voice(sh, t->rd);
	struct lexicon *lex = lex_new();
	char where[1100];
	int rc = -1;

	memset(&t->doc, 0, sizeof(t->doc));
	t->doc.blocks = xcalloc(1, sizeof(struct block));
	t->doc.nblocks = t->doc.cap = 1;
	t->doc.blocks[0] = (struct block){ .role = ROLE_BODY, .text = xstrdup(text),
					   .line_first = t->rd->line, .line_last = t->rd->line };
	t->have_doc = 1;
	snprintf(where, sizeof(where), "%s:%d", sh->rd.path, t->rd->line);
	if (episode_load_lexicons(sh->so->lexicons, sh->so->nlex, lex, e) ||
	    voice_load(v ? v : VOICE_DEFAULT, &base, e) || voice_load_roles(&base, roles, e))
		goto out;
	if (script_build(&t->doc, roles, lex, where, &t->script, w, e))
		goto out;
	t->have_script = 1;
	t->sc = &t->script;
	rc = 0;
out:
	lex_free(lex);
	return rc;
}

/* Puts "RUNDOWN:LINE: " before the message in `e`; returns -1. */
static int at_line(const struct show *sh, int line, struct err *e)
{
	char msg[sizeof(e->msg)];

	memcpy(msg, e->msg, sizeof(msg));
	return err_set(e, "%s:%d: %s", sh->rd.path, line, msg);
}

/*
 * A jingle or bed file: its length, whether it is centred, and its level by
 * the jingle level rule (jingles.h), measured through the click-free fades
 * every file clip gets (audio_clip).
 */
static int load_audio(struct show *sh, struct sitem *t, int *centred, struct err *e)
{
	const struct render_opts *o = sh->o;
	double level = t->rd->kind == RD_BED ? JINGLES_BED_LEVEL_DB : VOICE_JINGLE_LEVEL_DB;
	size_t fin, fout;

	t->probe = source_file(t->rd->path, o->fmt.rate, o->fmt.channels, o->place.resample, e);
	if (!t->probe)
		return at_line(sh, t->rd->line, e);
	t->frames = t->probe->frames;
	if (!t->frames)
		return err_set(e, "%s:%d: %s: no audio in the file", sh->rd.path, t->rd->line, t->rd->path);
	*centred &= source_file_centred(t->probe);
	jingle_fade_frames(o->fmt.rate, &fin, &fout);
	if (jingles_level_source(t->probe, fin, fout, level, &t->level_db, &t->tp, e) ||
	    source_rewind(t->probe, e))
		return at_line(sh, t->rd->line, e);
	return 0;
}

/* One item: its script or its file. */
static int load_item(struct show *sh, struct sitem *t, int *centred, struct warns *w, struct err *e)
{
	const struct rd_item *r = t->rd;
	char text[128];

	switch (r->kind) {
	case RD_ARTICLE: {
		struct episode_opts eo = { .article = r->path, .voice = item_voice(sh, r),
					   .lexicons = sh->so->lexicons, .nlex = sh->so->nlex,
					   .keep_footer = r->keep_footer, .date = sh->date,
					   .phonemizer = sh->so->phonemizer,
					   .phonemizer_ctx = sh->so->phonemizer_ctx };
		t->speech = 1;
		t->have_ep = 1;
		if (episode_load(&eo, &t->ep, w, e))
			return -1;
		t->sc = &t->ep.script;
		return 0;
	}
	case RD_TEXT:
		t->speech = 1;
		return load_text(sh, t, r->text, w, e);
	case RD_TIME:
		t->speech = 1;
		if (rundown_time_text(r->at, sh->date, text, sizeof(text)))
			return err_set(e, "%s:%d: time item [%s] needs 'at = HH:MM', a show date with a time "
				       "or --date 'YYYY-MM-DD HH:MM'", sh->rd.path, r->line, r->name);
		return load_text(sh, t, text, w, e);
	case RD_SILENCE:
		t->frames = clock_ms_to_frames(r->length_ms, sh->o->fmt.rate);
		return 0;
	case RD_JINGLE:
	case RD_BED:
		/* a file used again (a stinger between every item) is scanned and measured once */
		for (struct sitem *u = sh->it; u < t; u++)
			if (u->probe && u->rd->kind == r->kind && !strcmp(u->rd->path, r->path)) {
				t->probe = u->probe;
				t->shared = 1;
				t->frames = u->frames;
				t->level_db = u->level_db;
				t->tp = u->tp;
				return 0;
			}
		return load_audio(sh, t, centred, e);
	default:
		return err_set(e, "%s:%d: unknown item", sh->rd.path, r->line);
	}
}

/* The show's sentences in order, with their pauses. */
static void list_sentences(struct show *sh)
{
	size_t k = 0;
	int rate = sh->o->fmt.rate;

	for (size_t i = 0; i < sh->n; i++)
		if (sh->it[i].speech)
			for (size_t g = 0; g < sh->it[i].sc->nseg; g++)
				k += sh->it[i].sc->seg[g].nsent;
	sh->s = xcalloc(k ? k : 1, sizeof(*sh->s));
	for (size_t i = 0; i < sh->n; i++) {
		struct sitem *t = &sh->it[i];
		t->s0 = sh->ns;
		if (!t->speech)
			continue;
		for (size_t g = 0; g < t->sc->nseg; g++) {
			const struct script_segment *sg = &t->sc->seg[g];
			for (size_t j = 0; j < sg->nsent; j++) {
				struct ssent *s = &sh->s[sh->ns++];
				s->item = i;
				s->seg = sg;
				s->sent = &sg->sent[j];
				s->pause = clock_ms_to_frames(sg->sent[j].pause_ms, rate);
			}
		}
		t->ns = sh->ns - t->s0;
		for (int r = 0; r < ROLE__COUNT; r++)
			t->orig_rate[r] = t->sc->voices[r].rate;
	}
}

/* Loads the rundown and every item; picks the bus's channel count. */
static int assemble(struct show *sh, struct warns *w, struct err *e)
{
	int centred = 1;

	if (rundown_load(sh->so->rundown, &sh->rd, e))
		return -1;
	pick_date(sh->so->date, sh->rd.date, sh->date, sizeof(sh->date));
	sh->clk = (struct clock_opts){ .rate = sh->o->fmt.rate,
				       .speech_fade_in_ms = CLOCK_SPEECH_FADE_IN_MS,
				       .speech_fade_out_ms = CLOCK_SPEECH_FADE_OUT_MS };
	sh->it = xcalloc(sh->rd.n, sizeof(*sh->it));
	sh->names = xcalloc(sh->rd.n, sizeof(*sh->names));
	sh->n = sh->rd.n;
	for (size_t i = 0; i < sh->n; i++) {
		sh->it[i].rd = &sh->rd.items[i];
		sh->names[i] = sh->rd.items[i].name;
		if (load_item(sh, &sh->it[i], &centred, w, e))
			return -1;
	}
	sh->bus_ch = centred || sh->o->fmt.channels == 1 ? 1 : 2;
	list_sentences(sh);
	return 0;
}

static void release(struct show *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		struct sitem *t = &sh->it[i];
		if (t->have_ep)
			episode_release(&t->ep);
		if (t->have_script)
			script_release(&t->script);
		if (t->have_doc)
			doc_release(&t->doc);
		if (!t->shared)
			source_free(t->probe);
		free(t->loop_mem);
	}
	for (size_t i = 0; i < sh->ns; i++)
		free(sh->s[i].words);
	free(sh->s);
	free(sh->it);
	free(sh->names);
	if (sh->speech)
		fclose(sh->speech);
	rundown_release(&sh->rd);
}

/* ==== speak =============================================================== */

/* The speech queue's callback: spools one sentence and keeps its length and words. */
static int keep_speech(void *ctx, void *tag, struct speech *sp, struct err *e)
{
	struct show *sh = ctx;
	struct ssent *s = tag;
	int rc = -1;

	s->frames = sp->nframes;
	s->off = sh->spooled;
	s->tp = sp->true_peak;
	free(s->words);
	s->words = sp->nwords ? xmalloc(sp->nwords * sizeof(*s->words)) : NULL;
	s->nwords = sp->nwords;
	for (size_t i = 0; i < sp->nwords; i++)
		s->words[i] = (struct clip_word){ .frame = sp->words[i].frame,
						  .written = script_written_at(s->sent, sp->words[i].spoken) };
	if (sp->nframes && fwrite(sp->frames, sizeof(float), sp->nframes, sh->speech) != sp->nframes) {
		spool_failed("write", "speech", e);
		goto out;
	}
	sh->spooled += sp->nframes;
	sh->placed++;
	rc = 0;
out:
	speech_release(sp);
	return rc;
}

/*
 * Synthesizes every sentence (speech lengths multiplied by about `factor`
 * through the presets' rate) into a new speech spool. 0 or -1.
 */
static int speak(struct show *sh, struct synth *syn, double factor, struct err *e)
{
	struct speechq *q;
	int rc = 0;

	for (size_t i = 0; i < sh->n; i++) {
		struct sitem *t = &sh->it[i];
		if (!t->speech)
			continue;
		for (int r = 0; r < ROLE__COUNT; r++)
			((struct script *)t->sc)->voices[r].rate =
				(int)lround(t->orig_rate[r] / (factor > 0 ? factor : 1));
	}
	if (sh->speech)
		fclose(sh->speech);
	sh->spooled = 0;
	sh->placed = 0;
	sh->speech = spool_open(e);
	if (!sh->speech)
		return -1;
	q = speechq_new(syn, sh->o->fmt.rate, sh->o->place.resample, NWORKERS, keep_speech, sh, e);
	if (!q)
		return -1;
	for (size_t k = 0; k < sh->ns && !rc; k++) {
		struct ssent *s = &sh->s[k];
		rc = speechq_say(q, s->seg->voice, s->sent->spoken, s, e);
		if (sh->o->progress && (k + 1 == sh->ns || sh->s[k + 1].item != s->item))
			sh->o->progress(sh->o->progress_ctx, s->item + 1, sh->n, 0);
	}
	if (speechq_finish(q, e))
		rc = -1;
	speechq_free(q);
	return rc;
}

/* ==== fit and plan ======================================================== */

/* The layout's items (`keep`: only the items rendered; NULL: all). Arrays owned by the caller. */
struct layout {
	struct plan_item *pi;
	uint64_t *len, *pause;        /* sentence lengths and pauses of all sentences */
	size_t *index;                /* pi[k] is sh->it[index[k]] */
	size_t n;
};

static void layout_build(const struct show *sh, const int *keep, struct layout *L)
{
	int rate = sh->o->fmt.rate;
	size_t *map = xcalloc(sh->n, sizeof(*map));

	L->pi = xcalloc(sh->n, sizeof(*L->pi));
	L->index = xcalloc(sh->n, sizeof(*L->index));
	L->len = xcalloc(sh->ns ? sh->ns : 1, sizeof(*L->len));
	L->pause = xcalloc(sh->ns ? sh->ns : 1, sizeof(*L->pause));
	L->n = 0;
	for (size_t k = 0; k < sh->ns; k++) {
		L->len[k] = sh->s[k].frames;
		L->pause[k] = sh->s[k].pause;
	}
	for (size_t i = 0; i < sh->n; i++) {
		const struct sitem *t = &sh->it[i];
		const struct rd_item *r = t->rd;
		struct plan_item *p;

		if (keep && !keep[i])
			continue;
		map[i] = L->n;
		L->index[L->n] = i;
		p = &L->pi[L->n++];
		p->is_bed = r->kind == RD_BED;
		p->frames = t->speech ? 0 : t->frames;
		p->sent = t->speech ? L->len + t->s0 : NULL;
		p->sent_pause = t->speech ? L->pause + t->s0 : NULL;
		p->nsent = t->speech ? t->ns : 0;
		p->overlap = clock_ms_to_frames(r->crossfade_ms ? r->crossfade_ms : r->overlap_ms, rate);
		p->pause = clock_ms_to_frames(r->pause_ms >= 0 ? r->pause_ms : sh->rd.pause_ms, rate);
		p->closer = r->closer;
		p->until = r->until_index;
		p->name = r->name;
		p->line = r->line;
		p->overlap_line = r->overlap_line;
	}
	for (size_t k = 0; k < L->n; k++)
		if (L->pi[k].is_bed)
			L->pi[k].until = keep && !keep[L->pi[k].until] ? L->n - 1 : map[L->pi[k].until];
	if (L->n && L->pi[0].overlap)
		L->pi[0].overlap = 0;     /* a preview of one item has nothing before it */
	free(map);
}

static void layout_release(struct layout *L)
{
	free(L->pi);
	free(L->len);
	free(L->pause);
	free(L->index);
	memset(L, 0, sizeof(*L));
}

/* Frames of speech in the show. */
static uint64_t speech_frames(const struct show *sh)
{
	uint64_t f = 0;
	for (size_t k = 0; k < sh->ns; k++)
		f += sh->s[k].frames;
	return f;
}

/* "RUNDOWN:LINE: " for the slot's length (the rundown's line, or none for --fit). */
static void slot_where(const struct show *sh, char *out, size_t n)
{
	if (sh->so->fit_ms > 0 || !sh->rd.length_line)
		snprintf(out, n, "%s", sh->rd.path);
	else
		snprintf(out, n, "%s:%d", sh->rd.path, sh->rd.length_line);
}

/* "the show cannot fit its slot": `miss` frames over (> 0) or under with every bound used. */
static int slot_error(const struct show *sh, int64_t miss, struct err *e)
{
	char where[1100], by[64];

	slot_where(sh, where, sizeof(where));
	fit_describe(miss, sh->o->fmt.rate, by, sizeof(by));
	return err_set(e, "%s: the show cannot fit its slot of %d:%06.3f: %s even with pauses at "
		       "%.0f..%.0f %% and speech %.0f %% faster or slower", where,
		       (int)(sh->slot / sh->o->fmt.rate / 60),
		       fmod((double)sh->slot / sh->o->fmt.rate, 60.0), by, FIT_PAUSE_MIN * 100,
		       FIT_PAUSE_MAX * 100, FIT_RATE_MAX * 100);
}

/*
 * Fits the pause vector `pv` (np entries, planned on input) to the slot;
 * with `factor` set to the speech length factor that would be needed (1: the
 * pauses alone do it). Returns 0 (pv fitted, *factor 1), 1 (a new rate is
 * needed: *factor), or -1 with the over/under error.
 */
static int fit_slot(struct show *sh, struct layout *L, uint64_t *pv, size_t np, double *factor,
		    struct err *e)
{
	struct plan p;
	uint64_t *out = xcalloc(np ? np : 1, sizeof(*out)), fixed, sum = 0;
	int64_t miss = 0;
	int rc;

	if (plan_layout(L->pi, L->n, pv, 0, sh->rd.path, sh->o->fmt.rate, &p, e)) {
		free(out);
		return -1;
	}
	for (size_t i = 0; i < np; i++)
		sum += pv[i];
	fixed = p.total - sum;
	plan_release(&p);
	*factor = 1;
	if (fit_pauses(fixed, pv, np, sh->slot, out, &miss) == 0) {
		memcpy(pv, out, np * sizeof(*pv));
		free(out);
		return 0;
	}
	free(out);
	rc = fit_rate(fixed, speech_frames(sh), pv, np, sh->slot, factor, &miss);
	if (rc == 0)
		return 1;
	return slot_error(sh, miss, e);
}

/*
 * Synthesizes the show and finds the pauses for its slot: pauses first, then
 * up to three syntheses at a corrected rate. Fills `pv` (np entries) and the
 * factors in `res`. 0 or -1.
 */
static int speak_and_fit(struct show *sh, struct synth *syn, struct layout *L, uint64_t **pv,
			 size_t *np, struct show_result *res, struct err *e)
{
	double factor = 1, f;

	if (speak(sh, syn, 1, e))
		return -1;
	for (size_t k = 0; k < sh->ns; k++)
		L->len[k] = sh->s[k].frames;
	*np = plan_npauses(L->pi, L->n);
	*pv = xcalloc(*np ? *np : 1, sizeof(**pv));
	plan_pauses(L->pi, L->n, *pv);
	if (!sh->slot)
		return 0;
	for (int attempt = 0; attempt < 4; attempt++) {
		int rc;
		plan_pauses(L->pi, L->n, *pv);
		rc = fit_slot(sh, L, *pv, *np, &f, e);
		if (rc <= 0) {
			res->rate_factor = factor;
			return rc;
		}
		if (attempt == 3)
			break;
		/* the rate that should give f times the current speech length, within the bound */
		f *= factor;
		if (f > 1 + FIT_RATE_MAX)
			f = 1 + FIT_RATE_MAX;
		if (f < 1 - FIT_RATE_MAX)
			f = 1 - FIT_RATE_MAX;
		if (f == factor)
			break;          /* at the bound already: the pauses were the last resort */
		factor = f;
		if (speak(sh, syn, factor, e))
			return -1;
		for (size_t k = 0; k < sh->ns; k++)
			L->len[k] = sh->s[k].frames;
	}
	{
		/* the rate at its bound and the pauses still short of the slot */
		struct plan p;
		uint64_t sum = 0, *out = xcalloc(*np ? *np : 1, sizeof(*out));
		int64_t miss = 0;
		plan_pauses(L->pi, L->n, *pv);
		if (plan_layout(L->pi, L->n, *pv, 0, sh->rd.path, sh->o->fmt.rate, &p, e)) {
			free(out);
			return -1;
		}
		for (size_t i = 0; i < *np; i++)
			sum += (*pv)[i];
		fit_pauses(p.total - sum, *pv, *np, sh->slot, out, &miss);
		plan_release(&p);
		free(out);
		return slot_error(sh, miss ? miss : 1, e);
	}
}

/* ==== the timeline ======================================================== */

/* The gain of a speech item: the show's speech gain plus its own. */
static double speech_gain(const struct show *sh, const struct sitem *t)
{
	return sh->rd.speech_gain_db + t->rd->gain_db;
}

/* The clip of jingle, silence or bed item k of the layout at its planned place. */
static struct clip audio_clip(const struct show *sh, const struct layout *L, const struct plan *p,
			      size_t k)
{
	const struct sitem *t = &sh->it[L->index[k]];
	const struct rd_item *r = t->rd;
	int rate = sh->o->fmt.rate, bed = r->kind == RD_BED;
	size_t fin, fout;
	uint64_t in, out;
	struct clip c = { .kind = bed ? CLIP_BED : r->kind == RD_SILENCE ? CLIP_SILENCE : CLIP_JINGLE,
			  .frames = p->pos[k].end - p->pos[k].start,
			  .segment = bed ? 0 : (int)L->index[k] + 1, .role = ROLE_BODY,
			  .source = r->path };

	if (r->kind == RD_SILENCE)
		return clock_clip_at(&sh->clk, &c, p->pos[k].start);
	jingle_fade_frames(rate, &fin, &fout);   /* at least the click-free file fades */
	in = clock_ms_to_frames(r->fade_in_ms, rate);
	out = clock_ms_to_frames(r->fade_out_ms, rate);
	if (r->crossfade_ms && clock_ms_to_frames(r->crossfade_ms, rate) > in)
		in = clock_ms_to_frames(r->crossfade_ms, rate);
	/* the next item cross-fades into this one */
	for (size_t j = k + 1; j < L->n; j++) {
		const struct rd_item *nx = sh->it[L->index[j]].rd;
		if (L->pi[j].is_bed)
			continue;
		if (!bed && nx->crossfade_ms && clock_ms_to_frames(nx->crossfade_ms, rate) > out)
			out = clock_ms_to_frames(nx->crossfade_ms, rate);
		break;
	}
	c.fade_in = in > fin ? in : fin;
	c.fade_out = out > fout ? out : fout;
	c.gain_db = t->level_db + r->gain_db;
	return clock_clip_at(&sh->clk, &c, p->pos[k].start);
}

/* One clip of the plan with where its audio comes from. */
struct job {
	struct clip c;                /* strings point into the scripts and the rundown */
	size_t item;                  /* index in show.it */
	size_t sent;                  /* speech: index in show.s */
};

struct jobs {
	struct job *v;
	size_t n, cap;
};

static void job_add(struct jobs *J, const struct clip *c, size_t item, size_t sent)
{
	if (!c->frames)
		return;
	XGROW(J->v, J->cap, J->n + 1);
	J->v[J->n++] = (struct job){ *c, item, sent };
}

static int job_cmp(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->c.start != y->c.start)
		return x->c.start < y->c.start ? -1 : 1;
	if (x->c.layer != y->c.layer)
		return x->c.layer - y->c.layer;
	return x->item < y->item ? -1 : x->item > y->item;
}

/* The pause after layout item k up to the next item's start (or the show's end). */
static void pause_after(const struct show *sh, const struct layout *L, const struct plan *p,
			size_t k, struct jobs *J)
{
	uint64_t next = p->total;
	struct clip c = { .kind = CLIP_SILENCE, .segment = (int)L->index[k] + 1, .role = ROLE_BODY };

	for (size_t j = k + 1; j < L->n; j++)
		if (!L->pi[j].is_bed) {
			next = p->pos[j].start;
			break;
		}
	if (next > p->pos[k].end) {
		c.frames = next - p->pos[k].end;
		c = clock_clip_at(&sh->clk, &c, p->pos[k].end);
		job_add(J, &c, L->index[k], 0);
	}
}

/*
 * The plan: every sentence, pause, jingle, silence and bed as a job, sorted
 * by start (the order the mixer takes them), and on the timeline.
 */
static void make_jobs(const struct show *sh, const struct layout *L, const struct plan *p,
		      struct jobs *J, struct timeline *tl)
{
	for (size_t k = 0; k < L->n; k++) {
		const struct sitem *t = &sh->it[L->index[k]];
		int seg = (int)L->index[k] + 1;

		if (!t->speech) {
			struct clip c = audio_clip(sh, L, p, k);
			job_add(J, &c, L->index[k], 0);
		}
		for (size_t j = 0; t->speech && j < t->ns; j++) {
			const struct ssent *s = &sh->s[t->s0 + j];
			struct clip c = { .kind = CLIP_SPEECH, .frames = s->frames,
					  .gain_db = speech_gain(sh, t), .segment = seg,
					  .role = s->seg->role, .voice = (char *)s->seg->voice->name,
					  .written = s->sent->written, .spoken = s->sent->spoken,
					  .words = s->words, .nwords = s->nwords };
			c = clock_clip_at(&sh->clk, &c, p->pos[k].sent_start[j]);
			job_add(J, &c, L->index[k], t->s0 + j);
			if (j + 1 < t->ns) {
				struct clip q = { .kind = CLIP_SILENCE, .segment = seg, .role = s->seg->role,
						  .frames = p->pos[k].sent_start[j + 1] - c.start - c.frames };
				q = clock_clip_at(&sh->clk, &q, c.start + c.frames);
				job_add(J, &q, L->index[k], 0);
			}
		}
		if (!L->pi[k].is_bed)
			pause_after(sh, L, p, k, J);
	}
	qsort(J->v, J->n, sizeof(*J->v), job_cmp);
	for (size_t i = 0; i < J->n; i++)
		timeline_add(tl, &J->v[i].c);
	tl->total_frames = p->total;
}

/* ==== mix ================================================================= */

struct mix_sink {
	FILE *f;
	struct meter *meter;
	int ch;
};

static int to_spool(void *ctx, const float *frames, size_t n, struct err *e)
{
	struct mix_sink *k = ctx;

	if (meter_add(k->meter, frames, n, e))
		return -1;
	if (fwrite(frames, sizeof(float) * (size_t)k->ch, n, k->f) != n)
		return spool_failed("write", "spool", e);
	return 0;
}

/* The speech clip `c` (sentence `s`) read back from the speech spool into the mixer. */
static int mix_speech(struct show *sh, struct mix *m, const struct clip *c, const struct ssent *s,
		      struct err *e)
{
	float *buf;

	if (!c->frames)
		return 0;
	buf = xmalloc(c->frames * sizeof(float));
	if (fseeko(sh->speech, (off_t)(s->off * sizeof(float)), SEEK_SET) ||
	    fread(buf, sizeof(float), c->frames, sh->speech) != c->frames) {
		free(buf);
		if (!ferror(sh->speech))
			errno = EIO;        /* too short */
		return spool_failed(ferror(sh->speech) ? "write" : "read", "speech", e);
	}
	return mix_add_frames(m, c, buf, 1, 1, e);
}

/* The ducking envelope of bed clip `c`: every ducking clip's frames under it. */
static void bed_envelope(const struct rd_item *r, const struct timeline *tl, const struct clip *c,
			 int rate, struct duck_env *env)
{
	struct duck_opts o = { .depth_db = r->duck.depth_db,
			       .down = clock_ms_to_frames(r->duck.down_ms, rate),
			       .hold = clock_ms_to_frames(r->duck.hold_ms, rate),
			       .up = clock_ms_to_frames(r->duck.up_ms, rate) };
	struct duck_span *sp = xcalloc(tl->n ? tl->n : 1, sizeof(*sp));
	size_t n = 0;

	for (size_t i = 0; i < tl->n; i++) {
		const struct clip *s = &tl->clips[i];
		if (s->ducks && s->frames && s->start < c->start + c->frames &&
		    s->start + s->frames + o.up > c->start)
			sp[n++] = (struct duck_span){ s->start, s->start + s->frames };
	}
	duck_build(env, &o, sp, n);
	free(sp);
}

/* A file item's source for clip `c` on the bus: beds looped and ducked. */
static struct source *file_source(struct show *sh, struct sitem *t, const struct clip *c,
				  const struct timeline *tl, struct err *e)
{
	struct source *s = source_file_again(t->probe, e);
	struct duck_env env;

	if (!s)
		return NULL;
	if (s->channels != sh->bus_ch)
		source_file_first_channel(s);
	if (t->rd->kind != RD_BED)
		return s;
	if (s->frames < c->frames && s->frames <= (uint64_t)LOOP_MEM_SECONDS * sh->o->fmt.rate) {
		/* every repeat would resample the file again: keep it, resampled, once */
		struct sitem *m = t;
		size_t got = 0, ch = (size_t)s->channels;
		uint64_t n = s->frames;
		int bad = 0;
		if (!m->loop_mem) {
			m->loop_mem = xcalloc(n * ch, sizeof(float));
			for (uint64_t f = 0; f < n && !bad; f += got) {
				bad = source_read(s, m->loop_mem + f * ch, (size_t)(n - f), &got, e);
				if (!bad && !got)
					bad = err_set(e, "%s: shorter than it said", t->rd->path);
			}
		}
		source_free(s);
		if (bad) {
			free(m->loop_mem);
			m->loop_mem = NULL;
			return NULL;
		}
		s = source_memory(m->loop_mem, n, (int)ch, sh->o->fmt.rate, 0);
	}
	s = source_loop(s, c->frames, clock_ms_to_frames(t->rd->loop_crossfade_ms, sh->o->fmt.rate), e);
	if (!s)
		return NULL;
	bed_envelope(t->rd, tl, c, sh->o->fmt.rate, &env);
	return source_ducked(s, &env, c->start);
}

/* Mixes every job in order into the bus; the programme's true-peak bound into *tp. */
static int mix_all(struct show *sh, const struct jobs *J, const struct timeline *tl, struct mix *m,
		   double *tp, struct err *e)
{
	double tp_speech = 0, tp_jingle = 0, tp_bed = 0;

	for (size_t i = 0; i < J->n; i++) {
		const struct job *j = &J->v[i];
		const struct clip *c = &j->c;
		struct sitem *t = &sh->it[j->item];
		double g = pow(10.0, c->gain_db / 20.0);

		if (c->kind == CLIP_SILENCE)
			continue;
		if (mix_flush(m, c->start, e))
			return -1;
		if (c->kind == CLIP_SPEECH) {
			if (mix_speech(sh, m, c, &sh->s[j->sent], e))
				return -1;
			if (sh->s[j->sent].tp * g > tp_speech)
				tp_speech = sh->s[j->sent].tp * g;
			continue;
		}
		{
			struct source *s = file_source(sh, t, c, tl, e);
			if (!s || mix_add_source(m, c, s, e))
				return -1;
		}
		if (c->kind == CLIP_BED && t->tp * g > tp_bed)
			tp_bed = t->tp * g;
		if (c->kind == CLIP_JINGLE && t->tp * g > tp_jingle)
			tp_jingle = t->tp * g;
	}
	*tp = tp_speech + tp_jingle + tp_bed;
	return mix_flush(m, tl->total_frames, e);
}

/* ==== the whole show ====================================================== */

/* Which items a render includes: all, or (preview) one with the bed under it. */
static int *pick_items(const struct show *sh, struct err *e)
{
	int *keep = xcalloc(sh->n, sizeof(*keep));
	size_t only = (size_t)sh->so->only_item;

	if (!only) {
		for (size_t i = 0; i < sh->n; i++)
			keep[i] = 1;
		return keep;
	}
	if (only > sh->n || sh->it[only - 1].rd->kind == RD_BED) {
		free(keep);
		err_set(e, "%s: no item %zu to preview (items 1 to %zu, beds play under their items)",
			sh->rd.path, only, sh->n);
		return NULL;
	}
	keep[only - 1] = 1;
	for (size_t i = 0; i < only - 1; i++)
		if (sh->it[i].rd->kind == RD_BED && sh->it[i].rd->until_index >= only - 1)
			keep[i] = 1;
	return keep;
}

/* Pass 1 and 2: the jobs mixed into a spool, then mastered into the output. */
static int mix_and_master(struct show *sh, const struct jobs *J, struct timeline *tl,
			  struct show_result *res, struct warns *w, struct err *e)
{
	const struct render_opts *o = sh->o;
	struct mix_sink k = { .ch = sh->bus_ch };
	struct master p2 = { 0 };
	struct script title = { 0 };
	struct mix *m = NULL;
	double tp = 0;
	int rc = -1;

	k.f = spool_open(e);
	if (!k.f)
		return -1;
	k.meter = meter_new(k.ch, o->fmt.rate, 0, k.ch == 1, e);
	if (!k.meter)
		goto out;
	m = mix_new(k.ch, to_spool, &k);
	if (mix_all(sh, J, tl, m, &tp, e) || meter_result(k.meter, &p2.in, e))
		goto out;
	p2.spool = k.f;
	p2.bus_ch = k.ch;
	p2.frames = tl->total_frames;
	p2.tp_in_db = tp > 0 ? 20 * log10(tp) : -HUGE_VAL;
	p2.gain_db = isfinite(p2.in.integrated) ? o->master.target_lufs - p2.in.integrated : 0.0;
	title.title = sh->rd.title[0] ? sh->rd.title : (char *)"";
	if (master_run(&p2, &title, o, tl, w, e))
		goto out;
	res->r.loud = p2.out;
	res->r.input_lufs = p2.in.integrated;
	res->r.gain_db = p2.gain_db;
	res->r.limited_frames = p2.limited_frames;
	res->r.seconds = (double)tl->total_frames / o->fmt.rate;
	rc = 0;
out:
	mix_free(m);
	meter_free(k.meter);
	fclose(k.f);
	return rc;
}

int show_render(const struct show_opts *so, struct render_opts *o, struct synth *syn,
		struct timeline *tl, struct show_result *res, struct warns *w, struct err *e)
{
	struct show sh = { .so = so, .o = o };
	struct layout L = { 0 };
	struct plan p = { 0 };
	struct jobs J = { 0 };
	uint64_t *pv = NULL;
	size_t np = 0;
	int *keep = NULL, rc = -1;

	memset(res, 0, sizeof(*res));
	res->rate_factor = 1;
	if (master_check(o, e) || assemble(&sh, w, e))
		goto out;
	snprintf(res->title, sizeof(res->title), "%s", sh.rd.title);
	snprintf(res->date, sizeof(res->date), "%s", sh.date);
	snprintf(res->artist, sizeof(res->artist), "%s", sh.rd.artist);
	if (!o->meta.date && res->date[0])
		o->meta.date = res->date;
	if (!o->meta.artist && res->artist[0])
		o->meta.artist = res->artist;
	if (!so->only_item) {
		int ms = so->fit_ms > 0 ? so->fit_ms : sh.rd.length_ms;
		sh.slot = ms > 0 ? clock_ms_to_frames(ms, o->fmt.rate) : 0;
	}
	if (!(keep = pick_items(&sh, e)))
		goto out;
	layout_build(&sh, keep, &L);
	if (speak_and_fit(&sh, syn, &L, &pv, &np, res, e) ||
	    plan_layout(L.pi, L.n, pv, sh.slot, sh.rd.path, o->fmt.rate, &p, e))
		goto out;
	if (sh.slot && p.total != sh.slot) {
		err_set(e, "%s: the fitted show lasts %llu frames instead of %llu", sh.rd.path,
			(unsigned long long)p.total, (unsigned long long)sh.slot);
		goto out;
	}
	res->slot_frames = sh.slot;
	{
		uint64_t *planned = xcalloc(np ? np : 1, sizeof(*planned));
		uint64_t a = 0, b = 0;
		plan_pauses(L.pi, L.n, planned);
		for (size_t i = 0; i < np; i++)
			a += pv[i], b += planned[i];
		res->pause_factor = b ? (double)a / (double)b : 1;
		free(planned);
	}
	make_jobs(&sh, &L, &p, &J, tl);
	timeline_set_names(tl, (const char *const *)sh.names, sh.n);
	rc = mix_and_master(&sh, &J, tl, res, w, e);
out:
	free(J.v);
	plan_release(&p);
	layout_release(&L);
	free(pv);
	free(keep);
	release(&sh);
	return rc;
}

/* ==== the running order =================================================== */

/* m:ss.mmm of `frames`. */
static void add_time(struct sb *out, uint64_t frames, int rate)
{
	double s = (double)frames / rate;

	sb_addf(out, "%d:%06.3f", (int)(s / 60), fmod(s, 60.0));
}

/* One line of the running order for layout item k. */
static void script_line(const struct show *sh, const struct layout *L, const struct plan *p,
			size_t k, struct sb *out)
{
	const struct sitem *t = &sh->it[L->index[k]];
	const struct rd_item *r = t->rd;
	int rate = sh->o->fmt.rate;
	const char *what = r->path ? strrchr(r->path, '/') : NULL;

	sb_addf(out, "%3zu  ", L->index[k] + 1);
	add_time(out, p->pos[k].start, rate);
	sb_adds(out, "  ");
	add_time(out, p->pos[k].end - p->pos[k].start, rate);
	sb_addf(out, "  %-8s %s", rd_kind_name(r->kind), r->name);
	what = what ? what + 1 : r->path;
	if (t->speech && t->ns) {
		const char *wr = sh->s[t->s0].sent->written;
		sb_addf(out, ": %.60s%s", wr, strlen(wr) > 60 ? "..." : "");
	} else if (what) {
		sb_addf(out, " (%s)", what);
	}
	if (r->kind == RD_BED)
		sb_addf(out, ", until [%s], ducked %.0f dB", r->until, r->duck.depth_db);
	if (r->closer)
		sb_adds(out, ", closer");
	sb_addc(out, '\n');
}

int show_script(const struct show_opts *so, const struct render_opts *o, struct sb *out,
		struct warns *w, struct err *e)
{
	struct render_opts ro = *o;
	struct show sh = { .so = so, .o = &ro };
	struct layout L = { 0 };
	struct plan p = { 0 };
	int rc = -1, rate = o->fmt.rate, ms;
	uint64_t slot;

	if (assemble(&sh, w, e))
		goto out;
	/* speech lengths estimated from the text */
	for (size_t k = 0; k < sh.ns; k++)
		sh.s[k].frames = (uint64_t)llround(script_estimate(sh.s[k].sent->spoken, sh.s[k].seg->voice) * rate);
	layout_build(&sh, NULL, &L);
	if (plan_layout(L.pi, L.n, NULL, 0, sh.rd.path, rate, &p, e))
		goto out;
	ms = so->fit_ms > 0 ? so->fit_ms : sh.rd.length_ms;
	slot = ms > 0 ? clock_ms_to_frames(ms, rate) : 0;
	sb_addf(out, "%s\n", sh.rd.title[0] ? sh.rd.title : sh.rd.path);
	sb_adds(out, "  #  start     length    kind     item\n");
	for (size_t k = 0; k < L.n; k++)
		script_line(&sh, &L, &p, k, out);
	sb_adds(out, "estimated total ");
	add_time(out, p.total, rate);
	if (slot) {
		sb_adds(out, " for a slot of ");
		add_time(out, slot, rate);
		sb_addf(out, " (%.1f s %s; the render fits it exactly)", fabs((double)p.total - (double)slot) / rate,
			p.total > slot ? "over" : "under");
	}
	sb_addc(out, '\n');
	rc = 0;
out:
	plan_release(&p);
	layout_release(&L);
	release(&sh);
	return rc;
}
