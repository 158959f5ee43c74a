/*
 * verbalize_codes.c - chunk rules of the verbalizer: e-mail addresses and URLs
 * (spelled or read), IBANs, BICs, wallet addresses and hashes (left out with a
 * warning), telephone numbers (read in pairs of digits).
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

/* ---- chunk rules: e-mail, URLs, IBANs, hashes, telephone numbers ---------- */

/* End (token index) of the white-space-delimited chunk starting at i, without trailing punctuation. */
size_t vb_chunk_end(const struct ctx *c, size_t i)
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

int vb_is_vowel_ascii(int ch)
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
		vb_say_digits(c, p, n);
		return;
	}
	int low = vb_lower(c, i, w, sizeof w);
	if (low && vb_in_list(w, words)) {
		vb_say(c, w);
		return;
	}
	if (low && !strcmp(w, "www")) {
		vb_say(c, "w w w");
		return;
	}
	if (low && n > 5 && !memcmp(w, "gmail", 5) && n == 5) {
		vb_say(c, "g mail");
		return;
	}
	int vow = 0, run = 0, maxrun = 0;
	for (size_t k = 0; k < n; k++) {
		if (vb_is_vowel_ascii((unsigned char)p[k])) {
			vow++;
			run = 0;
		} else if (++run > maxrun) {
			maxrun = run;
		}
	}
	if (low && !strcmp(w, "de")) {
		vb_say(c, "D-E");   /* "Punkt De-E", as newsreaders say it */
		return;
	}
	if (n <= 3 || !vow || maxrun >= 5) {
		vb_say_letters(c, p, n, VB_SPACED);
		return;
	}
	struct sb t;
	sb_init(&t);
	sb_add(&t, p, n);
	vb_say_sb(c, &t);
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
	return is_t(c, i, T_WORD) && vb_lower(c, i, w, sizeof w) && vb_in_list(w, tlds);
}

/* URL or e-mail address or @handle in chunk [i, e); returns e or 0. */
size_t vb_rule_address(struct ctx *c, size_t i, size_t e)
{
	int has_at = 0, has_dot = 0, has_scheme = 0, www = 0;
	for (size_t j = i; j < e; j++) {
		if (is_sym(c, j, '@'))
			has_at = 1;
		if (is_sym(c, j, '.') && j + 1 < e && c->tk[j + 1].t != T_SYM)
			has_dot = 1;
	}
	if (is_t(c, i, T_WORD) && (vb_tieq(c, i, "http") || vb_tieq(c, i, "https")) &&
	    is_sym(c, i + 1, ':') && is_sym(c, i + 2, '/'))
		has_scheme = 1;
	if (vb_tieq(c, i, "www") && is_sym(c, i + 1, '.'))
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
		if (last == SIZE_MAX || last + 2 != e || !is_tld(c, last + 1) || !vb_is_lowerword(c, last + 1) ||
		    !is_t(c, i, T_WORD) || tl(c, i) < 2)
			return 0;
		/* "z.B"-like abbreviations: every label must be longer than one letter */
		for (size_t j = i; j < e; j++)
			if (c->tk[j].t == T_WORD && tl(c, j) < 2 && !(j > i && is_sym(c, j - 1, '/')))
				return 0;
		for (size_t j = i; j < e && !is_sym(c, j, '/'); j++)
			if (vb_all_caps(c, j) && tl(c, j) > 1 && !is_tld(c, j))
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
					vb_say(c, sy[k].w);
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
size_t vb_rule_secret(struct ctx *c, size_t i, size_t e)
{
	size_t L, D, n;
	size_t s = i;
	if (vb_teq(c, i, "0") && i + 1 < e && c->tk[i + 1].t == T_WORD && tp(c, i + 1)[0] == 'x')
		s = i; /* 0x... hex */
	if (!alnum_stats(c, s, e, &L, &D, &n))
		return 0;
	/* IBAN: two capitals, two check digits, then more */
	if (is_t(c, i, T_WORD) && tl(c, i) == 2 && vb_all_caps(c, i) && is_t(c, i + 1, T_NUM) && tl(c, i + 1) >= 2) {
		size_t j = e, tot = n;
		/* groups of up to four characters separated by single spaces */
		while (tot < 34 && j + 1 < c->nt && c->tk[j].t == T_SPACE) {
			size_t ge = vb_chunk_end(c, j + 1), l2, d2, n2;
			if (ge == j + 1 || !alnum_stats(c, j + 1, ge, &l2, &d2, &n2) || n2 > 4 || !d2)
				break;
			tot += n2;
			j = ge;
			if (ge < c->nt && c->tk[ge].t != T_SPACE)
				break;
		}
		if (tot >= 15 && tot <= 34) {
			vb_warn(c, "an IBAN", c->tk[i].b, c->tk[j - 1].e);
			return j;
		}
	}
	size_t pw = vb_pv(c, i);
	if (n >= 8 && n <= 11 && !D && vb_all_caps(c, i) && e == i + 1 && pw != SIZE_MAX &&
	    (vb_teq(c, pw, "BIC") || vb_teq(c, pw, "SWIFT") || (is_sym(c, pw, ':') && pw > 0 && (vb_teq(c, vb_pv(c, pw), "BIC")))) ) {
		vb_warn(c, "a BIC", c->tk[i].b, c->tk[e - 1].e);
		return e;
	}
	if (n >= 8 && n <= 11 && D && L >= 6 && e - i >= 2 && vb_all_caps(c, i) && tl(c, i) >= 6) {
		vb_warn(c, "a BIC", c->tk[i].b, c->tk[e - 1].e);
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
		vb_warn(c, "a hash or wallet address", c->tk[i].b, c->tk[e - 1].e);
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
			vb_warn(c, "a hash", c->tk[i].b, c->tk[e - 1].e);
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

size_t vb_rule_phone(struct ctx *c, size_t i)
{
	size_t j = i;
	struct sb t;
	int plus = 0;
	if (is_sym(c, i, '+') && is_t(c, i + 1, T_NUM) && tl(c, i + 1) <= 3 && tp(c, i + 1)[0] != '0' &&
	    i + 2 < c->nt && (c->tk[i + 2].t == T_SPACE || is_sym(c, i + 2, '(') || vb_is_dash(c, i + 2)) &&
	    is_t(c, vb_nx(c, i + 1), T_NUM)) {
		plus = 1;
		j = i + 2;
	} else if (is_sym(c, i, '(') && is_t(c, i + 1, T_NUM) && tp(c, i + 1)[0] == '0' && tl(c, i + 1) >= 3 &&
		   is_sym(c, i + 2, ')') && is_t(c, vb_nx(c, i + 2), T_NUM)) {
		plus = 0;
	} else if (is_t(c, i, T_NUM) && tp(c, i)[0] == '0' && tl(c, i) >= 3 &&
		   (is_sym(c, i + 1, '/') || vb_is_dash(c, i + 1)) && is_t(c, i + 2, T_NUM) && tl(c, i + 2) >= 3) {
		plus = 0;
	} else if (is_t(c, i, T_NUM) && tp(c, i)[0] == '0' && tl(c, i) >= 3 && tl(c, i) <= 6 &&
		   i + 1 < c->nt && c->tk[i + 1].t == T_SPACE && is_t(c, i + 2, T_NUM) && tl(c, i + 2) >= 4 &&
		   !vb_quantity_follows(c, i + 3)) {
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
		} else if ((is_sym(c, k, '(') || is_sym(c, k, ')') || is_sym(c, k, '/') || vb_is_dash(c, k)) &&
			   (is_t(c, k + 1, T_NUM) || (k + 1 < c->nt && c->tk[k + 1].t == T_SPACE && is_t(c, k + 2, T_NUM)) ||
			    (is_sym(c, k, ')') ))) {
			k++;
		} else if (c->tk[k].t == T_SPACE && tl(c, k) == 1 && is_t(c, k + 1, T_NUM) && tl(c, k + 1) >= 2 &&
			   groups < 6) {
			k++;
		} else if (c->tk[k].t == T_SPACE && is_sym(c, k + 1, '(') ) {
			k++;
		} else if (c->tk[k].t == T_SPACE && (is_sym(c, k + 1, '/') || vb_is_dash(c, k + 1)) &&
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
	vb_say_sb(c, &t);
	sb_release(&t);
	return k;
}

