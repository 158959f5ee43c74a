/*
 * voice.c - loading voice presets from INI files with inih.
 */
#include "voice.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SPRECHER_DATADIR
#define SPRECHER_DATADIR "/usr/local/share/sprecher"
#endif

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *voice_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("SPRECHER_VOICES");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			/* ./sprecher, build/sprecher, build-asan/sprecher, PREFIX/bin/sprecher */
			const char *cand[] = { "%s/voices", "%s/../voices", "%s/../share/sprecher/voices" };
			for (size_t i = 0; i < ARRAY_LEN(cand); i++) {
				snprintf(dir, sizeof(dir), cand[i], exe);
				if (is_dir(dir))
					return dir;
			}
		}
	}
	snprintf(dir, sizeof(dir), "%s/voices", SPRECHER_DATADIR);
	return dir;
}

/* ---- parsing ----------------------------------------------------------- */

struct parse_ctx {
	struct voice_preset *p;
	FILE *f;
	int line;           /* lines read so far: the line of the key being handled */
	int bad_line;       /* line of the first message in `bad`, 0 = none */
	char bad[256];
};

/* inih's reader: fgets that counts lines, so messages name the right one. */
static char *read_line(char *buf, int size, void *user)
{
	struct parse_ctx *c = user;
	char *r = fgets(buf, size, c->f);
	if (r)
		c->line++;
	return r;
}

/* Keeps the first problem found, with its line. */
__attribute__((format(printf, 2, 3)))
static int bad(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->bad_line) {
		va_start(ap, fmt);
		vsnprintf(c->bad, sizeof(c->bad), fmt, ap);
		va_end(ap);
		c->bad_line = c->line;
	}
	return 0;
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (end == v || *end || x < lo || x > hi)
		return -1;
	*out = (int)x;
	return 0;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	struct voice_preset *p = c->p;
	static const struct { const char *sec, *key; int lo, hi; size_t off; } ints[] = {
		{ "voice", "rate", 80, 450, offsetof(struct voice_preset, rate) },
		{ "voice", "pitch", 0, 99, offsetof(struct voice_preset, pitch) },
		{ "voice", "range", 0, 99, offsetof(struct voice_preset, range) },
		{ "voice", "volume", 0, 200, offsetof(struct voice_preset, volume) },
		{ "voice", "wordgap", 0, 100, offsetof(struct voice_preset, wordgap) },
		{ "pauses", "sentence", 0, 10000, offsetof(struct voice_preset, pause_sentence_ms) },
		{ "pauses", "paragraph", 0, 10000, offsetof(struct voice_preset, pause_paragraph_ms) },
		{ "pauses", "section", 0, 10000, offsetof(struct voice_preset, pause_section_ms) },
		{ "clock", "intro_gap", 0, 10000, offsetof(struct voice_preset, clock.intro_gap_ms) },
		{ "clock", "stinger_gap", 0, 10000, offsetof(struct voice_preset, clock.stinger_gap_ms) },
		{ "clock", "outro_gap", 0, 10000, offsetof(struct voice_preset, clock.outro_gap_ms) },
	};

	for (size_t i = 0; i < ARRAY_LEN(ints); i++) {
		if (strcmp(section, ints[i].sec) || strcmp(name, ints[i].key))
			continue;
		if (parse_int(value, ints[i].lo, ints[i].hi, (int *)((char *)p + ints[i].off)))
			return bad(c, "%s must be a number from %d to %d", name, ints[i].lo, ints[i].hi);
		return 1;
	}
	if (!strcmp(section, "voice") && !strcmp(name, "espeak")) {
		snprintf(p->espeak, sizeof(p->espeak), "%s", value);
		p->names_voice = 1;
	} else if (!strcmp(section, "voice") && !strcmp(name, "variant")) {
		snprintf(p->variant, sizeof(p->variant), "%s", value);
		p->names_voice = 1;
	} else if (!strcmp(section, "voice") && !strcmp(name, "description")) {
		snprintf(p->description, sizeof(p->description), "%s", value);
	} else if (!section[0]) {
		/* no INI file at all, perhaps (/etc/shadow): never echo what such a file holds */
		return bad(c, "not a voice preset: a key outside [voice], [pauses] and [roles]");
	} else if (!strcmp(section, "roles")) {
		int r = role_parse(name);
		if (r < 0)
			return bad(c, "unknown role '%.40s'", name);
		snprintf(p->role[r], sizeof(p->role[r]), "%s", value);
	} else {
		return bad(c, "unknown key '%.40s' in [%s]", name, section);
	}
	return 1;
}

static void preset_defaults(struct voice_preset *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->espeak, sizeof(p->espeak), "de");
	p->rate = 160;
	p->pitch = 45;
	p->range = 40;
	p->volume = 100;
	p->pause_sentence_ms = 400;
	p->pause_paragraph_ms = 800;
	p->pause_section_ms = 1200;
	p->clock.intro_gap_ms = 350;
	p->clock.stinger_gap_ms = 300;
	p->clock.outro_gap_ms = 600;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

int voice_load(const char *name_or_file, struct voice_preset *out, struct err *e)
{
	struct parse_ctx c = { .p = out };
	const char *base;
	FILE *f;
	int line, fd;

	preset_defaults(out);
	if (strchr(name_or_file, '/') || ends_with(name_or_file, ".ini")) {
		snprintf(out->path, sizeof(out->path), "%s", name_or_file);
	} else {
		if (!*name_or_file || strlen(name_or_file) > 60)
			return err_set(e, "unknown voice preset '%s' (see sprecher voices)", name_or_file);
		snprintf(out->path, sizeof(out->path), "%s/%s.ini", voice_dir(), name_or_file);
	}
	base = strrchr(out->path, '/');
	base = base ? base + 1 : out->path;
	snprintf(out->name, sizeof(out->name), "%.*s", (int)(strlen(base) - (ends_with(base, ".ini") ? 4 : 0)), base);

	/* O_NONBLOCK: a FIFO in a preset's place must not hang the open */
	fd = open(out->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !strchr(name_or_file, '/') && !ends_with(name_or_file, ".ini"))
			return err_set(e, "unknown voice preset '%s' (see sprecher voices)", name_or_file);
		return err_set(e, "%s: cannot read: %s", out->path, strerror(errno));
	}
	{
		struct stat st;
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return err_set(e, "%s: not a voice preset file", out->path);
		}
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return err_set(e, "%s: cannot read: %s", out->path, strerror(errno));
	}
	c.f = f;
	line = ini_parse_stream(read_line, &c, on_key, &c);
	fclose(f);
	if (line > 0)
		return err_set(e, "%s:%d: %s", out->path, line,
			       c.bad_line == line ? c.bad : "syntax error");
	if (line < 0)
		return err_set(e, "%s: cannot read", out->path);
	return 0;
}

int voice_load_roles(const struct voice_preset *base, struct voice_preset out[ROLE__COUNT],
		     struct err *e)
{
	for (int r = 0; r < ROLE__COUNT; r++) {
		if (!base->role[r][0] || !strcmp(base->role[r], base->name)) {
			out[r] = *base;
			continue;
		}
		if (voice_load(base->role[r], &out[r], e))
			return -1;
		/* a role preset without a voice of its own keeps the programme's speaker */
		if (!out[r].names_voice) {
			memcpy(out[r].espeak, base->espeak, sizeof(out[r].espeak));
			memcpy(out[r].variant, base->variant, sizeof(out[r].variant));
		}
		/* pauses belong to the programme, not to the role's voice */
		out[r].pause_sentence_ms = base->pause_sentence_ms;
		out[r].pause_paragraph_ms = base->pause_paragraph_ms;
		out[r].pause_section_ms = base->pause_section_ms;
		out[r].clock = base->clock;
	}
	return 0;
}

void voice_set_speed(struct voice_preset roles[ROLE__COUNT], double percent, int wpm)
{
	double f = percent > 0 ? percent / 100.0 : wpm > 0 ? (double)wpm / roles[ROLE_BODY].rate : 1.0;

	if (f == 1.0)
		return;
	for (int r = 0; r < ROLE__COUNT; r++) {
		long v = lround(roles[r].rate * f);
		roles[r].rate = (int)(v < 80 ? 80 : v > 450 ? 450 : v);
	}
}

int voice_speed_parse(const char *s, double *percent, int *wpm)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -1;
	if (!strcmp(end, "%")) {
		if (!(v >= 25 && v <= 400))
			return -1;
		*percent = v;
		*wpm = 0;
		return 0;
	}
	if ((*end && strcmp(end, "wpm")) || !(v >= 80 && v <= 450) || v != (int)v)
		return -1;
	*wpm = (int)v;
	*percent = 0;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void voice_list(struct sb *out)
{
	DIR *d = opendir(voice_dir());
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !ends_with(de->d_name, ".ini"))
			continue;
		XGROW(names, cap, n + 1);
		names[n++] = xstrndup(de->d_name, strlen(de->d_name) - 4);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct voice_preset p;
		if (voice_load(names[i], &p, NULL) == 0)
			sb_addf(out, "%s\t%s\n", names[i], p.description);
		free(names[i]);
	}
	free(names);
}
