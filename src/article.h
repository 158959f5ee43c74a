/*
 * article.h - stage 1: article text -> document (a list of blocks).
 *
 * Reads UTF-8 plain text as news sites export it, or Markdown, and finds the
 * title, headings, paragraphs, list items and quotations. Whitespace oddities
 * (NBSP, soft hyphen, zero-width characters, tabs, CRLF) are normalised, line
 * breaks inside a paragraph are joined, Markdown emphasis and links are reduced
 * to their text. An optional front-matter block (--- ... ---) sets metadata.
 * A trailing footer made mostly of unspeakable material (bank details, URLs,
 * e-mail, wallet addresses, partner-site lists, a bare station-name line) is
 * left out with one warning naming its line range, unless keep_footer is set.
 * Image credit lines ("Bilder: ...", "Foto: ...") are always left out.
 *
 * Details of the plain-text rules:
 *  - the title is the first non-empty line (or "# " in Markdown, or the
 *    front-matter title when the text does not repeat it);
 *  - a heading is a one-line paragraph of at most 12 words without final
 *    punctuation (or a short question) that follows body text and is not the
 *    last paragraph, or a short such line directly over a longer paragraph;
 *    Markdown "##" lines and setext underlines are headings anywhere.
 *    Short lines between the title and the first body paragraph (bylines,
 *    datelines, subtitles) are body text;
 *  - list items start with "•", "-", "*", "–", "·", "+" or "1." / "1)"; the
 *    marker is removed; indented or lowercase lines continue the item;
 *  - a paragraph whose lines are all short (an address, bank details) gives
 *    one block per line, all with the same paragraph number;
 *  - a word hyphenated across a line break is mended ("Bundes-" "regierung"),
 *    but not before a conjunction ("Gemüse- und").
 */
#ifndef SPRECHER_ARTICLE_H
#define SPRECHER_ARTICLE_H

#include <stddef.h>
#include "util.h"

enum role {
	ROLE_TITLE,
	ROLE_HEADING,
	ROLE_BODY,
	ROLE_LIST,
	ROLE_QUOTE,
	ROLE__COUNT
};

/* "title", "heading", "body", "list", "quote". */
const char *role_name(enum role r);
/* Parses a role name; returns -1 when unknown. */
int role_parse(const char *name);

/*
 * One block of the document. `text` is the written text on a single line
 * (UTF-8, normalised whitespace, no list bullet or Markdown markup), never
 * NULL or empty. Lines are 1-based line numbers in the input file.
 * `section` counts headings seen before this block (0 before the first one);
 * `paragraph` counts paragraphs (a list or a quotation of several lines keeps
 * one paragraph number for all its items).
 */
struct block {
	enum role role;
	char *text;
	int line_first, line_last;
	int section;
	int paragraph;
	int footer;   /* 1 when the block belongs to a kept footer (--keep-footer) */
};

/* A front-matter line whose key the parser does not know itself (for the caller to use or warn about). */
struct doc_meta_other {
	char *key;      /* lowercase */
	char *value;    /* quotes taken off, never NULL */
	int line;       /* 1-based line in the article */
};

/* Metadata from the front matter; each field NULL when not given. */
struct doc_meta {
	char *title, *author, *date, *voice;
	char *intro, *outro, *stinger;   /* jingle file paths */
	struct doc_meta_other *other;    /* every other "key: value" line, in order */
	size_t nother, othercap;
};

/*
 * A parsed article. `blocks` holds `nblocks` blocks in reading order; the
 * first is the title when one was found. footer_first/footer_last give the
 * 1-based line range of the detected footer (0 when none was found).
 */
struct doc {
	struct block *blocks;
	size_t nblocks, cap;
	struct doc_meta meta;
	int footer_first, footer_last;
	int footer_dropped;          /* the footer was left out (not --keep-footer) */
	/* lines left out as site furniture: "line 3 (timestamp): Stand: ..." */
	char **left_out;
	size_t nleft, leftcap;
};

struct doc_opts {
	int keep_footer;     /* keep a detected footer (URLs and e-mail read aloud) */
	int markdown;        /* 1 = Markdown, 0 = plain text, -1 = detect */
	int keep_furniture;  /* read site furniture too (timestamps, bylines, teasers, credits) */
};

/*
 * Parses `len` bytes of `text`. `filename` is used in messages only.
 * Returns 0 and fills `out` (caller releases it with doc_release), or -1 with
 * an error such as "a.txt:3:17: invalid UTF-8" or "a.txt: article is empty".
 * Warnings (left-out footer, image credits) are added to `w`.
 */
int doc_parse(const char *text, size_t len, const char *filename,
	      const struct doc_opts *opts, struct doc *out, struct warns *w,
	      struct err *e);
void doc_release(struct doc *d);

#endif
