/*
 * verbalize_words.c - word rules of the verbalizer: abbreviations, street
 * names, Roman numerals, acronyms, weekdays, foreign words, the pronunciation
 * lexicon and symbols.
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

/* ---- words ---------------------------------------------------------------- */

/* Tries the abbreviation table at word token i. */
size_t vb_rule_abbr(struct ctx *c, size_t i)
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
			int m = vb_teq(c, j, a->parts[p]);
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
		size_t n = vb_nx(c, j - 1);
		if (a->need == AB_NEED_NUM && !is_t(c, n, T_NUM))
			continue;
		if (a->need == AB_NEED_CAP && !vb_is_cap(c, n))
			continue;
		if ((!strcmp(a->spoken, "Stück") || !strcmp(a->parts[0], "f")) && !is_t(c, vb_pv(c, i), T_NUM))
			continue;
		/* "in der 90. Min." is one minute */
		size_t pp = vb_pv(c, i);
		if (is_sym(c, pp, '.') && pp > 0 && is_t(c, pp - 1, T_NUM) &&
		    (!strcmp(a->spoken, "Minuten") || !strcmp(a->spoken, "Stunden") || !strcmp(a->spoken, "Sekunden"))) {
			char one[16];
			snprintf(one, sizeof one, "%.*s", (int)strlen(a->spoken) - 1, a->spoken);
			vb_say(c, one);
		} else {
			vb_say(c, a->spoken);
		}
		/* the dot of an abbreviation at the very end also ends the sentence */
		if (j >= c->nt || (c->tk[j].t == T_SPACE && j + 1 >= c->nt) ||
		    (a->need != AB_NEED_CAP && vb_starts_sentence(c, vb_nx(c, j - 1))))
			vb_glue(c, ".");
		return j;
	}
	return 0;
}

/* Street names with an abbreviated ending: "Goethestr. 5" -> "Goethestraße", "Rathauspl." -> "Rathausplatz". */
size_t vb_rule_street(struct ctx *c, size_t i)
{
	static const char *const ends[][2] = { { "str", "straße" }, { "pl", "platz" }, { "weg", "weg" } };
	const char *p = tp(c, i);
	size_t n = tl(c, i);
	if (!is_sym(c, i + 1, '.') || !vb_is_cap(c, i) || n < 5)
		return 0;
	for (size_t k = 0; k < 2; k++) {
		size_t el = strlen(ends[k][0]);
		if (n <= el + 2 || memcmp(p + n - el, ends[k][0], el) || !a_islower((unsigned char)p[n - el - 1]))
			continue;
		struct sb t;
		sb_init(&t);
		sb_add(&t, p, n - el);
		sb_adds(&t, ends[k][1]);
		vb_say_sb(c, &t);
		sb_release(&t);
		size_t e = i + 2;
		if (e >= c->nt || (c->tk[e].t == T_SPACE && e + 1 >= c->nt) || vb_starts_sentence(c, vb_nx(c, i + 1)))
			vb_glue(c, ".");
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

size_t vb_rule_roman(struct ctx *c, size_t i)
{
	int v = roman_value(c, i);
	if (!v)
		return 0;
	size_t p = vb_pv(c, i);
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
	if (vb_lower(c, p, w, sizeof w) && vb_in_list(w, plain) && v <= 100 && letters_ok &&
	    (v > 1 || !is_sym(c, i + 1, '.'))) {
		vb_say_cardinal_u(c, (unsigned long long)v, NW_EINS);
		return i + 1;
	}
	if (!vb_is_cap(c, p) || vb_all_caps(c, p) || v > 50 || !letters_ok)
		return 0;
	/* without the dot ("Elizabeth II") only two or more letters, and no noun after */
	if (!is_sym(c, i + 1, '.') && (tl(c, i) < 2 || vb_is_cap(c, vb_nx(c, i)) || is_t(c, i + 1, T_WORD) ||
				       is_t(c, i + 1, T_NUM) || is_sym(c, i + 1, '-')))
		return 0;
	/* case from the word before the name(s) */
	size_t q = p;
	for (int k = 0; k < 3; k++) {
		size_t r = vb_pv(c, q);
		if (r == SIZE_MAX || !vb_is_cap(c, r))
			break;
		char x[32];
		if (vb_lower(c, r, x, sizeof x) && (vb_det_ending(x, 'm', 0) || vb_in_list(x, vb_dat_preps)))
			break;
		q = r;
	}
	size_t b = vb_pv(c, q);
	enum { NOM, ACC, DAT, GEN } cs = NOM;
	char x[32];
	if (b != SIZE_MAX && is_t(c, b, T_WORD) && vb_lower(c, b, x, sizeof x)) {
		if (!strcmp(x, "dem") || !strcmp(x, "vom") || !strcmp(x, "zum") || !strcmp(x, "beim") ||
		    (vb_in_list(x, vb_dat_preps) && strcmp(x, "in") && strcmp(x, "an") && strcmp(x, "auf") && strcmp(x, "über")) ||
		    !strcmp(x, "unter"))
			cs = DAT;
		else if (!strcmp(x, "den") || vb_in_list(x, vb_acc_preps) || vb_in_list(x, regnal_acc_verbs))
			cs = ACC;
		else if (!strcmp(x, "des"))
			cs = GEN;
	}
	/* "das Erbe Karls III.": a name with genitive s after a noun */
	size_t bp = vb_pv(c, p);
	char y0[32];
	if (cs == NOM && bp != SIZE_MAX && vb_is_cap(c, bp) && !vb_starts_sentence(c, bp) &&
	    !(vb_lower(c, bp, y0, sizeof y0) && vb_in_list(y0, regnal_titles)) &&
	    tl(c, p) > 3 && tp(c, p)[tl(c, p) - 1] == 's')
		cs = GEN;
	/* queens and empresses: "Elisabeth II." is "die Zweite" */
	int fem = 0;
	for (size_t k = q; k != SIZE_MAX && k <= p; k = vb_nx(c, k)) {
		char y[32];
		if (is_t(c, k, T_WORD) && vb_lower(c, k, y, sizeof y) && vb_in_list(y, regnal_female))
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
	vb_say_sb(c, &t);
	sb_release(&t);
	if (!is_sym(c, i + 1, '.'))
		return i + 1;
	size_t e = i + 2;
	if (e >= c->nt || (c->tk[e].t == T_SPACE && e + 1 >= c->nt))
		vb_glue(c, ".");
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

int vb_has_vowel(const char *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (vb_is_vowel_ascii((unsigned char)p[k]) || (unsigned char)p[k] >= 0x80)
			return 1;
	return 0;
}

size_t vb_rule_acronym(struct ctx *c, size_t i)
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
		if (vb_teq(c, i, acro_special[k][0])) {
			vb_say(c, acro_special[k][1]);
			return i + 1;
		}
	for (const char *const *w = acro_words; *w; w++)
		if (vb_teq(c, i, *w)) {
			/* "NATO" -> "Nato": eSpeak reads a capitalised word as a word */
			vb_say_letters(c, p, n, VB_AS_WORD);
			return i + 1;
		}
	if (!lowers && c->headline && !in_list_bytes(p, n, acro_spelled) &&
	    !(n <= 3 && !vb_has_vowel(p, n))) {
		/* an all-capital headline: "WAHL IN BERLIN" is read as words */
		vb_say_letters(c, p, n, VB_AS_WORD);
		return i + 1;
	}
	if (!lowers && caps <= 5) {
		if (caps == 5) {
			/* five capitals: spell only when there is no vowel to carry a word */
			int vow = 0;
			for (size_t k = 0; k < n; k++)
				vow += vb_is_vowel_ascii((unsigned char)p[k]);
			if (vow >= 2)
				return 0;
		}
		vb_say_letters(c, p, n, VB_SPELLED);
		return i + 1;
	}
	/* "NGOs", "GmbH", "AfD", "KfW" */
	if (lowers == 1 && caps >= 2 && caps <= 4 && p[n - 1] == 's') {
		vb_say_letters(c, p, n - 1, VB_SPELLED);
		vb_glue(c, "s");
		return i + 1;
	}
	if (caps >= 2 && n <= 5 && caps * 2 >= (int)n) {
		vb_say_letters(c, p, n, VB_SPELLED);
		return i + 1;
	}
	return 0;
}

/* Weekday abbreviations "Mo.", "Mo.–Fr.". */
size_t vb_rule_weekday(struct ctx *c, size_t i)
{
	const char *wd = vb_weekday_abbr(c, i);
	if (!wd)
		return 0;
	int dot = is_sym(c, i + 1, '.');
	size_t n = dot ? vb_nx(c, i + 1) : i + 1;
	size_t p = vb_pv(c, i);
	int ok;
	/* words that announce a day: "am Mo.", "ab Di.", "jeden Fr." */
	static const char *const before_day[] = { "am", "ab", "bis", "vom", "zum", "jeden", "jeweils",
						  "und", "oder", "außer", "nächsten", "kommenden" };
	int announced = 0;
	for (size_t k = 0; p != SIZE_MAX && k < ARRAY_LEN(before_day); k++)
		announced |= vb_tieq(c, p, before_day[k]);
	if (dot)
		ok = announced || (is_t(c, n, T_NUM) && is_sym(c, n + 1, '.')) || is_sym(c, n, ',') ||
		     ((vb_is_dash(c, n) || vb_teq(c, n, "bis") || is_sym(c, n, '/')) && vb_weekday_abbr(c, vb_nx(c, n))) ||
		     (p != SIZE_MAX && (vb_is_dash(c, p) || vb_teq(c, p, "bis") || is_sym(c, p, '/')) && p > 1 &&
		      is_sym(c, vb_pv(c, p), '.') && vb_weekday_abbr(c, vb_pv(c, p) - 1)) ||
		     (i > 1 && (vb_is_dash(c, i - 1) || is_sym(c, i - 1, '/')) && vb_weekday_abbr(c, i - 2));
	else /* "Mo–Fr" without dots: only as a range */
		ok = ((vb_is_dash(c, n) || is_sym(c, n, '/')) && vb_weekday_abbr(c, n + 1)) ||
		     (i > 1 && (vb_is_dash(c, i - 1) || is_sym(c, i - 1, '/')) && vb_weekday_abbr(c, i - 2));
	if (!ok)
		return 0;
	vb_say(c, wd);
	if (vb_is_dash(c, n) && vb_weekday_abbr(c, vb_nx(c, n))) {
		vb_start(c, n);
		vb_say(c, "bis");
		return vb_nx(c, n);
	}
	if (dot && (i + 2 >= c->nt || (c->tk[i + 2].t == T_SPACE && i + 3 >= c->nt) || vb_starts_sentence(c, vb_nx(c, i + 1))))
		vb_glue(c, ".");
	return dot ? i + 2 : i + 1;
}

/* Starts the output of a replacement `r` for token i: space, anchor, no "]][[" run-together. */
static void emit_start(struct ctx *c, size_t i, const char *r)
{
	if ((i > 0 && c->tk[i - 1].t == T_SPACE) || c->said)
		vb_sep(c);
	struct sb *o = &c->out->spoken;
	if (o->len && (o->buf[o->len - 1] == '[' || o->buf[o->len - 1] == ']') && r[0] == '[')
		sb_addc(o, ' ');
	vb_add_anchor(c);
}

/* A code point that is probably a letter the tokenizer does not know (Vietnamese "ễ"), not punctuation. */
static int letter_like(uint32_t cp)
{
	return cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !(cp >= 0x2000 && cp <= 0x2BFF) &&
	       !(cp >= 0x3000 && cp <= 0x303F) && !(cp >= 0xFE00);
}

/* A word read in another language's manner, or one eSpeak would read in another voice (foreign.h). */
size_t vb_rule_foreign(struct ctx *c, size_t i)
{
	const struct lexicon *lx = c->o ? c->o->lex : NULL;
	if (!lx || tl(c, i) < 2 || vb_all_caps(c, i))
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
size_t vb_rule_lexicon(struct ctx *c, size_t i)
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
size_t vb_rule_symbol(struct ctx *c, size_t i)
{
	uint32_t cp = c->tk[i].cp;
	int half;
	const char *v = vb_vulgar(cp, &half);
	if (v && i > 0 && c->tk[i - 1].t == T_NUM && (cp == 0xBD || cp == 0xBC || cp == 0xBE)) {
		/* "1½" -> "eineinhalb", "2¾" -> "zweidreiviertel": one word */
		struct sb *o = &c->out->spoken;
		if (o->len >= 4 && !memcmp(o->buf + o->len - 4, "eins", 4))
			o->len--, o->buf[o->len] = '\0';
		sb_adds(o, cp == 0xBD ? "einhalb" : cp == 0xBC ? "einviertel" : "dreiviertel");
		c->said = 1;
		return i + 1;
	}
	if (v && cp == 0xBD && is_t(c, vb_nx(c, i), T_WORD) && vb_is_cap(c, vb_nx(c, i))) {
		/* "½ Prozent" -> "ein halbes Prozent", "½ Stunde" -> "eine halbe Stunde" */
		char g = vb_gender_at(c, vb_nx(c, i));
		vb_say(c, g == 'f' ? "eine halbe" : g == 'n' ? "ein halbes" : "ein halber");
		return i + 1;
	}
	if (v) {
		vb_say(c, v);
		return i + 1;
	}
	size_t p = vb_pv(c, i), n = vb_nx(c, i);
	int spaced = i > 0 && c->tk[i - 1].t == T_SPACE && i + 1 < c->nt && c->tk[i + 1].t == T_SPACE;
	switch (cp) {
	case '&':
		vb_say(c, "und");
		return i + 1;
	case 0xA7: /* § */
		vb_say(c, is_sym(c, i + 1, 0xA7) ? "Paragrafen" : "Paragraf");
		return is_sym(c, i + 1, 0xA7) ? i + 2 : i + 1;
	case '%':
		vb_say(c, "Prozent");
		return i + 1;
	case 0x2030:
		vb_say(c, "Promille");
		return i + 1;
	case '+':
		if (spaced || is_t(c, n, T_NUM)) {
			vb_say(c, "plus");
			return i + 1;
		}
		break;
	case '=':
		if (spaced) {
			vb_say(c, "gleich");
			return i + 1;
		}
		break;
	case 0xD7: /* × */
		vb_say(c, "mal");
		return i + 1;

	case 0xB1:
		vb_say(c, "plus minus");
		return i + 1;
	case '~':
		if (is_t(c, n, T_NUM)) {
			vb_say(c, "circa");
			return i + 1;
		}
		break;
	case 0x2013: case 0x2014:
		if (spaced || (p == SIZE_MAX) || n >= c->nt) {
			/* a dash between clauses: a pause */
			if (c->out->spoken.len)
				vb_glue(c, ",");
			return i + 1;
		}
		break;
	case '#':
		if (is_t(c, i + 1, T_WORD)) {
			vb_say(c, "Hashtag");
			return i + 1;
		}
		break;
	case '*': case '_': case '|': case 0x2022: case 0xB7:
		return i + 1; /* markup and bullets: silent */
	case 0x20AC:
		vb_say(c, "Euro");
		return i + 1;
	case 0:
		return i + 1;
	default:
		break;
	}
	(void)p;
	return 0;
}

