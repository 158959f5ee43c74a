/*
 * test_deliver.c - end-to-end tests of the broadcast deliverables: captions
 * (WebVTT, SRT), timeline JSON, Audacity labels, chapters (ffmetadata, CUE
 * sheet), the BWF chunks inside the WAV (bext, cue, LIST/adtl, cart), every
 * output format with its tags, and --quality/--bitrate.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default), run from the top of
 * the repository. All renders are made once, in parallel, by the group setup;
 * the tests then check the files. The WAV chunks are read twice: with a small
 * RIFF reader written here and with libsndfile.
 */
#include "testutil.h"

#include <ebur128.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static const char *bin;

#define ARTICLE TESTS_DIR "/data/kurz.txt"
#define ARTICLE2 TESTS_DIR "/data/lieferung.txt"
#define TITLE "Stadtrat beschließt neuen Busfahrplan"
/* the same in bext and cart, whose text fields are ASCII */
#define TITLE_ASCII "Stadtrat beschliesst neuen Busfahrplan"
#define EPOCH "1767225600" /* 2026-01-01 00:00:00 UTC */
#define MAX_ARGS 24

/* ==== renders =========================================================== */

struct job {
	const char *name;               /* stderr goes to NAME.err */
	const char *args[MAX_ARGS];     /* after the binary; "@x" = test_dir/x */
	int rc;
};

/*
 * Every render the tests use. The full article with jingles for the main
 * deliverables; the segment renders (no jingles) only compare file sizes.
 */
static struct job jobs[] = {
	{ "wav24", { "render", ARTICLE, "-o", "@a.wav", "-q", "--captions", "@a.vtt", "--timeline", "@a.json",
		     "--labels", "@a.txt", "--chapters", "@a.ffmeta" }, -1 },
	{ "flac24", { "render", ARTICLE, "-o", "@a.flac", "-q", "--captions", "@a.srt", "--timeline", "@f.json",
		      "--chapters", "@a.cue" }, -1 },
	{ "wav16", { "render", ARTICLE, "-o", "@w16.wav", "-q", "--bits", "16" }, -1 },
	{ "wav32f", { "render", ARTICLE, "-o", "@w32.wav", "-q", "--bits", "32f" }, -1 },
	{ "flac16", { "render", ARTICLE, "-o", "@f16.flac", "-q", "--bits", "16" }, -1 },
	{ "ogg", { "render", ARTICLE, "-o", "@a.ogg", "-q" }, -1 },
	{ "opus", { "render", ARTICLE, "-o", "@a.opus", "-q" }, -1 },
	{ "mp3", { "render", ARTICLE, "-o", "@a.mp3", "-q" }, -1 },
	{ "tags", { "render", ARTICLE, "-o", "@t.wav", "-q", "--artist", "Redaktion Süd", "--date",
		    "2025-12-24 18:30:00", "--no-jingles" }, -1 },
	{ "own", { "render", ARTICLE2, "-o", "@l.wav", "-q", "--no-jingles", "--captions", "@l.vtt",
		   "--timeline", "@l.json", "--labels", "@l.txt", "--chapters", "@l.cue" }, -1 },
	{ "ogg-q1", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q1.ogg", "-q", "--quality",
		      "0.1" }, -1 },
	{ "ogg-q9", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q9.ogg", "-q", "--quality",
		      "0.9" }, -1 },
	{ "opus-b24", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b24.opus", "-q", "--bitrate",
			"24" }, -1 },
	{ "opus-b128", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b128.opus", "-q",
			 "--bitrate", "128" }, -1 },
	{ "mp3-b64", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b64.mp3", "-q", "--bitrate",
		       "64" }, -1 },
	{ "mp3-b256", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b256.mp3", "-q",
			"--bitrate", "256" }, -1 },
	{ "mp3-q0", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q0.mp3", "-q", "--quality",
		      "0" }, -1 },
	{ "mp3-q1", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q10.mp3", "-q", "--quality",
		      "1" }, -1 },
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

/* Starts one job; returns the child's pid. */
static pid_t start_job(struct job *j)
{
	static char paths[MAX_ARGS][512];
	const char *av[MAX_ARGS + 2];
	char errpath[512];
	int n = 0;

	av[n++] = bin;
	for (int i = 0; i < MAX_ARGS && j->args[i]; i++) {
		if (j->args[i][0] == '@') {
			snprintf(paths[i], sizeof(paths[i]), "%s/%s", test_dir, j->args[i] + 1);
			av[n++] = paths[i];
		} else {
			av[n++] = j->args[i];
		}
	}
	av[n] = NULL;
	snprintf(errpath, sizeof(errpath), "%s/%s.err", test_dir, j->name);
	return test_spawn(bin, av + 1, EPOCH, NULL, errpath);
}

/* Runs all jobs, at most three at a time (the machine has two cores). */
static void run_jobs(void)
{
	pid_t pids[NJOBS];
	size_t next = 0, running = 0;

	while (next < NJOBS || running > 0) {
		if (next < NJOBS && running < 3) {
			pids[next] = start_job(&jobs[next]);
			if (pids[next] > 0)
				running++;
			next++;
			continue;
		}
		int status;
		pid_t p = wait(&status);
		if (p < 0)
			break;
		for (size_t i = 0; i < next; i++)
			if (pids[i] == p)
				jobs[i].rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		running--;
	}
}

/* Fails the test when job `name` did not exit 0, showing its stderr. */
static void need(const char *name)
{
	for (size_t i = 0; i < NJOBS; i++) {
		if (strcmp(jobs[i].name, name) != 0)
			continue;
		if (jobs[i].rc != 0) {
			char p[300];
			size_t len;
			snprintf(p, sizeof(p), "%s.err", name);
			char *e = test_slurp(test_path(p), &len);
			fail_msg("render %s: exit status %d: %s", name, jobs[i].rc, e ? e : "");
		}
		return;
	}
	fail_msg("no job %s", name);
}

static off_t file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_size : -1;
}

static int group_setup(void **state)
{
	(void)state;
	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	/* DELIVER_REUSE=DIR checks the files a KEEP_DELIVER=1 run left in DIR */
	if (getenv("DELIVER_REUSE")) {
		snprintf(test_dir, sizeof(test_dir), "%s", getenv("DELIVER_REUSE"));
		for (size_t i = 0; i < NJOBS; i++)
			jobs[i].rc = 0;
		return 0;
	}
	snprintf(test_dir, sizeof(test_dir), "/tmp/sprecher-deliver-XXXXXX");
	if (!mkdtemp(test_dir))
		return -1;
	run_jobs();
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[300];
	(void)state;
	if (getenv("KEEP_DELIVER") || getenv("DELIVER_REUSE")) {
		fprintf(stderr, "files kept in %s\n", test_dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_dir);
	return system(cmd);
}

/* ==== a small tolerant JSON reader for the timeline ===================== */

struct jclip {
	char *kind, *role, *voice, *written, *spoken, *source; /* NULL for JSON null */
	double start, end;
	long long start_frame, end_frame;
	int segment;
};

struct jtimeline {
	char *title;
	double rate, seconds;
	long long frames;
	struct jclip *v;
	size_t n;
};

struct jp {
	const char *p, *end;
	int bad;
};

static void jws(struct jp *j)
{
	while (j->p < j->end && a_isspace((unsigned char)*j->p))
		j->p++;
}

static int jeat(struct jp *j, char c)
{
	jws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 1;
	}
	return 0;
}

static unsigned jhex4(struct jp *j)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = j->p < j->end ? *j->p++ : 0;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			j->bad = 1;
	}
	return v;
}

/* A string (malloc'd, UTF-8) or NULL for null; sets bad on anything else. */
static char *jstring(struct jp *j)
{
	struct sb s;

	jws(j);
	if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
		j->p += 4;
		return NULL;
	}
	if (!jeat(j, '"')) {
		j->bad = 1;
		return NULL;
	}
	sb_init(&s);
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;
		if (c < 0x20)
			j->bad = 1;
		if (c != '\\') {
			sb_addc(&s, (char)c);
			continue;
		}
		c = j->p < j->end ? (unsigned char)*j->p++ : 0;
		switch (c) {
		case '"': case '\\': case '/': sb_addc(&s, (char)c); break;
		case 'b': sb_addc(&s, '\b'); break;
		case 'f': sb_addc(&s, '\f'); break;
		case 'n': sb_addc(&s, '\n'); break;
		case 'r': sb_addc(&s, '\r'); break;
		case 't': sb_addc(&s, '\t'); break;
		case 'u': {
			unsigned cp = jhex4(j);
			if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
				j->p += 2;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (jhex4(j) - 0xDC00);
			}
			sb_addcp(&s, cp);
			break;
		}
		default: j->bad = 1;
		}
	}
	if (!jeat(j, '"'))
		j->bad = 1;
	return sb_detach(&s);
}

static double jnumber(struct jp *j)
{
	char *e;
	double v;

	jws(j);
	v = strtod(j->p, &e);
	if (e == j->p || e > j->end)
		j->bad = 1;
	j->p = e;
	return v;
}

static void jskip(struct jp *j)
{
	jws(j);
	if (j->p >= j->end) {
		j->bad = 1;
		return;
	}
	if (*j->p == '"' || *j->p == 'n') {
		free(jstring(j));
	} else if (*j->p == 't' || *j->p == 'f') {
		while (j->p < j->end && a_isalpha((unsigned char)*j->p))
			j->p++;
	} else if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		j->p++;
		if (jeat(j, close))
			return;
		do {
			if (close == '}') {
				free(jstring(j));
				if (!jeat(j, ':'))
					j->bad = 1;
			}
			jskip(j);
		} while (!j->bad && jeat(j, ','));
		if (!jeat(j, close))
			j->bad = 1;
	} else {
		jnumber(j);
	}
}

static void jclip_parse(struct jp *j, struct jclip *c)
{
	memset(c, 0, sizeof(*c));
	c->segment = -1;
	c->start_frame = c->end_frame = -1;
	if (!jeat(j, '{')) {
		j->bad = 1;
		return;
	}
	if (jeat(j, '}'))
		return;
	do {
		char *k = jstring(j);
		char **str = NULL;
		if (!k || !jeat(j, ':')) {
			j->bad = 1;
			free(k);
			return;
		}
		if (!strcmp(k, "kind")) str = &c->kind;
		else if (!strcmp(k, "role")) str = &c->role;
		else if (!strcmp(k, "voice")) str = &c->voice;
		else if (!strcmp(k, "written")) str = &c->written;
		else if (!strcmp(k, "spoken")) str = &c->spoken;
		else if (!strcmp(k, "source")) str = &c->source;
		if (str) {
			free(*str);
			*str = jstring(j);
		} else if (!strcmp(k, "start")) c->start = jnumber(j);
		else if (!strcmp(k, "end")) c->end = jnumber(j);
		else if (!strcmp(k, "start_frame")) c->start_frame = (long long)jnumber(j);
		else if (!strcmp(k, "end_frame")) c->end_frame = (long long)jnumber(j);
		else if (!strcmp(k, "segment")) c->segment = (int)jnumber(j);
		else jskip(j);
		free(k);
	} while (!j->bad && jeat(j, ','));
	if (!jeat(j, '}'))
		j->bad = 1;
}

static void jtimeline_release(struct jtimeline *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct jclip *c = &t->v[i];
		free(c->kind); free(c->role); free(c->voice);
		free(c->written); free(c->spoken); free(c->source);
	}
	free(t->v);
	free(t->title);
	memset(t, 0, sizeof(*t));
}

/* Reads the timeline file; fails the test on a syntax error. */
static void jtimeline_load(const char *path, struct jtimeline *t)
{
	size_t len, cap = 0;
	char *buf = test_slurp(path, &len);
	struct jp j;

	memset(t, 0, sizeof(*t));
	t->frames = -1;
	if (!buf)
		fail_msg("%s: cannot read", path);
	j.p = buf;
	j.end = buf + len;
	j.bad = 0;
	if (!jeat(&j, '{'))
		j.bad = 1;
	while (!j.bad) {
		char *k = jstring(&j);
		if (!k || !jeat(&j, ':')) {
			j.bad = 1;
			free(k);
			break;
		}
		if (!strcmp(k, "title")) {
			free(t->title);
			t->title = jstring(&j);
		} else if (!strcmp(k, "rate")) {
			t->rate = jnumber(&j);
		} else if (!strcmp(k, "frames")) {
			t->frames = (long long)jnumber(&j);
		} else if (!strcmp(k, "seconds")) {
			t->seconds = jnumber(&j);
		} else if (!strcmp(k, "clips")) {
			if (!jeat(&j, '['))
				j.bad = 1;
			if (!j.bad && !jeat(&j, ']')) {
				do {
					xgrow((void **)&t->v, &cap, t->n + 1, sizeof(*t->v));
					jclip_parse(&j, &t->v[t->n++]);
				} while (!j.bad && jeat(&j, ','));
				if (!jeat(&j, ']'))
					j.bad = 1;
			}
		} else {
			jskip(&j);
		}
		free(k);
		if (!jeat(&j, ','))
			break;
	}
	if (!j.bad && !jeat(&j, '}'))
		j.bad = 1;
	jws(&j);
	if (!j.bad && j.p != j.end)
		j.bad = 1;
	{
		long off = (long)(j.p - buf);
		int bad = j.bad;
		free(buf);
		if (bad) {
			jtimeline_release(t);
			fail_msg("%s: JSON syntax error near byte %ld", path, off);
		}
	}
}

/* Frames to milliseconds the way the sidecars round: half up. */
static long long ms_of(long long frames, double rate)
{
	long long r = (long long)rate;
	return (frames * 1000 + r / 2) / r;
}

/* Frame of the first clip of segment `seg` (any kind), or -1. */
static long long seg_start(const struct jtimeline *t, int seg)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].segment == seg)
			return t->v[i].start_frame;
	return -1;
}

/* The segment numbers > 0 in order of first appearance; returns how many. */
static size_t segments(const struct jtimeline *t, int *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++) {
		int s = t->v[i].segment, seen = 0;
		if (s <= 0)
			continue;
		for (size_t k = 0; k < n; k++)
			seen |= out[k] == s;
		if (!seen && n < max)
			out[n++] = s;
	}
	return n;
}

/* Role of segment `seg` (from its first clip). */
static const char *seg_role(const struct jtimeline *t, int seg)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].segment == seg)
			return t->v[i].role ? t->v[i].role : "";
	return "";
}

/* Whitespace runs become one space, no space at either end (malloc'd). */
static char *squeeze(const char *s)
{
	struct sb b;
	int sp = 0;

	sb_init(&b);
	for (; *s; s++) {
		if (a_isspace((unsigned char)*s)) {
			sp = 1;
			continue;
		}
		if (sp && b.len)
			sb_addc(&b, ' ');
		sp = 0;
		sb_addc(&b, *s);
	}
	return sb_detach(&b);
}

/* ==== WAV: an independent RIFF chunk reader ============================= */

struct chunk {
	char id[5];
	size_t off, size;   /* body offset and size in bytes */
};

/* Lists the top-level chunks of a RIFF/WAVE file; fails on a broken layout. */
static size_t riff_chunks(const char *buf, size_t len, struct chunk *out, size_t max)
{
	size_t p = 12, n = 0;
	uint32_t riff;

	assert_true(len >= 12);
	assert_memory_equal(buf, "RIFF", 4);
	assert_memory_equal(buf + 8, "WAVE", 4);
	riff = (uint32_t)(unsigned char)buf[4] | (uint32_t)(unsigned char)buf[5] << 8 |
	       (uint32_t)(unsigned char)buf[6] << 16 | (uint32_t)(unsigned char)buf[7] << 24;
	if (riff != len - 8)
		fail_msg("RIFF size %u, file size %zu - 8", riff, len);
	while (p + 8 <= len) {
		const unsigned char *h = (const unsigned char *)buf + p;
		size_t sz = (size_t)h[4] | (size_t)h[5] << 8 | (size_t)h[6] << 16 | (size_t)h[7] << 24;
		if (p + 8 + sz > len)
			fail_msg("chunk %.4s at %zu runs past the end of the file", buf + p, p);
		if (n < max) {
			memcpy(out[n].id, h, 4);
			out[n].id[4] = '\0';
			out[n].off = p + 8;
			out[n].size = sz;
			n++;
		}
		p += 8 + sz + (sz & 1);
	}
	if (p != len)
		fail_msg("%zu stray bytes after the last chunk", len - p);
	return n;
}

static const struct chunk *find_chunk(const char *buf, const struct chunk *v, size_t n, const char *id,
				      const char *list_type)
{
	for (size_t i = 0; i < n; i++) {
		if (memcmp(v[i].id, id, 4) != 0)
			continue;
		if (list_type && (v[i].size < 4 || memcmp(buf + v[i].off, list_type, 4) != 0))
			continue;
		return &v[i];
	}
	return NULL;
}

static uint32_t le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static int16_t le16s(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (int16_t)(uint16_t)(u[0] | u[1] << 8);
}

/* Copies a fixed-size, maybe not NUL-terminated field into dst. */
static const char *field(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
	return dst;
}

/* Whether the fixed-size field equals `want`; else describes the difference in msg. */
static int fixed_is(char *msg, size_t cap, const char *what, const char *src, size_t n, const char *want)
{
	char f[300];
	if (strcmp(field(f, src, n), want) == 0)
		return 1;
	snprintf(msg, cap, "%s is '%s', expected '%s'", what, f, want);
	return 0;
}

/* ==== decoding and loudness ============================================= */

static double measure_lufs(const struct test_audio *d)
{
	ebur128_state *st = ebur128_init((unsigned)d->info.channels, (unsigned long)d->info.samplerate,
					 EBUR128_MODE_I);
	double lufs = 0;

	if (d->info.channels == 1)
		ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);
	ebur128_add_frames_float(st, d->frames, (size_t)d->n);
	ebur128_loudness_global(st, &lufs);
	ebur128_destroy(&st);
	return lufs;
}

/* ==== tests: timeline =================================================== */

static void check_timeline(const char *path, const struct jtimeline *t, long long wav_frames)
{
	long long prev_start = 0;
	int prev_seg = 0, speech = 0;

	assert_true(t->rate == 48000);
	if (t->frames != wav_frames)
		fail_msg("%s: timeline frames %lld, WAV frames %lld", path, t->frames, wav_frames);
	assert_true(fabs(t->seconds - (double)t->frames / t->rate) < 1e-6);
	assert_true(t->n > 0);
	for (size_t i = 0; i < t->n; i++) {
		const struct jclip *c = &t->v[i];
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
	out = squeeze(s.buf);
	sb_release(&s);
	return out;
}

static char *speech_joined(const struct jtimeline *t)
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
	out = squeeze(s.buf);
	sb_release(&s);
	return out;
}

static void timeline_of(const char *json, const char *wav, const char *article)
{
	struct jtimeline t;
	SF_INFO info = { 0 };
	SNDFILE *f = sf_open(wav, SFM_READ, &info);
	char *a, *b;

	assert_non_null(f);
	sf_close(f);
	if (!python_json_ok(json))
		fail_msg("%s: python3 json.load fails", json);
	jtimeline_load(json, &t);
	check_timeline(json, &t, info.frames);
	a = speech_joined(&t);
	b = sentences_joined(article);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "speech clips: %s\nsentences:    %s\n", a, b);
		free(a);
		free(b);
		jtimeline_release(&t);
		fail_msg("written texts of the speech clips differ from `sprecher sentences`");
	}
	free(a);
	free(b);
	jtimeline_release(&t);
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
		struct jtimeline t;
		jtimeline_load(test_path("a.json"), &t);
		assert_non_null(t.title);
		assert_string_equal(t.title, TITLE);
		jtimeline_release(&t);
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
	struct jtimeline t;
	long long dur;
	size_t used = 0;
	char msg[600] = "";

	parse_captions(path, srt, &cs);
	jtimeline_load(json, &t);
	dur = ms_of(t.frames, t.rate);
	if (cs.n == 0)
		snprintf(msg, sizeof(msg), "no cues");
	for (size_t i = 0; i < cs.n && !*msg; i++) {
		if (cs.v[i].end <= cs.v[i].start || cs.v[i].end > dur ||
		    (i > 0 && cs.v[i].start < cs.v[i - 1].end))
			snprintf(msg, sizeof(msg), "cue %zu: %lld..%lld ms (previous ends %lld, file %lld ms)", i + 1,
				 cs.v[i].start, cs.v[i].end, i ? cs.v[i - 1].end : 0, dur);
	}
	for (size_t k = 0; k < t.n && !*msg; k++) {
		const struct jclip *c = &t.v[k];
		long long a = ms_of(c->start_frame, t.rate), b = ms_of(c->end_frame, t.rate);
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
		want = squeeze(c->written);
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
	jtimeline_release(&t);
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
	struct jtimeline t;
	int segs[256];
	size_t nseg, n = 0, len;
	char *buf = test_slurp(path, &len), msg[400] = "";
	double prev = -1;

	assert_non_null(buf);
	jtimeline_load(json, &t);
	nseg = segments(&t, segs, 256);
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
		else if (fabs(a - (double)seg_start(&t, segs[n]) / t.rate) > 0.001)
			snprintf(msg, sizeof(msg), "line %zu: start %.6f, segment %d starts at %.6f", n + 1, a,
				 segs[n], (double)seg_start(&t, segs[n]) / t.rate);
		else if (role = seg_role(&t, segs[n]), strncmp(tab2 + 1, role, strlen(role)) != 0 ||
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
	jtimeline_release(&t);
	if (*msg)
		fail_msg("%s: %s", path, msg);
}

/* Chapter starts expected: 0 (the title) and every heading segment's start. */
static size_t expected_chapters(const struct jtimeline *t, long long *start, char **title, size_t max)
{
	int segs[256];
	size_t nseg = segments(t, segs, 256), n = 0;

	start[n] = 0;
	title[n++] = t->title;
	for (size_t i = 0; i < nseg && n < max; i++) {
		if (strcmp(seg_role(t, segs[i]), "heading") != 0)
			continue;
		long long f = seg_start(t, segs[i]);
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
	struct jtimeline t;
	long long want[64], start = -1, end = -1, prev_end = 0;
	char *wtitle[64], *buf, msg[400] = "", ctitle[300] = "";
	size_t nwant, n = 0, len;
	int in_chapter = 0, saw_title = 0;

	jtimeline_load(json, &t);
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
	jtimeline_release(&t);
	if (*msg)
		fail_msg("%s: %s", path, msg);
}

static void check_cue_sheet(const char *path, const char *json, const char *audio_name)
{
	struct jtimeline t;
	long long want[64];
	char *wtitle[64], *buf, msg[400] = "";
	size_t nwant, tracks = 0, len;
	int file = 0, title = 0, index_seen = 1;

	jtimeline_load(json, &t);
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
	jtimeline_release(&t);
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

/* ==== tests: chunks inside the WAV ====================================== */

static void test_wav_chunks(void **state)
{
	struct chunk ch[32];
	struct jtimeline t;
	struct test_audio d;
	int segs[256];
	size_t len, n, nseg, nlabl = 0;
	char *buf, f[300], msg[600] = "", bug[600] = "";
	const struct chunk *fmt, *data, *bext, *cart, *cue, *adtl;
	uint32_t ncue;
	uint32_t raw_off[256];

	(void)state;
	need("wav24");
	jtimeline_load(test_path("a.json"), &t);
	nseg = segments(&t, segs, 256);
	buf = test_slurp(test_path("a.wav"), &len);
	assert_non_null(buf);
	n = riff_chunks(buf, len, ch, 32);
	fmt = find_chunk(buf, ch, n, "fmt ", NULL);
	data = find_chunk(buf, ch, n, "data", NULL);
	bext = find_chunk(buf, ch, n, "bext", NULL);
	cart = find_chunk(buf, ch, n, "cart", NULL);
	cue = find_chunk(buf, ch, n, "cue ", NULL);
	adtl = find_chunk(buf, ch, n, "LIST", "adtl");
	if (!fmt || !data || !bext || !cart || !cue || !adtl) {
		snprintf(msg, sizeof(msg), "missing chunk:%s%s%s%s%s%s", fmt ? "" : " fmt", data ? "" : " data",
			 bext ? "" : " bext", cart ? "" : " cart", cue ? "" : " cue", adtl ? "" : " LIST/adtl");
		goto out;
	}
	/* data length agrees with the timeline */
	{
		unsigned align = (unsigned char)buf[fmt->off + 12] | (unsigned char)buf[fmt->off + 13] << 8;
		if (!align || data->size / align != (size_t)t.frames) {
			snprintf(msg, sizeof(msg), "data chunk %zu bytes / %u, timeline %lld frames", data->size,
				 align, t.frames);
			goto out;
		}
	}
	/* cue: one point per segment, each within 1 ms of the segment start */
	ncue = le32(buf + cue->off);
	if (cue->size != 4 + 24 * (size_t)ncue || ncue != nseg || ncue > 256) {
		snprintf(msg, sizeof(msg), "cue chunk: %u points in %zu bytes, %zu segments", ncue, cue->size, nseg);
		goto out;
	}
	for (uint32_t i = 0; i < ncue; i++) {
		const char *p = buf + cue->off + 4 + 24 * i;
		long long want = seg_start(&t, segs[i]);
		raw_off[i] = le32(p + 20);
		if (le32(p) != i + 1 || memcmp(p + 8, "data", 4) != 0 || le32(p + 12) != 0 || le32(p + 16) != 0 ||
		    llabs((long long)le32(p + 20) - want) > 48) {
			snprintf(msg, sizeof(msg), "cue point %u: id %u, offset %u, segment %d starts at frame %lld",
				 i + 1, le32(p), le32(p + 20), segs[i], want);
			goto out;
		}
	}
	/* LIST/adtl: one labl per cue point, named "SEG ROLE: ..." */
	for (size_t p = adtl->off + 4; p + 8 <= adtl->off + adtl->size;) {
		size_t sz = le32(buf + p + 4);
		const char *txt = buf + p + 12;
		size_t tl;
		if (memcmp(buf + p, "labl", 4) != 0) {
			p += 8 + sz + (sz & 1);
			continue;
		}
		if (sz < 5 || p + 8 + sz > adtl->off + adtl->size || !memchr(txt, '\0', sz - 4)) {
			snprintf(msg, sizeof(msg), "labl %zu: broken (%zu bytes)", nlabl + 1, sz);
			goto out;
		}
		tl = strlen(txt);
		{
			uint32_t id = le32(buf + p + 8);
			char head[64];
			if (id < 1 || id > ncue) {
				snprintf(msg, sizeof(msg), "labl for cue id %u of %u", id, ncue);
				goto out;
			}
			snprintf(head, sizeof(head), "%d %s: ", segs[id - 1], seg_role(&t, segs[id - 1]));
			if (strncmp(txt, head, strlen(head)) != 0 || tl <= strlen(head)) {
				snprintf(msg, sizeof(msg), "labl %u: '%s' does not start with '%s'", id, txt, head);
				goto out;
			}
			if (utf8_validate(txt, tl, &(size_t){ 0 }, &(size_t){ 0 }) != 0 && !*bug)
				snprintf(bug, sizeof(bug),
					 "labl %u is not valid UTF-8 (cut inside a character): '%s' "
					 "[src/render.c fill_cues: \"%%.60s\" cuts bytes]", id, txt);
		}
		nlabl++;
		p += 8 + sz + (sz & 1);
	}
	if (nlabl != ncue) {
		snprintf(msg, sizeof(msg), "%zu labl entries for %u cue points", nlabl, ncue);
		goto out;
	}
	/* bext: BWF v2 with loudness */
	{
		const char *b = buf + bext->off;
		int16_t lv = le16s(b + 412), tp = le16s(b + 416);
		if (bext->size < 602) {
			snprintf(msg, sizeof(msg), "bext: %zu bytes", bext->size);
			goto out;
		}
		if (!fixed_is(msg, sizeof(msg), "bext description", b, 256, TITLE_ASCII) ||
		    !fixed_is(msg, sizeof(msg), "bext originator", b + 256, 32, "sprecher") ||
		    !fixed_is(msg, sizeof(msg), "bext origination date", b + 320, 10, "2026-01-01") ||
		    !fixed_is(msg, sizeof(msg), "bext origination time", b + 330, 8, "00:00:00"))
			goto out;
		if (le16s(b + 346) != 2) {
			snprintf(msg, sizeof(msg), "bext version %d", le16s(b + 346));
			goto out;
		}
		test_decode(test_path("a.wav"), &d);
		{
			double lufs = measure_lufs(&d);
			free(d.frames);
			if (abs(lv + 2300) > 30 || fabs(lv / 100.0 - lufs) > 0.15 || tp > -100 || tp < -2000)
				snprintf(msg, sizeof(msg), "bext loudness %.2f LUFS (measured %.2f), true peak %.2f dBTP",
					 lv / 100.0, lufs, tp / 100.0);
		}
		if (*msg)
			goto out;
		if (strncmp(b + 602, "A=PCM", 5) != 0) {
			snprintf(msg, sizeof(msg), "bext coding history '%.40s'", b + 602);
			goto out;
		}
	}
	/* cart: AES46 */
	{
		const char *c = buf + cart->off;
		if (cart->size < 2048) {
			snprintf(msg, sizeof(msg), "cart: %zu bytes", cart->size);
			goto out;
		}
		if (!fixed_is(msg, sizeof(msg), "cart version", c, 4, "0101") ||
		    !fixed_is(msg, sizeof(msg), "cart title", c + 4, 64, TITLE_ASCII) ||
		    !fixed_is(msg, sizeof(msg), "cart artist", c + 68, 64, "sprecher") ||
		    !fixed_is(msg, sizeof(msg), "cart category", c + 260, 64, "NEWS") ||
		    !fixed_is(msg, sizeof(msg), "cart start date", c + 452, 10, "2026-01-01") ||
		    !fixed_is(msg, sizeof(msg), "cart end date", c + 470, 10, "9999-12-31"))
			goto out;
	}
	/* the same through libsndfile */
	{
		SF_INFO info = { 0 };
		SNDFILE *sf = sf_open(test_path("a.wav"), SFM_READ, &info);
		SF_CUES cues;
		SF_BROADCAST_INFO bi;
		SF_CART_INFO ci;
		uint32_t count = 0;

		if (!sf) {
			snprintf(msg, sizeof(msg), "libsndfile: %s", sf_strerror(NULL));
			goto out;
		}
		memset(&cues, 0, sizeof(cues));
		memset(&bi, 0, sizeof(bi));
		memset(&ci, 0, sizeof(ci));
		if (!sf_command(sf, SFC_GET_CUE_COUNT, &count, sizeof(count)) || count != ncue ||
		    !sf_command(sf, SFC_GET_CUE, &cues, sizeof(cues)) || cues.cue_count != ncue)
			snprintf(msg, sizeof(msg), "libsndfile: %u cue points, expected %u", count, ncue);
		for (uint32_t i = 0; i < ncue && i < 100 && !*msg; i++)
			if (cues.cue_points[i].sample_offset != raw_off[i] || cues.cue_points[i].position != raw_off[i])
				snprintf(msg, sizeof(msg), "libsndfile: cue %u at %u, raw %u", i + 1,
					 cues.cue_points[i].sample_offset, raw_off[i]);
		if (!*msg && (!sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof(bi)) ||
			      strcmp(field(f, bi.description, 256), TITLE_ASCII) ||
			      strcmp(field(f, bi.originator, 32), "sprecher") ||
			      strcmp(field(f, bi.origination_date, 10), "2026-01-01") || bi.version != 2 ||
			      bi.loudness_value != le16s(buf + bext->off + 412)))
			snprintf(msg, sizeof(msg), "libsndfile: bext reads back wrong");
		if (!*msg && (!sf_command(sf, SFC_GET_CART_INFO, &ci, sizeof(ci)) ||
			      strcmp(field(f, ci.title, 64), TITLE_ASCII) || strcmp(field(f, ci.artist, 64), "sprecher")))
			snprintf(msg, sizeof(msg), "libsndfile: cart reads back wrong");
		sf_close(sf);
	}
out:
	free(buf);
	jtimeline_release(&t);
	if (*msg)
		fail_msg("%s", msg);
	if (*bug)
		fail_msg("PRODUCT DEFECT: %s", bug);
}

/* ==== tests: every output format ======================================== */

struct fmt_case {
	const char *job, *file;
	int type, sub; /* expected SF_FORMAT_*; sub 0 = any */
	double slack;  /* seconds of codec padding allowed */
};

static void test_formats(void **state)
{
	static const struct fmt_case cases[] = {
		{ "wav24", "a.wav", SF_FORMAT_WAV, SF_FORMAT_PCM_24, 0 },
		{ "wav16", "w16.wav", SF_FORMAT_WAV, SF_FORMAT_PCM_16, 0 },
		{ "wav32f", "w32.wav", SF_FORMAT_WAV, SF_FORMAT_FLOAT, 0 },
		{ "flac24", "a.flac", SF_FORMAT_FLAC, SF_FORMAT_PCM_24, 0 },
		{ "flac16", "f16.flac", SF_FORMAT_FLAC, SF_FORMAT_PCM_16, 0 },
		{ "ogg", "a.ogg", SF_FORMAT_OGG, SF_FORMAT_VORBIS, 0.1 },
		{ "opus", "a.opus", SF_FORMAT_OGG, SF_FORMAT_OPUS, 0.1 },
		{ "mp3", "a.mp3", SF_FORMAT_MPEG, 0, 0.1 },
	};
	struct test_audio ref;
	char msg[600] = "", bug[600] = "";

	(void)state;
	need("wav24");
	test_decode(test_path("a.wav"), &ref);
	free(ref.frames);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !*msg; i++) {
		const struct fmt_case *c = &cases[i];
		struct test_audio d;
		double lufs, dt;
		need(c->job);
		test_decode(test_path(c->file), &d);
		lufs = measure_lufs(&d);
		free(d.frames);
		dt = fabs((double)(d.n - ref.n) / 48000.0);
		if ((d.info.format & SF_FORMAT_TYPEMASK) != c->type ||
		    (c->sub && (d.info.format & SF_FORMAT_SUBMASK) != c->sub))
			snprintf(msg, sizeof(msg), "%s: format 0x%x", c->file, d.info.format);
		else if (d.info.samplerate != 48000 || d.info.channels != 2)
			snprintf(msg, sizeof(msg), "%s: %d Hz, %d channels", c->file, d.info.samplerate,
				 d.info.channels);
		else if (d.n != d.info.frames || dt > c->slack)
			snprintf(msg, sizeof(msg), "%s: %lld frames decoded (header %lld), WAV %lld", c->file,
				 (long long)d.n, (long long)d.info.frames, (long long)ref.n);
		else if (fabs(lufs + 23) > 0.5)
			snprintf(msg, sizeof(msg), "%s: %.2f LUFS", c->file, lufs);
		/* ID3v2.3 keeps the year only */
		else if (strcmp(d.artist, "sprecher") ||
			 strncmp(d.date, "2026-01-01", strstr(c->file, ".mp3") ? 4 : 10))
			snprintf(msg, sizeof(msg), "%s: tags artist '%s' date '%s'", c->file, d.artist, d.date);
		else if (strcmp(d.title, TITLE) != 0 && !*bug)
			/*
			 * The title has non-ASCII letters; libsndfile hands sf_set_string
			 * text to LAME as Latin-1 (libsndfile issue #915), so the writer
			 * must convert UTF-8 to Latin-1 for MP3 or players show mojibake.
			 */
			snprintf(bug, sizeof(bug), "%s: title tag reads back as '%s' [src/audiofile.c: MP3 tags "
				 "must be converted to Latin-1 before sf_set_string]", c->file, d.title);
	}
	if (*msg)
		fail_msg("%s", msg);
	if (*bug)
		fail_msg("PRODUCT DEFECT: %s", bug);
}

/* --artist and --date reach the tags and the BWF/cart chunks. */
static void test_artist_and_date(void **state)
{
	struct test_audio d;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	SF_BROADCAST_INFO bi;
	SF_CART_INFO ci;
	char f[300], msg[400] = "";

	(void)state;
	need("tags");
	test_decode(test_path("t.wav"), &d);
	free(d.frames);
	assert_string_equal(d.artist, "Redaktion Süd");
	assert_string_equal(d.date, "2025-12-24 18:30:00");
	sf = sf_open(test_path("t.wav"), SFM_READ, &info);
	assert_non_null(sf);
	memset(&bi, 0, sizeof(bi));
	memset(&ci, 0, sizeof(ci));
	if (!sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof(bi)) ||
	    strcmp(field(f, bi.origination_date, 10), "2025-12-24") ||
	    strcmp(field(f, bi.origination_time, 8), "18:30:00"))
		snprintf(msg, sizeof(msg), "bext date '%.10s' time '%.8s'", bi.origination_date, bi.origination_time);
	else if (!sf_command(sf, SFC_GET_CART_INFO, &ci, sizeof(ci)) ||
		 strcmp(field(f, ci.artist, 64), "Redaktion Sued") || strcmp(field(f, ci.start_date, 10), "2025-12-24"))
		snprintf(msg, sizeof(msg), "cart artist '%.64s' start date '%.10s'", ci.artist, ci.start_date);
	sf_close(sf);
	if (*msg)
		fail_msg("%s", msg);
}

/* --quality and --bitrate change the size of lossy files. */
static void test_quality_and_bitrate(void **state)
{
	static const char *const pairs[][4] = {
		{ "ogg-q1", "q1.ogg", "ogg-q9", "q9.ogg" },
		{ "opus-b24", "b24.opus", "opus-b128", "b128.opus" },
		{ "mp3-b64", "b64.mp3", "mp3-b256", "b256.mp3" },
		{ "mp3-q0", "q0.mp3", "mp3-q1", "q10.mp3" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		off_t small, big;
		need(pairs[i][0]);
		need(pairs[i][2]);
		small = file_size(test_path(pairs[i][1]));
		big = file_size(test_path(pairs[i][3]));
		if (small <= 0 || big < small * 3 / 2)
			fail_msg("%s %lld bytes, %s %lld bytes", pairs[i][1], (long long)small, pairs[i][3],
				 (long long)big);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_captions),
		cmocka_unit_test(test_captions_split_and_escape),
		cmocka_unit_test(test_labels_and_chapters),
		cmocka_unit_test(test_wav_chunks),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_artist_and_date),
		cmocka_unit_test(test_quality_and_bitrate),
	};

	return cmocka_run_group_tests_name("deliver", tests, group_setup, group_teardown);
}
