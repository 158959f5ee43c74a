/*
 * speechq.h - the speech queue: sentences -> eSpeak NG -> resampling -> placement.
 *
 * eSpeak NG runs on the caller's thread (it is not thread-safe); a few worker
 * threads measure and resample each sentence while the next is synthesized;
 * finished sentences are handed to the `place` callback strictly in the
 * order they were queued. At most SPEECHQ_LEN sentences are in flight, so
 * memory stays flat.
 *
 * THE POINT WHERE ONE SENTENCE'S AUDIO IS MADE is speech_make() (= speech_synth()
 * on the eSpeak thread, then speech_finish() on any thread): spoken text and
 * voice in, mono frames at the output rate plus word events out; nothing else
 * of the sentence goes in. A cache goes in front of it: look (voice, spoken
 * text, output rate, resampler quality) up before speechq_say(); on a hit, hand
 * a copy to speechq_push_ready() instead; store what the `place` callback
 * receives on a miss.
 */
#ifndef SPRECHER_SPEECHQ_H
#define SPRECHER_SPEECHQ_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"
#include "voice.h"
#include "resample.h"

struct synth;
struct synth_audio;

/*
 * The version of what speech_finish() does to a sentence (DC blocker, true
 * peak, how the resampler is used, word frames) and of struct speech. The
 * cache keys sentences on it (with eSpeak NG's identity and the resampler
 * library's, rs_quality_backend) instead of on the program's build, so a
 * rebuild keeps the cache. RAISE IT with every change of sprecher's code
 * that alters a sentence's frames, words or true peak.
 */
#define SPEECH_DSP_VERSION 1

#define SPEECHQ_LEN 8             /* sentences in flight (about 1.5 MB each) */

/* A word start: frame offset at the output rate, byte offset in the spoken text. */
struct speech_word {
	uint64_t frame;
	size_t spoken;
};

/* One sentence's audio: everything owned; speech_release frees it. */
struct speech {
	float *frames;            /* mono at the output rate; NULL when nframes == 0 */
	size_t nframes;
	struct speech_word *words;
	size_t nwords;
	double true_peak;         /* linear, 4x oversampled, measured before resampling */
};

void speech_release(struct speech *sp);

/*
 * Synthesizes `spoken` with voice `v` (selected when it is not the current
 * one; `*cur` tracks it) into `a`. The eSpeak NG half: one thread only.
 * An empty text gives empty audio without calling eSpeak NG.
 */
int speech_synth(struct synth *syn, const struct voice_preset *v, const struct voice_preset **cur,
		 const char *spoken, struct synth_audio *a, struct err *e);
/*
 * The other half, thread-safe: the audio through the DC blocker (dcblock.h,
 * per sentence, so the result depends on the sentence alone), its true peak
 * (at `in_rate`), resampled to `out_rate` with `q`, the word events converted
 * to output frames.
 * Fills `out` (previous contents not freed); `a` is left unchanged.
 */
int speech_finish(const struct synth_audio *a, int in_rate, int out_rate, enum rs_quality q,
		  struct speech *out, struct err *e);
/* Both halves at once: the narrow point described above. */
int speech_make(struct synth *syn, const struct voice_preset *v, const char *spoken, int out_rate,
		enum rs_quality q, struct speech *out, struct err *e);

/*
 * Receives each sentence in queue order, one call at a time (on a worker
 * thread). `sp` is the callback's to keep or release. Returns 0, or -1 with
 * an error, which stops the queue.
 */
typedef int (*speechq_place_fn)(void *ctx, void *tag, struct speech *sp, struct err *e);

struct speechq;

/* Starts `workers` threads. NULL with an error when a thread cannot start. */
struct speechq *speechq_new(struct synth *syn, int out_rate, enum rs_quality q, int workers,
			    speechq_place_fn place, void *ctx, struct err *e);
/*
 * Synthesizes one sentence on the caller's thread and queues it (waits for a
 * free slot); `tag` is handed back to `place`. Returns 0, or -1 once anything
 * has failed (the error is speechq_finish's).
 */
int speechq_say(struct speechq *q, const struct voice_preset *v, const char *spoken, void *tag,
		struct err *e);
/* Queues audio made elsewhere (a cache hit); takes over `sp`'s contents. 0 or -1 as speechq_say. */
int speechq_push_ready(struct speechq *q, struct speech *sp, void *tag, struct err *e);
/*
 * Waits until every queued sentence is placed and stops the workers. Returns 0,
 * or -1 with the first error of a worker, of `place` or of synthesis.
 */
int speechq_finish(struct speechq *q, struct err *e);
/* Frees the queue (finishing it first when needed); NULL is fine. */
void speechq_free(struct speechq *q);

#endif
