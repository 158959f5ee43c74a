/*
 * verbalize.c - written German -> spoken German (see verbalize.h).
 *
 * The sentence is cut into tokens (words, digit runs, white space, single
 * symbols). A left-to-right pass tries the rules at each token: chunk rules
 * first (URLs, e-mail, IBANs and hashes, telephone numbers), then numbers
 * with what follows them (dates, times, ordinals, money, units, fractions,
 * ranges), then words (abbreviations, Roman numerals, acronyms, lexicon).
 * Every rule returns the index of the first token it did not use, so the
 * pass is linear in the number of tokens (rules look ahead a bounded number
 * of tokens only).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abbrev.h"
#include "lexicon.h"
#include "foreign.h"
#include "numwords.h"
#include "verbalize.h"

/* ---- tokens -------------------------------------------------------------- */

enum tok_type { T_WORD, T_NUM, T_SPACE, T_SYM };

struct tok {
	size_t b, e;        /* byte range in the written text */
	enum tok_type t;
	uint32_t cp;        /* T_SYM: the code point (0 for an invalid byte) */
};

struct ctx {
	const char *s;
	size_t n;
	struct tok *tk;
	size_t nt, tcap;
	size_t *nextsp;      /* nextsp[i]: first white-space token at or after i (or nt) */
	struct verbalized *out;
	const struct verb_opts *o;
	struct warns *w;
	size_t anchor_w;     /* written offset of the token being spoken */
	int anchor_pending;
	int glued;           /* the token being spoken follows the previous one without space */
	int said;            /* the last output came from a rule (not copied) */
	int headline;        /* most words are written in capitals */
	const char *last_ord; /* ending of the last ordinal, for ranges */
	size_t last_ord_tok;  /* token index after that ordinal */
};

static int is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
	       cp == '\v' || cp == 0xA0 || cp == 0x2009 || cp == 0x202F ||
	       cp == 0x2007 || cp == 0x2002 || cp == 0x2003 || cp == 0x2008 ||
	       cp == 0x200A || cp == 0x3000 || (cp < 0x20) || cp == 0x7F;
}

static int is_word_cp(uint32_t cp)
{
	return cp_isalpha(cp) || (cp >= 0x300 && cp <= 0x36F) || cp == 0xAD ||
	       cp == 0x200B || cp == 0x200C || cp == 0x200D;
}

static void push_tok(struct ctx *c, size_t b, size_t e, enum tok_type t, uint32_t cp)
{
	if (c->nt && t != T_SYM && c->tk[c->nt - 1].t == t && c->tk[c->nt - 1].e == b) {
		c->tk[c->nt - 1].e = e;
		return;
	}
	XGROW(c->tk, c->tcap, c->nt + 1);
	c->tk[c->nt++] = (struct tok){ b, e, t, cp };
}

static void tokenize(struct ctx *c)
{
	for (size_t i = 0; i < c->n;) {
		uint32_t cp;
		int k = utf8_decode(c->s + i, c->n - i, &cp);
		if (k <= 0) {
			push_tok(c, i, i + 1, T_SYM, 0);
			i++;
			continue;
		}
		size_t e = i + (size_t)k;
		if (a_isdigit((int)cp))
			push_tok(c, i, e, T_NUM, cp);
		else if (is_space_cp(cp))
			push_tok(c, i, e, T_SPACE, cp);
		else if (is_word_cp(cp) && (cp_isalpha(cp) || (c->nt && c->tk[c->nt - 1].t == T_WORD && c->tk[c->nt - 1].e == i)))
			push_tok(c, i, e, T_WORD, cp);
		else if (is_word_cp(cp))
			; /* stray combining mark or soft hyphen: dropped */
		else
			push_tok(c, i, e, T_SYM, cp);
		i = e;
	}
}

/* ---- token helpers ------------------------------------------------------- */

static const char *tp(const struct ctx *c, size_t i) { return c->s + c->tk[i].b; }
static size_t tl(const struct ctx *c, size_t i) { return c->tk[i].e - c->tk[i].b; }
static int is_t(const struct ctx *c, size_t i, enum tok_type t) { return i < c->nt && c->tk[i].t == t; }
static int is_sym(const struct ctx *c, size_t i, uint32_t cp) { return i < c->nt && c->tk[i].t == T_SYM && c->tk[i].cp == cp; }
static int is_dash(const struct ctx *c, size_t i)
{
	return is_sym(c, i, '-') || is_sym(c, i, 0x2013) || is_sym(c, i, 0x2014) || is_sym(c, i, 0x2212);
}

/* Exact comparison of token i with s. */
static int teq(const struct ctx *c, size_t i, const char *s)
{
	if (i >= c->nt || *tp(c, i) != *s)
		return 0;
	size_t n = strlen(s);
	return tl(c, i) == n && !memcmp(tp(c, i), s, n);
}

/* ASCII-case-insensitive comparison of token i with s. */
static int tieq(const struct ctx *c, size_t i, const char *s)
{
	size_t n = strlen(s);
	if (i >= c->nt || tl(c, i) != n)
		return 0;
	const char *p = tp(c, i);
	for (size_t k = 0; k < n; k++)
		if (a_tolower((unsigned char)p[k]) != a_tolower((unsigned char)s[k]))
			return 0;
	return 1;
}

/* Index of the next token after i, skipping one white-space token. */
static size_t nx(const struct ctx *c, size_t i)
{
	i++;
	if (i < c->nt && c->tk[i].t == T_SPACE)
		i++;
	return i;
}

/* Index of the token before i, skipping one white-space token; SIZE_MAX if none. */
static size_t pv(const struct ctx *c, size_t i)
{
	if (i == 0 || i > c->nt)
		return SIZE_MAX;
	i--;
	if (c->tk[i].t == T_SPACE) {
		if (i == 0)
			return SIZE_MAX;
		i--;
	}
	return i;
}

/* Lowercase copy of word token i into buf (cap bytes); returns 0 when it does not fit. */
static int lower(const struct ctx *c, size_t i, char *buf, size_t cap)
{
	if (i >= c->nt)
		return 0;
	const char *p = tp(c, i);
	size_t n = tl(c, i), o = 0;
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0)
			return 0;
		char tmp[4];
		int w = utf8_encode(cp_tolower(cp), tmp);
		if (o + (size_t)w + 1 > cap)
			return 0;
		memcpy(buf + o, tmp, (size_t)w);
		o += (size_t)w;
		k += (size_t)m;
	}
	buf[o] = '\0';
	return 1;
}

/* Is token i a word starting with a capital letter? */
static int is_cap(const struct ctx *c, size_t i)
{
	uint32_t cp;
	return is_t(c, i, T_WORD) && utf8_decode(tp(c, i), tl(c, i), &cp) > 0 && cp_isupper(cp);
}

static int is_lowerword(const struct ctx *c, size_t i)
{
	uint32_t cp;
	return is_t(c, i, T_WORD) && utf8_decode(tp(c, i), tl(c, i), &cp) > 0 && cp_islower(cp);
}

/* Is every letter of token i a capital? */
static int all_caps(const struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_WORD))
		return 0;
	const char *p = tp(c, i);
	size_t n = tl(c, i);
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0 || !cp_isupper(cp))
			return 0;
		k += (size_t)m;
	}
	return 1;
}

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

/* Value of number token i (ULLONG_MAX when too long). */
static unsigned long long nval(const struct ctx *c, size_t i)
{
	return nw_value(tp(c, i), tl(c, i));
}

/* ---- output -------------------------------------------------------------- */

static void add_anchor(struct ctx *c)
{
	struct verbalized *v = c->out;
	if (!c->anchor_pending)
		return;
	c->anchor_pending = 0;
	size_t sp = v->spoken.len;
	if (v->nanchors) {
		struct verb_anchor *l = &v->anchors[v->nanchors - 1];
		if (c->anchor_w <= l->written || sp <= l->spoken)
			return;
	}
	XGROW(v->anchors, v->cap, v->nanchors + 1);
	v->anchors[v->nanchors++] = (struct verb_anchor){ c->anchor_w, sp };
}

/* Adds a separating space unless at the start or after an opening bracket. */
static void sep(struct ctx *c)
{
	struct sb *s = &c->out->spoken;
	if (!s->len)
		return;
	unsigned char l = (unsigned char)s->buf[s->len - 1];
	if (l == ' ' || l == '(' || l == '[' || l == '/')
		return;
	if (c->glued && (l == '-' || l == '/'))
		return;
	if (s->len >= 3 && !memcmp(s->buf + s->len - 3, "\xE2\x80\x9E", 3)) /* „ */
		return;
	sb_addc(s, ' ');
}

/* Speaks words `w` as a new word. */
static void say(struct ctx *c, const char *w)
{
	sep(c);
	add_anchor(c);
	sb_adds(&c->out->spoken, w);
	c->said = 1;
}

static void say_sb(struct ctx *c, const struct sb *t)
{
	sep(c);
	add_anchor(c);
	sb_add(&c->out->spoken, t->buf, t->len);
	c->said = 1;
}

/* Says p[0..n) as a word with only its first letter capital: "NATO" -> "Nato" (eSpeak reads it as a word). */
static void say_capitalised(struct ctx *c, const char *p, size_t n)
{
	struct sb t;

	sb_init(&t);
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0)
			break;
		sb_addcp(&t, k ? cp_tolower(cp) : cp);
		k += (size_t)m;
	}
	say_sb(c, &t);
	sb_release(&t);
}

/* Appends w to the previous word without a space. */
static void glue(struct ctx *c, const char *w)
{
	add_anchor(c);
	sb_adds(&c->out->spoken, w);
	c->said = 0;
}

static void say_cardinal(struct ctx *c, const char *d, size_t n, enum nw_one one)
{
	struct sb t;
	sb_init(&t);
	nw_cardinal(&t, d, n, one);
	say_sb(c, &t);
	sb_release(&t);
}

static void say_cardinal_u(struct ctx *c, unsigned long long v, enum nw_one one)
{
	struct sb t;
	sb_init(&t);
	nw_cardinal_u(&t, v, one);
	say_sb(c, &t);
	sb_release(&t);
}

static void say_ordinal(struct ctx *c, const char *d, size_t n, const char *end)
{
	struct sb t;
	sb_init(&t);
	nw_ordinal(&t, d, n, end);
	say_sb(c, &t);
	sb_release(&t);
}

static void say_year(struct ctx *c, unsigned long long v)
{
	struct sb t;
	sb_init(&t);
	nw_year(&t, v);
	say_sb(c, &t);
	sb_release(&t);
}

static void say_digits(struct ctx *c, const char *d, size_t n)
{
	struct sb t;
	sb_init(&t);
	nw_digits(&t, d, n);
	say_sb(c, &t);
	sb_release(&t);
}

/* Copies token i as it is written (space before it only if written so). */
static void pass(struct ctx *c, size_t i)
{
	if ((i > 0 && c->tk[i - 1].t == T_SPACE) || (c->said && c->tk[i].t != T_SYM))
		sep(c);
	add_anchor(c);
	c->said = 0;
	if (c->tk[i].t == T_SYM) {
		uint32_t cp = c->tk[i].cp;
		/* invalid bytes, C1 controls, byte-order marks and direction marks are silent */
		if (cp == 0 || (cp >= 0x80 && cp < 0xA0) || cp == 0xFEFF || cp == 0x200E || cp == 0x200F ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFFFD ||
		    (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0xFE00 && cp <= 0xFE0F))
			return;
		/* "[[" in the text must not open eSpeak phoneme input */
		struct sb *o = &c->out->spoken;
		if ((cp == '[' || cp == ']') && o->len && o->buf[o->len - 1] == (char)cp)
			return;
	}
	sb_add(&c->out->spoken, tp(c, i), tl(c, i));
}

static void warn(struct ctx *c, const char *what, size_t b, size_t e)
{
	size_t n = e - b;
	if (n > 40)
		n = 40;
	struct sb t;
	sb_init(&t);
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)c->s[b + k];
		sb_addc(&t, ch < 0x20 || ch >= 0x7F ? '?' : (char)ch);
	}
	if (c->o && c->o->where)
		warns_add(c->w, "%s: left out %s \"%s%s\"", c->o->where, what, t.buf, e - b > 40 ? "..." : "");
	else
		warns_add(c->w, "left out %s \"%s%s\"", what, t.buf, e - b > 40 ? "..." : "");
	sb_release(&t);
}

/* ---- tables -------------------------------------------------------------- */

static const char *const months[] = {
	"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
	"August", "September", "Oktober", "November", "Dezember"
};

/* Month number (1..12) of the word token i (full name, or abbreviation when followed by '.'); 0 if none. Sets *used to tokens consumed. */
static int month_at(const struct ctx *c, size_t i, size_t *used)
{
	static const struct { const char *w; int m; int abbr; } tab[] = {
		{ "januar", 1, 0 }, { "jänner", 1, 0 }, { "februar", 2, 0 }, { "feber", 2, 0 },
		{ "märz", 3, 0 }, { "april", 4, 0 }, { "mai", 5, 0 }, { "juni", 6, 0 },
		{ "juli", 7, 0 }, { "august", 8, 0 }, { "september", 9, 0 },
		{ "oktober", 10, 0 }, { "november", 11, 0 }, { "dezember", 12, 0 },
		{ "jan", 1, 1 }, { "feb", 2, 1 }, { "febr", 2, 1 }, { "mär", 3, 1 }, { "mrz", 3, 1 },
		{ "apr", 4, 1 }, { "jun", 6, 1 }, { "jul", 7, 1 }, { "aug", 8, 1 },
		{ "sep", 9, 1 }, { "sept", 9, 1 }, { "okt", 10, 1 }, { "nov", 11, 1 }, { "dez", 12, 1 },
	};
	char w[32];
	if (!is_t(c, i, T_WORD) || !lower(c, i, w, sizeof w))
		return 0;
	for (size_t k = 0; k < ARRAY_LEN(tab); k++) {
		if (strcmp(w, tab[k].w))
			continue;
		if (tab[k].abbr) {
			if (!is_sym(c, i + 1, '.'))
				return 0;
			*used = 2;
		} else {
			*used = 1;
		}
		return tab[k].m;
	}
	return 0;
}

static const char *weekday_abbr(const struct ctx *c, size_t i)
{
	static const char *const ab[][2] = {
		{ "Mo", "Montag" }, { "Di", "Dienstag" }, { "Mi", "Mittwoch" },
		{ "Do", "Donnerstag" }, { "Fr", "Freitag" }, { "Sa", "Samstag" },
		{ "So", "Sonntag" },
	};
	for (size_t k = 0; k < ARRAY_LEN(ab); k++)
		if (teq(c, i, ab[k][0]))
			return ab[k][1];
	return NULL;
}

/*
 * Grammatical gender of a noun guessed from a table and its ending:
 * 'm', 'f' or 'n'.
 */
static char noun_gender(const char *w)
{
	static const char *const neut[] = {
		"mal", "jahr", "jahrhundert", "jahrtausend", "jh", "jhd", "jahrzehnt",
		"spiel", "rennen", "quartal", "halbjahr", "kapitel", "buch", "album",
		"tor", "semester", "treffen", "gebot", "programm", "paket", "amt",
		"kind", "stockwerk", "geschoss", "og", "mitglied", "land", "team",
		"turnier", "finale", "halbfinale", "viertelfinale", "gesetz", "urteil",
		"prozent", "pfund", "kilogramm", "gramm", "kilo", "grad", "volt",
		"watt", "jubiläum", "festival", "konzert", "heft", "kabinett", "mandat",
		"stück", "wort", "bild", "haus", "ziel", "match", "duell", "derby",
		"pokalspiel", "level", "date", "video", "interview", "gespräch",
		"verfahren", "referendum", "votum", "drittel", "viertel", "fünftel",
		"hundert", "tausend", "dutzend", "paar", "mal", "dorf", "werk",
		"kilowatt", "megawatt", "gigawatt", "promille", "feld", "glied",
		NULL
	};
	static const char *const fem[] = {
		"liga", "runde", "etappe", "woche", "klasse", "auflage", "stufe",
		"reihe", "minute", "stunde", "sekunde", "person", "tonne", "meile",
		"kurve", "mannschaft", "saison", "wahl", "welle", "stelle", "hälfte",
		"staffel", "folge", "ausgabe", "sitzung", "armee", "republik", "tranche",
		"strophe", "amtszeit", "halbzeit", "spielzeit", "bundesliga", "kammer",
		"instanz", "division", "generation", "nacht", "zeit", "frau", "stadt",
		"kilowattstunde", "milliarde", "million", "billion", "billiarde",
		"straße", "nummer", "seite", "zeile", "spalte", "gruppe", "phase",
		"qualifikation", "partie", "fahrt", "tour", "ebene", "rate",
		"kw", "kalenderwoche", "ziffer", "lesung", "version", "serie", "dekade",
		NULL
	};
	static const char *const masc[] = {
		"monat", "tag", "platz", "rang", "sieg", "versuch", "anlauf", "durchgang",
		"spieltag", "weltkrieg", "geburtstag", "jahrestag", "todestag",
		"liter", "meter", "kilometer", "euro", "dollar", "franken", "cent",
		"punkt", "absatz", "artikel", "paragraf", "paragraph", "band", "teil",
		"stock", "akt", "schritt", "anlauf", "lauf", "gang", "wahlgang",
		"kongress", "parteitag", "gipfel", "termin", "bezirk", "grad",
		NULL
	};
	size_t n = strlen(w);
	/* longest listed word that ends the compound */
	size_t best = 0;
	char g = 0;
	const char *const *lists[] = { neut, fem, masc };
	const char gs[] = { 'n', 'f', 'm' };
	for (int l = 0; l < 3; l++) {
		for (const char *const *p = lists[l]; *p; p++) {
			size_t k = strlen(*p);
			if (k <= n && k > best && !strcmp(w + n - k, *p) &&
			    (k == n || k >= 3)) {
				best = k;
				g = gs[l];
			}
		}
	}
	if (g)
		return g;
	static const char *const fsuf[] = { "ung", "heit", "keit", "schaft", "ion",
		"tät", "ei", "ie", "ik", "enz", "anz", "ur", "e", "a", "in", NULL };
	static const char *const nsuf[] = { "chen", "lein", "ment", "um", "tum",
		"nis", "ma", NULL };
	for (const char *const *p = nsuf; *p; p++) {
		size_t k = strlen(*p);
		if (k < n && !strcmp(w + n - k, *p))
			return 'n';
	}
	/* "Gebäude", "Gebirge": ge-...-e is neuter */
	if (n > 5 && !strncmp(w, "ge", 2) && w[n - 1] == 'e')
		return 'n';
	/* a noun made of an infinitive ("Beben", "Treffen", "Verfahren") is neuter; a few in -en are not */
	static const char *const en_masc[] = { "wagen", "garten", "hafen", "boden", "regen", "ofen",
		"norden", "süden", "osten", "westen", "rahmen", "namen", "samen", "graben", "magen",
		"faden", "haken", "kuchen", "knochen", "rücken", "schaden", "bogen", "balken", "posten",
		"daumen", "streifen", "kragen", "frieden", "glauben", "haufen", "felsen", "karren",
		"besen", "segen", "schinken", "brunnen", "tropfen", "funken", "ballen", "bezirken", NULL };
	if (n > 4 && !strcmp(w + n - 2, "en") && !strchr("aeiouäöü", w[n - 3])) {
		for (const char *const *p = en_masc; *p; p++) {
			size_t k = strlen(*p);
			if (k <= n && !strcmp(w + n - k, *p))
				return 'm';
		}
		return 'n';
	}
	for (const char *const *p = fsuf; *p; p++) {
		size_t k = strlen(*p);
		if (k < n && !strcmp(w + n - k, *p))
			return 'f';
	}
	return 'm';
}

/* Gender of the noun at token i (an abbreviation is looked up without its dot); 'm' when it is no word. */
static char gender_at(const struct ctx *c, size_t i)
{
	char w[64];
	if (!is_t(c, i, T_WORD) || !lower(c, i, w, sizeof w))
		return 'm';
	return noun_gender(w);
}

/* ---- grammatical context ----------------------------------------------- */

static const char *const dat_preps[] = {
	"ab", "seit", "von", "mit", "nach", "aus", "bei", "zu", "vor", "gegenüber",
	"nahe", "samt", "nebst", "unter", "in", "an", "auf", "über", "hinter",
	"neben", "zwischen", NULL
};
static const char *const acc_preps[] = {
	"für", "gegen", "durch", "ohne", "um", "bis", "wider", NULL
};
static const char *const en_words[] = {
	"am", "im", "vom", "zum", "beim", "zur", "den", "dem", "des", "ans",
	"ins", "aufs", "übers", "fürs", "ums", "hinterm", "überm", "unterm", "vorm",
	NULL
};
static const char *const det_stems[] = {
	"ein", "kein", "mein", "dein", "sein", "ihr", "unser", "euer", "eur",
	"dies", "jen", "jed", "welch", "manch", "all", "beid", NULL
};

/* Ordinal ending after determiner word w (lowercase) before a noun of gender g; NULL if w is no determiner. */
static const char *det_ending(const char *w, char g, int after_prep)
{
	if (in_list(w, en_words))
		return "en";
	if (!strcmp(w, "der"))
		return (after_prep || g == 'f') ? "en" : "e";
	if (!strcmp(w, "die") || !strcmp(w, "das"))
		return "e";
	size_t n = strlen(w);
	for (const char *const *p = det_stems; *p; p++) {
		size_t k = strlen(*p);
		if (n < k || memcmp(w, *p, k))
			continue;
		const char *rest = w + k;
		if (!*rest && strcmp(*p, "dies") && strcmp(*p, "jed") && strcmp(*p, "jen") && strcmp(*p, "welch"))
			return g == 'n' ? "es" : g == 'f' ? "e" : "er";
		if (!strcmp(rest, "e"))
			return "e";
		if (!strcmp(rest, "em") || !strcmp(rest, "en") || !strcmp(rest, "es"))
			return "en";
		if (!strcmp(rest, "er")) {
			if (!strcmp(*p, "dies") || !strcmp(*p, "jed") || !strcmp(*p, "jen") || !strcmp(*p, "welch"))
				return (after_prep || g == 'f') ? "en" : "e";
			return "en";
		}
	}
	return NULL;
}

/*
 * The adjective ending of an ordinal whose first token is i and whose noun
 * (if any) is token `noun`.
 */
static const char *ord_ending(struct ctx *c, size_t i, size_t noun)
{
	char g = noun < c->nt ? gender_at(c, noun) : 'm';
	size_t p = pv(c, i);
	char w[32];
	if (is_sym(c, p, ',') && p > 0) {
		/* "am Montag, 3. März": the date is in apposition to "am Montag" */
		static const char *const days[] = { "montag", "dienstag", "mittwoch", "donnerstag",
			"freitag", "samstag", "sonnabend", "sonntag", NULL };
		size_t d = pv(c, p), a = pv(c, d);
		int day = d != SIZE_MAX && lower(c, d, w, sizeof w) && in_list(w, days);
		if (!day && is_sym(c, d, '.') && d > 0 && weekday_abbr(c, d - 1)) {
			day = 1;
			a = pv(c, d - 1);
		}
		if (day && a != SIZE_MAX && lower(c, a, w, sizeof w) && in_list(w, en_words))
			return "en";
	}
	if (p == SIZE_MAX || !is_t(c, p, T_WORD) || !lower(c, p, w, sizeof w)) {
		if (p != SIZE_MAX && is_dash(c, p) && c->last_ord && c->last_ord_tok + 2 >= p)
			return c->last_ord;
		return g == 'f' ? "e" : g == 'n' ? "es" : "er";
	}
	if ((!strcmp(w, "bis") || !strcmp(w, "und") || !strcmp(w, "oder") ||
	     !strcmp(w, "sowie")) && c->last_ord && c->last_ord_tok + 3 >= p)
		return c->last_ord;
	size_t pp = pv(c, p);
	char w2[32];
	int after_prep = pp != SIZE_MAX && is_t(c, pp, T_WORD) && lower(c, pp, w2, sizeof w2) &&
			 (in_list(w2, dat_preps) || in_list(w2, acc_preps));
	const char *e = det_ending(w, g, after_prep);
	if (e)
		return e;
	if (in_list(w, acc_preps))
		return g == 'f' ? "e" : g == 'n' ? "es" : "en";
	if (in_list(w, dat_preps))
		return g == 'f' ? "er" : "em";
	return g == 'f' ? "e" : g == 'n' ? "es" : "er";
}

static int chunk_start(const struct ctx *c, size_t i);
static int has_vowel(const char *p, size_t n);
static int quantity_follows(const struct ctx *c, size_t j);
struct currency;
static const struct currency *currency_at(const struct ctx *c, size_t i, size_t *used, int words);
static void say_spelled(struct ctx *c, const char *p, size_t n);

/* Chunks longer than this many tokens are no addresses (keeps the pass linear). */
#define MAX_CHUNK 200

/* ---- chunk rules: e-mail, URLs, IBANs, hashes, telephone numbers ---------- */

/* End (token index) of the white-space-delimited chunk starting at i, without trailing punctuation. */
static size_t chunk_end(const struct ctx *c, size_t i)
{
	size_t j = c->nextsp[i];
	if (j > i + MAX_CHUNK)
		return i; /* too long for an address or a number: no chunk rule */
	while (j > i && c->tk[j - 1].t == T_SYM) {
		uint32_t cp = c->tk[j - 1].cp;
		if (cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' ||
		    cp == '?' || cp == ')' || cp == '"' || cp == '\'' || cp == 0xBB ||
		    cp == 0x201C || cp == 0x201D || cp == 0x2019 || cp == ']')
			j--;
		else
			break;
	}
	return j;
}

static int is_vowel_ascii(int ch)
{
	ch = a_tolower(ch);
	return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u' || ch == 'y';
}

/* Says one label of an address: spelled when short or unpronounceable, else as a word. */
static void say_label(struct ctx *c, size_t i)
{
	static const char *const words[] = { "com", "net", "org", "edu", "gov", "info", "mail", NULL };
	char w[64];
	const char *p = tp(c, i);
	size_t n = tl(c, i);
	if (c->tk[i].t == T_NUM) {
		say_digits(c, p, n);
		return;
	}
	int low = lower(c, i, w, sizeof w);
	if (low && in_list(w, words)) {
		say(c, w);
		return;
	}
	if (low && !strcmp(w, "www")) {
		say(c, "w w w");
		return;
	}
	if (low && n > 5 && !memcmp(w, "gmail", 5) && n == 5) {
		say(c, "g mail");
		return;
	}
	int vow = 0, run = 0, maxrun = 0;
	for (size_t k = 0; k < n; k++) {
		if (is_vowel_ascii((unsigned char)p[k])) {
			vow++;
			run = 0;
		} else if (++run > maxrun) {
			maxrun = run;
		}
	}
	if (low && !strcmp(w, "de")) {
		say(c, "D-E");   /* "Punkt De-E", as newsreaders say it */
		return;
	}
	if (n <= 3 || !vow || maxrun >= 5) {
		struct sb t;
		sb_init(&t);
		for (size_t k = 0; k < n;) {
			uint32_t cp;
			int m = utf8_decode(p + k, n - k, &cp);
			if (m <= 0)
				break;
			if (t.len)
				sb_addc(&t, ' ');
			sb_addcp(&t, cp_tolower(cp));
			k += (size_t)m;
		}
		say_sb(c, &t);
		sb_release(&t);
		return;
	}
	struct sb t;
	sb_init(&t);
	sb_add(&t, p, n);
	say_sb(c, &t);
	sb_release(&t);
}

static int is_tld(const struct ctx *c, size_t i)
{
	static const char *const tlds[] = {
		"de", "com", "org", "net", "eu", "at", "ch", "edu", "gov", "info",
		"io", "uk", "fr", "it", "es", "nl", "be", "pl", "ru", "us", "tv",
		"me", "app", "dev", "online", "news", "int", "co", "biz", "ly", NULL
	};
	char w[16];
	return is_t(c, i, T_WORD) && lower(c, i, w, sizeof w) && in_list(w, tlds);
}

/* URL or e-mail address or @handle in chunk [i, e); returns e or 0. */
static size_t rule_address(struct ctx *c, size_t i, size_t e)
{
	int has_at = 0, has_dot = 0, has_scheme = 0, www = 0;
	for (size_t j = i; j < e; j++) {
		if (is_sym(c, j, '@'))
			has_at = 1;
		if (is_sym(c, j, '.') && j + 1 < e && c->tk[j + 1].t != T_SYM)
			has_dot = 1;
	}
	if (is_t(c, i, T_WORD) && (tieq(c, i, "http") || tieq(c, i, "https")) &&
	    is_sym(c, i + 1, ':') && is_sym(c, i + 2, '/'))
		has_scheme = 1;
	if (tieq(c, i, "www") && is_sym(c, i + 1, '.'))
		www = 1;
	int domain = 0;
	if (!has_at && !has_scheme && !www && has_dot) {
		/* label(.label)+.tld with labels of letters, digits and hyphens */
		size_t last = SIZE_MAX;
		for (size_t j = i; j < e; j++) {
			if (is_sym(c, j, '.'))
				last = j;
			else if (!(c->tk[j].t == T_WORD || c->tk[j].t == T_NUM || is_sym(c, j, '-') || is_sym(c, j, '/')))
				return 0;
		}
		if (last == SIZE_MAX || last + 2 != e || !is_tld(c, last + 1) || !is_lowerword(c, last + 1) ||
		    !is_t(c, i, T_WORD) || tl(c, i) < 2)
			return 0;
		/* "z.B"-like abbreviations: every label must be longer than one letter */
		for (size_t j = i; j < e; j++)
			if (c->tk[j].t == T_WORD && tl(c, j) < 2 && !(j > i && is_sym(c, j - 1, '/')))
				return 0;
		for (size_t j = i; j < e && !is_sym(c, j, '/'); j++)
			if (all_caps(c, j) && tl(c, j) > 1 && !is_tld(c, j))
				return 0;
		domain = 1;
	}
	if (!(has_at || has_scheme || www || domain))
		return 0;
	if (has_at && !is_sym(c, i, '@')) {
		/* e-mail: something@domain.tld */
		size_t at = i;
		while (at < e && !is_sym(c, at, '@'))
			at++;
		if (at == i || at + 1 >= e)
			return 0;
	}
	if (e - i > 200)
		return 0;
	/* a listener needs no "https://" and no closing slash */
	size_t from = i;
	if (has_scheme) {
		from = i + 3;
		while (from < e && is_sym(c, from, '/'))
			from++;
	}
	size_t end = e > from + 1 && is_sym(c, e - 1, '/') ? e - 1 : e;
	for (size_t j = from; j < end; j++) {
		c->anchor_w = c->tk[j == from ? i : j].b;
		c->anchor_pending = 1;
		switch (c->tk[j].t) {
		case T_WORD:
		case T_NUM:
			say_label(c, j);
			break;
		default: {
			static const struct { uint32_t cp; const char *w; } sy[] = {
				{ '.', "punkt" }, { '@', "at" }, { '/', "slash" }, { ':', "doppelpunkt" },
				{ '-', "bindestrich" }, { '_', "unterstrich" }, { '?', "fragezeichen" },
				{ '=', "gleichheitszeichen" }, { '&', "und" }, { '#', "raute" },
				{ '~', "tilde" }, { '%', "prozent" }, { '+', "plus" },
			};
			for (size_t k = 0; k < ARRAY_LEN(sy); k++)
				if (c->tk[j].cp == sy[k].cp)
					say(c, sy[k].w);
		}
		}
	}
	return e;
}

/* Is token i purely ASCII letters and digits? Counts them into *letters and *digits. */
static int alnum_stats(const struct ctx *c, size_t i, size_t e, size_t *letters, size_t *digits, size_t *len)
{
	*letters = *digits = *len = 0;
	for (size_t j = i; j < e; j++) {
		if (c->tk[j].t == T_NUM)
			*digits += tl(c, j);
		else if (c->tk[j].t == T_WORD) {
			const char *p = tp(c, j);
			for (size_t k = 0; k < tl(c, j); k++)
				if (!a_isalpha((unsigned char)p[k]))
					return 0;
			*letters += tl(c, j);
		} else
			return 0;
	}
	*len = *letters + *digits;
	return 1;
}

/* IBANs (also in groups of four), BICs after "BIC", wallet addresses and hashes: left out. */
static size_t rule_secret(struct ctx *c, size_t i, size_t e)
{
	size_t L, D, n;
	size_t s = i;
	if (teq(c, i, "0") && i + 1 < e && c->tk[i + 1].t == T_WORD && tp(c, i + 1)[0] == 'x')
		s = i; /* 0x... hex */
	if (!alnum_stats(c, s, e, &L, &D, &n))
		return 0;
	/* IBAN: two capitals, two check digits, then more */
	if (is_t(c, i, T_WORD) && tl(c, i) == 2 && all_caps(c, i) && is_t(c, i + 1, T_NUM) && tl(c, i + 1) >= 2) {
		size_t j = e, tot = n;
		/* groups of up to four characters separated by single spaces */
		while (tot < 34 && j + 1 < c->nt && c->tk[j].t == T_SPACE) {
			size_t ge = chunk_end(c, j + 1), l2, d2, n2;
			if (ge == j + 1 || !alnum_stats(c, j + 1, ge, &l2, &d2, &n2) || n2 > 4 || !d2)
				break;
			tot += n2;
			j = ge;
			if (ge < c->nt && c->tk[ge].t != T_SPACE)
				break;
		}
		if (tot >= 15 && tot <= 34) {
			warn(c, "an IBAN", c->tk[i].b, c->tk[j - 1].e);
			return j;
		}
	}
	size_t pw = pv(c, i);
	if (n >= 8 && n <= 11 && !D && all_caps(c, i) && e == i + 1 && pw != SIZE_MAX &&
	    (teq(c, pw, "BIC") || teq(c, pw, "SWIFT") || (is_sym(c, pw, ':') && pw > 0 && (teq(c, pv(c, pw), "BIC")))) ) {
		warn(c, "a BIC", c->tk[i].b, c->tk[e - 1].e);
		return e;
	}
	if (n >= 8 && n <= 11 && D && L >= 6 && e - i >= 2 && all_caps(c, i) && tl(c, i) >= 6) {
		warn(c, "a BIC", c->tk[i].b, c->tk[e - 1].e);
		return e;
	}
	/* hashes and wallet addresses: long runs that mix letters and digits */
	/* letters only but with case changing all the time (base58 without digits) */
	size_t flips = 0;
	if (n >= 26 && !D && e == i + 1) {
		const char *q = tp(c, i);
		for (size_t k = 1; k < tl(c, i); k++)
			flips += a_isupper((unsigned char)q[k]) != a_isupper((unsigned char)q[k - 1]);
	}
	if ((n >= 20 && L && D) || (n >= 26 && flips >= n / 3)) {
		warn(c, "a hash or wallet address", c->tk[i].b, c->tk[e - 1].e);
		return e;
	}
	if (n >= 16 && L && D) {
		/* hex only */
		int hex = 1;
		for (size_t j = i; j < e && hex; j++)
			for (size_t k = 0; k < tl(c, j); k++) {
				int ch = a_tolower((unsigned char)tp(c, j)[k]);
				if (!(a_isdigit(ch) || (ch >= 'a' && ch <= 'f') || (ch == 'x' && j == i + 1 && k == 0)))
					hex = 0;
			}
		if (hex) {
			warn(c, "a hash", c->tk[i].b, c->tk[e - 1].e);
			return e;
		}
	}
	return 0;
}

/* Telephone numbers: "+49 30 1234-5678", "(0411) 1234-1234", "030/1234567". */
/*
 * Digits d[0..n) one by one in groups with a short pause ("1234567" ->
 * "eins zwei, drei vier, fünf sechs sieben"): a listener can write them down.
 */
static void say_pairs(struct sb *t, const char *d, size_t n)
{
	for (size_t k = 0; k < n;) {
		size_t g = n - k == 3 ? 3 : n - k >= 2 ? 2 : 1;
		if (k)
			sb_adds(t, ", ");
		nw_digits(t, d + k, g);
		k += g;
	}
}

static size_t rule_phone(struct ctx *c, size_t i)
{
	size_t j = i;
	struct sb t;
	int plus = 0;
	if (is_sym(c, i, '+') && is_t(c, i + 1, T_NUM) && tl(c, i + 1) <= 3 && tp(c, i + 1)[0] != '0' &&
	    i + 2 < c->nt && (c->tk[i + 2].t == T_SPACE || is_sym(c, i + 2, '(') || is_dash(c, i + 2)) &&
	    is_t(c, nx(c, i + 1), T_NUM)) {
		plus = 1;
		j = i + 2;
	} else if (is_sym(c, i, '(') && is_t(c, i + 1, T_NUM) && tp(c, i + 1)[0] == '0' && tl(c, i + 1) >= 3 &&
		   is_sym(c, i + 2, ')') && is_t(c, nx(c, i + 2), T_NUM)) {
		plus = 0;
	} else if (is_t(c, i, T_NUM) && tp(c, i)[0] == '0' && tl(c, i) >= 3 &&
		   (is_sym(c, i + 1, '/') || is_dash(c, i + 1)) && is_t(c, i + 2, T_NUM) && tl(c, i + 2) >= 3) {
		plus = 0;
	} else if (is_t(c, i, T_NUM) && tp(c, i)[0] == '0' && tl(c, i) >= 3 && tl(c, i) <= 6 &&
		   i + 1 < c->nt && c->tk[i + 1].t == T_SPACE && is_t(c, i + 2, T_NUM) && tl(c, i + 2) >= 4 &&
		   !quantity_follows(c, i + 3)) {
		plus = 0;
	} else if (is_t(c, i, T_NUM) && tp(c, i)[0] == '0' && tl(c, i) >= 3 && tl(c, i) <= 6 &&
		   i + 3 < c->nt && c->tk[i + 1].t == T_SPACE && is_sym(c, i + 2, '/') &&
		   c->tk[i + 3].t == T_SPACE && is_t(c, i + 4, T_NUM)) {
		plus = 0;   /* "0221 / 47 11 08" */
	} else {
		return 0;
	}
	sb_init(&t);
	if (plus) {
		sb_adds(&t, "plus ");
		nw_cardinal(&t, tp(c, i + 1), tl(c, i + 1), NW_EINS);
	}
	size_t groups = 0, k = j;
	while (k < c->nt) {
		if (c->tk[k].t == T_NUM) {
			if (t.len)
				sb_adds(&t, ", ");
			/* digit by digit; a long group with short pauses, as broadcasters read it */
			if (tl(c, k) <= 4)
				nw_digits(&t, tp(c, k), tl(c, k));
			else
				say_pairs(&t, tp(c, k), tl(c, k));
			groups++;
			k++;
		} else if ((is_sym(c, k, '(') || is_sym(c, k, ')') || is_sym(c, k, '/') || is_dash(c, k)) &&
			   (is_t(c, k + 1, T_NUM) || (k + 1 < c->nt && c->tk[k + 1].t == T_SPACE && is_t(c, k + 2, T_NUM)) ||
			    (is_sym(c, k, ')') ))) {
			k++;
		} else if (c->tk[k].t == T_SPACE && tl(c, k) == 1 && is_t(c, k + 1, T_NUM) && tl(c, k + 1) >= 2 &&
			   groups < 6) {
			k++;
		} else if (c->tk[k].t == T_SPACE && is_sym(c, k + 1, '(') ) {
			k++;
		} else if (c->tk[k].t == T_SPACE && (is_sym(c, k + 1, '/') || is_dash(c, k + 1)) &&
			   k + 2 < c->nt && c->tk[k + 2].t == T_SPACE && is_t(c, k + 3, T_NUM)) {
			k += 3;   /* "0221 / 47 11 08" */
		} else {
			break;
		}
	}
	if (!groups) {
		sb_release(&t);
		return 0;
	}
	say_sb(c, &t);
	sb_release(&t);
	return k;
}

/* ---- numbers -------------------------------------------------------------- */

/* A parsed number: integer digits (without group separators) and decimals. */
struct num {
	struct sb ip, fp;    /* digit strings */
	size_t start, end;   /* first token of the number, first token after it */
	int grouped;
};

/* Is there a currency right before number token i, or at token j (after an optional space)? */
static int money_before(const struct ctx *c, size_t i)
{
	size_t p = pv(c, i), u;
	if (p == SIZE_MAX)
		return 0;
	if (currency_at(c, p, &u, 0))
		return 1;
	return p > 0 && currency_at(c, p - 1, &u, 0) && u == 2;
}

static int money_after(const struct ctx *c, size_t j)
{
	size_t u;
	if (j < c->nt && c->tk[j].t == T_SPACE)
		j++;
	return currency_at(c, j, &u, 1) != NULL;
}

/* Parses an integer with "." or space thousands groups and an optional ",decimals" at token i. */
static void parse_num(const struct ctx *c, size_t i, struct num *m)
{
	sb_init(&m->ip);
	sb_init(&m->fp);
	m->grouped = 0;
	m->start = i;
	sb_add(&m->ip, tp(c, i), tl(c, i));
	size_t j = i + 1;
	/* English thousands "1,000,123" (two or more groups) */
	if (tl(c, i) <= 3 && is_sym(c, j, ',') && is_t(c, j + 1, T_NUM) && tl(c, j + 1) == 3 &&
	    is_sym(c, j + 2, ',') && is_t(c, j + 3, T_NUM) && tl(c, j + 3) == 3) {
		while (is_sym(c, j, ',') && is_t(c, j + 1, T_NUM) && tl(c, j + 1) == 3) {
			sb_add(&m->ip, tp(c, j + 1), 3);
			j += 2;
		}
		m->grouped = 1;
		m->end = j;
		return;
	}
	if (tl(c, i) <= 3) {
		/* "1.000.000" or "1 000 000" */
		while (j + 1 < c->nt && is_t(c, j + 1, T_NUM) && tl(c, j + 1) == 3 &&
		       (is_sym(c, j, '.') || (c->tk[j].t == T_SPACE &&
			(tl(c, j) == 1 || c->tk[j].cp == 0x2009 || c->tk[j].cp == 0x202F || c->tk[j].cp == 0xA0))) &&
		       !(is_sym(c, j, '.') && is_t(c, j + 2, T_WORD) && is_sym(c, j + 2, '.')) &&
		       !(j + 2 < c->nt && is_sym(c, j + 2, '.') && is_t(c, j + 3, T_NUM) && tl(c, j + 3) != 3) &&
		       !(c->tk[j].t == T_SPACE && (is_sym(c, j + 2, '.') || is_sym(c, j + 2, ':') || is_sym(c, j + 2, '/')))) {
			/* stop at a time such as "20.15 Uhr" is handled before; a "." group must have 3 digits */
			sb_add(&m->ip, tp(c, j + 1), 3);
			m->grouped = 1;
			j += 2;
		}
	}
	if (is_sym(c, j, ',') && is_t(c, j + 1, T_NUM)) {
		sb_add(&m->fp, tp(c, j + 1), tl(c, j + 1));
		j += 2;
	} else if (is_sym(c, j, '.') && is_t(c, j + 1, T_NUM) && tl(c, j + 1) == 2 && !is_sym(c, j + 2, '.') &&
		   (money_before(c, i) || money_after(c, j + 2))) {
		/* Swiss and English money: "CHF 10.50", "$1.50" */
		sb_add(&m->fp, tp(c, j + 1), 2);
		j += 2;
	}
	m->end = j;
}

static void num_release(struct num *m)
{
	sb_release(&m->ip);
	sb_release(&m->fp);
}

/* Says a number: integer, "Komma", decimals digit by digit. */
static void say_num(struct ctx *c, const struct num *m, enum nw_one one)
{
	if (m->fp.len) {
		say_cardinal(c, m->ip.buf, m->ip.len, NW_EINS);
		say(c, "Komma");
		say_digits(c, m->fp.buf, m->fp.len);
	} else {
		say_cardinal(c, m->ip.buf, m->ip.len, one);
	}
}

/* Scale words after a number: index into the table or -1. Sets *used tokens. */
struct scale { const char *w; int abbr; const char *sg, *pl; };
static const struct scale scales[] = {
	{ "mio", 1, "Million", "Millionen" }, { "mill", 1, "Million", "Millionen" },
	{ "mrd", 1, "Milliarde", "Milliarden" }, { "md", 1, "Milliarde", "Milliarden" },
	{ "bio", 1, "Billion", "Billionen" }, { "tsd", 1, "Tausend", "Tausend" },
	{ "million", 0, "Million", "Millionen" }, { "millionen", 0, "Million", "Millionen" },
	{ "milliarde", 0, "Milliarde", "Milliarden" }, { "milliarden", 0, "Milliarde", "Milliarden" },
	{ "billion", 0, "Billion", "Billionen" }, { "billionen", 0, "Billion", "Billionen" },
	{ "billiarde", 0, "Billiarde", "Billiarden" }, { "billiarden", 0, "Billiarde", "Billiarden" },
};

static int scale_at(const struct ctx *c, size_t i, size_t *used)
{
	char w[16];
	if (!is_t(c, i, T_WORD) || !lower(c, i, w, sizeof w))
		return -1;
	for (size_t k = 0; k < ARRAY_LEN(scales); k++) {
		if (strcmp(w, scales[k].w))
			continue;
		if (scales[k].abbr) {
			*used = is_sym(c, i + 1, '.') ? 2 : 1;
		} else {
			*used = 1;
		}
		return (int)k;
	}
	return -1;
}

/* Currencies: written forms and spoken name, gender, cent name. */
struct currency { const char *w; const char *name; char g; const char *sub_sg, *sub_pl; };
static const struct currency currencies[] = {
	{ "€", "Euro", 'm', "Cent", "Cent" }, { "EUR", "Euro", 'm', "Cent", "Cent" },
	{ "Euro", "Euro", 'm', "Cent", "Cent" },
	{ "$", "Dollar", 'm', "Cent", "Cent" }, { "USD", "US-Dollar", 'm', "Cent", "Cent" },
	{ "US$", "US-Dollar", 'm', "Cent", "Cent" },
	{ "Dollar", "Dollar", 'm', "Cent", "Cent" },
	{ "£", "Pfund", 'n', "Penny", "Pence" }, { "GBP", "britische Pfund", 'n', "Penny", "Pence" },
	{ "Pfund", "Pfund", 'n', "Penny", "Pence" },
	{ "CHF", "Franken", 'm', "Rappen", "Rappen" }, { "Franken", "Franken", 'm', "Rappen", "Rappen" },
	{ "¥", "Yen", 'm', NULL, NULL }, { "JPY", "Yen", 'm', NULL, NULL },
	{ "Yen", "Yen", 'm', NULL, NULL },
	{ "₽", "Rubel", 'm', "Kopeken", "Kopeken" }, { "RUB", "Rubel", 'm', "Kopeken", "Kopeken" },
	{ "₹", "Rupien", 'f', NULL, NULL }, { "CNY", "Yuan", 'm', NULL, NULL },
	{ "₺", "Lira", 'f', NULL, NULL }, { "PLN", "Złoty", 'm', NULL, NULL },
	{ "SEK", "schwedische Kronen", 'f', NULL, NULL },
	{ "NOK", "norwegische Kronen", 'f', NULL, NULL },
	{ "DKK", "dänische Kronen", 'f', NULL, NULL },
	{ "₿", "Bitcoin", 'm', NULL, NULL },
};

/* Currency written at tokens i.. ("€", "EUR", "US$", "US-Dollar" is left to the words); sets *used. */
static const struct currency *currency_at(const struct ctx *c, size_t i, size_t *used, int words)
{
	if (i >= c->nt)
		return NULL;
	if (teq(c, i, "US") && is_sym(c, i + 1, '$')) {
		/* "US $" is the entry written "US$" */
		for (size_t k = 0; k < ARRAY_LEN(currencies); k++)
			if (!strcmp(currencies[k].w, "US$")) {
				*used = 2;
				return &currencies[k];
			}
	}
	for (size_t k = 0; k < ARRAY_LEN(currencies); k++) {
		const char *w = currencies[k].w;
		if (!words && a_islower((unsigned char)w[1]))
			continue;
		if (teq(c, i, w)) {
			*used = 1;
			return &currencies[k];
		}
	}
	return NULL;
}

/* Units: written form, singular, plural, gender. */
struct unit { const char *w, *sg, *pl; char g; };
static const struct unit units[] = {
	{ "km/h", "Kilometer pro Stunde", "Kilometer pro Stunde", 'm' },
	{ "m/s", "Meter pro Sekunde", "Meter pro Sekunde", 'm' },
	{ "km²", "Quadratkilometer", "Quadratkilometer", 'm' },
	{ "m²", "Quadratmeter", "Quadratmeter", 'm' }, { "qm", "Quadratmeter", "Quadratmeter", 'm' },
	{ "cm²", "Quadratzentimeter", "Quadratzentimeter", 'm' },
	{ "m³", "Kubikmeter", "Kubikmeter", 'm' }, { "cm³", "Kubikzentimeter", "Kubikzentimeter", 'm' },
	{ "km", "Kilometer", "Kilometer", 'm' }, { "m", "Meter", "Meter", 'm' },
	{ "cm", "Zentimeter", "Zentimeter", 'm' }, { "mm", "Millimeter", "Millimeter", 'm' },
	{ "μm", "Mikrometer", "Mikrometer", 'm' }, { "µm", "Mikrometer", "Mikrometer", 'm' },
	{ "nm", "Nanometer", "Nanometer", 'm' },
	{ "kg", "Kilogramm", "Kilogramm", 'n' }, { "g", "Gramm", "Gramm", 'n' },
	{ "mg", "Milligramm", "Milligramm", 'n' }, { "t", "Tonne", "Tonnen", 'f' },
	{ "l", "Liter", "Liter", 'm' }, { "ml", "Milliliter", "Milliliter", 'm' },
	{ "cl", "Zentiliter", "Zentiliter", 'm' }, { "hl", "Hektoliter", "Hektoliter", 'm' },
	{ "°C", "Grad Celsius", "Grad Celsius", 'n' }, { "°F", "Grad Fahrenheit", "Grad Fahrenheit", 'n' },
	{ "°", "Grad", "Grad", 'n' }, { "K", "Kelvin", "Kelvin", 'n' },
	{ "kWh", "Kilowattstunde", "Kilowattstunden", 'f' }, { "MWh", "Megawattstunde", "Megawattstunden", 'f' },
	{ "GWh", "Gigawattstunde", "Gigawattstunden", 'f' }, { "TWh", "Terawattstunde", "Terawattstunden", 'f' },
	{ "W", "Watt", "Watt", 'n' }, { "kW", "Kilowatt", "Kilowatt", 'n' },
	{ "MW", "Megawatt", "Megawatt", 'n' }, { "GW", "Gigawatt", "Gigawatt", 'n' },
	{ "V", "Volt", "Volt", 'n' }, { "kV", "Kilovolt", "Kilovolt", 'n' }, { "mV", "Millivolt", "Millivolt", 'n' },
	{ "A", "Ampere", "Ampere", 'n' }, { "mA", "Milliampere", "Milliampere", 'n' },
	{ "Hz", "Hertz", "Hertz", 'n' }, { "kHz", "Kilohertz", "Kilohertz", 'n' },
	{ "MHz", "Megahertz", "Megahertz", 'n' }, { "GHz", "Gigahertz", "Gigahertz", 'n' },
	{ "PS", "PS", "PS", 'n' }, { "dB", "Dezibel", "Dezibel", 'n' },
	{ "h", "Stunde", "Stunden", 'f' }, { "Std", "Stunde", "Stunden", 'f' },
	{ "min", "Minute", "Minuten", 'f' }, { "Min", "Minute", "Minuten", 'f' },
	{ "s", "Sekunde", "Sekunden", 'f' }, { "sek", "Sekunde", "Sekunden", 'f' },
	{ "Sek", "Sekunde", "Sekunden", 'f' }, { "ms", "Millisekunde", "Millisekunden", 'f' },
	{ "ha", "Hektar", "Hektar", 'm' }, { "ft", "Fuß", "Fuß", 'm' }, { "mi", "Meilen", "Meilen", 'f' },
	{ "kn", "Knoten", "Knoten", 'm' }, { "mph", "Meilen pro Stunde", "Meilen pro Stunde", 'f' },
	{ "KB", "Kilobyte", "Kilobyte", 'n' }, { "MB", "Megabyte", "Megabyte", 'n' },
	{ "GB", "Gigabyte", "Gigabyte", 'n' }, { "TB", "Terabyte", "Terabyte", 'n' },
	{ "Mbit/s", "Megabit pro Sekunde", "Megabit pro Sekunde", 'n' },
	{ "Gbit/s", "Gigabit pro Sekunde", "Gigabit pro Sekunde", 'n' },
	{ "%", "Prozent", "Prozent", 'n' }, { "‰", "Promille", "Promille", 'n' },
	{ "Prozent", "Prozent", "Prozent", 'n' },
	{ "ppm", "p p m", "p p m", 'n' }, { "kcal", "Kilokalorien", "Kilokalorien", 'f' },
	{ "Kt", "Karat", "Karat", 'n' }, { "bar", "bar", "bar", 'n' },
};

/* Is token i the last one of the text but for spaces? (A dot there ends the sentence.) */
static int last_token(const struct ctx *c, size_t i)
{
	for (size_t j = i + 1; j < c->nt; j++)
		if (c->tk[j].t != T_SPACE)
			return 0;
	return 1;
}

/*
 * A unit written at tokens i.. without spaces inside: the longest table
 * entry that matches whole tokens. A leading "/" means "pro".
 */
static const struct unit *unit_at(const struct ctx *c, size_t i, size_t *used, int *per)
{
	*per = 0;
	size_t s = i;
	if (is_sym(c, i, '/') && i + 1 < c->nt && c->tk[i + 1].t != T_SPACE) {
		*per = 1;
		s = i + 1;
	}
	const struct unit *best = NULL;
	size_t bestn = 0;
	char buf[32];
	size_t bl = 0;
	*used = 0;
	if (!(is_t(c, s, T_WORD) || is_sym(c, s, '%') || is_sym(c, s, 0x2030) || is_sym(c, s, 0xB0)))
		return NULL;
	for (size_t j = s; j < c->nt && j < s + 4 && c->tk[j].t != T_SPACE; j++) {
		if (j > s && !(c->tk[j].t == T_WORD || is_sym(c, j, '/') || is_sym(c, j, 0xB2) || is_sym(c, j, 0xB3)))
			break;
		if (bl + tl(c, j) + 1 > sizeof buf)
			break;
		memcpy(buf + bl, tp(c, j), tl(c, j));
		bl += tl(c, j);
		buf[bl] = '\0';
		/* the unit must end at a token boundary that is not a letter or digit continuing it */
		if (j + 1 < c->nt && (c->tk[j + 1].t == T_WORD || c->tk[j + 1].t == T_NUM) && c->tk[j].t == T_WORD)
			continue;
		for (size_t k = 0; k < ARRAY_LEN(units); k++) {
			if (!strcmp(buf, units[k].w) || (strlen(units[k].w) > 1 && bl > 1 && !strcasecmp(buf, units[k].w) &&
							   strcmp(units[k].w, "Min") && strcmp(units[k].w, "MB"))) {
				best = &units[k];
				bestn = j + 1 - i;
				break;
			}
		}
	}
	/* time units written as abbreviations take their dot along: "45 Min. Verspätung" */
	if (best && (!strcmp(best->w, "Min") || !strcmp(best->w, "min") || !strcmp(best->w, "Std") ||
		     !strcmp(best->w, "Sek") || !strcmp(best->w, "sek")) && is_sym(c, i + bestn, '.') &&
	    !last_token(c, i + bestn))
		bestn++;
	*used = bestn;
	return best;
}

/* Is the number that ends before token j followed by a unit, currency or scale? */
static int quantity_follows(const struct ctx *c, size_t j)
{
	size_t u;
	int per;
	size_t k = j < c->nt && c->tk[j].t == T_SPACE ? j + 1 : j;
	return scale_at(c, k, &u) >= 0 || unit_at(c, k, &u, &per) || currency_at(c, k, &u, 1);
}

/* Year context: does the word before token i announce a year? */
static int year_before(const struct ctx *c, size_t i)
{
	static const char *const cues[] = {
		"jahr", "jahre", "jahres", "jahrs", "seit", "bis", "von", "ab", "um",
		"anfang", "ende", "mitte", "frühjahr", "sommer", "herbst", "winter",
		"in", "im", "nach", "vor", "zwischen", "und", "oder", "januar", "februar",
		"märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
		"november", "dezember", "frühling", "saison", "spielzeit", "wahl",
		"wm", "em", "olympia", "geboren", "gestorben", "gegründet", "jahrgang",
		"sommers", "winters", "herbsts", "anfangs", "endes", "zum", "des",
		NULL
	};
	size_t p = pv(c, i);
	char w[32];
	if (p == SIZE_MAX)
		return 0;
	if (is_sym(c, p, '.') && p > 0 && month_at(c, p - 1, &(size_t){0}))
		return 1;
	return is_t(c, p, T_WORD) && lower(c, p, w, sizeof w) && in_list(w, cues);
}

/*
 * The reading of a plain integer at token i (no decimals, not grouped):
 * a year when it is four digits 1100..1999 in year context.
 */
static int reads_as_year(const struct ctx *c, size_t i, size_t end)
{
	if (tl(c, i) != 4)
		return 0;
	unsigned long long v = nval(c, i);
	if (v < 1100 || v > 1999)
		return 0;
	if (quantity_follows(c, end))
		return 0;
	size_t n = nx(c, end - 1);
	if (is_cap(c, n) && !month_at(c, n, &(size_t){0})) {
		/* "1500 Menschen" is a count, "im Jahr 1990 Kanzler" a year */
		static const char *const yn[] = { "jahr", "jahre", "jahres", "jahrs", "sommer", "herbst",
			"winter", "frühjahr", "frühling", "januar", "februar", "märz", "april", "mai", "juni",
			"juli", "august", "september", "oktober", "november", "dezember", NULL };
		char w[32];
		size_t p = pv(c, i);
		return p != SIZE_MAX && lower(c, p, w, sizeof w) && in_list(w, yn);
	}
	if (year_before(c, i))
		return 1;
	/* followed by a verb or the end of a clause; a lone number stays a number */
	if (n >= c->nt)
		return pv(c, i) != SIZE_MAX;
	if (is_lowerword(c, n) || is_sym(c, n, ',') || is_sym(c, n, '.') ||
	    is_sym(c, n, ';') || is_sym(c, n, ')') || is_dash(c, n))
		return nx(c, n) < c->nt || pv(c, i) != SIZE_MAX;
	return 0;
}

/* Says a date's year at token i (4 digits, or 2 digits meaning 19xx/20xx). */
static void say_date_year(struct ctx *c, size_t i)
{
	unsigned long long y = nval(c, i);
	if (tl(c, i) == 2)
		y += y < 50 ? 2000 : 1900;
	say_year(c, y);
}

static void start(struct ctx *c, size_t i)
{
	if (i < c->nt) {
		c->anchor_w = c->tk[i].b;
		c->anchor_pending = 1;
		c->glued = i > 0 && c->tk[i - 1].t != T_SPACE;
	}
}

/* "d.m.yyyy", "dd.mm.yy", "d.m." : numeric dates. */
static size_t rule_numdate(struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_NUM) || tl(c, i) > 2 || !is_sym(c, i + 1, '.') || !is_t(c, i + 2, T_NUM) || tl(c, i + 2) > 2)
		return 0;
	unsigned long long d = nval(c, i), m = nval(c, i + 2);
	if (d < 1 || d > 31 || m < 1 || m > 12)
		return 0;
	size_t j = i + 3;
	int year = 0;
	if (is_sym(c, j, '.') && is_t(c, j + 1, T_NUM) && (tl(c, j + 1) == 4 || tl(c, j + 1) == 2)) {
		year = 1;
	} else if (is_sym(c, j, '.')) {
		/* "3.10." */
		if (is_t(c, j + 1, T_NUM) || is_t(c, j + 1, T_WORD))
			return 0;
	} else {
		/* "2.3" without the final dot: a date only after a date word, or alone */
		if (quantity_follows(c, j) || is_t(c, j, T_NUM) || is_t(c, j, T_WORD) || is_sym(c, j, ','))
			return 0;
		if (teq(c, nx(c, j - 1), "Uhr"))
			return 0;
		static const char *const cues[] = { "am", "vom", "zum", "bis", "ab", "seit", "den", "dem",
			"stand", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
			"sonntag", "datum", "frist", "termin", NULL };
		size_t p = pv(c, i);
		char w[16];
		if (p != SIZE_MAX && !(is_t(c, p, T_WORD) && lower(c, p, w, sizeof w) && in_list(w, cues)) &&
		    !is_sym(c, p, ',') && !is_sym(c, p, ':') && !is_sym(c, p, '('))
			return 0;
	}
	size_t e = year ? j + 2 : (is_sym(c, j, '.') ? j + 1 : j);
	const char *end = ord_ending(c, i, SIZE_MAX);
	say_ordinal(c, tp(c, i), tl(c, i), end);
	c->last_ord = end;
	c->last_ord_tok = e;
	say(c, months[m - 1]);
	if (year)
		say_date_year(c, j + 1);
	if (!year && is_sym(c, j, '.') && (e >= c->nt || (c->tk[e].t == T_SPACE && e + 1 >= c->nt)))
		glue(c, ".");
	return e;
}

/* "2025-03-02", "2003-03". */
static size_t rule_isodate(struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_NUM) || tl(c, i) != 4 || !is_sym(c, i + 1, '-') || !is_t(c, i + 2, T_NUM) || tl(c, i + 2) > 2)
		return 0;
	unsigned long long y = nval(c, i), m = nval(c, i + 2);
	if (m < 1 || m > 12 || y < 1000 || y > 2999 || (tl(c, i + 2) == 1 && !is_sym(c, i + 3, '-')))
		return 0;
	if (is_sym(c, i + 3, '-') && is_t(c, i + 4, T_NUM) && tl(c, i + 4) <= 2) {
		unsigned long long d = nval(c, i + 4);
		if (d < 1 || d > 31)
			return 0;
		const char *end = ord_ending(c, i, SIZE_MAX);
		say_ordinal(c, tp(c, i + 4), tl(c, i + 4), end);
		say(c, months[m - 1]);
		say_year(c, y);
		return i + 5;
	}
	if (tl(c, i + 2) != 2 || is_sym(c, i + 3, '-'))
		return 0;
	say(c, months[m - 1]);
	say_year(c, y);
	return i + 3;
}

/* Times: "14:30 Uhr", "20.15 Uhr", "0:05", "01:01:01 Uhr", "um 14:30". */
static size_t rule_time(struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_NUM) || tl(c, i) > 2)
		return 0;
	int colon = is_sym(c, i + 1, ':');
	if (!(colon || is_sym(c, i + 1, '.')) || !is_t(c, i + 2, T_NUM) || tl(c, i + 2) != 2)
		return 0;
	unsigned long long h = nval(c, i), mi = nval(c, i + 2), se = ULLONG_MAX;
	size_t j = i + 3;
	if (colon && is_sym(c, j, ':') && is_t(c, j + 1, T_NUM) && tl(c, j + 1) == 2) {
		se = nval(c, j + 1);
		j += 2;
	}
	if (h > 24 || mi > 59 || (se != ULLONG_MAX && se > 59))
		return 0;
	size_t u = nx(c, j - 1);
	int uhr = teq(c, u, "Uhr") || teq(c, u, "h");
	if (!uhr) {
		char w[16];
		size_t p = pv(c, i);
		int prep = p != SIZE_MAX && lower(c, p, w, sizeof w) &&
			   (!strcmp(w, "um") || !strcmp(w, "gegen") || !strcmp(w, "ab") || !strcmp(w, "bis") ||
			    !strcmp(w, "seit") || !strcmp(w, "zwischen") || !strcmp(w, "von") || !strcmp(w, "vor") ||
			    !strcmp(w, "nach") || !strcmp(w, "zeit") || !strcmp(w, "beginn") || !strcmp(w, "ende"));
		/* "9.30 bis 12 Uhr": a time range ending in "Uhr" */
		int range = 0;
		if (teq(c, u, "bis") || is_dash(c, u)) {
			size_t k = nx(c, u);
			if (is_t(c, k, T_NUM) && tl(c, k) <= 2) {
				if ((is_sym(c, k + 1, ':') || is_sym(c, k + 1, '.')) && is_t(c, k + 2, T_NUM))
					k += 2;
				range = teq(c, nx(c, k), "Uhr");
			}
		}
		if (!(prep || range || (colon && se != ULLONG_MAX) ||
		      (colon && tp(c, i + 2)[0] == '0' && mi && tl(c, i) == 2)))
			return 0;
	}
	struct sb t;
	sb_init(&t);
	nw_cardinal_u(&t, h, NW_EIN);
	sb_adds(&t, " Uhr");
	if (se != ULLONG_MAX) {
		sb_addc(&t, ' ');
		nw_cardinal_u(&t, mi, NW_EINE);
		sb_adds(&t, mi == 1 ? " Minute " : " Minuten ");
		nw_cardinal_u(&t, se, NW_EINE);
		sb_adds(&t, se == 1 ? " Sekunde" : " Sekunden");
	} else if (mi) {
		sb_addc(&t, ' ');
		nw_cardinal_u(&t, mi, NW_EINS);
	}
	say_sb(c, &t);
	sb_release(&t);
	return uhr ? u + 1 : j;
}

/* A unit after a fraction ("1/2 ft"): said in the plural. */
static size_t fraction_unit(struct ctx *c, size_t j)
{
	size_t k = j < c->nt && c->tk[j].t == T_SPACE ? j + 1 : j, used;
	int per;
	const struct unit *un = unit_at(c, k, &used, &per);
	if (!un)
		return j;
	start(c, k);
	if (per)
		say(c, "pro");
	say(c, un->pl);
	return k + used;
}

/* Fractions "1/3", "1 1/2", seasons "2020/21". */
static size_t rule_fraction(struct ctx *c, size_t i, int minus)
{
	size_t a = i;
	size_t whole = SIZE_MAX;
	if (is_t(c, i, T_NUM) && i + 1 < c->nt && c->tk[i + 1].t == T_SPACE && tl(c, i + 1) == 1 &&
	    is_t(c, i + 2, T_NUM) && is_sym(c, i + 3, '/') && is_t(c, i + 4, T_NUM) && tl(c, i) <= 3 &&
	    nval(c, i + 2) < nval(c, i + 4)) {
		whole = i;
		a = i + 2;
	}
	if (!is_t(c, a, T_NUM) || !is_sym(c, a + 1, '/') || !is_t(c, a + 2, T_NUM))
		return 0;
	if (is_t(c, a + 3, T_WORD) || is_sym(c, a + 3, '/'))
		return 0;
	unsigned long long nu = nval(c, a), de = nval(c, a + 2);
	if (tl(c, a) == 4 && (tl(c, a + 2) == 2 || tl(c, a + 2) == 4) && nu >= 1900 && whole == SIZE_MAX) {
		/* season or school year */
		say_year(c, nu);
		if (tl(c, a + 2) == 2)
			say_cardinal(c, tp(c, a + 2), tl(c, a + 2), NW_EINS);
		else
			say_year(c, de);
		return a + 3;
	}
	if (nu == 24 && de == 7 && whole == SIZE_MAX) {
		say(c, "vierundzwanzig sieben");
		return a + 3;
	}
	if (tl(c, a + 2) == 4 && de >= 1900 && de <= 2100 && nu >= 1 && nu <= 12 && whole == SIZE_MAX) {
		/* "12/2024": month and year */
		say(c, months[nu - 1]);
		say_year(c, de);
		return a + 3;
	}
	if (de < 2 || de > 1000000 || tl(c, a) > 6)
		return 0;
	struct sb t;
	sb_init(&t);
	if (minus)
		sb_adds(&t, "minus ");
	if (whole != SIZE_MAX) {
		nw_cardinal(&t, tp(c, whole), tl(c, whole), NW_EIN);
		if (nu == 1 && de == 2) {
			sb_adds(&t, "einhalb");
			say_sb(c, &t);
			sb_release(&t);
			return fraction_unit(c, a + 3);
		}
		sb_addc(&t, ' ');
	}
	nw_cardinal(&t, tp(c, a), tl(c, a), NW_EIN);
	sb_addc(&t, ' ');
	nw_denominator(&t, tp(c, a + 2), tl(c, a + 2), nu != 1);
	say_sb(c, &t);
	sb_release(&t);
	return fraction_unit(c, a + 3);
}

/* Unicode vulgar fractions. */
static const char *vulgar(uint32_t cp, int *half)
{
	*half = 0;
	switch (cp) {
	case 0xBD: *half = 1; return "einhalb";
	case 0xBC: return "ein Viertel";
	case 0xBE: return "drei Viertel";
	case 0x2153: return "ein Drittel";
	case 0x2154: return "zwei Drittel";
	case 0x2155: return "ein Fünftel";
	case 0x2156: return "zwei Fünftel";
	case 0x2157: return "drei Fünftel";
	case 0x2158: return "vier Fünftel";
	case 0x2159: return "ein Sechstel";
	case 0x215A: return "fünf Sechstel";
	case 0x215B: return "ein Achtel";
	case 0x215C: return "drei Achtel";
	case 0x215D: return "fünf Achtel";
	case 0x215E: return "sieben Achtel";
	case 0x2150: return "ein Siebtel";
	case 0x2151: return "ein Neuntel";
	case 0x2152: return "ein Zehntel";
	default: return NULL;
	}
}

/* "ein", "eine", "einem", "einer", "einen": the number 1 before a noun of gender g, by the preposition before it. */
/*
 * "ein", "eine", "einen", "einem", "einer" for a quantity of one (number at
 * token i, the quantity's words end before token `after`) of gender g: the
 * case comes from a preposition before it (also across "und"/"oder": "mit 1 kg
 * und 1 t"), a verb that takes an object ("kostet 1 Euro"), or a measure
 * adjective after it ("ein 1 km langer Stau": accusative of measure).
 */
static const char *one_form(const struct ctx *c, size_t i, size_t after, char g)
{
	static const char *const dat_only[] = { "mit", "von", "bei", "aus", "nach", "seit", "zu",
		"gegenüber", "samt", "nebst", "binnen", "vom", "zum", "beim", NULL };
	static const char *const acc_only[] = { "für", "gegen", "durch", "ohne", "um", NULL };
	static const char *const acc_verbs[] = { "kostet", "kosten", "kostete", "kosteten", "zahlt",
		"zahlen", "zahlte", "zahlten", "beträgt", "betrug", "bringt", "brachte", "erhält",
		"erhielt", "bekommt", "bekam", "verdient", "verdiente", "spart", "sparte", "braucht",
		"brauchte", "wiegt", "wog", "misst", "maß", "kostete", "verlangt", "verlangte",
		"spendet", "spendete", "fordert", "forderte", "sammelt", "sammelte", NULL };
	static const char *const measure_adj[] = { "lang", "breit", "hoch", "hoh", "tief", "schwer",
		"dick", "weit", "alt", "groß", "stark", "teuer", "teur", NULL };
	const char *acc = g == 'f' ? "eine" : g == 'm' ? "einen" : "ein";
	const char *dat = g == 'f' ? "einer" : "einem";
	char w[32];
	/* the accusative of measure before an adjective: "ein 1 km langer Stau" */
	size_t a = after < c->nt && c->tk[after].t == T_SPACE ? after + 1 : after;
	if (a < c->nt && is_lowerword(c, a) && lower(c, a, w, sizeof w)) {
		size_t n = strlen(w);
		while (n > 0 && strchr("ers n", w[n - 1]) && n > 3)
			n--;
		w[n] = '\0';
		if (in_list(w, measure_adj))
			return acc;
	}
	size_t p = pv(c, i);
	for (int hop = 0; hop < 2 && p != SIZE_MAX && is_t(c, p, T_WORD) && lower(c, p, w, sizeof w); hop++) {
		if (in_list(w, dat_only))
			return dat;
		if (in_list(w, acc_only) || in_list(w, acc_verbs))
			return acc;
		if (strcmp(w, "und") && strcmp(w, "oder"))
			break;
		/* "und": the case of the quantity before it, up to three words back */
		size_t q = pv(c, p);
		for (int k = 0; k < 3 && q != SIZE_MAX && !is_t(c, q, T_NUM); k++)
			q = pv(c, q);
		if (q == SIZE_MAX || !is_t(c, q, T_NUM))
			break;
		p = pv(c, q);
	}
	return g == 'f' ? "eine" : "ein";
}

/*
 * Says a quantity: number at i (parsed into m) followed by scale, unit or
 * currency, or preceded by a currency (`pre`). Returns the next token.
 */
static size_t say_quantity(struct ctx *c, struct num *m, const struct currency *pre, int minus)
{
	size_t j = m->end;
	size_t k = j < c->nt && c->tk[j].t == T_SPACE ? j + 1 : j;
	size_t used = 0;
	int sc = scale_at(c, k, &used);
	const struct scale *s = NULL;
	int final_dot = 0;
	if (sc >= 0) {
		s = &scales[sc];
		j = k + used;
		/* "... 5 Mio." at the end: the dot also ends the sentence */
		final_dot = used == 2 && (j >= c->nt || (c->tk[j].t == T_SPACE && j + 1 >= c->nt));
		k = j < c->nt && c->tk[j].t == T_SPACE ? j + 1 : j;
	}
	const struct currency *cur = pre;
	const struct unit *un = NULL;
	int per = 0;
	if (!cur) {
		cur = currency_at(c, k, &used, 1);
		if (cur)
			j = k + used;
	}
	if (!cur) {
		un = unit_at(c, k, &used, &per);
		/* a unit glued to the number ("2km/h") only in a chunk of its own ("W26s" is a code) */
		if (un && k == j && !(chunk_start(c, m->start) || is_sym(c, m->start - 1, '-') ||
				      is_sym(c, m->start - 1, 0x2212)))
			un = NULL;
		if (un && k == j && k + used < c->nt && (c->tk[k + used].t == T_WORD || c->tk[k + used].t == T_NUM))
			un = NULL;
		if (un)
			j = k + used;
	}
	int is_one = !m->fp.len && !strcmp(m->ip.buf + strspn(m->ip.buf, "0"), "1");
	if (minus)
		say(c, "minus");
	if (cur && !s && m->fp.len) {
		/* cents: "49,99 €"; other decimals are read with "Komma" */
		size_t fl = m->fp.len;
		while (fl && m->fp.buf[fl - 1] == '0')
			fl--;
		if (fl <= 2 && cur->sub_sg) {
			char cents[3] = { '0', '0', 0 };
			memcpy(cents, m->fp.buf, fl);
			unsigned cv = (unsigned)((cents[0] - '0') * 10 + (cents[1] - '0'));
			int whole0 = !strcmp(m->ip.buf + strspn(m->ip.buf, "0"), "");
			if (!whole0 || !cv) {
				say_cardinal(c, m->ip.buf, m->ip.len, cur->g == 'f' ? NW_EINE : NW_EIN);
				say(c, cur->name);
			}
			if (cv) {
				say_cardinal_u(c, cv, NW_EIN);
				say(c, cv == 1 ? cur->sub_sg : cur->sub_pl);
			}
			return j;
		}
		if (!fl) {
			say_cardinal(c, m->ip.buf, m->ip.len, cur->g == 'f' ? NW_EINE : NW_EIN);
			say(c, cur->name);
			return j;
		}
		m->fp.len = fl;
		m->fp.buf[fl] = '\0';
	}
	enum nw_one one = NW_EINS;
	char g = s ? 'f' : cur ? cur->g : un ? un->g : 0;
	if (!s && !cur && !un && is_cap(c, k) && k == nx(c, m->end - 1))
		g = gender_at(c, k);
	if (g)
		one = g == 'f' ? NW_EINE : NW_EIN;
	if (s && !strcmp(s->sg, "Tausend"))
		one = NW_EIN;
	if (is_one && !s && !cur && !un && teq(c, k, "Uhr"))
		say(c, "ein");
	else if (is_one && g && !minus)
		say(c, one_form(c, m->start, j, g));
	else
		say_num(c, m, one);
	if (s)
		say(c, is_one ? s->sg : s->pl);
	if (cur)
		say(c, cur->name);
	if (un) {
		if (per)
			say(c, "pro");
		say(c, is_one && !s ? un->sg : un->pl);
	}
	if ((un || cur) && is_sym(c, j, '/')) {
		/* a compound unit: "20 l/m²" -> "Liter pro Quadratmeter", "1,89 €/l" -> "Euro pro Liter" */
		size_t u2;
		int per2;
		const struct unit *d = unit_at(c, j, &u2, &per2);
		if (d && per2 && u2) {
			say(c, "pro");
			say(c, d->sg);
			j += u2;
		}
	}
	if (final_dot && !cur && !un)
		glue(c, ".");
	return j;
}

/* Is token n a capitalised function word, so that a full stop before it ends a sentence? */
static int starts_sentence(const struct ctx *c, size_t n)
{
	static const char *const fw[] = {
		"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "er", "sie",
		"es", "ich", "wir", "ihr", "man", "in", "im", "am", "an", "auf", "aus", "bei",
		"mit", "nach", "seit", "von", "vom", "zu", "zum", "zur", "für", "gegen", "um",
		"auch", "aber", "doch", "dann", "danach", "damit", "dabei", "zudem", "außerdem",
		"hier", "dort", "so", "als", "wie", "was", "wer", "wo", "wann", "warum", "dies",
		"diese", "dieser", "dieses", "jetzt", "heute", "nun", "noch", "schon", "und",
		"oder", "denn", "trotzdem", "deshalb", "daher", "allerdings", "insgesamt",
		"bereits", "zuvor", "später", "nachdem", "während", "wenn", "weil", "ob",
		"laut", "unter", "über", "vor", "nur", "bis", "mehr", "viele", "alle", NULL };
	char w[32];
	return is_cap(c, n) && lower(c, n, w, sizeof w) && in_list(w, fw);
}

/*
 * The ordinal at number token i followed by "." at i+1: is it one? (Dates
 * with a month are handled before.)
 */
static int is_ordinal(struct ctx *c, size_t i)
{
	size_t p = pv(c, i);
	size_t n = nx(c, i + 1);
	char w[32];
	if (i + 1 < c->nt && is_t(c, i + 2, T_NUM))
		return 0; /* "1.5" */
	int det = 0;
	if (p != SIZE_MAX && is_t(c, p, T_WORD) && lower(c, p, w, sizeof w) && det_ending(w, 'm', 0))
		det = 1;
	int big = tl(c, i) >= 4;
	if (n >= c->nt || (is_t(c, n, T_SYM) && !is_dash(c, n) && !is_sym(c, n, '(') && c->tk[n].cp != 0x201E)) {
		/* at the end: "2." alone is an ordinal, "seit 1998." is not */
		return det || p == SIZE_MAX;
	}
	if (det)
		return 1;
	if (is_t(c, n, T_WORD)) {
		if (big)
			return 0;
		char nw2[32];
		if (starts_sentence(c, n) && lower(c, n, nw2, sizeof nw2) &&
		    strcmp(nw2, "bis") && strcmp(nw2, "und") && strcmp(nw2, "oder"))
			return 0;
		char nw[32];
		if (lower(c, n, nw, sizeof nw) && (!strcmp(nw, "bis") || !strcmp(nw, "und") || !strcmp(nw, "oder")))
			return 1;
		return 1;
	}
	if (is_dash(c, n) || is_t(c, n, T_NUM) || is_sym(c, n, '(') || is_sym(c, n, 0x201E))
		return !big;
	return 0;
}

/* Numbers and everything that starts with one. */
static size_t rule_number(struct ctx *c, size_t i)
{
	size_t r;
	int minus = 0;
	size_t s = i;
	/* a number glued to capitals: "G7", "CO2" -> "G-sieben", "C-O-zwei" */
	if (i > 0 && is_t(c, i - 1, T_WORD) && all_caps(c, i - 1) && tl(c, i - 1) <= 5)
		glue(c, "-");
	if ((r = rule_time(c, i)))
		return r;
	if ((r = rule_numdate(c, i)))
		return r;
	if ((r = rule_isodate(c, i)))
		return r;
	if (!is_t(c, i, T_NUM)) {
		/* a sign */
		minus = is_sym(c, i, '-') || is_sym(c, i, 0x2212) || is_sym(c, i, 0x2013);
		s = i + 1;
		if (!is_t(c, s, T_NUM))
			return 0;
	}
	if ((r = rule_fraction(c, s, minus)))
		return r;

	/* version-like "17.2", "1.2.3" (thousands groups have three digits) */
	if (!minus && is_sym(c, s + 1, '.') && is_t(c, s + 2, T_NUM) && (tl(c, s + 2) != 3 || tl(c, s) > 3) &&
	    !(tl(c, s + 2) == 2 && (money_before(c, s) || money_after(c, s + 3)))) {
		size_t k = s;
		say_cardinal(c, tp(c, k), tl(c, k), NW_EINS);
		while (is_sym(c, k + 1, '.') && is_t(c, k + 2, T_NUM) && k < s + 16) {
			start(c, k + 1);
			say(c, "Punkt");
			say_cardinal(c, tp(c, k + 2), tl(c, k + 2), NW_EINS);
			k += 2;
		}
		return k + 1;
	}

	/* ordinal: "12." */
	if (!minus && is_sym(c, s + 1, '.') && tl(c, s) <= 9 && is_ordinal(c, s)) {
		size_t n = nx(c, s + 1);
		size_t used = 0;
		int mo = month_at(c, n, &used);
		/* a range "14. bis 16. Februar" / "3.–5. Mai" takes its noun from the end */
		size_t noun = n;
		if (!mo && (is_dash(c, n) || teq(c, n, "bis") || teq(c, n, "und"))) {
			size_t b = nx(c, n);
			if (is_t(c, b, T_NUM) && is_sym(c, b + 1, '.'))
				noun = nx(c, b + 1);
		}
		int mo2 = month_at(c, noun, &used);
		const char *end;
		if (mo || mo2)
			end = ord_ending(c, s, SIZE_MAX); /* months are masculine */
		else
			end = ord_ending(c, s, noun);
		say_ordinal(c, tp(c, s), tl(c, s), end);
		c->last_ord = end;
		c->last_ord_tok = s + 2;
		if (is_dash(c, n) && noun != n) {
			start(c, n);
			say(c, "bis");
			return n + 1 < c->nt && c->tk[n + 1].t == T_SPACE ? n + 2 : n + 1;
		}
		if (mo) {
			start(c, n);
			say(c, months[mo - 1]);
			size_t y = nx(c, n + used - 1);
			if (is_t(c, y, T_NUM) && tl(c, y) == 4 && !quantity_follows(c, y + 1)) {
				start(c, y);
				say_year(c, nval(c, y));
				return y + 1;
			}
			return n + used;
		}
		return s + 2;
	}

	/* ranges "10–15", "2020-2022" */
	if (!is_sym(c, s + 1, ',') && is_dash(c, s + 1) && is_t(c, s + 2, T_NUM) &&
	    !(is_sym(c, s + 3, '.') && month_at(c, nx(c, s + 3), &(size_t){0})) && !is_dash(c, s + 3)) {
		int years = tl(c, s) == 4 && nval(c, s) >= 1100 && nval(c, s) <= 2099 &&
			    (tl(c, s + 2) == 4 || tl(c, s + 2) == 2);
		if (minus)
			say(c, "minus");
		if (years)
			say_year(c, nval(c, s));
		else
			say_cardinal(c, tp(c, s), tl(c, s), NW_EINS);
		start(c, s + 1);
		say(c, "bis");
		if (years) {
			start(c, s + 2);
			if (tl(c, s + 2) == 2)
				say_cardinal(c, tp(c, s + 2), 2, NW_EINS);
			else
				say_year(c, nval(c, s + 2));
			return s + 3;
		}
		return s + 2;
	}
	/* scores "3:1" */
	if (is_sym(c, s + 1, ':') && is_t(c, s + 2, T_NUM) && tl(c, s) <= 3 && tl(c, s + 2) <= 3) {
		if (minus)
			say(c, "minus");
		say_cardinal(c, tp(c, s), tl(c, s), NW_EINS);
		say(c, "zu");
		say_cardinal(c, tp(c, s + 2), tl(c, s + 2), NW_EINS);
		return s + 3;
	}
	/* decades "1990er", "68er" */
	if (is_t(c, s + 1, T_WORD) && tl(c, s + 1) >= 2 && !memcmp(tp(c, s + 1), "er", 2) && !minus) {
		unsigned long long v = nval(c, s);
		if (tl(c, s) == 4)
			say_year(c, v);
		else
			say_cardinal(c, tp(c, s), tl(c, s), NW_EINS);
		start(c, s + 1);
		glue(c, "");
		sb_add(&c->out->spoken, tp(c, s + 1), tl(c, s + 1));
		return s + 2;
	}
	/* the number followed by a unit/currency/scale */
	struct num m;
	parse_num(c, s, &m);
	if (!m.grouped && !m.fp.len && !minus && reads_as_year(c, s, m.end)) {
		say_year(c, nval(c, s));
		num_release(&m);
		return s + 1;
	}
	if (tl(c, s) > 30 && !m.fp.len && !m.grouped) {
		/* very long digit runs: digit by digit */
		say_digits(c, tp(c, s), tl(c, s));
		num_release(&m);
		return s + 1;
	}
	r = say_quantity(c, &m, NULL, minus);
	num_release(&m);
	/* a capital letter glued to the number: "3D" -> "drei-D" */
	if (is_t(c, r, T_WORD) && r == s + 1 && is_cap(c, r))
		glue(c, "-");
	/* "7x" -> "siebenmal" */
	if (teq(c, r, "x") && r == s + 1 && !is_t(c, r + 1, T_NUM)) {
		glue(c, "mal");
		return r + 1;
	}
	/* a single small letter: "25d" -> "fünfundzwanzig D" */
	if (is_t(c, r, T_WORD) && r == s + 1 && tl(c, r) == 1 && !is_cap(c, r)) {
		start(c, r);
		say_spelled(c, tp(c, r), 1);
		return r + 1;
	}
	return r;
}

/* "€ 5", "$2,20", "EUR 10", "CHF 20" before the number. */
static size_t rule_currency_first(struct ctx *c, size_t i)
{
	size_t used;
	const struct currency *cur = currency_at(c, i, &used, 0);
	if (!cur)
		return 0;
	size_t j = i + used;
	if (j < c->nt && c->tk[j].t == T_SPACE)
		j++;
	int minus = 0;
	if ((is_sym(c, j, '-') || is_sym(c, j, 0x2212)) && is_t(c, j + 1, T_NUM)) {
		minus = 1;
		j++;
	}
	if (!is_t(c, j, T_NUM))
		return 0;
	struct num m;
	parse_num(c, j, &m);
	/* English thousands "$2,000,000" are rare; "2,000" is read as decimals */
	size_t r = say_quantity(c, &m, cur, minus);
	num_release(&m);
	return r;
}

/* ---- words ---------------------------------------------------------------- */

/* Tries the abbreviation table at word token i. */
static size_t rule_abbr(struct ctx *c, size_t i)
{
	if (!is_sym(c, i + 1, '.'))
		return 0;
	for (size_t k = 0; k < abbrev_count; k++) {
		const struct abbrev *a = &abbrev_table[k];
		if (!a->spoken)
			continue;
		size_t j = i;
		int ok = 1;
		for (int p = 0; p < 4 && a->parts[p]; p++) {
			if (p > 0 && j < c->nt && c->tk[j].t == T_SPACE && tl(c, j) == 1)
				j++;
			/* a capital at the start of a sentence: "Z. B.", "Vgl." */
			int m = teq(c, j, a->parts[p]);
			if (!m && p == 0 && a_islower((unsigned char)a->parts[0][0]) &&
			    (unsigned char)tp(c, j)[0] == a_toupper((unsigned char)a->parts[0][0]) &&
			    tl(c, j) == strlen(a->parts[0]) && !memcmp(tp(c, j) + 1, a->parts[0] + 1, tl(c, j) - 1))
				m = 1;
			if (!m || !is_sym(c, j + 1, '.')) {
				ok = 0;
				break;
			}
			j += 2;
		}
		if (!ok)
			continue;
		/* "u.a.m" is no "u. a."; "S.12" and "Nr.5" are fine */
		if (is_t(c, j, T_WORD))
			continue;
		size_t n = nx(c, j - 1);
		if (a->need == AB_NEED_NUM && !is_t(c, n, T_NUM))
			continue;
		if (a->need == AB_NEED_CAP && !is_cap(c, n))
			continue;
		if ((!strcmp(a->spoken, "Stück") || !strcmp(a->parts[0], "f")) && !is_t(c, pv(c, i), T_NUM))
			continue;
		/* "in der 90. Min." is one minute */
		size_t pp = pv(c, i);
		if (is_sym(c, pp, '.') && pp > 0 && is_t(c, pp - 1, T_NUM) &&
		    (!strcmp(a->spoken, "Minuten") || !strcmp(a->spoken, "Stunden") || !strcmp(a->spoken, "Sekunden"))) {
			char one[16];
			snprintf(one, sizeof one, "%.*s", (int)strlen(a->spoken) - 1, a->spoken);
			say(c, one);
		} else {
			say(c, a->spoken);
		}
		/* the dot of an abbreviation at the very end also ends the sentence */
		if (j >= c->nt || (c->tk[j].t == T_SPACE && j + 1 >= c->nt) ||
		    (a->need != AB_NEED_CAP && starts_sentence(c, nx(c, j - 1))))
			glue(c, ".");
		return j;
	}
	return 0;
}

/* Street names with an abbreviated ending: "Goethestr. 5" -> "Goethestraße", "Rathauspl." -> "Rathausplatz". */
static size_t rule_street(struct ctx *c, size_t i)
{
	static const char *const ends[][2] = { { "str", "straße" }, { "pl", "platz" }, { "weg", "weg" } };
	const char *p = tp(c, i);
	size_t n = tl(c, i);
	if (!is_sym(c, i + 1, '.') || !is_cap(c, i) || n < 5)
		return 0;
	for (size_t k = 0; k < 2; k++) {
		size_t el = strlen(ends[k][0]);
		if (n <= el + 2 || memcmp(p + n - el, ends[k][0], el) || !a_islower((unsigned char)p[n - el - 1]))
			continue;
		struct sb t;
		sb_init(&t);
		sb_add(&t, p, n - el);
		sb_adds(&t, ends[k][1]);
		say_sb(c, &t);
		sb_release(&t);
		size_t e = i + 2;
		if (e >= c->nt || (c->tk[e].t == T_SPACE && e + 1 >= c->nt) || starts_sentence(c, nx(c, i + 1)))
			glue(c, ".");
		return e;
	}
	return 0;
}

/* Roman numeral value of token i (strict), 0 if none. */
static int roman_value(const struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_WORD) || tl(c, i) > 12)
		return 0;
	const char *p = tp(c, i);
	size_t n = tl(c, i);
	static const char sym[] = "IVXLCDM";
	static const int val[] = { 1, 5, 10, 50, 100, 500, 1000 };
	int total = 0, prev = 0;
	for (size_t k = n; k-- > 0;) {
		const char *q = strchr(sym, p[k]);
		if (!q || !p[k])
			return 0;
		int v = val[q - sym];
		if (v < prev)
			total -= v;
		else
			total += v;
		if (v > prev)
			prev = v;
	}
	/* canonical form check: regenerate */
	static const char *const th[] = { "", "M", "MM", "MMM" };
	static const char *const hu[] = { "", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM" };
	static const char *const te[] = { "", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC" };
	static const char *const on[] = { "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX" };
	if (total <= 0 || total >= 4000)
		return 0;
	char buf[32];
	snprintf(buf, sizeof buf, "%s%s%s%s", th[total / 1000], hu[total / 100 % 10], te[total / 10 % 10], on[total % 10]);
	if (strlen(buf) != n || memcmp(buf, p, n))
		return 0;
	return total;
}

/* "Wilhelm II." -> "Wilhelm der Zweite"; "Teil III" -> "Teil drei". */
/* Verbs after which a regnal name is the object: "wählten Papst Leo XIV." -> "den Vierzehnten". */
static const char *const regnal_acc_verbs[] = {
	"wählten", "wählte", "krönten", "krönte", "trafen", "traf", "empfing", "empfingen",
	"besuchte", "besuchten", "begrüßte", "begrüßten", "ehrte", "ehrten", "beerbte",
	"kritisierte", "lobte", "zeigt", "zeigte", "feierten", "feierte", NULL
};
/* Titles before a regnal name ("Papst Leo XIV."): not a noun governing a genitive. */
static const char *const regnal_titles[] = {
	"könig", "königin", "kaiser", "kaiserin", "papst", "prinz", "prinzessin", "zar", "zarin",
	"herzog", "herzogin", "fürst", "fürstin", "kurfürst", "graf", "gräfin", "sultan", NULL
};
/* Names and titles of women with a regnal number. */
static const char *const regnal_female[] = {
	"königin", "queen", "kaiserin", "zarin", "fürstin", "elisabeth", "elizabeth", "maria", "victoria",
	"viktoria", "katharina", "margrethe", "beatrix", "juliana", "wilhelmina", "christina",
	"isabella", "isabel", "mary", "anne", "anna", "johanna", "luise", "louise", NULL
};

static size_t rule_roman(struct ctx *c, size_t i)
{
	int v = roman_value(c, i);
	if (!v)
		return 0;
	size_t p = pv(c, i);
	if (p == SIZE_MAX || !is_t(c, p, T_WORD))
		return 0;
	char w[32];
	static const char *const plain[] = {
		"teil", "kapitel", "band", "akt", "staffel", "folge", "phase", "stufe",
		"buch", "artikel", "absatz", "typ", "version", "abschnitt", "anhang",
		"szene", "episode", "titel", "tome", "vol", "hartz", NULL
	};
	const char *rp = tp(c, i);
	int letters_ok = tl(c, i) >= 2 || *rp == 'I' || *rp == 'V' || *rp == 'X';
	if (lower(c, p, w, sizeof w) && in_list(w, plain) && v <= 100 && letters_ok &&
	    (v > 1 || !is_sym(c, i + 1, '.'))) {
		say_cardinal_u(c, (unsigned long long)v, NW_EINS);
		return i + 1;
	}
	if (!is_cap(c, p) || all_caps(c, p) || v > 50 || !letters_ok)
		return 0;
	/* without the dot ("Elizabeth II") only two or more letters, and no noun after */
	if (!is_sym(c, i + 1, '.') && (tl(c, i) < 2 || is_cap(c, nx(c, i)) || is_t(c, i + 1, T_WORD) ||
				       is_t(c, i + 1, T_NUM) || is_sym(c, i + 1, '-')))
		return 0;
	/* case from the word before the name(s) */
	size_t q = p;
	for (int k = 0; k < 3; k++) {
		size_t r = pv(c, q);
		if (r == SIZE_MAX || !is_cap(c, r))
			break;
		char x[32];
		if (lower(c, r, x, sizeof x) && (det_ending(x, 'm', 0) || in_list(x, dat_preps)))
			break;
		q = r;
	}
	size_t b = pv(c, q);
	enum { NOM, ACC, DAT, GEN } cs = NOM;
	char x[32];
	if (b != SIZE_MAX && is_t(c, b, T_WORD) && lower(c, b, x, sizeof x)) {
		if (!strcmp(x, "dem") || !strcmp(x, "vom") || !strcmp(x, "zum") || !strcmp(x, "beim") ||
		    (in_list(x, dat_preps) && strcmp(x, "in") && strcmp(x, "an") && strcmp(x, "auf") && strcmp(x, "über")) ||
		    !strcmp(x, "unter"))
			cs = DAT;
		else if (!strcmp(x, "den") || in_list(x, acc_preps) || in_list(x, regnal_acc_verbs))
			cs = ACC;
		else if (!strcmp(x, "des"))
			cs = GEN;
	}
	/* "das Erbe Karls III.": a name with genitive s after a noun */
	size_t bp = pv(c, p);
	char y0[32];
	if (cs == NOM && bp != SIZE_MAX && is_cap(c, bp) && !starts_sentence(c, bp) &&
	    !(lower(c, bp, y0, sizeof y0) && in_list(y0, regnal_titles)) &&
	    tl(c, p) > 3 && tp(c, p)[tl(c, p) - 1] == 's')
		cs = GEN;
	/* queens and empresses: "Elisabeth II." is "die Zweite" */
	int fem = 0;
	for (size_t k = q; k != SIZE_MAX && k <= p; k = nx(c, k)) {
		char y[32];
		if (is_t(c, k, T_WORD) && lower(c, k, y, sizeof y) && in_list(y, regnal_female))
			fem = 1;
		if (k == p)
			break;
	}
	static const char *const arts[2][4] = { { "der", "den", "dem", "des" }, { "die", "die", "der", "der" } };
	const char *art = arts[fem][cs];
	const char *end = cs == NOM || (fem && cs == ACC) ? "e" : "en";
	struct sb t;
	sb_init(&t);
	sb_adds(&t, art);
	sb_addc(&t, ' ');
	size_t o = t.len;
	nw_ordinal_u(&t, (unsigned long long)v, end);
	t.buf[o] = (char)a_toupper((unsigned char)t.buf[o]);
	say_sb(c, &t);
	sb_release(&t);
	if (!is_sym(c, i + 1, '.'))
		return i + 1;
	size_t e = i + 2;
	if (e >= c->nt || (c->tk[e].t == T_SPACE && e + 1 >= c->nt))
		glue(c, ".");
	return e;
}

/* Acronyms read as words. */
static const char *const acro_words[] = {
	"NATO", "UNO", "UNESCO", "UNICEF", "NASA", "FIFA", "UEFA", "OPEC", "DAX",
	"AIDS", "ESA", "ASEAN", "NAFTA", "CERN", "IKEA", "FRONTEX", "INTERPOL",
	"EUROPOL", "TÜV", "BAföG", "BAFÖG", "HAMAS", "ISIS", "MERCOSUR", "OPEC",
	"DAX", "MDAX", "TecDAX", "SDAX", "LAN", "WLAN", "PIN", "TAN", "GAU",
	"SARS", "MERS", "COVID", "LIDL", "ALDI", "UFO", "ZEIT", "TAZ", "NABU",
	"BUND", "DIN", "ISO", "LED", "RAM", "ROM", "DAB", "NAS", "PEGIDA", "INSA",
	"FORSA", "KITA", "IRIS", "ARAG", "ADAC", "HUK", "SAP", "BASF", "NRW", NULL
};
/* Spoken forms for a few acronyms that are not simply spelled. */
static const char *const acro_special[][2] = {
	{ "ADAC", "A-D-A-C" }, { "NRW", "N-R-W" }, { "SAP", "S-A-P" }, { "BASF", "B-A-S-F" },
	{ "HUK", "H-U-K" }, { "UK", "U-K" },
};

/* Acronyms that are spelled even inside an all-capital headline. */
static const char *const acro_spelled[] = {
	"EU", "USA", "US", "UN", "UK", "BND", "CDU", "CSU", "SPD", "FDP", "AFD", "ARD", "ZDF",
	"BBC", "CNN", "WHO", "IWF", "EZB", "BIP", "KI", "ICE", "DFB", "FC", "DGB", "IG", "SPÖ",
	"ÖVP", "FPÖ", "SVP", "BVB", "HSV", "VW", "BMW", "PKW", "LKW", "ADAC", "BKA", "LKA",
	"BGH", "EM", "WM", "TV", "DDR", "BRD", "NRW", "ÖPNV", "SUV", "IT", "PC", "USB", "SMS",
	"GPS", "DNA", "AG", "GMBH", "IS", "RAF", "NS", "KZ", "GB",
	"AKW", "EKD", "MDR", "NDR", "WDR", "SWR", "BR", "HR", "RBB", "ORF", "SRF", NULL
};

static int in_list_bytes(const char *p, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !memcmp(*list, p, n))
			return 1;
	return 0;
}

static int has_vowel(const char *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (is_vowel_ascii((unsigned char)p[k]) || (unsigned char)p[k] >= 0x80)
			return 1;
	return 0;
}

static void say_spelled(struct ctx *c, const char *p, size_t n)
{
	struct sb t;
	sb_init(&t);
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0)
			break;
		if (t.len)
			sb_addc(&t, '-');
		if (cp == 'Y' || cp == 'y')
			sb_adds(&t, "Ypsilon");
		else
			sb_addcp(&t, cp_toupper(cp));
		k += (size_t)m;
	}
	say_sb(c, &t);
	sb_release(&t);
}

static size_t rule_acronym(struct ctx *c, size_t i)
{
	const char *p = tp(c, i);
	size_t n = tl(c, i);
	int caps = 0, lowers = 0;
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0)
			return 0;
		if (cp_isupper(cp))
			caps++;
		else
			lowers++;
		k += (size_t)m;
	}
	if (caps < 2)
		return 0;
	for (size_t k = 0; k < ARRAY_LEN(acro_special); k++)
		if (teq(c, i, acro_special[k][0])) {
			say(c, acro_special[k][1]);
			return i + 1;
		}
	for (const char *const *w = acro_words; *w; w++)
		if (teq(c, i, *w)) {
			/* "NATO" -> "Nato": eSpeak reads a capitalised word as a word */
			say_capitalised(c, p, n);
			return i + 1;
		}
	if (!lowers && c->headline && !in_list_bytes(p, n, acro_spelled) &&
	    !(n <= 3 && !has_vowel(p, n))) {
		/* an all-capital headline: "WAHL IN BERLIN" is read as words */
		say_capitalised(c, p, n);
		return i + 1;
	}
	if (!lowers && caps <= 5) {
		if (caps == 5) {
			/* five capitals: spell only when there is no vowel to carry a word */
			int vow = 0;
			for (size_t k = 0; k < n; k++)
				vow += is_vowel_ascii((unsigned char)p[k]);
			if (vow >= 2)
				return 0;
		}
		say_spelled(c, p, n);
		return i + 1;
	}
	/* "NGOs", "GmbH", "AfD", "KfW" */
	if (lowers == 1 && caps >= 2 && caps <= 4 && p[n - 1] == 's') {
		say_spelled(c, p, n - 1);
		glue(c, "s");
		return i + 1;
	}
	if (caps >= 2 && n <= 5 && caps * 2 >= (int)n) {
		say_spelled(c, p, n);
		return i + 1;
	}
	return 0;
}

/* Weekday abbreviations "Mo.", "Mo.–Fr.". */
static size_t rule_weekday(struct ctx *c, size_t i)
{
	const char *wd = weekday_abbr(c, i);
	if (!wd)
		return 0;
	int dot = is_sym(c, i + 1, '.');
	size_t n = dot ? nx(c, i + 1) : i + 1;
	size_t p = pv(c, i);
	int ok;
	/* words that announce a day: "am Mo.", "ab Di.", "jeden Fr." */
	static const char *const before_day[] = { "am", "ab", "bis", "vom", "zum", "jeden", "jeweils",
						  "und", "oder", "außer", "nächsten", "kommenden" };
	int announced = 0;
	for (size_t k = 0; p != SIZE_MAX && k < ARRAY_LEN(before_day); k++)
		announced |= tieq(c, p, before_day[k]);
	if (dot)
		ok = announced || (is_t(c, n, T_NUM) && is_sym(c, n + 1, '.')) || is_sym(c, n, ',') ||
		     ((is_dash(c, n) || teq(c, n, "bis") || is_sym(c, n, '/')) && weekday_abbr(c, nx(c, n))) ||
		     (p != SIZE_MAX && (is_dash(c, p) || teq(c, p, "bis") || is_sym(c, p, '/')) && p > 1 &&
		      is_sym(c, pv(c, p), '.') && weekday_abbr(c, pv(c, p) - 1)) ||
		     (i > 1 && (is_dash(c, i - 1) || is_sym(c, i - 1, '/')) && weekday_abbr(c, i - 2));
	else /* "Mo–Fr" without dots: only as a range */
		ok = ((is_dash(c, n) || is_sym(c, n, '/')) && weekday_abbr(c, n + 1)) ||
		     (i > 1 && (is_dash(c, i - 1) || is_sym(c, i - 1, '/')) && weekday_abbr(c, i - 2));
	if (!ok)
		return 0;
	say(c, wd);
	if (is_dash(c, n) && weekday_abbr(c, nx(c, n))) {
		start(c, n);
		say(c, "bis");
		return nx(c, n);
	}
	if (dot && (i + 2 >= c->nt || (c->tk[i + 2].t == T_SPACE && i + 3 >= c->nt) || starts_sentence(c, nx(c, i + 1))))
		glue(c, ".");
	return dot ? i + 2 : i + 1;
}

/* Starts the output of a replacement `r` for token i: space, anchor, no "]][[" run-together. */
static void emit_start(struct ctx *c, size_t i, const char *r)
{
	if ((i > 0 && c->tk[i - 1].t == T_SPACE) || c->said)
		sep(c);
	struct sb *o = &c->out->spoken;
	if (o->len && (o->buf[o->len - 1] == '[' || o->buf[o->len - 1] == ']') && r[0] == '[')
		sb_addc(o, ' ');
	add_anchor(c);
}

/* A code point that is probably a letter the tokenizer does not know (Vietnamese "ễ"), not punctuation. */
static int letter_like(uint32_t cp)
{
	return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !(cp >= 0x2000 && cp <= 0x2BFF) &&
	       !(cp >= 0x3000 && cp <= 0x303F) && !(cp >= 0xFE00);
}

/* A word read in another language's manner, or one eSpeak would read in another voice (foreign.h). */
static size_t rule_foreign(struct ctx *c, size_t i)
{
	const struct lexicon *lx = c->o ? c->o->lex : NULL;
	if (!lx || tl(c, i) < 2 || all_caps(c, i))
		return 0;
	/* part of a word the tokenizer cut at a letter it does not know ("Nguyễn"): leave it whole */
	if ((i + 1 < c->nt && c->tk[i + 1].t == T_SYM && letter_like(c->tk[i + 1].cp)) ||
	    (i > 0 && c->tk[i - 1].t == T_SYM && letter_like(c->tk[i - 1].cp)))
		return 0;
	struct foreign *fx = lex_foreign(lx, c->w);
	struct sb ph;
	sb_init(&ph);
	if (!fx || !foreign_say(fx, tp(c, i), tl(c, i), &ph)) {
		sb_release(&ph);
		return 0;
	}
	emit_start(c, i, ph.buf);
	sb_add(&c->out->spoken, ph.buf, ph.len);
	c->said = 0;
	sb_release(&ph);
	return i + 1;
}

/* Looks a word up in the lexicon (whole hyphenated compound first). */
static size_t rule_lexicon(struct ctx *c, size_t i)
{
	const struct lexicon *lx = c->o ? c->o->lex : NULL;
	if (!lx)
		return 0;
	size_t j = i + 1;
	while (is_sym(c, j, '-') && is_t(c, j + 1, T_WORD) && j < i + 8)
		j += 2;
	const char *r = NULL;
	if (j > i + 1)
		r = lex_lookup(lx, tp(c, i), c->tk[j - 1].e - c->tk[i].b);
	if (!r) {
		j = i + 1;
		r = lex_lookup(lx, tp(c, i), tl(c, i));
	}
	int gen = 0;
	if (!r && tl(c, i) > 3 && tp(c, i)[tl(c, i) - 1] == 's') {
		/* genitive "Bidens" */
		r = lex_lookup(lx, tp(c, i), tl(c, i) - 1);
		gen = r != NULL;
	}
	if (!r)
		return 0;
	emit_start(c, i, r);
	size_t rl = strlen(r);
	if (gen && rl >= 4 && !strcmp(r + rl - 2, "]]")) {
		sb_add(&c->out->spoken, r, rl - 2);
		sb_adds(&c->out->spoken, "s]]");
	} else {
		sb_adds(&c->out->spoken, r);
		if (gen)
			sb_addc(&c->out->spoken, 's');
	}
	c->said = 0;
	return j;
}

/* Symbols with a spoken form. */
static size_t rule_symbol(struct ctx *c, size_t i)
{
	uint32_t cp = c->tk[i].cp;
	int half;
	const char *v = vulgar(cp, &half);
	if (v && i > 0 && c->tk[i - 1].t == T_NUM && (cp == 0xBD || cp == 0xBC || cp == 0xBE)) {
		/* "1½" -> "eineinhalb", "2¾" -> "zweidreiviertel": one word */
		struct sb *o = &c->out->spoken;
		if (o->len >= 4 && !memcmp(o->buf + o->len - 4, "eins", 4))
			o->len--, o->buf[o->len] = '\0';
		sb_adds(o, cp == 0xBD ? "einhalb" : cp == 0xBC ? "einviertel" : "dreiviertel");
		c->said = 1;
		return i + 1;
	}
	if (v && cp == 0xBD && is_t(c, nx(c, i), T_WORD) && is_cap(c, nx(c, i))) {
		/* "½ Prozent" -> "ein halbes Prozent", "½ Stunde" -> "eine halbe Stunde" */
		char g = gender_at(c, nx(c, i));
		say(c, g == 'f' ? "eine halbe" : g == 'n' ? "ein halbes" : "ein halber");
		return i + 1;
	}
	if (v) {
		say(c, v);
		return i + 1;
	}
	size_t p = pv(c, i), n = nx(c, i);
	int spaced = i > 0 && c->tk[i - 1].t == T_SPACE && i + 1 < c->nt && c->tk[i + 1].t == T_SPACE;
	switch (cp) {
	case '&':
		say(c, "und");
		return i + 1;
	case 0xA7: /* § */
		say(c, is_sym(c, i + 1, 0xA7) ? "Paragrafen" : "Paragraf");
		return is_sym(c, i + 1, 0xA7) ? i + 2 : i + 1;
	case '%':
		say(c, "Prozent");
		return i + 1;
	case 0x2030:
		say(c, "Promille");
		return i + 1;
	case '+':
		if (spaced || is_t(c, n, T_NUM)) {
			say(c, "plus");
			return i + 1;
		}
		break;
	case '=':
		if (spaced) {
			say(c, "gleich");
			return i + 1;
		}
		break;
	case 0xD7: /* × */
		say(c, "mal");
		return i + 1;

	case 0xB1:
		say(c, "plus minus");
		return i + 1;
	case '~':
		if (is_t(c, n, T_NUM)) {
			say(c, "circa");
			return i + 1;
		}
		break;
	case 0x2013: case 0x2014:
		if (spaced || (p == SIZE_MAX) || n >= c->nt) {
			/* a dash between clauses: a pause */
			if (c->out->spoken.len)
				glue(c, ",");
			return i + 1;
		}
		break;
	case '#':
		if (is_t(c, i + 1, T_WORD)) {
			say(c, "Hashtag");
			return i + 1;
		}
		break;
	case '*': case '_': case '|': case 0x2022: case 0xB7:
		return i + 1; /* markup and bullets: silent */
	case 0x20AC:
		say(c, "Euro");
		return i + 1;
	case 0:
		return i + 1;
	default:
		break;
	}
	(void)p;
	return 0;
}

/* ---- driver --------------------------------------------------------------- */

static int chunk_start(const struct ctx *c, size_t i)
{
	return i == 0 || c->tk[i - 1].t == T_SPACE || is_sym(c, i - 1, '(') || is_sym(c, i - 1, '"') ||
	       is_sym(c, i - 1, 0x201E) || is_sym(c, i - 1, '<') || is_sym(c, i - 1, '[');
}

void verb_init(struct verbalized *v)
{
	sb_init(&v->spoken);
	v->anchors = NULL;
	v->nanchors = v->cap = 0;
}

void verb_release(struct verbalized *v)
{
	sb_release(&v->spoken);
	free(v->anchors);
	v->anchors = NULL;
	v->nanchors = v->cap = 0;
}

void verb_sentence(const char *written, size_t len, const struct verb_opts *o,
		   struct verbalized *out, struct warns *w)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.s = written ? written : "";
	c.n = written ? len : 0;
	c.out = out;
	c.o = o;
	c.w = w;
	sb_reset(&out->spoken);
	out->nanchors = 0;
	XGROW(out->anchors, out->cap, 1);
	out->anchors[out->nanchors++] = (struct verb_anchor){ 0, 0 };
	tokenize(&c);
	c.nextsp = xmalloc((c.nt + 1) * sizeof *c.nextsp);
	c.nextsp[c.nt] = c.nt;
	size_t words = 0, capw = 0, longw = 0;
	for (size_t i = 0; i < c.nt; i++) {
		if (c.tk[i].t != T_WORD || tl(&c, i) < 2)
			continue;
		words++;
		if (all_caps(&c, i)) {
			capw++;
			longw += tl(&c, i) >= 4 && has_vowel(tp(&c, i), tl(&c, i)) &&
				 !(i + 1 < c.nt && c.tk[i + 1].t == T_NUM);
		}
	}
	c.headline = capw >= 3 && longw >= 2 && capw * 3 > words * 2;
	for (size_t i = c.nt; i-- > 0;)
		c.nextsp[i] = c.tk[i].t == T_SPACE ? i : c.nextsp[i + 1];

	for (size_t i = 0; i < c.nt;) {
		size_t r = 0;
		if (c.tk[i].t == T_SPACE) {
			i++;
			continue;
		}
		start(&c, i);
		if (chunk_start(&c, i)) {
			size_t e = chunk_end(&c, i);
			if (e > i && ((r = rule_address(&c, i, e)) || (r = rule_secret(&c, i, e)) ||
				      (r = rule_phone(&c, i)))) {
				i = r;
				continue;
			}
		}
		switch (c.tk[i].t) {
		case T_NUM:
			r = rule_number(&c, i);
			break;
		case T_SYM:
			if ((is_sym(&c, i, '-') || is_sym(&c, i, 0x2212) || is_sym(&c, i, 0x2013)) &&
			    is_t(&c, i + 1, T_NUM) && chunk_start(&c, i))
				r = rule_number(&c, i);
			if (!r)
				r = rule_currency_first(&c, i);
			if (!r)
				r = rule_symbol(&c, i);
			break;
		case T_WORD:
			if (teq(&c, i, "x") && is_t(&c, pv(&c, i), T_NUM) && is_t(&c, nx(&c, i), T_NUM)) {
				say(&c, "mal");
				r = i + 1;
				break;
			}
			if (!(r = rule_lexicon(&c, i)) && !(r = rule_currency_first(&c, i)) &&
			    !(r = rule_weekday(&c, i)) && !(r = rule_abbr(&c, i)) && !(r = rule_street(&c, i)) &&
			    !(r = rule_roman(&c, i)) && !(r = rule_acronym(&c, i)))
				r = rule_foreign(&c, i);
			break;
		default:
			break;
		}
		if (!r) {
			pass(&c, i);
			r = i + 1;
			/* "gut.Es geht": a missing space after a full stop */
			if (is_sym(&c, i, '.') && i > 0 && is_t(&c, i - 1, T_WORD) && tl(&c, i - 1) > 1 &&
			    is_cap(&c, i + 1) && tl(&c, i + 1) > 1)
				sb_addc(&out->spoken, ' ');
		}
		i = r;
	}
	sb_rtrim(&out->spoken);
	/* a trailing anchor may point past the trimmed end */
	while (out->nanchors > 1 && out->anchors[out->nanchors - 1].spoken >= out->spoken.len && out->spoken.len)
		out->nanchors--;
	free(c.tk);
	free(c.nextsp);
}
