/*
 * test_datetime.c - the one date parser: accepted forms, rejected ones with
 * their messages, calendar checks, formatting for bext/cart.
 */
#include "testutil.h"

#include "datetime.h"

static void ok(const char *s, const char *want)
{
	struct dt d;
	struct err e = { "" };
	char out[20];

	if (dt_parse(s, &d, &e) != 0)
		fail_msg("'%s' rejected: %s", s, e.msg);
	dt_str(&d, out);
	if (strcmp(out, want))
		fail_msg("'%s' gave '%s', want '%s'", s, out, want);
}

static void bad(const char *s, const char *msg_part)
{
	struct dt d;
	struct err e = { "" };

	if (dt_parse(s, &d, &e) == 0)
		fail_msg("'%s' accepted", s);
	if (!strstr(e.msg, msg_part))
		fail_msg("'%s': message '%s' lacks '%s'", s, e.msg, msg_part);
	assert_null(strchr(e.msg, '\n'));
}

static void test_accepted(void **state)
{
	(void)state;
	ok("2025-02-12", "2025-02-12");
	ok("  2025-02-12 06:30:15 ", "2025-02-12 06:30:15");
	ok("2025-02-12 06:30", "2025-02-12 06:30:00");
	ok("2025-02-12T06:30:15", "2025-02-12 06:30:15");
	ok("2025-02-12T06:30:15Z", "2025-02-12 06:30:15");
	ok("2025-02-12T06:30:15.250+01:00", "2025-02-12 06:30:15");
	ok("2025-02-12T06:30-0500", "2025-02-12 06:30:00");
	ok("12.02.2025", "2025-02-12");
	ok("1.2.2025 06:30", "2025-02-01 06:30:00");
	ok("12. Februar 2025", "2025-02-12");
	ok("3. März 2024 23:59:59", "2024-03-03 23:59:59");
	ok("2024-02-29", "2024-02-29");
	ok("2000-02-29", "2000-02-29");
}

static void test_rejected(void **state)
{
	(void)state;
	bad("gestern", "'gestern' is not a date (use YYYY-MM-DD");
	bad("2025-13-45 99:99:99", "no such day");
	bad("2025-12-01 24:00:00", "no such time");
	bad("2025-12-01 12:60", "no such time");
	bad("2025-02-29", "no such day");
	bad("1900-02-29", "no such day");
	bad("31.04.2025", "no such day");
	bad("", "is not a date");
	bad("2025", "is not a date");
	bad("2025-2-12", "is not a date");
	bad("2025-02-12T", "is not a date");
	bad("2025-02-12 06", "is not a date");
	bad("2025-02-12T06:30+25:00", "is not a date");
	bad("12.02.25", "is not a date");
	bad("12. Brumaire 2025", "is not a date");
	bad("2025-02-12 06:30:00 Uhr", "is not a date");
	bad("12.02.2025T06:30", "is not a date");
}

static void test_formats(void **state)
{
	struct dt d;
	char date[11], tm[9];
	(void)state;

	assert_int_equal(dt_parse("12.02.2025", &d, NULL), 0);
	assert_false(d.has_time);
	dt_date_str(&d, date);
	dt_time_str(&d, tm);
	assert_string_equal(date, "2025-02-12");
	assert_string_equal(tm, "00:00:00");
	dt_from_unix(1767225600, &d);       /* 2026-01-01 00:00:00 UTC */
	dt_str(&d, (char[20]){ 0 });
	{
		char s[20];
		dt_str(&d, s);
		assert_string_equal(s, "2026-01-01 00:00:00");
		dt_from_unix(951782400 + 86399, &d);   /* 2000-02-29 23:59:59 */
		dt_str(&d, s);
		assert_string_equal(s, "2000-02-29 23:59:59");
		dt_from_unix(0, &d);
		dt_str(&d, s);
		assert_string_equal(s, "1970-01-01 00:00:00");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
