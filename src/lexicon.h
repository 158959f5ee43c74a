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
#include "foreign.h"

struct lexicon;

/* Longest replacement kept; a longer one is cut there (at a character boundary) with a warning. */
#define LEX_MAX_REPLACEMENT 512

/* A new empty lexicon; never NULL. */
struct lexicon *lex_new(void);
/* Frees the lexicon; lex_free(NULL) is fine. */
void lex_free(struct lexicon *lx);

/*
 * Adds the entries of the file at `path`. Returns 0, or -1 with
 * "PATH:LINE: REASON" in `e` for the first bad line (nothing of the file is
 * kept then) or "PATH: cannot read: REASON". Bad lines: no tab, empty word or
 * replacement, white space in the word, invalid UTF-8, a NUL or other control
 * byte, unbalanced "[[" / "]]" or a "[" inside phonemes.
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

/*
 * Moves the warnings of lex_load (cut replacements) to `w`.
 */
void lex_take_warnings(struct lexicon *lx, struct warns *w);

/*
 * The knowledge of foreign words (foreign.h) that goes with this lexicon:
 * loaded on the first call (a missing word list adds one line to `w`, which
 * may be NULL), then the same object; freed by lex_free.
 */
struct foreign *lex_foreign(const struct lexicon *lx, struct warns *w);

/* The eSpeak phonemizer the foreign-word rules may use (see foreign.h); fn NULL: none. */
void lex_set_phonemizer(struct lexicon *lx, foreign_phonemizer fn, void *ctx);

#endif
