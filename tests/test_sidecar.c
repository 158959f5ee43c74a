/*
 * test_sidecar.c - captions (WebVTT, SRT), timeline JSON, Audacity labels,
 * chapters (ffmetadata, CUE) and atomic writing, from hand-built timelines.
 */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sidecar.h"

#define RATE 48000

/* ==== helpers ============================================================= */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_sidecar.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];

	(void)state;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p))
			rmdir(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

static const char *path_in(const char *name)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static char *slurp(const char *path)
{
	char *s;
	size_t n;
	struct err e;
	assert_int_equal(read_file(path, &s, &n, &e), 0);
	return s;
}

static void add_speech(struct timeline *tl, uint64_t start, uint64_t frames, int seg, enum role r,
		       const char *written, const struct clip_word *w, size_t nw)
{
	struct clip c = { .kind = CLIP_SPEECH, .start = start, .frames = frames, .segment = seg,
			  .role = r, .voice = (char *)"de+m3", .written = (char *)written,
			  .spoken = (char *)written, .words = (struct clip_word *)w, .nwords = nw };
	timeline_add(tl, &c);
}

static void add_other(struct timeline *tl, enum clip_kind k, uint64_t start, uint64_t frames,
		      int seg, enum role r, const char *source)
{
	struct clip c = { .kind = k, .start = start, .frames = frames, .segment = seg, .role = r,
			  .source = (char *)source };
	timeline_add(tl, &c);
}

/* Word events at every word start of `s`, `step` frames apart. Returns the count. */
static size_t words_every(const char *s, uint64_t step, struct clip_word *w, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; s[i] && n < max; i++)
		if (s[i] != ' ' && (i == 0 || s[i - 1] == ' ')) {
			w[n].frame = n * step;
			w[n].written = i;
			n++;
		}
	return n;
}

/* UTF-8 code points in a NUL-terminated string. */
static size_t cps(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* ==== a small caption parser ============================================== */

struct pcue {
	long start, end;       /* ms */
	char text[512];        /* lines joined with '\n' */
	int lines;
};

static long parse_time(const char *s, char sep)
{
	int h, m, sec, ms;
	char c;
	assert_int_equal(sscanf(s, "%d:%2d:%2d%c%3d", &h, &m, &sec, &c, &ms), 5);
	assert_int_equal(c, sep);
	assert_true(m < 60 && sec < 60);
	return ((long)h * 3600 + m * 60 + sec) * 1000 + ms;
}

/*
 * Parses a .vtt or .srt file and checks its shape: header, numbering, time
 * lines, cues monotonic and non-overlapping, at most two lines of at most 42
 * code points, end within `total_ms`. Returns the number of cues.
 */
static size_t parse_captions(const char *text, int vtt, long total_ms, struct pcue *out, size_t max)
{
	char *buf = strdup(text), *save = NULL, *line;
	size_t n = 0;
	int state = 0;   /* 0 = expect cue (number/time), 1 = in text */
	long prev_end = 0;

	if (vtt) {
		assert_memory_equal(text, "WEBVTT\n\n", 8);
		line = strtok_r(buf + 8, "\n", &save);
	} else {
		line = strtok_r(buf, "\n", &save);
	}
	/* strtok_r skips empty lines, so we track cue starts by the time lines */
	for (; line; line = strtok_r(NULL, "\n", &save)) {
		char *arrow = strstr(line, " --> ");
		if (!vtt && state == 0) {
			assert_int_equal(atoi(line), (int)n + 1);
			state = 2;
			continue;
		}
		if (arrow) {
			assert_true(vtt ? state != 2 : state == 2);
			assert_true(n < max);
			out[n].start = parse_time(line, vtt ? '.' : ',');
			out[n].end = parse_time(arrow + 5, vtt ? '.' : ',');
			assert_true(out[n].start < out[n].end);
			assert_true(out[n].start >= prev_end);
			assert_true(out[n].end <= total_ms);
			prev_end = out[n].end;
			out[n].text[0] = '\0';
			out[n].lines = 0;
			n++;
			state = 1;
			continue;
		}
		assert_true(n > 0);
		assert_true(cps(line) <= 42);
		assert_null(strstr(line, "-->"));
		if (out[n - 1].lines++)
			strcat(out[n - 1].text, "\n");
		strcat(out[n - 1].text, line);
		assert_true(out[n - 1].lines <= 2);
		/* SRT: a blank line ends the cue; peek for it */
		if (!vtt && save && *save == '\n')
			state = 0;
	}
	free(buf);
	return n;
}

/* Joins cue texts with spaces (line breaks as spaces). Caller frees. */
static char *join_cues(const struct pcue *c, size_t a, size_t b)
{
	struct sb s;
	sb_init(&s);
	for (size_t i = a; i < b; i++) {
		if (i > a)
			sb_addc(&s, ' ');
		for (const char *p = c[i].text; *p; p++)
			sb_addc(&s, *p == '\n' ? ' ' : *p);
	}
	return sb_detach(&s);
}

static long ms_of(uint64_t frames)
{
	return (long)((frames * 1000 + RATE / 2) / RATE);
}

/* ==== captions ============================================================ */

static void test_check_name(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(sidecar_check_captions_name("a.vtt", &e), 0);
	assert_int_equal(sidecar_check_captions_name("x/a.SRT", &e), 0);
	assert_int_equal(sidecar_check_captions_name("a.txt", &e), -1);
	assert_string_equal(e.msg, "a.txt: captions must end in .vtt or .srt");
	assert_int_equal(sidecar_check_captions_name(".vtt", &e), -1);
	assert_int_equal(sidecar_captions(path_in("c.json"), NULL, &e), -1);
	assert_non_null(strstr(e.msg, "c.json: captions must end in .vtt or .srt"));
}

static void short_timeline(struct timeline *tl)
{
	timeline_init(tl, RATE);
	add_other(tl, CLIP_JINGLE, 0, 96000, 0, ROLE_TITLE, "builtin:intro");
	add_speech(tl, 72000, 48000, 1, ROLE_TITLE, "Guten Morgen.", NULL, 0);
	add_other(tl, CLIP_PAUSE, 120000, 24024, 1, ROLE_TITLE, NULL);
	add_speech(tl, 144024, 3600000 + 12, 2, ROLE_BODY, "A & B <sagen> -->ja.", NULL, 0);
}

static void test_vtt_exact(void **state)
{
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	short_timeline(&tl);
	assert_int_equal(sidecar_captions(path_in("a.vtt"), &tl, &e), 0);
	s = slurp(path_in("a.vtt"));
	assert_string_equal(s, "WEBVTT\n\n"
			       "00:00:01.500 --> 00:00:02.500\nGuten Morgen.\n\n"
			       "00:00:03.001 --> 00:01:18.001\nA &amp; B &lt;sagen&gt; --&gt;ja.\n\n");
	free(s);
	timeline_release(&tl);
}

static void test_srt_exact(void **state)
{
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	short_timeline(&tl);
	assert_int_equal(sidecar_captions(path_in("a.srt"), &tl, &e), 0);
	s = slurp(path_in("a.srt"));
	assert_string_equal(s, "1\n00:00:01,500 --> 00:00:02,500\nGuten Morgen.\n\n"
			       "2\n00:00:03,001 --> 00:01:18,001\nA & B <sagen> -->ja.\n\n");
	free(s);
	timeline_release(&tl);
}

static const char *long_sentence =
	"Die Gemeindeverwaltung hat am Dienstagabend beschlossen, dass die neue Brücke "
	"über den Fluss noch vor dem Winter fertig werden soll, obwohl die Kosten deutlich "
	"gestiegen sind und mehrere Anwohner Einspruch erhoben haben.";

static void test_long_split_at_words(void **state)
{
	struct timeline tl;
	struct clip_word w[64];
	struct pcue c[16];
	size_t nw = words_every(long_sentence, 9600, w, 64), n;
	uint64_t start = 4800, frames = nw * 9600 + 4800;
	struct err e;
	char *s, *joined;
	(void)state;

	timeline_init(&tl, RATE);
	add_speech(&tl, start, frames, 1, ROLE_BODY, long_sentence, w, nw);
	assert_int_equal(sidecar_captions(path_in("l.vtt"), &tl, &e), 0);
	s = slurp(path_in("l.vtt"));
	n = parse_captions(s, 1, ms_of(tl.total_frames), c, 16);
	assert_true(n >= 3);
	/* the text is the sentence, cut at word boundaries */
	joined = join_cues(c, 0, n);
	assert_string_equal(joined, long_sentence);
	free(joined);
	assert_int_equal(c[0].start, ms_of(start));
	assert_int_equal(c[n - 1].end, ms_of(start + frames));
	for (size_t i = 0; i < n; i++) {
		/* each cue starts at the word event of its first word */
		if (i) {
			char *before = join_cues(c, 0, i);
			size_t k, off = strlen(before) + 1;
			free(before);
			for (k = 0; k < nw && w[k].written != off; k++)
				;
			assert_true(k < nw);
			assert_int_equal(c[i].start, ms_of(start + w[k].frame));
			assert_int_equal(c[i - 1].end, c[i].start);
		}
	}
	free(s);
	/* the same as SRT */
	assert_int_equal(sidecar_captions(path_in("l.srt"), &tl, &e), 0);
	s = slurp(path_in("l.srt"));
	assert_int_equal(parse_captions(s, 0, ms_of(tl.total_frames), c, 16), n);
	free(s);
	timeline_release(&tl);
}

static void test_umlauts_one_char(void **state)
{
	/* 42 code points, 48 bytes: one line */
	const char *s42 = "Über Öl, Äpfel und Grüße für Bäcker; ja: ö";
	/* 43 code points: two lines */
	const char *s43 = "Über Öl, Äpfel und Grüße für Bäcker; ja: öö";
	struct timeline tl;
	struct pcue c[4];
	struct err e;
	char *s;
	(void)state;

	assert_int_equal(cps(s42), 42);
	assert_true(strlen(s42) > 42);
	timeline_init(&tl, RATE);
	add_speech(&tl, 0, 96000, 1, ROLE_BODY, s42, NULL, 0);
	add_speech(&tl, 96000, 96000, 1, ROLE_BODY, s43, NULL, 0);
	assert_int_equal(sidecar_captions(path_in("u.vtt"), &tl, &e), 0);
	s = slurp(path_in("u.vtt"));
	assert_int_equal(parse_captions(s, 1, 4000, c, 4), 2);
	assert_int_equal(c[0].lines, 1);
	assert_string_equal(c[0].text, s42);
	assert_int_equal(c[1].lines, 2);
	/* balanced, but no line ends on "und" */
	assert_string_equal(c[1].text, "Über Öl, Äpfel und Grüße\nfür Bäcker; ja: öö");
	free(s);
	timeline_release(&tl);
}

static void test_sparse_words_fallback(void **state)
{
	struct timeline tl;
	struct clip_word w[2] = { { 0, 0 }, { 24000, 4 } };   /* only "Die", "Gemeindeverwaltung" */
	struct pcue c[16];
	size_t n;
	struct err e;
	char *s, *j;
	(void)state;

	timeline_init(&tl, RATE);
	add_speech(&tl, 1000, 480000, 3, ROLE_BODY, long_sentence, NULL, 0);
	add_speech(&tl, 481000, 480000, 3, ROLE_BODY, long_sentence, w, 2);
	add_other(&tl, CLIP_PAUSE, 961000, 48000, 3, ROLE_BODY, NULL);
	assert_int_equal(sidecar_captions(path_in("f.vtt"), &tl, &e), 0);
	s = slurp(path_in("f.vtt"));
	n = parse_captions(s, 1, ms_of(tl.total_frames), c, 16);
	assert_true(n >= 6);
	assert_int_equal(n % 2, 0);
	j = join_cues(c, 0, n / 2);
	assert_string_equal(j, long_sentence);
	free(j);
	j = join_cues(c, n / 2, n);
	assert_string_equal(j, long_sentence);
	free(j);
	assert_int_equal(c[n / 2 - 1].end, ms_of(481000));
	assert_int_equal(c[n / 2].start, ms_of(481000));
	assert_int_equal(c[n - 1].end, ms_of(961000));
	free(s);
	timeline_release(&tl);
}

static void test_words_odd_events(void **state)
{
	/* numbers: several spoken words for one written token, one event mid-token
	 * ("%" of "5%"), events out of order; none may break the cues */
	const char *t = "Die Preise stiegen im Jahr 2024 um 5% auf 1.234.567 Euro, so das Amt "
			"in Wiesbaden am Montag zur allgemeinen Überraschung.";
	struct clip_word w[] = { { 0, 0 }, { 5000, 4 }, { 10000, 11 }, { 15000, 19 }, { 20000, 22 },
				 { 25000, 27 }, { 30000, 27 }, { 35000, 27 }, { 40000, 32 },
				 { 45000, 35 }, { 50000, 36 }, { 60000, 38 }, { 58000, 42 },
				 { 70000, 999 }, { 80000, 52 } };
	struct timeline tl;
	struct pcue c[16];
	size_t n;
	struct err e;
	char *s, *j;
	(void)state;

	timeline_init(&tl, RATE);
	add_speech(&tl, 0, 200000, 1, ROLE_BODY, t, w, ARRAY_LEN(w));
	assert_int_equal(sidecar_captions(path_in("o.srt"), &tl, &e), 0);
	s = slurp(path_in("o.srt"));
	n = parse_captions(s, 0, ms_of(tl.total_frames), c, 16);
	assert_true(n >= 2);
	j = join_cues(c, 0, n);
	assert_string_equal(j, t);
	free(j);
	free(s);
	timeline_release(&tl);
}

static void test_word_after_opening_quote(void **state)
{
	/* the word event points at "W" after the opening quote: the cut is before the quote */
	const char *a = "Der Sprecher der Verwaltung sagte am Dienstagabend in der Sitzung: ";
	const char *b = "„Wir werden die Brücke noch vor dem Winter fertigstellen.“";
	char t[256];
	struct clip_word w[2];
	struct timeline tl;
	struct pcue c[4];
	struct err e;
	char *s;
	(void)state;

	snprintf(t, sizeof(t), "%s%s", a, b);
	w[0] = (struct clip_word){ 100, 0 };
	w[1] = (struct clip_word){ 60000, strlen(a) + 3 };
	timeline_init(&tl, RATE);
	add_speech(&tl, 4800, 120000, 1, ROLE_QUOTE, t, w, 2);
	assert_int_equal(sidecar_captions(path_in("q.vtt"), &tl, &e), 0);
	s = slurp(path_in("q.vtt"));
	assert_int_equal(parse_captions(s, 1, ms_of(tl.total_frames), c, 4), 2);
	assert_int_equal(c[1].start, ms_of(4800 + 60000));
	assert_memory_equal(c[1].text, "„Wir", 6);
	free(s);
	timeline_release(&tl);
}

static void test_long_token_and_overlap(void **state)
{
	/* a 100-character token is cut inside; overlapping speech clips are clamped */
	char t[160];
	struct timeline tl;
	struct pcue c[16];
	size_t n;
	struct err e;
	char *s;
	(void)state;

	memset(t, 'x', 100);
	strcpy(t + 100, " Ende.");
	timeline_init(&tl, RATE);
	add_speech(&tl, 0, 96000, 1, ROLE_BODY, t, NULL, 0);
	add_speech(&tl, 48000, 96000, 1, ROLE_BODY, "Zweiter Satz.", NULL, 0);
	tl.total_frames = 120000;   /* shorter than the last clip: cues end inside */
	assert_int_equal(sidecar_captions(path_in("t.vtt"), &tl, &e), 0);
	s = slurp(path_in("t.vtt"));
	n = parse_captions(s, 1, 2500, c, 16);
	assert_true(n >= 3);
	assert_true(c[n - 1].end <= 2500);
	assert_int_equal(strspn(c[0].text, "x"), 42);
	{
		size_t k;
		for (k = 0; k < n && strcmp(c[k].text, "Zweiter Satz."); k++)
			;
		assert_true(k < n);
	}
	free(s);
	timeline_release(&tl);
}

static void test_empty_timeline(void **state)
{
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	timeline_init(&tl, RATE);
	add_speech(&tl, 0, 0, 1, ROLE_BODY, "Nichts gesagt.", NULL, 0);
	assert_int_equal(sidecar_captions(path_in("e.vtt"), &tl, &e), 0);
	s = slurp(path_in("e.vtt"));
	assert_string_equal(s, "WEBVTT\n\n");
	free(s);
	assert_int_equal(sidecar_captions(path_in("e.srt"), &tl, &e), 0);
	s = slurp(path_in("e.srt"));
	assert_string_equal(s, "");
	free(s);
	timeline_release(&tl);
}

/* ==== timeline JSON ======================================================= */

/* A minimal JSON syntax check: returns the end of one value or NULL. */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '"')
		return json_string(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = json_string(json_ws(p));
				if (!p || *(p = json_ws(p)) != ':')
					return NULL;
				p++;
			}
			if (!(p = json_value(p)))
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (!strncmp(p, "null", 4) || !strncmp(p, "true", 4))
		return p + 4;
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		char *end;
		strtod(p, &end);
		return end;
	}
	return NULL;
}

static void test_timeline_json(void **state)
{
	struct timeline tl;
	struct clip_word w[1] = { { 0, 0 } };
	struct err e;
	const char *end;
	char *s;
	(void)state;

	timeline_init(&tl, RATE);
	add_other(&tl, CLIP_JINGLE, 0, 96000, 0, ROLE_TITLE, "jingles/in\"tro.wav");
	add_speech(&tl, 72000, 48000, 1, ROLE_TITLE, "Er sagte: \"Grüß Gott\"\\\n\tfertig\x01.", w, 1);
	add_other(&tl, CLIP_PAUSE, 120000, 24000, 1, ROLE_TITLE, NULL);
	assert_int_equal(sidecar_timeline(path_in("t.json"), &tl, "Titel \"mit\" Zeile\nzwei", &e), 0);
	s = slurp(path_in("t.json"));
	end = json_value(s);
	assert_non_null(end);
	assert_string_equal(json_ws(end), "");
	assert_non_null(strstr(s, "\"title\": \"Titel \\\"mit\\\" Zeile\\u000azwei\""));
	assert_non_null(strstr(s, "\"rate\": 48000"));
	assert_non_null(strstr(s, "\"frames\": 144000"));
	assert_non_null(strstr(s, "\"seconds\": 3.000000"));
	assert_non_null(strstr(s, "{\"kind\": \"jingle\", \"start\": 0.000000, \"end\": 2.000000, "
				  "\"start_frame\": 0, \"end_frame\": 96000, \"segment\": 0, "
				  "\"role\": \"title\", \"voice\": null, \"written\": null, "
				  "\"spoken\": null, \"source\": \"jingles/in\\\"tro.wav\"}"));
	assert_non_null(strstr(s, "{\"kind\": \"speech\", \"start\": 1.500000, \"end\": 2.500000, "
				  "\"start_frame\": 72000, \"end_frame\": 120000, \"segment\": 1, "
				  "\"role\": \"title\", \"voice\": \"de+m3\", "
				  "\"written\": \"Er sagte: \\\"Grüß Gott\\\"\\\\\\u000a\\u0009fertig\\u0001.\""));
	assert_non_null(strstr(s, "{\"kind\": \"pause\", \"start\": 2.500000, \"end\": 3.000000, "));
	free(s);

	/* NULL title, no clips */
	timeline_release(&tl);
	timeline_init(&tl, 44100);
	assert_int_equal(sidecar_timeline(path_in("t.json"), &tl, NULL, &e), 0);
	s = slurp(path_in("t.json"));
	assert_non_null(json_value(s));
	assert_non_null(strstr(s, "\"title\": null"));
	assert_non_null(strstr(s, "\"clips\": []"));
	free(s);
	timeline_release(&tl);
}

/* ==== labels and chapters ================================================= */

static void programme(struct timeline *tl)
{
	timeline_init(tl, RATE);
	add_other(tl, CLIP_JINGLE, 0, 96000, 0, ROLE_TITLE, "builtin:intro");
	add_speech(tl, 72000, 48000, 1, ROLE_TITLE, "Neue Brücke für Tal=Dorf; #1", NULL, 0);
	add_other(tl, CLIP_PAUSE, 120000, 24000, 1, ROLE_TITLE, NULL);
	add_speech(tl, 144000, 96000, 2, ROLE_BODY,
		   "Die Gemeindeverwaltung hat am Dienstagabend beschlossen, dass.", NULL, 0);
	add_speech(tl, 240000, 48000, 2, ROLE_BODY, "Zweiter Satz.", NULL, 0);
	add_other(tl, CLIP_PAUSE, 288000, 48000, 2, ROLE_BODY, NULL);
	add_other(tl, CLIP_JINGLE, 336000, 24000, 3, ROLE_HEADING, "builtin:stinger");
	add_other(tl, CLIP_PAUSE, 360000, 4800, 3, ROLE_HEADING, NULL);
	add_speech(tl, 364800, 48000, 3, ROLE_HEADING, "Kosten \"steigen\"", NULL, 0);
	add_other(tl, CLIP_PAUSE, 412800, 24000, 3, ROLE_HEADING, NULL);
	add_speech(tl, 436800, 48000, 4, ROLE_QUOTE, "Überraschend\\anders", NULL, 0);
	add_other(tl, CLIP_PAUSE, 484800, 24000, 4, ROLE_QUOTE, NULL);
	add_other(tl, CLIP_JINGLE, 508800, 96000, 0, ROLE_TITLE, "builtin:outro");
}

static void test_labels(void **state)
{
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	programme(&tl);
	assert_int_equal(sidecar_labels(path_in("l.txt"), &tl, &e), 0);
	s = slurp(path_in("l.txt"));
	assert_string_equal(s,
		"1.500000\t2.500000\ttitle: Neue Brücke für Tal=Dorf; #1\n"
		"3.000000\t6.000000\tbody: Die Gemeindeverwaltung hat am…\n"
		"7.000000\t8.600000\theading: Kosten \"steigen\"\n"
		"9.100000\t10.100000\tquote: Überraschend\\anders\n");
	free(s);
	timeline_release(&tl);
}

static void test_label_words(void **state)
{
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	timeline_init(&tl, RATE);
	add_speech(&tl, 0, 48000, 1, ROLE_TITLE,
		   "Stadtrat beschließt Haushalt 2026 – Schwimmbad bleibt offen", NULL, 0);
	add_speech(&tl, 48000, 48000, 2, ROLE_BODY,
		   "Donaudampfschifffahrtsgesellschaftskapitänsmütze\tist weg.", NULL, 0);
	add_other(&tl, CLIP_PAUSE, 96000, 48000, 2, ROLE_BODY, NULL);
	assert_int_equal(sidecar_labels(path_in("w.txt"), &tl, &e), 0);
	s = slurp(path_in("w.txt"));
	assert_string_equal(s,
		"0.000000\t1.000000\ttitle: Stadtrat beschließt Haushalt 2026…\n"
		"1.000000\t2.000000\tbody: Donaudampfschifffahrtsgesellschaftskapit…\n");
	free(s);
	timeline_release(&tl);
}

static void test_chapters_ffmetadata(void **state)
{
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	programme(&tl);
	assert_int_equal(sidecar_chapters(path_in("chapters.txt"), &tl, "Neue Brücke für Tal=Dorf; #1",
					  "a.wav", NULL, &e), 0);
	s = slurp(path_in("chapters.txt"));
	assert_string_equal(s,
		";FFMETADATA1\ntitle=Neue Brücke für Tal\\=Dorf\\; \\#1\n"
		"\n[CHAPTER]\nTIMEBASE=1/48000\nSTART=0\nEND=336000\n"
		"title=Neue Brücke für Tal\\=Dorf\\; \\#1\n"
		"\n[CHAPTER]\nTIMEBASE=1/48000\nSTART=336000\nEND=604800\ntitle=Kosten \"steigen\"\n");
	free(s);
	timeline_release(&tl);
}

static void test_chapters_cue(void **state)
{
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	programme(&tl);
	/* 7 s + 1/75 s - 1 frame: rounds to 00:07:01 */
	tl.clips[6].start = 336000 + 640 - 1;
	assert_int_equal(sidecar_chapters(path_in("a.cue"), &tl, "Brücke", "a \"b\".wav", NULL, &e), 0);
	s = slurp(path_in("a.cue"));
	assert_string_equal(s,
		"TITLE \"Brücke\"\n"
		"FILE \"a 'b'.wav\" WAVE\n"
		"  TRACK 01 AUDIO\n    TITLE \"Brücke\"\n    INDEX 01 00:00:00\n"
		"  TRACK 02 AUDIO\n    TITLE \"Kosten 'steigen'\"\n    INDEX 01 00:07:01\n");
	free(s);
	timeline_release(&tl);
}

static void test_chapters_long(void **state)
{
	/* a heading after an hour: minutes past 59 stay minutes in the CUE sheet */
	struct timeline tl;
	struct err e;
	char *s;
	(void)state;
	timeline_init(&tl, 44100);
	add_speech(&tl, 0, 44100, 1, ROLE_HEADING, "Anfang", NULL, 0);
	add_speech(&tl, 44100ULL * 3725 + 44100 / 2, 44100, 2, ROLE_HEADING, "Später", NULL, 0);
	assert_int_equal(sidecar_chapters(path_in("b.cue"), &tl, NULL, "b.mp3", NULL, &e), 0);
	s = slurp(path_in("b.cue"));
	assert_string_equal(s,
		"FILE \"b.mp3\" MP3\n"
		"  TRACK 01 AUDIO\n    TITLE \"Anfang\"\n    INDEX 01 00:00:00\n"
		"  TRACK 02 AUDIO\n    TITLE \"Später\"\n    INDEX 01 62:05:38\n");
	free(s);
	assert_int_equal(sidecar_chapters(path_in("b.ffmeta"), &tl, NULL, "b.mp3", NULL, &e), 0);
	s = slurp(path_in("b.ffmeta"));
	assert_string_equal(s,
		";FFMETADATA1\n"
		"\n[CHAPTER]\nTIMEBASE=1/44100\nSTART=0\nEND=164294550\ntitle=Anfang\n"
		"\n[CHAPTER]\nTIMEBASE=1/44100\nSTART=164294550\nEND=164338650\ntitle=Später\n");
	free(s);
	timeline_release(&tl);
}

/* More than 99 headings: at most 99 tracks; the rest are index points of track 99, warned. */
static void test_chapters_cue_many(void **state)
{
	struct timeline tl;
	struct warns w;
	struct err e;
	char *s, *p, title[32];
	int tracks = 0, idx = 0, rems = 0;
	(void)state;
	timeline_init(&tl, RATE);
	warns_init(&w);
	for (int i = 0; i < 120; i++) {
		snprintf(title, sizeof(title), "Teil %d", i + 1);
		add_speech(&tl, (uint64_t)i * 48000, 48000, i + 1, ROLE_HEADING, title, NULL, 0);
	}
	assert_int_equal(sidecar_chapters(path_in("m.cue"), &tl, NULL, "m.wav", &w, &e), 0);
	s = slurp(path_in("m.cue"));
	for (p = s; (p = strstr(p, "TRACK ")); p++)
		tracks++;
	for (p = s; (p = strstr(p, "INDEX ")); p++)
		idx++;
	for (p = s; (p = strstr(p, "REM CHAPTER ")); p++)
		rems++;
	assert_int_equal(tracks, 99);
	assert_int_equal(idx, 120);
	assert_int_equal(rems, 21);
	assert_non_null(strstr(s, "  TRACK 99 AUDIO\n    TITLE \"Teil 99\"\n    INDEX 01 01:38:00\n"
				  "    REM CHAPTER \"Teil 100\"\n    INDEX 02 01:39:00\n"));
	assert_non_null(strstr(s, "    INDEX 22 01:59:00\n"));
	assert_null(strstr(s, "TRACK 100"));
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.v[0], "m.cue: 120 chapters, a CUE sheet holds 99 tracks"));
	free(s);
	warns_release(&w);
	timeline_release(&tl);
}

/* ==== atomic writing ====================================================== */

static size_t count_entries(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *de;
	size_t n = 0;
	assert_non_null(dd);
	while ((de = readdir(dd)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(dd);
	return n;
}

static void test_atomic_errors(void **state)
{
	struct timeline tl;
	struct err e;
	char msg[512], *s;
	FILE *f;
	struct stat st;
	char sub[300], target[320], inner[340];
	(void)state;

	short_timeline(&tl);
	snprintf(msg, sizeof(msg), "%s: cannot write: No such file or directory", path_in("nope/a.vtt"));
	assert_int_equal(sidecar_captions(path_in("nope/a.vtt"), &tl, &e), -1);
	assert_string_equal(e.msg, msg);
	assert_int_equal(sidecar_timeline(path_in("nope/t.json"), &tl, "x", &e), -1);
	assert_int_equal(sidecar_labels(path_in("nope/l.txt"), &tl, &e), -1);
	assert_int_equal(sidecar_chapters(path_in("nope/c.cue"), &tl, "x", "a.wav", NULL, &e), -1);

	/* the target is a non-empty directory: rename fails, it stays, no temp file is left */
	snprintf(sub, sizeof(sub), "%s", path_in("sub"));
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(target, sizeof(target), "%s/x.vtt", sub);
	assert_int_equal(mkdir(target, 0755), 0);
	snprintf(inner, sizeof(inner), "%s/keep", target);
	f = fopen(inner, "w");
	assert_non_null(f);
	fputs("keep", f);
	fclose(f);
	assert_int_equal(sidecar_captions(target, &tl, &e), -1);
	assert_non_null(strstr(e.msg, ": cannot write: "));
	assert_int_equal(strncmp(e.msg, target, strlen(target)), 0);
	assert_int_equal(count_entries(sub), 1);
	s = slurp(inner);
	assert_string_equal(s, "keep");
	free(s);
	assert_int_equal(unlink(inner), 0);
	assert_int_equal(rmdir(target), 0);

	/* replacing an existing file keeps its mode and leaves no temp file */
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("old", f);
	fclose(f);
	assert_int_equal(chmod(target, 0640), 0);
	assert_int_equal(sidecar_captions(target, &tl, &e), 0);
	s = slurp(target);
	assert_memory_equal(s, "WEBVTT\n", 7);
	free(s);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(count_entries(sub), 1);
	assert_int_equal(unlink(target), 0);
	assert_int_equal(rmdir(sub), 0);
	timeline_release(&tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_name),
		cmocka_unit_test(test_vtt_exact),
		cmocka_unit_test(test_srt_exact),
		cmocka_unit_test(test_long_split_at_words),
		cmocka_unit_test(test_umlauts_one_char),
		cmocka_unit_test(test_sparse_words_fallback),
		cmocka_unit_test(test_words_odd_events),
		cmocka_unit_test(test_word_after_opening_quote),
		cmocka_unit_test(test_long_token_and_overlap),
		cmocka_unit_test(test_empty_timeline),
		cmocka_unit_test(test_timeline_json),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_label_words),
		cmocka_unit_test(test_chapters_ffmetadata),
		cmocka_unit_test(test_chapters_cue),
		cmocka_unit_test(test_chapters_long),
		cmocka_unit_test(test_chapters_cue_many),
		cmocka_unit_test(test_atomic_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
