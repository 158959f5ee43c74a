/*
 * voice.h - voice presets: INI files in voices/ (read with inih).
 *
 *     [voice]
 *     description = Nachrichtensprecher, ruhig
 *     espeak  = de          ; eSpeak NG voice name
 *     variant = m3          ; eSpeak variant, optional
 *     rate    = 158         ; words per minute
 *     pitch   = 42          ; 0..99
 *     range   = 38          ; pitch range 0..99
 *     volume  = 100         ; 0..200
 *     wordgap = 0           ; extra gap between words, in 10 ms units
 *     [pauses]              ; milliseconds of silence after ...
 *     sentence  = 420
 *     paragraph = 850
 *     section   = 1300
 *     [clock]               ; optional: milliseconds of silence between ...
 *     intro_gap   = 350     ; the intro jingle and the first words (no talk-up)
 *     stinger_gap = 300     ; a section stinger and the heading after it
 *     outro_gap   = 600     ; the last words and the outro jingle
 *     [roles]               ; optional: other presets for some roles
 *     title = nachrichten-titel
 *
 * A role preset that names neither `espeak` nor `variant` speaks with the
 * voice (eSpeak voice and variant) of the preset that chose it: it changes the
 * delivery (rate, pitch, pauses ...), not the speaker, so a female programme
 * keeps its female voice for titles.
 */
#ifndef SPRECHER_VOICE_H
#define SPRECHER_VOICE_H

#include "util.h"
#include "article.h"

struct voice_preset {
	char name[64];            /* file name without .ini */
	char path[512];
	char description[128];
	char espeak[64];
	char variant[32];         /* empty: none */
	int rate, pitch, range, volume, wordgap;
	int pause_sentence_ms, pause_paragraph_ms, pause_section_ms;
	int names_voice;          /* the file set `espeak` or `variant` */
	struct voice_clock {      /* gaps around jingles; like pauses, the programme's (base) values */
		int intro_gap_ms, stinger_gap_ms, outro_gap_ms;
	} clock;
	char role[ROLE__COUNT][64];   /* preset name per role; empty: this preset */
};

/* The directory holding the presets: $SPRECHER_VOICES, voices/ next to the program, or the installed one. */
const char *voice_dir(void);

/*
 * Loads preset `name_or_file`: a path (contains '/' or ends in ".ini") or a
 * name looked up in voice_dir(). Returns 0, or -1 with "FILE:LINE: ..." or
 * "unknown voice preset 'X' (see sprecher voices)".
 */
int voice_load(const char *name_or_file, struct voice_preset *out, struct err *e);

/*
 * The presets for every role of `base` (roles without their own preset get a
 * copy of `base`; role presets without a voice of their own get base's). Returns 0 or -1 when a role's preset cannot be loaded.
 */
int voice_load_roles(const struct voice_preset *base, struct voice_preset out[ROLE__COUNT],
		     struct err *e);

/*
 * Changes the speaking rate of every role: by `percent` (> 0), or so that the
 * body role reads at `wpm` words per minute (> 0), the other roles keeping
 * their proportion to it. Rates stay within eSpeak NG's 80..450. Both 0:
 * nothing changes.
 */
void voice_set_speed(struct voice_preset roles[ROLE__COUNT], double percent, int wpm);

/*
 * Parses a speaking speed: "N%" (25..400) into *percent, or words per minute
 * "N" / "Nwpm" (80..450) into *wpm; the other is set to 0. Returns 0 or -1.
 */
int voice_speed_parse(const char *s, double *percent, int *wpm);

/* Lists the preset names in voice_dir() into `out`, one "name<TAB>description" line each. */
void voice_list(struct sb *out);

#define VOICE_DEFAULT "nachrichten"

#endif
