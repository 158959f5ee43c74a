/*
 * encq.h - the encoder thread: converts and writes blocks while the next is made.
 *
 * A ring of ENCQ_BUFS buffers of `block_frames` frames: the producer takes
 * an empty one (encq_get), fills it and hands it over (encq_put); the thread
 * writes it with afile_write. Committing or aborting the file stays the
 * caller's job, after encq_finish.
 */
#ifndef SPRECHER_ENCQ_H
#define SPRECHER_ENCQ_H

#include <stddef.h>
#include "util.h"
#include "audiofile.h"

#define ENCQ_BUFS 3

struct encq;

/* Starts the thread writing to `w` (not owned), `channels` interleaved. NULL with an error. */
struct encq *encq_new(struct afile_writer *w, int channels, size_t block_frames, struct err *e);
/* The next buffer to fill (room for block_frames frames); NULL once writing has failed. */
float *encq_get(struct encq *q);
/* Hands the buffer from encq_get, holding `frames` frames, to the thread. */
void encq_put(struct encq *q, size_t frames);
/* Waits for every block to be written and stops the thread; 0, or -1 with the write error. */
int encq_finish(struct encq *q, struct err *e);
/* Finishes (ignoring errors) and frees; NULL is fine. */
void encq_free(struct encq *q);

#endif
