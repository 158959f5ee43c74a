/*
 * ssml.c - SSML 1.1 read with libexpat into sprecher's script (see ssml.h).
 */
#include "ssml.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "numwords.h"
#include "sentences.h"
#include "verbalize.h"

#define MAX_DEPTH 64

/* ==== state ============================================================== */

/* Prosody in force: factors on the body preset's rate, pitch and volume. */
struct prosody {
	double rate, pitch, volume;
};

/* A piece of the open sentence: written text, and its fixed spoken form (NULL: verbalize it). */
struct part {
	char *written;
	char *spoken;
	const struct voice_preset *voice;
	int space_before;
};

enum el { EL_SPEAK, EL_P, EL_S, EL_BREAK, EL_SAYAS, EL_SUB, EL_PHONEME, EL_EMPHASIS,
	  EL_PROSODY, EL_MARK };

struct frame {
	enum el el;
	struct prosody pro;
};

struct st {
	XML_Parser xp;
	const char *file;
	const struct lexicon *lex;
	struct warns *w;
	struct err *e;
	int failed;
	struct script *sc;
	size_t segcap, extracap;
	const struct voice_preset *base;
	struct frame stack[MAX_DEPTH];
	int depth, seen_root;
	/* say-as, sub, phoneme: their text content is collected here, with their attributes */
	int capture;
	struct sb cap;
	char *cap_a, *cap_b;      /* say-as: interpret-as, format; sub: alias; phoneme: alphabet, ph */
	int cap_line, cap_col;
	/* the open sentence */
	struct part *parts;
	size_t nparts, pcap;
	int space;                /* white space seen since the last part */
	int paragraph;
	int last_explicit;        /* the last sentence's pause was set by a break */
	int after_time;           /* the last part is a say-as time: it takes a following "Uhr" */
	struct verbalized v;
	struct sb tmp;
};

/* Sets the error at the parser's position and stops it; returns -1. */
static int fail_at(struct st *s, int line, int col, const char *fmt, const char *arg)
{
	char msg[512];

	if (s->failed)
		return -1;
	snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
	err_set(s->e, "%s:%d:%d: %s", s->file, line, col, msg);
	s->failed = 1;
	XML_StopParser(s->xp, XML_FALSE);
	return -1;
}

static int fail(struct st *s, const char *fmt, const char *arg)
{
	return fail_at(s, (int)XML_GetCurrentLineNumber(s->xp),
		       (int)XML_GetCurrentColumnNumber(s->xp) + 1, fmt, arg);
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a && a[0]; a += 2)
		if (!strcmp(a[0], name))
			return a[1];
	return NULL;
}

/* ==== prosody -> presets ================================================= */

static int clampi(double v, int lo, int hi)
{
	long r = lround(v);
	return r < lo ? lo : r > hi ? hi : (int)r;
}

/* The preset for prosody `p`: the body preset itself, or a derived one kept in the script. */
static const struct voice_preset *voice_for(struct st *s, const struct prosody *p)
{
	struct voice_preset v = *s->base;
	struct script *sc = s->sc;

	v.rate = clampi(v.rate * p->rate, 80, 450);
	v.pitch = clampi(v.pitch * p->pitch, 0, 99);
	v.volume = clampi(v.volume * p->volume, 0, 200);
	if (v.rate == s->base->rate && v.pitch == s->base->pitch && v.volume == s->base->volume)
		return s->base;
	for (size_t i = 0; i < sc->nextra; i++)
		if (sc->extra[i]->rate == v.rate && sc->extra[i]->pitch == v.pitch &&
		    sc->extra[i]->volume == v.volume)
			return sc->extra[i];
	XGROW(sc->extra, s->extracap, sc->nextra + 1);
	sc->extra[sc->nextra] = xmalloc(sizeof(v));
	*sc->extra[sc->nextra] = v;
	return sc->extra[sc->nextra++];
}

/* A factor from a word of `words` (NULL-terminated pairs word/factor), "N%", "+N%", "-N%" or a number. */
static int parse_factor(const char *val, const char *const *words, const double *fw, double *out)
{
	char *end;
	double x;

	for (size_t i = 0; words[i]; i++)
		if (!strcmp(val, words[i])) {
			*out = fw[i];
			return 0;
		}
	x = strtod(val, &end);
	if (end == val || !isfinite(x))
		return -1;
	if (!strcmp(end, "%"))
		x = (val[0] == '+' || val[0] == '-') ? 1.0 + x / 100.0 : x / 100.0;
	else if (!strcmp(end, "st"))
		x = pow(2.0, x / 12.0);
	else if (!strcmp(end, "dB"))
		x = pow(10.0, x / 20.0);
	else if (*end || val[0] == '+' || val[0] == '-')
		return -1;
	if (x < 0 || x > 10)
		return -1;
	*out = x;
	return 0;
}

static int prosody_attrs(struct st *s, const XML_Char **a, struct prosody *p)
{
	static const char *const rw[] = { "x-slow", "slow", "medium", "fast", "x-fast", "default", NULL };
	static const double rf[] = { 0.6, 0.8, 1.0, 1.25, 1.5, 1.0 };
	static const char *const pw[] = { "x-low", "low", "medium", "high", "x-high", "default", NULL };
	static const double pf[] = { 0.6, 0.8, 1.0, 1.2, 1.4, 1.0 };
	static const char *const vw[] = { "silent", "x-soft", "soft", "medium", "loud", "x-loud",
					  "default", NULL };
	static const double vf[] = { 0.0, 0.5, 0.7, 1.0, 1.4, 1.8, 1.0 };
	const char *r = attr(a, "rate"), *pi = attr(a, "pitch"), *vo = attr(a, "volume");
	double f;

	if (r && (parse_factor(r, rw, rf, &f) || strstr(r, "dB") || strstr(r, "st")))
		return fail(s, "prosody rate '%.40s': not x-slow..x-fast or a percentage", r);
	if (r)
		p->rate *= f;
	if (pi && (parse_factor(pi, pw, pf, &f) || strstr(pi, "dB")))
		return fail(s, "prosody pitch '%.40s': not x-low..x-high, +N%%, -N%% or +Nst", pi);
	if (pi)
		p->pitch *= f;
	if (vo && (parse_factor(vo, vw, vf, &f) || strchr(vo, '%') || strstr(vo, "st")))
		return fail(s, "prosody volume '%.40s': not silent, x-soft..x-loud or +NdB", vo);
	if (vo)
		p->volume *= f;
	return 0;
}

static int emphasis_attrs(struct st *s, const XML_Char **a, struct prosody *p)
{
	const char *l = attr(a, "level");

	if (!l || !strcmp(l, "moderate"))
		p->rate *= 0.93, p->pitch *= 1.1, p->volume *= 1.12;
	else if (!strcmp(l, "strong"))
		p->rate *= 0.85, p->pitch *= 1.2, p->volume *= 1.25;
	else if (!strcmp(l, "reduced"))
		p->rate *= 1.07, p->pitch *= 0.92, p->volume *= 0.85;
	else if (strcmp(l, "none"))
		return fail(s, "emphasis level '%.40s': not strong, moderate, reduced or none", l);
	return 0;
}

/* ==== the open sentence -> script sentences ============================== */

static void add_part(struct st *s, const char *written, size_t wlen, const char *spoken)
{
	struct part *p;

	XGROW(s->parts, s->pcap, s->nparts + 1);
	p = &s->parts[s->nparts++];
	p->written = xstrndup(written, wlen);
	p->spoken = spoken ? xstrdup(spoken) : NULL;
	p->voice = voice_for(s, &s->stack[s->depth - 1].pro);
	p->space_before = s->space;
	s->space = 0;
	s->after_time = 0;
}

/* The segment the next sentence with preset `v` goes into: the last one, or a new one. */
static struct script_segment *segment_for(struct st *s, const struct voice_preset *v)
{
	struct script *sc = s->sc;
	struct script_segment *g = sc->nseg ? &sc->seg[sc->nseg - 1] : NULL;

	if (g && g->voice == v && g->paragraph == s->paragraph)
		return g;
	XGROW(sc->seg, s->segcap, sc->nseg + 1);
	g = &sc->seg[sc->nseg++];
	memset(g, 0, sizeof(*g));
	g->number = (int)sc->nseg;
	g->role = ROLE_BODY;
	g->voice = v;
	g->section = 0;
	g->paragraph = s->paragraph;
	g->line = (int)XML_GetCurrentLineNumber(s->xp);
	return g;
}

/* Appends parts[a..b) (one preset) as one script sentence with the default pause. */
static void emit(struct st *s, size_t a, size_t b)
{
	struct sb wr, sp;
	struct verb_anchor *an = NULL;
	size_t nan = 0, ancap = 0;
	struct script_segment *g;
	struct script_sentence *t;
	size_t cap;
	char where[600];

	sb_init(&wr);
	sb_init(&sp);
	snprintf(where, sizeof(where), "%s:%d", s->file, (int)XML_GetCurrentLineNumber(s->xp));
	for (size_t i = a; i < b; i++) {
		const struct part *p = &s->parts[i];
		struct verb_opts vo = { s->lex, where };
		size_t w0, s0;
		if (wr.len && p->space_before)
			sb_addc(&wr, ' ');
		if (sp.len && (p->space_before || !strchr(".,;:!?)", p->written[0] ? p->written[0] : '.')))
			sb_addc(&sp, ' ');
		w0 = wr.len;
		s0 = sp.len;
		sb_adds(&wr, p->written);
		if (p->spoken) {
			XGROW(an, ancap, nan + 1);
			an[nan++] = (struct verb_anchor){ w0, s0 };
			sb_adds(&sp, p->spoken);
			continue;
		}
		verb_sentence(p->written, strlen(p->written), &vo, &s->v, s->w);
		for (size_t k = 0; k < s->v.nanchors; k++) {
			XGROW(an, ancap, nan + 1);
			an[nan++] = (struct verb_anchor){ w0 + s->v.anchors[k].written,
							  s0 + s->v.anchors[k].spoken };
		}
		sb_add(&sp, s->v.spoken.buf, s->v.spoken.len);
	}
	sb_rtrim(&sp);
	if (!wr.len) {
		sb_release(&wr);
		sb_release(&sp);
		free(an);
		return;
	}
	if (!nan || an[0].written || an[0].spoken) {   /* the first anchor is {0, 0} */
		XGROW(an, ancap, nan + 1);
		memmove(an + 1, an, nan * sizeof(*an));
		an[0] = (struct verb_anchor){ 0, 0 };
		nan++;
	}
	for (size_t k = 0; k < nan; k++)                /* offsets inside the trimmed texts */
		if (an[k].spoken > sp.len)
			an[k].spoken = sp.len;
	g = segment_for(s, s->parts[a].voice);
	cap = g->nsent;
	XGROW(g->sent, cap, g->nsent + 1);
	t = &g->sent[g->nsent++];
	t->written = sb_detach(&wr);
	t->spoken = sb_detach(&sp);
	t->anchors = an;
	t->nanchors = nan;
	t->pause_ms = s->base->pause_sentence_ms;
	s->last_explicit = 0;
	sb_release(&wr);
	sb_release(&sp);
}

/* Ends the open sentence: one script sentence per run of parts with the same preset. */
static void finish(struct st *s)
{
	size_t a = 0;
	struct script *sc = s->sc;

	for (size_t i = 1; i <= s->nparts; i++)
		if (i == s->nparts || s->parts[i].voice != s->parts[a].voice) {
			size_t before = sc->nseg ? sc->seg[sc->nseg - 1].nsent : 0, nseg = sc->nseg;
			emit(s, a, i);
			/* utterances of one sentence follow each other without a pause */
			if (i < s->nparts && (sc->nseg != nseg || sc->seg[sc->nseg - 1].nsent != before))
				sc->seg[sc->nseg - 1].sent[sc->seg[sc->nseg - 1].nsent - 1].pause_ms = 0;
			a = i;
		}
	for (size_t i = 0; i < s->nparts; i++) {
		free(s->parts[i].written);
		free(s->parts[i].spoken);
	}
	s->nparts = 0;
}

/* The last script sentence, or NULL. */
static struct script_sentence *last_sentence(struct st *s)
{
	struct script *sc = s->sc;

	if (!sc->nseg || !sc->seg[sc->nseg - 1].nsent)
		return NULL;
	return &sc->seg[sc->nseg - 1].sent[sc->seg[sc->nseg - 1].nsent - 1];
}

/*
 * Ends the open sentence and sets the pause after the last sentence, unless
 * a break set it already; `always` 0: only when a sentence was open.
 */
static void end_with_pause(struct st *s, int ms, int always)
{
	struct script_sentence *t;
	int open = s->nparts > 0;

	finish(s);
	t = last_sentence(s);
	if (t && !s->last_explicit && (open || always))
		t->pause_ms = ms;
}

/* 1 when text[0..n) ends a sentence: final . ! ? or … (closing quotes and brackets after it allowed). */
static int ends_sentence(const char *t, size_t n)
{
	while (n && (t[n - 1] == '"' || t[n - 1] == ')' || t[n - 1] == '\''))
		n--;
	if (n >= 3 && !memcmp(t + n - 3, "\xe2\x80\x9c", 3))   /* “ */
		n -= 3;
	if (n >= 3 && !memcmp(t + n - 3, "\xe2\x80\xa6", 3))   /* … */
		return 1;
	return n && (t[n - 1] == '.' || t[n - 1] == '!' || t[n - 1] == '?');
}

/*
 * Text outside `s` in text[0..n): the sentence splitter decides where
 * sentences end; the first one continues the open sentence. Over-long
 * sentences are cut at a space (SCRIPT_SENTENCE_MAX).
 */
static void add_text(struct st *s, const char *text, size_t n, int in_s)
{
	struct sentlist sl;

	sent_init(&sl);
	if (in_s) {
		size_t b = 0;
		while (b < n && text[b] == ' ')
			b++;
		if (b < n)
			sl.n = 0, XGROW(sl.v, sl.cap, 1), sl.v[0] = (struct span){ b, n - b }, sl.n = 1;
	} else {
		sent_split(text, n, &sl);
	}
	if (sl.n && text[0] == ' ')
		s->space = 1;
	for (size_t k = 0; k < sl.n; k++) {
		const char *p = text + sl.v[k].start;
		size_t len = sl.v[k].len;
		while (len && p[len - 1] == ' ')
			len--;
		if (k > 0)
			finish(s);
		while (len > SCRIPT_SENTENCE_MAX) {
			size_t cut = SCRIPT_SENTENCE_MAX;
			while (cut > SCRIPT_SENTENCE_MAX / 2 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				for (cut = SCRIPT_SENTENCE_MAX; cut > 1 && ((unsigned char)p[cut] & 0xC0) == 0x80; cut--)
					;
			add_part(s, p, cut, NULL);
			finish(s);
			s->last_explicit = 0;
			while (cut < len && p[cut] == ' ')
				cut++;
			p += cut;
			len -= cut;
		}
		if (len)
			add_part(s, p, len, NULL);
		if (!in_s && k + 1 == sl.n && ends_sentence(p, len) &&
		    sl.v[k].start + sl.v[k].len < n)
			finish(s);
	}
	if (n && text[n - 1] == ' ')
		s->space = 1;
	sent_release(&sl);
}

/* ==== say-as, sub, phoneme =============================================== */

/* Verbalizes t and appends the spoken form to out. */
static void verb_into(struct st *s, const char *t, size_t n, struct sb *out)
{
	struct verb_opts vo = { s->lex, s->file };

	verb_sentence(t, n, &vo, &s->v, s->w);
	sb_add(out, s->v.spoken.buf, s->v.spoken.len);
}

/*
 * Verbalizes t after the last word of the open sentence when that is a
 * lowercase word ("am", "vom", "bis"), so that the verbalizer's agreement
 * applies ("am elften Juni"), and appends the spoken form of t alone.
 */
static void verb_in_context(struct st *s, const char *t, struct sb *out)
{
	const struct part *p = s->nparts ? &s->parts[s->nparts - 1] : NULL;
	const char *w = p && !p->spoken ? strrchr(p->written, ' ') : NULL;
	struct sb b;

	w = w ? w + 1 : p && !p->spoken ? p->written : NULL;
	if (!w || !a_islower((unsigned char)w[0]) || strlen(w) > 12) {
		verb_into(s, t, strlen(t), out);
		return;
	}
	for (const char *c = w; *c; c++)
		if (!a_islower((unsigned char)*c)) {
			verb_into(s, t, strlen(t), out);
			return;
		}
	sb_init(&b);
	sb_addf(&b, "%s %s", w, t);
	verb_sentence(b.buf, b.len, &(struct verb_opts){ s->lex, s->file }, &s->v, s->w);
	if (s->v.spoken.len > strlen(w) + 1 && !memcmp(s->v.spoken.buf, w, strlen(w)) &&
	    s->v.spoken.buf[strlen(w)] == ' ')
		sb_add(out, s->v.spoken.buf + strlen(w) + 1, s->v.spoken.len - strlen(w) - 1);
	else
		verb_into(s, t, strlen(t), out);
	sb_release(&b);
}

/* Up to 3 numbers of a date t[0..n) in the order of `format` rearranged as "D.M.Y" (or parts). */
static int say_date(struct st *s, const char *t, size_t n, const char *format, struct sb *out)
{
	const char *f = format ? format : "dmy";
	char num[3][16] = { "", "", "" }, buf[64];
	size_t k = 0, fl = strlen(f);
	const char *d = "", *m = "", *y = "";

	for (size_t i = 0; i < n && k < 3;) {
		size_t j = i;
		while (j < n && a_isdigit((unsigned char)t[j]))
			j++;
		if (j > i) {
			if (j - i >= sizeof(num[0]))
				return -1;
			memcpy(num[k], t + i, j - i);
			num[k++][j - i] = '\0';
			i = j;
		} else {
			i++;
		}
	}
	if (fl < 1 || fl > 3 || k != fl || strspn(f, "dmy") != fl)
		return -1;
	for (size_t i = 0; i < fl; i++)
		*(f[i] == 'd' ? &d : f[i] == 'm' ? &m : &y) = num[i];
	if (*d && *m && *y)
		snprintf(buf, sizeof(buf), "%s.%s.%s", d, m, y);
	else if (*d && *m)
		snprintf(buf, sizeof(buf), "%s.%s.", d, m);
	else if (*m && *y)
		snprintf(buf, sizeof(buf), "%s/%s", m, y);
	else if (*y && fl == 1) {
		nw_year(out, nw_value(y, strlen(y)));
		return 0;
	} else
		return -1;
	verb_in_context(s, buf, out);
	return 0;
}

/* The forced reading of say-as content t[0..n) into out; -1 when it cannot be read so. */
static int say_as(struct st *s, const char *how, const char *format, const char *t, size_t n,
		  struct sb *out)
{
	size_t digits = 0;

	for (size_t i = 0; i < n; i++)
		digits += a_isdigit((unsigned char)t[i]);
	if (!strcmp(how, "characters") || !strcmp(how, "spell-out") || !strcmp(how, "verbatim")) {
		verb_spell(t, n, out);
	} else if (!strcmp(how, "cardinal") || !strcmp(how, "number")) {
		size_t b = 0;
		if (n && (t[0] == '-' || t[0] == '+'))
			b = 1;
		if (!digits || strspn(t + b, "0123456789.") != n - b)
			return fail(s, "say-as cardinal: '%.40s' is not a whole number", t);
		if (b && t[0] == '-')
			sb_adds(out, "minus ");
		nw_cardinal(out, t + b, n - b, NW_EINS);
	} else if (!strcmp(how, "ordinal")) {
		size_t m = n && t[n - 1] == '.' ? n - 1 : n;
		if (!m || strspn(t, "0123456789") != m)
			return fail(s, "say-as ordinal: '%.40s' is not a number", t);
		nw_ordinal(out, t, m, "e");
	} else if (!strcmp(how, "date")) {
		if (say_date(s, t, n, format, out))
			return fail(s, "say-as date: '%.40s' does not match its format (dmy, mdy, ymd, dm, md, my, y)", t);
	} else if (!strcmp(how, "time")) {
		struct sb b;
		sb_init(&b);
		sb_add(&b, t, n);
		if (!strstr(b.buf, "Uhr"))
			sb_adds(&b, " Uhr");
		verb_into(s, b.buf, b.len, out);
		sb_release(&b);
	} else if (!strcmp(how, "telephone")) {
		if (n && (t[0] == '0' || t[0] == '+'))
			verb_into(s, t, n, out);
		else
			nw_digits(out, t, n);
	} else {
		return fail(s, "say-as interpret-as '%.40s': not characters, cardinal, ordinal, date, "
			    "time or telephone", how);
	}
	return 0;
}

/* IPA symbols and their eSpeak NG (German) phonemes; the longest match wins. */
static const struct { const char *ipa, *espeak; } ipa_map[] = {
	{ "aɪ", "aI" }, { "aʊ", "aU" }, { "ɔʏ", "OY" }, { "ɔɪ", "OY" }, { "t͡s", "ts" }, { "ts", "ts" },
	{ "t͡ʃ", "tS" }, { "tʃ", "tS" }, { "d͡ʒ", "dZ" }, { "dʒ", "dZ" }, { "p͡f", "pf" },
	{ "a", "a" }, { "ɑ", "A" }, { "ɐ", "6" }, { "b", "b" }, { "ç", "C" }, { "d", "d" },
	{ "e", "e" }, { "ɛ", "E" }, { "ə", "@" }, { "f", "f" }, { "g", "g" }, { "ɡ", "g" },
	{ "h", "h" }, { "i", "i" }, { "ɪ", "I" }, { "j", "j" }, { "k", "k" }, { "l", "l" },
	{ "m", "m" }, { "n", "n" }, { "ŋ", "N" }, { "o", "o" }, { "ɔ", "O" }, { "ø", "Y" },
	{ "œ", "9" }, { "p", "p" }, { "r", "r" }, { "ʁ", "R" }, { "ʀ", "R" }, { "s", "s" },
	{ "ʃ", "S" }, { "t", "t" }, { "u", "u" }, { "ʊ", "U" }, { "v", "v" }, { "w", "w" },
	{ "x", "x" }, { "χ", "x" }, { "y", "y" }, { "ʏ", "Y" }, { "z", "z" }, { "ʒ", "Z" },
	{ "θ", "T" }, { "ð", "D" }, { "ʔ", "?" }, { "ˈ", "'" }, { "ˌ", "," }, { "ː", ":" },
	{ "̯", "" }, { ".", "" }, { " ", " " },
};

/* eSpeak phonemes of IPA ipa into out; -1 and the unknown symbol in *bad when unmappable. */
static int ipa_to_espeak(const char *ipa, struct sb *out, char bad[8])
{
	size_t i = 0, n = strlen(ipa);

	while (i < n) {
		size_t best = 0, bl = 0;
		for (size_t k = 0; k < sizeof(ipa_map) / sizeof(ipa_map[0]); k++) {
			size_t l = strlen(ipa_map[k].ipa);
			if (l > bl && l <= n - i && !memcmp(ipa + i, ipa_map[k].ipa, l))
				best = k, bl = l;
		}
		if (!bl) {
			uint32_t cp;
			size_t j = utf8_step(ipa, n, i, &cp);
			snprintf(bad, 8, "%.*s", (int)(j > i && j - i < 8 ? j - i : 1), ipa + i);
			return -1;
		}
		sb_adds(out, ipa_map[best].espeak);
		i += bl;
	}
	return 0;
}

/*
 * The spoken form "[[...]]" of a phoneme element. eSpeak phonemes pass the
 * check a lexicon entry's phonemes pass (printable ASCII, no '[' or ']'), so
 * SSML opens eSpeak's phoneme mode no wider than the lexicon does.
 */
static int phoneme_spoken(struct st *s, const char *alphabet, const char *ph, struct sb *out)
{
	struct sb p;
	char bad[8];
	int rc = 0;

	sb_init(&p);
	if (!ph || !ph[0]) {
		rc = fail(s, "phoneme: the ph attribute is missing%s", "");
	} else if (!alphabet || !strcmp(alphabet, "x-espeak") || !strcmp(alphabet, "espeak")) {
		sb_adds(&p, ph);
	} else if (!strcmp(alphabet, "ipa")) {
		if (ipa_to_espeak(ph, &p, bad))
			rc = fail(s, "phoneme: IPA symbol '%s' has no eSpeak NG phoneme; "
				  "use alphabet=\"x-espeak\"", bad);
	} else {
		rc = fail(s, "phoneme alphabet '%.40s': not x-espeak or ipa", alphabet);
	}
	for (size_t i = 0; !rc && i < p.len; i++)
		if ((unsigned char)p.buf[i] < 0x20 || (unsigned char)p.buf[i] > 0x7e ||
		    p.buf[i] == '[' || p.buf[i] == ']')
			rc = fail(s, "phoneme ph '%.40s': eSpeak phonemes are printable ASCII without brackets",
				  ph);
	sb_rtrim(&p);
	if (!rc && p.len)
		sb_addf(out, "[[%s]]", p.buf);
	sb_release(&p);
	return rc;
}

/* ==== the expat handlers ================================================= */

static const struct { const char *name; enum el el; } elements[] = {
	{ "speak", EL_SPEAK }, { "p", EL_P }, { "paragraph", EL_P }, { "s", EL_S },
	{ "sentence", EL_S }, { "break", EL_BREAK }, { "say-as", EL_SAYAS }, { "sub", EL_SUB },
	{ "phoneme", EL_PHONEME }, { "emphasis", EL_EMPHASIS }, { "prosody", EL_PROSODY },
	{ "mark", EL_MARK },
};

static int in_el(const struct st *s, enum el el)
{
	for (int i = 0; i < s->depth; i++)
		if (s->stack[i].el == el)
			return 1;
	return 0;
}

/*
 * Text right after a say-as time that begins with the word "Uhr": the word
 * joins the time's written form, whose spoken form says it already
 * ("<say-as interpret-as="time">14:30</say-as> Uhr" is "vierzehn Uhr dreißig").
 * Returns the bytes of t taken.
 */
static size_t take_uhr(struct st *s, const char *t, size_t n)
{
	struct part *p = s->nparts ? &s->parts[s->nparts - 1] : NULL;
	size_t b = 0;
	char *w;

	if (!s->after_time || !p)
		return 0;
	s->after_time = 0;
	while (b < n && t[b] == ' ')
		b++;
	if (n - b < 3 || memcmp(t + b, "Uhr", 3) || (n - b > 3 && ((unsigned char)t[b + 3] >= 0x80 ||
							    a_isalnum((unsigned char)t[b + 3]))))
		return 0;
	w = xmalloc(strlen(p->written) + 5);
	sprintf(w, "%s%sUhr", p->written, b ? " " : "");
	free(p->written);
	p->written = w;
	return b + 3;
}

/* Gives the text collected since the last element to the open sentence. */
static void flush_text(struct st *s)
{
	size_t k = take_uhr(s, s->tmp.buf, s->tmp.len);

	if (s->tmp.len > k)
		add_text(s, s->tmp.buf + k, s->tmp.len - k, in_el(s, EL_S));
	sb_reset(&s->tmp);
}

/* The pause of a break element in ms, or -1 (error set). */
static int break_ms(struct st *s, const XML_Char **a)
{
	static const char *const names[] = { "none", "x-weak", "weak", "medium", "strong", "x-strong" };
	const char *t = attr(a, "time"), *st = attr(a, "strength");
	const struct voice_preset *v = s->base;
	char *end;
	double x;

	if (t) {
		x = strtod(t, &end);
		if (end == t || !isfinite(x) || x < 0 || (strcmp(end, "ms") && strcmp(end, "s")))
			return fail(s, "break time '%.40s': not a duration such as 500ms or 1.5s", t);
		x = strcmp(end, "s") ? x : x * 1000.0;
		if (x > 60000)
			return fail(s, "break time '%.40s': longer than 60 s", t);
		return (int)lround(x);
	}
	if (!st)
		st = "medium";
	for (int i = 0; i < 6; i++)
		if (!strcmp(st, names[i])) {
			const int ms[] = { 0, v->pause_sentence_ms / 4, v->pause_sentence_ms / 2,
					   v->pause_sentence_ms, v->pause_paragraph_ms, v->pause_section_ms };
			return ms[i];
		}
	return fail(s, "break strength '%.40s': not none, x-weak, weak, medium, strong or x-strong", st);
}

/* A break: ends the open sentence; its silence replaces the default pause (breaks in a row add up). */
static void on_break(struct st *s, int ms)
{
	struct script_sentence *t;

	finish(s);
	t = last_sentence(s);
	if (!t) {
		warns_add(s->w, "%s:%d: a break before any speech is left out", s->file,
			  (int)XML_GetCurrentLineNumber(s->xp));
		return;
	}
	t->pause_ms = s->last_explicit ? t->pause_ms + ms : ms;
	s->last_explicit = 1;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct st *s = ud;
	struct frame *f;
	size_t k;

	if (s->failed)
		return;
	for (k = 0; k < sizeof(elements) / sizeof(elements[0]) && strcmp(elements[k].name, name); k++)
		;
	if (k == sizeof(elements) / sizeof(elements[0])) {
		fail(s, "unknown SSML element <%.40s>", name);
		return;
	}
	if (!s->depth && (elements[k].el != EL_SPEAK || s->seen_root)) {
		fail(s, "the document must be one <speak> element, not <%.40s>", name);
		return;
	}
	if (s->depth && elements[k].el == EL_SPEAK) {
		fail(s, "<speak> inside <speak>%s", "");
		return;
	}
	if (s->capture) {
		fail(s, "<%.40s> inside say-as, sub or phoneme: they hold text only", name);
		return;
	}
	if (s->depth == MAX_DEPTH) {
		fail(s, "elements nested more than 64 deep%s", "");
		return;
	}
	s->seen_root = 1;
	flush_text(s);
	f = &s->stack[s->depth];
	f->el = elements[k].el;
	f->pro = s->depth ? s->stack[s->depth - 1].pro : (struct prosody){ 1, 1, 1 };
	s->depth++;
	switch (f->el) {
	case EL_P:
		end_with_pause(s, s->base->pause_paragraph_ms, 0);
		s->paragraph++;
		break;
	case EL_S:
		finish(s);
		break;
	case EL_BREAK: {
		int ms = break_ms(s, a);
		if (ms >= 0)
			on_break(s, ms);
		break;
	}
	case EL_SAYAS:
	case EL_SUB:
	case EL_PHONEME:
		s->capture = 1;
		sb_reset(&s->cap);
		free(s->cap_a);
		free(s->cap_b);
		s->cap_a = s->cap_b = NULL;
		s->cap_line = (int)XML_GetCurrentLineNumber(s->xp);
		s->cap_col = (int)XML_GetCurrentColumnNumber(s->xp) + 1;
		if (f->el == EL_SAYAS && !attr(a, "interpret-as")) {
			fail(s, "say-as: the interpret-as attribute is missing%s", "");
			break;
		}
		if (f->el == EL_SUB && !attr(a, "alias")) {
			fail(s, "sub: the alias attribute is missing%s", "");
			break;
		}
		{
			const char *x = attr(a, f->el == EL_SAYAS ? "interpret-as" : f->el == EL_SUB ? "alias" : "alphabet");
			const char *y = attr(a, f->el == EL_SAYAS ? "format" : f->el == EL_PHONEME ? "ph" : "-");
			s->cap_a = x ? xstrdup(x) : NULL;
			s->cap_b = y ? xstrdup(y) : NULL;
		}
		break;
	case EL_EMPHASIS:
		emphasis_attrs(s, a, &f->pro);
		break;
	case EL_PROSODY:
		prosody_attrs(s, a, &f->pro);
		break;
	default:
		break;
	}
}

/* The end of say-as, sub or phoneme: one part with its fixed spoken form. */
static void end_capture(struct st *s, enum el el)
{
	struct sb sp;
	const char *w = s->cap.buf;
	size_t n = s->cap.len;

	while (n && w[0] == ' ')
		w++, n--, s->space = 1;
	while (n && w[n - 1] == ' ')
		n--;
	sb_init(&sp);
	if (el == EL_SAYAS)
		say_as(s, s->cap_a, s->cap_b, w, n, &sp);
	else if (el == EL_SUB)
		verb_into(s, s->cap_a, strlen(s->cap_a), &sp);
	else
		phoneme_spoken(s, s->cap_a, s->cap_b, &sp);
	if (!s->failed && n) {
		add_part(s, w, n, sp.buf);
		s->after_time = el == EL_SAYAS && !strcmp(s->cap_a, "time");
	} else if (!s->failed && sp.len) {      /* an empty <phoneme ph=".."/>: caption shows nothing */
		add_part(s, "", 0, sp.buf);
	}
	sb_release(&sp);
	s->capture = 0;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct st *s = ud;
	enum el el;

	(void)name;
	if (s->failed || !s->depth)
		return;
	el = s->stack[s->depth - 1].el;
	if (s->capture)
		end_capture(s, el);
	else
		flush_text(s);
	if (el == EL_P)
		end_with_pause(s, s->base->pause_paragraph_ms, 1);
	else if (el == EL_S)
		end_with_pause(s, s->base->pause_sentence_ms, 0);
	s->depth--;
}

/* Character data: white space runs become one space; control characters are dropped. */
static void XMLCALL on_text(void *ud, const XML_Char *t, int len)
{
	struct st *s = ud;
	struct sb *b;

	if (s->failed)
		return;
	if (!s->depth) {
		for (int i = 0; i < len; i++)
			if (!a_isspace((unsigned char)t[i])) {
				fail(s, "text outside <speak>%s", "");
				return;
			}
		return;
	}
	b = s->capture ? &s->cap : &s->tmp;
	for (int i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if (a_isspace(c) || c < 0x20) {
			if (!b->len || b->buf[b->len - 1] != ' ')
				sb_addc(b, ' ');
		} else {
			sb_addc(b, (char)c);
		}
	}
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int internal)
{
	(void)name, (void)sysid, (void)pubid, (void)internal;
	fail(ud, "a DOCTYPE is not accepted in SSML input%s", "");
}

/* ==== the interface ====================================================== */

int ssml_is_file(const char *path)
{
	size_t n = strlen(path);
	return n > 5 && !strcasecmp(path + n - 5, ".ssml");
}

/* Totals, the last pause and the title once the document is read. */
static int complete(struct st *s, struct script *out)
{
	struct script_sentence *t = last_sentence(s);

	if (t)
		t->pause_ms = 0;
	for (size_t i = 0; i < out->nseg; i++) {
		struct script_segment *g = &out->seg[i];
		g->number = (int)i + 1;
		for (size_t k = 0; k < g->nsent; k++)
			g->est_seconds += script_estimate(g->sent[k].spoken, g->voice) +
					  g->sent[k].pause_ms / 1000.0;
		out->est_seconds += g->est_seconds;
	}
	/* no title element in SSML: the first sentence names the file in tags and bext (at most 100 bytes) */
	if (out->nseg && out->seg[0].nsent) {
		const char *w = out->seg[0].sent[0].written;
		size_t n = strlen(w);
		if (n > 100) {
			n = 100;
			while (n > 40 && w[n] != ' ')
				n--;
			while (n && ((unsigned char)w[n] & 0xC0) == 0x80)
				n--;
		}
		out->title = xstrndup(w, n);
	} else {
		out->title = xstrdup("");
	}
	if (!out->nseg)
		return err_set(s->e, "%s: SSML document has nothing to read", s->file);
	return 0;
}

int ssml_build(const char *text, size_t len, const char *filename,
	       const struct voice_preset voices[ROLE__COUNT], const struct lexicon *lex,
	       struct script *out, struct warns *w, struct err *e)
{
	struct st s;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memcpy(out->voices, voices, sizeof(out->voices));
	memset(&s, 0, sizeof(s));
	s.file = filename;
	s.lex = lex;
	s.w = w;
	s.e = e;
	s.sc = out;
	s.base = &out->voices[ROLE_BODY];
	sb_init(&s.cap);
	sb_init(&s.tmp);
	verb_init(&s.v);
	s.xp = XML_ParserCreate("UTF-8");
	if (!s.xp) {
		err_set(e, "%s: cannot start the XML parser", filename);
		goto out;
	}
	XML_SetUserData(s.xp, &s);
	XML_SetElementHandler(s.xp, on_start, on_end);
	XML_SetCharacterDataHandler(s.xp, on_text);
	XML_SetStartDoctypeDeclHandler(s.xp, on_doctype);
	if (len > (size_t)0x7fffffff) {
		err_set(e, "%s: SSML document too large", filename);
		goto out;
	}
	if (XML_Parse(s.xp, text, (int)len, XML_TRUE) == XML_STATUS_ERROR && !s.failed)
		fail_at(&s, (int)XML_GetCurrentLineNumber(s.xp), (int)XML_GetCurrentColumnNumber(s.xp) + 1,
			"%s", XML_ErrorString(XML_GetErrorCode(s.xp)));
	if (s.failed)
		goto out;
	finish(&s);
	rc = complete(&s, out);
out:
	for (size_t i = 0; i < s.nparts; i++) {
		free(s.parts[i].written);
		free(s.parts[i].spoken);
	}
	free(s.parts);
	free(s.cap_a);
	free(s.cap_b);
	sb_release(&s.cap);
	sb_release(&s.tmp);
	verb_release(&s.v);
	if (s.xp)
		XML_ParserFree(s.xp);
	if (rc)
		script_release(out);
	return rc;
}
