/*
 * job.h - one render job: an episode (article) or a show (rundown) from the
 * options of every stage to the finished file and its sidecars.
 *
 * main parses the command line into a job_opts once and runs it with
 * job_render; a batch runs one job per article. Nothing here prints but the
 * progress line (progress.h) when asked for: warnings go to the caller's
 * list, errors to its err struct, and the figures to a job_result.
 */
#ifndef SPRECHER_JOB_H
#define SPRECHER_JOB_H

#include "episode.h"
#include "render.h"
#include "script.h"
#include "util.h"

/* What a job reads and writes; the stage options (placement, mastering, file format, metadata) are in `r`. */
struct job_opts {
	const char *article;          /* the article or NAME.rundown */
	const char *voice;            /* --voice; NULL: the front matter's, else dflt.voice */
	const char *lexicons[16];
	int nlex;
	int keep_footer;
	int keep_furniture;
	int trust_fm;                 /* --trust-front-matter: its paths may lead anywhere */
	char date[32];                /* --date; "" = not given */
	double speed_percent;         /* --speed N%: 0 = not given */
	int speed_wpm;                /* --speed WPM: 0 = not given */
	/* configuration defaults the article's front matter overrides (the command line wins over both) */
	struct { const char *voice, *intro, *outro, *stinger, *artist; } dflt;
	/* given on the command line itself (not by the configuration): front matter does not override */
	struct episode_given cli;
	int fit_ms;                   /* --fit (shows only) */
	const char *captions, *timeline, *labels, *chapters;   /* sidecar paths; NULL: none */
	int bits_given;               /* --bits was given (warned about when the format ignores it) */
	const char *cache_dir;        /* --cache DIR (else the default) */
	int no_cache;
	double cache_mb;              /* --cache-size MB; 0 = default */
	int progress;                 /* draw a progress line on stderr (not when writing to stdout) */
	struct render_opts r;         /* r.fmt.output NULL: the article's name (see job_render) */
};

/* Why a job failed, beyond its message: the exit status main chooses. */
enum job_usage {
	JOB_FAILED = 0,               /* the render failed: exit 1 */
	JOB_BAD_ARG,                  /* a bad argument found late (--segment past the end): exit 2 */
	JOB_USAGE_HINT,               /* a usage problem: exit 2, with the "see sprecher help" hint */
};

/* The figures of a finished job, for main's result line. */
struct job_result {
	struct render_result r;
	int rendered;                 /* render_run finished: pass1/pass2 seconds are set (episodes) */
	int fitted;                   /* a show fitted to --fit: the factors are set */
	double pause_factor, rate_factor;
	int have_cache;               /* the cache was used: its counts are set */
	uint64_t hits, misses, damaged;
	enum job_usage usage;         /* when job_render failed */
	char output[1024];            /* the default output name, when r.fmt.output was NULL */
};

/*
 * Renders `o` (an episode, or a show when o->article is a rundown):
 * `segment` (N or N-M, NULL: all) limits an episode to those segments, a
 * show to that item. Without o->r.fmt.output the output is the article's
 * name with the format's extension in `outdir` (NULL: here), kept in
 * res->output. Fills the defaults the episode decides into o->r. Returns 0,
 * or -1 with `e` and res->usage set; no output is left half-written.
 */
int job_render(struct job_opts *o, const char *segment, const char *outdir, const char *format,
	       struct job_result *res, struct warns *w, struct err *e);

/* The episode of o->article for `sprecher script` (episode.h): release `ep` either way. */
int job_load_episode(const struct job_opts *o, struct episode *ep, struct warns *w, struct err *e);

/* The running order of the show o->article into `out` (show_script). Returns 0 or -1. */
int job_show_script(const struct job_opts *o, struct sb *out, struct warns *w, struct err *e);

/* The cache directory: --cache, else the default, into `buf` when needed; NULL with --no-cache or none. */
const char *job_cache_dir(const struct job_opts *o, char *buf, size_t n);

/* Ends the process's eSpeak NG engine (started on first use by the jobs). */
void job_engine_stop(void);

#endif
