/*
 * verbalize_money.c - scale words, currencies and units of the verbalizer, and
 * the quantity (number + scale + unit or currency) they make together.
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

/* ---- scale words ------------------------------------------------------------ */

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

/* Scale words after a number: index into the table or -1. Sets *used tokens. */
static int scale_at(const struct ctx *c, size_t i, size_t *used)
{
	char w[16];
	if (!is_t(c, i, T_WORD) || !vb_lower(c, i, w, sizeof w))
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

/* ---- currencies and units ------------------------------------------------- */

/* Currencies: written forms and spoken name, gender, cent name. */
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
const struct currency *vb_currency_at(const struct ctx *c, size_t i, size_t *used, int words)
{
	if (i >= c->nt)
		return NULL;
	if (vb_teq(c, i, "US") && is_sym(c, i + 1, '$')) {
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
		if (vb_teq(c, i, w)) {
			*used = 1;
			return &currencies[k];
		}
	}
	return NULL;
}

/* Units: written form, singular, plural, gender. */
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
const struct unit *vb_unit_at(const struct ctx *c, size_t i, size_t *used, int *per)
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
int vb_quantity_follows(const struct ctx *c, size_t j)
{
	size_t u;
	int per;
	size_t k = j < c->nt && c->tk[j].t == T_SPACE ? j + 1 : j;
	return scale_at(c, k, &u) >= 0 || vb_unit_at(c, k, &u, &per) || vb_currency_at(c, k, &u, 1);
}

/* ---- quantities ----------------------------------------------------------- */

/*
 * Money with decimals and no scale word: "49,99 €" is said in euros and cents
 * and 1 is returned. Other decimals are read with "Komma": their trailing
 * zeros are cut from m->fp and 0 is returned (nothing said).
 */
static int say_cents(struct ctx *c, struct num *m, const struct currency *cur)
{
	size_t fl = m->fp.len;
	while (fl && m->fp.buf[fl - 1] == '0')
		fl--;
	if (fl <= 2 && cur->sub_sg) {
		char cents[3] = { '0', '0', 0 };
		memcpy(cents, m->fp.buf, fl);
		unsigned cv = (unsigned)((cents[0] - '0') * 10 + (cents[1] - '0'));
		int whole0 = !strcmp(m->ip.buf + strspn(m->ip.buf, "0"), "");
		if (!whole0 || !cv) {
			vb_say_cardinal(c, m->ip.buf, m->ip.len, cur->g == 'f' ? NW_EINE : NW_EIN);
			vb_say(c, cur->name);
		}
		if (cv) {
			vb_say_cardinal_u(c, cv, NW_EIN);
			vb_say(c, cv == 1 ? cur->sub_sg : cur->sub_pl);
		}
		return 1;
	}
	if (!fl) {
		vb_say_cardinal(c, m->ip.buf, m->ip.len, cur->g == 'f' ? NW_EINE : NW_EIN);
		vb_say(c, cur->name);
		return 1;
	}
	m->fp.len = fl;
	m->fp.buf[fl] = '\0';
	return 0;
}

/*
 * The second half of a compound unit at token j ("/m²" in "20 l/m²", "/l" in
 * "1,89 €/l"): says "pro Quadratmeter" and returns the tokens used, or 0.
 */
static size_t say_per_unit(struct ctx *c, size_t j)
{
	size_t u2;
	int per2;
	const struct unit *d = vb_unit_at(c, j, &u2, &per2);
	if (d && per2 && u2) {
		vb_say(c, "pro");
		vb_say(c, d->sg);
		return u2;
	}
	return 0;
}

/*
 * Says a quantity: number at i (parsed into m) followed by scale, unit or
 * currency, or preceded by a currency (`pre`). Returns the next token.
 */
size_t vb_say_quantity(struct ctx *c, struct num *m, const struct currency *pre, int minus)
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
		cur = vb_currency_at(c, k, &used, 1);
		if (cur)
			j = k + used;
	}
	if (!cur) {
		un = vb_unit_at(c, k, &used, &per);
		/* a unit glued to the number ("2km/h") only in a chunk of its own ("W26s" is a code) */
		if (un && k == j && !(vb_chunk_start(c, m->start) || is_sym(c, m->start - 1, '-') ||
				      is_sym(c, m->start - 1, 0x2212)))
			un = NULL;
		if (un && k == j && k + used < c->nt && (c->tk[k + used].t == T_WORD || c->tk[k + used].t == T_NUM))
			un = NULL;
		if (un)
			j = k + used;
	}
	int is_one = !m->fp.len && !strcmp(m->ip.buf + strspn(m->ip.buf, "0"), "1");
	if (minus)
		vb_say(c, "minus");
	if (cur && !s && m->fp.len && say_cents(c, m, cur))
		return j;
	enum nw_one one = NW_EINS;
	char g = s ? 'f' : cur ? cur->g : un ? un->g : 0;
	if (!s && !cur && !un && vb_is_cap(c, k) && k == vb_nx(c, m->end - 1))
		g = vb_gender_at(c, k);
	if (g)
		one = g == 'f' ? NW_EINE : NW_EIN;
	if (s && !strcmp(s->sg, "Tausend"))
		one = NW_EIN;
	if (is_one && !s && !cur && !un && vb_teq(c, k, "Uhr"))
		vb_say(c, "ein");
	else if (is_one && g && !minus)
		vb_say(c, vb_one_form(c, m->start, j, g));
	else
		vb_say_num(c, m, one);
	if (s)
		vb_say(c, is_one ? s->sg : s->pl);
	if (cur)
		vb_say(c, cur->name);
	if (un) {
		if (per)
			vb_say(c, "pro");
		vb_say(c, is_one && !s ? un->sg : un->pl);
	}
	if ((un || cur) && is_sym(c, j, '/'))
		j += say_per_unit(c, j);
	if (final_dot && !cur && !un)
		vb_glue(c, ".");
	return j;
}

