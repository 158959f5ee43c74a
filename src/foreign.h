/*
 * foreign.h - which language a word's pronunciation follows, and how the
 * German voice says it.
 *
 * Knowledge used, in this order:
 *  1. letters that mark a language: ş ç ğ ı -> Turkish, ł ś ź ż ą ę ń -> Polish,
 *     ř ě ů -> Czech (č š ž without those: the same Slavic rules), ő ű -> Hungarian,
 *     è ê ë î ô û œ (or é alone, "çois") -> French, ơ ư and the tone-marked
 *     vowels of U+1EA0..U+1EF9 ("ễ") -> Vietnamese, á í ó ú ñ ã (no Slavic or
 *     Hungarian cue beside them) -> Spanish/Portuguese, stressed where the
 *     accent is ("Almodóvar"); ö ü in a word German does
 *     not know, shaped like Turkish ("Öztürk": "öz-" at the start, "c"/"y"
 *     beside a vowel, ö/ü in two syllables) -> Turkish;
 *  2. Debian's word lists (wngerman: "is this German?", wamerican/wbritish:
 *     "is this English?"), found at run time in $SPRECHER_DICT_DIR or
 *     /usr/share/dict; without them only rules 1 and 3 apply (foreign_new says so);
 *  3. the shape of German transliterations of Ukrainian and Russian names
 *     (onsets German has not: "Lw", "Dn", "Hr"; "y" between consonants;
 *     endings -enko, -tschuk, -yj; a final cluster like "-ndr"), of Polish
 *     ("sz", "cz", "rz", "si"/"zi"/"ci" before a vowel: "Jasionka"), and
 *     French spelling (endings -eau, -aux, -ois, -ault, -ier, -ette, -eille,
 *     -aire, -enne ...), of Chinese pinyin (the whole word splits into pinyin
 *     syllables and has "zh", "x", "q" or a final like "-uan", "-iang":
 *     "Chuanfu", "Xiaoping"), each for a word neither list knows; a common English
 *     word ("science") is English before any of these shapes;
 *  4. eSpeak NG itself, through an optional phonemizer callback: English words
 *     get eSpeak's English phonemes mapped onto German ones, and a word for
 *     which eSpeak's German dictionary would switch to another voice
 *     ("Team" -> English) gets the same treatment, so that one voice reads
 *     the whole sentence.
 * The result is always inline German eSpeak phonemes "[[...]]" (or nothing:
 * the word is German, eSpeak reads it as written).
 */
#ifndef SPRECHER_FOREIGN_H
#define SPRECHER_FOREIGN_H

#include <stddef.h>
#include "util.h"

/* FL_TR ... FL_ZH have letter rules (foreign_respell); FL_EN, FL_FR and FL_PT take eSpeak's own phonemes */
enum flang { FL_DE, FL_EN, FL_FR, FL_TR, FL_PL, FL_CS, FL_HU, FL_UK, FL_VI, FL_ES, FL_ZH, FL_PT, FL__COUNT };

/* "de", "en", "tr", ... */
const char *foreign_lang_name(enum flang l);

/*
 * Phonemes of `text` in eSpeak NG voice `voice` ("de", "en"), as
 * espeak_TextToPhonemes gives them (with "(en)...(de)" marks where eSpeak
 * switches language). Returns 0, or negative when not available.
 */
typedef int (*foreign_phonemizer)(void *ctx, const char *voice, const char *text, struct sb *out);

struct foreign;

/*
 * Loads the word lists from `dictdir` (NULL: $SPRECHER_DICT_DIR, else
 * /usr/share/dict). When a list is missing, one line saying so is added to
 * `w` (may be NULL). Never NULL.
 */
struct foreign *foreign_new(const char *dictdir, struct warns *w);
void foreign_free(struct foreign *fx);

/* Sets (or with fn NULL clears) the eSpeak phonemizer; results are cached per word. */
void foreign_set_phonemizer(struct foreign *fx, foreign_phonemizer fn, void *ctx);

/* Number of words loaded from the German and the English lists. */
void foreign_counts(const struct foreign *fx, size_t *german, size_t *english);

/* 1 when word[0..len) (any case) is in the German or English list. */
int foreign_is_german(const struct foreign *fx, const char *word, size_t len);
int foreign_is_english(const struct foreign *fx, const char *word, size_t len);

/* The language word[0..len) is pronounced in (rules 1-3; FL_DE when German or unknown). */
enum flang foreign_lang(const struct foreign *fx, const char *word, size_t len);

/*
 * Appends to `out` the German-voice phonemes "[[...]]" for word[0..len) when
 * it is not read as a German word, and returns 1; returns 0 (nothing
 * appended) when eSpeak's German voice reads it right as written.
 */
int foreign_say(struct foreign *fx, const char *word, size_t len, struct sb *out);

/*
 * Respells word[0..len) with the letter rules of language `l` (FL_TR ...
 * FL_ZH) into German eSpeak phonemes (no brackets) appended to `out`.
 * Vietnamese is said the way German newsreaders approximate it: tones
 * dropped, one stressed syllable per written syllable ("Nguyễn" -> "'Nu:jEn").
 * Returns 0, or -1 for FL_DE/FL_EN/FL_FR/FL_PT (no letter rules) and for FL_ZH when
 * the word does not split into pinyin syllables (nothing appended then).
 */
int foreign_respell(enum flang l, const char *word, size_t len, struct sb *out);

/* Maps eSpeak English phonemes onto German ones (the way a German speaker approximates them). */
void foreign_map_english(const char *ph, size_t len, struct sb *out);

/* The same for eSpeak French phonemes ("frA~sw'a" -> "frA~sw'A:"). */
void foreign_map_french(const char *ph, size_t len, struct sb *out);
/* ... and Portuguese ones ("sim'o~js#" -> "sim'o:Is", "k,uNseIs'&U~" -> "k,unseIs'aU"). */
void foreign_map_portuguese(const char *ph, size_t len, struct sb *out);

#endif
