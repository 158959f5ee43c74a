/*
 * test_ssml.c - SSML input: the script ssml_build makes (sentences, pauses,
 * say-as readings, sub, phonemes, prosody presets), its one-line errors, and
 * end-to-end renders whose decoded audio shows the break and the rate.
 */
#include "testutil.h"

#include <limits.h>
#include <math.h>
#include <sys/wait.h>

#include "util.h"
#include "voice.h"
#include "script.h"
#include "ssml.h"

static struct voice_preset roles[ROLE__COUNT];
static const char *bin;

static int setup(void **state)
{
	static char dir[PATH_MAX];
	struct voice_preset base;
	struct err e;

	(void)state;
	if (!realpath("voices", dir) || setenv("SPRECHER_VOICES", dir, 1))
		return -1;
	if (voice_load(VOICE_DEFAULT, &base, &e) || voice_load_roles(&base, roles, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

/* Builds the script of `x`; returns ssml_build's result (the error in *e). */
static int build(const char *x, struct script *sc, struct warns *w, struct err *e)
{
	return ssml_build(x, strlen(x), "t.ssml", roles, NULL, sc, w, e);
}

/* The k-th sentence over all segments. */
static const struct script_sentence *nth(const struct script *sc, size_t k)
{
	for (size_t i = 0; i < sc->nseg; i++) {
		if (k < sc->seg[i].nsent)
			return &sc->seg[i].sent[k];
		k -= sc->seg[i].nsent;
	}
	fail_msg("no sentence %zu", k);
	return NULL;
}

static size_t count(const struct script *sc)
{
	size_t n = 0;
	for (size_t i = 0; i < sc->nseg; i++)
		n += sc->seg[i].nsent;
	return n;
}

static void test_sentences_and_pauses(void **state)
{
	const struct voice_preset *v = &roles[ROLE_BODY];
	struct script sc;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(build("<speak><p>Erster Satz. Zweiter Satz.</p>"
			       "<p><s>Dritter</s><s>Vierter<break time=\"1.5s\"/></s>"
			       "<s>Fünfter</s><break strength=\"x-strong\"/><s>Sechster</s>"
			       "<break time=\"250ms\"/><break time=\"250ms\"/><s>Siebter</s></p></speak>",
			       &sc, &w, &e), 0);
	assert_int_equal(count(&sc), 7);
	assert_string_equal(nth(&sc, 0)->written, "Erster Satz.");
	assert_string_equal(sc.title, "Erster Satz.");   /* the first sentence names the file */
	assert_int_equal(nth(&sc, 0)->pause_ms, v->pause_sentence_ms);
	assert_int_equal(nth(&sc, 1)->pause_ms, v->pause_paragraph_ms);
	assert_string_equal(nth(&sc, 2)->written, "Dritter");
	assert_int_equal(nth(&sc, 2)->pause_ms, v->pause_sentence_ms);
	assert_int_equal(nth(&sc, 3)->pause_ms, 1500);
	assert_int_equal(nth(&sc, 4)->pause_ms, v->pause_section_ms);
	assert_int_equal(nth(&sc, 5)->pause_ms, 500);    /* breaks in a row add up */
	assert_int_equal(nth(&sc, 6)->pause_ms, 0);      /* the end */
	assert_int_not_equal(sc.seg[0].paragraph, sc.seg[sc.nseg - 1].paragraph);
	script_release(&sc);
	warns_release(&w);
}

static void test_say_as_sub_phoneme(void **state)
{
	struct script sc;
	struct err e;

	(void)state;
	assert_int_equal(build("<speak>Die <sub alias=\"Weltgesundheitsorganisation\">WHO</sub> tagt "
			       "am <say-as interpret-as=\"date\" format=\"mdy\">06/11/2025</say-as>, "
			       "um <say-as interpret-as=\"time\">9:05</say-as>, Platz "
			       "<say-as interpret-as=\"ordinal\">3</say-as>, "
			       "<say-as interpret-as=\"cardinal\">1998</say-as> Gäste, "
			       "<say-as interpret-as=\"characters\">ZDF2</say-as>, "
			       "<say-as interpret-as=\"telephone\">0301234</say-as>, "
			       "<phoneme alphabet=\"ipa\" ph=\"ˈkœln\">Köln</phoneme> und "
			       "<phoneme ph=\"b'aId@n\">Biden</phoneme>.</speak>", &sc, NULL, &e), 0);
	assert_int_equal(count(&sc), 1);
	const struct script_sentence *t = nth(&sc, 0);
	assert_non_null(strstr(t->written, "Die WHO tagt am 06/11/2025, um 9:05"));
	assert_non_null(strstr(t->spoken, "Die Weltgesundheitsorganisation tagt am elften Juni "
				"zweitausend fünfundzwanzig"));
	assert_non_null(strstr(t->spoken, "neun Uhr fünf"));
	assert_non_null(strstr(t->spoken, "Platz dritte"));
	assert_non_null(strstr(t->spoken, "tausend neunhundertachtundneunzig Gäste"));   /* not a year */
	assert_non_null(strstr(t->spoken, "Z-D-F-zwei"));     /* spelled as the verbalizer spells */
	assert_null(strstr(t->spoken, "WHO"));
	assert_non_null(strstr(t->spoken, "[['k9ln]] und [[b'aId@n]]."));
	/* anchors rise in both texts and start at {0, 0} */
	assert_true(t->nanchors > 1);
	assert_int_equal(t->anchors[0].written, 0);
	for (size_t k = 1; k < t->nanchors; k++) {
		assert_true(t->anchors[k].written >= t->anchors[k - 1].written);
		assert_true(t->anchors[k].spoken >= t->anchors[k - 1].spoken);
	}
	script_release(&sc);
}

/* A time followed by the word "Uhr": said once, written as typed; "Uhrzeit" is another word. */
static void test_say_as_time_uhr(void **state)
{
	struct script sc;
	struct err e;

	(void)state;
	assert_int_equal(build("<speak>Beginn <say-as interpret-as=\"time\">14:30</say-as> Uhr, "
			       "dann <say-as interpret-as=\"time\">9:05</say-as>Uhr und "
			       "<say-as interpret-as=\"time\">18:00</say-as> Uhrzeit.</speak>", &sc, NULL, &e), 0);
	assert_int_equal(count(&sc), 1);
	const struct script_sentence *t = nth(&sc, 0);
	assert_string_equal(t->written, "Beginn 14:30 Uhr, dann 9:05Uhr und 18:00 Uhrzeit.");
	assert_string_equal(t->spoken, "Beginn vierzehn Uhr dreißig, dann neun Uhr fünf und achtzehn Uhr "
				       "Uhrzeit.");
	script_release(&sc);
}

static void test_prosody_presets(void **state)
{
	const struct voice_preset *v = &roles[ROLE_BODY];
	struct script sc;
	struct err e;

	(void)state;
	assert_int_equal(build("<speak><s>Normal.</s><prosody rate=\"x-slow\" pitch=\"+20%\" volume=\"-6dB\">"
			       "<s>Langsam.</s></prosody><s>Normal <emphasis level=\"strong\">betont"
			       "</emphasis> weiter.</s><prosody rate=\"150%\"><s>Schnell.</s></prosody></speak>",
			       &sc, NULL, &e), 0);
	assert_int_equal(sc.nseg, 6);
	assert_ptr_equal(sc.seg[0].voice, &sc.voices[ROLE_BODY]);
	assert_int_equal(sc.seg[1].voice->rate, (int)lround(v->rate * 0.6));
	assert_int_equal(sc.seg[1].voice->pitch, (int)lround(v->pitch * 1.2));
	assert_int_equal(sc.seg[1].voice->volume, (int)lround(v->volume * 0.501187));
	assert_ptr_equal(sc.seg[2].voice, &sc.voices[ROLE_BODY]);
	assert_true(sc.seg[3].voice->rate < v->rate && sc.seg[3].voice->volume > v->volume);
	assert_int_equal(sc.seg[2].sent[0].pause_ms, 0);   /* "Normal" runs on into "betont" */
	assert_int_equal(sc.seg[5].voice->rate, (int)lround(v->rate * 1.5));
	assert_int_equal(sc.nextra, 3);
	script_release(&sc);
}

/* Each bad document gives exactly this error. */
static void test_errors(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
		{ "<speak>\n<p>Hallo <b>Welt</b></p></speak>", "t.ssml:2:10: unknown SSML element <b>" },
		{ "<speak>\n  <p>Hallo</s></speak>", "t.ssml:2:13: mismatched tag" },
		{ "<speak><break time=\"zwei\"/></speak>", "t.ssml:1:8: break time 'zwei': not a duration such as 500ms or 1.5s" },
		{ "<p>Hallo</p>", "t.ssml:1:1: the document must be one <speak> element, not <p>" },
		{ "<speak><say-as interpret-as=\"date\" format=\"dmy\">gestern</say-as></speak>", NULL },
		{ "<speak><phoneme alphabet=\"ipa\" ph=\"ʘ\">x</phoneme></speak>", NULL },
		{ "<speak><phoneme ph=\"a]]b\">x</phoneme></speak>", NULL },
		{ "<speak><prosody rate=\"schnell\">x</prosody></speak>", NULL },
		{ "<!DOCTYPE speak [<!ENTITY a \"aaaa\">]><speak>&a;</speak>", NULL },
		{ "<speak><say-as interpret-as=\"cardinal\"><s>1</s></say-as></speak>", NULL },
		{ "<speak>  </speak>", "t.ssml: SSML document has nothing to read" },
		{ "", "t.ssml:1:1: no element found" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct script sc;
		struct err e;
		e.msg[0] = '\0';
		assert_int_equal(build(bad[i][0], &sc, NULL, &e), -1);
		assert_null(strchr(e.msg, '\n'));
		if (bad[i][1])
			assert_string_equal(e.msg, bad[i][1]);
		else
			assert_true(!strncmp(e.msg, "t.ssml:1:", 9));
	}
	assert_true(ssml_is_file("a/b.SSML") && ssml_is_file("x.ssml") && !ssml_is_file("ssml"));
}

/* ---- end to end -------------------------------------------------------- */

static int run(const char *const *args, const char *out)
{
	return test_wait(test_spawn(bin, args, "1767225600", out, test_path("stderr.txt")));
}

/* The longest run of exact digital silence inside the audio, in frames. */
static sf_count_t longest_silence(const struct test_audio *d)
{
	sf_count_t best = 0, start = -1;
	int ch = d->info.channels;

	for (sf_count_t i = 0; i < d->n; i++) {
		int zero = 1;
		for (int c = 0; c < ch; c++)
			zero = zero && d->frames[i * ch + c] == 0.0f;
		if (zero && start < 0)
			start = i;
		if (!zero && start >= 0) {
			if (start > 0 && i - start > best)
				best = i - start;
			start = -1;
		}
	}
	return best;
}

static void render(const char *ssml, const char *name, struct test_audio *d)
{
	char src[300], wav[320];

	snprintf(src, sizeof(src), "%s", test_path(name));
	snprintf(wav, sizeof(wav), "%s.wav", src);
	test_write_text(src, ssml);
	assert_int_equal(run((const char *const[]){ "render", src, "-o", wav, "--no-jingles",
						"--no-cache", "-q", "--no-config", NULL }, NULL), 0);
	test_decode(wav, d);
}

static void test_render_break_and_rate(void **state)
{
	struct test_audio a, b, c;
	double two;

	(void)state;
	assert_int_equal(test_dir_make("ssml"), 0);
	render("<speak><s>Die Pause kommt jetzt.</s><break time=\"2s\"/><s>Und vorbei.</s></speak>",
	       "pause.ssml", &a);
	two = (double)longest_silence(&a) / a.info.samplerate;
	assert_true(two >= 1.95 && two <= 2.1);
	render("<speak><s>Die Pause kommt jetzt.</s><break time=\"500ms\"/><s>Und vorbei.</s></speak>",
	       "kurz.ssml", &b);
	assert_true((double)longest_silence(&b) / b.info.samplerate < 0.6);
	assert_true(a.n - b.n > (sf_count_t)(1.4 * a.info.samplerate));
	render("<speak><prosody rate=\"x-slow\"><s>Die Pause kommt jetzt.</s><break time=\"500ms\"/>"
	       "<s>Und vorbei.</s></prosody></speak>", "langsam.ssml", &c);
	assert_true((double)c.n > 1.3 * (double)b.n);
	free(a.frames);
	free(b.frames);
	free(c.frames);
	test_dir_remove();
}

/* `script --ssml` reads SSML from stdin-like names; a malformed file: one line, no output file. */
static void test_cli(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(test_dir_make("ssml"), 0);
	test_write_text(test_path("a.xml"), "<speak><s>Es ist <say-as interpret-as=\"time\">7:15</say-as>.</s></speak>");
	assert_int_equal(run((const char *const[]){ "script", test_path("a.xml"), "--ssml", NULL },
			     test_path("out.txt")), 0);
	out = test_slurp(test_path("out.txt"), NULL);
	assert_non_null(strstr(out, "Es ist sieben Uhr fünfzehn."));
	free(out);
	test_write_text(test_path("b.ssml"), "<speak>\n<s>Kaputt</speak>\n");
	assert_int_not_equal(run((const char *const[]){ "render", test_path("b.ssml"), "-o",
							test_path("b.wav"), "--no-jingles", NULL }, NULL), 0);
	out = test_slurp(test_path("stderr.txt"), NULL);
	assert_non_null(strstr(out, "b.ssml:2:12: mismatched tag\n"));
	assert_null(strchr(strchr(out, '\n') + 1, '\n'));   /* one line */
	free(out);
	assert_null(test_slurp(test_path("b.wav"), NULL));
	test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentences_and_pauses),
		cmocka_unit_test(test_say_as_sub_phoneme),
		cmocka_unit_test(test_say_as_time_uhr),
		cmocka_unit_test(test_prosody_presets),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_render_break_and_rate),
		cmocka_unit_test(test_cli),
	};

	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	return cmocka_run_group_tests_name("ssml", tests, setup, NULL);
}
