/*
 * numwords.c - German number words (see numwords.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "numwords.h"

static const char *const units[] = {
	"null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben",
	"acht", "neun", "zehn", "elf", "zwölf", "dreizehn", "vierzehn",
	"fünfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn"
};
static const char *const tens[] = {
	"", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig",
	"siebzig", "achtzig", "neunzig"
};

/* Scale words for groups of three digits from 10^6 on: singular, plural. */
static const char *const scales[][2] = {
	{ "Million", "Millionen" }, { "Milliarde", "Milliarden" },
	{ "Billion", "Billionen" }, { "Billiarde", "Billiarden" },
	{ "Trillion", "Trillionen" }, { "Trilliarde", "Trilliarden" },
	{ "Quadrillion", "Quadrillionen" }, { "Quadrilliarde", "Quadrilliarden" },
};
#define MAX_DIGITS 30

/* ---- helpers ----------------------------------------------------------- */

/* Copies the significant digits of d[0..n) into buf (room MAX_DIGITS+1); returns their count or -1 when too many. */
static int sig_digits(const char *d, size_t n, char *buf)
{
	size_t k = 0, i = 0;
	while (i < n && (!a_isdigit((unsigned char)d[i]) || d[i] == '0'))
		i++;
	for (; i < n; i++) {
		if (!a_isdigit((unsigned char)d[i]))
			continue;
		if (k >= MAX_DIGITS)
			return -1;
		buf[k++] = d[i];
	}
	buf[k] = '\0';
	return (int)k;
}

unsigned long long nw_value(const char *d, size_t n)
{
	char buf[MAX_DIGITS + 1];
	int k = sig_digits(d, n, buf);
	if (k < 0 || k > 18)
		return ULLONG_MAX;
	unsigned long long v = 0;
	for (int i = 0; i < k; i++)
		v = v * 10 + (unsigned)(buf[i] - '0');
	return v;
}

/*
 * Appends 1..999. `one` is the word for a final 1 (r == 1); `lead` drops the
 * "ein" of "einhundert" at the very start of a number.
 */
static void below1000(struct sb *s, unsigned v, const char *one, int lead)
{
	unsigned h = v / 100, r = v % 100;
	if (h) {
		if (h > 1 || !lead)
			sb_adds(s, h == 1 ? "ein" : units[h]);
		sb_adds(s, "hundert");
	}
	if (r == 1)
		sb_adds(s, one);
	else if (r > 1 && r < 20)
		sb_adds(s, units[r]);
	else if (r >= 20) {
		if (r % 10) {
			sb_adds(s, r % 10 == 1 ? "ein" : units[r % 10]);
			sb_adds(s, "und");
		}
		sb_adds(s, tens[r / 10]);
	}
}

/* ---- cardinals --------------------------------------------------------- */

/* Cardinal of buf[0..k) (significant digits, k >= 1). */
static void cardinal_sig(struct sb *s, const char *buf, int k, enum nw_one one)
{
	int ngroups = (k + 2) / 3;
	int first = 1;
	int pos = 0;
	int lead = k % 3 ? k % 3 : 3;
	int only_one = (k == 1 && buf[0] == '1');

	if (only_one) {
		sb_adds(s, one == NW_EIN ? "ein" : one == NW_EINE ? "eine" : "eins");
		return;
	}
	for (int g = ngroups - 1; g >= 0; g--) {
		int len = (g == ngroups - 1) ? lead : 3;
		unsigned v = 0;
		for (int i = 0; i < len; i++)
			v = v * 10 + (unsigned)(buf[pos + i] - '0');
		pos += len;
		if (!v)
			continue;
		if (g >= 2) {
			if (!first)
				sb_addc(s, ' ');
			if (v == 1)
				sb_adds(s, "eine");
			else
				below1000(s, v, "ein", 0);
			sb_addc(s, ' ');
			sb_adds(s, scales[g - 2][v == 1 ? 0 : 1]);
			first = 0;
		} else if (g == 1) {
			if (!first)
				sb_addc(s, ' ');
			if (v == 1)
				sb_adds(s, first ? "" : "ein");
			else
				below1000(s, v, "ein", first);
			sb_adds(s, "tausend");
			first = 0;
		} else {
			/* the units group joins a preceding thousands word */
			/* a space after "tausend": eSpeak stresses "tauSEND" in long compounds */
			if (!first)
				sb_addc(s, ' ');
			below1000(s, v, "eins", first);
			first = 0;
		}
	}
}

void nw_cardinal(struct sb *s, const char *d, size_t n, enum nw_one one)
{
	char buf[MAX_DIGITS + 1];
	int k = sig_digits(d, n, buf);
	if (k < 0) {
		nw_digits(s, d, n);
		return;
	}
	if (k == 0) {
		sb_adds(s, "null");
		return;
	}
	cardinal_sig(s, buf, k, one);
}

void nw_cardinal_u(struct sb *s, unsigned long long v, enum nw_one one)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%llu", v);
	nw_cardinal(s, buf, (size_t)n, one);
}

/* ---- ordinals ---------------------------------------------------------- */

/* Replaces a trailing `from` of s by `to` when present; returns 1 if done. */
static int replace_tail(struct sb *s, const char *from, const char *to)
{
	size_t fl = strlen(from);
	if (s->len < fl || memcmp(s->buf + s->len - fl, from, fl))
		return 0;
	s->len -= fl;
	s->buf[s->len] = '\0';
	sb_adds(s, to);
	return 1;
}

void nw_ordinal(struct sb *s, const char *d, size_t n, const char *ending)
{
	char buf[MAX_DIGITS + 1];
	int k = sig_digits(d, n, buf);
	if (k < 0) {
		nw_digits(s, d, n);
		return;
	}
	if (k == 0) {
		sb_adds(s, "nullt");
		sb_adds(s, ending);
		return;
	}
	struct sb t;
	sb_init(&t);
	cardinal_sig(&t, buf, k, NW_EINS);
	unsigned r = (unsigned)(buf[k - 1] - '0');
	if (k >= 2)
		r += 10u * (unsigned)(buf[k - 2] - '0');
	if (r == 0 && k > 6) {
		/* "zwei Millionen" -> "zweimillionst", "eine Million" -> "millionst" */
		struct sb u;
		sb_init(&u);
		size_t i = 0;
		if (t.len > 5 && !memcmp(t.buf, "eine ", 5) && !strchr(t.buf + 5, ' '))
			i = 5;
		for (; i < t.len; i++) {
			unsigned char c = (unsigned char)t.buf[i];
			if (c != ' ')
				sb_addc(&u, (char)a_tolower(c));
		}
		if (!replace_tail(&u, "nen", "n"))
			replace_tail(&u, "den", "de");
		replace_tail(&u, "de", "d");
		sb_adds(&u, "st");
		sb_add(s, u.buf, u.len);
		sb_release(&u);
	} else if (r == 1) {
		replace_tail(&t, "eins", "erst");
		sb_add(s, t.buf, t.len);
	} else if (r == 3) {
		replace_tail(&t, "drei", "dritt");
		sb_add(s, t.buf, t.len);
	} else if (r == 7) {
		replace_tail(&t, "sieben", "siebt");
		sb_add(s, t.buf, t.len);
	} else if (r == 8) {
		sb_add(s, t.buf, t.len);
	} else if (r > 0 && r < 20) {
		sb_add(s, t.buf, t.len);
		sb_addc(s, 't');
	} else {
		sb_add(s, t.buf, t.len);
		sb_adds(s, "st");
	}
	sb_adds(s, ending);
	sb_release(&t);
}

void nw_ordinal_u(struct sb *s, unsigned long long v, const char *ending)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%llu", v);
	nw_ordinal(s, buf, (size_t)n, ending);
}

/* ---- years, digits, fractions ------------------------------------------ */

void nw_year(struct sb *s, unsigned long long v)
{
	if (v >= 1100 && v < 2000) {
		sb_adds(s, units[v / 100]);
		sb_adds(s, "hundert");
		if (v % 100)
			below1000(s, (unsigned)(v % 100), "eins", 0);
		return;
	}
	nw_cardinal_u(s, v, NW_EINS);
}

void nw_digits(struct sb *s, const char *d, size_t n)
{
	int first = 1;
	for (size_t i = 0; i < n; i++) {
		if (!a_isdigit((unsigned char)d[i]))
			continue;
		if (!first)
			sb_addc(s, ' ');
		sb_adds(s, units[d[i] - '0']);
		first = 0;
	}
}

void nw_denominator(struct sb *s, const char *d, size_t n, int plural)
{
	unsigned long long v = nw_value(d, n);
	if (v == 2) {
		sb_adds(s, plural ? "halbe" : "halb");
		return;
	}
	struct sb t;
	sb_init(&t);
	nw_ordinal(&t, d, n, "el");
	/* a noun: capital first letter (ASCII stems only) */
	if (t.len && a_islower((unsigned char)t.buf[0]))
		t.buf[0] = (char)a_toupper((unsigned char)t.buf[0]);
	sb_add(s, t.buf, t.len);
	sb_release(&t);
}
