/*
 * fuzz_text.c - libFuzzer target for the text stages: the article parser,
 * the sentence splitter and the verbalizer must not crash, hang, leak or
 * read out of bounds on any input.
 *
 * Built and run by scripts/fuzz.sh (clang -fsanitize=fuzzer,address,undefined).
 * The input is parsed both as plain text and as Markdown, with and without
 * the footer; every block is split into sentences and every sentence (and
 * every line of the raw input) is verbalized.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "article.h"
#include "sentences.h"
#include "verbalize.h"
#include "lexicon.h"
#include "foreign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One lexicon for the process: its foreign-word rules (word lists loaded once) run on every word. */
static struct lexicon *fuzz_lex(void)
{
	static struct lexicon *lx;
	if (!lx)
		lx = lex_new();
	return lx;
}

/* Verbalizes text[0..len); the result must be a single line with balanced "[[" "]]". */
static void speak(const char *text, size_t len, struct verbalized *v, struct warns *w)
{
	struct verb_opts vo = { fuzz_lex(), "fuzz:1" };
	int depth = 0;

	verb_sentence(text, len, &vo, v, w);
	if (memchr(v->spoken.buf, '\n', v->spoken.len))
		abort();
	for (size_t i = 0; i + 1 < v->spoken.len; i++) {
		if (v->spoken.buf[i] == '[' && v->spoken.buf[i + 1] == '[')
			depth++, i++;
		else if (v->spoken.buf[i] == ']' && v->spoken.buf[i + 1] == ']')
			depth--, i++;
		if (depth < 0 || depth > 1)
			abort();
	}
	if (depth)
		abort();
}

/* Every language's letter rules on the raw input. */
static void respell_all(const char *text, size_t len)
{
	struct sb out;
	sb_init(&out);
	if (len > 256)
		len = 256;
	for (int l = 0; l < FL__COUNT; l++) {
		sb_reset(&out);
		foreign_respell((enum flang)l, text, len, &out);
	}
	(void)foreign_lang(lex_foreign(fuzz_lex(), NULL), text, len);
	sb_release(&out);
}

static void run_doc(const char *text, size_t len, int markdown, int keep)
{
	struct doc_opts o = { keep, markdown, 0 };
	struct doc d;
	struct warns w;
	struct err e;
	struct sentlist sl;
	struct verbalized v;

	warns_init(&w);
	if (doc_parse(text, len, "fuzz", &o, &d, &w, &e) == 0) {
		sent_init(&sl);
		verb_init(&v);
		for (size_t i = 0; i < d.nblocks; i++) {
			const char *t = d.blocks[i].text;
			size_t n = strlen(t);
			if (n == 0 || d.blocks[i].role < 0 || d.blocks[i].role >= ROLE__COUNT)
				abort();
			sl.n = 0;
			sent_split(t, n, &sl);
			for (size_t s = 0; s < sl.n; s++) {
				if (sl.v[s].start + sl.v[s].len > n || sl.v[s].len == 0)
					abort();
				speak(t + sl.v[s].start, sl.v[s].len, &v, &w);
			}
		}
		verb_release(&v);
		sent_release(&sl);
		doc_release(&d);
	} else if (!e.msg[0]) {
		abort();   /* a failure always says why */
	}
	warns_release(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct sb out;
	struct verbalized v;
	struct warns w;

	run_doc(text, size, 0, 0);
	run_doc(text, size, 1, 1);
	respell_all(text, size);

	sb_init(&out);
	sent_split_text(text, size, &out);
	sb_release(&out);

	/* the raw lines, invalid UTF-8 and all, as `sprecher normalize` sees them */
	warns_init(&w);
	verb_init(&v);
	size_t i = 0;
	while (i < size) {
		const char *nl = memchr(text + i, '\n', size - i);
		size_t e = nl ? (size_t)(nl - text) : size;
		speak(text + i, e - i, &v, &w);
		i = e + 1;
	}
	verb_release(&v);
	warns_release(&w);
	return 0;
}
