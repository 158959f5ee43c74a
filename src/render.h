/*
 * render.h - stages 3 to 5: script -> timeline -> mixed frames -> loudness ->
 * encoded file.
 *
 * Streaming in two passes so memory stays flat however long the programme:
 * pass 1 synthesizes each sentence (eSpeak NG, main thread), while a second
 * thread resamples it, places it with pauses and jingles on the timeline,
 * mixes, measures loudness and spools float frames to a temporary file;
 * pass 2 reads the spool back, applies one gain and (where the peak needs it)
 * the true-peak limiter, and encodes.
 */
#ifndef SPRECHER_RENDER_H
#define SPRECHER_RENDER_H

#include <stdint.h>
#include "util.h"
#include "script.h"
#include "timeline.h"
#include "loudness.h"
#include "resample.h"
#include "audiofile.h"

struct synth;

/* Options by stage; main fills them once (render_opts_init gives the defaults). */
struct place_opts {                 /* placement: what goes where */
	const char *intro, *outro, *stinger;   /* jingle files; NULL = built in */
	int no_jingles;
	int talkup_ms;
	int seg_first, seg_last;     /* 1-based range; 0 = whole script */
	enum rs_quality resample;    /* speech and jingles to the output rate */
};

struct master_opts {                /* mastering: loudness */
	double target_lufs;
	double ceiling_dbtp;
	int mono_single;             /* mono file: measure as one channel, not as dual mono (-3 LU) */
};

struct format_opts {                /* the output file */
	const char *output;          /* path or "-" (WAV on stdout) */
	int rate;                    /* 44100 or 48000 */
	int channels;                /* 1 or 2 */
	enum afile_bits bits;
	double quality;              /* lossy codecs, < 0 = default */
	int bitrate_kbps;            /* 0 = default */
};

struct meta_opts {                  /* tags and BWF */
	const char *artist;
	const char *date;            /* "YYYY-MM-DD[ HH:MM:SS]" or NULL */
	const char *cut_id;          /* cart CutID; NULL = a stable hash (audiofile.h) */
};

struct render_opts {
	struct place_opts place;
	struct master_opts master;
	struct format_opts fmt;
	struct meta_opts meta;
	/* called after each segment is synthesized (NULL: none); only main prints */
	void (*progress)(void *ctx, size_t done, size_t total, uint64_t frames);
	void *progress_ctx;
};

void render_opts_init(struct render_opts *o);

struct render_result {
	struct loudness loud;        /* measured on the final programme */
	double seconds;
	double input_lufs;           /* before gain */
	double gain_db;
	size_t limited_frames;
	double pass1_seconds, pass2_seconds;   /* wall-clock time of each pass */
};

/*
 * Renders `s` (segments seg_first..seg_last) with the synthesizer `syn` into
 * o->output, filling `tl` (timeline_init'ed by the caller) and `res`.
 * Returns 0, or -1 with an error; on error no output file is left and an
 * existing one is untouched.
 */
int render_run(const struct script *s, const struct render_opts *o, struct synth *syn,
	       struct timeline *tl, struct render_result *res, struct warns *w, struct err *e);

#endif
