/*
 * rundown.c - reading a show's rundown (INI via inih) into items.
 *
 * Two steps: inih collects the sections and their key/value lines (our
 * line reader counts lines, since the handler of Debian's inih is not given
 * them), then each section is interpreted as an item and the whole is
 * checked (files readable, beds ending, one closer at the end).
 */
#include "rundown.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <ini.h>

static const char *const kind_names[RD__COUNT] = {
	[RD_ARTICLE] = "article", [RD_TEXT] = "text", [RD_TIME] = "time",
	[RD_JINGLE] = "jingle", [RD_SILENCE] = "silence", [RD_BED] = "bed",
};

const char *rd_kind_name(enum rd_kind k)
{
	return (unsigned)k < RD__COUNT ? kind_names[k] : "?";
}

/* ---- collecting sections --------------------------------------------- */

struct entry {
	char *key;
	struct sb value;
	int line;
};

struct section {
	char name[64];
	int line;
	struct entry *e;
	size_t n, cap;
};

struct parse {
	FILE *f;
	const char *path;
	int line;                 /* lines read so far */
	int cont;                 /* the current line starts with a blank */
	int too_long;             /* line of a line longer than inih's buffer */
	struct section *s;
	size_t n, cap;
	char bad[512];
	int bad_line;
};

static int bad(struct parse *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(struct parse *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (p->bad_line)
		return 0;
	va_start(ap, fmt);
	vsnprintf(p->bad, sizeof(p->bad), fmt, ap);
	va_end(ap);
	p->bad_line = line;
	return 0;
}

/* Trims ASCII blanks from both ends of s[0..n) into out. */
static void trim_into(char *out, size_t cap, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	snprintf(out, cap, "%.*s", (int)n, s);
}

/* inih's line reader: counts lines and notes section headers itself. */
static char *read_line(char *buf, int size, void *user)
{
	struct parse *p = user;
	size_t len;
	const char *t;

	if (!fgets(buf, size, p->f))
		return NULL;
	p->line++;
	len = strlen(buf);
	if (len == (size_t)size - 1 && buf[len - 1] != '\n' && !p->too_long)
		p->too_long = p->line;
	p->cont = buf[0] == ' ' || buf[0] == '\t';
	t = buf;
	while (*t == ' ' || *t == '\t')
		t++;
	if (*t == '[') {
		const char *close = strchr(t, ']');
		struct section *s;

		XGROW(p->s, p->cap, p->n + 1);
		s = &p->s[p->n++];
		memset(s, 0, sizeof(*s));
		s->line = p->line;
		if (close)
			trim_into(s->name, sizeof(s->name), t + 1, (size_t)(close - t - 1));
	}
	return buf;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct section *s;
	struct entry *en;

	(void)section;
	if (p->too_long)
		return bad(p, p->too_long, "line too long (continue a text on indented lines)");
	if (!p->n)
		return bad(p, p->line, "'%s' outside a section (start with [show] or an item)", name);
	s = &p->s[p->n - 1];
	if (p->cont && s->n && !strcmp(s->e[s->n - 1].key, name)) {
		/* an indented continuation line of the last value */
		sb_addc(&s->e[s->n - 1].value, ' ');
		sb_adds(&s->e[s->n - 1].value, value);
		return 1;
	}
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].key, name))
			return bad(p, p->line, "'%s' given twice in [%s] (first on line %d)", name,
				   s->name, s->e[i].line);
	XGROW(s->e, s->cap, s->n + 1);
	en = &s->e[s->n++];
	en->key = xstrdup(name);
	sb_init(&en->value);
	sb_adds(&en->value, value);
	en->line = p->line;
	return 1;
}

static void parse_release(struct parse *p)
{
	for (size_t i = 0; i < p->n; i++) {
		for (size_t j = 0; j < p->s[i].n; j++) {
			free(p->s[i].e[j].key);
			sb_release(&p->s[i].e[j].value);
		}
		free(p->s[i].e);
	}
	free(p->s);
}

/* ---- values ----------------------------------------------------------- */

int rundown_parse_duration(const char *s, int *ms)
{
	char *end;
	double v, min = 0;
	const char *colon = strchr(s, ':');

	if (colon) {
		long m = strtol(s, &end, 10);
		if (end != colon || m < 0 || s == colon)
			return -1;
		min = (double)m;
		s = colon + 1;
		if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'))
			return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0 || *s == '-' || *s == '+')
		return -1;
	if (colon && (v >= 60 || *end))
		return -1;
	if (!strcmp(end, "ms"))
		v /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	v += min * 60;
	if (v > 24 * 3600)
		return -1;
	*ms = (int)lround(v * 1000);
	return 0;
}

static int parse_gain(const char *s, double *db)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	if (!strcmp(end, " dB") || !strcmp(end, "dB") || !strcmp(end, "db"))
		end += strlen(end);
	if (*end || isnan(v) || v > 40 || v == INFINITY)
		return -1;
	*db = v;
	return 0;
}

static int parse_bool(const char *s, int *out)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "ja"))
		*out = 1;
	else if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "nein"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* path resolved against the rundown's directory; caller frees */
static char *resolve(const char *rundown, const char *file)
{
	const char *slash = strrchr(rundown, '/');
	struct sb s;

	if (file[0] == '/' || !slash)
		return xstrdup(file);
	sb_init(&s);
	sb_add(&s, rundown, (size_t)(slash - rundown + 1));
	sb_adds(&s, file);
	return sb_detach(&s);
}

/* ---- items ------------------------------------------------------------ */

enum vtype { V_DUR, V_GAIN, V_DEPTH, V_BOOL, V_STR, V_FILE, V_TEXT };

#define K(k) (1u << (k))
#define K_SPEECH (K(RD_ARTICLE) | K(RD_TEXT) | K(RD_TIME))
#define K_ALL ((1u << RD__COUNT) - 1)

static const struct key {
	const char *name;
	unsigned kinds;
	enum vtype type;
	size_t off, size;
} item_keys[] = {
#define F(f) offsetof(struct rd_item, f)
#define FS(f) offsetof(struct rd_item, f), sizeof(((struct rd_item *)0)->f)
	{ "file", K(RD_ARTICLE) | K(RD_JINGLE) | K(RD_BED), V_FILE, F(path), 0 },
	{ "text", K(RD_TEXT), V_TEXT, F(text), 0 },
	{ "at", K(RD_TIME), V_STR, FS(at) },
	{ "voice", K_SPEECH, V_STR, FS(voice) },
	{ "keep_footer", K(RD_ARTICLE), V_BOOL, F(keep_footer), 0 },
	{ "length", K(RD_SILENCE), V_DUR, F(length_ms), 0 },
	{ "until", K(RD_BED), V_STR, FS(until) },
	{ "duck_depth", K(RD_BED), V_DEPTH, F(duck.depth_db), 0 },
	{ "duck_down", K(RD_BED), V_DUR, F(duck.down_ms), 0 },
	{ "duck_hold", K(RD_BED), V_DUR, F(duck.hold_ms), 0 },
	{ "duck_up", K(RD_BED), V_DUR, F(duck.up_ms), 0 },
	{ "loop_crossfade", K(RD_BED), V_DUR, F(loop_crossfade_ms), 0 },
	{ "gain", K_ALL & ~K(RD_SILENCE), V_GAIN, F(gain_db), 0 },
	{ "fade_in", K(RD_JINGLE) | K(RD_BED), V_DUR, F(fade_in_ms), 0 },
	{ "fade_out", K(RD_JINGLE) | K(RD_BED), V_DUR, F(fade_out_ms), 0 },
	{ "crossfade", K_ALL & ~K(RD_BED), V_DUR, F(crossfade_ms), 0 },
	{ "overlap", K_ALL & ~K(RD_BED), V_DUR, F(overlap_ms), 0 },
	{ "pause", K_ALL & ~K(RD_BED), V_DUR, F(pause_ms), 0 },
	{ "closer", K_ALL & ~K(RD_BED), V_BOOL, F(closer), 0 },
	{ "kind", K_ALL, V_STR, 0, 0 },
#undef F
#undef FS
};

static const char *type_hint(enum vtype t)
{
	switch (t) {
	case V_DUR: return "a duration such as 1.5s, 200ms or 3:00";
	case V_GAIN: return "a gain in dB such as -6";
	case V_DEPTH: return "a depth in dB from 0 to 60";
	case V_BOOL: return "yes or no";
	default: return "a value";
	}
}

/* Stores one value of an item; 0, -1 with a message in `e`, or -2: not a value of its type. */
static int set_value(const struct key *k, void *base, const char *value, const char *rundown,
		     struct err *e)
{
	char *p = (char *)base + k->off;
	double d;

	switch (k->type) {
	case V_DUR:
		return rundown_parse_duration(value, (int *)p) ? -2 : 0;
	case V_GAIN:
		return parse_gain(value, (double *)p) ? -2 : 0;
	case V_DEPTH:
		if (parse_gain(value, &d) || d < 0 || d > 60)
			return -2;
		*(double *)p = d;
		return 0;
	case V_BOOL:
		return parse_bool(value, (int *)p) ? -2 : 0;
	case V_STR:
		if (!*value || strlen(value) >= k->size)
			return -2;
		snprintf(p, k->size, "%s", value);
		return 0;
	case V_FILE: {
		char *path = resolve(rundown, value);
		struct stat st;

		free(*(char **)p);
		*(char **)p = path;
		if (!*value)
			return -2;
		if (stat(path, &st) || access(path, R_OK))
			return err_set(e, "%s: cannot read: %s", path, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return err_set(e, "%s: not a file", path);
		return 0;
	}
	case V_TEXT:
		free(*(char **)p);
		*(char **)p = xstrdup(value);
		return *value ? 0 : -2;
	}
	return 0;
}

static void item_defaults(struct rd_item *it)
{
	memset(it, 0, sizeof(*it));
	it->pause_ms = -1;
	it->length_ms = -1;
	it->duck.depth_db = RD_DUCK_DEPTH_DB;
	it->duck.down_ms = RD_DUCK_DOWN_MS;
	it->duck.hold_ms = RD_DUCK_HOLD_MS;
	it->duck.up_ms = RD_DUCK_UP_MS;
	it->loop_crossfade_ms = RD_LOOP_CROSSFADE_MS;
}

static int load_item(const struct section *s, const char *path, struct rd_item *it, struct err *e)
{
	const struct entry *kind = NULL;
	int k;

	item_defaults(it);
	snprintf(it->name, sizeof(it->name), "%s", s->name);
	it->line = s->line;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].key, "kind"))
			kind = &s->e[i];
	if (!kind)
		return err_set(e, "%s:%d: item [%s] has no kind (article, text, time, jingle, silence, bed)",
			       path, s->line, s->name);
	for (k = 0; k < RD__COUNT && strcmp(kind->value.buf, kind_names[k]); k++)
		;
	if (k == RD__COUNT)
		return err_set(e, "%s:%d: unknown item kind '%s' (article, text, time, jingle, silence, bed)",
			       path, kind->line, kind->value.buf);
	it->kind = (enum rd_kind)k;
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *en = &s->e[i];
		const struct key *key = NULL;
		struct err ve = { { 0 } };

		for (size_t j = 0; j < ARRAY_LEN(item_keys); j++)
			if (!strcmp(item_keys[j].name, en->key))
				key = &item_keys[j];
		if (!key || !(key->kinds & K(k)))
			return err_set(e, "%s:%d: unknown key '%s' for a %s item", path, en->line, en->key,
				       kind_names[k]);
		if (key == &item_keys[ARRAY_LEN(item_keys) - 1])
			continue;
		int r = set_value(key, it, en->value.buf, path, &ve);

		if (r == -1)
			return err_set(e, "%s:%d: %s", path, en->line, ve.msg);
		if (r) {
			return err_set(e, "%s:%d: %s must be %s, not '%s'", path, en->line, en->key,
				       type_hint(key->type), en->value.buf);
		}
		if (!strcmp(en->key, "crossfade") || !strcmp(en->key, "overlap")) {
			if (it->overlap_line)
				return err_set(e, "%s:%d: give either crossfade or overlap, not both",
					       path, en->line);
			it->overlap_line = en->line;
		}
	}
	return 0;
}

/* ---- the show ----------------------------------------------------------- */

static int load_show(const struct section *s, const char *path, struct rundown *rd, struct err *e)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *en = &s->e[i];
		const char *k = en->key, *v = en->value.buf;
		int bad_value = 0;

		if (!strcmp(k, "title"))
			snprintf(rd->title, sizeof(rd->title), "%s", v);
		else if (!strcmp(k, "artist"))
			snprintf(rd->artist, sizeof(rd->artist), "%s", v);
		else if (!strcmp(k, "voice"))
			bad_value = !*v || snprintf(rd->voice, sizeof(rd->voice), "%s", v) >= (int)sizeof(rd->voice);
		else if (!strcmp(k, "date"))
			bad_value = !*v || snprintf(rd->date, sizeof(rd->date), "%s", v) >= (int)sizeof(rd->date);
		else if (!strcmp(k, "length")) {
			bad_value = rundown_parse_duration(v, &rd->length_ms) || rd->length_ms <= 0;
			rd->length_line = en->line;
		} else if (!strcmp(k, "pause"))
			bad_value = rundown_parse_duration(v, &rd->pause_ms);
		else if (!strcmp(k, "speech_gain"))
			bad_value = parse_gain(v, &rd->speech_gain_db);
		else
			return err_set(e, "%s:%d: unknown key '%s' in [show] (title, length, date, voice, artist, pause, speech_gain)",
				       path, en->line, k);
		if (bad_value)
			return err_set(e, "%s:%d: bad %s '%s'", path, en->line, k, v);
	}
	return 0;
}

static int check_time(const char *at)
{
	int h, m = 0, n = 0;

	if (!*at)
		return 0;
	if (sscanf(at, "%d:%2d%n", &h, &m, &n) != 2 || at[n]) {
		n = 0;
		if (sscanf(at, "%d%n", &h, &n) != 1 || at[n])
			return -1;
		m = 0;
	}
	return h < 0 || h > 23 || m < 0 || m > 59 ? -1 : 0;
}

/* What a whole rundown must hold beyond each item's keys. */
static int check_items(struct rundown *rd, struct err *e)
{
	const char *p = rd->path;
	size_t closer = rd->n;

	for (size_t i = 0; i < rd->n; i++) {
		struct rd_item *it = &rd->items[i];

		for (size_t j = 0; j < i; j++)
			if (!strcmp(rd->items[j].name, it->name))
				return err_set(e, "%s:%d: item name [%s] used twice (first on line %d)", p,
					       it->line, it->name, rd->items[j].line);
		if (!it->path && (it->kind == RD_ARTICLE || it->kind == RD_JINGLE || it->kind == RD_BED))
			return err_set(e, "%s:%d: %s item [%s] needs 'file ='", p, it->line,
				       kind_names[it->kind], it->name);
		if (it->kind == RD_TEXT && !it->text)
			return err_set(e, "%s:%d: text item [%s] needs 'text ='", p, it->line, it->name);
		if (it->kind == RD_SILENCE && it->length_ms <= 0)
			return err_set(e, "%s:%d: silence [%s] needs 'length =' above 0", p, it->line, it->name);
		if (it->kind == RD_TIME && check_time(it->at))
			return err_set(e, "%s:%d: time item [%s]: 'at' must be HH:MM, not '%s'", p, it->line,
				       it->name, it->at);
		if (it->overlap_line && i == 0)
			return err_set(e, "%s:%d: the first item has nothing to cross-fade or overlap with", p,
				       it->overlap_line);
		if (it->closer) {
			if (closer < rd->n)
				return err_set(e, "%s:%d: a second closer (the first is [%s])", p, it->line,
					       rd->items[closer].name);
			closer = i;
		} else if (closer < rd->n && it->kind != RD_BED) {
			return err_set(e, "%s:%d: [%s] follows the closer [%s], which ends the show", p,
				       it->line, it->name, rd->items[closer].name);
		}
	}
	for (size_t i = 0; i < rd->n; i++) {
		struct rd_item *it = &rd->items[i];
		size_t j;

		if (it->kind != RD_BED)
			continue;
		if (!it->until[0])
			return err_set(e, "%s:%d: bed [%s] never ends: give 'until =' the item it ends under",
				       p, it->line, it->name);
		for (j = i + 1; j < rd->n && strcmp(rd->items[j].name, it->until); j++)
			;
		if (j == rd->n || rd->items[j].kind == RD_BED)
			return err_set(e, "%s:%d: bed [%s] never ends: no item [%s] after it", p, it->line,
				       it->name, it->until);
		it->until_index = j;
	}
	return 0;
}

int rundown_load(const char *path, struct rundown *rd, struct err *e)
{
	struct parse p = { .path = path };
	struct stat st;
	int line, rc = -1, have_show = 0;

	memset(rd, 0, sizeof(*rd));
	rd->path = xstrdup(path);
	rd->length_ms = -1;
	rd->pause_ms = RD_PAUSE_MS;
	p.f = fopen(path, "r");
	if (!p.f)
		return err_set(e, "%s: cannot read: %s", path, strerror(errno));
	if (fstat(fileno(p.f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(p.f);
		return err_set(e, "%s: not a rundown file", path);
	}
	line = ini_parse_stream(read_line, &p, on_key, &p);
	fclose(p.f);
	if (line < 0) {
		err_set(e, "%s: cannot read", path);
		goto out;
	}
	if (line > 0 || p.too_long) {
		int l = p.bad_line ? p.bad_line : p.too_long ? p.too_long : line;
		err_set(e, "%s:%d: %s", path, l, p.bad_line ? p.bad :
			p.too_long ? "line too long (continue a text on indented lines)" : "syntax error");
		goto out;
	}
	rd->items = xcalloc(p.n ? p.n : 1, sizeof(*rd->items));
	for (size_t i = 0; i < p.n; i++) {
		if (!strcmp(p.s[i].name, "show")) {
			if (have_show++) {
				err_set(e, "%s:%d: a second [show] section", path, p.s[i].line);
				goto out;
			}
			if (load_show(&p.s[i], path, rd, e))
				goto out;
			continue;
		}
		if (!p.s[i].name[0]) {
			err_set(e, "%s:%d: an item needs a name: [name]", path, p.s[i].line);
			goto out;
		}
		if (load_item(&p.s[i], path, &rd->items[rd->n++], e))
			goto out;
	}
	if (!rd->n) {
		err_set(e, "%s:%d: empty rundown: no items (one [name] section with kind = ... per item)",
			path, p.line ? p.line : 1);
		goto out;
	}
	rc = check_items(rd, e);
out:
	parse_release(&p);
	return rc;
}

void rundown_release(struct rundown *rd)
{
	for (size_t i = 0; i < rd->n; i++) {
		free(rd->items[i].path);
		free(rd->items[i].text);
	}
	free(rd->items);
	free(rd->path);
	memset(rd, 0, sizeof(*rd));
}

int rundown_time_text(const char *at, const char *date, char *out, size_t n)
{
	int h = -1, m = 0;
	const char *t = at && *at ? at : NULL;
	char hm[6];

	if (!t && date && strlen(date) >= 16 && (date[10] == ' ' || date[10] == 'T')) {
		snprintf(hm, sizeof(hm), "%.5s", date + 11);
		t = hm;
	}
	if (!t || check_time(t))
		return -1;
	if (sscanf(t, "%d:%d", &h, &m) < 1)
		return -1;
	if (m)
		snprintf(out, n, "Es ist %d:%02d Uhr.", h, m);
	else
		snprintf(out, n, "Es ist %d Uhr.", h);
	return 0;
}
