/*
 * test_timeline.c - the clip list: adding copies, release, total_frames.
 */
#include "testutil.h"

#include "util.h"
#include "timeline.h"

static void test_init(void **state)
{
	struct timeline t;

	(void)state;
	memset(&t, 0x5a, sizeof t);
	timeline_init(&t, 48000);
	assert_int_equal(t.rate, 48000);
	assert_int_equal(t.n, 0);
	assert_null(t.clips);
	assert_int_equal(t.total_frames, 0);
	/* releasing an empty timeline is fine and keeps the rate */
	timeline_release(&t);
	assert_int_equal(t.rate, 48000);
	assert_int_equal(t.n, 0);
}

static void test_add_copies(void **state)
{
	struct timeline t;
	struct clip_word words[3] = { { 0, 0 }, { 4800, 4 }, { 12000, 12 } };
	char written[] = "Die Brücke hält.";
	char spoken[] = "Die Brücke hält.";
	char voice[] = "nachrichten";
	struct clip c = {
		.kind = CLIP_SPEECH, .start = 1000, .frames = 48000, .segment = 2,
		.role = ROLE_BODY, .voice = voice, .written = written, .spoken = spoken,
		.source = NULL, .words = words, .nwords = 3,
	};
	struct clip *r;

	(void)state;
	timeline_init(&t, 48000);
	r = timeline_add(&t, &c);
	assert_int_equal(t.n, 1);
	assert_ptr_equal(r, &t.clips[0]);
	assert_int_equal(r->kind, CLIP_SPEECH);
	assert_int_equal(r->start, 1000);
	assert_int_equal(r->frames, 48000);
	assert_int_equal(r->segment, 2);
	assert_int_equal(r->role, ROLE_BODY);
	/* strings and words are owned copies */
	assert_true(r->voice != voice);
	assert_true(r->written != written);
	assert_true(r->spoken != spoken);
	assert_true(r->words != words);
	assert_null(r->source);
	assert_string_equal(r->voice, "nachrichten");
	assert_string_equal(r->written, "Die Brücke hält.");
	assert_string_equal(r->spoken, "Die Brücke hält.");
	assert_int_equal(r->nwords, 3);
	assert_int_equal(r->words[1].frame, 4800);
	assert_int_equal(r->words[2].written, 12);
	/* changing the caller's data afterwards does not change the clip */
	written[0] = 'X';
	voice[0] = 'X';
	words[1].frame = 1;
	assert_string_equal(t.clips[0].written, "Die Brücke hält.");
	assert_string_equal(t.clips[0].voice, "nachrichten");
	assert_int_equal(t.clips[0].words[1].frame, 4800);

	/* a jingle: no text, no words, a source */
	struct clip j = {
		.kind = CLIP_JINGLE, .start = 0, .frames = 1000, .segment = 0,
		.role = ROLE_TITLE, .source = "builtin:intro",
	};
	r = timeline_add(&t, &j);
	assert_int_equal(t.n, 2);
	assert_ptr_equal(r, &t.clips[1]);
	assert_int_equal(r->kind, CLIP_JINGLE);
	assert_string_equal(r->source, "builtin:intro");
	assert_null(r->voice);
	assert_null(r->written);
	assert_null(r->spoken);
	assert_null(r->words);
	assert_int_equal(r->nwords, 0);

	/* words given with nwords 0 are not copied */
	struct clip p = { .kind = CLIP_PAUSE, .start = 49000, .frames = 100, .words = words, .nwords = 0 };
	r = timeline_add(&t, &p);
	assert_null(r->words);
	assert_int_equal(r->kind, CLIP_PAUSE);

	timeline_release(&t);
	assert_int_equal(t.n, 0);
	assert_null(t.clips);
	assert_int_equal(t.total_frames, 0);
	assert_int_equal(t.rate, 48000);
	/* usable again after release */
	timeline_add(&t, &c);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.clips[0].written, "Xie Brücke hält.");
	timeline_release(&t);
}

static void test_total_frames(void **state)
{
	struct timeline t;
	struct clip c = { .kind = CLIP_PAUSE };

	(void)state;
	timeline_init(&t, 44100);
	c.start = 0;
	c.frames = 44100;
	timeline_add(&t, &c);
	assert_int_equal(t.total_frames, 44100);
	c.start = 44100;
	c.frames = 22050;
	timeline_add(&t, &c);
	assert_int_equal(t.total_frames, 66150);
	/* a clip inside what is already there does not shorten the file */
	c.start = 1000;
	c.frames = 10;
	timeline_add(&t, &c);
	assert_int_equal(t.total_frames, 66150);
	/* an empty clip at the end does not lengthen it */
	c.start = 66150;
	c.frames = 0;
	timeline_add(&t, &c);
	assert_int_equal(t.total_frames, 66150);
	/* clips may be added out of order; the furthest end counts */
	c.start = 100000;
	c.frames = 5;
	timeline_add(&t, &c);
	c.start = 70000;
	c.frames = 100;
	timeline_add(&t, &c);
	assert_int_equal(t.total_frames, 100005);
	assert_int_equal(t.n, 6);
	assert_float_equal(timeline_sec(&t, 44100), 1.0, 1e-12);
	assert_float_equal(timeline_sec(&t, t.total_frames), 100005.0 / 44100, 1e-12);
	/* positions beyond 32 bits (a long programme at a high rate) */
	c.start = (uint64_t)1 << 33;
	c.frames = 7;
	timeline_add(&t, &c);
	assert_true(t.total_frames == ((uint64_t)1 << 33) + 7);
	timeline_release(&t);
}

static void test_many(void **state)
{
	struct timeline t;
	char text[32];
	struct clip_word w = { 5, 1 };
	uint64_t pos = 0;

	(void)state;
	timeline_init(&t, 48000);
	for (int i = 0; i < 3000; i++) {
		snprintf(text, sizeof text, "Satz %d.", i);
		struct clip c = { .kind = i % 3 == 2 ? CLIP_PAUSE : CLIP_SPEECH, .start = pos,
				  .frames = 100 + (uint64_t)i, .segment = i / 10 + 1, .role = ROLE_BODY,
				  .voice = "nachrichten", .written = i % 3 == 2 ? NULL : text,
				  .spoken = i % 3 == 2 ? NULL : text, .words = &w, .nwords = i % 3 == 2 ? 0 : 1 };
		struct clip *r = timeline_add(&t, &c);
		assert_ptr_equal(r, &t.clips[t.n - 1]);
		pos += c.frames;
	}
	assert_int_equal(t.n, 3000);
	assert_true(t.cap >= t.n);
	assert_int_equal(t.total_frames, pos);
	assert_string_equal(t.clips[0].written, "Satz 0.");
	assert_string_equal(t.clips[2998].written, "Satz 2998.");
	assert_null(t.clips[2999].written);
	assert_null(t.clips[2].written);
	assert_int_equal(t.clips[2998].words[0].frame, 5);
	assert_int_equal(t.clips[2998].start + t.clips[2998].frames, t.clips[2999].start);
	timeline_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_add_copies),
		cmocka_unit_test(test_total_frames),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
