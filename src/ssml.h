/*
 * ssml.h - stage 1+2 for marked-up text: SSML 1.1 -> script.
 *
 * The one module that includes libexpat. It reads `speak`, `p`/`paragraph`,
 * `s`/`sentence`, `break`, `say-as`, `sub`, `phoneme`, `emphasis`, `prosody`
 * (and ignores `mark`) and builds the same script as script_build does for a
 * plain article, so verbalizer, lexicon, foreign-word rules, exact pauses,
 * captions and timeline work unchanged:
 *  - text content is ordinary German text and goes through the verbalizer;
 *    outside `s` it is split into sentences by the sentence splitter;
 *  - `break time="500ms"|"1.5s"` sets the exact silence after the sentence
 *    before it (the sentence is ended there); `strength` none, x-weak, weak,
 *    medium, strong, x-strong gives 0, 1/4, 1/2, 1 x the preset's sentence
 *    pause, its paragraph pause, its section pause;
 *  - `say-as interpret-as=` characters (spell-out), cardinal, ordinal, date
 *    (format dmy, mdy, ymd, dm, md, my, y), time, telephone: read through
 *    sprecher's number words and verbalizer, never eSpeak's say-as;
 *  - `sub alias=` speaks the verbalized alias, captions show the content;
 *  - `phoneme alphabet="x-espeak"` (default) or "ipa" with `ph=`: eSpeak
 *    phonemes, checked like a lexicon entry's (printable ASCII, no brackets);
 *    IPA is mapped symbol by symbol, an unmappable symbol is an error;
 *  - `prosody rate/pitch/volume` and `emphasis level` change the body preset's
 *    eSpeak rate, pitch and volume for the words inside: such words are an
 *    utterance of their own (a segment with a derived preset, no pause).
 * Malformed XML, unknown elements or attributes values give one error
 * "FILE:LINE:COL: problem" and no script.
 */
#ifndef SPRECHER_SSML_H
#define SPRECHER_SSML_H

#include <stddef.h>
#include "util.h"
#include "script.h"

struct lexicon;

/* 1 when `path` names an SSML file (ends in ".ssml", any case). */
int ssml_is_file(const char *path);

/*
 * Builds the script of the SSML document text[0..len) with the role presets
 * `voices` (the body preset is the one spoken; derived presets for prosody
 * are kept in out->extra) and the lexicon `lex` (may be NULL). `filename`
 * is used in messages. Returns 0 and fills `out` (release with
 * script_release), or -1 with "FILE:LINE:COL: problem" in `e` and nothing to
 * release. Warnings (ignored attributes, a break before any speech) go to `w`.
 */
int ssml_build(const char *text, size_t len, const char *filename,
	       const struct voice_preset voices[ROLE__COUNT], const struct lexicon *lex,
	       struct script *out, struct warns *w, struct err *e);

#endif
