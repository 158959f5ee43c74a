/*
 * source.h - streaming audio sources: audio pulled in blocks, never whole.
 *
 * A source produces interleaved float frames at the programme's rate, a block
 * at a time, in the manner of libsamplerate's SRC_DATA: the caller offers room
 * for `max_frames` and learns how many were produced; fewer than asked means
 * the source has ended. Memory is a block or two, whatever the length.
 */
#ifndef SPRECHER_SOURCE_H
#define SPRECHER_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"
#include "resample.h"

struct source {
	int channels, rate;
	uint64_t frames;          /* total length in frames */
	void *priv;
	/* Fills out[0 .. *produced) with up to max_frames frames; 0 or -1 with an error. */
	int (*read)(void *priv, float *out, size_t max_frames, size_t *produced, struct err *e);
	/* Back to the first frame; 0 or -1. */
	int (*rewind)(void *priv, struct err *e);
	void (*free)(void *priv);
};

/* Reads up to max_frames frames (see above). */
int source_read(struct source *s, float *out, size_t max_frames, size_t *produced, struct err *e);
int source_rewind(struct source *s, struct err *e);
/* Frees the source and its state; NULL is fine. */
void source_free(struct source *s);

/*
 * A source over frames in memory (`channels` interleaved, `frames` long); it
 * takes ownership of `buf` (freed with the source) when `owned` is 1.
 */
struct source *source_memory(float *buf, uint64_t frames, int channels, int rate, int owned);

/*
 * A source reading an audio file in blocks: any rate and channel count
 * libsndfile reads, brought to `channels` (1 or 2) and `rate` as
 * jingle_load does (exactly round(frames * rate / file rate) frames). NULL
 * with "PATH: cannot read: ..." errors.
 */
struct source *source_file(const char *path, int rate, int channels, enum rs_quality q,
			   struct err *e);
/* A fresh source on the same file at its first frame, without scanning it again; NULL with an error. */
struct source *source_file_again(const struct source *s, struct err *e);
/* 1 when every frame of the file's stereo mapping has the same value on both channels. */
int source_file_centred(const struct source *s);
/* From now on deliver only the first channel (a centred file on a mono bus). */
void source_file_first_channel(struct source *s);

#endif
