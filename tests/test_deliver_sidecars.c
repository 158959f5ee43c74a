/*
 * test_deliver_sidecars.c - end-to-end tests of the sidecars of a render:
 * the timeline JSON (against `sprecher sentences` and the WAV's length),
 * captions (WebVTT, SRT: parsed strictly, every speech clip covered),
 * Audacity labels and chapters (ffmetadata, CUE sheet) against the timeline.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default), run from the top of
 * the repository. All renders are made once, in parallel, by the group
 * setup (testutil.h: test_jobs_setup); the tests then check the files.
 */
#include "testutil.h"

#include <math.h>

#include "util.h"

static const char *bin;

#define ARTICLE TESTS_DIR "/data/kurz.txt"
#define ARTICLE2 TESTS_DIR "/data/lieferung.txt"
#define TITLE "Stadtrat beschließt neuen Busfahrplan"
#define EPOCH "1767225600" /* 2026-01-01 00:00:00 UTC */

/* ==== renders =========================================================== */

/* The full article with jingles (WAV and FLAC), and a second article without. */
static struct test_job jobs[] = {
	{ "wav24", { "render", ARTICLE, "-o", "@a.wav", "-q", "--captions", "@a.vtt", "--timeline", "@a.json",
		     "--labels", "@a.txt", "--chapters", "@a.ffmeta" }, -1 },
	{ "flac24", { "render", ARTICLE, "-o", "@a.flac", "-q", "--captions", "@a.srt", "--timeline", "@f.json",
		      "--chapters", "@a.cue" }, -1 },
	{ "own", { "render", ARTICLE2, "-o", "@l.wav", "-q", "--no-jingles", "--captions", "@l.vtt",
		   "--timeline", "@l.json", "--labels", "@l.txt", "--chapters", "@l.cue" }, -1 },
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

/* Fails the test when job `name` did not exit 0, showing its stderr. */
static void need(const char *name)
{
	test_job_need(jobs, NJOBS, name);
}

static int group_setup(void **state)
{
	(void)state;
	bin = test_jobs_setup("sidecars", jobs, NJOBS, EPOCH);
	return bin ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return test_jobs_teardown();
}

/* ==== tests: timeline =================================================== */

static void check_timeline(const char *path, const struct test_timeline *t, long long wav_frames)
{
	long long prev_start = 0;
	int prev_seg = 0, speech = 0;

	assert_true(t->rate == 48000);
	if (t->frames != wav_frames)
		fail_msg("%s: timeline frames %lld, WAV frames %lld", path, t->frames, wav_frames);
	assert_true(fabs(t->seconds - (double)t->frames / t->rate) < 1e-6);
	assert_true(t->n > 0);
	for (size_t i = 0; i < t->n; i++) {
		const struct test_clip *c = &t->v[i];
		assert_non_null(c->kind);
		assert_non_null(c->role);
		if (strcmp(c->kind, "speech") && strcmp(c->kind, "jingle") && strcmp(c->kind, "pause"))
			fail_msg("%s: clip %zu: kind %s", path, i, c->kind);
		if (c->start_frame < prev_start || c->end_frame < c->start_frame || c->end_frame > t->frames)
			fail_msg("%s: clip %zu: frames %lld..%lld after start %lld (file %lld)", path, i, c->start_frame,
				 c->end_frame, prev_start, t->frames);
		if (fabs(c->start - (double)c->start_frame / t->rate) > 1e-6 ||
		    fabs(c->end - (double)c->end_frame / t->rate) > 1e-6)
			fail_msg("%s: clip %zu: seconds %.6f..%.6f, frames %lld..%lld", path, i, c->start, c->end,
				 c->start_frame, c->end_frame);
		if (c->segment < 0 || (c->segment > 0 && c->segment < prev_seg))
			fail_msg("%s: clip %zu: segment %d after %d", path, i, c->segment, prev_seg);
		if (c->segment > 0)
			prev_seg = c->segment;
		prev_start = c->start_frame;
		if (!strcmp(c->kind, "speech")) {
			speech++;
			if (!c->written || !*c->written || !c->spoken || !*c->spoken || !c->voice || !*c->voice)
				fail_msg("%s: speech clip %zu without written/spoken text or voice", path, i);
			assert_true(c->segment > 0);
			assert_int_equal(utf8_validate(c->written, strlen(c->written), &(size_t){ 0 },
						       &(size_t){ 0 }), 0);
		}
		if (!strcmp(c->kind, "jingle") && (!c->source || !*c->source))
			fail_msg("%s: jingle clip %zu without source", path, i);
	}
	assert_true(speech > 0);
	assert_int_equal(t->v[0].start_frame, 0);
	/* the programme ends with its last clip */
	{
		long long last = 0;
		for (size_t i = 0; i < t->n; i++)
			if (t->v[i].end_frame > last)
				last = t->v[i].end_frame;
		assert_int_equal(last, t->frames);
	}
}

/* Exit status of `python3 -c json.load(...)`, or 0 when python3 is missing. */
static int python_json_ok(const char *path)
{
	char cmd[700];
	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return 1;
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\"))' "
		 "'%s'", path);
	return system(cmd) == 0;
}

/* The sentences of `sprecher sentences ARTICLE`, list bullets dropped, joined by spaces. */
static char *sentences_joined(const char *article)
{
	char cmd[700], *buf, *out;
	struct sb s;
	size_t len;

	snprintf(cmd, sizeof(cmd), "'%s' sentences '%s' > '%s'", bin, article, test_path("sent.txt"));
	assert_int_equal(system(cmd), 0);
	buf = test_slurp(test_path("sent.txt"), &len);
	assert_non_null(buf);
	sb_init(&s);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "\xe2\x80\xa2 ", 4)) /* "• " */
			line += 4;
		else if ((line[0] == '-' || line[0] == '*') && line[1] == ' ')
			line += 2;
		if (s.len)
			sb_addc(&s, ' ');
		sb_adds(&s, line);
	}
	free(buf);
	out = test_squeeze(s.buf);
	sb_release(&s);
	return out;
}

static char *speech_joined(const struct test_timeline *t)
{
	struct sb s;
	char *out;

	sb_init(&s);
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].kind, "speech") != 0)
			continue;
		if (s.len)
			sb_addc(&s, ' ');
		sb_adds(&s, t->v[i].written);
	}
	out = test_squeeze(s.buf);
	sb_release(&s);
	return out;
}

static void timeline_of(const char *json, const char *wav, const char *article)
{
	struct test_timeline t;
	SF_INFO info = { 0 };
	SNDFILE *f = sf_open(wav, SFM_READ, &info);
	char *a, *b;

	assert_non_null(f);
	sf_close(f);
	if (!python_json_ok(json))
		fail_msg("%s: python3 json.load fails", json);
	test_timeline_load(json, &t);
	check_timeline(json, &t, info.frames);
	a = speech_joined(&t);
	b = sentences_joined(article);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "speech clips: %s\nsentences:    %s\n", a, b);
		free(a);
		free(b);
		test_timeline_release(&t);
		fail_msg("written texts of the speech clips differ from `sprecher sentences`");
	}
	free(a);
	free(b);
	test_timeline_release(&t);
}

static void test_timeline(void **state)
{
	(void)state;
	need("wav24");
	need("flac24");
	need("own");
	timeline_of(test_path("a.json"), test_path("a.wav"), ARTICLE);
	timeline_of(test_path("f.json"), test_path("a.flac"), ARTICLE);
	timeline_of(test_path("l.json"), test_path("l.wav"), ARTICLE2);
	/* title in the JSON */
	{
		struct test_timeline t;
		test_timeline_load(test_path("a.json"), &t);
		assert_non_null(t.title);
		assert_string_equal(t.title, TITLE);
		test_timeline_release(&t);
	}
	/* the timeline does not depend on the output format */
	{
		size_t la, lf;
		char *a = test_slurp(test_path("a.json"), &la), *f = test_slurp(test_path("f.json"), &lf);
		int same = a && f && la == lf && memcmp(a, f, la) == 0;
		free(a);
		free(f);
		if (!same)
			fail_msg("timeline of the WAV render differs from the FLAC render's");
	}
}

/* ==== tests: captions =================================================== */

struct cue {
	long long start, end; /* ms */
	char *text;           /* lines joined by one space, entities decoded */
};

struct cues {
	struct cue *v;
	size_t n, cap;
};

static void cues_release(struct cues *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].text);
	free(c->v);
}

/* Parses [HH:]MM:SS<sep>mmm (hours required for SRT); returns the end or NULL. */
static const char *parse_ts(const char *p, char sep, int hours_required, long long *ms)
{
	long long f[3] = { 0, 0, 0 };
	int nf = 0, d;

	for (;;) {
		for (d = 0; a_isdigit((unsigned char)p[d]); d++)
			;
		if (d < 2)
			return NULL;
		f[nf] = strtoll(p, NULL, 10);
		nf++;
		p += d;
		if (*p == ':' && nf < 3) {
			p++;
			continue;
		}
		break;
	}
	if (nf < 2 || (hours_required && nf < 3) || *p != sep)
		return NULL;
	if (!(a_isdigit((unsigned char)p[1]) && a_isdigit((unsigned char)p[2]) && a_isdigit((unsigned char)p[3])) ||
	    a_isdigit((unsigned char)p[4]))
		return NULL;
	{
		long long h = nf == 3 ? f[0] : 0, m = f[nf - 2], s = f[nf - 1];
		if (m > 59 || s > 59)
			return NULL;
		*ms = ((h * 60 + m) * 60 + s) * 1000 + strtoll(p + 1, NULL, 10);
	}
	return p + 4;
}

/* Decodes the WebVTT entities the writer uses; a raw & or < is an error. */
static char *vtt_unescape(const char *s, int *bad)
{
	struct sb b;
	sb_init(&b);
	while (*s) {
		if (*s == '<')
			*bad = 1;
		if (*s == '&') {
			if (!strncmp(s, "&amp;", 5)) { sb_addc(&b, '&'); s += 5; continue; }
			if (!strncmp(s, "&lt;", 4)) { sb_addc(&b, '<'); s += 4; continue; }
			if (!strncmp(s, "&gt;", 4)) { sb_addc(&b, '>'); s += 4; continue; }
			*bad = 1;
		}
		sb_addc(&b, *s++);
	}
	return sb_detach(&b);
}

/*
 * Parses a WebVTT (srt = 0) or SRT (srt = 1) file strictly enough for a web
 * player: header, blocks separated by one blank line, identifier (SRT: 1, 2,
 * ...), timing line, one or two text lines of at most 42 code points. Fails
 * the test with the line number on any error.
 */
static void parse_captions(const char *path, int srt, struct cues *out)
{
	size_t len, nl = 0, cap = 0, i = 0;
	char *buf = test_slurp(path, &len), **lines = NULL;
	char why[200] = "";

	memset(out, 0, sizeof(*out));
	assert_non_null(buf);
	if (utf8_validate(buf, len, &(size_t){ 0 }, &(size_t){ 0 }) != 0) {
		free(buf);
		fail_msg("%s: invalid UTF-8", path);
	}
	/* split into lines, dropping a CR before LF */
	for (char *p = buf; p < buf + len;) {
		char *e = memchr(p, '\n', (size_t)(buf + len - p));
		if (!e) {
			snprintf(why, sizeof(why), "last line has no newline");
			goto bad;
		}
		*e = '\0';
		if (e > p && e[-1] == '\r')
			e[-1] = '\0';
		xgrow((void **)&lines, &cap, nl + 1, sizeof(*lines));
		lines[nl++] = p;
		p = e + 1;
	}
	if (!srt) {
		const char *h = lines && nl ? lines[0] : "";
		if (!strncmp(h, "\xef\xbb\xbf", 3))
			h += 3;
		if (strncmp(h, "WEBVTT", 6) != 0 || (h[6] && h[6] != ' ' && h[6] != '\t')) {
			snprintf(why, sizeof(why), "no WEBVTT header");
			goto bad;
		}
		i = 1;
		if (i < nl && lines[i][0]) {
			snprintf(why, sizeof(why), "no blank line after the header");
			goto bad;
		}
	}
	while (i < nl) {
		struct cue c = { 0 };
		const char *p;
		struct sb text;
		int nlines = 0, badent = 0;

		while (i < nl && !lines[i][0])
			i++;
		if (i >= nl)
			break;
		if (srt) {
			char num[32];
			snprintf(num, sizeof(num), "%zu", out->n + 1);
			if (strcmp(lines[i], num) != 0) {
				snprintf(why, sizeof(why), "expected cue number %s", num);
				goto bad;
			}
			i++;
		} else if (!strstr(lines[i], "-->")) {
			i++; /* cue identifier */
		}
		if (i >= nl) {
			snprintf(why, sizeof(why), "cue without timing line");
			goto bad;
		}
		p = parse_ts(lines[i], srt ? ',' : '.', srt, &c.start);
		if (!p || strncmp(p, " --> ", 5) != 0 || !(p = parse_ts(p + 5, srt ? ',' : '.', srt, &c.end)) ||
		    (*p && (srt || *p != ' '))) {
			snprintf(why, sizeof(why), "bad timing line");
			goto bad;
		}
		i++;
		sb_init(&text);
		while (i < nl && lines[i][0]) {
			size_t n = strlen(lines[i]);
			if (utf8_count(lines[i], n) > 42 || lines[i][0] == ' ' || lines[i][n - 1] == ' ') {
				snprintf(why, sizeof(why), "caption line longer than 42 code points or padded");
				sb_release(&text);
				goto bad;
			}
			if (text.len)
				sb_addc(&text, ' ');
			sb_adds(&text, lines[i]);
			nlines++;
			i++;
		}
		if (nlines < 1 || nlines > 2) {
			snprintf(why, sizeof(why), "cue with %d text lines", nlines);
			sb_release(&text);
			goto bad;
		}
		c.text = srt ? xstrdup(text.buf) : vtt_unescape(text.buf, &badent);
		sb_release(&text);
		xgrow((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = c;
		if (badent) {
			snprintf(why, sizeof(why), "unescaped & or < in WebVTT text");
			goto bad;
		}
	}
	free(lines);
	free(buf);
	return;
bad:
	{
		char msg[300];
		snprintf(msg, sizeof(msg), "%s:%zu: %s", path, i + 1, why);
		free(lines);
		free(buf);
		cues_release(out);
		fail_msg("%s", msg);
	}
}

/*
 * Cues sorted, not overlapping, inside the file; each speech clip's cues
 * cover it from start to end and their texts joined are its written text.
 */
static void check_captions(const char *path, int srt, const char *json)
{
	struct cues cs;
	struct test_timeline t;
	long long dur;
	size_t used = 0;
	char msg[600] = "";

	parse_captions(path, srt, &cs);
	test_timeline_load(json, &t);
	dur = test_ms_of(t.frames, t.rate);
	if (cs.n == 0)
		snprintf(msg, sizeof(msg), "no cues");
	for (size_t i = 0; i < cs.n && !*msg; i++) {
		if (cs.v[i].end <= cs.v[i].start || cs.v[i].end > dur ||
		    (i > 0 && cs.v[i].start < cs.v[i - 1].end))
			snprintf(msg, sizeof(msg), "cue %zu: %lld..%lld ms (previous ends %lld, file %lld ms)", i + 1,
				 cs.v[i].start, cs.v[i].end, i ? cs.v[i - 1].end : 0, dur);
	}
	for (size_t k = 0; k < t.n && !*msg; k++) {
		const struct test_clip *c = &t.v[k];
		long long a = test_ms_of(c->start_frame, t.rate), b = test_ms_of(c->end_frame, t.rate);
		struct sb s;
		char *want;
		size_t first = cs.n, last = 0, n = 0;

		if (strcmp(c->kind, "speech") != 0 || b <= a)
			continue;
		sb_init(&s);
		for (size_t i = 0; i < cs.n; i++) {
			if (cs.v[i].start + 1 < a || cs.v[i].end > b + 1)
				continue;
			if (first == cs.n)
				first = i;
			last = i;
			n++;
			if (s.len)
				sb_addc(&s, ' ');
			sb_adds(&s, cs.v[i].text);
		}
		want = test_squeeze(c->written);
		if (n == 0)
			snprintf(msg, sizeof(msg), "no cue for speech clip %zu (%lld..%lld ms)", k, a, b);
		else if (strcmp(s.buf, want) != 0)
			snprintf(msg, sizeof(msg), "clip %zu: cues say '%s', script says '%s'", k, s.buf, want);
		else if (llabs(cs.v[first].start - a) > 1 || llabs(cs.v[last].end - b) > 1)
			snprintf(msg, sizeof(msg), "clip %zu at %lld..%lld ms, its cues %lld..%lld ms", k, a, b,
				 cs.v[first].start, cs.v[last].end);
		used += n;
		free(want);
		sb_release(&s);
	}
	if (!*msg && used != cs.n)
		snprintf(msg, sizeof(msg), "%zu of %zu cues belong to no speech clip", cs.n - used, cs.n);
	cues_release(&cs);
	test_timeline_release(&t);
	if (*msg)
		fail_msg("%s: %s", path, msg);
}

static void test_captions(void **state)
{
	(void)state;
	need("wav24");
	need("flac24");
	need("own");
	check_captions(test_path("a.vtt"), 0, test_path("a.json"));
	check_captions(test_path("a.srt"), 1, test_path("f.json"));
	check_captions(test_path("l.vtt"), 0, test_path("l.json"));
}

/* The long sentence of lieferung.txt is split into several cues; & is escaped. */
static void test_captions_split_and_escape(void **state)
{
	struct cues cs;
	size_t len, long_cues = 0;
	char *raw;

	(void)state;
	need("own");
	raw = test_slurp(test_path("l.vtt"), &len);
	assert_non_null(strstr(raw, "Krause &amp; Partner"));
	free(raw);
	parse_captions(test_path("l.vtt"), 0, &cs);
	for (size_t i = 0; i < cs.n; i++)
		if (strstr("Nach drei Jahren Bauzeit ist die neue Brücke zwischen Altstadt und Neustadt am "
			   "Freitagmorgen für den Verkehr freigegeben worden, wobei zunächst nur Fußgänger, "
			   "Radfahrer und die Linienbusse der Stadtwerke darüber fahren dürfen.", cs.v[i].text))
			long_cues++;
	cues_release(&cs);
	assert_true(long_cues >= 3);
}

/* ==== tests: labels and chapters ======================================== */

static void check_labels(const char *path, const char *json)
{
	struct test_timeline t;
	int segs[256];
	size_t nseg, n = 0, len;
	char *buf = test_slurp(path, &len), msg[400] = "";
	double prev = -1;

	assert_non_null(buf);
	test_timeline_load(json, &t);
	nseg = test_timeline_segments(&t, segs, 256);
	for (char *line = strtok(buf, "\n"); line && !*msg; line = strtok(NULL, "\n"), n++) {
		char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL, *e;
		double a, b;
		const char *role;

		if (!tab2) {
			snprintf(msg, sizeof(msg), "line %zu: not START<TAB>END<TAB>LABEL", n + 1);
			break;
		}
		a = strtod(line, &e);
		if (e != tab1)
			snprintf(msg, sizeof(msg), "line %zu: bad start", n + 1);
		b = strtod(tab1 + 1, &e);
		if (e != tab2)
			snprintf(msg, sizeof(msg), "line %zu: bad end", n + 1);
		if (*msg)
			break;
		if (a <= prev || b <= a)
			snprintf(msg, sizeof(msg), "line %zu: %.6f..%.6f after start %.6f", n + 1, a, b, prev);
		else if (n >= nseg)
			snprintf(msg, sizeof(msg), "more label regions than the %zu segments", nseg);
		else if (fabs(a - (double)test_timeline_seg_start(&t, segs[n]) / t.rate) > 0.001)
			snprintf(msg, sizeof(msg), "line %zu: start %.6f, segment %d starts at %.6f", n + 1, a,
				 segs[n], (double)test_timeline_seg_start(&t, segs[n]) / t.rate);
		else if (role = test_timeline_seg_role(&t, segs[n]), strncmp(tab2 + 1, role, strlen(role)) != 0 ||
			 strncmp(tab2 + 1 + strlen(role), ": ", 2) != 0 || !tab2[3 + strlen(role)])
			snprintf(msg, sizeof(msg), "line %zu: label '%s' does not start with role '%s: '", n + 1,
				 tab2 + 1, role);
		else if (utf8_validate(tab2 + 1, strlen(tab2 + 1), &(size_t){ 0 }, &(size_t){ 0 }) != 0)
			snprintf(msg, sizeof(msg), "line %zu: label is not valid UTF-8", n + 1);
		prev = a;
	}
	if (!*msg && n != nseg)
		snprintf(msg, sizeof(msg), "%zu label regions for %zu segments", n, nseg);
	free(buf);
	test_timeline_release(&t);
	if (*msg)
		fail_msg("%s: %s", path, msg);
}

/* Chapter starts expected: 0 (the title) and every heading segment's start. */
static size_t expected_chapters(const struct test_timeline *t, long long *start, char **title, size_t max)
{
	int segs[256];
	size_t nseg = test_timeline_segments(t, segs, 256), n = 0;

	start[n] = 0;
	title[n++] = t->title;
	for (size_t i = 0; i < nseg && n < max; i++) {
		if (strcmp(test_timeline_seg_role(t, segs[i]), "heading") != 0)
			continue;
		long long f = test_timeline_seg_start(t, segs[i]);
		char *w = NULL;
		for (size_t k = 0; k < t->n && !w; k++)
			if (t->v[k].segment == segs[i] && t->v[k].written)
				w = t->v[k].written;
		if (f == 0)
			n = 0;
		start[n] = f;
		title[n++] = w;
	}
	return n;
}

static void check_ffmetadata(const char *path, const char *json)
{
	struct test_timeline t;
	long long want[64], start = -1, end = -1, prev_end = 0;
	char *wtitle[64], *buf, msg[400] = "", ctitle[300] = "";
	size_t nwant, n = 0, len;
	int in_chapter = 0, saw_title = 0;

	test_timeline_load(json, &t);
	nwant = expected_chapters(&t, want, wtitle, 64);
	buf = test_slurp(path, &len);
	assert_non_null(buf);
	if (strncmp(buf, ";FFMETADATA1\n", 13) != 0)
		snprintf(msg, sizeof(msg), "no ;FFMETADATA1 header");
	/* a sentinel [CHAPTER] at the end closes the last block */
	for (char *line = *msg ? NULL : strtok(buf + 13, "\n"), *next;; line = next) {
		int close = !line || !strcmp(line, "[CHAPTER]");
		next = line ? strtok(NULL, "\n") : NULL;
		if (close && in_chapter) {
			if (n >= nwant)
				snprintf(msg, sizeof(msg), "more than %zu chapters", nwant);
			else if (start != want[n] || end <= start || start != prev_end)
				snprintf(msg, sizeof(msg), "chapter %zu: %lld..%lld, expected start %lld after %lld",
					 n + 1, start, end, want[n], prev_end);
			else if (wtitle[n] && strcmp(ctitle, wtitle[n]) != 0)
				snprintf(msg, sizeof(msg), "chapter %zu: title '%s', expected '%s'", n + 1, ctitle,
					 wtitle[n]);
			prev_end = end;
			n++;
			start = end = -1;
			ctitle[0] = '\0';
		}
		if (!line || *msg)
			break;
		if (close) {
			in_chapter = 1;
		} else if (!in_chapter) {
			if (!strncmp(line, "title=", 6)) {
				saw_title = 1;
				if (strcmp(line + 6, TITLE) != 0 && t.title && strcmp(line + 6, t.title) != 0)
					snprintf(msg, sizeof(msg), "global title '%s'", line + 6);
			}
		} else if (!strncmp(line, "TIMEBASE=", 9)) {
			if (strcmp(line, "TIMEBASE=1/48000") != 0)
				snprintf(msg, sizeof(msg), "chapter %zu: %s", n + 1, line);
		} else if (!strncmp(line, "START=", 6)) {
			start = strtoll(line + 6, NULL, 10);
		} else if (!strncmp(line, "END=", 4)) {
			end = strtoll(line + 4, NULL, 10);
		} else if (!strncmp(line, "title=", 6)) {
			snprintf(ctitle, sizeof(ctitle), "%s", line + 6);
		}
	}
	if (!*msg && (n != nwant || prev_end != t.frames || !saw_title))
		snprintf(msg, sizeof(msg), "%zu chapters (expected %zu), last ends at %lld of %lld frames%s", n,
			 nwant, prev_end, t.frames, saw_title ? "" : ", no title=");
	free(buf);
	test_timeline_release(&t);
	if (*msg)
		fail_msg("%s: %s", path, msg);
}

static void check_cue_sheet(const char *path, const char *json, const char *audio_name)
{
	struct test_timeline t;
	long long want[64];
	char *wtitle[64], *buf, msg[400] = "";
	size_t nwant, tracks = 0, len;
	int file = 0, title = 0, index_seen = 1;

	test_timeline_load(json, &t);
	nwant = expected_chapters(&t, want, wtitle, 64);
	buf = test_slurp(path, &len);
	assert_non_null(buf);
	for (char *line = strtok(buf, "\n"); line && !*msg; line = strtok(NULL, "\n")) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!strncmp(line, "TITLE \"", 7)) {
			title++;
		} else if (!strncmp(line, "FILE \"", 6)) {
			file++;
			if (strncmp(line + 6, audio_name, strlen(audio_name)) != 0 ||
			    line[6 + strlen(audio_name)] != '"' || !strstr(line, "\" WAVE"))
				snprintf(msg, sizeof(msg), "bad FILE line: %s", line);
		} else if (!strncmp(line, "TRACK ", 6)) {
			char num[40];
			if (!index_seen)
				snprintf(msg, sizeof(msg), "track %zu without INDEX 01", tracks);
			snprintf(num, sizeof(num), "TRACK %02zu AUDIO", tracks + 1);
			if (strcmp(line, num) != 0)
				snprintf(msg, sizeof(msg), "expected '%s': %s", num, line);
			tracks++;
			index_seen = 0;
		} else if (!strncmp(line, "INDEX 01 ", 9)) {
			int m, s, f;
			double at, exp;
			if (sscanf(line + 9, "%d:%d:%d", &m, &s, &f) != 3 || s > 59 || f > 74 || !tracks ||
			    tracks > nwant) {
				snprintf(msg, sizeof(msg), "bad INDEX line: %s", line);
				break;
			}
			at = m * 60 + s + f / 75.0;
			exp = (double)want[tracks - 1] / t.rate;
			if (fabs(at - exp) > 0.5 / 75 + 1e-9)
				snprintf(msg, sizeof(msg), "track %zu at %.3f s, chapter at %.3f s", tracks, at, exp);
			index_seen = 1;
		} else if (*line && strncmp(line, "REM ", 4) && strncmp(line, "PERFORMER ", 10)) {
			snprintf(msg, sizeof(msg), "unexpected line: %s", line);
		}
	}
	if (!*msg && (file != 1 || tracks != nwant || !index_seen || title != (int)tracks + 1))
		snprintf(msg, sizeof(msg), "%d FILE, %zu TRACK (expected %zu), %d TITLE lines", file, tracks, nwant,
			 title);
	free(buf);
	test_timeline_release(&t);
	if (*msg)
		fail_msg("%s: %s", path, msg);
}

static void test_labels_and_chapters(void **state)
{
	(void)state;
	need("wav24");
	need("flac24");
	need("own");
	check_labels(test_path("a.txt"), test_path("a.json"));
	check_labels(test_path("l.txt"), test_path("l.json"));
	check_ffmetadata(test_path("a.ffmeta"), test_path("a.json"));
	check_cue_sheet(test_path("a.cue"), test_path("f.json"), "a.flac");
	check_cue_sheet(test_path("l.cue"), test_path("l.json"), "l.wav");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_captions),
		cmocka_unit_test(test_captions_split_and_escape),
		cmocka_unit_test(test_labels_and_chapters),
	};

	return cmocka_run_group_tests_name("deliver_sidecars", tests, group_setup, group_teardown);
}
