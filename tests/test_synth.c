/*
 * test_synth.c - speech synthesis with the real eSpeak NG: rate, voices,
 * trimmed samples, word events with byte offsets, phonemes, voice list.
 */
#include "testutil.h"

#include <limits.h>
#include <math.h>

#include "util.h"
#include "voice.h"
#include "synth.h"

/*
 * synth.c trims leading and trailing samples below about -54 dBFS (0.002);
 * the first and last sample kept must be at least that loud.
 */
#define TRIM_THRESHOLD 0.002f

/* eSpeak NG is one per process: one synth for the whole group. */
static struct synth *sy;
/* Buffers of the running test, released by its teardown even when an assertion fails. */
static struct synth_audio a;
static struct sb out;

static int release_bufs(void **state)
{
	(void)state;
	synth_audio_release(&a);
	sb_release(&out);
	return 0;
}

static int setup(void **state)
{
	static char dir[PATH_MAX];
	struct err e;

	(void)state;
	if (!realpath("voices", dir) || setenv("SPRECHER_VOICES", dir, 1))
		return -1;
	sy = synth_new(&e);
	if (!sy) {
		fprintf(stderr, "synth_new: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	synth_free(sy);
	sy = NULL;
	return 0;
}

static void set_preset(const char *name)
{
	struct voice_preset p;
	struct err e;

	if (voice_load(name, &p, &e))
		fail_msg("%s", e.msg);
	if (synth_set_voice(sy, &p, &e))
		fail_msg("%s", e.msg);
}

static void test_rate(void **state)
{
	(void)state;
	assert_non_null(sy);
	assert_int_equal(synth_rate(sy), 22050);
	synth_free(NULL);
}

static void test_set_voice(void **state)
{
	(void)state;
	set_preset(VOICE_DEFAULT);
	set_preset("sprecherin");          /* variant f2 */
	set_preset("nachrichten-zitat");   /* variant m3 */
	set_preset("podcast");
	set_preset(VOICE_DEFAULT);
}

static void test_unknown_voice(void **state)
{
	struct voice_preset p;
	struct err e;

	(void)state;
	assert_int_equal(voice_load(VOICE_DEFAULT, &p, &e), 0);
	snprintf(p.espeak, sizeof p.espeak, "xx-gibtsnicht");
	e.msg[0] = '\0';
	assert_int_equal(synth_set_voice(sy, &p, &e), -1);
	assert_non_null(strstr(e.msg, "'xx-gibtsnicht'"));
	/* the preset file is named first */
	assert_int_equal(strncmp(e.msg, p.path, strlen(p.path)), 0);
	/* with a variant, the full name is given */
	snprintf(p.variant, sizeof p.variant, "f2");
	assert_int_equal(synth_set_voice(sy, &p, &e), -1);
	assert_non_null(strstr(e.msg, "'xx-gibtsnicht+f2'"));
	/* a preset without a file: its name */
	p.path[0] = '\0';
	snprintf(p.name, sizeof p.name, "eigen");
	assert_int_equal(synth_set_voice(sy, &p, &e), -1);
	assert_int_equal(strncmp(e.msg, "eigen: ", 7), 0);
	/* the synth still works with a good voice afterwards */
	set_preset(VOICE_DEFAULT);
}

/* Checks the trimmed audio of one synth_say call. */
static void check_audio(const struct synth_audio *au, double min_sec, double max_sec)
{
	double sum = 0;

	assert_true(au->n > 0);
	assert_true(au->n >= (size_t)(min_sec * 22050));
	assert_true(au->n <= (size_t)(max_sec * 22050));
	/* no leading or trailing silence */
	assert_true(fabsf(au->samples[0]) >= TRIM_THRESHOLD);
	assert_true(fabsf(au->samples[au->n - 1]) >= TRIM_THRESHOLD);
	for (size_t i = 0; i < au->n; i++) {
		assert_true(au->samples[i] >= -1.0f && au->samples[i] <= 1.0f);
		sum += (double)au->samples[i] * au->samples[i];
	}
	/* speech, not near-silence: RMS above -40 dBFS */
	assert_true(sqrt(sum / au->n) > 0.01);
}

static void test_say(void **state)
{
	/* umlauts and ß before, inside and after words move byte offsets away from characters */
	static const char text[] = "Die Brücke über die Förde wurde am Montag eröffnet, sagte Jürgen Weiß.";
	static const char *const words[] = {
		"Die", "Brücke", "über", "die", "Förde", "wurde", "am", "Montag", "eröffnet",
		"sagte", "Jürgen", "Weiß",
	};
	struct err e;
	size_t nw = 0, nsent = 0, last_sample = 0, last_pos = 0;

	(void)state;
	set_preset(VOICE_DEFAULT);
	synth_audio_init(&a);
	assert_int_equal(synth_say(sy, text, &a, &e), 0);
	check_audio(&a, 2.0, 10.0);
	assert_true(a.nev > 0);
	for (size_t i = 0; i < a.nev; i++) {
		const struct synth_event *ev = &a.ev[i];
		/* time order, inside the audio */
		assert_true(ev->sample >= last_sample);
		assert_true(ev->sample <= a.n);
		last_sample = ev->sample;
		assert_true(ev->text_pos <= strlen(text));
		assert_true(ev->text_pos + ev->text_len <= strlen(text));
		if (ev->type == SYNTH_SENTENCE) {
			nsent++;
			continue;
		}
		assert_int_equal(ev->type, SYNTH_WORD);
		if (ev->text_len == 0)
			continue;   /* see test_say_no_empty_words */
		if (nw >= ARRAY_LEN(words))
			fail_msg("more word events than words: '%.*s'", (int)ev->text_len,
				 text + ev->text_pos);
		/* exactly the word's bytes, in reading order */
		if (ev->text_len != strlen(words[nw]) ||
		    memcmp(text + ev->text_pos, words[nw], ev->text_len))
			fail_msg("word %zu: got '%.*s' at byte %zu, want '%s'", nw, (int)ev->text_len,
				 text + ev->text_pos, ev->text_pos, words[nw]);
		if (nw)
			assert_true(ev->text_pos > last_pos);
		last_pos = ev->text_pos;
		nw++;
	}
	assert_int_equal(nw, ARRAY_LEN(words));
	assert_true(nsent >= 1);
	/* the first word starts the trimmed audio, the last starts well before its end */
	for (size_t i = 0; i < a.nev; i++)
		if (a.ev[i].type == SYNTH_WORD) {
			assert_true(a.ev[i].sample < 22050 / 10);
			break;
		}
	for (size_t i = a.nev; i-- > 0;)
		if (a.ev[i].type == SYNTH_WORD && a.ev[i].text_len) {
			assert_true(a.ev[i].sample + 22050 / 10 < a.n);
			break;
		}

	/* the next call replaces the contents; the same text again gives about the same audio
	   (eSpeak NG's filters keep a little state, so not to the sample) */
	size_t n1 = a.n, nev1 = a.nev;
	assert_int_equal(synth_say(sy, "Kurz.", &a, &e), 0);
	check_audio(&a, 0.1, 2.0);
	assert_true(a.n < n1 / 4);
	assert_true(a.nev < nev1);
	assert_int_equal(synth_say(sy, text, &a, &e), 0);
	assert_true(a.n + n1 / 100 >= n1 && a.n <= n1 + n1 / 100);
	assert_int_equal(a.nev, nev1);
	synth_audio_release(&a);
	assert_null(a.samples);
	assert_int_equal(a.n, 0);
	synth_audio_release(&a);
}

/*
 * eSpeak NG reports an extra word event of length 0 at the end of a sentence
 * that has a clause break (a comma); it points back at the clause break. A word event
 * must be a real word of the text, in reading order, or captions jump back.
 */
static void test_say_no_empty_words(void **state)
{
	static const char text[] = "Die Brücke wurde am Montag eröffnet, sagte Jürgen Weis.";
	struct err e;
	size_t last_pos = 0, nw = 0;

	(void)state;
	set_preset(VOICE_DEFAULT);
	synth_audio_init(&a);
	assert_int_equal(synth_say(sy, text, &a, &e), 0);
	for (size_t i = 0; i < a.nev; i++) {
		const struct synth_event *ev = &a.ev[i];
		if (ev->type != SYNTH_WORD)
			continue;
		if (ev->text_len == 0)
			fail_msg("word event %zu has length 0 (byte %zu '%.5s...', sample %zu of %zu)",
				 i, ev->text_pos, text + ev->text_pos, ev->sample, a.n);
		if (nw && ev->text_pos <= last_pos)
			fail_msg("word event %zu at byte %zu goes back (previous %zu)", i, ev->text_pos,
				 last_pos);
		last_pos = ev->text_pos;
		nw++;
	}
	assert_int_equal(nw, 9);
	synth_audio_release(&a);
}

static void test_say_rate(void **state)
{
	static const char text[] = "Der Verkehr in der Innenstadt war am Morgen dicht.";
	struct voice_preset p;
	struct err e;
	size_t slow, fast;

	(void)state;
	assert_int_equal(voice_load(VOICE_DEFAULT, &p, &e), 0);
	synth_audio_init(&a);
	p.rate = 120;
	assert_int_equal(synth_set_voice(sy, &p, &e), 0);
	assert_int_equal(synth_say(sy, text, &a, &e), 0);
	slow = a.n;
	p.rate = 240;
	assert_int_equal(synth_set_voice(sy, &p, &e), 0);
	assert_int_equal(synth_say(sy, text, &a, &e), 0);
	fast = a.n;
	/* twice the words a minute: clearly shorter */
	assert_true(fast * 10 < slow * 7);
	synth_audio_release(&a);
	set_preset(VOICE_DEFAULT);
}

static void test_say_phonemes_inline(void **state)
{
	static const char text[] = "Hallo [[h'aloU]] Welt.";
	struct err e;
	size_t nw = 0;

	(void)state;
	set_preset(VOICE_DEFAULT);
	synth_audio_init(&a);
	assert_int_equal(synth_say(sy, text, &a, &e), 0);
	check_audio(&a, 0.3, 5.0);
	for (size_t i = 0; i < a.nev; i++) {
		assert_true(a.ev[i].text_pos + a.ev[i].text_len <= strlen(text));
		nw += a.ev[i].type == SYNTH_WORD;
	}
	assert_true(nw >= 2);
	/* the phoneme brackets are not read out as words */
	assert_true(a.n < (size_t)(3.0 * 22050));
	synth_audio_release(&a);
}

static void test_say_empty(void **state)
{
	struct err e;

	(void)state;
	set_preset(VOICE_DEFAULT);
	synth_audio_init(&a);
	assert_int_equal(synth_say(sy, "Etwas.", &a, &e), 0);
	assert_true(a.n > 0);
	/* nothing to say: no samples, no events (and the old ones are gone) */
	assert_int_equal(synth_say(sy, "", &a, &e), 0);
	assert_int_equal(a.n, 0);
	assert_int_equal(a.nev, 0);
	assert_int_equal(synth_say(sy, "   ", &a, &e), 0);
	assert_int_equal(a.n, 0);
	synth_audio_release(&a);
}

/*
 * Sentences sent ahead (synthesized at once by separate forks) come back in
 * the order sent, each exactly as synth_say gives it alone; while any is
 * pending, nothing else may be asked.
 */
static void test_send_ahead(void **state)
{
	static const char *const texts[] = { "Erstens kommt es anders.", "Und zweitens, als man denkt.",
					     "", "Ein dritter, etwas längerer Satz über den Hafen.",
					     "Vier." };
	enum { N = sizeof(texts) / sizeof(texts[0]) };
	struct synth_audio one[N], got;
	struct err e;

	(void)state;
	set_preset(VOICE_DEFAULT);
	for (int i = 0; i < N; i++) {
		synth_audio_init(&one[i]);
		assert_int_equal(synth_say(sy, texts[i], &one[i], &e), 0);
	}
	synth_audio_init(&got);
	for (int round = 0; round < 2; round++) {
		int sent = 0, recv = 0;
		/* round 0: all at most SYNTH_MAX_AHEAD ahead; round 1: two ahead */
		int ahead = round ? 2 : SYNTH_MAX_AHEAD;
		while (recv < N) {
			if (sent < N && sent - recv < ahead) {
				assert_int_equal(synth_send(sy, texts[sent++], &e), 0);
				continue;
			}
			assert_int_equal(synth_pending(sy), sent - recv);
			assert_int_equal(synth_receive(sy, &got, &e), 0);
			assert_int_equal(got.n, one[recv].n);
			assert_int_equal(got.nev, one[recv].nev);
			assert_memory_equal(got.samples, one[recv].samples, got.n * sizeof(float));
			assert_memory_equal(got.ev, one[recv].ev, got.nev * sizeof(*got.ev));
			recv++;
		}
	}
	/* the rules: not more than SYNTH_MAX_AHEAD, nothing else while pending, nothing to receive */
	for (int i = 0; i < SYNTH_MAX_AHEAD; i++)
		assert_int_equal(synth_send(sy, texts[0], &e), 0);
	assert_int_equal(synth_send(sy, texts[0], &e), -1);
	assert_non_null(strstr(e.msg, "ahead"));
	assert_int_equal(synth_say(sy, texts[1], &got, &e), -1);
	assert_non_null(strstr(e.msg, "pending"));
	while (synth_pending(sy))
		assert_int_equal(synth_receive(sy, &got, &e), 0);
	assert_int_equal(synth_receive(sy, &got, &e), -1);
	/* and it works as before */
	assert_int_equal(synth_say(sy, texts[1], &got, &e), 0);
	assert_int_equal(got.n, one[1].n);
	synth_audio_release(&got);
	for (int i = 0; i < N; i++)
		synth_audio_release(&one[i]);
}

static void test_phonemes(void **state)
{
	struct err e;

	(void)state;
	set_preset(VOICE_DEFAULT);
	sb_init(&out);
	assert_int_equal(synth_phonemes(sy, "Guten Tag", &out, &e), 0);
	assert_true(out.len > 3);
	assert_null(strchr(out.buf, '\n'));
	assert_non_null(strchr(out.buf, '\''));   /* a stress mark */
	/* several clauses, umlauts and ß */
	sb_reset(&out);
	assert_int_equal(synth_phonemes(sy, "Guten Tag, schöne Grüße.", &out, &e), 0);
	assert_true(out.len > 8);
	assert_non_null(strchr(out.buf, ' '));
	/* appends to what is there */
	sb_reset(&out);
	sb_adds(&out, "vorher");
	assert_int_equal(synth_phonemes(sy, "Hallo", &out, &e), 0);
	assert_int_equal(strncmp(out.buf, "vorher ", 7), 0);
	assert_true(out.len > 7);
	/* empty text: nothing */
	sb_reset(&out);
	assert_int_equal(synth_phonemes(sy, "", &out, &e), 0);
	assert_int_equal(out.len, 0);
	sb_release(&out);

	/* phoneme transcription does not disturb synthesis */
	synth_audio_init(&a);
	assert_int_equal(synth_say(sy, "Noch ein Satz.", &a, &e), 0);
	check_audio(&a, 0.3, 5.0);
	synth_audio_release(&a);
}

static void test_list_voices(void **state)
{

	(void)state;
	sb_init(&out);
	synth_list_voices(sy, "de", &out);
	assert_true(out.len > 0);
	assert_int_equal(out.buf[out.len - 1], '\n');
	/* a German voice, "name<TAB>identifier<TAB>gender" */
	assert_non_null(strstr(out.buf, "German\t"));
	assert_non_null(strstr(out.buf, "/de\t"));
	for (const char *p = out.buf; *p; p = strchr(p, '\n') + 1) {
		const char *nl = strchr(p, '\n');
		const char *t1 = memchr(p, '\t', (size_t)(nl - p));
		assert_non_null(t1);
		const char *t2 = memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1));
		assert_non_null(t2);
		assert_null(memchr(t2 + 1, '\t', (size_t)(nl - t2 - 1)));
		/* no MBROLA voices */
		assert_false(t1[1] == 'm' && t1[2] == 'b' && t1[3] == '/');
		size_t g = (size_t)(nl - t2 - 1);
		assert_true((g == 4 && !memcmp(t2 + 1, "male", 4)) ||
			    (g == 6 && !memcmp(t2 + 1, "female", 6)) ||
			    (g == 1 && t2[1] == '-'));
	}
	/* an unknown language lists nothing */
	sb_reset(&out);
	synth_list_voices(sy, "xx-nope", &out);
	assert_int_equal(out.len, 0);
	sb_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_rate, release_bufs),
		cmocka_unit_test_teardown(test_set_voice, release_bufs),
		cmocka_unit_test_teardown(test_unknown_voice, release_bufs),
		cmocka_unit_test_teardown(test_say, release_bufs),
		cmocka_unit_test_teardown(test_say_no_empty_words, release_bufs),
		cmocka_unit_test_teardown(test_say_rate, release_bufs),
		cmocka_unit_test_teardown(test_say_phonemes_inline, release_bufs),
		cmocka_unit_test_teardown(test_say_empty, release_bufs),
		cmocka_unit_test_teardown(test_send_ahead, release_bufs),
		cmocka_unit_test_teardown(test_phonemes, release_bufs),
		cmocka_unit_test_teardown(test_list_voices, release_bufs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
