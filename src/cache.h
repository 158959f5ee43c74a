/*
 * cache.h - the on-disk cache of synthesis results (the only nettle user).
 *
 * An entry is an opaque blob under a content key: the caller hashes
 * everything the blob depends on (for speech: the spoken text, the voice
 * parameters, the eSpeak NG version and voice data, the output rate and
 * resampler with its library's version, SPEECH_DSP_VERSION). Layout: DIR/v1/XX/<64 hex digits>, each
 * file "SPRC" | format | key | length | UMAC-64 of the blob | blob.
 *
 * Entries are written to a temporary file in the same directory and renamed,
 * so a reader sees a whole entry or none, and several processes (on several
 * machines over shared storage) may use one cache at once. A damaged entry
 * (wrong size, checksum, key) is reported, removed and treated as a miss.
 * A hit refreshes the entry's mtime; cache_trim removes the least recently
 * used entries beyond the size limit.
 */
#ifndef SPRECHER_CACHE_H
#define SPRECHER_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define CACHE_KEY_SIZE 32
#define CACHE_DEFAULT_LIMIT_MB 1024

struct cache_key {
	unsigned char b[CACHE_KEY_SIZE];
};

/* Hashing the parts of a key, in order (SHA-256); each part is length-prefixed. */
struct cache_hasher;
struct cache_hasher *cache_hasher_new(void);
void cache_hasher_add(struct cache_hasher *h, const void *data, size_t len);
void cache_hasher_adds(struct cache_hasher *h, const char *s);     /* a string */
void cache_hasher_addi(struct cache_hasher *h, long long v);       /* an integer */
/* The key; frees the hasher. */
void cache_hasher_done(struct cache_hasher *h, struct cache_key *out);

/* The default directory: $XDG_CACHE_HOME/sprecher, else $HOME/.cache/sprecher; -1 when neither is set. */
int cache_default_dir(char *buf, size_t size);

struct cache;

/*
 * Opens (and creates) the cache in `dir` with a limit of `limit_bytes`
 * (0: CACHE_DEFAULT_LIMIT_MB). Returns NULL with an error when the directory
 * cannot be made or written.
 */
struct cache *cache_open(const char *dir, uint64_t limit_bytes, struct err *e);

/* Trims the cache to its limit when this process wrote to it, then frees it; NULL is fine. */
void cache_close(struct cache *c);

/*
 * Looks up `k`. Returns 1 with *data (malloc'd, caller frees) and *len on a
 * hit, 0 on a miss, -1 when the entry was damaged: it is removed, `e` says
 * what was wrong, and the caller synthesizes again. Thread-safe.
 */
int cache_get(struct cache *c, const struct cache_key *k, void **data, size_t *len, struct err *e);

/* Stores data[0..len) under `k` atomically. Returns 0 or -1 with an error. Thread-safe. */
int cache_put(struct cache *c, const struct cache_key *k, const void *data, size_t len, struct err *e);

/* Hits, misses and damaged entries seen through `c` so far. */
void cache_counts(const struct cache *c, uint64_t *hits, uint64_t *misses, uint64_t *damaged);

/* The number of entries and their bytes in `dir` (a missing directory is empty). */
int cache_usage(const char *dir, uint64_t *entries, uint64_t *bytes, struct err *e);

/* Removes every entry (and stale temporary file) of the cache in `dir`. */
int cache_clear(const char *dir, struct err *e);

/*
 * Removes least recently used entries until at most `limit_bytes` remain
 * (down to 90% of it, so that not every run trims), and temporary files
 * older than an hour (left by killed processes).
 */
int cache_trim(const char *dir, uint64_t limit_bytes, struct err *e);



/* ==== speech entries ===================================================== */

struct speech;
struct voice_preset;

/*
 * The key of a sentence: the spoken text, every voice parameter, eSpeak NG's
 * identity (synth_identity: version and voice data), the synthesizer's and
 * the output rate, the resampler (rs_quality_backend: library and version),
 * and SPEECH_DSP_VERSION (speechq.h), which sprecher raises on purpose when
 * its own processing of a sentence changes; a rebuild alone keeps the cache.
 */
void cache_speech_key(const char *spoken, const struct voice_preset *v, const char *synth_id,
		      int in_rate, int out_rate, const char *resampler, struct cache_key *k);

/*
 * cache_get for one sentence's audio as the speech queue makes it (speechq.h:
 * mono frames at the output rate, word starts, true peak): 1 with *out filled
 * (the caller's; speech_release frees it), 0 on a miss, -1 when damaged.
 */
int cache_get_speech(struct cache *c, const struct cache_key *k, struct speech *out, struct err *e);
int cache_put_speech(struct cache *c, const struct cache_key *k, const struct speech *sp,
		     struct err *e);
#endif
