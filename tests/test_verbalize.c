/*
 * test_verbalize.c - the verbalizer and the number words.
 */
#include "testutil.h"

#include <time.h>

#include "lexicon.h"
#include "numwords.h"
#include "verbalize.h"

/* Verbalizes `in` with lexicon `lx` and returns a malloc'd copy of the spoken text. */
static char *spoken_lex(const char *in, const struct lexicon *lx, struct warns *w)
{
	struct verbalized v;
	struct verb_opts o = { .lex = lx, .where = "test:1" };
	verb_init(&v);
	verb_sentence(in, strlen(in), &o, &v, w);
	char *r = xstrdup(v.spoken.buf);
	verb_release(&v);
	return r;
}

static void check(const char *in, const char *want)
{
	char *got = spoken_lex(in, NULL, NULL);
	if (strcmp(got, want))
		print_error("input: %s\n", in);
	assert_string_equal(got, want);
	free(got);
}

/* ---- number words ------------------------------------------------------- */

static char *card(const char *d)
{
	struct sb s;
	sb_init(&s);
	nw_cardinal(&s, d, strlen(d), NW_EINS);
	return sb_detach(&s);
}

static void test_cardinals(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "0", "null" }, { "1", "eins" }, { "7", "sieben" }, { "16", "sechzehn" },
		{ "17", "siebzehn" }, { "21", "einundzwanzig" }, { "30", "dreißig" },
		{ "99", "neunundneunzig" }, { "100", "hundert" }, { "101", "hunderteins" },
		{ "256", "zweihundertsechsundfünfzig" }, { "1000", "tausend" },
		{ "1001", "tausend eins" }, { "2025", "zweitausend fünfundzwanzig" },
		{ "71000", "einundsiebzigtausend" },
		{ "1000000", "eine Million" }, { "3000000", "drei Millionen" },
		{ "1200000", "eine Million zweihunderttausend" },
		{ "2000000001", "zwei Milliarden eins" },
		{ "5000000000000", "fünf Billionen" }, { "007", "sieben" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *s = card(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void test_ordinals_and_years(void **state)
{
	(void)state;
	struct sb s;
	sb_init(&s);
	nw_ordinal(&s, "1", 1, "e");
	assert_string_equal(s.buf, "erste");
	sb_reset(&s);
	nw_ordinal(&s, "3", 1, "en");
	assert_string_equal(s.buf, "dritten");
	sb_reset(&s);
	nw_ordinal(&s, "7", 1, "er");
	assert_string_equal(s.buf, "siebter");
	sb_reset(&s);
	nw_ordinal(&s, "8", 1, "es");
	assert_string_equal(s.buf, "achtes");
	sb_reset(&s);
	nw_ordinal(&s, "19", 2, "e");
	assert_string_equal(s.buf, "neunzehnte");
	sb_reset(&s);
	nw_ordinal(&s, "20", 2, "e");
	assert_string_equal(s.buf, "zwanzigste");
	sb_reset(&s);
	nw_ordinal(&s, "101", 3, "e");
	assert_string_equal(s.buf, "hunderterste");
	sb_reset(&s);
	nw_ordinal(&s, "2000000", 7, "e");
	assert_string_equal(s.buf, "zweimillionste");
	sb_reset(&s);
	nw_year(&s, 1989);
	assert_string_equal(s.buf, "neunzehnhundertneunundachtzig");
	sb_reset(&s);
	nw_year(&s, 2024);
	assert_string_equal(s.buf, "zweitausend vierundzwanzig");
	sb_reset(&s);
	nw_denominator(&s, "3", 1, 0);
	assert_string_equal(s.buf, "Drittel");
	sb_reset(&s);
	nw_denominator(&s, "25", 2, 0);
	assert_string_equal(s.buf, "Fünfundzwanzigstel");
	sb_release(&s);
}

/* ---- sentences ---------------------------------------------------------- */

static void test_numbers(void **state)
{
	(void)state;
	check("Es kamen 3.500 Leute.", "Es kamen dreitausend fünfhundert Leute.");
	check("Es kamen 12 000 Leute.", "Es kamen zwölftausend Leute.");
	check("Es waren -7 Grad.", "Es waren minus sieben Grad.");
	check("Der Wert stieg auf 3,75.", "Der Wert stieg auf drei Komma sieben fünf.");
	check("Es dauert 20–30 Minuten.", "Es dauert zwanzig bis dreißig Minuten.");
	check("Sie zählten 7 Kinder.", "Sie zählten sieben Kinder.");
	check("Er gewann mit 1 Stimme.", "Er gewann mit einer Stimme.");
}

static void test_ordinals(void **state)
{
	(void)state;
	check("Am 4. Juli feiern sie.", "Am vierten Juli feiern sie.");
	check("Der 3. Oktober ist frei.", "Der dritte Oktober ist frei.");
	check("Zum 5. Mal siegte er.", "Zum fünften Mal siegte er.");
	check("Das Ende des 1. Weltkriegs.", "Das Ende des ersten Weltkriegs.");
	check("Im 20. Jahrhundert.", "Im zwanzigsten Jahrhundert.");
	check("Sie holte den 3. Platz.", "Sie holte den dritten Platz.");
	check("Die 2. Liga spielt.", "Die zweite Liga spielt.");
	check("In der 4. Runde.", "In der vierten Runde.");
	check("Ein 2. Versuch.", "Ein zweiter Versuch.");
	check("Ein 2. Treffen.", "Ein zweites Treffen.");
	check("Er wurde 1950.", "Er wurde neunzehnhundertfünfzig.");
}

static void test_dates(void **state)
{
	(void)state;
	check("Am 9. November 1989 fiel die Mauer.",
	      "Am neunten November neunzehnhundertneunundachtzig fiel die Mauer.");
	check("Bis zum 1.4.2026 gilt es.", "Bis zum ersten April zweitausend sechsundzwanzig gilt es.");
	check("Stand: 05.06.23", "Stand: fünfter Juni zweitausend dreiundzwanzig");
	check("Seit dem 2026-01-15 gilt es.", "Seit dem fünfzehnten Januar zweitausend sechsundzwanzig gilt es.");
	check("Am 7. Okt. 2023 begann es.", "Am siebten Oktober zweitausend dreiundzwanzig begann es.");
	check("Vom 8. bis 10. März tagt der Rat.", "Vom achten bis zehnten März tagt der Rat.");
	check("Vom 8.–10. März tagt der Rat.", "Vom achten bis zehnten März tagt der Rat.");
	check("Geöffnet Di.–Do. ab 9 Uhr.", "Geöffnet Dienstag bis Donnerstag ab neun Uhr.");
	check("Geöffnet Mo–Sa.", "Geöffnet Montag bis Samstag.");
	check("Er kommt am Mo. nach Berlin.", "Er kommt am Montag nach Berlin.");
	check("Jeden Fr. ist Markt.", "Jeden Freitag ist Markt.");
	check("Der Zug hatte 45 Min. Verspätung.", "Der Zug hatte fünfundvierzig Minuten Verspätung.");
	check("Das Mo. im Namen bleibt.", "Das Mo. im Namen bleibt.");
	check("Im Jahr 1871 entstand das Reich.", "Im Jahr achtzehnhunderteinundsiebzig entstand das Reich.");
	check("1961 wurde die Mauer gebaut.", "neunzehnhunderteinundsechzig wurde die Mauer gebaut.");
	check("Es kamen 1500 Menschen.", "Es kamen tausend fünfhundert Menschen.");
	check("In den 1970er Jahren.", "In den neunzehnhundertsiebziger Jahren.");
	check("Die 80er-Jahre.", "Die achtziger-Jahre.");
}

static void test_times(void **state)
{
	(void)state;
	check("Der Zug fährt um 7:45 Uhr.", "Der Zug fährt um sieben Uhr fünfundvierzig.");
	check("Beginn 19.30 Uhr.", "Beginn neunzehn Uhr dreißig.");
	check("Um 1 Uhr nachts.", "Um ein Uhr nachts.");
	check("Um 0:10 Uhr.", "Um null Uhr zehn.");
	check("Von 10 bis 12 Uhr.", "Von zehn bis zwölf Uhr.");
	check("Es steht 2:0.", "Es steht zwei zu null.");
	check("Geöffnet 8.30 bis 17 Uhr.", "Geöffnet acht Uhr dreißig bis siebzehn Uhr.");
	check("Um 18:45 beginnt es.", "Um achtzehn Uhr fünfundvierzig beginnt es.");
}

static void test_misc(void **state)
{
	(void)state;
	check("Der G7-Gipfel und der CO2-Preis.", "Der G-sieben-Gipfel und der C-O-zwei-Preis.");
	check("Version 3.2 ist da.", "Version drei Punkt zwei ist da.");
	check("Am Mi., 4. Juni.", "Am Mittwoch, vierten Juni.");
	check("Stand 11/2025", "Stand November zweitausend fünfundzwanzig");
	check("Er wurde 70. Danach ging er.", "Er wurde siebzig. Danach ging er.");
	check("Die Saison 2025/26 beginnt.", "Die Saison zweitausend fünfundzwanzig sechsundzwanzig beginnt.");
	check("Queen Elizabeth II starb.", "Queen Elizabeth die Zweite starb.");
	check("Die NGOs warnen.", "Die N-G-Os warnen.");
	check("WAHL IN BERLIN: SPD VORN", "Wahl In Berlin: S-P-D Vorn");
	check("Gut 👍 gemacht", "Gut gemacht");
	check("Es – so hieß es – bleibt.", "Es, so hieß es, bleibt.");
	check("Sie lebte (1901–1980) hier.", "Sie lebte (neunzehnhunderteins bis neunzehnhundertachtzig) hier.");
	struct warns w;
	warns_init(&w);
	char *s = spoken_lex("BIC: GENODEF1ABC danke", NULL, &w);
	assert_string_equal(s, "B-I-C: danke");
	assert_int_equal(w.n, 1);
	free(s);
	warns_release(&w);
}

static void test_money_units(void **state)
{
	(void)state;
	check("Es kostet 19,90 €.", "Es kostet neunzehn Euro neunzig Cent.");
	check("Es kostet 5 Euro.", "Es kostet fünf Euro.");
	check("Er zahlte $ 30.", "Er zahlte dreißig Dollar.");
	check("Sie erhielt 1 Mio. Euro.", "Sie erhielt eine Million Euro.");
	check("Der Verlust: 3,4 Mrd. €.", "Der Verlust: drei Komma vier Milliarden Euro.");
	check("Es kostet CHF 12.", "Es kostet zwölf Franken.");
	check("Es kostet 7 £.", "Es kostet sieben Pfund.");
	check("Ein Plus von 2,5 %.", "Ein Plus von zwei Komma fünf Prozent.");
	check("0,5 ‰ Alkohol.", "null Komma fünf Promille Alkohol.");
	check("Er lief 42 km in 3 h.", "Er lief zweiundvierzig Kilometer in drei Stunden.");
	check("Mit 130 km/h.", "Mit hundertdreißig Kilometer pro Stunde.");
	check("Es hat 30 °C.", "Es hat dreißig Grad Celsius.");
	check("Eine Fläche von 12 m².", "Eine Fläche von zwölf Quadratmeter.");
	check("Er wiegt 80 kg.", "Er wiegt achtzig Kilogramm.");
	check("Ein ¾ Liter.", "Ein drei Viertel Liter.");
	check("Ein Anteil von 2/3.", "Ein Anteil von zwei Drittel.");
}

static void test_legal_roman(void **state)
{
	(void)state;
	check("Nach § 3 Abs. 1 gilt das.", "Nach Paragraf drei Absatz eins gilt das.");
	check("Siehe Art. 1 und S. 4 ff.", "Siehe Artikel eins und Seite vier folgende.");
	check("König Karl III. sprach.", "König Karl der Dritte sprach.");
	check("Unter Friedrich II. wuchs Preußen.", "Unter Friedrich dem Zweiten wuchs Preußen.");
	check("Band IV erscheint.", "Band vier erscheint.");
}

static void test_abbreviations_acronyms(void **state)
{
	(void)state;
	check("Obst, z. B. Äpfel.", "Obst, zum Beispiel Äpfel.");
	check("Obst, z.B. Äpfel.", "Obst, zum Beispiel Äpfel.");
	check("Er kam ca. um 5.", "Er kam circa um fünf.");
	check("Dr. Weber, d. h. der Arzt.", "Doktor Weber, das heißt der Arzt.");
	check("Die UNO und die NATO.", "Die Uno und die Nato.");
	check("Die EU und die USA.", "Die E-U und die U-S-A.");
	check("Die XYZ tagt.", "Die X-Ypsilon-Z tagt.");
	check("Die EU-Kommission tagt.", "Die E-U-Kommission tagt.");
	check("Ein 3-stündiges Treffen.", "Ein drei-stündiges Treffen.");
}

static void test_addresses_secrets(void **state)
{
	(void)state;
	check("Siehe www.beispiel.de.", "Siehe w w w punkt beispiel punkt D-E.");
	check("Mail an post@beispiel.de bitte.", "Mail an post at beispiel punkt D-E bitte.");
	struct warns w;
	warns_init(&w);
	char *s = spoken_lex("Konto DE02 1203 0000 0000 2020 51 bitte.", NULL, &w);
	assert_string_equal(s, "Konto bitte.");
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], "test:1"));
	free(s);
	s = spoken_lex("Wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyT senden.", NULL, &w);
	assert_string_equal(s, "Wallet senden.");
	assert_int_equal(w.n, 2);
	free(s);
	s = spoken_lex("Hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 fertig", NULL, &w);
	assert_string_equal(s, "Hash fertig");
	free(s);
	warns_release(&w);
	check("Tel. 0711 987654", "Telefon null sieben eins eins, neun acht, sieben sechs, fünf vier");
	check("Ruf +41 44 1234567 an.", "Ruf plus einundvierzig, vier vier, eins zwei, drei vier, fünf sechs sieben an.");
}

static void test_lexicon_applied(void **state)
{
	(void)state;
	struct lexicon *lx = lex_new();
	lex_add(lx, "Quuxberg", "Kwuchsberg");
	lex_add(lx, "zorp", "[[ts'Orp]]");
	char *s = spoken_lex("Herr Quuxberg sagt Zorp, Quuxbergs Zorp.", lx, NULL);
	assert_string_equal(s, "Herr Kwuchsberg sagt [[ts'Orp]], Kwuchsbergs [[ts'Orp]].");
	free(s);
	lex_free(lx);
}

static void test_anchors(void **state)
{
	(void)state;
	const char *in = "Am 3. Mai um 14:30 Uhr";
	struct verbalized v;
	verb_init(&v);
	verb_sentence(in, strlen(in), NULL, &v, NULL);
	assert_string_equal(v.spoken.buf, "Am dritten Mai um vierzehn Uhr dreißig");
	assert_true(v.nanchors >= 4);
	assert_int_equal(v.anchors[0].written, 0);
	assert_int_equal(v.anchors[0].spoken, 0);
	for (size_t i = 1; i < v.nanchors; i++) {
		assert_true(v.anchors[i].written > v.anchors[i - 1].written);
		assert_true(v.anchors[i].spoken > v.anchors[i - 1].spoken);
		assert_true(v.anchors[i].spoken < v.spoken.len);
	}
	/* "3." at written 3 is spoken as "dritten" at 3 */
	assert_int_equal(v.anchors[1].written, 3);
	assert_int_equal(v.anchors[1].spoken, 3);
	verb_release(&v);
}

/* ---- robustness --------------------------------------------------------- */

static void run_timed(const char *in, size_t len)
{
	struct verbalized v;
	struct warns w;
	verb_init(&v);
	warns_init(&w);
	clock_t t0 = clock();
	verb_sentence(in, len, NULL, &v, &w);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(secs < 2.0); /* generous for the ASan build */
	assert_null(memchr(v.spoken.buf, '\n', v.spoken.len));
	verb_release(&v);
	warns_release(&w);
}

static void test_robust(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *buf = xmalloc(n + 1);
	memset(buf, '7', n);
	run_timed(buf, n);
	for (size_t i = 0; i < n; i++)
		buf[i] = "abcdefgh "[i % 9];
	run_timed(buf, n);
	for (size_t i = 0; i < n; i++)
		buf[i] = "1.(\"-/:,"[i % 8];
	run_timed(buf, n);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(0x80 + (i * 7919) % 128);
	run_timed(buf, n);
	for (size_t i = 0; i < n; i++)
		buf[i] = "a-"[i % 2];
	run_timed(buf, n);
	free(buf);
	/* odd small inputs */
	static const char *const odd[] = { "", " ", ".", "-", "€", "1.", "§", "\xC3", "\xE2\x82",
		"12.", "3.10.", "1/0", "0/0", "99999999999999999999999999999999999/7", "II.", "a@b",
		"http://", "www.", "+", "+4", "(0", "1 1/", "1:", "24:", ":3", "DE12", "0x" };
	for (size_t i = 0; i < ARRAY_LEN(odd); i++)
		run_timed(odd[i], strlen(odd[i]));
	check("Ung\xFCltig \xFF da", "Ungltig da");
}

/* Issue 10 section 3: agreement, fractions, telephone groups, compound units, streets, fixed names. */
static void test_agreement_structure(void **state)
{
	(void)state;
	/* regnal numbers in every case, queens and kings */
	check("Karl III. kam.", "Karl der Dritte kam.");
	check("Das Erbe Karls III. wiegt schwer.", "Das Erbe Karls des Dritten wiegt schwer.");
	check("Elisabeth II. starb.", "Elisabeth die Zweite starb.");
	check("Die Kardinäle wählten Papst Leo XIV.", "Die Kardinäle wählten Papst Leo den Vierzehnten.");
	check("Mit Karl III. sprach er.", "Mit Karl dem Dritten sprach er.");
	check("Die Krönung von König Karl III. war teuer.", "Die Krönung von König Karl dem Dritten war teuer.");
	/* ein/eine/einen/einem/einer before units and currencies */
	check("Das kostet 1 Euro.", "Das kostet einen Euro.");
	check("Ein 1 km langer Stau.", "Ein einen Kilometer langer Stau.");
	check("Mit 1 Kilogramm und 1 Tonne.", "Mit einem Kilogramm und einer Tonne.");
	check("Nach 1 Stunde war alles vorbei.", "Nach einer Stunde war alles vorbei.");
	/* ordinals before neuter nouns, by suffix rules */
	check("Ein 2. Beben folgte.", "Ein zweites Beben folgte.");
	check("Das 2. Gebäude.", "Das zweite Gebäude.");
	check("Beim 3. Treffen.", "Beim dritten Treffen.");
	check("Ein 2. Hafen.", "Ein zweiter Hafen.");
	/* fractions and mixed numbers */
	check("Es stieg um ½ Prozent.", "Es stieg um ein halbes Prozent.");
	check("Es war ½ Stunde.", "Es war eine halbe Stunde.");
	check("Das dauerte 1½ Stunden.", "Das dauerte eineinhalb Stunden.");
	check("Nach 2½ Jahren.", "Nach zweieinhalb Jahren.");
	/* telephone numbers: digits in groups */
	check("Ruf an: 030 1234567.", "Ruf an: null drei null, eins zwei, drei vier, fünf sechs sieben.");
	check("Tel. 0221 / 47 11 08", "Telefon null zwei zwei eins, vier sieben, eins eins, null acht");
	/* compound units, street abbreviations, fixed names */
	check("Es fielen 20 l/m² Regen.", "Es fielen zwanzig Liter pro Quadratmeter Regen.");
	check("Es sind 3 kg/m³.", "Es sind drei Kilogramm pro Kubikmeter.");
	check("Er wohnt in der Goethestr. 5 am Rathauspl. 3.", "Er wohnt in der Goethestraße fünf am Rathausplatz drei.");
	check("Hartz IV wurde abgeschafft.", "Hartz vier wurde abgeschafft.");
	/* web addresses: ".de" as "Punkt De-E", words as words */
	check("Mehr auf www.tagesschau.de/inland.", "Mehr auf w w w punkt tagesschau punkt D-E slash inland.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cardinals),
		cmocka_unit_test(test_ordinals_and_years),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_ordinals),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_money_units),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_agreement_structure),
		cmocka_unit_test(test_legal_roman),
		cmocka_unit_test(test_abbreviations_acronyms),
		cmocka_unit_test(test_addresses_secrets),
		cmocka_unit_test(test_lexicon_applied),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_robust),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
