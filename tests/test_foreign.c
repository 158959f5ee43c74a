/*
 * test_foreign.c - language of a word and its German-voice pronunciation
 * (foreign.c), with the Debian word lists and the real eSpeak NG.
 */
#include "testutil.h"

#include <stdlib.h>
#include <unistd.h>

#include "foreign.h"
#include "lexicon.h"
#include "synth.h"
#include "verbalize.h"

static enum flang lang(const struct foreign *fx, const char *w)
{
	return foreign_lang(fx, w, strlen(w));
}

static void test_word_lists(void **state)
{
	(void)state;
	struct warns w;
	warns_init(&w);
	struct foreign *fx = foreign_new(NULL, &w);
	size_t de, en;
	foreign_counts(fx, &de, &en);
	/* install-deps.sh installs wngerman and wamerican/wbritish */
	assert_true(de > 100000);
	assert_true(en > 50000);
	assert_int_equal(w.n, 0);
	assert_true(foreign_is_german(fx, "Krankenhaus", strlen("Krankenhaus")));
	assert_true(foreign_is_german(fx, "krankenhaus", strlen("krankenhaus")));
	assert_false(foreign_is_german(fx, "Whitfield", 9));
	assert_true(foreign_is_english(fx, "Whitfield", 9));
	foreign_free(fx);
	/* without the lists: one warning, letters still decide */
	fx = foreign_new("/nonexistent", &w);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], "/nonexistent: no German or English word list"));
	assert_int_equal(lang(fx, "Şahin"), FL_TR);
	assert_int_equal(lang(fx, "Whitfield"), FL_DE);
	foreign_free(fx);
	warns_release(&w);
}

static void test_languages(void **state)
{
	(void)state;
	struct foreign *fx = foreign_new(NULL, NULL);
	static const struct { const char *w; enum flang l; } cases[] = {
		{ "Şahin", FL_TR }, { "Çelik", FL_TR }, { "Ayşe", FL_TR }, { "Erdoğan", FL_TR },
		{ "Małgorzata", FL_PL }, { "Złoty", FL_PL }, { "Rzeszów", FL_PL }, { "Kraków", FL_PL },
		{ "Szczecin", FL_PL }, { "Dvořák", FL_CS }, { "Babiš", FL_CS }, { "Brno", FL_CS },
		{ "Szijjártó", FL_HU }, { "Győr", FL_HU }, { "Lwiw", FL_UK }, { "Hryzenko", FL_UK },
		{ "Oleksandr", FL_UK }, { "Tschernihiw", FL_UK }, { "Whitfield", FL_EN },
		{ "Cunningham", FL_EN }, { "Livestream", FL_EN }, { "Crowdfunding", FL_EN }, { "how", FL_EN },
		/* in both lists: German unless eSpeak itself switches (\"Team\", see test_one_voice) */
		{ "Team", FL_DE }, { "See", FL_DE }, { "leer", FL_DE }, { "Andrei", FL_DE }, { "Elena", FL_DE },
		/* an English word, but capitalized with a final "a": a first name read German */
		{ "Marina", FL_DE }, { "marina", FL_EN }, { "Science", FL_EN },
		{ "Marković", FL_CS },
		/* an onset German lacks: eSpeak would spell the word, the letter rules read it */
		{ "Tbilisi", FL_UK }, { "Tkachenko", FL_UK }, { "Pflege", FL_DE }, { "Psychologe", FL_DE },
		{ "Zbigniew", FL_PL }, { "Schwerin", FL_DE },
		/* French by letters and by spelling, also in the German list ("Bordeaux") */
		{ "François", FL_FR }, { "Mélenchon", FL_FR }, { "Citroën", FL_FR }, { "Hermès", FL_FR },
		{ "Juliette", FL_FR }, { "Renault", FL_FR }, { "Bordeaux", FL_FR }, { "Marseille", FL_FR },
		{ "Toilette", FL_DE }, { "Medaille", FL_DE }, { "Gülçin", FL_TR }, { "Koç", FL_TR },
		/* Portuguese: ã, õ, or a ç in a Portuguese shape; Turkish keeps "Selçuk", "Uçar" */
		{ "João", FL_PT }, { "Simões", FL_PT }, { "Conceição", FL_PT }, { "Gonçalves", FL_PT },
		{ "Magalhães", FL_PT }, { "Selçuk", FL_TR }, { "Uçar", FL_TR },
		/* Nordic letters or clusters beside an accent: not Spanish, eSpeak's German reading */
		{ "Reykjavík", FL_DE }, { "Þórshöfn", FL_DE }, { "Sofía", FL_ES },
		/* Turkish with ö/ü only, by shape; German names with ö/ü stay German */
		{ "Öztürk", FL_TR }, { "Özdemir", FL_TR }, { "Ümit", FL_TR }, { "Yücel", FL_TR },
		{ "Jürgen", FL_DE }, { "Söder", FL_DE }, { "Röttgen", FL_DE }, { "Köln", FL_DE }, { "Wüst", FL_DE },
		/* Vietnamese: its letters, one syllable with a grave/tilde/circumflex, or "Nguyen", "Minh" */
		{ "Nguyễn", FL_VI }, { "Trọng", FL_VI }, { "Hà", FL_VI }, { "Võ", FL_VI }, { "Lâm", FL_VI },
		{ "Nguyen", FL_VI }, { "Minh", FL_VI }, { "Ngozi", FL_UK }, { "Città", FL_FR },
		/* Spanish accents; Czech "-ová" and onsets; a lone Polish "ó" beside w, k, j */
		{ "Almodóvar", FL_ES }, { "Sofía", FL_ES }, { "Muñoz", FL_ES }, { "Siniaková", FL_CS },
		{ "Mladá", FL_CS }, { "Wójcik", FL_PL }, { "Górski", FL_PL },
		/* Polish "si"+vowel with a Polish ending; Latin "-sion" and Italian names are not */
		{ "Jasionka", FL_PL }, { "Fabiola", FL_DE },
		/* pinyin: splits whole and has a mark; "Quentin" splits only with a bare "en" inside */
		{ "Chuanfu", FL_ZH }, { "Xiaoping", FL_ZH }, { "Zhang", FL_ZH }, { "Guangzhou", FL_ZH },
		{ "Quentin", FL_DE },
		/* a common English word before the Polish shape ("cie") */
		{ "Science", FL_EN },
		{ "Krankenhaus", FL_DE }, { "Bundesregierung", FL_DE }, { "Müller", FL_DE }, { "Schmidt", FL_DE },
		{ "Berlin", FL_DE }, { "Merz", FL_DE }, { "Habeck", FL_DE }, { "Media", FL_DE }, { "Herzog", FL_DE },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (lang(fx, cases[i].w) != cases[i].l)
			fail_msg("%s: %s, expected %s", cases[i].w, foreign_lang_name(lang(fx, cases[i].w)),
				 foreign_lang_name(cases[i].l));
	}
	foreign_free(fx);
}

static void respell(enum flang l, const char *w, const char *want)
{
	struct sb out;
	sb_init(&out);
	assert_int_equal(foreign_respell(l, w, strlen(w), &out), 0);
	if (strcmp(out.buf, want))
		fail_msg("%s: [[%s]], expected [[%s]]", w, out.buf, want);
	sb_release(&out);
}

static void test_respelling(void **state)
{
	(void)state;
	/* Turkish: ş sch, ç tsch, c dsch; first syllable stressed, long when open */
	respell(FL_TR, "Şahin", "'SA:hIn");
	respell(FL_TR, "Çelik", "'tSe:lIk");
	respell(FL_TR, "Ayşe", "'aISE");
	respell(FL_TR, "Cem", "'dZEm");
	/* Polish: sz cz rz ł w, final devoicing, penultimate stress, short vowels */
	respell(FL_PL, "Rzeszów", "'ZESUf");
	respell(FL_PL, "Małgorzata", "mawgO'Zata");
	respell(FL_PL, "Złoty", "'zwOtI");
	/* Czech and Hungarian: first syllable */
	respell(FL_CS, "Dvořák", "'dvOrZA:k");
	respell(FL_HU, "Szijjártó", "'sIjA:rto:");
	/* Ukrainian names in German transliteration */
	respell(FL_UK, "Lwiw", "'lvi:f");
	respell(FL_UK, "Oleksandr", "OlEk'sandr");
	respell(FL_UK, "Hryzenko", "hrI'tsEnkO");
	respell(FL_UK, "Hryhorij", "hrI'ho:ri:");
	/* Turkish ö/ü: z voiced, first syllable */
	respell(FL_TR, "Öztürk", "'Wztyrk");
	respell(FL_TR, "Yücel", "'jy:dZEl");
	/* Polish "si"/"ci"/"zi" and "i" before a vowel: one soft consonant, no extra syllable */
	respell(FL_PL, "Jasionka", "ja'SOnka");
	respell(FL_PL, "Świątek", "'SvjOntEk");
	respell(FL_PL, "Wójcik", "'vUjtSIk");
	/* Vietnamese: tones dropped, every written syllable stressed, "nh" final as n */
	respell(FL_VI, "Nguyễn", "'Nu:jEn");
	respell(FL_VI, "Trọng", "'tSON");
	respell(FL_VI, "Minh", "'mIn");
	respell(FL_VI, "Đà", "'dA:");
	/* Spanish: stress where the accent is, else by the final letter; z, c(e/i) as s, j as ch */
	respell(FL_ES, "Almodóvar", "almo'do:bar");
	respell(FL_ES, "Sofía", "so'fi:a");
	respell(FL_ES, "Muñoz", "mu'njos");
	respell(FL_ES, "Peña", "'pe:nja");
	/* pinyin: zh dsch, x sch, q tsch, uan after j/q/x as "üen" */
	respell(FL_ZH, "Xiaoping", "'SjaU,pIN");
	respell(FL_ZH, "Zhang", "'dZaN");
	respell(FL_ZH, "Chuanfu", "'tSwan,fu:");
	respell(FL_ZH, "Quanzhou", "'tSyEn,dZo:");
	struct sb out;
	sb_init(&out);
	/* found by the fuzzer: a run of liquids must not outgrow the unit array */
	for (int l = FL_TR; l < FL_ZH; l++) {
		sb_reset(&out);
		assert_int_equal(foreign_respell((enum flang)l, "lllllllllllllrrrrrrrrrrrUng", 27, &out), 0);
	}
	sb_reset(&out);
	/* not pinyin: nothing */
	assert_int_equal(foreign_respell(FL_ZH, "lllllllllllllrrrrrrrrrrrUng", 27, &out), -1);
	assert_int_equal(foreign_respell(FL_ZH, "Quentin", 7, &out), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(foreign_respell(FL_DE, "Haus", 4, &out), -1);
	assert_int_equal(foreign_respell(FL_FR, "Bordeaux", 8, &out), -1);
	assert_int_equal(out.len, 0);
	sb_release(&out);
}

static void test_english_mapping(void **state)
{
	(void)state;
	struct sb out;
	sb_init(&out);
	/* eSpeak's English "Know-how", "Cunningham", "Whitfield", "Social" */
	foreign_map_english("n'oUh'aU", strlen("n'oUh'aU"), &out);
	assert_string_equal(out.buf, "n'o:h'aU");
	sb_reset(&out);
	foreign_map_english("k'VnIN@m", strlen("k'VnIN@m"), &out);
	assert_string_equal(out.buf, "k'anIN@m");
	sb_reset(&out);
	foreign_map_english("w'Itfi:ld", strlen("w'Itfi:ld"), &out);
	assert_string_equal(out.buf, "w'Itfi:lt");
	sb_reset(&out);
	foreign_map_english("s'oUS@L", strlen("s'oUS@L"), &out);
	assert_string_equal(out.buf, "s'o:S@l");
	sb_release(&out);
}

/* Checks one phoneme mapping (foreign_map_french, foreign_map_portuguese). */
static void check_map(void (*map)(const char *, size_t, struct sb *), const char *in, const char *want)
{
	struct sb out;
	sb_init(&out);
	map(in, strlen(in), &out);
	if (strcmp(out.buf, want))
		fail_msg("%s: %s, expected %s", in, out.buf, want);
	sb_release(&out);
}

#define map_fr(in, want) check_map(foreign_map_french, in, want)
#define map_pt(in, want) check_map(foreign_map_portuguese, in, want)

static void test_french_mapping(void **state)
{
	(void)state;
	/* eSpeak's French "François", "Bordeaux", "Inter", "Richelieu", "Montagne", "Hollande" */
	map_fr("frA~sw'a", "fRA~sw'A:");
	map_fr("bOrd'o", "bORd'o:");
	map_fr("E~t'Er", "W~t'ER");
	map_fr("riSli'Y", "RiSli'Y:");
	map_fr("mO~t'an^", "mO~t'anj");
	map_fr("_|Ol'A~d", "Ol'A~d");
	/* only the stressed vowel is long: "melA~S'O~" keeps its unstressed "e" */
	map_fr("melA~S'O~", "melA~S'O~");
}

static void test_portuguese_mapping(void **state)
{
	(void)state;
	/* eSpeak's Portuguese "Simões", "Conceição", "Magalhães", "Brandão", "Gonçalves", "Antônio" */
	map_pt("sim'o~js#", "sim'o:Is");
	map_pt("k,uNseIs'&U~", "k,unseIs'aU");
	map_pt("m,&g&l^'&~ys#", "m,agalj'aIs");
	map_pt("bR&~Nd'&U~", "bRand'aU");
	map_pt("g,uNs'Alvys#", "g,uns'alv@s");
	map_pt(",&~Nt'onjU", ",ant'o:njU");
}

static int phonemizer(void *ctx, const char *voice, const char *text, struct sb *out)
{
	return synth_lang_phonemes(ctx, voice, text, out);
}

static void french_and_vietnamese(struct synth *s);

/* The whole path with the real eSpeak NG: one German voice, no language switch, the intended phonemes. */
static void test_one_voice(void **state)
{
	(void)state;
	struct err e;
	struct synth *s = synth_new(&e);
	assert_non_null(s);
	struct lexicon *lx = lex_new();
	lex_set_phonemizer(lx, phonemizer, s);
	struct verb_opts vo = { .lex = lx };
	struct verbalized v;
	verb_init(&v);
	const char *in = "Ayşe Şahin vom Bürgerservice-Team zeigt Know-how.";
	verb_sentence(in, strlen(in), &vo, &v, NULL);
	assert_non_null(strstr(v.spoken.buf, "[['aISE]] [['SA:hIn]]"));
	assert_non_null(strstr(v.spoken.buf, "[[t'i:m]]"));
	assert_non_null(strstr(v.spoken.buf, "[[n'o:]]-[[h'aU]]"));
	struct sb ph;
	sb_init(&ph);
	/* eSpeak without our help switches voices for "Team" */
	assert_int_equal(synth_lang_phonemes(s, "de", "Bürgerservice-Team", &ph), 0);
	assert_non_null(strstr(ph.buf, "(en)"));
	/* what the German voice makes of the spoken text, inline phonemes included (espeak-ng -x) */
	char path[] = "/tmp/sprecher-fx-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, v.spoken.buf, v.spoken.len), (ssize_t)v.spoken.len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "espeak-ng -q -x -v de -f %s", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[4096];
	sb_reset(&ph);
	while (fgets(line, sizeof line, p))
		sb_adds(&ph, line);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	assert_null(strchr(ph.buf, '('));       /* no "(en)": one voice */
	assert_non_null(strstr(ph.buf, "S'A:hIn"));
	assert_non_null(strstr(ph.buf, "t'i:m"));
	assert_non_null(strstr(ph.buf, "h'aU"));
	/* and it speaks */
	struct synth_audio a;
	synth_audio_init(&a);
	assert_int_equal(synth_say(s, v.spoken.buf, &a, &e), 0);
	assert_true(a.n > 22050);
	synth_audio_release(&a);
	sb_release(&ph);
	verb_release(&v);
	lex_free(lx);
	/* one eSpeak NG per process: the French and Vietnamese checks share it */
	french_and_vietnamese(s);
	synth_free(s);
}

/*
 * French names through eSpeak's own French dictionary, Vietnamese with its letters, a Turkish
 * name with Ö, and hyphen parts decided one by one: all in the German voice, no switch.
 */
static void french_and_vietnamese(struct synth *s)
{
	struct lexicon *lx = lex_new();
	lex_set_phonemizer(lx, phonemizer, s);
	struct verb_opts vo = { .lex = lx };
	struct verbalized v;
	verb_init(&v);
	const char *in = "François Mélenchon traf Nguyễn Văn Minh und Mesut Öztürk in Bordeaux, "
			 "danach flog er über Rzeszów-Jasionka zu João Simões.";
	verb_sentence(in, strlen(in), &vo, &v, NULL);
	static const char *const want[] = {
		"[[fRA~sw'A:]]", "[[melA~S'O~]]", "[['Nu:jEn]]", "[['mIn]]", "[['Wztyrk]]", "[[bORd'o:]]",
		"[['ZESUf]]-[[ja'SOnka]]", "[[Zu'aU]] [[sim'o:Is]]",
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		if (!strstr(v.spoken.buf, want[i]))
			fail_msg("%s not in \"%s\"", want[i], v.spoken.buf);
	/* "Nguyễn" is one word now: no letter of it is left for eSpeak to spell */
	assert_null(strstr(v.spoken.buf, "Nguy"));
	/* eSpeak's German voice keeps every inline phoneme: no "(fr)" switch, nasal as W~/A~/O~ */
	struct sb ph;
	sb_init(&ph);
	char path[] = "/tmp/sprecher-fx-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, v.spoken.buf, v.spoken.len), (ssize_t)v.spoken.len);
	close(fd);
	char cmd[256], line[4096];
	snprintf(cmd, sizeof cmd, "espeak-ng -q -x -v de -f %s", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p))
		sb_adds(&ph, line);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	assert_null(strchr(ph.buf, '('));
	if (!strstr(ph.buf, "A~sw'A:") || !strstr(ph.buf, "N'u:jEn") || !strstr(ph.buf, "'Wztyrk"))
		fail_msg("eSpeak: %s", ph.buf);
	sb_release(&ph);
	verb_release(&v);
	lex_free(lx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_lists),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_respelling),
		cmocka_unit_test(test_english_mapping),
		cmocka_unit_test(test_french_mapping),
		cmocka_unit_test(test_portuguese_mapping),
		cmocka_unit_test(test_one_voice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
