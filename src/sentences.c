/*
 * sentences.c - split written German into sentences.
 *
 * A candidate boundary is a run of terminators (. ! ? …) with any closing
 * quotes or brackets attached, followed by white space or the end of the
 * text. Whether the candidate is a boundary depends on the token before it
 * (abbreviation, initial, ordinal number, Roman numeral) and on the word after
 * it (a lowercase word continues the sentence, a month name follows a date).
 * Everything is a linear scan; a token looked at is never longer than
 * TOKEN_MAX bytes, so no input makes the splitter slow.
 */
#include <stdlib.h>
#include <string.h>
#include "sentences.h"
#include "abbrev.h"
#include "util.h"

#define TOKEN_MAX 64

/* ---- the list ---------------------------------------------------------- */

void sent_init(struct sentlist *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
}

void sent_release(struct sentlist *l)
{
	free(l->v);
	sent_init(l);
}

/* ---- characters -------------------------------------------------------- */

/* Start of the code point that ends just before t[i] (i > 0). */
static size_t prev_start(const char *t, size_t i)
{
	size_t k = i - 1;
	int steps = 0;

	while (k > 0 && steps < 3 && ((unsigned char)t[k] & 0xC0) == 0x80) {
		k--;
		steps++;
	}
	return k;
}

/* White space, including NBSP, the Unicode spaces and zero-width ones. */
static int is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v' || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) ||
	       c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* Sentence terminators: . ! ? and the ellipsis character. */
static int is_term(uint32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == 0x2026;
}

/* Characters that may close a quotation, bracket or footnote after a terminator. */
static int is_closer(uint32_t c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' ||
	       c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 ||
	       c == 0xAB || c == 0xBB || c == 0x2039 || c == 0x203A ||
	       c == 0xB9 || c == 0xB2 || c == 0xB3 || (c >= 0x2070 && c <= 0x2079);
}

/* Characters that may open a quotation or bracket before a word. */
static int is_opener(uint32_t c)
{
	return c == '"' || c == '\'' || c == '(' || c == '[' || c == '{' ||
	       c == 0x201E || c == 0x201A || c == 0x201C || c == 0x2018 ||
	       c == 0xAB || c == 0xBB || c == 0x2039 || c == 0x203A;
}

/* ---- tables ------------------------------------------------------------ */

static const char *const months[] = {
	"Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli",
	"August", "September", "Oktober", "November", "Dezember",
	"Jan", "Feb", "Febr", "Mär", "Mrz", "Apr", "Jun", "Jul", "Aug", "Sep",
	"Sept", "Okt", "Nov", "Dez",
};

/* Words after which "12." is an ordinal ("am 12.", "der 1."). */
static const char *const ordinal_before[] = {
	"der", "die", "das", "dem", "den", "des", "am", "im", "vom", "zum", "zur",
	"beim", "ins", "ans", "aufs", "ums", "ein", "eine",
	"einem", "einen", "einer", "eines", "sein", "seine", "seinem", "seinen",
	"seiner", "ihr", "ihre", "ihrem", "ihren", "ihrer", "jeder", "jede",
	"jedem", "jeden", "jedes", "diese", "dieser", "diesem", "diesen",
	"dieses", "unser", "unsere", "unserem", "Mo", "Di", "Mi", "Do", "Fr",
	"Sa", "So", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag",
	"Samstag", "Sonnabend", "Sonntag",
};

/*
 * Nouns that follow an ordinal ("im 19. Jahrhundert", "zum 3. Mal"), matched
 * as the end of the next word (so compounds count: "Bundesliga"), with an
 * optional genitive or plural ending.
 */
static const char *const ordinal_nouns[] = {
	"jahrhundert", "jahrtausend", "mal", "platz", "rang", "stock", "klasse",
	"liga", "runde", "spieltag", "etappe", "kapitel", "geburtstag",
	"jahrestag", "todestag", "weltkrieg", "lebensjahr", "quartal", "halbjahr",
	"semester", "advent", "halbzeit", "minute", "etage", "sinfonie",
	"symphonie", "akt", "strophe", "staffel", "auflage", "ausgabe", "stufe",
	"parteitag", "amtszeit", "legislaturperiode", "wahlgang", "durchgang",
	"sitzung", "jahrgang", "generation", "lauf", "rennen", "tor", "treffer",
	"versuch", "anlauf", "grad", "bezirk", "armee", "division", "korps",
	"flotte", "internationale", "republik", "reich", "buch", "band", "teil",
	"folge", "episode", "sonntag", "ordnung", "person", "fc", "ligist",
};

/* Whether the word t[0..n) is, or ends in, an ordinal noun (ASCII case-insensitive). */
static int is_ordinal_noun(const char *t, size_t n)
{
	char w[TOKEN_MAX];
	static const char *const endings[] = { "", "s", "es", "n", "en", "e" };
	uint32_t c0;

	if (n == 0 || n > sizeof w || (utf8_step(t, n, 0, &c0), !cp_isupper(c0)))
		return 0;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)a_tolower((unsigned char)t[i]);
	for (size_t i = 0; i < ARRAY_LEN(ordinal_nouns); i++) {
		size_t sn = strlen(ordinal_nouns[i]);
		for (size_t k = 0; k < ARRAY_LEN(endings); k++) {
			size_t en = strlen(endings[k]);
			if (sn + en > n || memcmp(w + n - en, endings[k], en))
				continue;
			if (memcmp(w + n - en - sn, ordinal_nouns[i], sn) == 0 &&
			    (sn >= 4 || n - en == sn))
				return 1;
		}
	}
	return 0;
}

/*
 * Words that typically start a sentence and hardly ever follow a scale word
 * or an initial inside one ("3 Mrd. Die Summe", "Plan B. Die Regierung").
 */
static const char *const starters[] = {
	"Die", "Der", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einer", "Es",
	"Er", "Sie", "Wir", "Ich", "Ihr", "Man", "Im", "In", "Am", "An", "Auf",
	"Aus", "Bei", "Mit", "Nach", "Vor", "Von", "Zu", "Zum", "Zur", "Für",
	"Um", "Über", "Unter", "Seit", "Bis", "Auch", "Aber", "Doch", "Dann",
	"Denn", "Da", "Dort", "Damit", "Dabei", "Dazu", "Daher", "Deshalb",
	"Trotzdem", "Zudem", "Außerdem", "Allerdings", "Jedoch", "Nun", "Jetzt",
	"Heute", "Gestern", "So", "Wie", "Was", "Wer", "Wo", "Warum", "Wenn",
	"Als", "Ob", "Dies", "Diese", "Dieser", "Dieses", "Laut", "Nicht",
	"Kein", "Keine", "Viele", "Alle", "Und", "Oder", "Insgesamt", "Zuvor",
	"Danach", "Inzwischen", "Bislang", "Bisher",
};

/* Whether t[0..n) equals one of the table entries. */
static int in_table(const char *const *tab, size_t ntab, const char *t, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < ntab; i++)
		if (tab[i][0] == t[0] && strlen(tab[i]) == n && memcmp(tab[i], t, n) == 0)
			return 1;
	return 0;
}

/* Like in_table, but a capitalised token also matches a lowercase entry. */
static int in_table_cap(const char *const *tab, size_t ntab, const char *t, size_t n)
{
	char buf[TOKEN_MAX];

	if (in_table(tab, ntab, t, n))
		return 1;
	if (n == 0 || n > sizeof buf || !a_isupper((unsigned char)t[0]))
		return 0;
	memcpy(buf, t, n);
	buf[0] = (char)a_tolower((unsigned char)buf[0]);
	return in_table(tab, ntab, buf, n);
}

/* ---- token tests ------------------------------------------------------- */

/* Number of code points in t[0..n) that are letters; *other counts the rest. */
static size_t count_letters(const char *t, size_t n, size_t *other)
{
	size_t i = 0, letters = 0;
	uint32_t c;

	*other = 0;
	while (i < n) {
		i += utf8_step(t, n, i, &c);
		if (cp_isalpha(c))
			letters++;
		else
			(*other)++;
	}
	return letters;
}

/* "J.D", "u.a", "z.B", "i.d.R", "U.S": groups of one or two letters joined by periods. */
static int is_initials(const char *t, size_t n)
{
	size_t i = 0, group = 0, groups = 0;
	uint32_t c;

	while (i < n) {
		i += utf8_step(t, n, i, &c);
		if (c == '.') {
			if (group == 0)
				return 0;
			group = 0;
		} else if (cp_isalpha(c)) {
			if (group == 0)
				groups++;
			if (++group > 2)
				return 0;
		} else {
			return 0;
		}
	}
	return groups >= 2 && group > 0;
}

/* Only Roman numeral letters ("II", "XIV"); validity is not checked ("IIXC" counts). */
static int is_roman(const char *t, size_t n)
{
	if (n == 0 || n > 7)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("IVXLCDM", t[i]) || t[i] == '\0')
			return 0;
	return 1;
}

/* Digits, optionally grouped with '.' or ',' ("12", "3.10", "1.000"), ending in a digit. */
static int is_number(const char *t, size_t n)
{
	if (n == 0 || !a_isdigit((unsigned char)t[0]) || !a_isdigit((unsigned char)t[n - 1]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!a_isdigit((unsigned char)t[i]) && t[i] != '.' && t[i] != ',')
			return 0;
	return 1;
}

/* A day-and-month "24.09" or "3.10" (the final period follows). */
static int is_day_month(const char *t, size_t n)
{
	const char *dot = memchr(t, '.', n);

	if (!dot || !is_number(t, n))
		return 0;
	size_t a = (size_t)(dot - t), b = n - a - 1;
	return a >= 1 && a <= 2 && b >= 1 && b <= 2 && !memchr(dot + 1, '.', b) &&
	       !memchr(t, ',', n);
}

/*
 * The token ending at t[end] (exclusive): back to white space, at most
 * TOKEN_MAX bytes, not before `lo`. Returns its start.
 */
static size_t token_start(const char *t, size_t lo, size_t end)
{
	size_t i = end;
	uint32_t c;

	while (i > lo && end - i < TOKEN_MAX) {
		size_t p = prev_start(t, i);
		if (p < lo)
			break;
		utf8_step(t, end, p, &c);
		if (is_space(c))
			break;
		i = p;
	}
	return i;
}

/* ---- the boundary decision --------------------------------------------- */

/* Whether the word (letters only) starting at t[at] is in the table. */
static int next_word_in(const char *t, size_t len, size_t at, const char *const *tab, size_t ntab)
{
	size_t e = at;
	uint32_t c;

	while (e < len && e - at < TOKEN_MAX) {
		size_t n = utf8_step(t, len, e, &c);
		if (!cp_isalpha(c))
			break;
		e += n;
	}
	return in_table(tab, ntab, t + at, e - at);
}

struct cand {
	const char *t;
	size_t len;
	size_t unit;        /* start of the current sentence */
	size_t run, run_end; /* terminator run t[run..run_end) */
	size_t end;         /* after attached closers */
};

/* Whether the sentence so far holds nothing but an enumerator and bullets before `at`. */
static int only_bullets_before(const char *t, size_t from, size_t at)
{
	size_t i = from;
	uint32_t c;

	while (i < at) {
		i += utf8_step(t, at, i, &c);
		if (!is_space(c) && !is_opener(c) && c != 0x2022 && c != '-' &&
		    c != '*' && c != 0x2013 && c != 0xB7)
			return 0;
	}
	return 1;
}

/* What follows a candidate boundary. */
struct after {
	uint32_t first;     /* the first character after white space */
	uint32_t next;      /* the first character after that and any openers (0 at the end) */
	size_t word_at;     /* where `next` stands */
};

/*
 * Fills `a` with what follows the candidate's closers. Returns 0 when only
 * white space follows (the text ends there), 1 otherwise.
 */
static int read_after(const struct cand *k, struct after *a)
{
	const char *t = k->t;
	size_t len = k->len, i = k->end;
	uint32_t c;

	a->first = a->next = 0;
	/* skip space, remember the first character, skip openers */
	while (i < len) {
		size_t n = utf8_step(t, len, i, &c);
		if (!is_space(c))
			break;
		i += n;
	}
	if (i >= len)
		return 0;
	utf8_step(t, len, i, &a->first);
	while (i < len) {
		size_t n = utf8_step(t, len, i, &c);
		if (!is_opener(c))
			break;
		i += n;
	}
	if (i < len)
		utf8_step(t, len, i, &a->next);
	a->word_at = i;
	return 1;
}

/*
 * What the abbreviation table (abbrev.h) and the shapes of abbreviations
 * ("Dipl.-Ing.", "Hauptstr. 12") say of the token tok[0..tn) before a single
 * period: 1 (a boundary), 0 (none), or -1 when they say nothing.
 */
static int abbrev_verdict(const struct cand *k, const char *tok, size_t tn, const struct after *a)
{
	uint32_t next = a->next;

	if (a_isdigit((unsigned char)tok[0]) || tn >= 12)
		return -1;
	int cls = abbrev_end_class(tok, tn);   /* the shared table, abbrev.h */
	if (cls == AB_END_FINAL)
		return cp_isupper(next) || next == 0;
	if (cls == AB_END_SCALE)
		return next_word_in(k->t, k->len, a->word_at, starters, ARRAY_LEN(starters));
	if (cls == AB_END_NEVER)
		return 0;
	if (cls == AB_END_BEFORE_NUM && a_isdigit((int)next))
		return 0;     /* "Art. 5", "12. Jan. 2025" */
	/* the last part of a compound: "Dipl.-Ing.", "Reg.-Bez." */
	size_t cut = tn;
	while (cut > 0 && tok[cut - 1] != '-' && tok[cut - 1] != '/')
		cut--;
	if (cut > 0 && cut < tn && abbrev_end_class(tok + cut, tn - cut) == AB_END_NEVER)
		return 0;
	/* "Hauptstr. 12": a street name */
	if (tn > 3 && (!memcmp(tok + tn - 3, "str", 3) || !memcmp(tok + tn - 2, "pl", 2)) &&
	    a_isdigit((int)next))
		return 0;   /* ..."Rathauspl. 3" too */
	return -1;
}

/*
 * The word before the token that starts at byte ts, without opening quotes
 * and brackets: a pointer into the text with its length in *pn, or NULL and
 * *pn = 0 when the token starts the sentence.
 */
static const char *word_before(const struct cand *k, size_t ts, size_t *pn)
{
	const char *t = k->t;
	uint32_t c;

	*pn = 0;
	if (ts <= k->unit)
		return NULL;
	size_t pe = ts;
	while (pe > k->unit) {
		size_t p = prev_start(t, pe);
		utf8_step(t, k->len, p, &c);
		if (!is_space(c))
			break;
		pe = p;
	}
	size_t ps = token_start(t, k->unit, pe);
	while (ps < pe) {
		size_t n = utf8_step(t, pe, ps, &c);
		if (!is_opener(c))
			break;
		ps += n;
	}
	*pn = pe - ps;
	return t + ps;
}

/*
 * A number tok[0..tn) (starting at byte ts) before a single period: 0 when
 * it is an enumerator or an ordinal ("am 12. Februar", "im 19. Jahrhundert",
 * "in der 1. Bundesliga"), 1 otherwise. pw[0..pn) is the word before it.
 */
static int number_verdict(const struct cand *k, const char *tok, size_t tn, size_t ts,
			  const char *pw, size_t pn, const struct after *a)
{
	const char *t = k->t;
	size_t len = k->len, word_at = a->word_at;
	uint32_t c, next = a->next;

	if (only_bullets_before(t, k->unit, ts))
		return 0;         /* "1. Punkt" at the start: an enumerator */
	size_t we = word_at;
	while (we < len && we - word_at < TOKEN_MAX) {
		size_t n = utf8_step(t, len, we, &c);
		if (!cp_isalpha(c))
			break;
		we += n;
	}
	if (in_table(months, ARRAY_LEN(months), t + word_at, we - word_at))
		return 0;         /* "am 12. Februar" */
	if (is_ordinal_noun(t + word_at, we - word_at))
		return 0;         /* "im 19. Jahrhundert" */
	if ((a_isdigit((int)next) && tn <= 2) || next == '-' || next == 0x2013)
		return 0;         /* "1. -3. Jahrhundert", "3. 4. Mai" */
	if (tn <= 3 || is_day_month(tok, tn)) {
		if (pn > 0 && in_table_cap(ordinal_before, ARRAY_LEN(ordinal_before), pw, pn))
			return 0; /* "in der 1. Bundesliga" */
	}
	return 1;
}

/* A single period, followed by `a`: decided by the token before it. */
static int single_period(const struct cand *k, const struct after *a)
{
	const char *t = k->t;
	uint32_t c;
	size_t ts = token_start(t, k->unit, k->run);
	size_t te = k->run;

	while (ts < te) {               /* strip opening quotes and brackets */
		size_t n = utf8_step(t, te, ts, &c);
		if (!is_opener(c))
			break;
		ts += n;
	}
	const char *tok = t + ts;
	size_t tn = te - ts;
	if (tn == 0)
		return 1;
	int v = abbrev_verdict(k, tok, tn, a);
	if (v >= 0)
		return v;
	size_t other, letters = count_letters(tok, tn, &other);
	if (letters == 1 && other == 0) {
		/* an initial or "z.", "S."; "Plan B. Die ..." ends a sentence */
		uint32_t l0;
		utf8_step(tok, tn, 0, &l0);
		return cp_isupper(l0) && next_word_in(t, k->len, a->word_at, starters, ARRAY_LEN(starters));
	}
	if (is_initials(tok, tn))
		return 0;
	size_t pn;
	const char *pw = word_before(k, ts, &pn);
	if (is_roman(tok, tn) && pn > 0) {
		uint32_t pc;
		utf8_step(pw, pn, 0, &pc);
		if (cp_isupper(pc))
			return 0;         /* "Friedrich II." */
	}
	while (tn > 1 && (tok[0] == '-' || tok[0] == '/' || tok[0] == '+')) {
		tok++;
		tn--;
		ts++;
	}
	if (tn > 3 && !memcmp(tok, "\xe2\x80\x93", 3)) {   /* en dash */
		tok += 3;
		tn -= 3;
		ts += 3;
	}
	if (is_number(tok, tn))
		return number_verdict(k, tok, tn, ts, pw, pn, a);
	return 1;
}

/*
 * Whether the candidate ends a sentence: decided by the terminators, the
 * character and word after them, and for a single period by the token
 * before it (see the rules in sentences.h).
 */
static int is_boundary(const struct cand *k)
{
	const char *t = k->t;
	size_t len = k->len, i;
	uint32_t c;
	int excl = 0, dots = 0, ell = 0, detached, closers = k->end > k->run_end;
	struct after a;

	if (k->end >= len)
		return 1;
	for (i = k->run; i < k->run_end;) {
		i += utf8_step(t, len, i, &c);
		if (c == '.')
			dots++;
		else if (c == 0x2026)
			ell++;
		else
			excl++;
	}
	if (!read_after(k, &a))
		return 1;

	/* a comma or semicolon cannot start a sentence */
	if (a.first == ',' || a.first == ';' || a.first == ':')
		return 0;
	uint32_t before = 0;
	if (k->run > k->unit)
		utf8_step(t, len, prev_start(t, k->run), &before);
	/* "ein(!) Satz": a parenthetical interjection */
	if (before == '(' || before == '[')
		return 0;
	detached = k->run == k->unit || is_space(before);
	int lower_next = cp_islower(a.next);

	if (excl)
		return !lower_next;
	if (ell && !dots && detached)
		return 0;
	if (lower_next)
		return 0;
	if (ell || dots > 1)
		return 1;
	if (closers)
		return 1;
	return single_period(k, &a);
}

/* ---- splitting --------------------------------------------------------- */

static void push(const char *t, size_t a, size_t b, struct sentlist *out)
{
	uint32_t c;

	while (a < b) {
		size_t n = utf8_step(t, b, a, &c);
		if (!is_space(c))
			break;
		a += n;
	}
	while (b > a) {
		size_t p = prev_start(t, b);
		if (p < a)
			break;
		utf8_step(t, b, p, &c);
		if (!is_space(c))
			break;
		b = p;
	}
	if (b <= a)
		return;
	XGROW(out->v, out->cap, out->n + 1);
	out->v[out->n].start = a;
	out->v[out->n].len = b - a;
	out->n++;
}

/* Quotation marks that open or close a quotation (apostrophes are not tracked). */
static int is_quote(uint32_t c)
{
	return c == '"' || c == 0x201E || c == 0x201C || c == 0x201D || c == 0xAB || c == 0xBB;
}

/* A quotation longer than this (bytes) does not hold its sentences together. */
#define QUOTE_MAX 600

/*
 * The first closing quotation mark (a quote right after a non-space
 * character) at or after `from`; len when there is none. `*cache` holds the
 * previous answer: queries come in increasing order, so the whole text is
 * scanned at most once.
 */
static size_t next_closer(const char *t, size_t len, size_t from, size_t *cache)
{
	uint32_t c, p = ' ';
	size_t i;

	if (*cache != (size_t)-1 && *cache >= from)
		return *cache;
	i = from;
	if (i > 0)
		utf8_step(t, len, prev_start(t, i), &p);
	while (i < len) {
		size_t n = utf8_step(t, len, i, &c);
		if (is_quote(c) && c != 0x201E && !is_space(p))
			break;
		p = c;
		i += n;
	}
	*cache = i;
	return i;
}

void sent_split(const char *text, size_t len, struct sentlist *out)
{
	size_t start = 0, i = 0, open = (size_t)-1, cache = (size_t)-1;
	uint32_t c, prev = ' ';

	while (i < len) {
		size_t n = utf8_step(text, len, i, &c);
		if (!is_term(c)) {
			if (is_quote(c)) {
				if (c == 0x201E || is_space(prev) || prev == '(')
					open = i;
				else
					open = (size_t)-1;
			}
			prev = c;
			i += n;
			continue;
		}
		struct cand k = { text, len, start, i, i, i };
		size_t j = i;
		while (j < len) {
			size_t m = utf8_step(text, len, j, &c);
			if (!is_term(c))
				break;
			j += m;
		}
		k.run_end = j;
		while (j < len) {
			size_t m = utf8_step(text, len, j, &c);
			if (!is_closer(c))
				break;
			j += m;
		}
		k.end = j;
		prev = c;
		if (j > k.run_end)
			open = (size_t)-1;   /* a closing quote or bracket */
		if (j < len) {
			utf8_step(text, len, j, &c);
			if (!is_space(c)) {
				i = k.run_end;
				continue;
			}
		}
		/* inside a quotation that closes soon: "»A. B.« sagte er" */
		if (open != (size_t)-1) {
			size_t q = next_closer(text, len, j, &cache);
			if (q < len && q - open <= QUOTE_MAX) {
				i = j;
				continue;
			}
		}
		if (is_boundary(&k)) {
			push(text, start, j, out);
			start = j;
			open = (size_t)-1;
		}
		i = j;
	}
	push(text, start, len, out);
}

/* ---- whole texts ------------------------------------------------------- */

struct line {
	size_t a, b;   /* trimmed bytes */
	size_t cps;    /* code points */
	int trailing;  /* white space other than CR followed the text */
};

/* A bullet or an enumerator ("1.", "2)") at the start of a line. */
static int starts_item(const char *t, size_t a, size_t b)
{
	uint32_t c;
	size_t n = utf8_step(t, b, a, &c);

	if (c == 0x2022 || c == 0x2023 || c == 0x25AA || c == 0x25CF || c == 0xB7 ||
	    c == 0x2013 || c == '-' || c == '*') {
		if (a + n >= b)
			return 1;
		utf8_step(t, b, a + n, &c);
		return is_space(c);
	}
	size_t d = a;
	while (d < b && a_isdigit((unsigned char)t[d]) && d - a < 3)
		d++;
	if (d == a || d >= b || (t[d] != '.' && t[d] != ')'))
		return 0;
	if (d + 1 >= b)
		return 1;
	utf8_step(t, b, d + 1, &c);
	return is_space(c);
}

/* Appends t[a..b) with white space runs collapsed to one ASCII space. */
static void add_collapsed(struct sb *out, const char *t, size_t a, size_t b)
{
	int sp = 0;
	uint32_t c;

	while (a < b) {
		size_t n = utf8_step(t, b, a, &c);
		if (is_space(c)) {
			sp = 1;
		} else {
			if (sp)
				sb_addc(out, ' ');
			sp = 0;
			sb_add(out, t + a, n);
		}
		a += n;
	}
}

/* Splits the collected unit, writes its sentences one per line, empties it. */
static void flush_unit(struct sb *unit, struct sentlist *sl, struct sb *out)
{
	if (!unit->len)
		return;
	sl->n = 0;
	sent_split(unit->buf, unit->len, sl);
	for (size_t s = 0; s < sl->n; s++) {
		add_collapsed(out, unit->buf, sl->v[s].start, sl->v[s].start + sl->v[s].len);
		sb_addc(out, '\n');
	}
	sb_reset(unit);
}

/* Lines of a paragraph whose longest line is this short are units of their own. */
#define PROSE_LINE 45
/* A paragraph whose lines are at most this long may be hard-wrapped prose. */
#define WRAP_LINE 120

/*
 * Whether line `b` continues line `a` of a paragraph whose longest line has
 * `longest` code points. Short-line paragraphs (exercises, lists) keep every
 * line apart; in prose a line is joined when the break looks like a wrap: the
 * line before had trailing space, ends in a hyphen or comma, the next starts in
 * lowercase, or the text is wrapped at a fixed width.
 */
static int joins(const char *t, const struct line *a, const struct line *b, size_t longest)
{
	uint32_t c;

	if (starts_item(t, b->a, b->b) || longest < PROSE_LINE)
		return 0;
	if (a->trailing)
		return 1;
	utf8_step(t, b->b, b->a, &c);
	if (cp_islower(c))
		return 1;
	char last = t[a->b - 1];
	if (last == '-' || last == ',')
		return 1;
	return longest <= WRAP_LINE && a->cps >= PROSE_LINE;
}

void sent_split_text(const char *text, size_t len, struct sb *out)
{
	struct line *lines = NULL;
	size_t nlines = 0, cap = 0, i = 0;
	struct sb unit;
	struct sentlist sl;
	uint32_t c;

	sb_init(&unit);
	sent_init(&sl);
	while (i <= len) {
		const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
		size_t e = nl ? (size_t)(nl - text) : len;
		struct line ln = { i, e, 0, 0 };
		while (ln.a < ln.b) {
			size_t n = utf8_step(text, ln.b, ln.a, &c);
			if (!is_space(c))
				break;
			ln.a += n;
		}
		while (ln.b > ln.a) {
			size_t p = prev_start(text, ln.b);
			if (p < ln.a)
				break;
			utf8_step(text, ln.b, p, &c);
			if (!is_space(c))
				break;
			ln.b = p;
		}
		ln.cps = utf8_count(text + ln.a, ln.b - ln.a);
		for (size_t q = ln.b; q < e; q++)
			if (text[q] != '\r')
				ln.trailing = 1;
		int blank = ln.a >= ln.b;
		if (!blank) {
			XGROW(lines, cap, nlines + 1);
			lines[nlines++] = ln;
		}
		if ((blank || !nl) && nlines) {
			/* a paragraph is complete */
			size_t longest = 0;
			for (size_t l = 0; l < nlines; l++)
				if (lines[l].cps > longest)
					longest = lines[l].cps;
			for (size_t l = 0; l < nlines; l++) {
				if (l > 0 && !joins(text, &lines[l - 1], &lines[l], longest))
					flush_unit(&unit, &sl, out);
				if (unit.len)
					sb_addc(&unit, ' ');
				sb_add(&unit, text + lines[l].a, lines[l].b - lines[l].a);
			}
			flush_unit(&unit, &sl, out);
			nlines = 0;
		}
		if (!nl)
			break;
		i = e + 1;
	}
	free(lines);
	sb_release(&unit);
	sent_release(&sl);
}
