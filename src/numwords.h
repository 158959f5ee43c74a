/*
 * numwords.h - German number words: cardinals, ordinals, years, digits,
 * fraction denominators.
 *
 * Numbers are given as decimal digit strings so that any size works; leading
 * zeros are ignored. Words are appended to a struct sb without surrounding
 * spaces. Numbers below one million are written as one word
 * ("zweitausendfünfundzwanzig"); scale words from Million up are separate
 * ("eine Million zweihunderttausend"). More than 30 significant digits are
 * read digit by digit.
 */
#ifndef SPRECHER_NUMWORDS_H
#define SPRECHER_NUMWORDS_H

#include <stddef.h>
#include "util.h"

/* How a number whose value is exactly 1 is said. */
enum nw_one {
	NW_EINS,   /* counting: "eins" */
	NW_EIN,    /* before a masculine or neuter noun: "ein" */
	NW_EINE    /* before a feminine noun: "eine" */
};

/* Appends the cardinal for digits d[0..n) (non-digits are ignored). */
void nw_cardinal(struct sb *s, const char *d, size_t n, enum nw_one one);
/* Same for a machine integer. */
void nw_cardinal_u(struct sb *s, unsigned long long v, enum nw_one one);

/*
 * Appends the ordinal for digits d[0..n) with the adjective ending `ending`
 * ("e", "en", "er", "es", "em"; "" gives the bare stem "zweit").
 */
void nw_ordinal(struct sb *s, const char *d, size_t n, const char *ending);
void nw_ordinal_u(struct sb *s, unsigned long long v, const char *ending);

/*
 * Appends a year: 1100..1999 as "neunzehnhundertneunundachtzig", other
 * values as cardinals.
 */
void nw_year(struct sb *s, unsigned long long v);

/* Appends the digits one by one, separated by spaces ("null vier eins"). */
void nw_digits(struct sb *s, const char *d, size_t n);

/*
 * Appends a fraction denominator noun: "Drittel", "Viertel", "Zwanzigstel"
 * (2 gives "halb", or "halbe" when `plural`).
 */
void nw_denominator(struct sb *s, const char *d, size_t n, int plural);

/* Value of digits d[0..n) if it fits in 18 digits, else ULLONG_MAX. */
unsigned long long nw_value(const char *d, size_t n);

#endif
