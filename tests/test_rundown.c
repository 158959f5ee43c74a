/*
 * test_rundown.c - the rundown format: items in order, keys, paths, and
 * every bad input as one line naming the file and line.
 */
#include "testutil.h"

#include <math.h>
#include "util.h"
#include "rundown.h"

/* Writes `text` to test_dir/name; returns the path (test_path's buffer). */
static const char *write_file(const char *name, const char *text)
{
	return test_write_text(test_path(name), text);
}

static int setup(void **state)
{
	(void)state;
	if (test_dir_make("rundown"))
		return -1;
	write_file("a.txt", "Titel\n\nText.\n");
	write_file("j.wav", "not really audio, but readable");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

static const char *good =
	"; a rundown\n"
	"[show]\n"
	"title = Nachrichten\n"
	"length = 3:00\n"
	"date = 2026-12-02 14:00\n"
	"voice = nachrichten\n"
	"\n"
	"[opener]\n"
	"kind = jingle\n"
	"file = j.wav\n"
	"gain = -3 dB\n"
	"fade_out = 200ms\n"
	"[id]\n"
	"kind = text\n"
	"text = Radio Beispiel.\n"
	"  Die Nachrichten.\n"
	"overlap = 1.5\n"
	"[zeit]\n"
	"kind = time\n"
	"[bett]\n"
	"kind = bed\n"
	"file = j.wav\n"
	"until = eins\n"
	"duck_depth = 12\n"
	"duck_hold = 1s\n"
	"[eins]\n"
	"kind = article\n"
	"file = a.txt\n"
	"voice = sprecherin\n"
	"pause = 0.8\n"
	"keep_footer = yes\n"
	"[still]\n"
	"kind = silence\n"
	"length = 500ms\n"
	"[outro]\n"
	"kind = jingle\n"
	"file = j.wav\n"
	"crossfade = 0.3\n"
	"closer = yes\n";

static void test_good(void **state)
{
	struct rundown rd;
	struct err e = { { 0 } };
	const char *p = write_file("good.rundown", good);

	(void)state;
	assert_int_equal(rundown_load(p, &rd, &e), 0);
	assert_string_equal(rd.title, "Nachrichten");
	assert_int_equal(rd.length_ms, 180000);
	assert_int_equal(rd.length_line, 4);
	assert_string_equal(rd.voice, "nachrichten");
	assert_int_equal(rd.n, 7);
	assert_string_equal(rd.items[0].name, "opener");
	assert_int_equal(rd.items[0].kind, RD_JINGLE);
	assert_int_equal(rd.items[0].line, 8);
	assert_string_equal(rd.items[0].path, test_path("j.wav"));
	assert_true(fabs(rd.items[0].gain_db + 3) < 1e-9);
	assert_int_equal(rd.items[0].fade_out_ms, 200);
	assert_int_equal(rd.items[0].pause_ms, -1);
	assert_int_equal(rd.items[1].kind, RD_TEXT);
	assert_string_equal(rd.items[1].text, "Radio Beispiel. Die Nachrichten.");
	assert_int_equal(rd.items[1].overlap_ms, 1500);
	assert_int_equal(rd.items[1].overlap_line, 17);
	assert_int_equal(rd.items[2].kind, RD_TIME);
	assert_int_equal(rd.items[3].kind, RD_BED);
	assert_int_equal(rd.items[3].until_index, 4);
	assert_true(fabs(rd.items[3].duck.depth_db - 12) < 1e-9);
	assert_int_equal(rd.items[3].duck.hold_ms, 1000);
	assert_int_equal(rd.items[3].duck.down_ms, RD_DUCK_DOWN_MS);
	assert_int_equal(rd.items[3].duck.up_ms, RD_DUCK_UP_MS);
	assert_string_equal(rd.items[4].voice, "sprecherin");
	assert_int_equal(rd.items[4].pause_ms, 800);
	assert_int_equal(rd.items[4].keep_footer, 1);
	assert_int_equal(rd.items[5].length_ms, 500);
	assert_int_equal(rd.items[6].crossfade_ms, 300);
	assert_int_equal(rd.items[6].closer, 1);
	rundown_release(&rd);
}

static void test_durations(void **state)
{
	int ms = -7;

	(void)state;
	assert_int_equal(rundown_parse_duration("1.5", &ms), 0);
	assert_int_equal(ms, 1500);
	assert_int_equal(rundown_parse_duration("2s", &ms), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(rundown_parse_duration("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(rundown_parse_duration("3:00", &ms), 0);
	assert_int_equal(ms, 180000);
	assert_int_equal(rundown_parse_duration("1:02.5", &ms), 0);
	assert_int_equal(ms, 62500);
	assert_int_equal(rundown_parse_duration("0", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(rundown_parse_duration("-1", &ms), -1);
	assert_int_equal(rundown_parse_duration("1:60", &ms), -1);
	assert_int_equal(rundown_parse_duration("1:5", &ms), -1);
	assert_int_equal(rundown_parse_duration("zwei", &ms), -1);
	assert_int_equal(rundown_parse_duration("2 min", &ms), -1);
	assert_int_equal(rundown_parse_duration("", &ms), -1);
	assert_int_equal(rundown_parse_duration("inf", &ms), -1);
}

static void test_time_text(void **state)
{
	char s[64];

	(void)state;
	assert_int_equal(rundown_time_text("14:00", NULL, s, sizeof s), 0);
	assert_string_equal(s, "Es ist 14 Uhr.");
	assert_int_equal(rundown_time_text("", "2026-12-02 14:30:00", s, sizeof s), 0);
	assert_string_equal(s, "Es ist 14:30 Uhr.");
	assert_int_equal(rundown_time_text("7", NULL, s, sizeof s), 0);
	assert_string_equal(s, "Es ist 7 Uhr.");
	assert_int_equal(rundown_time_text("", "2026-12-02", s, sizeof s), -1);
	assert_int_equal(rundown_time_text(NULL, NULL, s, sizeof s), -1);
	assert_int_equal(rundown_time_text("25:00", NULL, s, sizeof s), -1);
}

/* Loads `text` and expects an error starting with "PATH:LINE: " and containing `what`. */
static void expect_error(const char *text, int line, const char *what)
{
	struct rundown rd;
	struct err e = { { 0 } };
	const char *p = write_file("bad.rundown", text);

	assert_int_equal(rundown_load(p, &rd, &e), -1);
	test_error_at(e.msg, p, line, what);
	rundown_release(&rd);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[a]\nkind = jingle\nfile = fehlt.wav\n", 3, "fehlt.wav: cannot read");
	expect_error("[a]\nkind = podcast\n", 2, "unknown item kind 'podcast'");
	expect_error("[a]\nkind = text\ntext = Hallo.\nfarbe = rot\n", 4, "unknown key 'farbe'");
	expect_error("[a]\nkind = silence\nlength = 1\nvoice = x\n", 4, "unknown key 'voice'");
	expect_error("[show]\nlenght = 3:00\n[a]\nkind = silence\nlength = 1\n", 2, "unknown key 'lenght'");
	expect_error("[b]\nkind = bed\nfile = j.wav\n[a]\nkind = text\ntext = Hallo.\n", 1,
		     "bed [b] never ends");
	expect_error("[a]\nkind = text\ntext = Hallo.\n[b]\nkind = bed\nfile = j.wav\nuntil = a\n", 4,
		     "never ends: no item [a] after it");
	expect_error("; nichts\n\n[show]\ntitle = Leer\n", 4, "empty rundown");
	expect_error("", 1, "empty rundown");
	expect_error("[a]\nkind = text\ntext = x\n[a]\nkind = text\ntext = y\n", 4, "used twice");
	expect_error("[a]\nkind = text\ntext = x\ntext = y\n", 4, "given twice");
	expect_error("[a]\nkind = silence\nlength = bald\n", 3, "length must be a duration");
	expect_error("[a]\nkind = jingle\nfile = j.wav\ngain = laut\n", 4, "gain must be a gain");
	expect_error("[a]\nkind = jingle\nfile = j.wav\ncrossfade = 1\n", 4, "nothing to cross-fade");
	expect_error("[a]\nkind = text\ntext = x\ncloser = yes\n[b]\nkind = text\ntext = y\n", 5,
		     "follows the closer");
	expect_error("[a]\nkind = text\n", 1, "needs 'text ='");
	expect_error("[a]\nfile = j.wav\n", 1, "has no kind");
	expect_error("titel = x\n[a]\nkind = text\ntext = y\n", 1, "outside a section");
	expect_error("[a]\nkind = text\ntext = x\n\n[b\n", 5, "syntax error");
	expect_error("[a]\nkind = time\nat = 26:00\n", 1, "must be HH:MM");
	{
		char big[600];
		memset(big, 'a', sizeof big);
		memcpy(big, "[a]\nkind = text\ntext = ", 23);
		strcpy(big + 500, "\n");
		expect_error(big, 3, "line too long");
	}
}

static void test_missing_rundown(void **state)
{
	struct rundown rd;
	struct err e = { { 0 } };

	(void)state;
	assert_int_equal(rundown_load(test_path("nicht-da.rundown"), &rd, &e), -1);
	assert_non_null(strstr(e.msg, "nicht-da.rundown: cannot read"));
	rundown_release(&rd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_time_text),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_rundown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
