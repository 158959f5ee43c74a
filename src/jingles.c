/*
 * jingles.c - the programme's three jingles: probed, levelled, placed, mixed.
 *
 * Built-in jingles are synthesized into memory (a few seconds); files are
 * streamed (source_file) at every placement, so a long one costs a block.
 * Either way the plan carries each jingle's level gain and fades.
 */
#include "jingles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_FRAMES     16384

double jingles_level_gain(uint64_t frames, int rate, double lufs, double tp, double level_db)
{
	double target = JINGLES_SPEECH_LUFS + level_db;

	if ((double)frames >= JINGLES_SHORT_S * rate && isfinite(lufs))
		return target - lufs;
	if (tp > 0.0 && isfinite(tp))
		return target + JINGLES_PLR_DB - 20.0 * log10(tp);
	return 0.0;
}

/* The level rule's gain for a built-in jingle (its true peak only when it is short). */
static double level_gain(const struct jingle *j, double level_db)
{
	struct meter *m = meter_new(j->channels, j->rate, 0, j->channels == 1, NULL);
	struct loudness l = { .integrated = -HUGE_VAL };
	int short_one = (double)j->nframes < JINGLES_SHORT_S * j->rate;

	if (!m || meter_add(m, j->frames, j->nframes, NULL) || meter_result(m, &l, NULL))
		l.integrated = -HUGE_VAL;
	meter_free(m);
	return jingles_level_gain(j->nframes, j->rate, l.integrated,
				  short_one ? loudness_true_peak(j->frames, j->nframes, j->channels,
								 j->rate) : 0.0, level_db);
}

/* The linear true peak of a built-in jingle after `gain_db` (as the mixer applies it). */
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

/* Opens file jingle `i` as a source on the bus's channel count. */
static struct source *jingle_source(const struct jingles *jg, int i, struct err *e)
{
	struct source *s = source_file_again(jg->probe[i], e);

	if (s && s->channels != jg->bus_ch)
		source_file_first_channel(s);
	return s;
}

int jingles_level_source(struct source *s, uint64_t fade_in, uint64_t fade_out, double level_db,
			 double *gain_db, double *tp, struct err *e)
{
	struct meter *m = meter_new(s->channels, s->rate, 1, s->channels == 1, e);
	size_t ch = (size_t)s->channels, got = 1;
	float *buf = xmalloc(BLOCK_FRAMES * ch * sizeof(float));
	struct loudness l;
	uint64_t f = 0;
	int rc = -1;

	if (!m)
		goto out;
	while (got) {
		if (source_read(s, buf, BLOCK_FRAMES, &got, e))
			goto out;
		for (size_t k = 0; k < got; k++, f++) {
			float fg = mix_fade_gain(f, s->frames, fade_in, fade_out);
			for (size_t c = 0; c < ch; c++)
				buf[k * ch + c] *= fg;
		}
		if (got && meter_add(m, buf, got, e))
			goto out;
	}
	if (meter_result(m, &l, e))
		goto out;
	*tp = isfinite(l.true_peak) ? pow(10.0, l.true_peak / 20.0) : 0.0;
	*gain_db = jingles_level_gain(s->frames, s->rate, l.integrated, *tp, level_db);
	*tp *= pow(10.0, *gain_db / 20.0);     /* the true peak of a scaled signal is the scaled true peak */
	rc = 0;
out:
	free(buf);
	meter_free(m);
	return rc;
}

/* Level gain and true peak (after that gain) of file jingle `i`, from one streaming pass. */
static int level_file(struct jingles *jg, int i, struct err *e)
{
	struct source *s = jingle_source(jg, i, e);
	int rc = s ? jingles_level_source(s, jg->fade_in[i], jg->fade_out[i], jg->level_db[i],
					  &jg->gain_db[i], &jg->tp[i], e) : -1;

	source_free(s);
	return rc;
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

/* Jingle `i`'s length and whether it is centred: a file is scanned, a built-in one made. */
static int probe_jingle(struct jingles *jg, int i, int *centred, struct err *e)
{
	static const enum jingle_kind kinds[J__COUNT] = { JINGLE_INTRO, JINGLE_STINGER, JINGLE_OUTRO };
	const struct render_opts *o = jg->o;
	struct source *s;
	size_t fin, fout;

	if (!jg->path[i]) {
		jingle_builtin(kinds[i], o->fmt.rate, o->fmt.channels, &jg->mem[i]);
		jg->frames[i] = jg->mem[i].nframes;
		*centred &= is_centred(&jg->mem[i]);
		return 0;
	}
	s = source_file(jg->path[i], o->fmt.rate, o->fmt.channels, o->place.resample, e);
	if (!s)
		return -1;
	jg->frames[i] = s->frames;
	*centred &= source_file_centred(s);
	jg->probe[i] = s;          /* scanned once; every use opens it again from here */
	jingle_fade_frames(o->fmt.rate, &fin, &fout);
	jg->fade_in[i] = fin;
	jg->fade_out[i] = fout;
	return 0;
}

/*
 * Probes the three jingles, measures their level gains, and picks the
 * channel count of the mix bus: one channel when the output is mono or every
 * jingle is centred (speech is mono), so mixing, measuring and limiting do
 * half the work.
 */
int jingles_prepare(const struct render_opts *o, struct jingles *jg, struct err *e)
{
	int centred = 1;

	jg->o = o;
	jg->path[J_INTRO] = o->place.intro;
	jg->path[J_STINGER] = o->place.stinger;
	jg->path[J_OUTRO] = o->place.outro;
	jg->bus_ch = o->fmt.channels;
	if (o->place.seg_first > 0 || o->place.no_jingles) {
		jg->bus_ch = 1;
		return 0;
	}
	for (int i = 0; i < J__COUNT; i++) {
		if (probe_jingle(jg, i, &centred, e))
			return -1;
		jg->have |= 1 << i;
	}
	if (centred)
		jg->bus_ch = 1;
	for (int i = 0; i < J__COUNT; i++) {
		if (jg->path[i]) {
			if (level_file(jg, i, e))
				return -1;
			continue;
		}
		if (jg->bus_ch == 1)
			to_mono(&jg->mem[i]);
		jg->gain_db[i] = level_gain(&jg->mem[i], jg->level_db[i]);
		jg->tp[i] = peak_after(&jg->mem[i], jg->gain_db[i]);
	}
	return 0;
}

void jingles_warn(const struct jingles *jg, const struct timeline *tl, struct warns *w)
{
	static const char *const name[J__COUNT] = { "intro", "stinger", "outro" };
	uint64_t first = UINT64_MAX, last = 0;

	for (size_t k = 0; k < tl->n; k++) {
		const struct clip *c = &tl->clips[k];
		if (c->kind != CLIP_SPEECH || !c->frames)
			continue;
		first = c->start < first ? c->start : first;
		last = c->start + c->frames > last ? c->start + c->frames : last;
	}
	for (int i = 0; i < J__COUNT; i++) {
		double sec = (double)jg->frames[i] / jg->o->fmt.rate;
		double speech = first < last ? (double)(last - first) / jg->o->fmt.rate : 0.0;
		if (!(jg->have & (1 << i)) || !jg->path[i])
			continue;
		if (sec > JINGLES_LONG_S)
			warns_add(w, "%s: the %s jingle lasts %.1f s (more than %.0f s)", jg->path[i],
				  name[i], sec, JINGLES_LONG_S);
		else if (sec > speech)
			warns_add(w, "%s: the %s jingle lasts %.1f s, longer than the speech (%.1f s)",
				  jg->path[i], name[i], sec, speech);
	}
}

void jingles_release(struct jingles *jg)
{
	for (int i = 0; i < J__COUNT; i++) {
		jingle_release(&jg->mem[i]);
		source_free(jg->probe[i]);
		jg->probe[i] = NULL;
	}
}

/* The plan's prototype of jingle `i`: its length, level gain and fades. */
struct clip jingles_clip(const struct jingles *jg, int i, int segment, enum role role)
{

	return (struct clip){ .kind = CLIP_JINGLE, .frames = jg->frames[i], .gain_db = jg->gain_db[i],
			      .fade_in = jg->fade_in[i], .fade_out = jg->fade_out[i],
			      .segment = segment, .role = role,
			      .source = jg->path[i] ? (char *)jg->path[i] : jg->mem[i].source };
}

/* Hands a placed jingle clip to the mixer (flushing what comes before it). */
int jingles_mix(const struct jingles *jg, int i, const struct clip *c, struct mix *m,
		struct err *e)
{
	struct source *s;

	if (mix_flush(m, c->start, e))
		return -1;
	if (!jg->path[i])
		return mix_add_frames(m, c, jg->mem[i].frames, jg->mem[i].channels, 0, e);
	s = jingle_source(jg, i, e);
	return s ? mix_add_source(m, c, s, e) : -1;
}
