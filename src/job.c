/*
 * job.c - one render job, episode or show (job.h): loads the episode,
 * checks the outputs, starts the engine and the cache, renders, writes the
 * sidecars.
 */
#include "job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audiofile.h"
#include "cache.h"
#include "progress.h"
#include "show.h"
#include "sidecar.h"
#include "synth.h"
#include "timeline.h"

/* ==== the engine ========================================================= */

/*
 * The process's one eSpeak NG engine, started on first use (eSpeak NG cannot
 * be initialised a second time after it was terminated); job_engine_stop ends it.
 */
static struct synth *the_engine;

static struct synth *engine(struct err *e)
{
	if (!the_engine)
		the_engine = synth_new(e);
	return the_engine;
}

/* The phonemizer of the foreign-word rules (foreign.h): the process's engine. */
static int engine_phonemes(void *ctx, const char *voice, const char *text, struct sb *out)
{
	struct err e;
	struct synth *s = engine(&e);

	(void)ctx;
	return s ? synth_lang_phonemes(s, voice, text, out) : -1;
}

void job_engine_stop(void)
{
	synth_free(the_engine);
	the_engine = NULL;
}

/* ==== from options to episode or show ==================================== */

int job_load_episode(const struct job_opts *o, struct episode *l, struct warns *w, struct err *e)
{
	struct episode_opts eo = { .article = o->article, .voice = o->voice, .lexicons = o->lexicons,
				   .nlex = o->nlex, .keep_footer = o->keep_footer, .date = o->date,
				   .keep_furniture = o->keep_furniture,
				   /* foreign words: eSpeak's phonemes of other languages, one German voice */
				   .phonemizer = engine_phonemes };

	eo.default_voice = o->dflt.voice;
	eo.speed_percent = o->speed_percent;
	eo.speed_wpm = o->speed_wpm;
	eo.trust_paths = o->trust_fm;
	return episode_load(&eo, l, w, e);
}

/* The options of a show from the job's. */
static struct show_opts show_opts_of(const struct job_opts *o, int only_item)
{
	return (struct show_opts){ .rundown = o->article, .voice = o->voice, .lexicons = o->lexicons,
				   .nlex = o->nlex, .date = o->date, .fit_ms = o->fit_ms,
				   .only_item = only_item, .phonemizer = engine_phonemes };
}

int job_show_script(const struct job_opts *o, struct sb *out, struct warns *w, struct err *e)
{
	struct show_opts so = show_opts_of(o, 0);

	return show_script(&so, &o->r, out, w, e);
}

/* ==== outputs ============================================================ */

/* Checks every sidecar path before any audio is made or an output replaced. */
static int check_sidecar_names(const struct job_opts *o, struct err *e)
{
	const char *paths[] = { o->captions, o->timeline, o->labels, o->chapters };

	if (o->captions && sidecar_check_captions_name(o->captions, e))
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(paths); i++)
		if (paths[i] && sidecar_check_path(paths[i], e))
			return -1;
	return 0;
}

static int write_sidecars(const struct job_opts *o, const struct timeline *tl, const char *title,
			  struct warns *w, struct err *e)
{
	const char *audio = strrchr(o->r.fmt.output, '/');
	audio = audio ? audio + 1 : o->r.fmt.output;

	if (o->captions && sidecar_captions(o->captions, tl, e))
		return -1;
	if (o->timeline && sidecar_timeline(o->timeline, tl, title, e))
		return -1;
	if (o->labels && sidecar_labels(o->labels, tl, e))
		return -1;
	if (o->chapters && sidecar_chapters(o->chapters, tl, title, audio, w, e))
		return -1;
	return 0;
}

/*
 * Options the output format ignores (--bits with mp3, --quality with wav; the
 * format table knows) and --talkup without jingles: say so.
 */
static void warn_unused_codec_opts(const struct job_opts *o, struct warns *w)
{
	afile_warn_unused(o->r.fmt.output, o->bits_given, o->r.fmt.quality, o->r.fmt.bitrate_kbps, w);
	if (o->r.place.talkup_ms > 0 && o->r.place.no_jingles)
		warns_add(w, "talkup: no intro to speak over with --no-jingles; ignored");
}

/* Refuses an output that is also an input, or two outputs that are one file. */
static int check_outputs(const struct job_opts *o, struct err *e)
{
	const char *outs[] = { o->r.fmt.output, o->captions, o->timeline, o->labels, o->chapters };
	const char *ins[24] = { o->article, o->voice, o->r.place.intro, o->r.place.outro, o->r.place.stinger };
	size_t nin = 5;

	for (int i = 0; i < o->nlex && nin < ARRAY_LEN(ins); i++)
		ins[nin++] = o->lexicons[i];
	return path_check_outputs(outs, ARRAY_LEN(outs), ins, nin, e);
}

/* ==== cache and progress ================================================= */

const char *job_cache_dir(const struct job_opts *o, char *buf, size_t n)
{
	if (o->no_cache)
		return NULL;
	if (o->cache_dir)
		return o->cache_dir;
	return cache_default_dir(buf, n) ? NULL : buf;
}

/* The synthesis cache, or NULL (a cache that cannot be used is a warning, not an error). */
static struct cache *open_cache(const struct job_opts *o, struct warns *w)
{
	char buf[4096];
	const char *dir = job_cache_dir(o, buf, sizeof(buf));
	struct cache *c;
	struct err e;

	if (!dir)
		return NULL;
	c = cache_open(dir, (uint64_t)(o->cache_mb * 1048576.0), &e);
	if (!c)
		warns_add(w, "%s; rendering without the cache", e.msg);
	return c;
}

/* The progress line of a single render (progress.c): segments, seconds placed, ETA from the script. */
struct render_progress {
	struct progress *line;
	int rate;
};

static void show_progress(void *ctx, size_t done, size_t total, uint64_t frames)
{
	const struct render_progress *rp = ctx;
	double secs = (double)frames / rp->rate;

	(void)total;
	progress_update(rp->line, done, secs, secs);
}

/* Starts the line for segments first..last of `s` (1-based, 0 = all) when o->r.progress is set. */
static void start_progress(struct job_opts *o, const struct script *s, struct render_progress *rp)
{
	size_t first = 0, last = s->nseg ? s->nseg - 1 : 0;
	double est = 0;

	if (!o->r.progress || !s->nseg)
		return;
	if (o->r.place.seg_first > 0) {
		first = (size_t)o->r.place.seg_first - 1;
		last = (size_t)o->r.place.seg_last - 1;
	}
	for (size_t i = first; i <= last; i++)
		est += s->seg[i].est_seconds;
	rp->rate = o->r.fmt.rate;
	rp->line = progress_new(2, "segments", last - first + 1, est);
	o->r.progress_ctx = rp;
	if (!rp->line)
		o->r.progress = NULL;
}

/* ==== rendering ========================================================== */

/* The episode's defaults and the station's where neither the command line nor the article says. */
static void fill_defaults(struct job_opts *o, const struct episode *l)
{
	episode_render_opts(l, &o->r);
	if (!o->r.place.intro)
		o->r.place.intro = o->dflt.intro;
	if (!o->r.place.outro)
		o->r.place.outro = o->dflt.outro;
	if (!o->r.place.stinger)
		o->r.place.stinger = o->dflt.stinger;
	if (!o->r.meta.artist)
		o->r.meta.artist = o->dflt.artist;
}

/* The episode of an article into o->r.fmt.output (see job_render). */
static int render_episode(struct job_opts *o, const char *segment, struct job_result *res,
			  struct warns *w, struct err *e)
{
	struct episode l;
	struct synth *syn;
	struct timeline tl;
	struct render_progress rp = { 0 };
	int rc = -1;

	timeline_init(&tl, o->r.fmt.rate);
	if (job_load_episode(o, &l, w, e))
		goto out;
	if (segment && script_parse_range(segment, l.script.nseg, &o->r.place.seg_first, &o->r.place.seg_last, e)) {
		res->usage = JOB_BAD_ARG;
		goto out;
	}
	if (check_sidecar_names(o, e))
		goto out;
	fill_defaults(o, &l);
	if (episode_front_matter_opts(&l, o->article, &o->cli, &o->r, w, e))
		goto out;
	warn_unused_codec_opts(o, w);
	if (check_outputs(o, e))
		goto out;
	if (o->progress && strcmp(o->r.fmt.output, "-"))
		o->r.progress = show_progress;
	syn = engine(e);
	if (!syn)
		goto out;
	o->r.cache = open_cache(o, w);
	start_progress(o, &l.script, &rp);
	rc = render_run(&l.script, &o->r, syn, &tl, &res->r, w, e);
	progress_free(rp.line);         /* the line goes before any message */
	if (rc)
		goto out;
	rc = -1;
	res->rendered = 1;
	if (write_sidecars(o, &tl, l.script.title, w, e))
		goto out;
	rc = 0;
out:
	if (o->r.cache) {
		res->have_cache = 1;
		cache_counts(o->r.cache, &res->hits, &res->misses, &res->damaged);
	}
	cache_close(o->r.cache);
	o->r.cache = NULL;
	timeline_release(&tl);
	episode_release(&l);
	return rc;
}

/* A show from a rundown (show.h): the whole programme, or item `item` alone (preview). */
static int render_show(struct job_opts *o, const char *item, struct job_result *res, struct warns *w,
		       struct err *e)
{
	struct show_opts so = show_opts_of(o, item ? atoi(item) : 0);
	struct show_result sr;
	struct timeline tl;
	struct synth *syn;
	int rc = -1;

	if (item && so.only_item <= 0) {
		res->usage = JOB_USAGE_HINT;
		return err_set(e, "a show's preview takes an item number: %s", item);
	}
	timeline_init(&tl, o->r.fmt.rate);
	if (check_sidecar_names(o, e) || !(syn = engine(e)))
		goto out;
	warn_unused_codec_opts(o, w);
	if (check_outputs(o, e))
		goto out;
	if (show_render(&so, &o->r, syn, &tl, &sr, w, e))
		goto out;
	res->r = sr.r;
	res->fitted = sr.slot_frames != 0;
	res->pause_factor = sr.pause_factor;
	res->rate_factor = sr.rate_factor;
	if (write_sidecars(o, &tl, sr.title, w, e))
		goto out;
	rc = 0;
out:
	timeline_release(&tl);
	return rc;
}

int job_render(struct job_opts *o, const char *segment, const char *outdir, const char *format,
	       struct job_result *res, struct warns *w, struct err *e)
{
	memset(res, 0, sizeof(*res));
	if (show_is_rundown(o->article) && o->r.fmt.output)
		return render_show(o, segment, res, w, e);
	if (o->fit_ms) {
		res->usage = JOB_USAGE_HINT;
		return err_set(e, "--fit applies to shows (a .rundown file): %s", o->article);
	}
	if (!o->r.fmt.output) {
		path_default_output(o->article, outdir, format ? format : "wav", res->output, sizeof(res->output));
		o->r.fmt.output = res->output;
		if (show_is_rundown(o->article))
			return render_show(o, segment, res, w, e);
	}
	return render_episode(o, segment, res, w, e);
}
