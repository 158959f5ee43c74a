/*
 * script.h - stage 2: document -> script.
 *
 * The script is what `render` will say, in order: one segment per block, each
 * with its role, voice preset, sentences (written and spoken form), the pauses
 * after each sentence and after the segment, and an estimated duration.
 * `sprecher script` prints it for producers.
 */
#ifndef SPRECHER_SCRIPT_H
#define SPRECHER_SCRIPT_H

#include <stddef.h>
#include "util.h"
#include "article.h"
#include "voice.h"
#include "verbalize.h"

struct lexicon;

/*
 * Longest sentence given to synthesis, in bytes of written text: a longer one
 * (a line without full stops) is cut at the last comma, semicolon or colon
 * before the bound, else at the last space, with a warning, so that the audio
 * held per sentence stays bounded.
 */
#define SCRIPT_SENTENCE_MAX 600

/* One sentence: the written text (for captions) and its spoken form (for eSpeak). */
struct script_sentence {
	char *written;
	char *spoken;                 /* may be empty when everything was left out */
	struct verb_anchor *anchors;  /* written/spoken offset pairs, see verbalize.h */
	size_t nanchors;
	int pause_ms;                 /* silence after this sentence (the last one: the segment's) */
};

struct script_segment {
	int number;                   /* 1-based, as printed and as --segment takes it */
	enum role role;
	const struct voice_preset *voice;   /* points into script.voices */
	int section, paragraph;
	int line;                     /* first input line */
	int new_section;              /* a heading opens a new section: stinger before it */
	struct script_sentence *sent;
	size_t nsent;
	double est_seconds;           /* speech and pauses after it */
};

struct script {
	struct script_segment *seg;
	size_t nseg;
	struct voice_preset voices[ROLE__COUNT];
	char *title;                  /* document title, never NULL */
	char **left_out;              /* site furniture left out (copied from the document) */
	size_t nleft;
	double est_seconds;           /* all segments (jingles not included) */
};

/*
 * Builds the script of `d` with the role presets `voices` (copied into the
 * script) and the lexicon `lex` (may be NULL). Warnings from the verbalizer
 * (left-out account numbers...) go to `w`. Returns 0, or -1 when the document
 * has nothing to say.
 */
int script_build(const struct doc *d, const struct voice_preset voices[ROLE__COUNT],
		 const struct lexicon *lex, const char *filename, struct script *out,
		 struct warns *w, struct err *e);
void script_release(struct script *s);

/* Estimated seconds to speak `spoken` with preset `v` (no pauses). */
double script_estimate(const char *spoken, const struct voice_preset *v);

/* Appends the producer's view: numbered segments, role, voice, spoken text, durations, total. */
void script_print(const struct script *s, struct sb *out);

/*
 * Parses a --segment range "N" or "N-M" against a script of `nseg` segments
 * into 1-based *first and *last. Returns 0 or -1 with an error.
 */
int script_parse_range(const char *arg, size_t nseg, int *first, int *last, struct err *e);

/*
 * The byte offset in `s->written` of the token spoken at byte `spos` of
 * `s->spoken` (from the verbalizer's anchors; 0 before the first).
 */
size_t script_written_at(const struct script_sentence *s, size_t spos);

#endif
