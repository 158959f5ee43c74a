/*
 * sentences.h - stage 2a: split a block of written German text into sentences.
 *
 * Knows German abbreviations, ordinals and dates ("am 12. Februar"), initials
 * ("J.D. Vance"), decimals, URLs, ellipses and quotes: none of them end a
 * sentence; a sentence-final number ("seit 1998.") does. Quotes and ellipses
 * stay with their sentence. Pure text code: no allocation beyond the list.
 *
 * Rules in brief: a lowercase word after "." continues the sentence; "12."
 * before a month name, an ordinal noun ("19. Jahrhundert", "3. Platz") or
 * after an article/preposition ("am", "der") is an ordinal; "Art." and month
 * abbreviations count as abbreviations only before a number; a detached "…"
 * is a pause, not an end; a quotation of up to 600 bytes keeps its inner
 * sentences together ("„A. B.“, sagte er"); "!" or "?" inside brackets
 * ("ein(!) Satz") never ends a sentence. Running time is linear.
 */
#ifndef SPRECHER_SENTENCES_H
#define SPRECHER_SENTENCES_H

#include <stddef.h>

/* One sentence: bytes text[start .. start+len), trimmed of surrounding space. */
struct span {
	size_t start, len;
};

/* A list of sentences; `v` holds `n` spans, owned by the list. */
struct sentlist {
	struct span *v;
	size_t n, cap;
};

void sent_init(struct sentlist *l);
void sent_release(struct sentlist *l);

/*
 * Splits text[0..len) (one paragraph, line breaks already joined or not) and
 * appends the sentences to `out`. Never fails; invalid UTF-8 is passed through.
 */
void sent_split(const char *text, size_t len, struct sentlist *out);

/*
 * The `sprecher sentences` view of a whole text: paragraphs (blank-line
 * separated), bullet lines and heading-like lines are units of their own,
 * line breaks inside a paragraph are joined, and each unit is split with
 * sent_split. Each sentence is written to `out` followed by '\n', with inner
 * whitespace runs collapsed to one space.
 */
struct sb;
void sent_split_text(const char *text, size_t len, struct sb *out);

#endif
