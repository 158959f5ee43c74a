/*
 * audiofile.h - reading and writing audio files (the only module that uses
 * libsndfile). Inside sprecher audio is interleaved float32 frames.
 */
#ifndef SPRECHER_AUDIOFILE_H
#define SPRECHER_AUDIOFILE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"
#include "timeline.h"

/*
 * Reads any file libsndfile reads. Returns 0 and sets *frames (malloc'd,
 * caller frees), *nframes, *channels and *rate; or -1 with
 * "PATH: cannot read: REASON" (missing, unreadable, a directory, corrupt,
 * "file is empty", "no audio frames", "truncated file: the header announces
 * 6.000 s of audio, 0.140 s are present"). A header's frame count is never
 * trusted for allocation: memory grows with the frames actually decoded.
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

/* What a format carries besides the audio (afile_format_info.carries). */
enum {
	AF_CARRIES_BEXT = 1,     /* BWF bext chunk (loudness, origination date) */
	AF_CARRIES_CUE = 2,      /* cue points with labels (cue + LIST/adtl) */
	AF_CARRIES_CART = 4,     /* AES46 cart chunk */
	AF_CARRIES_INFO = 8,     /* LIST/INFO tags (UTF-8) */
	AF_CARRIES_VORBIS = 16,  /* Vorbis comments (UTF-8), ReplayGain/R128 tags */
	AF_CARRIES_ID3 = 32,     /* ID3v2 through LAME (Latin-1 text only) */
};

/*
 * Loudness tags of a format (afile_format_info.gain_tags), from the loudness
 * of the file as delivered (lossy: decoded and metered):
 * AF_GAIN_REPLAYGAIN: REPLAYGAIN_TRACK_GAIN (dB to the ReplayGain 2 reference
 *   of -18 LUFS, "+5.00 dB") and REPLAYGAIN_TRACK_PEAK (the true peak,
 *   linear, "0.891251"): Vorbis comments in FLAC and Ogg Vorbis, ID3v2 TXXX
 *   frames of those names in MP3;
 * AF_GAIN_R128: Opus, RFC 7845: R128_TRACK_GAIN, the gain to -23 LUFS in
 *   Q7.8 fixed point (1/256 dB, "-1792" = -7 dB) relative to the header's
 *   output gain, which stays 0 dB (the file plays at the level it was
 *   rendered to); no REPLAYGAIN_* tags in Opus, as the RFC asks.
 */
enum { AF_GAIN_NONE, AF_GAIN_REPLAYGAIN, AF_GAIN_R128 };
#define AF_REPLAYGAIN_REF_LUFS (-18.0)
#define AF_R128_REF_LUFS (-23.0)

/*
 * The one table of output formats: everything sprecher knows per format.
 * Writer and option checks read it; nothing else tests `format ==`.
 */
struct afile_format_info {
	enum afile_format format;
	const char *ext;           /* lowercase, without the dot: "wav" */
	int sf_major;              /* libsndfile major format */
	int sf_codec;              /* lossy: libsndfile subtype of the codec; PCM: 0 */
	unsigned bits;             /* bit depths taken: AF_BITMASK(AF_BITS_16) | ... ; 0 = lossy */
	int takes_quality;         /* --quality does something */
	int takes_bitrate;         /* --bitrate does something */
	int lossy;                 /* decoded audio differs from what was written */
	int fixed_rate;            /* the only sample rate it takes; 0 = any */
	int max_channels;          /* 0 = libsndfile's limit */
	unsigned carries;          /* AF_CARRIES_* */
	/* loudness tags written at commit from the delivered loudness (AF_GAIN_*) */
	int gain_tags;
	/* lossy: dB by which decoded true peaks typically pass the encoded
	 * signal's (measured on speech at default quality); the render limits
	 * this much lower first and then checks the decoded file */
	double tp_margin_db;
};
#define AF_BITMASK(b) (1u << ((b) == AF_BITS_16 ? 0 : (b) == AF_BITS_24 ? 1 : 2))

/* The table entry of `fmt` (never NULL for a valid enum value). */
const struct afile_format_info *afile_format_get(enum afile_format fmt);
/* The entry whose extension is `ext` (no dot, ASCII case ignored), or NULL. */
const struct afile_format_info *afile_format_find(const char *ext);
/* ".wav, .flac, ..." from the table, for messages. */
const char *afile_format_list(void);

/*
 * Picks the format from the file name's extension (case-insensitive).
 * Returns 0, or -1 with "PATH: unsupported output format '.EXT' (supported:
 * .wav, .flac, ...)". "-" (stdout) is WAV.
 */
int afile_format_from_name(const char *path, enum afile_format *fmt, struct err *e);

/*
 * Adds a warning to `w` for each given option the format of `path` ignores,
 * e.g. "out.mp3: --bits applies to .wav and .flac; ignored". `bits_given`:
 * --bits was on the command line; quality < 0 and bitrate_kbps <= 0 mean
 * not given. An unknown extension adds nothing (the writer reports it).
 */
void afile_warn_unused(const char *path, int bits_given, double quality, int bitrate_kbps,
		       struct warns *w);

/* A cue point at the start of a segment. */
struct afile_cue {
	uint64_t frame;
	char label[96];
};

/*
 * What the writer puts into the file besides the audio. Strings may be NULL.
 * Tags keep UTF-8 where the format allows it (LIST/INFO, Vorbis comments);
 * ID3 through LAME takes Latin-1; bext and cart text fields are ASCII, so
 * title, artist and out cue are transliterated there (sb_add_ascii: ä -> ae).
 */
struct afile_meta {
	const char *title, *artist, *date, *comment, *software;
	/* BWF bext OriginationDate "YYYY-MM-DD" and OriginationTime "HH:MM:SS"
	 * (EBU Tech 3285), also the cart StartDate/StartTime (AES46); NULL date =
	 * 1970-01-01, NULL time = 00:00:00 (main always gives a date) */
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
	 * from orig_date/orig_time, end date 9999-12-31 23:59:59, and CutID. */
	const char *out_cue;
	/* cart CutID; NULL = "SPR" + 8 hex digits hashed from title, date and time
	 * (stable: the same episode gets the same id) */
	const char *cut_id;
	/* cart timers (in frames) from the rendered timeline, when not NULL:
	 * AUDs 0 and AUDe total_frames; with an intro jingle at the start INTe =
	 * the first speech clip's start (the talk-up point); with an outro jingle
	 * after the last speech SEGs = its start (where the next item may segue) */
	const struct timeline *timeline;
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
 * Opens a writer for `path` ("-" = stdout, WAV). The audio goes through
 * util's atomic output file (outfile_open: an unnamed file in the target's
 * directory, linked into place by afile_commit, the target locked meanwhile;
 * for "-" an unnamed file in $TMPDIR, copied to stdout on commit, so stdout
 * may be a pipe); until then an existing file at `path` is untouched, and a
 * kill of any kind leaves no temporary file. Fails with "PATH: is a
 * directory", "PATH: cannot create: REASON" (directory missing or not
 * writable), "PATH: is being written by another process", "PATH: changed by
 * another process while rendering; not replaced" (it changed since
 * afile_check), or a message naming what the format cannot hold (FLAC 32f,
 * Opus at other rates than 48000 Hz, MP3 with more than two channels).
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
 * dropping it, and notes the target's state: afile_create then refuses a
 * target that another process wrote in between. Returns 0, or -1 with the
 * error afile_create would give.
 */
int afile_check(const char *path, const struct afile_opts *o, struct err *e);
/*
 * Writes `nframes` frames (values in -1..1, clipped beyond; 16-bit WAV/FLAC
 * output gets TPDF dither, exact zeros stay digital silence).
 */
int afile_write(struct afile_writer *w, const float *frames, size_t nframes, struct err *e);
/*
 * Finishes the file (chunks, tags), fsyncs and links it onto the target (or
 * copies it to stdout); frees `w` in every case. On error the temporary file
 * is removed and the target untouched.
 */
int afile_commit(struct afile_writer *w, struct err *e);
/* 1 when the writer's format is lossy (the decoded audio differs from what was written). */
int afile_is_lossy(const struct afile_writer *w);
/*
 * Finishes the encoding (no more afile_write), decodes the file as it will
 * be delivered with libsndfile, block by block, and measures it (loudness.h:
 * integrated, true peak, LRA; a mono file as dual mono when `dual_mono`).
 * The file is not yet in place: afile_commit or afile_abort follows.
 * Returns 0, or -1 with "PATH: cannot decode the encoded file: REASON".
 */
struct loudness;
int afile_measure(struct afile_writer *w, int dual_mono, struct loudness *out, struct err *e);
/*
 * The loudness of the finished programme as delivered, for the loudness tags
 * written at commit (the table's gain_tags: ReplayGain in FLAC, Ogg Vorbis
 * and MP3, R128_TRACK_GAIN in Opus). libsndfile cannot write these, so the
 * closed file's comment header (Vorbis comments, OpusTags) or ID3v2 tag is
 * rewritten in place and the audio after it moved.
 */
void afile_set_measured(struct afile_writer *w, const struct loudness *l);
/* Drops the temporary file and frees `w`; afile_abort(NULL) is fine. */
void afile_abort(struct afile_writer *w);
/*
 * Registers another temporary file (e.g. a preview) for afile_cleanup_temp;
 * returns a slot for afile_temp_forget, or -1 when none is free. These three
 * call util's tmpreg_add, tmpreg_forget and outfile_cleanup.
 */
int afile_temp_register(const char *path);
void afile_temp_forget(int slot);
/* Async-signal-safe: unlinks every registered named temporary file. */
void afile_cleanup_temp(void);

#endif
