/*
 * test_showplan.c - the show's layout: order, pauses, overlaps, beds,
 * backtiming and the errors for impossible crossfades.
 */
#include "testutil.h"

#include "util.h"
#include "showplan.h"

#define R 1000   /* frames per second, to keep the numbers readable */

static void test_sequence(void **state)
{
	uint64_t s1[] = { 3000, 2000 }, p1[] = { 400 };
	struct plan_item it[] = {
		{ .frames = 4000, .pause = 0, .name = "opener" },
		{ .sent = s1, .sent_pause = p1, .nsent = 2, .overlap = 1000, .pause = 500, .name = "id" },
		{ .is_bed = 1, .until = 3, .name = "bed" },
		{ .frames = 1500, .pause = 300, .name = "silence" },
		{ .frames = 2000, .pause = 999, .name = "outro" },
	};
	uint64_t pv[8];
	struct plan p;
	struct err e;

	(void)state;
	/* pauses: id's sentence pause, id's pause, silence's pause (opener's is unused: id overlaps) */
	assert_int_equal(plan_npauses(it, 5), 3);
	plan_pauses(it, 5, pv);
	assert_int_equal(pv[0], 400);
	assert_int_equal(pv[1], 500);
	assert_int_equal(pv[2], 300);
	assert_int_equal(plan_layout(it, 5, NULL, 0, "x.rundown", R, &p, &e), 0);
	assert_int_equal(p.pos[0].start, 0);
	assert_int_equal(p.pos[0].end, 4000);
	assert_int_equal(p.pos[1].start, 3000);        /* 1 s talk-up over the opener */
	assert_int_equal(p.pos[1].sent_start[0], 3000);
	assert_int_equal(p.pos[1].sent_start[1], 6400);
	assert_int_equal(p.pos[1].end, 8400);
	assert_int_equal(p.pos[3].start, 8900);
	assert_int_equal(p.pos[3].end, 10400);
	assert_int_equal(p.pos[4].start, 10700);
	assert_int_equal(p.pos[4].end, 12700);
	/* the bed: from the item after it to the next item's start after its last one */
	assert_int_equal(p.pos[2].start, 8900);
	assert_int_equal(p.pos[2].end, 10700);
	assert_int_equal(p.total, 12700);
	plan_release(&p);

	/* other pauses move everything after them */
	pv[0] = 100; pv[1] = 0; pv[2] = 1000;
	assert_int_equal(plan_layout(it, 5, pv, 0, "x.rundown", R, &p, &e), 0);
	assert_int_equal(p.pos[1].sent_start[1], 6100);
	assert_int_equal(p.pos[3].start, 8100);
	assert_int_equal(p.pos[4].start, 10600);
	assert_int_equal(p.total, 12600);
	plan_release(&p);
}

static void test_backtime(void **state)
{
	struct plan_item it[] = {
		{ .frames = 5000, .pause = 500, .name = "a" },
		{ .frames = 3000, .closer = 1, .line = 9, .name = "outro" },
	};
	struct plan p;
	struct err e;

	(void)state;
	assert_int_equal(plan_layout(it, 2, NULL, 10000, "x.rundown", R, &p, &e), 0);
	assert_int_equal(p.pos[1].start, 7000);
	assert_int_equal(p.pos[1].end, 10000);
	assert_int_equal(p.total, 10000);
	plan_release(&p);
	/* what precedes is 0.5 s too long for a slot of 8 s */
	assert_int_equal(plan_layout(it, 2, NULL, 8000, "x.rundown", R, &p, &e), -1);
	assert_string_equal(e.msg, "x.rundown:9: the closer [outro] cannot end at the slot end: "
			    "what precedes it is 0.500 s too long");
	plan_release(&p);
}

static void test_bad_crossfades(void **state)
{
	struct plan_item a[] = {
		{ .frames = 1000, .name = "kurz" },
		{ .frames = 5000, .overlap = 1500, .overlap_line = 7, .name = "lang" },
	};
	struct plan_item b[] = {
		{ .frames = 5000, .name = "eins" },
		{ .frames = 2000, .overlap = 1200, .overlap_line = 4, .name = "zwei" },
		{ .frames = 5000, .overlap = 1000, .overlap_line = 8, .name = "drei" },
	};
	struct plan p;
	struct err e;

	(void)state;
	assert_int_equal(plan_layout(a, 2, NULL, 0, "x.rundown", R, &p, &e), -1);
	assert_string_equal(e.msg, "x.rundown:7: [lang] overlaps 1.500 s, longer than [kurz] before it (1.000 s)");
	plan_release(&p);
	assert_int_equal(plan_layout(b, 3, NULL, 0, "x.rundown", R, &p, &e), -1);
	assert_string_equal(e.msg, "x.rundown:8: the crossfades into and out of [zwei] (2.200 s) are longer than it (2.000 s)");
	plan_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_backtime),
		cmocka_unit_test(test_bad_crossfades),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
