/*
 * test_script.c - document -> script: segments, roles and voices, sentence
 * splitting, pauses, estimates, the printed view and --segment ranges.
 */
#include "testutil.h"

#include <limits.h>
#include <math.h>

#include "util.h"
#include "article.h"
#include "voice.h"
#include "script.h"
#include "lexicon.h"

static struct voice_preset roles[ROLE__COUNT];

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

/* Appends a block to a hand-built document. */
static void add_block(struct doc *d, enum role role, const char *text, int line, int section,
		      int paragraph)
{
	struct block *b;

	XGROW(d->blocks, d->cap, d->nblocks + 1);
	b = &d->blocks[d->nblocks++];
	memset(b, 0, sizeof(*b));
	b->role = role;
	b->text = xstrdup(text);
	b->line_first = b->line_last = line;
	b->section = section;
	b->paragraph = paragraph;
}

/* The document used by most tests: every role, several sentences, two sections. */
static void sample_doc(struct doc *d)
{
	memset(d, 0, sizeof(*d));
	add_block(d, ROLE_TITLE, "Neue Brücke in Kiel eröffnet", 1, 0, 0);
	add_block(d, ROLE_BODY, "Die Stadt hat am Montag eine neue Brücke eröffnet. "
		  "Sie ist sehr lang! Wer hat sie bezahlt?", 3, 0, 1);
	add_block(d, ROLE_BODY, "Der Bürgermeister sprach von einem guten Tag.", 5, 0, 2);
	add_block(d, ROLE_HEADING, "Kritik der Anwohner", 7, 0, 3);
	add_block(d, ROLE_QUOTE, "Wir sind nicht gefragt worden. Das ärgert uns.", 9, 1, 4);
	add_block(d, ROLE_LIST, "Erstens der Lärm", 11, 1, 5);
	add_block(d, ROLE_LIST, "Zweitens der Verkehr", 12, 1, 5);
	add_block(d, ROLE_BODY, "Die Stadt will bald mit allen reden.", 14, 1, 6);
}

static void test_segments(void **state)
{
	struct doc d;
	struct script s;
	struct warns w;
	struct err e;

	(void)state;
	sample_doc(&d);
	warns_init(&w);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, &w, &e), 0);
	assert_int_equal(s.nseg, 8);
	assert_string_equal(s.title, "Neue Brücke in Kiel eröffnet");
	static const enum role want_role[] = {
		ROLE_TITLE, ROLE_BODY, ROLE_BODY, ROLE_HEADING, ROLE_QUOTE, ROLE_LIST, ROLE_LIST, ROLE_BODY,
	};
	static const int want_line[] = { 1, 3, 5, 7, 9, 11, 12, 14 };
	static const int want_sec[] = { 0, 0, 0, 0, 1, 1, 1, 1 };
	static const int want_par[] = { 0, 1, 2, 3, 4, 5, 5, 6 };
	static const char *const want_voice[] = {
		"nachrichten-titel", "nachrichten", "nachrichten", "nachrichten-titel",
		"nachrichten-zitat", "nachrichten", "nachrichten", "nachrichten",
	};
	for (size_t i = 0; i < s.nseg; i++) {
		const struct script_segment *g = &s.seg[i];
		assert_int_equal(g->number, (int)i + 1);
		assert_int_equal(g->role, want_role[i]);
		assert_int_equal(g->line, want_line[i]);
		assert_int_equal(g->section, want_sec[i]);
		assert_int_equal(g->paragraph, want_par[i]);
		assert_int_equal(g->new_section, want_role[i] == ROLE_HEADING);
		/* the voice points into the script's own copy of the presets */
		assert_ptr_equal(g->voice, &s.voices[g->role]);
		assert_string_equal(g->voice->name, want_voice[i]);
		assert_true(g->nsent >= 1);
		for (size_t k = 0; k < g->nsent; k++) {
			assert_non_null(g->sent[k].written);
			assert_non_null(g->sent[k].spoken);
			assert_true(strlen(g->sent[k].spoken) > 0);
			assert_null(strchr(g->sent[k].spoken, '\n'));
			assert_true(g->sent[k].nanchors >= 1);
			assert_int_equal(g->sent[k].anchors[0].written, 0);
			assert_int_equal(g->sent[k].anchors[0].spoken, 0);
		}
	}
	assert_memory_equal(s.voices, roles, sizeof(roles));
	assert_int_equal(w.n, 0);
	script_release(&s);
	assert_int_equal(s.nseg, 0);
	assert_null(s.seg);
	script_release(&s);   /* twice is fine */
	doc_release(&d);
	warns_release(&w);
}

static void test_sentences(void **state)
{
	struct doc d;
	struct script s;
	struct err e;

	(void)state;
	sample_doc(&d);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	/* body text is split into sentences */
	assert_int_equal(s.seg[1].nsent, 3);
	assert_string_equal(s.seg[1].sent[0].written, "Die Stadt hat am Montag eine neue Brücke eröffnet.");
	assert_string_equal(s.seg[1].sent[1].written, "Sie ist sehr lang!");
	assert_string_equal(s.seg[1].sent[2].written, "Wer hat sie bezahlt?");
	assert_int_equal(s.seg[2].nsent, 1);
	assert_string_equal(s.seg[2].sent[0].written, "Der Bürgermeister sprach von einem guten Tag.");
	/* quotations too */
	assert_int_equal(s.seg[4].nsent, 2);
	assert_string_equal(s.seg[4].sent[0].written, "Wir sind nicht gefragt worden.");
	assert_string_equal(s.seg[4].sent[1].written, "Das ärgert uns.");
	/* titles, headings and list items are one sentence each */
	assert_int_equal(s.seg[0].nsent, 1);
	assert_string_equal(s.seg[0].sent[0].written, "Neue Brücke in Kiel eröffnet");
	assert_int_equal(s.seg[3].nsent, 1);
	assert_string_equal(s.seg[3].sent[0].written, "Kritik der Anwohner");
	assert_int_equal(s.seg[5].nsent, 1);
	assert_string_equal(s.seg[5].sent[0].written, "Erstens der Lärm");
	/* plain words are spoken as written */
	assert_string_equal(s.seg[3].sent[0].spoken, "Kritik der Anwohner");
	script_release(&s);
	doc_release(&d);

	/* a title with a full stop inside stays one sentence */
	memset(&d, 0, sizeof d);
	add_block(&d, ROLE_TITLE, "Eins. Zwei", 1, 0, 0);
	add_block(&d, ROLE_BODY, "Ein Satz. Noch einer.", 3, 0, 1);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	assert_int_equal(s.seg[0].nsent, 1);
	assert_int_equal(s.seg[1].nsent, 2);
	script_release(&s);
	doc_release(&d);
}

static void test_pauses(void **state)
{
	struct doc d;
	struct script s;
	struct err e;

	(void)state;
	sample_doc(&d);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	/* nachrichten.ini: sentence 450, paragraph 900, section 1400 */
	assert_int_equal(s.seg[0].sent[0].pause_ms, 1400);   /* after the title */
	assert_int_equal(s.seg[1].sent[0].pause_ms, 450);    /* between sentences */
	assert_int_equal(s.seg[1].sent[1].pause_ms, 450);
	assert_int_equal(s.seg[1].sent[2].pause_ms, 900);    /* end of a paragraph */
	assert_int_equal(s.seg[2].sent[0].pause_ms, 1400);   /* before a heading */
	assert_int_equal(s.seg[3].sent[0].pause_ms, 900);    /* after a heading */
	assert_int_equal(s.seg[4].sent[0].pause_ms, 450);
	assert_int_equal(s.seg[4].sent[1].pause_ms, 900);
	assert_int_equal(s.seg[5].sent[0].pause_ms, 450);    /* list items of one list */
	assert_int_equal(s.seg[6].sent[0].pause_ms, 900);    /* end of the list */
	assert_int_equal(s.seg[7].sent[0].pause_ms, 0);      /* the last sentence of the programme */
	script_release(&s);
	doc_release(&d);

	/* pauses come from each role's preset as given (here all different) */
	struct voice_preset v[ROLE__COUNT];
	for (int r = 0; r < ROLE__COUNT; r++) {
		v[r] = roles[ROLE_BODY];
		v[r].pause_sentence_ms = 100 + r;
		v[r].pause_paragraph_ms = 200 + r;
		v[r].pause_section_ms = 300 + r;
	}
	sample_doc(&d);
	assert_int_equal(script_build(&d, v, NULL, "a.txt", &s, NULL, &e), 0);
	assert_int_equal(s.seg[0].sent[0].pause_ms, 300 + ROLE_TITLE);
	assert_int_equal(s.seg[1].sent[0].pause_ms, 100 + ROLE_BODY);
	assert_int_equal(s.seg[1].sent[2].pause_ms, 200 + ROLE_BODY);
	assert_int_equal(s.seg[2].sent[0].pause_ms, 300 + ROLE_BODY);
	assert_int_equal(s.seg[3].sent[0].pause_ms, 200 + ROLE_HEADING);
	assert_int_equal(s.seg[4].sent[0].pause_ms, 100 + ROLE_QUOTE);
	assert_int_equal(s.seg[5].sent[0].pause_ms, 100 + ROLE_LIST);
	assert_int_equal(s.seg[7].sent[0].pause_ms, 0);
	script_release(&s);
	doc_release(&d);

	/* a one-block document: nothing follows, no pause */
	memset(&d, 0, sizeof d);
	add_block(&d, ROLE_BODY, "Nur ein Satz. Und noch einer.", 1, 0, 1);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	assert_int_equal(s.nseg, 1);
	assert_int_equal(s.seg[0].nsent, 2);
	assert_int_equal(s.seg[0].sent[0].pause_ms, 450);
	assert_int_equal(s.seg[0].sent[1].pause_ms, 0);
	/* no title block and no front matter: empty title */
	assert_string_equal(s.title, "");
	script_release(&s);
	doc_release(&d);
}

static void test_estimates(void **state)
{
	struct doc d;
	struct script s;
	struct err e;
	struct voice_preset v;
	char buf[200];

	(void)state;
	/* the chars-per-word constant is tuned by measurement: test the proportions only */
	memset(&v, 0, sizeof v);
	v.rate = 100;
	memset(buf, 'a', 72);
	buf[72] = '\0';
	double t72 = script_estimate(buf, &v);
	assert_true(t72 > 1 && t72 < 20);      /* 72 characters: a few seconds */
	assert_float_equal(script_estimate("", &v), 0.0, 0);
	buf[36] = '\0';
	assert_float_equal(script_estimate(buf, &v), t72 / 2, 1e-9);
	/* characters, not bytes */
	buf[0] = '\0';
	for (int i = 0; i < 72; i++)
		strcat(buf, "ä");
	assert_float_equal(script_estimate(buf, &v), t72, 1e-9);
	/* twice the rate, half the time */
	v.rate = 200;
	assert_float_equal(script_estimate(buf, &v), t72 / 2, 1e-9);
	/* rate 0: 160 words a minute */
	v.rate = 160;
	double t160 = script_estimate("abcdefghijklmnopqrst", &v);
	v.rate = 0;
	assert_float_equal(script_estimate("abcdefghijklmnopqrst", &v), t160, 1e-9);

	sample_doc(&d);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	double total = 0;
	for (size_t i = 0; i < s.nseg; i++) {
		const struct script_segment *g = &s.seg[i];
		double want = 0;
		assert_true(g->est_seconds > 0);
		for (size_t k = 0; k < g->nsent; k++) {
			double t = script_estimate(g->sent[k].spoken, g->voice);
			assert_true(t > 0);
			want += t + g->sent[k].pause_ms / 1000.0;
		}
		assert_float_equal(g->est_seconds, want, 1e-9);
		total += g->est_seconds;
	}
	assert_true(s.est_seconds > 0);
	assert_float_equal(s.est_seconds, total, 1e-9);
	/* sanity: a few sentences take seconds, not minutes */
	assert_true(s.est_seconds > 5 && s.est_seconds < 60);
	script_release(&s);
	doc_release(&d);
}

static void test_print(void **state)
{
	struct doc d;
	struct script s;
	struct err e;
	struct sb out;

	(void)state;
	sample_doc(&d);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	sb_init(&out);
	script_print(&s, &out);
	/* one header line per segment */
	assert_non_null(strstr(out.buf, "  1  title    nachrichten-titel  line 1     0:"));
	assert_non_null(strstr(out.buf, "\n  2  body     nachrichten       line 3     0:"));
	assert_non_null(strstr(out.buf, "\n  4  heading  nachrichten-titel  line 7     0:"));
	assert_non_null(strstr(out.buf, "\n  5  quote    nachrichten-zitat  line 9     0:"));
	assert_non_null(strstr(out.buf, "\n  6  list     nachrichten       line 11    0:"));
	/* spoken sentences, indented, with their pause */
	assert_non_null(strstr(out.buf, "\n     Kritik der Anwohner  [900 ms]\n"));
	assert_non_null(strstr(out.buf, "  [1400 ms]\n"));
	assert_non_null(strstr(out.buf, "  [450 ms]\n"));
	/* the last line: total */
	assert_non_null(strstr(out.buf, "\ntotal  8 segments, estimated 0:"));
	assert_non_null(strstr(out.buf, " of speech and pauses (jingles not included)\n"));
	assert_int_equal(out.buf[out.len - 1], '\n');
	/* the last sentence has no pause and precedes the total line */
	const char *tot = strstr(out.buf, "\ntotal  ");
	assert_true(tot - out.buf > 8);
	assert_memory_equal(tot - 8, "  [0 ms]", 8);
	/* lines: 8 headers + 11 sentences + total */
	size_t lines = 0;
	for (size_t i = 0; i < out.len; i++)
		lines += out.buf[i] == '\n';
	assert_int_equal(lines, 8 + 11 + 1);
	/* appends, does not replace */
	size_t len = out.len;
	script_print(&s, &out);
	assert_int_equal(out.len, 2 * len);
	sb_release(&out);
	script_release(&s);
	doc_release(&d);

	/* minutes and seconds: the estimate is rounded to whole seconds */
	memset(&s, 0, sizeof s);
	sb_init(&out);
	s.est_seconds = 125.6;
	s.title = NULL;
	script_print(&s, &out);
	assert_string_equal(out.buf, "total  0 segments, estimated 2:06 of speech and pauses "
			    "(jingles not included)\n");
	sb_release(&out);
}

/* Issue 11: a sentence without full stops is read in bounded parts, cut at commas, then at spaces. */
static void test_long_sentence(void **state)
{
	struct sb t;
	struct doc_opts o = { 0, 0, 0 };
	struct doc d;
	struct script s;
	struct warns w;
	struct err e;

	(void)state;
	sb_init(&t);
	sb_adds(&t, "Titel\n\n");
	for (int i = 0; i < 100; i++)
		sb_adds(&t, "Die Rede ging weiter, ");
	for (int i = 0; i < 300; i++)
		sb_adds(&t, "Wort ");
	warns_init(&w);
	assert_int_equal(doc_parse(t.buf, t.len, "lang.txt", &o, &d, &w, &e), 0);
	assert_int_equal(script_build(&d, roles, NULL, "lang.txt", &s, &w, &e), 0);
	assert_int_equal(s.nseg, 2);
	assert_true(s.seg[1].nsent >= 7);
	for (size_t k = 0; k < s.seg[1].nsent; k++) {
		const char *x = s.seg[1].sent[k].written;
		assert_true(strlen(x) <= SCRIPT_SENTENCE_MAX);
		/* the parts with commas end at one */
		if (k == 0)
			assert_int_equal(x[strlen(x) - 1], ',');
	}
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], "lang.txt:3: a sentence of"));
	script_release(&s);
	doc_release(&d);
	warns_release(&w);
	sb_release(&t);
}

static void test_from_article(void **state)
{
	static const char text[] =
		"Neue Brücke in Kiel eröffnet\n"
		"\n"
		"Die Stadt hat am Montag eine neue Brücke eröffnet. Sie ist sehr lang.\n"
		"\n"
		"Der Bürgermeister sprach von einem guten Tag für die ganze Stadt.\n"
		"\n"
		"Kritik der Anwohner\n"
		"\n"
		"Viele Anwohner sind aber nicht zufrieden. Sie fürchten mehr Verkehr.\n";
	struct doc_opts o = { 0, 0, 0 };
	struct doc d;
	struct script s;
	struct warns w;
	struct err e;

	(void)state;
	warns_init(&w);
	assert_int_equal(doc_parse(text, sizeof text - 1, "kiel.txt", &o, &d, &w, &e), 0);
	assert_int_equal(script_build(&d, roles, NULL, "kiel.txt", &s, &w, &e), 0);
	assert_int_equal(s.nseg, 5);
	assert_string_equal(s.title, "Neue Brücke in Kiel eröffnet");
	assert_int_equal(s.seg[0].role, ROLE_TITLE);
	assert_int_equal(s.seg[1].role, ROLE_BODY);
	assert_int_equal(s.seg[1].nsent, 2);
	assert_int_equal(s.seg[1].line, 3);
	assert_int_equal(s.seg[2].role, ROLE_BODY);
	assert_int_equal(s.seg[3].role, ROLE_HEADING);
	assert_int_equal(s.seg[3].line, 7);
	assert_true(s.seg[3].new_section);
	assert_int_equal(s.seg[4].nsent, 2);
	/* a heading counts the headings before it; the text under it is in the next section */
	assert_int_equal(s.seg[3].section, s.seg[2].section);
	assert_int_equal(s.seg[4].section, s.seg[3].section + 1);
	assert_int_equal(s.seg[2].sent[0].pause_ms, 1400);
	assert_int_equal(s.seg[4].sent[1].pause_ms, 0);
	assert_int_equal(w.n, 0);
	script_release(&s);
	doc_release(&d);
	warns_release(&w);
}

static void test_title_from_meta(void **state)
{
	struct doc d;
	struct script s;
	struct err e;

	(void)state;
	memset(&d, 0, sizeof d);
	d.meta.title = xstrdup("Titel aus dem Vorspann");
	add_block(&d, ROLE_BODY, "Ein Satz.", 5, 0, 1);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	assert_string_equal(s.title, "Titel aus dem Vorspann");
	script_release(&s);
	/* a title block wins over the front matter */
	add_block(&d, ROLE_TITLE, "Spätere Überschrift", 6, 0, 2);
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	assert_string_equal(s.title, "Spätere Überschrift");
	script_release(&s);
	doc_release(&d);
}

static void test_warnings(void **state)
{
	struct doc d;
	struct script s;
	struct warns w;
	struct err e;

	(void)state;
	memset(&d, 0, sizeof d);
	add_block(&d, ROLE_TITLE, "Spenden", 1, 0, 0);
	add_block(&d, ROLE_BODY, "Spenden bitte an IBAN DE89 3704 0044 0532 0130 00 bei der Bank.",
		  9, 0, 1);
	warns_init(&w);
	assert_int_equal(script_build(&d, roles, NULL, "spende.txt", &s, &w, &e), 0);
	assert_true(w.n >= 1);
	assert_int_equal(strncmp(w.v[0], "spende.txt:9", 12), 0);
	assert_null(strstr(s.seg[1].sent[0].spoken, "3704"));
	script_release(&s);
	doc_release(&d);
	warns_release(&w);
}

static void test_lexicon(void **state)
{
	struct doc d;
	struct script s;
	struct err e;
	struct lexicon *lx = lex_new();

	(void)state;
	lex_add(lx, "Quarkwerk", "Kwarkwerk");
	memset(&d, 0, sizeof d);
	add_block(&d, ROLE_TITLE, "Das Quarkwerk", 1, 0, 0);
	add_block(&d, ROLE_BODY, "Im Quarkwerk wird gestreikt. Das Quarkwerk steht still.", 3, 0, 1);
	assert_int_equal(script_build(&d, roles, lx, "a.txt", &s, NULL, &e), 0);
	assert_string_equal(s.seg[0].sent[0].spoken, "Das Kwarkwerk");
	assert_non_null(strstr(s.seg[1].sent[0].spoken, "Kwarkwerk"));
	assert_non_null(strstr(s.seg[1].sent[1].spoken, "Kwarkwerk"));
	/* the written form is untouched */
	assert_string_equal(s.seg[1].sent[1].written, "Das Quarkwerk steht still.");
	script_release(&s);
	/* without the lexicon the word is spoken as written */
	assert_int_equal(script_build(&d, roles, NULL, "a.txt", &s, NULL, &e), 0);
	assert_string_equal(s.seg[0].sent[0].spoken, "Das Quarkwerk");
	script_release(&s);
	doc_release(&d);
	lex_free(lx);
}

/* A label whose value the verbalizer leaves out ("IBAN: ...") is not read on its own. */
static void test_label_without_value(void **state)
{
	struct doc d;
	struct script s;
	struct err e;
	struct warns w;

	(void)state;
	memset(&d, 0, sizeof d);
	warns_init(&w);
	add_block(&d, ROLE_TITLE, "Spendenaufruf", 1, 0, 0);
	add_block(&d, ROLE_BODY, "Bitte unterstützen Sie uns.", 3, 0, 1);
	add_block(&d, ROLE_BODY, "IBAN: DE80 3705 0299 0004 7118 15", 5, 0, 2);
	add_block(&d, ROLE_BODY, "Oder per Bitcoin an: 1MASi45ub7Qe4ZE36UT5G6cU4ud8Fhhe4d", 6, 0, 3);
	add_block(&d, ROLE_BODY, "Verwendungszweck: Spende", 7, 0, 4);
	assert_int_equal(script_build(&d, roles, NULL, "spende.txt", &s, &w, &e), 0);
	assert_int_equal(s.nseg, 3);
	assert_int_equal(s.seg[2].line, 7);
	assert_int_equal(s.seg[2].number, 3);
	assert_true(w.n >= 2);   /* both left-out values are reported */
	script_release(&s);
	warns_release(&w);
	doc_release(&d);
}

static void test_empty(void **state)
{
	struct doc d;
	struct script s;
	struct err e;

	(void)state;
	memset(&d, 0, sizeof d);
	e.msg[0] = '\0';
	assert_int_equal(script_build(&d, roles, NULL, "leer.txt", &s, NULL, &e), -1);
	assert_string_equal(e.msg, "leer.txt: article has nothing to read");
	assert_int_equal(s.nseg, 0);
	assert_null(s.seg);
	assert_null(s.title);
	script_release(&s);
}

static void test_range(void **state)
{
	int a = -7, b = -7;
	struct err e;

	(void)state;
	assert_int_equal(script_parse_range("3", 8, &a, &b, &e), 0);
	assert_int_equal(a, 3);
	assert_int_equal(b, 3);
	assert_int_equal(script_parse_range("2-5", 8, &a, &b, &e), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 5);
	assert_int_equal(script_parse_range("1-8", 8, &a, &b, &e), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 8);
	assert_int_equal(script_parse_range("8", 8, &a, &b, &e), 0);
	assert_int_equal(script_parse_range("4-4", 8, &a, &b, &e), 0);
	assert_int_equal(a, 4);
	assert_int_equal(b, 4);

	static const char *const bad[] = {
		"", "0", "-1", "-", "2-", "-3", "abc", "3x", "2-x", "5-2", "0-3", "1-2-3", "1,2", "3.", "2 - 3",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		a = b = -7;
		e.msg[0] = '\0';
		if (script_parse_range(bad[i], 8, &a, &b, &e) != -1)
			fail_msg("'%s' accepted as a range", bad[i]);
		char want[128];
		snprintf(want, sizeof want, "--segment: '%s' is not N or N-M", bad[i]);
		assert_string_equal(e.msg, want);
		/* nothing written on failure */
		assert_int_equal(a, -7);
		assert_int_equal(b, -7);
	}
	/* beyond the script */
	assert_int_equal(script_parse_range("9", 8, &a, &b, &e), -1);
	assert_string_equal(e.msg, "--segment: the script has only 8 segments");
	assert_int_equal(script_parse_range("7-9", 8, &a, &b, &e), -1);
	assert_string_equal(e.msg, "--segment: the script has only 8 segments");
	assert_int_equal(script_parse_range("99999999999999999999999", 8, &a, &b, &e), -1);
	assert_int_equal(script_parse_range("1-99999999999999999999999", 8, &a, &b, &e), -1);
	assert_int_equal(script_parse_range("1", 0, &a, &b, &e), -1);
	assert_int_equal(a, -7);
	/* NULL error struct */
	assert_int_equal(script_parse_range("x", 8, &a, &b, NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_pauses),
		cmocka_unit_test(test_estimates),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_from_article),
		cmocka_unit_test(test_title_from_meta),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_lexicon),
		cmocka_unit_test(test_label_without_value),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_long_sentence),
		cmocka_unit_test(test_range),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
