/*
 * test_sentences.c - the sentence splitter: abbreviations, ordinals, dates,
 * initials, numbers, quotes, ellipses, whole texts, and bounded running time.
 */
#include "testutil.h"
#include <time.h>
#include "util.h"
#include "sentences.h"
#include "abbrev.h"

/* Splits `text` and checks the sentences against the NULL-terminated list. */
static void expect_split(const char *text, const char *const *want)
{
	struct sentlist l;
	size_t n = 0;

	sent_init(&l);
	sent_split(text, strlen(text), &l);
	while (want[n])
		n++;
	if (l.n != n) {
		for (size_t i = 0; i < l.n; i++)
			fprintf(stderr, "  got [%.*s]\n", (int)l.v[i].len, text + l.v[i].start);
	}
	assert_int_equal(l.n, n);
	for (size_t i = 0; i < n; i++) {
		char *got = xstrndup(text + l.v[i].start, l.v[i].len);
		assert_string_equal(got, want[i]);
		free(got);
	}
	sent_release(&l);
}

#define SPLIT(text, ...) do { \
	static const char *const want_[] = { __VA_ARGS__, NULL }; \
	expect_split(text, want_); \
} while (0)

static void test_plain(void **state)
{
	(void)state;
	SPLIT("Der Rat tagt heute. Er beschließt den Haushalt! Oder nicht?",
	      "Der Rat tagt heute.", "Er beschließt den Haushalt!", "Oder nicht?");
	SPLIT("  Nur ein Satz ohne Punkt  ", "Nur ein Satz ohne Punkt");
	SPLIT("Eins.Zwei. Drei.", "Eins.Zwei.", "Drei.");
}

static void test_abbreviations(void **state)
{
	(void)state;
	SPLIT("Das kostet ca. 5 Euro, z. B. für Kinder. Danach geht es weiter.",
	      "Das kostet ca. 5 Euro, z. B. für Kinder.", "Danach geht es weiter.");
	SPLIT("Prof. Dr. Anna Berg spricht heute. Sie kommt aus Kiel.",
	      "Prof. Dr. Anna Berg spricht heute.", "Sie kommt aus Kiel.");
	SPLIT("Gemeint sind Äpfel, Birnen usw. Die Ernte war gut.",
	      "Gemeint sind Äpfel, Birnen usw.", "Die Ernte war gut.");
	SPLIT("Vgl. dazu Abs. 3 der Satzung.", "Vgl. dazu Abs. 3 der Satzung.");
	SPLIT("Er wohnt in der Hauptstr. 12 in Bonn.", "Er wohnt in der Hauptstr. 12 in Bonn.");
	/* abbreviations that are also words only count before a number */
	SPLIT("Das ist eine neue Art. Sie lebt im Wald. Laut Art. 5 GG gilt das.",
	      "Das ist eine neue Art.", "Sie lebt im Wald.", "Laut Art. 5 GG gilt das.");
	SPLIT("Sein Sohn heißt Jan. Am 12. Jan. 2025 war er krank.",
	      "Sein Sohn heißt Jan.", "Am 12. Jan. 2025 war er krank.");
	SPLIT("Dipl.-Ing. Sara Olsen leitet das Amt.", "Dipl.-Ing. Sara Olsen leitet das Amt.");
	/* issue 7: the splitter knows every abbreviation the verbalizer reads (one table, abbrev.h) */
	SPLIT("Es kamen mind. 12 Leute, ggü. 2024 insg. mehr.", "Es kamen mind. 12 Leute, ggü. 2024 insg. mehr.");
	SPLIT("Das Werk ist franz. Dann kam Franz. Er blieb.", "Das Werk ist franz.", "Dann kam Franz.", "Er blieb.");
}

/* Every one-part entry of the table is classified; no entry is found by its position. */
static void test_abbrev_table(void **state)
{
	(void)state;
	assert_int_equal(abbrev_end_class("mind", 4), AB_END_NEVER);
	assert_int_equal(abbrev_end_class("Vgl", 3), AB_END_NEVER);
	assert_int_equal(abbrev_end_class("usw", 3), AB_END_FINAL);
	assert_int_equal(abbrev_end_class("Mio", 3), AB_END_SCALE);
	assert_int_equal(abbrev_end_class("Jan", 3), AB_END_BEFORE_NUM);
	assert_int_equal(abbrev_end_class("Haus", 4), -1);
	assert_int_equal(abbrev_end_class("z", 1), -1);
	for (size_t i = 0; i < abbrev_count; i++) {
		const struct abbrev *a = &abbrev_table[i];
		assert_non_null(a->parts[0]);
		assert_true(a->end <= AB_END_SCALE && a->need <= AB_NEED_CAP);
		if (!a->parts[1] && strlen(a->parts[0]) > 1)
			assert_true(abbrev_end_class(a->parts[0], strlen(a->parts[0])) >= 0);
	}
}

static void test_numbers_and_dates(void **state)
{
	(void)state;
	SPLIT("Am 12. Februar 2025 tagte der Rat. Er beschloss viel.",
	      "Am 12. Februar 2025 tagte der Rat.", "Er beschloss viel.");
	SPLIT("Die Tagung läuft vom 14. bis 16. März in Wien.",
	      "Die Tagung läuft vom 14. bis 16. März in Wien.");
	SPLIT("Sie landete auf dem 3. Platz. Das war knapp.",
	      "Sie landete auf dem 3. Platz.", "Das war knapp.");
	SPLIT("Das gilt seit 1998. Jetzt nicht mehr.", "Das gilt seit 1998.", "Jetzt nicht mehr.");
	SPLIT("Der Vertrag vom 3.10. gilt weiter.", "Der Vertrag vom 3.10. gilt weiter.");
	SPLIT("Im 20. Jahrhundert wuchs die Stadt.", "Im 20. Jahrhundert wuchs die Stadt.");
	SPLIT("Die Rate stieg auf 2,5 Prozent. Das ist viel.",
	      "Die Rate stieg auf 2,5 Prozent.", "Das ist viel.");
	SPLIT("1. Vorbereitung des Treffens", "1. Vorbereitung des Treffens");
	SPLIT("Die Kosten liegen bei 1.250.000 Euro.", "Die Kosten liegen bei 1.250.000 Euro.");
	SPLIT("Das war 1989. 2005 zog er nach Kiel.", "Das war 1989.", "2005 zog er nach Kiel.");
	SPLIT("Der Umsatz lag bei 3 Mrd. Im Vorjahr war es weniger. Er bekam 3 Mio. Euro.",
	      "Der Umsatz lag bei 3 Mrd.", "Im Vorjahr war es weniger.", "Er bekam 3 Mio. Euro.");
	SPLIT("Wir brauchen Plan B. Die Regierung zögert.",
	      "Wir brauchen Plan B.", "Die Regierung zögert.");
}

static void test_names(void **state)
{
	(void)state;
	SPLIT("Der US-Vizepräsident J.D. Vance reiste ab. Er kam spät.",
	      "Der US-Vizepräsident J.D. Vance reiste ab.", "Er kam spät.");
	SPLIT("Auch J. R. R. Tolkien schrieb Briefe.", "Auch J. R. R. Tolkien schrieb Briefe.");
	SPLIT("Wilhelm II. war der letzte Kaiser.", "Wilhelm II. war der letzte Kaiser.");
}

static void test_quotes_ellipses_urls(void **state)
{
	(void)state;
	SPLIT("„Wir schaffen das“, sagte sie. Dann ging sie.",
	      "„Wir schaffen das“, sagte sie.", "Dann ging sie.");
	SPLIT("Er sagte: „Das geht nicht.“ Danach schwieg er.",
	      "Er sagte: „Das geht nicht.“", "Danach schwieg er.");
	SPLIT("„Wie geht es weiter?“, fragte der Moderator.",
	      "„Wie geht es weiter?“, fragte der Moderator.");
	SPLIT("Und dann... Niemand wusste es.", "Und dann...", "Niemand wusste es.");
	SPLIT("Er zögerte … und ging.", "Er zögerte … und ging.");
	SPLIT("Mehr unter www.example.org. Dort steht alles.",
	      "Mehr unter www.example.org.", "Dort steht alles.");
	SPLIT("Schreiben Sie an info@example.org oder rufen Sie an.",
	      "Schreiben Sie an info@example.org oder rufen Sie an.");
	SPLIT("Das war (wirklich!) teuer. Sehr.", "Das war (wirklich!) teuer.", "Sehr.");
}

static void test_odd_input(void **state)
{
	static const char bad[] = "Kaputt \xff\xfe. Weiter \xc3. Ende";
	struct sentlist l;

	(void)state;
	sent_init(&l);
	sent_split(bad, sizeof bad - 1, &l);
	assert_int_equal(l.n, 3);
	sent_split("", 0, &l);
	sent_split("...", 3, &l);
	sent_split(" . ", 3, &l);
	sent_split("\xe2\x80", 2, &l);
	assert_true(l.n >= 4);
	for (size_t i = 0; i < l.n; i++)
		assert_true(l.v[i].len > 0);
	sent_release(&l);
}

static void test_split_text(void **state)
{
	static const char in[] =
		"Überschrift\n"
		"\n"
		"Ein Absatz, der über zwei Zeilen geht und dabei lang genug ist, um als\n"
		"Fließtext zu gelten. Noch ein Satz.\n"
		"\n"
		"• erster Punkt\n"
		"• zweiter Punkt\n"
		"Name\n"
		"Straße 1\n";
	static const char want[] =
		"Überschrift\n"
		"Ein Absatz, der über zwei Zeilen geht und dabei lang genug ist, um als Fließtext zu gelten.\n"
		"Noch ein Satz.\n"
		"• erster Punkt\n"
		"• zweiter Punkt\n"
		"Name\n"
		"Straße 1\n";
	struct sb out;

	(void)state;
	sb_init(&out);
	sent_split_text(in, sizeof in - 1, &out);
	assert_string_equal(out.buf, want);
	sb_reset(&out);
	{
		static const char nb[] = "Ein\xc2\xa0\xc2\xa0Satz.  Zwei.";
		sent_split_text(nb, strlen(nb), &out);
	}
	assert_string_equal(out.buf, "Ein Satz.\nZwei.\n");
	sb_release(&out);
}

/* A megabyte made of `pattern` repeated. */
static char *megabyte(const char *pattern, size_t *len)
{
	size_t n = 1 << 20, pn = strlen(pattern);
	char *b = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		b[i] = pattern[i % pn];
	b[n] = '\0';
	*len = n;
	return b;
}

static void test_bounded_time(void **state)
{
	static const char *const patterns[] = {
		"0123456789", "abc def ghi ", "x", "a. ", "1. ", "„a. ", "z.B. ", "...", "\xe2\x80\xa6 ",
		"\n", "\xc2\xa0", "A.", "u. ", "12.3.", "\xff", "\xc3(. ", "\xe2\x80",
	};

	(void)state;
	for (size_t p = 0; p < ARRAY_LEN(patterns); p++) {
		size_t len;
		char *b = megabyte(patterns[p], &len);
		struct sentlist l;
		struct sb out;
		double t0 = test_seconds();
		sent_init(&l);
		sent_split(b, len, &l);
		sb_init(&out);
		sent_split_text(b, len, &out);
		double dt = test_seconds() - t0;
		if (dt > MB_SECONDS)
			fprintf(stderr, "pattern %zu took %.3f s\n", p, dt);
		sent_release(&l);
		sb_release(&out);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_abbrev_table),
		cmocka_unit_test(test_numbers_and_dates),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_quotes_ellipses_urls),
		cmocka_unit_test(test_odd_input),
		cmocka_unit_test(test_split_text),
		cmocka_unit_test(test_bounded_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
