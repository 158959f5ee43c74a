/*
 * test_lexicon.c - the pronunciation lexicon.
 */
#include "testutil.h"

#include <unistd.h>

#include "lexicon.h"

/* Writes `text` to a new temporary file; returns its malloc'd path (test_tmpfile_free). */
static char *tmpfile_with(const char *text)
{
	return test_tmpfile(text, strlen(text));
}

static void test_add_lookup(void **state)
{
	(void)state;
	struct lexicon *lx = lex_new();
	assert_int_equal(lex_size(lx), 0);
	lex_add(lx, "Quux", "Kwuchs");
	lex_add(lx, "blorp", "[[bl'Orp]]");
	assert_int_equal(lex_size(lx), 2);
	assert_string_equal(lex_lookup(lx, "Quux", 4), "Kwuchs");
	/* capitalised entries match only that spelling */
	assert_null(lex_lookup(lx, "quux", 4));
	assert_null(lex_lookup(lx, "QUUX", 4));
	/* lowercase entries also match at sentence start */
	assert_string_equal(lex_lookup(lx, "blorp", 5), "[[bl'Orp]]");
	assert_string_equal(lex_lookup(lx, "Blorp", 5), "[[bl'Orp]]");
	assert_null(lex_lookup(lx, "BLORP", 5));
	/* whole words only */
	assert_null(lex_lookup(lx, "Quu", 3));
	assert_null(lex_lookup(lx, "Quuxe", 5));
	/* later entries win */
	lex_add(lx, "Quux", "Kwucks");
	assert_int_equal(lex_size(lx), 2);
	assert_string_equal(lex_lookup(lx, "Quux", 4), "Kwucks");
	/* many entries (table growth) */
	char w[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(w, sizeof w, "Wort%d", i);
		lex_add(lx, w, "x");
	}
	assert_int_equal(lex_size(lx), 5002);
	assert_string_equal(lex_lookup(lx, "Wort4999", 8), "x");
	assert_string_equal(lex_lookup(lx, "Quux", 4), "Kwucks");
	assert_null(lex_lookup(NULL, "Quux", 4));
	assert_null(lex_lookup(lx, "", 0));
	lex_free(lx);
	lex_free(NULL);
}

static void test_load(void **state)
{
	(void)state;
	struct err e;
	char *a = tmpfile_with("# comment\n\nÜberlingen\tÜberlingn\r\nblorp\t[[bl'Orp]]\n");
	char *b = tmpfile_with("blorp\tBlorp\n");
	struct lexicon *lx = lex_new();
	assert_int_equal(lex_load(lx, a, &e), 0);
	assert_int_equal(lex_size(lx), 2);
	assert_string_equal(lex_lookup(lx, "Überlingen", strlen("Überlingen")), "Überlingn");
	assert_int_equal(lex_load(lx, b, &e), 0);
	assert_string_equal(lex_lookup(lx, "blorp", 5), "Blorp");
	lex_free(lx);
	test_tmpfile_free(a);
	test_tmpfile_free(b);
}

static void expect_bad(const char *text, size_t line, const char *reason)
{
	struct err e;
	char *p = tmpfile_with(text);
	struct lexicon *lx = lex_new();
	lex_add(lx, "Alt", "alt");
	assert_int_equal(lex_load(lx, p, &e), -1);
	test_error_at(e.msg, p, (long)line, reason);
	/* nothing of a bad file is kept */
	assert_int_equal(lex_size(lx), 1);
	lex_free(lx);
	test_tmpfile_free(p);
}

static void test_bad_lines(void **state)
{
	(void)state;
	expect_bad("gut\tgut\nschlecht\n", 2, "missing tab between word and replacement");
	expect_bad("# x\n\tleer\n", 2, "empty word");
	expect_bad("wort\t\n", 1, "empty replacement");
	expect_bad("zwei worte\tx\n", 1, "word contains white space");
	expect_bad("a\tb\tc\n", 1, "more than two fields");
	expect_bad("a\t[[abc\n", 1, "unbalanced [[ ]] in replacement");
	expect_bad("a\t\xFF\n", 1, "invalid UTF-8");
	struct err e;
	struct lexicon *lx = lex_new();
	assert_int_equal(lex_load(lx, "/nonexistent/lexicon.tsv", &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/lexicon.tsv: cannot read"));
	lex_free(lx);
}

/* Issue 11: a NUL byte or a stray "[" must not reach eSpeak's phoneme mode; long replacements are cut. */
static void test_nul_brackets_cap(void **state)
{
	(void)state;
	struct err e;
	static const char nul[] = "Genf\t[[[\0G]]\n";
	char *path = test_tmpfile(nul, sizeof nul - 1);
	struct lexicon *lx = lex_new();
	assert_int_equal(lex_load(lx, path, &e), -1);
	test_error_at(e.msg, path, 1, "NUL byte in line");
	lex_free(lx);
	test_tmpfile_free(path);
	expect_bad("a\t[[[ab]]\n", 1, "unbalanced [[ ]] in replacement");
	expect_bad("a\t[[a]b]]\n", 1, "unbalanced [[ ]] in replacement");
	expect_bad("a\tb]]\n", 1, "unbalanced [[ ]] in replacement");
	expect_bad("a\tb\x01c\n", 1, "control character in replacement");
	/* a 2000-byte replacement is cut with a warning naming the line */
	struct sb t;
	sb_init(&t);
	sb_adds(&t, "# long\nlang\t");
	for (int i = 0; i < 2000; i++)
		sb_addc(&t, 'a');
	sb_adds(&t, "\nkurz\tk\n");
	char *p = tmpfile_with(t.buf);
	lx = lex_new();
	assert_int_equal(lex_load(lx, p, &e), 0);
	assert_int_equal(strlen(lex_lookup(lx, "lang", 4)), LEX_MAX_REPLACEMENT);
	struct warns w;
	warns_init(&w);
	lex_take_warnings(lx, &w);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], ":2: replacement of 2000 bytes cut"));
	warns_release(&w);
	lex_free(lx);
	test_tmpfile_free(p);
	sb_release(&t);
}

static void test_shipped_lexicon(void **state)
{
	(void)state;
	struct err e;
	struct lexicon *lx = lex_new();
	assert_int_equal(lex_load(lx, "voices/lexicon.tsv", &e), 0);
	assert_true(lex_size(lx) >= 50);
	assert_non_null(lex_lookup(lx, "Biden", 5));
	lex_free(lx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_lookup),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_shipped_lexicon),
		cmocka_unit_test(test_nul_brackets_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
