/*
 * main.c - the command line: parses options, runs one command, prints errors
 * and warnings, chooses the exit status (0 ok, 1 failure, 2 usage error).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "sentences.h"
#include "verbalize.h"
#include "lexicon.h"

#define EXIT_USAGE 2

static void print_warns(struct warns *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(stderr, "sprecher: warning: %s\n", w->v[i]);
}

static int fail(const struct err *e)
{
	fprintf(stderr, "sprecher: %s\n", e->msg);
	return EXIT_FAILURE;
}

/* ---- sentences --------------------------------------------------------- */

static int cmd_sentences(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "-";
	struct err e;
	struct sb out;
	char *text;
	size_t len;

	if (read_file(path, &text, &len, &e))
		return fail(&e);
	sb_init(&out);
	sent_split_text(text, len, &out);
	fwrite(out.buf, 1, out.len, stdout);
	sb_release(&out);
	free(text);
	return 0;
}

/* ---- normalize --------------------------------------------------------- */

static int cmd_normalize(int argc, char **argv)
{
	struct verb_opts vo = {0};
	struct verbalized v;
	struct warns w;
	struct sb line;
	int c;

	(void)argc; (void)argv;
	verb_init(&v);
	warns_init(&w);
	sb_init(&line);
	vo.where = "<stdin>";
	while ((c = getchar()) != EOF) {
		if (c != '\n') {
			sb_addc(&line, (char)c);
			continue;
		}
		if (line.len && line.buf[line.len - 1] == '\r')
			line.buf[--line.len] = '\0';
		verb_sentence(line.buf, line.len, &vo, &v, &w);
		fwrite(v.spoken.buf, 1, v.spoken.len, stdout);
		putchar('\n');
		sb_reset(&line);
	}
	if (line.len) {
		verb_sentence(line.buf, line.len, &vo, &v, &w);
		fwrite(v.spoken.buf, 1, v.spoken.len, stdout);
		putchar('\n');
	}
	print_warns(&w);
	warns_release(&w);
	sb_release(&line);
	verb_release(&v);
	return 0;
}

/* ---- dispatch ---------------------------------------------------------- */

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: sprecher COMMAND [OPTIONS] (see sprecher --help)\n");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "sentences"))
		return cmd_sentences(argc - 1, argv + 1);
	if (!strcmp(argv[1], "normalize"))
		return cmd_normalize(argc - 1, argv + 1);
	fprintf(stderr, "sprecher: unknown command '%s' (see sprecher --help)\n", argv[1]);
	return EXIT_USAGE;
}
