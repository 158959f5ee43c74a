/*
 * script.c - from document blocks to segments with sentences, spoken text,
 * pauses and duration estimates.
 */
#include "script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentences.h"

/*
 * eSpeak NG's German voice at rate R words per minute speaks about
 * R * SPOKEN_CHARS_PER_WORD characters of spoken text a minute (measured on
 * the examples with `make bench`; spaces count).
 */
#define SPOKEN_CHARS_PER_WORD 6.25

double script_estimate(const char *spoken, const struct voice_preset *v)
{
	size_t chars = utf8_count(spoken, strlen(spoken));
	double rate = v->rate > 0 ? v->rate : 160;
	return chars ? chars / (rate * SPOKEN_CHARS_PER_WORD / 60.0) : 0.0;
}

/*
 * 1 when the verbalizer left out everything after a label's colon ("IBAN:
 * DE80 ...", "Oder per Bitcoin an: 1MASi..."): a label read on its own, followed by
 * silence, helps no listener, so the sentence is dropped.
 */
static int only_label_left(const char *written, size_t wlen, const char *spoken, size_t slen)
{
	const char *colon = NULL;

	while (slen && a_isspace((unsigned char)spoken[slen - 1]))
		slen--;
	if (!slen || spoken[slen - 1] != ':')
		return 0;
	for (size_t i = 0; i < wlen; i++)
		if (written[i] == ':')
			colon = written + i;
	for (colon = colon ? colon + 1 : written + wlen; colon < written + wlen; colon++)
		if (!a_isspace((unsigned char)*colon))
			return 1;
	return 0;
}

/* Verbalizes one sentence and appends it to the segment (unless nothing worth saying is left). */
static void add_sentence(struct script_segment *seg, size_t *cap, const char *written, size_t len,
			 const struct verb_opts *vo, struct verbalized *v, struct warns *w)
{
	struct script_sentence *s;

	verb_sentence(written, len, vo, v, w);
	if (only_label_left(written, len, v->spoken.buf, v->spoken.len))
		return;
	XGROW(seg->sent, *cap, seg->nsent + 1);
	s = &seg->sent[seg->nsent++];
	s->written = xstrndup(written, len);
	s->spoken = xstrndup(v->spoken.buf, v->spoken.len);
	s->nanchors = v->nanchors;
	s->anchors = xmalloc((v->nanchors ? v->nanchors : 1) * sizeof(*s->anchors));
	memcpy(s->anchors, v->anchors, v->nanchors * sizeof(*s->anchors));
	s->pause_ms = seg->voice->pause_sentence_ms;
}

/* Where to cut written[0..len) (len > SCRIPT_SENTENCE_MAX): after a clause mark, else at a space. */
static size_t cut_at(const char *written, size_t len)
{
	size_t lim = SCRIPT_SENTENCE_MAX, space = 0;

	if (lim > len)
		lim = len;
	for (size_t i = lim; i > lim / 3; i--) {
		char c = written[i - 1];
		if ((c == ',' || c == ';' || c == ':') && i < len && written[i] == ' ')
			return i;
		if (!space && c == ' ')
			space = i;
	}
	if (space)
		return space;
	/* no space at all: a character boundary */
	while (lim > 1 && ((unsigned char)written[lim] & 0xC0) == 0x80)
		lim--;
	return lim;
}

/* add_sentence for a sentence of any length: over-long ones go in parts, with one warning. */
static void add_bounded(struct script_segment *seg, size_t *cap, const char *written, size_t len,
			const struct verb_opts *vo, struct verbalized *v, struct warns *w)
{
	size_t parts = 0, total = len;

	while (len > SCRIPT_SENTENCE_MAX) {
		size_t k = cut_at(written, len);
		add_sentence(seg, cap, written, k, vo, v, w);
		parts++;
		while (k < len && written[k] == ' ')
			k++;
		written += k;
		len -= k;
	}
	if (len)
		add_sentence(seg, cap, written, len, vo, v, w);
	if (parts)
		warns_add(w, "%s: a sentence of %zu bytes was read in %zu parts (longer than %d bytes)",
			  vo->where ? vo->where : "-", total, parts + (len > 0), SCRIPT_SENTENCE_MAX);
}

/* The silence after segment `i`: depends on what follows it. */
static int pause_after(const struct doc *d, size_t i, const struct voice_preset *v)
{
	const struct block *b = &d->blocks[i], *next;

	if (i + 1 >= d->nblocks)
		return 0;
	next = &d->blocks[i + 1];
	if (b->role == ROLE_TITLE || next->role == ROLE_HEADING)
		return v->pause_section_ms;
	if (next->paragraph != b->paragraph || b->role == ROLE_HEADING)
		return v->pause_paragraph_ms;
	return v->pause_sentence_ms;
}

int script_build(const struct doc *d, const struct voice_preset voices[ROLE__COUNT],
		 const struct lexicon *lex, const char *filename, struct script *out,
		 struct warns *w, struct err *e)
{
	struct verbalized v;
	struct sentlist sl;
	struct sb where;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	memcpy(out->voices, voices, sizeof(out->voices));
	verb_init(&v);
	sent_init(&sl);
	sb_init(&where);
	for (size_t i = 0; i < d->nblocks; i++) {
		const struct block *b = &d->blocks[i];
		struct script_segment *seg;
		struct verb_opts vo = { .lex = lex };
		size_t scap = 0;

		XGROW(out->seg, cap, out->nseg + 1);
		seg = &out->seg[out->nseg++];
		memset(seg, 0, sizeof(*seg));
		seg->number = (int)out->nseg;
		seg->role = b->role;
		seg->voice = &out->voices[b->role];
		seg->section = b->section;
		seg->paragraph = b->paragraph;
		seg->line = b->line_first;
		seg->new_section = b->role == ROLE_HEADING;
		sb_reset(&where);
		sb_addf(&where, "%s:%d", filename, b->line_first);
		vo.where = where.buf;

		sl.n = 0;
		if (b->role == ROLE_BODY || b->role == ROLE_QUOTE || b->role == ROLE_LIST)
			sent_split(b->text, strlen(b->text), &sl);
		if (sl.n == 0)
			add_bounded(seg, &scap, b->text, strlen(b->text), &vo, &v, w);
		for (size_t k = 0; k < sl.n; k++)
			add_bounded(seg, &scap, b->text + sl.v[k].start, sl.v[k].len, &vo, &v, w);
		if (!seg->nsent) {      /* nothing left to say in this block */
			free(seg->sent);
			out->nseg--;
			continue;
		}
		seg->sent[seg->nsent - 1].pause_ms = pause_after(d, i, seg->voice);
		for (size_t k = 0; k < seg->nsent; k++)
			seg->est_seconds += script_estimate(seg->sent[k].spoken, seg->voice) +
					    seg->sent[k].pause_ms / 1000.0;
		out->est_seconds += seg->est_seconds;
		if (b->role == ROLE_TITLE && !out->title)
			out->title = xstrdup(b->text);
	}
	sb_release(&where);
	sent_release(&sl);
	verb_release(&v);
	if (!out->title)
		out->title = xstrdup(d->meta.title ? d->meta.title : "");
	if (d->nleft) {
		out->left_out = xmalloc(d->nleft * sizeof(*out->left_out));
		for (size_t k = 0; k < d->nleft; k++)
			out->left_out[k] = xstrdup(d->left_out[k]);
		out->nleft = d->nleft;
	}
	if (!out->nseg) {
		script_release(out);
		return err_set(e, "%s: article has nothing to read", filename);
	}
	return 0;
}

void script_release(struct script *s)
{
	for (size_t i = 0; i < s->nseg; i++) {
		for (size_t k = 0; k < s->seg[i].nsent; k++) {
			free(s->seg[i].sent[k].written);
			free(s->seg[i].sent[k].spoken);
			free(s->seg[i].sent[k].anchors);
		}
		free(s->seg[i].sent);
	}
	free(s->seg);
	free(s->title);
	for (size_t i = 0; i < s->nleft; i++)
		free(s->left_out[i]);
	free(s->left_out);
	memset(s, 0, sizeof(*s));
}

static void add_mmss(struct sb *out, double sec)
{
	int t = (int)(sec + 0.5);
	sb_addf(out, "%d:%02d", t / 60, t % 60);
}

void script_print(const struct script *s, struct sb *out)
{
	for (size_t i = 0; i < s->nseg; i++) {
		const struct script_segment *g = &s->seg[i];
		sb_addf(out, "%3d  %-7s  %-16s  line %-4d  ", g->number, role_name(g->role),
			g->voice->name, g->line);
		add_mmss(out, g->est_seconds);
		sb_addc(out, '\n');
		for (size_t k = 0; k < g->nsent; k++) {
			sb_adds(out, "     ");
			sb_adds(out, g->sent[k].spoken);
			sb_addf(out, "  [%d ms]\n", g->sent[k].pause_ms);
		}
	}
	for (size_t i = 0; i < s->nleft; i++)
		sb_addf(out, "left out  %s\n", s->left_out[i]);
	sb_addf(out, "total  %zu segments, estimated ", s->nseg);
	add_mmss(out, s->est_seconds);
	sb_adds(out, " of speech and pauses (jingles not included)\n");
}

int script_parse_range(const char *arg, size_t nseg, int *first, int *last, struct err *e)
{
	char *end;
	long a, b;

	a = strtol(arg, &end, 10);
	b = a;
	if (end != arg && *end == '-') {
		const char *p = end + 1;
		b = strtol(p, &end, 10);
		if (end == p)
			return err_set(e, "--segment: '%s' is not N or N-M", arg);
	}
	if (end == arg || *end || a < 1 || b < a)
		return err_set(e, "--segment: '%s' is not N or N-M", arg);
	if ((size_t)b > nseg)
		return err_set(e, "--segment: the script has only %zu segments", nseg);
	*first = (int)a;
	*last = (int)b;
	return 0;
}

size_t script_written_at(const struct script_sentence *s, size_t spos)
{
	size_t w = 0;

	for (size_t i = 0; i < s->nanchors && s->anchors[i].spoken <= spos; i++)
		w = s->anchors[i].written;
	return w;
}
