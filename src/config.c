/*
 * config.c - the station configuration file, read with inih.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
}

void config_release(struct config *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].section);
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	config_init(c);
}

const char *config_default_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		snprintf(buf, n, "%s/sprecher/config", xdg);
	else if (home && *home)
		snprintf(buf, n, "%s/.config/sprecher/config", home);
	else
		return NULL;
	return buf;
}

struct parse_ctx {
	struct config *c;
	FILE *f;
	int line;          /* lines read so far: the line of the entry being handled */
	int nul;           /* line of a NUL byte, 0 = none */
	int mid_line;      /* the last piece read did not end its line */
	int too_long;      /* line longer than inih's buffer, 0 = none */
	int max;           /* inih's line buffer, for the message */
};

/* inih's reader: fgets that counts lines (so entries know theirs) and spots NUL bytes. */
static char *read_line(char *buf, int size, void *user)
{
	struct parse_ctx *p = user;
	char *r = fgets(buf, size, p->f);

	if (!r)
		return NULL;
	/* a piece of a line longer than inih's buffer continues the same line */
	if (!p->mid_line)
		p->line++;
	p->mid_line = !strchr(buf, '\n');
	/* fgets stops at a newline; a NUL before it hides the rest of the line */
	if (!p->nul && p->mid_line && strlen(buf) < (size_t)size - 1 && !feof(p->f))
		p->nul = p->line;
	if (!p->too_long && p->mid_line && strlen(buf) == (size_t)size - 1)
		p->too_long = p->line;
	p->max = size - 1;
	return r;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *p = user;
	struct config *c = p->c;
	struct config_entry *en;

	if (p->nul || p->too_long)
		return 0;
	XGROW(c->v, c->cap, c->n + 1);
	en = &c->v[c->n++];
	en->section = xstrdup(section ? section : "");
	en->key = xstrdup(name ? name : "");
	en->value = xstrdup(value ? value : "");
	en->line = p->line;
	return 1;
}

int config_load_stream(FILE *f, const char *name, struct config *c, struct err *e)
{
	struct parse_ctx p = { .c = c, .f = f };
	int line;

	snprintf(c->path, sizeof(c->path), "%s", name);
	line = ini_parse_stream(read_line, &p, on_entry, &p);
	if (p.nul && (!p.too_long || p.nul <= p.too_long))
		return err_set(e, "%s:%d: a NUL byte: not a text file", name, p.nul);
	if (p.too_long)
		return err_set(e, "%s:%d: line longer than %d bytes", name, p.too_long, p.max);
	if (line > 0)
		return err_set(e, "%s:%d: not \"key = value\" or \"[section]\"", name, line);
	if (line < 0 || ferror(f))
		return err_set(e, "%s: cannot read", name);
	return 0;
}

int config_load(const char *path, struct config *c, struct err *e)
{
	struct stat st;
	FILE *f;
	int rc;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return err_set(e, "%s: cannot read: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return err_set(e, "%s: not a regular file", path);
	f = fopen(path, "r");
	if (!f)
		return err_set(e, "%s: cannot read: %s", path, strerror(errno));
	rc = config_load_stream(f, path, c, e);
	fclose(f);
	return rc;
}

/* ==== applying an entry ================================================== */

/* Options the configuration file may set (by their long names), plus output-dir. */
static const char *const config_keys[] = {
	"voice", "speed", "lexicon", "keep-footer", "rate", "mono", "resample", "loudness",
	"true-peak", "bits", "quality", "bitrate", "intro", "outro", "stinger", "no-jingles",
	"talkup", "artist", "format", "player",
};
/* Keys whose value is a file or directory: relative ones are taken from the file's directory. */
static const char *const config_path_keys[] = { "lexicon", "intro", "outro", "stinger", "output-dir" };

static int is_one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return 1;
	return 0;
}

/* Makes a relative path value relative to the configuration file's directory (in place). */
static void resolve_path(struct config_entry *en, const char *cfgpath)
{
	const char *slash = strrchr(cfgpath, '/');
	struct sb b;

	if (en->value[0] == '/' || !en->value[0] || !slash)
		return;
	sb_init(&b);
	sb_addf(&b, "%.*s/%s", (int)(slash - cfgpath), cfgpath, en->value);
	free(en->value);
	en->value = b.buf;
}

int config_option(struct config *c, size_t i, int (*takes_value)(const char *key), const char **value,
		  struct err *e)
{
	struct config_entry *en = &c->v[i];

	*value = NULL;
	if (strcmp(en->section, "render"))
		return err_set(e, "%s:%d: '%s' outside the [render] section", c->path, en->line, en->key);
	if (is_one_of(en->key, config_path_keys, ARRAY_LEN(config_path_keys)) ||
	    (!strcmp(en->key, "voice") && (strchr(en->value, '/') || strstr(en->value, ".ini"))))
		resolve_path(en, c->path);
	if (!strcmp(en->key, "output-dir")) {
		*value = en->value;
		return 0;
	}
	if (!is_one_of(en->key, config_keys, ARRAY_LEN(config_keys)))
		return err_set(e, "%s:%d: unknown key '%s' (see sprecher help config)", c->path, en->line,
			       en->key);
	if (takes_value(en->key)) {
		*value = en->value;
		return 0;
	}
	if (!strcmp(en->value, "no") || !strcmp(en->value, "false") || !strcmp(en->value, "0"))
		return 1;
	if (strcmp(en->value, "yes") && strcmp(en->value, "true") && strcmp(en->value, "1"))
		return err_set(e, "%s:%d: %s must be yes or no: %s", c->path, en->line, en->key, en->value);
	return 0;
}
