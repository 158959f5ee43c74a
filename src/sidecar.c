/*
 * sidecar.c - captions, timeline JSON, Audacity labels and chapters, written
 * from the rendered timeline. Every file is built in memory and then written
 * through util's atomic output file (outfile_write).
 */
#include "abbrev.h"
#include "sidecar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAP_LINE_MAX 42   /* code points per caption line */
#define LABEL_MAX 40      /* code points of text in an Audacity label */
#define CUE_TITLE_MAX 80  /* code points in a CUE sheet TITLE */
#define CUE_TRACKS_MAX 99 /* tracks in a CUE sheet, and index points per track */

/* ==== atomic file writing: util's outfile ================================ */

/* Puts an outfile error into the sidecar wording "PATH: cannot write: REASON". */
static int sidecar_err(const char *path, const struct err *oe, struct err *e)
{
	const char *c = strstr(oe->msg, ": cannot create: ");

	if (strncmp(oe->msg, path, strlen(path)))
		c = NULL;
	if (strstr(oe->msg, ": is a directory"))
		return err_set(e, "%s: cannot write: %s", path, strerror(EISDIR));
	if (c)
		return err_set(e, "%s: cannot write: %s", path, c + 17);
	if (e)
		*e = *oe;
	return -1;
}

int sidecar_check_path(const char *path, struct err *e)
{
	struct err oe;

	if (!strcmp(path, "-") || outfile_check(path, &oe) == 0)
		return 0;
	return sidecar_err(path, &oe, e);
}

static int write_atomic(const char *path, const char *data, size_t len, struct err *e)
{
	struct err oe;

	if (outfile_write(path, data, len, &oe) == 0)
		return 0;
	return sidecar_err(path, &oe, e);
}

/* ==== small helpers ======================================================= */

/* Case-insensitive (ASCII) check that `path` ends in `ext` (with the dot). */
static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), m = strlen(ext);

	if (n <= m)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (a_tolower((unsigned char)path[n - m + i]) != a_tolower((unsigned char)ext[i]))
			return 0;
	return 1;
}

/* Frames to milliseconds, rounded to nearest. */
static uint64_t frames_ms(const struct timeline *tl, uint64_t frames)
{
	uint64_t r = (uint64_t)tl->rate;
	return (frames / r) * 1000 + ((frames % r) * 1000 + r / 2) / r;
}

/*
 * Appends `s` with every run of whitespace (and control characters) as one
 * space, without leading or trailing space, and invalid UTF-8 bytes replaced
 * by U+FFFD, so that every output is valid UTF-8 on one line.
 */
static void add_oneline(struct sb *out, const char *s)
{
	size_t i = 0, n = s ? strlen(s) : 0;
	int space = 0, any = 0;

	while (i < n) {
		uint32_t cp;
		i += utf8_step(s, n, i, &cp);
		if (cp < 0x20 || cp == ' ' || cp == 0x7F) {
			space = 1;
			continue;
		}
		if (space && any)
			sb_addc(out, ' ');
		space = 0;
		any = 1;
		sb_addcp(out, cp);
	}
}

/* Whether w[a..b) holds no letters or digits (opening quotes, brackets). */
static int only_punct(const char *w, size_t a, size_t b)
{
	while (a < b) {
		uint32_t cp;
		int k = utf8_decode(w + a, b - a, &cp);
		if (k <= 0)
			return 0;
		if (cp_isalpha(cp) || (cp < 0x80 && a_isdigit((int)cp)))
			return 0;
		a += (size_t)k;
	}
	return 1;
}

/*
 * Appends the first words of `s` (one line) up to `max` code points, ending
 * on a word; "…" marks a cut. A first word longer than `max` is cut inside.
 */
static void add_first_words(struct sb *out, const char *s, size_t max)
{
	struct sb one;
	size_t i = 0, cps = 0, cut = 0, hard = 0;

	sb_init(&one);
	add_oneline(&one, s);
	if (utf8_count(one.buf, one.len) <= max) {
		sb_add(out, one.buf, one.len);
		sb_release(&one);
		return;
	}
	while (i < one.len && cps <= max) {
		uint32_t cp;
		int k = utf8_decode(one.buf + i, one.len - i, &cp);
		if (cp == ' ')
			cut = i;           /* the cps code points before i fit */
		i += (size_t)k;
		if (++cps == max)
			hard = i;          /* for a first word longer than max */
	}
	if (!cut)
		cut = hard;
	/* do not end on a lone dash or other punctuation-only token */
	while (cut) {
		size_t b = cut;
		while (b && one.buf[b - 1] != ' ')
			b--;
		if (!b || !only_punct(one.buf, b, cut))
			break;
		cut = b - 1;
	}
	sb_add(out, one.buf, cut);
	sb_adds(out, "\xE2\x80\xA6");
	sb_release(&one);
}

/* ==== captions: splitting a sentence into cues =========================== */

/*
 * A sentence as tokens: runs of non-space text in `written`. Tokens longer
 * than one caption line are cut into line-sized pieces that glue to the
 * previous piece without a space. Boundary k (0..n) is the start of token k
 * (n = end of the sentence); each boundary has a time in frames from the clip
 * start, exact when it comes from a word event, else interpolated.
 */
struct tok {
	size_t beg, end;      /* bytes in written */
	size_t cps;           /* code points */
	size_t pos;           /* code point offset in the one-line text */
	int glue;             /* joins the previous token without a space */
};

struct sent {
	struct tok *t;
	size_t n, cap;
	uint64_t *time;       /* n + 1 boundary times */
	int *exact;           /* n + 1 */
};

static void sent_tokens(struct sent *s, const char *w)
{
	size_t i = 0, len = strlen(w), pos = 0;

	while (i < len) {
		size_t beg, cps = 0, piece = 0;
		int first = 1;
		uint32_t cp;
		int k;

		while (i < len && a_isspace((unsigned char)w[i]))
			i++;
		if (i >= len)
			break;
		beg = i;
		while (i < len && !a_isspace((unsigned char)w[i])) {
			k = utf8_decode(w + i, len - i, &cp);
			if (k <= 0)
				k = 1;
			if (piece == CAP_LINE_MAX) {
				XGROW(s->t, s->cap, s->n + 1);
				s->t[s->n++] = (struct tok){ beg, i, piece, 0, !first };
				first = 0;
				beg = i;
				piece = 0;
			}
			i += (size_t)k;
			piece++;
			cps++;
		}
		XGROW(s->t, s->cap, s->n + 1);
		s->t[s->n++] = (struct tok){ beg, i, piece, 0, !first };
	}
	for (size_t t = 0; t < s->n; t++) {
		if (t && !s->t[t].glue)
			pos++;
		s->t[t].pos = pos;
		pos += s->t[t].cps;
	}
}

/* Code point offset of boundary k in the one-line text. */
static size_t bpos(const struct sent *s, size_t k)
{
	return k < s->n ? s->t[k].pos : s->n ? s->t[s->n - 1].pos + s->t[s->n - 1].cps : 0;
}

/* Fills boundary times from the clip's word events, interpolating the rest by characters. */
static void sent_times(struct sent *s, const struct clip *c)
{
	size_t k, a;
	uint64_t last = 0;

	s->time = xcalloc(s->n + 1, sizeof(*s->time));
	s->exact = xcalloc(s->n + 1, sizeof(*s->exact));
	s->exact[0] = s->exact[s->n] = 1;
	s->time[s->n] = c->frames;
	for (size_t i = 0; i < c->nwords; i++) {
		size_t w = c->words[i].written;
		uint64_t f = c->words[i].frame;
		/* the token w points into or the whitespace before; a word event
		 * inside a token (e.g. "%" of "5%") is not a word boundary, unless
		 * only opening punctuation comes before it ("„Wir", "(so") */
		for (k = 0; k < s->n && s->t[k].end <= w; k++)
			;
		if (k == 0 || k >= s->n || s->t[k].glue || f > c->frames || f < last)
			continue;
		if (w > s->t[k].beg && !only_punct(c->written, s->t[k].beg, w))
			continue;
		if (s->exact[k])
			continue;   /* first spoken word of a written token wins */
		/* word events must stay in order of the text */
		{
			size_t j;
			for (j = k + 1; j < s->n && !s->exact[j]; j++)
				;
			if (j < s->n)
				continue;
		}
		s->exact[k] = 1;
		s->time[k] = f;
		last = f;
	}
	/* interpolate between exact neighbours by code point position */
	a = 0;
	for (k = 1; k <= s->n; k++) {
		if (!s->exact[k])
			continue;
		for (size_t m = a + 1; m < k; m++) {
			uint64_t span = s->time[k] - s->time[a];
			size_t d = bpos(s, k) - bpos(s, a);
			s->time[m] = s->time[a] + (d ? span * (bpos(s, m) - bpos(s, a)) / d : 0);
		}
		a = k;
	}
}

/* Code points of the text of tokens i..j-1. */
static size_t span_cps(const struct sent *s, size_t i, size_t j)
{
	return s->t[j - 1].pos + s->t[j - 1].cps - s->t[i].pos;
}

/*
 * Whether tokens i..j-1 (of the written text w) fit in two lines of
 * CAP_LINE_MAX code points. Returns 1 and sets *brk to the token that starts
 * the second line (j for one line), chosen so the lines are as even as
 * possible without a bad break; returns 0 when they do not fit.
 */
/*
 * Code points of penalty for starting a caption line at token m: a line
 * should not end on an ordinal or abbreviation with its dot ("am 1." / "Juni",
 * "Dr." / "Weber") or on a short word that belongs to the next one (an
 * article, preposition or conjunction).
 */
#define BREAK_PENALTY 8

static size_t break_penalty(const struct sent *s, const char *w, size_t m)
{
	static const char *const binders[] = {
		"der", "die", "das", "dem", "den", "des", "ein", "eine", "einer", "einem", "einen",
		"am", "im", "zum", "zur", "vom", "beim", "ins", "ans", "an", "in", "auf", "mit",
		"von", "zu", "bei", "für", "aus", "nach", "über", "um", "und", "oder", "bis", "ab",
	};
	const struct tok *t = &s->t[m - 1];
	size_t n = t->end - t->beg;
	const char *p = w + t->beg;

	if (n >= 2 && p[n - 1] == '.' && (a_isdigit((unsigned char)p[n - 2]) || n <= 4 ||
					  abbrev_end_class(p, n - 1) >= 0))   /* the shared table, abbrev.h */
		return BREAK_PENALTY;
	for (size_t k = 0; k < sizeof(binders) / sizeof(binders[0]); k++)
		if (strlen(binders[k]) == n && !strncasecmp(p, binders[k], n))
			return BREAK_PENALTY;
	return 0;
}

static int cue_fits(const struct sent *s, const char *w, size_t i, size_t j, size_t *brk)
{
	size_t best = 0, bestmax = (size_t)-1;

	if (span_cps(s, i, j) <= CAP_LINE_MAX) {
		*brk = j;
		return 1;
	}
	for (size_t m = i + 1; m < j; m++) {
		size_t l1 = span_cps(s, i, m), l2 = span_cps(s, m, j);
		size_t mx = l1 > l2 ? l1 : l2;
		if (l1 > CAP_LINE_MAX)
			break;
		if (l2 > CAP_LINE_MAX)
			continue;
		mx += break_penalty(s, w, m);
		if (mx < bestmax || (mx == bestmax && !s->t[m].glue && s->t[best].glue)) {
			bestmax = mx;
			best = m;
		}
	}
	if (!best)
		return 0;
	*brk = best;
	return 1;
}

/* Whether token k (its last byte) ends a clause: , ; : or a dash. */
static int ends_clause(const struct sent *s, const char *w, size_t k)
{
	char c = w[s->t[k].end - 1];
	return c == ',' || c == ';' || c == ':' || c == ')' ||
	       (s->t[k].end - s->t[k].beg == 1 && c == '-');
}

/*
 * Chooses cue boundaries for the sentence: fewest cues, then cuts at word
 * events rather than interpolated times, then clause ends, then even cue
 * lengths. `start` is the clip start (cue times must differ in whole ms).
 * Returns the number of cues and fills cut[0..ncut] (cut[0] = 0, last = n);
 * cut has room for n + 1 entries.
 */
static size_t sent_cuts(const struct sent *s, const struct timeline *tl, uint64_t start,
			const char *w, size_t *cut)
{
	double *cost = xmalloc((s->n + 1) * sizeof(*cost));
	size_t *from = xmalloc((s->n + 1) * sizeof(*from));
	size_t ncut = 0, brk;

	for (int strict = 1; strict >= 0; strict--) {
		cost[0] = 0;
		for (size_t j = 1; j <= s->n; j++) {
			cost[j] = -1;
			for (size_t i = j; i-- > 0;) {
				double c;
				size_t l = span_cps(s, i, j);
				if (l > 2 * CAP_LINE_MAX + 1)
					break;
				if (cost[i] < 0 || !cue_fits(s, w, i, j, &brk))
					continue;
				if (strict && frames_ms(tl, start + s->time[i]) >=
					      frames_ms(tl, start + s->time[j]))
					continue;
				c = cost[i] + 1e12 + (double)l * (double)l;
				if (!s->exact[i])
					c += 1e8;
				if (j < s->n && !ends_clause(s, w, j - 1))
					c += 2000;
				if (j < s->n && break_penalty(s, w, j))
					c += 1500;
				if (cost[j] < 0 || c < cost[j]) {
					cost[j] = c;
					from[j] = i;
				}
			}
		}
		if (cost[s->n] >= 0)
			break;
	}
	if (cost[s->n] < 0) {
		/* cannot happen (single tokens always fit); keep the sentence whole */
		cut[0] = 0;
		cut[1] = s->n;
		ncut = 1;
	} else {
		size_t k = s->n;
		while (k > 0) {
			ncut++;
			k = from[k];
		}
		k = s->n;
		for (size_t c = ncut; c > 0; c--) {
			cut[c] = k;
			k = from[k];
		}
		cut[0] = 0;
	}
	free(cost);
	free(from);
	return ncut;
}

/* ==== captions: writing =================================================== */

struct cue {
	uint64_t start, end;   /* frames of the file */
	char *text;            /* lines separated by '\n', unescaped */
};

struct cues {
	struct cue *v;
	size_t n, cap;
};

/* Appends tokens i..j-1 of the sentence, one space between non-glued tokens. */
static void add_tokens(struct sb *out, const struct sent *s, const char *w, size_t i, size_t j)
{
	for (size_t k = i; k < j; k++) {
		if (k > i && !s->t[k].glue)
			sb_addc(out, ' ');
		for (size_t b = s->t[k].beg; b < s->t[k].end;) {
			uint32_t cp;
			size_t n = utf8_step(w, s->t[k].end, b, &cp);
			sb_addcp(out, cp < 0x20 || cp == 0x7F ? ' ' : cp);
			b += n;
		}
	}
}

/* Splits one speech clip into cues appended to `cv`. */
static void clip_cues(const struct timeline *tl, const struct clip *c, struct cues *cv)
{
	struct sent s = { 0 };
	size_t *cut, ncut;

	sent_tokens(&s, c->written);
	if (!s.n || !c->frames) {
		free(s.t);
		return;
	}
	sent_times(&s, c);
	cut = xmalloc((s.n + 1) * sizeof(*cut));
	ncut = sent_cuts(&s, tl, c->start, c->written, cut);
	for (size_t k = 0; k < ncut; k++) {
		struct sb text;
		size_t brk;

		sb_init(&text);
		if (!cue_fits(&s, c->written, cut[k], cut[k + 1], &brk))
			brk = cut[k + 1];
		add_tokens(&text, &s, c->written, cut[k], brk);
		if (brk < cut[k + 1]) {
			sb_addc(&text, '\n');
			add_tokens(&text, &s, c->written, brk, cut[k + 1]);
		}
		XGROW(cv->v, cv->cap, cv->n + 1);
		cv->v[cv->n++] = (struct cue){ c->start + s.time[cut[k]], c->start + s.time[cut[k + 1]],
					       sb_detach(&text) };
	}
	free(cut);
	free(s.t);
	free(s.time);
	free(s.exact);
}

static int cue_cmp(const void *a, const void *b)
{
	const struct cue *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Appends a cue time: HH:MM:SS.mmm (sep '.') or HH:MM:SS,mmm (sep ','). */
static void add_time(struct sb *out, uint64_t ms, char sep)
{
	sb_addf(out, "%02llu:%02llu:%02llu%c%03llu", (unsigned long long)(ms / 3600000),
		(unsigned long long)(ms / 60000 % 60), (unsigned long long)(ms / 1000 % 60), sep,
		(unsigned long long)(ms % 1000));
}

/* Appends cue text, escaping & < > for WebVTT. */
static void add_cue_text(struct sb *out, const char *t, int vtt)
{
	for (; *t; t++) {
		if (vtt && *t == '&')
			sb_adds(out, "&amp;");
		else if (vtt && *t == '<')
			sb_adds(out, "&lt;");
		else if (vtt && *t == '>')
			sb_adds(out, "&gt;");
		else
			sb_addc(out, *t);
	}
}

int sidecar_check_captions_name(const char *path, struct err *e)
{
	if (has_ext(path, ".vtt") || has_ext(path, ".srt"))
		return 0;
	return err_set(e, "%s: captions must end in .vtt or .srt", path);
}

int sidecar_captions(const char *path, const struct timeline *tl, struct err *e)
{
	struct cues cv = { 0 };
	struct sb out;
	int vtt, rc;
	size_t num = 0;

	if (sidecar_check_captions_name(path, e))
		return -1;
	vtt = has_ext(path, ".vtt");
	for (size_t i = 0; i < tl->n; i++)
		if (tl->clips[i].kind == CLIP_SPEECH && tl->clips[i].written)
			clip_cues(tl, &tl->clips[i], &cv);
	if (cv.n)
		qsort(cv.v, cv.n, sizeof(*cv.v), cue_cmp);
	sb_init(&out);
	if (vtt)
		sb_adds(&out, "WEBVTT\n\n");
	for (size_t i = 0; i < cv.n; i++) {
		struct cue *q = &cv.v[i];
		uint64_t end = q->end, s_ms, e_ms;
		if (i + 1 < cv.n && cv.v[i + 1].start < end)
			end = cv.v[i + 1].start;
		if (end > tl->total_frames)
			end = tl->total_frames;
		s_ms = frames_ms(tl, q->start);
		e_ms = frames_ms(tl, end);
		if (e_ms > s_ms) {
			if (!vtt)
				sb_addf(&out, "%zu\n", ++num);
			add_time(&out, s_ms, vtt ? '.' : ',');
			sb_adds(&out, " --> ");
			add_time(&out, e_ms, vtt ? '.' : ',');
			sb_addc(&out, '\n');
			add_cue_text(&out, q->text, vtt);
			sb_adds(&out, "\n\n");
		}
		free(q->text);
	}
	free(cv.v);
	rc = write_atomic(path, out.buf, out.len, e);
	sb_release(&out);
	return rc;
}

/* ==== timeline JSON ======================================================= */

/* Appends a JSON string (or null): quotes, backslash and control characters escaped. */
static void add_json_str(struct sb *out, const char *s)
{
	size_t i = 0, n;

	if (!s) {
		sb_adds(out, "null");
		return;
	}
	n = strlen(s);
	sb_addc(out, '"');
	while (i < n) {
		uint32_t cp;
		i += utf8_step(s, n, i, &cp);
		if (cp == '"' || cp == '\\') {
			sb_addc(out, '\\');
			sb_addc(out, (char)cp);
		} else if (cp < 0x20) {
			sb_addf(out, "\\u%04x", (unsigned)cp);
		} else {
			sb_addcp(out, cp);
		}
	}
	sb_addc(out, '"');
}

static const char *kind_name(enum clip_kind k)
{
	return k == CLIP_SPEECH ? "speech" : k == CLIP_JINGLE ? "jingle" : k == CLIP_BED ? "bed" : "pause";
}

int sidecar_timeline(const char *path, const struct timeline *tl, const char *title, struct err *e)
{
	struct sb out;
	int rc;

	sb_init(&out);
	sb_adds(&out, "{\n  \"title\": ");
	add_json_str(&out, title);
	sb_addf(&out, ",\n  \"rate\": %d,\n  \"frames\": %llu,\n  \"seconds\": %.6f,\n  \"clips\": [",
		tl->rate, (unsigned long long)tl->total_frames, timeline_sec(tl, tl->total_frames));
	for (size_t i = 0; i < tl->n; i++) {
		const struct clip *c = &tl->clips[i];
		sb_addf(&out, "%s\n    {\"kind\": \"%s\", \"start\": %.6f, \"end\": %.6f, "
			"\"start_frame\": %llu, \"end_frame\": %llu, \"segment\": %d, \"role\": ",
			i ? "," : "", kind_name(c->kind), timeline_sec(tl, c->start),
			timeline_sec(tl, c->start + c->frames), (unsigned long long)c->start,
			(unsigned long long)(c->start + c->frames), c->segment);
		add_json_str(&out, (unsigned)c->role < ROLE__COUNT ? role_name(c->role) : NULL);
		sb_adds(&out, ", \"voice\": ");
		add_json_str(&out, c->voice);
		sb_adds(&out, ", \"written\": ");
		add_json_str(&out, c->written);
		sb_adds(&out, ", \"spoken\": ");
		add_json_str(&out, c->spoken);
		sb_adds(&out, ", \"source\": ");
		add_json_str(&out, c->source);
		sb_addc(&out, '}');
	}
	sb_adds(&out, tl->n ? "\n  ]\n}\n" : "]\n}\n");
	rc = write_atomic(path, out.buf, out.len, e);
	sb_release(&out);
	return rc;
}

/* ==== Audacity labels ===================================================== */

/* One segment's extent on the timeline. */
struct seg_span {
	int segment;
	uint64_t start, end;       /* end: last non-pause clip end */
	int have_end;
	const struct clip *first_speech;
	const struct clip *first;
};

/* Collects segments (> 0) in order of their first clip. Caller frees *out. */
static size_t seg_spans(const struct timeline *tl, struct seg_span **out)
{
	struct seg_span *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < tl->n; i++) {
		const struct clip *c = &tl->clips[i];
		size_t k;
		if (c->segment <= 0)
			continue;
		for (k = n; k-- > 0;)
			if (v[k].segment == c->segment)
				break;
		if (k == (size_t)-1) {
			XGROW(v, cap, n + 1);
			k = n++;
			v[k] = (struct seg_span){ c->segment, c->start, c->start + c->frames, 0, NULL, c };
		}
		if (c->start < v[k].start)
			v[k].start = c->start;
		if (c->kind != CLIP_PAUSE && (!v[k].have_end || c->start + c->frames > v[k].end)) {
			v[k].end = c->start + c->frames;
			v[k].have_end = 1;
		} else if (!v[k].have_end && c->start + c->frames > v[k].end) {
			v[k].end = c->start + c->frames;
		}
		if (c->kind == CLIP_SPEECH && !v[k].first_speech)
			v[k].first_speech = c;
	}
	*out = v;
	return n;
}

int sidecar_labels(const char *path, const struct timeline *tl, struct err *e)
{
	struct seg_span *v;
	size_t n = seg_spans(tl, &v);
	struct sb out;
	int rc;

	sb_init(&out);
	for (size_t i = 0; i < n; i++) {
		const struct clip *c = v[i].first_speech ? v[i].first_speech : v[i].first;
		const char *name = timeline_name(tl, v[i].segment);
		sb_addf(&out, "%.6f\t%.6f\t", timeline_sec(tl, v[i].start), timeline_sec(tl, v[i].end));
		/* a show's items are labelled by their names */
		sb_adds(&out, name ? name : (unsigned)c->role < ROLE__COUNT ? role_name(c->role) : "segment");
		if (v[i].first_speech) {
			sb_adds(&out, ": ");
			add_first_words(&out, c->written, LABEL_MAX);
		}
		sb_addc(&out, '\n');
	}
	free(v);
	rc = write_atomic(path, out.buf, out.len, e);
	sb_release(&out);
	return rc;
}

/* ==== chapters ============================================================ */

struct chapter {
	uint64_t start, end;
	char *title;     /* one line, owned */
};

/* The first chapter at 0 (title/intro), then one per heading segment. Caller frees. */
static size_t chapters_collect(const struct timeline *tl, const char *title, struct chapter **out)
{
	struct seg_span *v;
	size_t n = seg_spans(tl, &v), nc = 0;
	struct chapter *ch = xcalloc(n + 1, sizeof(*ch));
	struct sb t;

	sb_init(&t);
	add_oneline(&t, title && *title ? title : "Intro");
	ch[nc++] = (struct chapter){ 0, 0, sb_detach(&t) };
	/* a show: one chapter per item, named after it, the first from frame 0 */
	for (size_t i = 0; tl->nnames && i < n; i++) {
		const char *name = timeline_name(tl, v[i].segment);
		if (!name)
			continue;
		uint64_t start = v[i].start;
		if (nc == 1 && !i) {
			free(ch[0].title);     /* the first item replaces the title chapter, from 0 */
			nc = 0;
			start = 0;
		}
		sb_init(&t);
		add_oneline(&t, name);
		ch[nc++] = (struct chapter){ start, 0, sb_detach(&t) };
	}
	for (size_t i = 0; !tl->nnames && i < n; i++) {
		if (!v[i].first_speech || v[i].first_speech->role != ROLE_HEADING)
			continue;
		sb_init(&t);
		/* every sentence of the heading segment */
		for (size_t k = 0; k < tl->n; k++) {
			const struct clip *c = &tl->clips[k];
			if (c->segment == v[i].segment && c->kind == CLIP_SPEECH && c->written) {
				if (t.len)
					sb_addc(&t, ' ');
				add_oneline(&t, c->written);
			}
		}
		if (v[i].start == 0 && nc == 1) {
			/* heading at the very start: it replaces the intro chapter */
			free(ch[0].title);
			ch[0].title = sb_detach(&t);
			continue;
		}
		ch[nc++] = (struct chapter){ v[i].start, 0, sb_detach(&t) };
	}
	for (size_t i = 0; i < nc; i++)
		ch[i].end = i + 1 < nc ? ch[i + 1].start : tl->total_frames;
	free(v);
	*out = ch;
	return nc;
}

/* Appends an ffmetadata value: = ; # \ and newline escaped with a backslash. */
static void add_ffmeta(struct sb *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '=' || *s == ';' || *s == '#' || *s == '\\' || *s == '\n')
			sb_addc(out, '\\');
		sb_addc(out, *s);
	}
}

/* CUE sheet index time mm:ss:ff (75 frames per second), rounded to nearest. */
static void add_cue_index(struct sb *out, const struct timeline *tl, uint64_t frames)
{
	uint64_t r = (uint64_t)tl->rate;
	uint64_t f75 = (frames / r) * 75 + ((frames % r) * 75 + r / 2) / r;
	sb_addf(out, "%02llu:%02llu:%02llu", (unsigned long long)(f75 / 75 / 60),
		(unsigned long long)(f75 / 75 % 60), (unsigned long long)(f75 % 75));
}

/* Appends a quoted CUE string: '"' becomes '\'' and the text is cut to CUE_TITLE_MAX on a word. */
static void add_cue_str(struct sb *out, const char *s)
{
	struct sb t;

	sb_init(&t);
	add_first_words(&t, s, CUE_TITLE_MAX);
	sb_addc(out, '"');
	for (size_t i = 0; i < t.len; i++)
		sb_addc(out, t.buf[i] == '"' ? '\'' : t.buf[i]);
	sb_addc(out, '"');
	sb_release(&t);
}

static const char *cue_file_type(const char *name)
{
	if (has_ext(name, ".mp3"))
		return "MP3";
	if (has_ext(name, ".aif") || has_ext(name, ".aiff"))
		return "AIFF";
	return "WAVE";
}

/*
 * The TRACK lines of a CUE sheet, which holds tracks 01..99 and index points
 * 01..99 per track: chapters 1..98 are tracks; beyond 99 chapters, track 99
 * starts at chapter 99 and the later chapters are its INDEX 02..99 points,
 * each after a REM line with its title; what is still left is dropped. Both
 * cases add a warning.
 */
static void add_cue_tracks(struct sb *out, const struct timeline *tl, const struct chapter *ch,
			   size_t n, const char *path, struct warns *w)
{
	size_t tracks = n < CUE_TRACKS_MAX ? n : CUE_TRACKS_MAX;

	for (size_t i = 0; i < tracks; i++) {
		sb_addf(out, "  TRACK %02zu AUDIO\n    TITLE ", i + 1);
		add_cue_str(out, ch[i].title);
		sb_adds(out, "\n    INDEX 01 ");
		add_cue_index(out, tl, ch[i].start);
		sb_addc(out, '\n');
	}
	for (size_t i = tracks, k = 2; i < n && k <= CUE_TRACKS_MAX; i++, k++) {
		sb_adds(out, "    REM CHAPTER ");
		add_cue_str(out, ch[i].title);
		sb_addf(out, "\n    INDEX %02zu ", k);
		add_cue_index(out, tl, ch[i].start);
		sb_addc(out, '\n');
	}
	if (n > CUE_TRACKS_MAX + CUE_TRACKS_MAX - 1)
		warns_add(w, "%s: %zu chapters, a CUE sheet holds 99 tracks of 99 index points: chapters "
			  "99 to 197 are index points of track 99, the last %zu are left out", path, n,
			  n - (CUE_TRACKS_MAX + CUE_TRACKS_MAX - 1));
	else if (n > CUE_TRACKS_MAX)
		warns_add(w, "%s: %zu chapters, a CUE sheet holds 99 tracks: chapters 99 to %zu are index "
			  "points of track 99", path, n, n);
}

int sidecar_chapters(const char *path, const struct timeline *tl, const char *title,
		     const char *audio_name, struct warns *w, struct err *e)
{
	struct chapter *ch;
	size_t n = chapters_collect(tl, title, &ch);
	struct sb out;
	int rc;

	sb_init(&out);
	if (has_ext(path, ".cue")) {
		if (title && *title) {
			sb_adds(&out, "TITLE ");
			add_cue_str(&out, title);
			sb_addc(&out, '\n');
		}
		sb_adds(&out, "FILE ");
		add_cue_str(&out, audio_name ? audio_name : "");
		sb_addf(&out, " %s\n", cue_file_type(audio_name ? audio_name : ""));
		add_cue_tracks(&out, tl, ch, n, path, w);
	} else {
		sb_adds(&out, ";FFMETADATA1\n");
		if (title && *title) {
			struct sb t;
			sb_init(&t);
			add_oneline(&t, title);
			sb_adds(&out, "title=");
			add_ffmeta(&out, t.buf);
			sb_addc(&out, '\n');
			sb_release(&t);
		}
		for (size_t i = 0; i < n; i++) {
			sb_addf(&out, "\n[CHAPTER]\nTIMEBASE=1/%d\nSTART=%llu\nEND=%llu\ntitle=", tl->rate,
				(unsigned long long)ch[i].start, (unsigned long long)ch[i].end);
			add_ffmeta(&out, ch[i].title);
			sb_addc(&out, '\n');
		}
	}
	for (size_t i = 0; i < n; i++)
		free(ch[i].title);
	free(ch);
	rc = write_atomic(path, out.buf, out.len, e);
	sb_release(&out);
	return rc;
}
