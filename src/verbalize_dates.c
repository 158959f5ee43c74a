/*
 * verbalize_dates.c - dates and times in the verbalizer: numeric dates
 * ("3.10.2024"), ISO dates, years ("1999" as neunzehnhundert...), times of day.
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

/* ---- years ---------------------------------------------------------------- */

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
	size_t p = vb_pv(c, i);
	char w[32];
	if (p == SIZE_MAX)
		return 0;
	if (is_sym(c, p, '.') && p > 0 && vb_month_at(c, p - 1, &(size_t){0}))
		return 1;
	return is_t(c, p, T_WORD) && vb_lower(c, p, w, sizeof w) && vb_in_list(w, cues);
}

/*
 * The reading of a plain integer at token i (no decimals, not grouped):
 * a year when it is four digits 1100..1999 in year context.
 */
int vb_reads_as_year(const struct ctx *c, size_t i, size_t end)
{
	if (tl(c, i) != 4)
		return 0;
	unsigned long long v = vb_nval(c, i);
	if (v < 1100 || v > 1999)
		return 0;
	if (vb_quantity_follows(c, end))
		return 0;
	size_t n = vb_nx(c, end - 1);
	if (vb_is_cap(c, n) && !vb_month_at(c, n, &(size_t){0})) {
		/* "1500 Menschen" is a count, "im Jahr 1990 Kanzler" a year */
		static const char *const yn[] = { "jahr", "jahre", "jahres", "jahrs", "sommer", "herbst",
			"winter", "frühjahr", "frühling", "januar", "februar", "märz", "april", "mai", "juni",
			"juli", "august", "september", "oktober", "november", "dezember", NULL };
		char w[32];
		size_t p = vb_pv(c, i);
		return p != SIZE_MAX && vb_lower(c, p, w, sizeof w) && vb_in_list(w, yn);
	}
	if (year_before(c, i))
		return 1;
	/* followed by a verb or the end of a clause; a lone number stays a number */
	if (n >= c->nt)
		return vb_pv(c, i) != SIZE_MAX;
	if (vb_is_lowerword(c, n) || is_sym(c, n, ',') || is_sym(c, n, '.') ||
	    is_sym(c, n, ';') || is_sym(c, n, ')') || vb_is_dash(c, n))
		return vb_nx(c, n) < c->nt || vb_pv(c, i) != SIZE_MAX;
	return 0;
}

/* Says a date's year at token i (4 digits, or 2 digits meaning 19xx/20xx). */
static void say_date_year(struct ctx *c, size_t i)
{
	unsigned long long y = vb_nval(c, i);
	if (tl(c, i) == 2)
		y += y < 50 ? 2000 : 1900;
	vb_say_year(c, y);
}
/* ---- dates and times ------------------------------------------------------ */

/* "d.m.yyyy", "dd.mm.yy", "d.m." : numeric dates. */
size_t vb_rule_numdate(struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_NUM) || tl(c, i) > 2 || !is_sym(c, i + 1, '.') || !is_t(c, i + 2, T_NUM) || tl(c, i + 2) > 2)
		return 0;
	unsigned long long d = vb_nval(c, i), m = vb_nval(c, i + 2);
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
		if (vb_quantity_follows(c, j) || is_t(c, j, T_NUM) || is_t(c, j, T_WORD) || is_sym(c, j, ','))
			return 0;
		if (vb_teq(c, vb_nx(c, j - 1), "Uhr"))
			return 0;
		static const char *const cues[] = { "am", "vom", "zum", "bis", "ab", "seit", "den", "dem",
			"stand", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
			"sonntag", "datum", "frist", "termin", NULL };
		size_t p = vb_pv(c, i);
		char w[16];
		if (p != SIZE_MAX && !(is_t(c, p, T_WORD) && vb_lower(c, p, w, sizeof w) && vb_in_list(w, cues)) &&
		    !is_sym(c, p, ',') && !is_sym(c, p, ':') && !is_sym(c, p, '('))
			return 0;
	}
	size_t e = year ? j + 2 : (is_sym(c, j, '.') ? j + 1 : j);
	const char *end = vb_ord_ending(c, i, SIZE_MAX);
	vb_say_ordinal(c, tp(c, i), tl(c, i), end);
	c->last_ord = end;
	c->last_ord_tok = e;
	vb_say(c, vb_months[m - 1]);
	if (year)
		say_date_year(c, j + 1);
	if (!year && is_sym(c, j, '.') && (e >= c->nt || (c->tk[e].t == T_SPACE && e + 1 >= c->nt)))
		vb_glue(c, ".");
	return e;
}

/* "2025-03-02", "2003-03". */
size_t vb_rule_isodate(struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_NUM) || tl(c, i) != 4 || !is_sym(c, i + 1, '-') || !is_t(c, i + 2, T_NUM) || tl(c, i + 2) > 2)
		return 0;
	unsigned long long y = vb_nval(c, i), m = vb_nval(c, i + 2);
	if (m < 1 || m > 12 || y < 1000 || y > 2999 || (tl(c, i + 2) == 1 && !is_sym(c, i + 3, '-')))
		return 0;
	if (is_sym(c, i + 3, '-') && is_t(c, i + 4, T_NUM) && tl(c, i + 4) <= 2) {
		unsigned long long d = vb_nval(c, i + 4);
		if (d < 1 || d > 31)
			return 0;
		const char *end = vb_ord_ending(c, i, SIZE_MAX);
		vb_say_ordinal(c, tp(c, i + 4), tl(c, i + 4), end);
		vb_say(c, vb_months[m - 1]);
		vb_say_year(c, y);
		return i + 5;
	}
	if (tl(c, i + 2) != 2 || is_sym(c, i + 3, '-'))
		return 0;
	vb_say(c, vb_months[m - 1]);
	vb_say_year(c, y);
	return i + 3;
}

/* Times: "14:30 Uhr", "20.15 Uhr", "0:05", "01:01:01 Uhr", "um 14:30". */
size_t vb_rule_time(struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_NUM) || tl(c, i) > 2)
		return 0;
	int colon = is_sym(c, i + 1, ':');
	if (!(colon || is_sym(c, i + 1, '.')) || !is_t(c, i + 2, T_NUM) || tl(c, i + 2) != 2)
		return 0;
	unsigned long long h = vb_nval(c, i), mi = vb_nval(c, i + 2), se = ULLONG_MAX;
	size_t j = i + 3;
	if (colon && is_sym(c, j, ':') && is_t(c, j + 1, T_NUM) && tl(c, j + 1) == 2) {
		se = vb_nval(c, j + 1);
		j += 2;
	}
	if (h > 24 || mi > 59 || (se != ULLONG_MAX && se > 59))
		return 0;
	size_t u = vb_nx(c, j - 1);
	int uhr = vb_teq(c, u, "Uhr") || vb_teq(c, u, "h");
	if (!uhr) {
		char w[16];
		size_t p = vb_pv(c, i);
		int prep = p != SIZE_MAX && vb_lower(c, p, w, sizeof w) &&
			   (!strcmp(w, "um") || !strcmp(w, "gegen") || !strcmp(w, "ab") || !strcmp(w, "bis") ||
			    !strcmp(w, "seit") || !strcmp(w, "zwischen") || !strcmp(w, "von") || !strcmp(w, "vor") ||
			    !strcmp(w, "nach") || !strcmp(w, "zeit") || !strcmp(w, "beginn") || !strcmp(w, "ende"));
		/* "9.30 bis 12 Uhr": a time range ending in "Uhr" */
		int range = 0;
		if (vb_teq(c, u, "bis") || vb_is_dash(c, u)) {
			size_t k = vb_nx(c, u);
			if (is_t(c, k, T_NUM) && tl(c, k) <= 2) {
				if ((is_sym(c, k + 1, ':') || is_sym(c, k + 1, '.')) && is_t(c, k + 2, T_NUM))
					k += 2;
				range = vb_teq(c, vb_nx(c, k), "Uhr");
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
	vb_say_sb(c, &t);
	sb_release(&t);
	return uhr ? u + 1 : j;
}

