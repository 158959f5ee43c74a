/*
 * synth.h - speech synthesis (the only module that includes eSpeak NG).
 *
 * eSpeak NG keeps global state, is not thread-safe and sets LC_CTYPE for the
 * whole process: one `struct synth` per process, used from one thread.
 * Sentences are spoken in a separate engine process, each from the same
 * pristine state, so a sentence's samples depend only on its text and voice,
 * never on what was spoken before.
 * Output is mono float samples at synth_rate() (22050 Hz for eSpeak NG).
 */
#ifndef SPRECHER_SYNTH_H
#define SPRECHER_SYNTH_H

#include <stddef.h>
#include "util.h"
#include "voice.h"

enum synth_event_type { SYNTH_WORD, SYNTH_SENTENCE };

/*
 * A word or sentence start. `sample` counts samples from the start of the
 * audio returned by the same synth_say call (after trimming); `text_pos` and
 * `text_len` are byte offsets into the text given to that call.
 */
struct synth_event {
	enum synth_event_type type;
	size_t sample;
	size_t text_pos, text_len;
};

/*
 * The result of one synth_say call: `n` mono samples at synth_rate() and
 * `nev` events in time order. Owned by the caller (synth_audio_init/release);
 * each synth_say call replaces the contents.
 */
struct synth_audio {
	float *samples;
	size_t n, cap;
	struct synth_event *ev;
	size_t nev, evcap;
};

void synth_audio_init(struct synth_audio *a);
void synth_audio_release(struct synth_audio *a);

struct synth;

/* Initialises eSpeak NG. Returns NULL with "cannot find eSpeak NG data ..." when it is missing. */
struct synth *synth_new(struct err *e);
void synth_free(struct synth *s);
int synth_rate(const struct synth *s);

/*
 * What the audio depends on besides text and voice: eSpeak NG's version, its
 * data directory and the size and time of its voice data files (for cache keys).
 */
const char *synth_identity(const struct synth *s);

/* Selects the preset's eSpeak voice and parameters; unknown voice: error naming it. */
int synth_set_voice(struct synth *s, const struct voice_preset *p, struct err *e);

/*
 * Speaks `text` (UTF-8; inline "[[phonemes]]" allowed) with the current voice.
 * Leading and trailing silence is trimmed: pauses are the mixer's job.
 */
int synth_say(struct synth *s, const char *text, struct synth_audio *out, struct err *e);

/*
 * The same in two halves, so that several sentences are synthesized at once
 * (each by its own fork of the voice process; the result is the same as
 * synth_say's): synth_send queues `text` with the current voice, at most
 * SYNTH_MAX_AHEAD unanswered; synth_receive gives the oldest one's audio or
 * error. Nothing else may be asked of the engine (voice, say) while any is
 * pending; synth_pending tells how many are.
 */
#define SYNTH_MAX_AHEAD 4
int synth_send(struct synth *s, const char *text, struct err *e);
int synth_receive(struct synth *s, struct synth_audio *out, struct err *e);
int synth_pending(const struct synth *s);

/* eSpeak's phoneme transcription of `text` (as `espeak-ng -x`), appended to `out`. */
int synth_phonemes(struct synth *s, const char *text, struct sb *out, struct err *e);

/*
 * The phonemes of `text` in eSpeak voice `lang` ("en", "de"), appended to
 * `out` as synth_phonemes does, including eSpeak's "(en)...(de)" marks where
 * its dictionary switches language. The voice chosen by synth_set_voice is
 * restored afterwards. Returns 0 or -1 (unknown voice).
 */
int synth_lang_phonemes(struct synth *s, const char *lang, const char *text, struct sb *out);

/* Appends one line per installed eSpeak voice for language `lang`: "name<TAB>identifier<TAB>gender". */
void synth_list_voices(struct synth *s, const char *lang, struct sb *out);

/* Appends the eSpeak NG voice variants installed (for a preset's `variant` key), wrapped in lines. */
void synth_list_variants(struct synth *s, struct sb *out);

#endif
