/*
 * test_article.c - the article parser: errors, block roles, normalisation,
 * Markdown, front matter, image credits, footer detection, the examples.
 */
#include "testutil.h"
#include <time.h>
#include "util.h"
#include "article.h"
#include "sentences.h"

/* Parses `text` as plain text (markdown = -1 detects); returns the parse status. */
static int parse(const char *text, size_t len, int markdown, int keep, struct doc *d,
		 struct warns *w, struct err *e)
{
	struct doc_opts o = { keep, markdown, 0 };

	e->msg[0] = '\0';
	return doc_parse(text, len, "a.txt", &o, d, w, e);
}

static void test_roles(void **state)
{
	(void)state;
	assert_string_equal(role_name(ROLE_TITLE), "title");
	assert_string_equal(role_name(ROLE_QUOTE), "quote");
	assert_int_equal(role_parse("list"), ROLE_LIST);
	assert_int_equal(role_parse("heading"), ROLE_HEADING);
	assert_int_equal(role_parse("nonsense"), -1);
}

static void test_errors(void **state)
{
	static const char bad[] = "Titel\n\nEin Satz mit \xff darin.\n";
	static const char bin[] = "abc\0def";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(bad, sizeof bad - 1, 0, 0, &d, &w, &e), -1);
	assert_string_equal(e.msg, "a.txt:3:14: invalid UTF-8");
	assert_int_equal(parse("", 0, 0, 0, &d, &w, &e), -1);
	assert_string_equal(e.msg, "a.txt: article is empty");
	assert_int_equal(parse(" \n\t\n\xc2\xa0\n", 7, 0, 0, &d, &w, &e), -1);
	assert_string_equal(e.msg, "a.txt: article is empty");
	assert_int_equal(parse(bin, sizeof bin - 1, 0, 0, &d, &w, &e), -1);
	assert_string_equal(e.msg, "a.txt: not a text file");
	{
		char junk[200];
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (char)(1 + i % 30);
		assert_int_equal(parse(junk, sizeof junk, 0, 0, &d, &w, &e), -1);
		assert_string_equal(e.msg, "a.txt: not a text file");
	}
	static const char fm[] = "---\ntitle: Nur Kopf\n---\n\n";
	assert_int_equal(parse(fm, sizeof fm - 1, -1, 0, &d, &w, &e), -1);
	assert_string_equal(e.msg, "a.txt: article is empty");
	/* issue 11: an unclosed front matter is an error, not the title "---" */
	static const char open_fm[] = "\n---\ntitle: Kopf\n\nText hier.\n";
	assert_int_equal(parse(open_fm, sizeof open_fm - 1, -1, 0, &d, &w, &e), -1);
	assert_string_equal(e.msg, "a.txt:2: front matter opened with \"---\" is never closed");
	assert_int_equal(w.n, 0);
	warns_release(&w);
}

static void test_structure(void **state)
{
	static const char in[] =
		"Die Lage am Morgen…\n"
		"\n"
		"Der erste Absatz beginnt hier\n"
		"und geht hier weiter.\n"
		"\n"
		"Zwischentitel\n"
		"\n"
		"Die Punkte:\n"
		"\n"
		"• Erstens das\n"
		"• Zweitens dies,\n"
		"  über zwei Zeilen\n"
		"- Drittens\n"
		"1. Viertens\n"
		"\n"
		"„Das ist ein Zitat.“\n"
		"\n"
		"Am Ende steht ein Satz.\n";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 10);
	assert_int_equal(d.blocks[0].role, ROLE_TITLE);
	assert_string_equal(d.blocks[0].text, "Die Lage am Morgen…");
	assert_int_equal(d.blocks[1].role, ROLE_BODY);
	assert_string_equal(d.blocks[1].text, "Der erste Absatz beginnt hier und geht hier weiter.");
	assert_int_equal(d.blocks[1].line_first, 3);
	assert_int_equal(d.blocks[1].line_last, 4);
	assert_int_equal(d.blocks[2].role, ROLE_HEADING);
	assert_string_equal(d.blocks[2].text, "Zwischentitel");
	assert_int_equal(d.blocks[2].section, 0);
	assert_int_equal(d.blocks[3].role, ROLE_BODY);
	assert_int_equal(d.blocks[3].section, 1);
	for (int i = 4; i <= 7; i++) {
		assert_int_equal(d.blocks[i].role, ROLE_LIST);
		assert_int_equal(d.blocks[i].paragraph, d.blocks[4].paragraph);
	}
	assert_string_equal(d.blocks[4].text, "Erstens das");
	assert_string_equal(d.blocks[5].text, "Zweitens dies, über zwei Zeilen");
	assert_string_equal(d.blocks[6].text, "Drittens");
	assert_string_equal(d.blocks[7].text, "Viertens");
	assert_int_equal(d.blocks[8].role, ROLE_QUOTE);
	assert_int_equal(d.blocks[9].role, ROLE_BODY);
	assert_true(d.blocks[9].paragraph > d.blocks[8].paragraph);
	assert_int_equal(d.footer_first, 0);
	assert_int_equal(w.n, 0);
	doc_release(&d);
	warns_release(&w);
}

/* Short lines before the first paragraph (byline, dateline) are not headings. */
static void test_byline(void **state)
{
	static const char in[] =
		"Titel der Meldung\n\nVon Ana Lima\n\nErster Absatz.\n\nZwischenzeile\n\nZweiter Absatz.\n";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 5);
	assert_int_equal(d.blocks[1].role, ROLE_BODY);
	assert_string_equal(d.blocks[1].text, "Von Ana Lima");
	assert_int_equal(d.blocks[3].role, ROLE_HEADING);
	assert_int_equal(d.blocks[4].section, 1);
	doc_release(&d);
	warns_release(&w);
}

/* Issue 10 section 2: site furniture is left out with a warning naming the line, or kept. */
static void test_furniture(void **state)
{
	static const char in[] =
		"Brand in der Altstadt\n\n"
		"Von Jana Muster | 05.02.2025, 06:00 Uhr\n\n"
		"Stand: 05.02.2025, 17:45 Uhr\n\n"
		"Facebook X WhatsApp Drucken\n\n"
		"Die Feuerwehr war mit 80 Kräften im Einsatz. Stand der Dinge: alles ruhig.\n\n"
		"Video: Stadtfernsehen\n\n"
		"Lesen Sie auch: Wie Rauchmelder Leben retten\n\n"
		"Die Stadt bietet Hilfe an. Von Montag an gilt ein Fahrverbot.\n\n"
		"Mehr zum Thema\n\n"
		"Newsletter abonnieren\n";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 3);
	assert_string_equal(d.blocks[1].text, "Die Feuerwehr war mit 80 Kräften im Einsatz. Stand der Dinge: alles ruhig.");
	assert_string_equal(d.blocks[2].text, "Die Stadt bietet Hilfe an. Von Montag an gilt ein Fahrverbot.");
	assert_int_equal(d.nleft, 7);
	assert_int_equal(w.n, 7);
	assert_string_equal(w.v[0], "a.txt:3: byline left out: \"Von Jana Muster | 05.02.2025, 06:00 Uhr\"");
	assert_string_equal(d.left_out[1], "line 5 (timestamp): Stand: 05.02.2025, 17:45 Uhr");
	assert_non_null(strstr(w.v[2], "a.txt:7: share or newsletter prompt"));
	assert_non_null(strstr(w.v[3], "a.txt:11: photo or video credit"));
	assert_non_null(strstr(w.v[4], "a.txt:13: link teaser"));
	/* the byline fills the metadata */
	assert_string_equal(d.meta.author, "Jana Muster");
	assert_string_equal(d.meta.date, "2025-02-05");
	doc_release(&d);
	warns_release(&w);
	/* a donation line inside a footer that is left out whole: the footer's one warning */
	static const char foot[] =
		"Neue Halle\n\nDer Verein baut eine Halle. Sie kostet viel Geld.\n\n"
		"Die Gemeinde hilft mit einem Zuschuss.\n\n"
		"Kontoinhaber: Beispielverein e. V.\nIBAN: DE80 3705 0299 0004 7118 15\nBIC: COKSDE33XXX\n";
	warns_init(&w);
	assert_int_equal(parse(foot, sizeof foot - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], "footer left out"));
	assert_int_equal(d.nleft, 0);
	doc_release(&d);
	warns_release(&w);
	/* kept with the option */
	warns_init(&w);
	struct doc_opts o = { .markdown = 0, .keep_furniture = 1 };
	assert_int_equal(doc_parse(in, sizeof in - 1, "a.txt", &o, &d, &w, &e), 0);
	assert_int_equal(d.nleft, 0);
	assert_int_equal(w.n, 0);
	assert_true(d.nblocks >= 10);
	doc_release(&d);
	warns_release(&w);
}

static void test_normalise(void **state)
{
	static const char in[] =
		"Titel\r\n"
		"\r\n"
		"Ein\xc2\xa0Satz mit\tTab, Bundes\xc2\xadregierung und \xe2\x80\x8bNull\xe2\x80\x8b"
		"breite.\r\n"
		"Zweite   Zeile.\r\n";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 2);
	assert_string_equal(d.blocks[0].text, "Titel");
	assert_string_equal(d.blocks[1].text,
			    "Ein Satz mit Tab, Bundesregierung und Nullbreite. Zweite Zeile.");
	doc_release(&d);
	warns_release(&w);
}

static void test_line_ends(void **state)
{
	static const char in[] = "Titel\r\rErste Zeile\rzweite Zeile.\r";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 2);
	assert_string_equal(d.blocks[1].text, "Erste Zeile zweite Zeile.");
	assert_int_equal(d.blocks[1].line_first, 3);
	doc_release(&d);
	warns_release(&w);
}

static void test_markdown(void **state)
{
	static const char in[] =
		"---\n"
		"title: \"Aus dem Rathaus\"\n"
		"author: Mia Kowalski\n"
		"date: 2025-02-12\n"
		"voice: ruhig\n"
		"intro: jingles/in.wav\n"
		"outro: jingles/out.flac\n"
		"stinger: jingles/st.wav\n"
		"---\n"
		"\n"
		"Das ist **wichtig** und _kursiv_, siehe [die Seite](https://example.org).\n"
		"Lehrer*innen und a_b bleiben.\n"
		"\n"
		"## Abschnitt\n"
		"\n"
		"> Ein Zitat\n"
		"> über zwei Zeilen.\n"
		"\n"
		"* Punkt eins\n"
		"* Punkt zwei ![Bild](x.png)\n";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, -1, 0, &d, &w, &e), 0);
	assert_string_equal(d.meta.title, "Aus dem Rathaus");
	assert_string_equal(d.meta.author, "Mia Kowalski");
	assert_string_equal(d.meta.date, "2025-02-12");
	assert_string_equal(d.meta.voice, "ruhig");
	assert_string_equal(d.meta.intro, "jingles/in.wav");
	assert_string_equal(d.meta.outro, "jingles/out.flac");
	assert_string_equal(d.meta.stinger, "jingles/st.wav");
	assert_int_equal(d.nblocks, 6);
	assert_int_equal(d.blocks[0].role, ROLE_TITLE);
	assert_string_equal(d.blocks[0].text, "Aus dem Rathaus");
	assert_string_equal(d.blocks[1].text,
			    "Das ist wichtig und kursiv, siehe die Seite. Lehrer*innen und a_b bleiben.");
	assert_int_equal(d.blocks[2].role, ROLE_HEADING);
	assert_string_equal(d.blocks[2].text, "Abschnitt");
	assert_int_equal(d.blocks[3].role, ROLE_QUOTE);
	assert_string_equal(d.blocks[3].text, "Ein Zitat über zwei Zeilen.");
	assert_int_equal(d.blocks[4].role, ROLE_LIST);
	assert_string_equal(d.blocks[5].text, "Punkt zwei");
	doc_release(&d);

	/* "# " is the title, later "# " lines are headings */
	static const char md2[] = "# Der Titel\n\nText.\n\n# Teil zwei\n\nMehr Text.\n";
	assert_int_equal(parse(md2, sizeof md2 - 1, 1, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 4);
	assert_string_equal(d.blocks[0].text, "Der Titel");
	assert_int_equal(d.blocks[0].role, ROLE_TITLE);
	assert_int_equal(d.blocks[2].role, ROLE_HEADING);
	doc_release(&d);
	warns_release(&w);
}

static void test_image_credit(void **state)
{
	static const char in[] =
		"Titel\n\nEin Satz.\n\nBilder: Agentur, Archiv\n\nFoto: Jemand\n\nNoch ein Satz.\n";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 3);
	assert_string_equal(d.blocks[2].text, "Noch ein Satz.");
	assert_int_equal(w.n, 2);
	doc_release(&d);
	warns_release(&w);
}

static const char footer_article[] =
	"Neue Brücke eröffnet\n"                                             /* 1 */
	"\n"
	"Die neue Brücke über die Saale ist seit Montag offen. Der Bau dauerte\n"
	"drei Jahre und kostete 14 Mio. Euro.\n"
	"\n"                                                                 /* 5 */
	"Die Stadt will die Radwege nun weiter ausbauen und hofft, dass das Land\n"
	"sie dabei unterstützen wird.\n"
	"\n"
	"Gefällt Ihnen unsere Arbeit? Dann unterstützen Sie uns mit einer Spende.\n"
	"\n"                                                                 /* 10 */
	"Empfänger: Beispielradio e.V.\n"
	"IBAN: DE80 3705 0299 0004 7118 15\n"
	"BIC: COKSDE33XXX\n"
	"\n"
	"Wallet: 1MASi45ub7Qe4ZE36UT5G6cU4ud8Fhhe4d\n"                       /* 15 */
	"\n"
	"Kontakt: post@beispielradio.example.org\n"
	"\n"
	"Unsere Partner:\n"
	"• nachbarfunk.example.net\n"                                        /* 20 */
	"• www.kanal-west.example.com\n"
	"\n"
	"Beispielradio\n";

static void test_footer(void **state)
{
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(footer_article, sizeof footer_article - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 3);
	assert_int_equal(d.footer_first, 9);
	assert_int_equal(d.footer_last, 23);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.v[0], "a.txt:9-23: footer left out (donation and contact details); "
			    "use --keep-footer to read it");
	doc_release(&d);
	warns_release(&w);

	warns_init(&w);
	assert_int_equal(parse(footer_article, sizeof footer_article - 1, 0, 1, &d, &w, &e), 0);
	assert_int_equal(w.n, 0);
	assert_true(d.nblocks > 3);
	for (size_t i = 0; i < d.nblocks; i++)
		assert_int_equal(d.blocks[i].footer, i >= 3);
	assert_string_equal(d.blocks[d.nblocks - 1].text, "Beispielradio");
	doc_release(&d);
	warns_release(&w);
}

static void test_no_false_footer(void **state)
{
	static const char in[] =
		"Hilfe für die Ukraine\n\n"
		"Die EU will die Ukraine weiter unterstützen. Das sagte die Kommission am Montag.\n\n"
		"Die Partner in der NATO sehen das ähnlich, auch die Bank sprach von einem guten Signal.\n\n"
		"Im Libanon blieb es ruhig. Den ganzen Bericht gibt es unter www.example.org im Netz.\n";
	struct doc d;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(parse(in, sizeof in - 1, 0, 0, &d, &w, &e), 0);
	assert_int_equal(d.nblocks, 4);
	assert_int_equal(d.footer_first, 0);
	assert_int_equal(w.n, 0);
	doc_release(&d);
	warns_release(&w);
}

/* Every example parses, keeps its body, and leaves its footer out with one warning. */
static void test_examples(void **state)
{
	static const char *const files[] = { "examples/nachrichten.txt", "examples/stadtrat.md" };

	(void)state;
	for (size_t f = 0; f < ARRAY_LEN(files); f++) {
		char *buf;
		size_t len;
		struct err e;
		struct warns w;
		struct doc d;
		struct doc_opts o = { 0, -1, 0 };
		size_t footer_warnings = 0, words = 0;

		assert_int_equal(read_file(files[f], &buf, &len, &e), 0);
		warns_init(&w);
		assert_int_equal(doc_parse(buf, len, files[f], &o, &d, &w, &e), 0);
		assert_int_equal(d.blocks[0].role, ROLE_TITLE);
		assert_true(d.footer_first > 0);
		for (size_t i = 0; i < w.n; i++)
			footer_warnings += strstr(w.v[i], "footer left out") != NULL;
		assert_int_equal(footer_warnings, 1);
		for (size_t i = 0; i < d.nblocks; i++) {
			const char *t = d.blocks[i].text;
			assert_null(strstr(t, "IBAN"));
			assert_null(strstr(t, "@"));
			for (const char *p = t; *p; p++)
				words += *p == ' ';
		}
		assert_true(words > 600);
		doc_release(&d);
		warns_release(&w);
		free(buf);
	}
}

/* A megabyte of digits, of words without punctuation, of short lines: parse and split fast. */
static void test_megabyte(void **state)
{
	static const char *const patterns[] = {
		"0123456789", "wort ohne punkt ", "Zeile\n", "• a\n", "x\n\n", "a.b@c.de ",
	};

	(void)state;
	for (size_t p = 0; p < ARRAY_LEN(patterns); p++) {
		size_t n = 1 << 20, pn = strlen(patterns[p]);
		char *b = xmalloc(n);
		struct doc d;
		struct warns w;
		struct err e;
		struct sentlist sl;

		for (size_t i = 0; i < n; i++)
			b[i] = patterns[p][i % pn];
		warns_init(&w);
		sent_init(&sl);
		double t0 = test_seconds();
		assert_int_equal(parse(b, n, -1, 0, &d, &w, &e), 0);
		for (size_t i = 0; i < d.nblocks; i++)
			sent_split(d.blocks[i].text, strlen(d.blocks[i].text), &sl);
		double dt = test_seconds() - t0;
		if (dt > MB_SECONDS)
			fprintf(stderr, "pattern %zu took %.3f s\n", p, dt);
		doc_release(&d);
		sent_release(&sl);
		warns_release(&w);
		free(b);
	}
}

/* A megabyte of invalid UTF-8 is refused at once, with the position of the first bad byte. */
static void test_megabyte_invalid(void **state)
{
	size_t n = 1 << 20;
	char *b = xmalloc(n);
	struct doc d;
	struct warns w;
	struct err e;
	struct sentlist sl;

	(void)state;
	for (size_t i = 0; i < n; i++)
		b[i] = i % 2 ? '(' : '\xc3';
	warns_init(&w);
	sent_init(&sl);
	double t0 = test_seconds();
	assert_int_equal(parse(b, n, -1, 0, &d, &w, &e), -1);
	assert_string_equal(e.msg, "a.txt:1:1: invalid UTF-8");
	sent_split(b, n, &sl);
	if (test_seconds() - t0 > MB_SECONDS)
		fprintf(stderr, "invalid UTF-8 megabyte took %.3f s\n", test_seconds() - t0);
	sent_release(&sl);
	warns_release(&w);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_byline),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_furniture),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_image_credit),
		cmocka_unit_test(test_footer),
		cmocka_unit_test(test_no_false_footer),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_megabyte),
		cmocka_unit_test(test_megabyte_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
