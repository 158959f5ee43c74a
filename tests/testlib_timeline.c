/*
 * testlib_timeline.c - a small tolerant reader of the timeline JSON
 * (--timeline) for the end-to-end tests, and what they ask of it: segment
 * starts and roles, milliseconds as the sidecars round them. Declared in
 * testutil.h; linked into every test binary.
 */
#include "testutil.h"

#include "util.h"

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

static void jclip_parse(struct jp *j, struct test_clip *c)
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

void test_timeline_release(struct test_timeline *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct test_clip *c = &t->v[i];
		free(c->kind); free(c->role); free(c->voice);
		free(c->written); free(c->spoken); free(c->source);
	}
	free(t->v);
	free(t->title);
	memset(t, 0, sizeof(*t));
}

/* Reads the timeline file; fails the test on a syntax error. */
void test_timeline_load(const char *path, struct test_timeline *t)
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
			test_timeline_release(t);
			fail_msg("%s: JSON syntax error near byte %ld", path, off);
		}
	}
}

/* Frames to milliseconds the way the sidecars round: half up. */
long long test_ms_of(long long frames, double rate)
{
	long long r = (long long)rate;
	return (frames * 1000 + r / 2) / r;
}

/* Frame of the first clip of segment `seg` (any kind), or -1. */
long long test_timeline_seg_start(const struct test_timeline *t, int seg)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].segment == seg)
			return t->v[i].start_frame;
	return -1;
}

/* The segment numbers > 0 in order of first appearance; returns how many. */
size_t test_timeline_segments(const struct test_timeline *t, int *out, size_t max)
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
const char *test_timeline_seg_role(const struct test_timeline *t, int seg)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].segment == seg)
			return t->v[i].role ? t->v[i].role : "";
	return "";
}

/* Whitespace runs become one space, no space at either end (malloc'd). */
char *test_squeeze(const char *s)
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
