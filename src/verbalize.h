/*
 * verbalize.h - stage 2b: written German -> spoken German.
 *
 * Turns one sentence of written text into the words a German newsreader says:
 * numbers, ordinals that agree with their context, dates, times, money,
 * units, abbreviations, acronyms, Roman numerals, URLs and e-mail addresses;
 * IBANs, BICs, wallet addresses and long hashes are left out with a warning.
 * Finally the pronunciation lexicon replaces whole words by a respelling or by
 * inline eSpeak phonemes "[[...]]" (so synthesis must enable phoneme input).
 */
#ifndef SPRECHER_VERBALIZE_H
#define SPRECHER_VERBALIZE_H

#include <stddef.h>
#include "util.h"

struct lexicon;

struct verb_opts {
	const struct lexicon *lex;   /* may be NULL: no lexicon */
	const char *where;           /* "file:line" for warnings, may be NULL */
};

/*
 * An anchor says that the written token starting at byte `written` is spoken
 * starting at byte `spoken` of the output. Anchors are in increasing order of
 * both offsets; the first is {0, 0}. Captions use them to map eSpeak word
 * events (positions in the spoken text) back to the written text.
 */
struct verb_anchor {
	size_t written, spoken;
};

/*
 * The spoken form of one sentence. `spoken` is a single line (no '\n').
 * `anchors` holds `nanchors` anchors. Owned by the caller: verb_init before
 * use, verb_release after.
 */
struct verbalized {
	struct sb spoken;
	struct verb_anchor *anchors;
	size_t nanchors, cap;
};

void verb_init(struct verbalized *v);
void verb_release(struct verbalized *v);

/*
 * Verbalizes written[0..len) (one sentence or one line) into `out`, replacing
 * its previous contents. Never fails; unknown material is passed through,
 * left-out material adds a line to `w` (which may be NULL). `o` may be NULL
 * (no lexicon). Invalid UTF-8 bytes, control characters and emoji are
 * dropped; the output is valid UTF-8 without '\n', and "[[" occurs in it only
 * where a lexicon entry put phonemes. Time and memory are linear in `len`.
 */
void verb_sentence(const char *written, size_t len, const struct verb_opts *o,
		   struct verbalized *out, struct warns *w);

/*
 * Appends the spelled form of t[0..n), as the verbalizer spells an acronym:
 * letters by name, digits one by one, joined by hyphens ("ZDF2" ->
 * "Z-D-F-zwei", "Y" -> "Ypsilon"); other characters are left out.
 */
void verb_spell(const char *t, size_t n, struct sb *out);

#endif
