/*
 * verbalize_grammar.c - tables and grammatical context of the verbalizer:
 * months and weekdays, noun gender, endings of articles and ordinals.
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

/* ---- tables -------------------------------------------------------------- */

const char *const vb_months[] = {
	"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
	"August", "September", "Oktober", "November", "Dezember"
};

/* Month number (1..12) of the word token i (full name, or abbreviation when followed by '.'); 0 if none. Sets *used to tokens consumed. */
int vb_month_at(const struct ctx *c, size_t i, size_t *used)
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
	if (!is_t(c, i, T_WORD) || !vb_lower(c, i, w, sizeof w))
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

const char *vb_weekday_abbr(const struct ctx *c, size_t i)
{
	static const char *const ab[][2] = {
		{ "Mo", "Montag" }, { "Di", "Dienstag" }, { "Mi", "Mittwoch" },
		{ "Do", "Donnerstag" }, { "Fr", "Freitag" }, { "Sa", "Samstag" },
		{ "So", "Sonntag" },
	};
	for (size_t k = 0; k < ARRAY_LEN(ab); k++)
		if (vb_teq(c, i, ab[k][0]))
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
char vb_gender_at(const struct ctx *c, size_t i)
{
	char w[64];
	if (!is_t(c, i, T_WORD) || !vb_lower(c, i, w, sizeof w))
		return 'm';
	return noun_gender(w);
}

/* ---- grammatical context ----------------------------------------------- */

const char *const vb_dat_preps[] = {
	"ab", "seit", "von", "mit", "nach", "aus", "bei", "zu", "vor", "gegenüber",
	"nahe", "samt", "nebst", "unter", "in", "an", "auf", "über", "hinter",
	"neben", "zwischen", NULL
};
const char *const vb_acc_preps[] = {
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
const char *vb_det_ending(const char *w, char g, int after_prep)
{
	if (vb_in_list(w, en_words))
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
const char *vb_ord_ending(struct ctx *c, size_t i, size_t noun)
{
	char g = noun < c->nt ? vb_gender_at(c, noun) : 'm';
	size_t p = vb_pv(c, i);
	char w[32];
	if (is_sym(c, p, ',') && p > 0) {
		/* "am Montag, 3. März": the date is in apposition to "am Montag" */
		static const char *const days[] = { "montag", "dienstag", "mittwoch", "donnerstag",
			"freitag", "samstag", "sonnabend", "sonntag", NULL };
		size_t d = vb_pv(c, p), a = vb_pv(c, d);
		int day = d != SIZE_MAX && vb_lower(c, d, w, sizeof w) && vb_in_list(w, days);
		if (!day && is_sym(c, d, '.') && d > 0 && vb_weekday_abbr(c, d - 1)) {
			day = 1;
			a = vb_pv(c, d - 1);
		}
		if (day && a != SIZE_MAX && vb_lower(c, a, w, sizeof w) && vb_in_list(w, en_words))
			return "en";
	}
	if (p == SIZE_MAX || !is_t(c, p, T_WORD) || !vb_lower(c, p, w, sizeof w)) {
		if (p != SIZE_MAX && vb_is_dash(c, p) && c->last_ord && c->last_ord_tok + 2 >= p)
			return c->last_ord;
		return g == 'f' ? "e" : g == 'n' ? "es" : "er";
	}
	if ((!strcmp(w, "bis") || !strcmp(w, "und") || !strcmp(w, "oder") ||
	     !strcmp(w, "sowie")) && c->last_ord && c->last_ord_tok + 3 >= p)
		return c->last_ord;
	size_t pp = vb_pv(c, p);
	char w2[32];
	int after_prep = pp != SIZE_MAX && is_t(c, pp, T_WORD) && vb_lower(c, pp, w2, sizeof w2) &&
			 (vb_in_list(w2, vb_dat_preps) || vb_in_list(w2, vb_acc_preps));
	const char *e = vb_det_ending(w, g, after_prep);
	if (e)
		return e;
	if (vb_in_list(w, vb_acc_preps))
		return g == 'f' ? "e" : g == 'n' ? "es" : "en";
	if (vb_in_list(w, vb_dat_preps))
		return g == 'f' ? "er" : "em";
	return g == 'f' ? "e" : g == 'n' ? "es" : "er";
}

