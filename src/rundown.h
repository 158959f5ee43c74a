/*
 * rundown.h - a show's running order read from an INI file (inih).
 *
 * One section per item, in the order they are played; the section name is
 * the item's name (unique). A [show] section (anywhere, at most once) holds
 * the show's title, slot length, date and default voice. Paths are resolved
 * against the rundown file's directory. Durations are seconds ("1.5",
 * "1.5s"), milliseconds ("200ms") or minutes:seconds ("3:00").
 *
 *   [show]                      title, length, date, voice, artist, pause,
 *                               speech_gain
 *   kind = article              file, voice, keep_footer
 *   kind = text                 text (continued on indented lines), voice
 *   kind = time                 at ("14:00"; else the show's date), voice
 *   kind = jingle               file
 *   kind = silence              length
 *   kind = bed                  file, until (the item under which it ends),
 *                               duck_depth, duck_down, duck_hold, duck_up,
 *                               loop_crossfade
 *   every kind                  gain, fade_in, fade_out, crossfade, overlap,
 *                               pause, closer
 *
 * rundown_load checks what can be checked without audio: the syntax, kinds
 * and keys, that every named file can be read, that every bed ends, that a
 * closer is the last item. Lengths (crossfades longer than an item) are
 * checked when the show is placed; each item keeps its lines for that.
 * Nothing here prints or touches audio.
 */
#ifndef SPRECHER_RUNDOWN_H
#define SPRECHER_RUNDOWN_H

#include <stddef.h>
#include "util.h"

enum rd_kind { RD_ARTICLE, RD_TEXT, RD_TIME, RD_JINGLE, RD_SILENCE, RD_BED, RD__COUNT };

/* "article", "text", ... */
const char *rd_kind_name(enum rd_kind k);

/* How a bed gets out of the way of speech (see duck.h). */
struct rd_duck {
	double depth_db;          /* > 0: dB the bed is lowered under speech (default 11) */
	int down_ms;              /* ramp down, ending at the first syllable (150) */
	int hold_ms;              /* pauses shorter than this stay down (800) */
	int up_ms;                /* ramp up in longer gaps (500) */
};

#define RD_DUCK_DEPTH_DB 11.0
#define RD_DUCK_DOWN_MS 150
#define RD_DUCK_HOLD_MS 800
#define RD_DUCK_UP_MS 500
#define RD_LOOP_CROSSFADE_MS 500
#define RD_PAUSE_MS 500          /* default pause after an item */

struct rd_item {
	char name[64];            /* the section name */
	enum rd_kind kind;
	int line;                 /* line of the section header */
	char *path;               /* article, jingle, bed: resolved file path (owned); else NULL */
	char *text;               /* text: the text (owned); time: the sentence, see rundown_time_text */
	char at[16];              /* time: "HH:MM" or "" (the show's date) */
	char voice[256];          /* "" = the show's voice */
	double gain_db;           /* may be -inf */
	int fade_in_ms, fade_out_ms;
	int crossfade_ms;         /* starts this long before the previous item ends, both fading */
	int overlap_ms;           /* starts this long before the previous item ends, no fades */
	int overlap_line;         /* line of crossfade/overlap (0: none) */
	int pause_ms;             /* after the item; -1 = the show's pause */
	int length_ms;            /* silence: its length */
	int keep_footer;
	int closer;               /* ends at the slot's end (backtiming) */
	/* beds */
	char until[64];           /* name of the item at whose end the bed ends */
	size_t until_index;       /* its index in rundown.items */
	struct rd_duck duck;
	int loop_crossfade_ms;
};

struct rundown {
	char *path;               /* as given (owned) */
	char title[256], date[32], voice[256], artist[256];
	int length_ms;            /* slot length; -1 = none */
	int length_line;
	int pause_ms;             /* default pause after an item */
	double speech_gain_db;    /* every speech item (a debug stem: -inf leaves the bed alone) */
	struct rd_item *items;
	size_t n;
};

/*
 * Reads the rundown `path` into `rd` (overwritten). Returns 0, or -1 with
 * "PATH:LINE: problem" in `e` ("PATH: problem" when no line applies); release
 * `rd` with rundown_release either way.
 */
int rundown_load(const char *path, struct rundown *rd, struct err *e);
void rundown_release(struct rundown *rd);

/*
 * Parses a duration ("1.5", "1.5s", "200ms", "3:00", "1:02.5") into *ms.
 * Returns 0, or -1 when `s` is not one or is negative.
 */
int rundown_parse_duration(const char *s, int *ms);

/*
 * The sentence of a time item: "Es ist 14 Uhr." for at "14:00" (or the
 * date "YYYY-MM-DD HH:MM" when `at` is empty), "Es ist 14:30 Uhr." with
 * minutes; the verbalizer reads it out. Returns 0, or -1 when neither gives
 * a time ("at" and `date` are named in the error by the caller).
 */
int rundown_time_text(const char *at, const char *date, char *out, size_t n);

#endif
