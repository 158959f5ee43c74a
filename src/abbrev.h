/*
 * abbrev.h - the one table of German abbreviations written with a final dot.
 *
 * Used by the sentence splitter (does "Abk." end a sentence?), the verbalizer
 * (what is said for it) and the caption line breaker (no line ends on one).
 */
#ifndef SPRECHER_ABBREV_H
#define SPRECHER_ABBREV_H

#include <stddef.h>

/* What must follow for the verbalizer to expand it. */
enum abbrev_need { AB_NEED_NONE, AB_NEED_NUM, AB_NEED_CAP };

/* Whether its dot can end a sentence, as the splitter sees it. */
enum abbrev_end {
	AB_END_NEVER,        /* "bzw.", "Dr.": never */
	AB_END_BEFORE_NUM,   /* "Art.", "Jan.": a word too; an abbreviation only before a number */
	AB_END_FINAL,        /* "usw.", "etc.": ends the sentence before a capital */
	AB_END_SCALE,        /* "Mio.", "Std.": ends it before a word that starts sentences */
};

/*
 * One abbreviation: its parts ("z", "B" for "z. B."; each written with a dot),
 * its spoken form (NULL: the splitter knows it, eSpeak reads it as written).
 */
struct abbrev {
	const char *parts[4];
	const char *spoken;
	unsigned char need;   /* enum abbrev_need */
	unsigned char end;    /* enum abbrev_end */
};

extern const struct abbrev abbrev_table[];
extern const size_t abbrev_count;

/*
 * The splitter's class of the one-part abbreviation tok[0..n) (without its
 * dot), or -1 when the table has none. An entry written in lowercase also
 * matches the word capitalised (sentence start) for AB_END_NEVER. When
 * several entries share the spelling, FINAL wins over SCALE over NEVER over
 * BEFORE_NUM.
 */
int abbrev_end_class(const char *tok, size_t n);

#endif
