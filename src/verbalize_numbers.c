/*
 * verbalize_numbers.c - numbers in the verbalizer: parsing digit groups and
 * decimals, fractions, ordinals that agree with their noun, ranges; rule_number
 * hands dates, times and quantities on to their own parts.
 * See verbalize_int.h for how the parts fit together.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abbrev.h"
#include "foreign.h"
#include "lexicon.h"
#include "verbalize_int.h"

/* ---- numbers -------------------------------------------------------------- */


/* Is there a currency right before number token i, or at token j (after an optional space)? */
static int money_before(const struct ctx *c, size_t i)
{
	size_t p = vb_pv(c, i), u;
	if (p == SIZE_MAX)
		return 0;
	if (vb_currency_at(c, p, &u, 0))
		return 1;
	return p > 0 && vb_currency_at(c, p - 1, &u, 0) && u == 2;
}

static int money_after(const struct ctx *c, size_t j)
{
	size_t u;
	if (j < c->nt && c->tk[j].t == T_SPACE)
		j++;
	return vb_currency_at(c, j, &u, 1) != NULL;
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
void vb_say_num(struct ctx *c, const struct num *m, enum nw_one one)
{
	if (m->fp.len) {
		vb_say_cardinal(c, m->ip.buf, m->ip.len, NW_EINS);
		vb_say(c, "Komma");
		vb_say_digits(c, m->fp.buf, m->fp.len);
	} else {
		vb_say_cardinal(c, m->ip.buf, m->ip.len, one);
	}
}

/* ---- fractions ------------------------------------------------------------ */

/* A unit after a fraction ("1/2 ft"): said in the plural. */
static size_t fraction_unit(struct ctx *c, size_t j)
{
	size_t k = j < c->nt && c->tk[j].t == T_SPACE ? j + 1 : j, used;
	int per;
	const struct unit *un = vb_unit_at(c, k, &used, &per);
	if (!un)
		return j;
	vb_start(c, k);
	if (per)
		vb_say(c, "pro");
	vb_say(c, un->pl);
	return k + used;
}

/* Fractions "1/3", "1 1/2", seasons "2020/21". */
static size_t rule_fraction(struct ctx *c, size_t i, int minus)
{
	size_t a = i;
	size_t whole = SIZE_MAX;
	if (is_t(c, i, T_NUM) && i + 1 < c->nt && c->tk[i + 1].t == T_SPACE && tl(c, i + 1) == 1 &&
	    is_t(c, i + 2, T_NUM) && is_sym(c, i + 3, '/') && is_t(c, i + 4, T_NUM) && tl(c, i) <= 3 &&
	    vb_nval(c, i + 2) < vb_nval(c, i + 4)) {
		whole = i;
		a = i + 2;
	}
	if (!is_t(c, a, T_NUM) || !is_sym(c, a + 1, '/') || !is_t(c, a + 2, T_NUM))
		return 0;
	if (is_t(c, a + 3, T_WORD) || is_sym(c, a + 3, '/'))
		return 0;
	unsigned long long nu = vb_nval(c, a), de = vb_nval(c, a + 2);
	if (tl(c, a) == 4 && (tl(c, a + 2) == 2 || tl(c, a + 2) == 4) && nu >= 1900 && whole == SIZE_MAX) {
		/* season or school year */
		vb_say_year(c, nu);
		if (tl(c, a + 2) == 2)
			vb_say_cardinal(c, tp(c, a + 2), tl(c, a + 2), NW_EINS);
		else
			vb_say_year(c, de);
		return a + 3;
	}
	if (nu == 24 && de == 7 && whole == SIZE_MAX) {
		vb_say(c, "vierundzwanzig sieben");
		return a + 3;
	}
	if (tl(c, a + 2) == 4 && de >= 1900 && de <= 2100 && nu >= 1 && nu <= 12 && whole == SIZE_MAX) {
		/* "12/2024": month and year */
		vb_say(c, vb_months[nu - 1]);
		vb_say_year(c, de);
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
			vb_say_sb(c, &t);
			sb_release(&t);
			return fraction_unit(c, a + 3);
		}
		sb_addc(&t, ' ');
	}
	nw_cardinal(&t, tp(c, a), tl(c, a), NW_EIN);
	sb_addc(&t, ' ');
	nw_denominator(&t, tp(c, a + 2), tl(c, a + 2), nu != 1);
	vb_say_sb(c, &t);
	sb_release(&t);
	return fraction_unit(c, a + 3);
}

/* Unicode vulgar fractions. */
const char *vb_vulgar(uint32_t cp, int *half)
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

/*
 * "ein", "eine", "einen", "einem", "einer" for a quantity of one (number at
 * token i, the quantity's words end before token `after`) of gender g: the
 * case comes from a preposition before it (also across "und"/"oder": "mit 1 kg
 * und 1 t"), a verb that takes an object ("kostet 1 Euro"), or a measure
 * adjective after it ("ein 1 km langer Stau": accusative of measure).
 */
const char *vb_one_form(const struct ctx *c, size_t i, size_t after, char g)
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
	if (a < c->nt && vb_is_lowerword(c, a) && vb_lower(c, a, w, sizeof w)) {
		size_t n = strlen(w);
		while (n > 0 && strchr("ers n", w[n - 1]) && n > 3)
			n--;
		w[n] = '\0';
		if (vb_in_list(w, measure_adj))
			return acc;
	}
	size_t p = vb_pv(c, i);
	for (int hop = 0; hop < 2 && p != SIZE_MAX && is_t(c, p, T_WORD) && vb_lower(c, p, w, sizeof w); hop++) {
		if (vb_in_list(w, dat_only))
			return dat;
		if (vb_in_list(w, acc_only) || vb_in_list(w, acc_verbs))
			return acc;
		if (strcmp(w, "und") && strcmp(w, "oder"))
			break;
		/* "und": the case of the quantity before it, up to three words back */
		size_t q = vb_pv(c, p);
		for (int k = 0; k < 3 && q != SIZE_MAX && !is_t(c, q, T_NUM); k++)
			q = vb_pv(c, q);
		if (q == SIZE_MAX || !is_t(c, q, T_NUM))
			break;
		p = vb_pv(c, q);
	}
	return g == 'f' ? "eine" : "ein";
}

/* ---- ordinals and the number rule ---------------------------------------- */

/* Is token n a capitalised function word, so that a full stop before it ends a sentence? */
int vb_starts_sentence(const struct ctx *c, size_t n)
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
	return vb_is_cap(c, n) && vb_lower(c, n, w, sizeof w) && vb_in_list(w, fw);
}

/*
 * The ordinal at number token i followed by "." at i+1: is it one? (Dates
 * with a month are handled before.)
 */
static int is_ordinal(struct ctx *c, size_t i)
{
	size_t p = vb_pv(c, i);
	size_t n = vb_nx(c, i + 1);
	char w[32];
	if (i + 1 < c->nt && is_t(c, i + 2, T_NUM))
		return 0; /* "1.5" */
	int det = 0;
	if (p != SIZE_MAX && is_t(c, p, T_WORD) && vb_lower(c, p, w, sizeof w) && vb_det_ending(w, 'm', 0))
		det = 1;
	int big = tl(c, i) >= 4;
	if (n >= c->nt || (is_t(c, n, T_SYM) && !vb_is_dash(c, n) && !is_sym(c, n, '(') && c->tk[n].cp != 0x201E)) {
		/* at the end: "2." alone is an ordinal, "seit 1998." is not */
		return det || p == SIZE_MAX;
	}
	if (det)
		return 1;
	if (is_t(c, n, T_WORD)) {
		if (big)
			return 0;
		char nw2[32];
		if (vb_starts_sentence(c, n) && vb_lower(c, n, nw2, sizeof nw2) &&
		    strcmp(nw2, "bis") && strcmp(nw2, "und") && strcmp(nw2, "oder"))
			return 0;
		char nw[32];
		if (vb_lower(c, n, nw, sizeof nw) && (!strcmp(nw, "bis") || !strcmp(nw, "und") || !strcmp(nw, "oder")))
			return 1;
		return 1;
	}
	if (vb_is_dash(c, n) || is_t(c, n, T_NUM) || is_sym(c, n, '(') || is_sym(c, n, 0x201E))
		return !big;
	return 0;
}

/*
 * The rules for a number at token s (after a sign when `minus`), tried in the
 * order of the table below: each returns the first token it did not use, or 0
 * when it does not apply (then it has said nothing).
 */

/* Version-like "17.2", "1.2.3" (thousands groups have three digits). */
static size_t number_version(struct ctx *c, size_t s, int minus)
{
	if (!(!minus && is_sym(c, s + 1, '.') && is_t(c, s + 2, T_NUM) && (tl(c, s + 2) != 3 || tl(c, s) > 3) &&
	      !(tl(c, s + 2) == 2 && (money_before(c, s) || money_after(c, s + 3)))))
		return 0;
	size_t k = s;
	vb_say_cardinal(c, tp(c, k), tl(c, k), NW_EINS);
	while (is_sym(c, k + 1, '.') && is_t(c, k + 2, T_NUM) && k < s + 16) {
		vb_start(c, k + 1);
		vb_say(c, "Punkt");
		vb_say_cardinal(c, tp(c, k + 2), tl(c, k + 2), NW_EINS);
		k += 2;
	}
	return k + 1;
}

/* Ordinal "12.", with its month and year ("3. Mai 2024") or as the start of a range ("14. bis 16."). */
static size_t number_ordinal(struct ctx *c, size_t s, int minus)
{
	if (!(!minus && is_sym(c, s + 1, '.') && tl(c, s) <= 9 && is_ordinal(c, s)))
		return 0;
	size_t n = vb_nx(c, s + 1);
	size_t used = 0;
	int mo = vb_month_at(c, n, &used);
	/* a range "14. bis 16. Februar" / "3.–5. Mai" takes its noun from the end */
	size_t noun = n;
	if (!mo && (vb_is_dash(c, n) || vb_teq(c, n, "bis") || vb_teq(c, n, "und"))) {
		size_t b = vb_nx(c, n);
		if (is_t(c, b, T_NUM) && is_sym(c, b + 1, '.'))
			noun = vb_nx(c, b + 1);
	}
	int mo2 = vb_month_at(c, noun, &used);
	const char *end;
	if (mo || mo2)
		end = vb_ord_ending(c, s, SIZE_MAX); /* months are masculine */
	else
		end = vb_ord_ending(c, s, noun);
	vb_say_ordinal(c, tp(c, s), tl(c, s), end);
	c->last_ord = end;
	c->last_ord_tok = s + 2;
	if (vb_is_dash(c, n) && noun != n) {
		vb_start(c, n);
		vb_say(c, "bis");
		return n + 1 < c->nt && c->tk[n + 1].t == T_SPACE ? n + 2 : n + 1;
	}
	if (mo) {
		vb_start(c, n);
		vb_say(c, vb_months[mo - 1]);
		size_t y = vb_nx(c, n + used - 1);
		if (is_t(c, y, T_NUM) && tl(c, y) == 4 && !vb_quantity_follows(c, y + 1)) {
			vb_start(c, y);
			vb_say_year(c, vb_nval(c, y));
			return y + 1;
		}
		return n + used;
	}
	return s + 2;
}

/* Ranges "10–15", "2020-2022", "2020-22". */
static size_t number_range(struct ctx *c, size_t s, int minus)
{
	if (!(!is_sym(c, s + 1, ',') && vb_is_dash(c, s + 1) && is_t(c, s + 2, T_NUM) &&
	      !(is_sym(c, s + 3, '.') && vb_month_at(c, vb_nx(c, s + 3), &(size_t){0})) && !vb_is_dash(c, s + 3)))
		return 0;
	int years = tl(c, s) == 4 && vb_nval(c, s) >= 1100 && vb_nval(c, s) <= 2099 &&
		    (tl(c, s + 2) == 4 || tl(c, s + 2) == 2);
	if (minus)
		vb_say(c, "minus");
	if (years)
		vb_say_year(c, vb_nval(c, s));
	else
		vb_say_cardinal(c, tp(c, s), tl(c, s), NW_EINS);
	vb_start(c, s + 1);
	vb_say(c, "bis");
	if (years) {
		vb_start(c, s + 2);
		if (tl(c, s + 2) == 2)
			vb_say_cardinal(c, tp(c, s + 2), 2, NW_EINS);
		else
			vb_say_year(c, vb_nval(c, s + 2));
		return s + 3;
	}
	return s + 2;
}

/* Scores "3:1". */
static size_t number_score(struct ctx *c, size_t s, int minus)
{
	if (!(is_sym(c, s + 1, ':') && is_t(c, s + 2, T_NUM) && tl(c, s) <= 3 && tl(c, s + 2) <= 3))
		return 0;
	if (minus)
		vb_say(c, "minus");
	vb_say_cardinal(c, tp(c, s), tl(c, s), NW_EINS);
	vb_say(c, "zu");
	vb_say_cardinal(c, tp(c, s + 2), tl(c, s + 2), NW_EINS);
	return s + 3;
}

/* Decades "1990er", "68er". */
static size_t number_decade(struct ctx *c, size_t s, int minus)
{
	if (!(is_t(c, s + 1, T_WORD) && tl(c, s + 1) >= 2 && !memcmp(tp(c, s + 1), "er", 2) && !minus))
		return 0;
	unsigned long long v = vb_nval(c, s);
	if (tl(c, s) == 4)
		vb_say_year(c, v);
	else
		vb_say_cardinal(c, tp(c, s), tl(c, s), NW_EINS);
	vb_start(c, s + 1);
	vb_glue(c, "");
	sb_add(&c->out->spoken, tp(c, s + 1), tl(c, s + 1));
	return s + 2;
}

/*
 * The number as such: a year, a long digit run said digit by digit, or a
 * quantity with its unit/currency/scale and what is glued to it ("3D", "7x",
 * "25d"). Always applies.
 */
static size_t number_quantity(struct ctx *c, size_t s, int minus)
{
	struct num m;
	size_t r;
	parse_num(c, s, &m);
	if (!m.grouped && !m.fp.len && !minus && vb_reads_as_year(c, s, m.end)) {
		vb_say_year(c, vb_nval(c, s));
		num_release(&m);
		return s + 1;
	}
	if (tl(c, s) > 30 && !m.fp.len && !m.grouped) {
		/* very long digit runs: digit by digit */
		vb_say_digits(c, tp(c, s), tl(c, s));
		num_release(&m);
		return s + 1;
	}
	r = vb_say_quantity(c, &m, NULL, minus);
	num_release(&m);
	/* a capital letter glued to the number: "3D" -> "drei-D" */
	if (is_t(c, r, T_WORD) && r == s + 1 && vb_is_cap(c, r))
		vb_glue(c, "-");
	/* "7x" -> "siebenmal" */
	if (vb_teq(c, r, "x") && r == s + 1 && !is_t(c, r + 1, T_NUM)) {
		vb_glue(c, "mal");
		return r + 1;
	}
	/* a single small letter: "25d" -> "fünfundzwanzig D" */
	if (is_t(c, r, T_WORD) && r == s + 1 && tl(c, r) == 1 && !vb_is_cap(c, r)) {
		vb_start(c, r);
		vb_say_letters(c, tp(c, r), 1, VB_SPELLED);
		return r + 1;
	}
	return r;
}

static size_t (*const number_rules[])(struct ctx *c, size_t s, int minus) = {
	rule_fraction, number_version, number_ordinal, number_range, number_score, number_decade,
	number_quantity,
};

/* Numbers and everything that starts with one: times, dates, then the table above. */
size_t vb_rule_number(struct ctx *c, size_t i)
{
	size_t r;
	int minus = 0;
	size_t s = i;
	/* a number glued to capitals: "G7", "CO2" -> "G-sieben", "C-O-zwei" */
	if (i > 0 && is_t(c, i - 1, T_WORD) && vb_all_caps(c, i - 1) && tl(c, i - 1) <= 5)
		vb_glue(c, "-");
	if ((r = vb_rule_time(c, i)))
		return r;
	if ((r = vb_rule_numdate(c, i)))
		return r;
	if ((r = vb_rule_isodate(c, i)))
		return r;
	if (!is_t(c, i, T_NUM)) {
		/* a sign */
		minus = is_sym(c, i, '-') || is_sym(c, i, 0x2212) || is_sym(c, i, 0x2013);
		s = i + 1;
		if (!is_t(c, s, T_NUM))
			return 0;
	}
	for (size_t k = 0; k < ARRAY_LEN(number_rules); k++)
		if ((r = number_rules[k](c, s, minus)))
			return r;
	return 0;
}

/* "€ 5", "$2,20", "EUR 10", "CHF 20" before the number. */
size_t vb_rule_currency_first(struct ctx *c, size_t i)
{
	size_t used;
	const struct currency *cur = vb_currency_at(c, i, &used, 0);
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
	size_t r = vb_say_quantity(c, &m, cur, minus);
	num_release(&m);
	return r;
}

