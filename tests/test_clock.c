/*
 * test_clock.c - placement: clips and gaps to the frame, talk-up, the
 * preset's [clock] gaps. No audio and no eSpeak NG.
 */
#include "testutil.h"

#include "util.h"
#include "clock.h"
#include "voice.h"

static const struct clock_opts opts48 = { .rate = 48000, .intro_gap_ms = 350,
					  .stinger_gap_ms = 300, .outro_gap_ms = 600 };

static struct clip speech(uint64_t frames, int segment)
{
	return (struct clip){ .kind = CLIP_SPEECH, .frames = frames, .segment = segment,
			      .role = ROLE_BODY };
}

static struct clip jingle(uint64_t frames, double gain_db)
{
	return (struct clip){ .kind = CLIP_JINGLE, .frames = frames, .gain_db = gain_db,
			      .fade_in = 480, .fade_out = 1440, .role = ROLE_TITLE,
			      .source = "builtin:intro" };
}

static void test_ms_to_frames(void **state)
{
	(void)state;
	assert_int_equal(clock_ms_to_frames(350, 48000), 16800);
	assert_int_equal(clock_ms_to_frames(350, 44100), 15435);
	assert_int_equal(clock_ms_to_frames(1, 44100), 44);      /* 44.1 rounds down */
	assert_int_equal(clock_ms_to_frames(3, 44100), 132);     /* 132.3 */
	assert_int_equal(clock_ms_to_frames(0, 48000), 0);
}

/* intro, gap, two sentences with a pause, outro gap, outro: every start to the frame */
static void test_programme(void **state)
{
	struct timeline tl;
	struct clock c;
	struct clip j = jingle(144000, -3.5), s1 = speech(100000, 1), s2 = speech(50001, 1);
	const struct clip *k;

	(void)state;
	timeline_init(&tl, 48000);
	clock_init(&c, &opts48, &tl);
	k = clock_intro(&c, &j);
	assert_int_equal(k->kind, CLIP_JINGLE);
	assert_int_equal(k->start, 0);
	assert_int_equal(k->layer, LAYER_JINGLE);
	assert_true(k->gain_db == -3.5);
	assert_int_equal(k->fade_in, 480);
	assert_int_equal(k->fade_out, 1440);
	assert_string_equal(k->source, "builtin:intro");
	assert_int_equal(c.cursor, 144000 + 16800);
	k = clock_place(&c, &s1);
	assert_int_equal(k->start, 160800);
	assert_int_equal(k->layer, LAYER_SPEECH);
	clock_pause(&c, 420, 1, ROLE_BODY);
	k = clock_place(&c, &s2);
	assert_int_equal(k->start, 160800 + 100000 + 20160);
	k = clock_outro(&c, &j);
	assert_int_equal(k->start, 280960 + 50001 + 28800);
	assert_int_equal(clock_finish(&c), 280960 + 50001 + 28800 + 144000);
	assert_int_equal(tl.total_frames, 503761);
	/* intro, gap, s1, pause, s2, gap, outro */
	assert_int_equal(tl.n, 7);
	assert_int_equal(tl.clips[1].kind, CLIP_SILENCE);
	assert_int_equal(tl.clips[1].frames, 16800);
	assert_int_equal(tl.clips[3].frames, 20160);
	assert_int_equal(tl.clips[5].frames, 28800);
	/* no clip overlaps another of the same layer, and they touch */
	for (size_t i = 1; i < tl.n; i++)
		assert_int_equal(tl.clips[i].start, tl.clips[i - 1].start + tl.clips[i - 1].frames);
	timeline_release(&tl);
}

/* a talk-up starts the speech inside the intro; one longer than the intro stops at its start */
static void test_talkup(void **state)
{
	struct timeline tl;
	struct clock_opts o = opts48;
	struct clock c;
	struct clip j = jingle(48000, 0), s = speech(1000, 1);

	(void)state;
	o.talkup_ms = 250;
	timeline_init(&tl, 48000);
	clock_init(&c, &o, &tl);
	clock_intro(&c, &j);
	assert_int_equal(tl.n, 1);                   /* no intro gap */
	assert_int_equal(clock_place(&c, &s)->start, 48000 - 12000);
	/* the intro lasts longer than what follows: the file ends with the intro */
	assert_int_equal(clock_finish(&c), 48000);
	timeline_release(&tl);

	o.talkup_ms = 5000;
	timeline_init(&tl, 48000);
	clock_init(&c, &o, &tl);
	clock_intro(&c, &j);
	assert_int_equal(clock_place(&c, &s)->start, 0);
	timeline_release(&tl);
}

/* a stinger and its gap before a heading; a pause of 0 ms adds no clip */
static void test_stinger_and_zero_pause(void **state)
{
	struct timeline tl;
	struct clock c;
	struct clip j = jingle(48000, 0), s = speech(9600, 2);
	const struct clip *k;

	(void)state;
	timeline_init(&tl, 44100);
	clock_init(&c, &(struct clock_opts){ .rate = 44100, .stinger_gap_ms = 300 }, &tl);
	clock_pause(&c, 0, 1, ROLE_BODY);
	assert_int_equal(tl.n, 0);
	j.segment = 2;
	j.role = ROLE_HEADING;
	k = clock_stinger(&c, &j);
	assert_int_equal(k->kind, CLIP_JINGLE);
	assert_int_equal(k->segment, 2);
	assert_int_equal(tl.n, 2);
	assert_int_equal(tl.clips[1].frames, 13230);
	assert_int_equal(tl.clips[1].role, ROLE_HEADING);
	assert_int_equal(clock_place(&c, &s)->start, 48000 + 13230);
	timeline_release(&tl);
}

/* the gaps come from the preset's [clock] section; defaults are the old constants */
static void test_preset_clock(void **state)
{
	struct voice_preset p;
	struct err e = { "" };
	const char *path;
	FILE *f;

	(void)state;
	assert_int_equal(test_dir_make("clock"), 0);
	path = test_path("v.ini");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[voice]\nespeak = de\n[clock]\nintro_gap = 500\nouter = 1\n", f);
	fclose(f);
	assert_int_equal(voice_load(path, &p, &e), -1);
	assert_non_null(strstr(e.msg, "outer"));
	f = fopen(path, "w");
	fputs("[voice]\nespeak = de\n[clock]\nintro_gap = 500\noutro_gap = 0\n", f);
	fclose(f);
	assert_int_equal(voice_load(path, &p, &e), 0);
	assert_int_equal(p.clock.intro_gap_ms, 500);
	assert_int_equal(p.clock.stinger_gap_ms, 300);
	assert_int_equal(p.clock.outro_gap_ms, 0);
	f = fopen(path, "w");
	fputs("[voice]\nespeak = de\n", f);
	fclose(f);
	assert_int_equal(voice_load(path, &p, &e), 0);
	assert_int_equal(p.clock.intro_gap_ms, 350);
	assert_int_equal(p.clock.stinger_gap_ms, 300);
	assert_int_equal(p.clock.outro_gap_ms, 600);
	assert_int_equal(test_dir_remove(), 0);
}

/* speech clips get the options' edge fades in the plan; jingles keep theirs, silences none */
static void test_speech_fades(void **state)
{
	struct timeline tl;
	struct clock c;
	struct clock_opts o = opts48;
	struct clip j = jingle(48000, -3.0), s = speech(96000, 1);
	const struct clip *k;

	(void)state;
	o.speech_fade_in_ms = CLOCK_SPEECH_FADE_IN_MS;
	o.speech_fade_out_ms = 10;
	timeline_init(&tl, 48000);
	clock_init(&c, &o, &tl);
	k = clock_intro(&c, &j);
	assert_int_equal(k->fade_in, 480);
	assert_int_equal(k->fade_out, 1440);
	k = clock_place(&c, &s);
	assert_int_equal(k->fade_in, CLOCK_SPEECH_FADE_IN_MS * 48);
	assert_int_equal(k->fade_out, 480);
	clock_pause(&c, 400, 1, ROLE_BODY);
	assert_int_equal(tl.clips[tl.n - 1].fade_in, 0);
	assert_int_equal(tl.clips[tl.n - 1].fade_out, 0);
	assert_true(CLOCK_SPEECH_FADE_IN_MS > 0 && CLOCK_SPEECH_FADE_OUT_MS > 0);
	timeline_release(&tl);
}

/* clock_clip_at applies the clip rules at any start: what clock_place gives, plus ducking speech */
static void test_clip_at(void **state)
{
	struct clock_opts o = opts48;
	struct clip s = speech(96000, 2), j = jingle(48000, -3.0);
	struct clip b = { .kind = CLIP_BED, .frames = 480000, .fade_in = 9600 };
	struct clip q = { .kind = CLIP_SILENCE, .frames = 4800 };
	struct clip k;
	struct timeline tl;
	struct clock c;

	(void)state;
	o.speech_fade_in_ms = CLOCK_SPEECH_FADE_IN_MS;
	o.speech_fade_out_ms = CLOCK_SPEECH_FADE_OUT_MS;
	k = clock_clip_at(&o, &s, 12345);
	assert_int_equal(k.start, 12345);
	assert_int_equal(k.layer, LAYER_SPEECH);
	assert_int_equal(k.fade_in, CLOCK_SPEECH_FADE_IN_MS * 48);
	assert_int_equal(k.fade_out, CLOCK_SPEECH_FADE_OUT_MS * 48);
	assert_int_equal(k.ducks, 1);
	assert_int_equal(k.segment, 2);
	timeline_init(&tl, 48000);
	clock_init(&c, &o, &tl);
	c.cursor = 12345;
	{
		const struct clip *t = clock_place(&c, &s);
		assert_int_equal(t->start, k.start);
		assert_int_equal(t->layer, k.layer);
		assert_int_equal(t->fade_in, k.fade_in);
		assert_int_equal(t->fade_out, k.fade_out);
		assert_int_equal(t->ducks, k.ducks);
	}
	timeline_release(&tl);
	k = clock_clip_at(&o, &j, 7);
	assert_int_equal(k.layer, LAYER_JINGLE);
	assert_int_equal(k.fade_in, 480);
	assert_int_equal(k.fade_out, 1440);
	assert_int_equal(k.ducks, 0);
	k = clock_clip_at(&o, &b, 0);
	assert_int_equal(k.layer, LAYER_BED);
	assert_int_equal(k.fade_in, 9600);
	assert_int_equal(k.ducks, 0);
	k = clock_clip_at(&o, &q, 99);
	assert_int_equal(k.layer, LAYER_SPEECH);
	assert_int_equal(k.fade_in + k.fade_out + (uint64_t)k.ducks, 0);
	assert_int_equal(clock_ms_to_frames(-5, 48000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_to_frames),
		cmocka_unit_test(test_programme),
		cmocka_unit_test(test_talkup),
		cmocka_unit_test(test_stinger_and_zero_pause),
		cmocka_unit_test(test_preset_clock),
		cmocka_unit_test(test_speech_fades),
		cmocka_unit_test(test_clip_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
