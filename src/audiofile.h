/*
 * audiofile.h - reading and writing audio files (the only module that uses
 * libsndfile). Inside sprecher audio is interleaved float32 frames.
 */
#ifndef SPRECHER_AUDIOFILE_H
#define SPRECHER_AUDIOFILE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

/*
 * Reads any file libsndfile reads. Returns 0 and sets *frames (malloc'd,
 * caller frees), *nframes, *channels and *rate; or -1 with
 * "PATH: cannot read: REASON" (missing, unreadable, a directory, corrupt,
 * "file is empty", "no audio frames").
 */
int afile_read(const char *path, float **frames, size_t *nframes,
	       int *channels, int *rate, struct err *e);

/*
 * The same files read in blocks, for streaming sources (source.h): open
 * with the same checks and errors as afile_read; read up to `max_frames`
 * frames (*got = 0 at the end); rewind to the first frame. 0 or -1.
 */
struct afile_reader;
struct afile_reader *afile_reader_open(const char *path, int *channels, int *rate, struct err *e);
int afile_reader_read(struct afile_reader *r, float *frames, size_t max_frames, size_t *got,
		      struct err *e);
int afile_reader_rewind(struct afile_reader *r, struct err *e);
void afile_reader_close(struct afile_reader *r);

enum afile_format { AF_WAV, AF_FLAC, AF_OGG, AF_OPUS, AF_MP3 };
enum afile_bits { AF_BITS_16 = 16, AF_BITS_24 = 24, AF_BITS_32F = 32 };

/*
 * Picks the format from the file name's extension (case-insensitive).
 * Returns 0, or -1 with "PATH: unsupported output format '.EXT' (supported:
 * .wav, .flac, ...)". "-" (stdout) is WAV.
 */
int afile_format_from_name(const char *path, enum afile_format *fmt, struct err *e);

/* A cue point at the start of a segment. */
struct afile_cue {
	uint64_t frame;
	char label[96];
};

/* What the writer puts into the file besides the audio. Strings may be NULL. */
struct afile_meta {
	const char *title, *artist, *date, *comment, *software;
	/* BWF (WAV only): origination date "YYYY-MM-DD" and time "HH:MM:SS"; NULL = not set */
	const char *orig_date, *orig_time;
	/* measured loudness for BWF v2 bext fields; have_loudness = 0 leaves them unset */
	int have_loudness;
	double lufs, lra, true_peak, max_momentary, max_short_term;
	/* WAV: a `cue ` chunk with one point per entry (ids 1..ncues in order) and
	 * their labels in a LIST/adtl chunk (labl); any number of cues */
	const struct afile_cue *cues;
	size_t ncues;
	/* WAV cart chunk (AES46): textual out cue, e.g. the last words; NULL = empty.
	 * The cart chunk also gets title, artist, category "NEWS", start date/time
	 * from orig_date/orig_time and end date 9999-12-31. */
	const char *out_cue;
};

struct afile_opts {
	enum afile_format format;
	enum afile_bits bits;    /* WAV: 16, 24, 32f; FLAC: 16 or 24; lossy: ignored */
	int rate, channels;
	double quality;          /* lossy codecs: 0..1, < 0 = default */
	int bitrate_kbps;        /* mp3/opus: > 0 overrides quality */
	uint64_t dither_seed;    /* TPDF dither for 16-bit output, seeded: deterministic */
	/* WAV: frames the caller expects to write (0 = unknown). When the audio
	 * would pass 4 GiB the file is written as RF64 instead of WAV. */
	uint64_t expected_frames;
};

struct afile_writer;

/*
 * Opens a writer for `path` ("-" = stdout, WAV). The audio goes to a
 * temporary file "DIR/.NAME.XXXXXX.tmp" in the same directory (for "-": in
 * $TMPDIR, copied to stdout on commit, so stdout may be a pipe), which
 * afile_commit renames onto `path`; until then an existing file at `path` is
 * untouched. Fails with "PATH: is a directory", "PATH: cannot create: REASON"
 * (directory missing or not writable), or a message naming what the format
 * cannot hold (FLAC 32f, Opus at other rates than 48000 Hz, MP3 with more than
 * two channels). The temporary file is registered so that afile_cleanup_temp
 * (called from a SIGINT/SIGTERM handler) can remove it; up to 8 writers at once
 * are registered.
 *
 * Output is deterministic: no time stamps (WAV PEAK chunk left out), seeded
 * dither, and Ogg streams (Vorbis, Opus) get a serial number derived from
 * `dither_seed` instead of libsndfile's random one. Tags: title, artist, date,
 * comment, software (LIST/INFO in WAV, Vorbis comments, ID3 in MP3). WAV also
 * gets bext (BWF v2 with the loudness fields), cart and, with cues, the `cue `
 * and LIST/adtl chunks.
 */
struct afile_writer *afile_create(const char *path, const struct afile_opts *o,
				  const struct afile_meta *m, struct err *e);
/*
 * Checks before any work is done that a writer for `path` with `o` can be
 * created (format, bit depth, directory, permissions) by opening one and
 * dropping it. Returns 0, or -1 with the error afile_create would give.
 */
int afile_check(const char *path, const struct afile_opts *o, struct err *e);
/*
 * Writes `nframes` frames (values in -1..1, clipped beyond; 16-bit WAV/FLAC
 * output gets TPDF dither, exact zeros stay digital silence).
 */
int afile_write(struct afile_writer *w, const float *frames, size_t nframes, struct err *e);
/*
 * Finishes the file (chunks, tags), fsyncs and renames it onto the target (or
 * copies it to stdout); frees `w` in every case. On error the temporary file
 * is removed and the target untouched.
 */
int afile_commit(struct afile_writer *w, struct err *e);
/* Drops the temporary file and frees `w`; afile_abort(NULL) is fine. */
void afile_abort(struct afile_writer *w);
/*
 * Registers another temporary file (e.g. a preview) for afile_cleanup_temp;
 * returns a slot for afile_temp_forget, or -1 when none is free.
 */
int afile_temp_register(const char *path);
void afile_temp_forget(int slot);
/* Async-signal-safe: unlinks the temporary file of any open writer. */
void afile_cleanup_temp(void);

#endif
