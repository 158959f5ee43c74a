/*
 * lexicon.h - pronunciation lexicon: word -> respelling or eSpeak phonemes.
 *
 * File format (UTF-8, one entry per line, '#' starts a comment line):
 *     WORD<TAB>REPLACEMENT
 * REPLACEMENT is a German respelling ("Schi Dschinping") or inline eSpeak
 * phonemes in double brackets ("[[b'aId@n]]"). Matching is whole-word and
 * case-aware (see lex_lookup). Later entries (and later files) win.
 */
#ifndef SPRECHER_LEXICON_H
#define SPRECHER_LEXICON_H

#include <stddef.h>
#include "util.h"

struct lexicon;

/* A new empty lexicon; never NULL. */
struct lexicon *lex_new(void);
/* Frees the lexicon; lex_free(NULL) is fine. */
void lex_free(struct lexicon *lx);

/*
 * Adds the entries of the file at `path`. Returns 0, or -1 with
 * "PATH:LINE: REASON" in `e` for the first bad line (nothing of the file is
 * kept then) or "PATH: cannot read: REASON".
 */
int lex_load(struct lexicon *lx, const char *path, struct err *e);

/* Adds one entry (copied). */
void lex_add(struct lexicon *lx, const char *word, const char *replacement);

/*
 * The replacement for the whole word word[0..len), or NULL. An entry written
 * with capitals matches that spelling exactly; an all-lowercase entry also
 * matches the word with a capital first letter (sentence start).
 */
const char *lex_lookup(const struct lexicon *lx, const char *word, size_t len);

/* Number of entries. */
size_t lex_size(const struct lexicon *lx);

#endif
