/*
 * fmpath.c - confining the files an article's front matter names.
 */
#include "fmpath.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int fmpath_is_file(const char *v)
{
	size_t n = strlen(v);
	return strchr(v, '/') || (n >= 4 && !strcmp(v + n - 4, ".ini"));
}

/* Whether the canonical path `p` is `root` or lies below it (both canonical). */
static int under(const char *p, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return 1;
	return !strncmp(p, root, n) && (p[n] == '/' || p[n] == '\0');
}

/* The article's directory: its path up to the last '/', "/" for "/x", "." for none or "-". */
static void article_dir(const char *article, char *dir, size_t n)
{
	const char *slash = strcmp(article, "-") ? strrchr(article, '/') : NULL;

	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == article)
		snprintf(dir, n, "/");
	else
		snprintf(dir, n, "%.*s", (int)(slash - article), article);
}

int fmpath_resolve(const char *article, const char *key, const char *value,
		   const char *const *roots, int trust, char *out, size_t n, struct err *e)
{
	char dir[PATH_MAX], real[PATH_MAX], rdir[PATH_MAX], rroot[PATH_MAX];
	const char *where = strcmp(article, "-") ? article : "<stdin>";
	struct stat st;
	int inside = 0;

	if (!*value || memchr(value, '\n', strlen(value)))
		return err_set(e, "%s: front matter %s: not a file name", where, key);
	article_dir(article, dir, sizeof(dir));
	if (value[0] == '/' || !strcmp(dir, "."))
		snprintf(out, n, "%s", value);
	else if ((size_t)snprintf(out, n, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", value) >= n)
		return err_set(e, "%s: front matter %s: %.200s: path too long", where, key, value);
	if (!realpath(out, real))
		return err_set(e, "%s: front matter %s: %.200s: cannot read: %s", where, key, value,
			       strerror(errno));
	if (trust) {
		inside = 1;
	} else {
		if (realpath(dir, rdir) && under(real, rdir))
			inside = 1;
		for (size_t i = 0; roots && roots[i] && !inside; i++)
			if (realpath(roots[i], rroot) && under(real, rroot))
				inside = 1;
	}
	if (!inside)
		return err_set(e, "%s: front matter %s: %.200s: outside the article's directory "
			       "(--trust-front-matter allows it)", where, key, value);
	if (stat(real, &st) != 0)
		return err_set(e, "%s: front matter %s: %.200s: cannot read: %s", where, key, value,
			       strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, "%s: front matter %s: %.200s: not a regular file", where, key, value);
	return 0;
}
