/*
 * fuzz_frontmatter.c - libFuzzer target for the front matter: any block
 * after "---" must parse (or fail with a message), give one-line metadata,
 * and no path it names may resolve (fmpath) to a file outside the article's
 * directory.
 *
 * Built and run by scripts/fuzz.sh from the top of the repository: the
 * article is taken to be tests/data/fuzz.txt, so paths resolve against a real
 * directory tree.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "article.h"
#include "fmpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARTICLE "tests/data/fuzz.txt"

static void one_line(const char *s)
{
	if (s && (strchr(s, '\n') || strchr(s, '\r')))
		abort();
}

static void check_path(const char *key, const char *value, int voice)
{
	char out[PATH_MAX], real[PATH_MAX], dir[PATH_MAX];
	struct err e = { "" };

	if (!value || (voice && !fmpath_is_file(value)))
		return;
	if (fmpath_resolve(ARTICLE, key, value, NULL, 0, out, sizeof(out), &e)) {
		if (strncmp(e.msg, ARTICLE ": front matter ", strlen(ARTICLE ": front matter ")))
			abort();
		return;
	}
	if (!realpath(out, real) || !realpath("tests/data", dir) || strncmp(real, dir, strlen(dir)) ||
	    (real[strlen(dir)] != '/' && real[strlen(dir)] != '\0'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_opts o = { 0, -1 };
	struct doc d;
	struct warns w;
	struct err e = { "" };
	char *text = xmalloc(size + 5);

	memcpy(text, "---\n", 4);
	memcpy(text + 4, data, size);
	text[size + 4] = '\0';
	warns_init(&w);
	if (doc_parse(text, size + 4, ARTICLE, &o, &d, &w, &e) == 0) {
		const struct doc_meta *m = &d.meta;
		one_line(m->title);
		one_line(m->author);
		one_line(m->date);
		one_line(m->voice);
		check_path("intro", m->intro, 0);
		check_path("outro", m->outro, 0);
		check_path("stinger", m->stinger, 0);
		check_path("voice", m->voice, 1);
		doc_release(&d);
	} else if (!e.msg[0]) {
		abort();
	}
	warns_release(&w);
	free(text);
	return 0;
}
