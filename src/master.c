/*
 * master.c - pass 2: the spool through gain or limiter (+ meter), upmix and
 * writer stages into the output file, with the loudness correction loop.
 */
#include "master.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cues.h"
#include "stage.h"

#define BLOCK_FRAMES     16384
/* Safety between the clip-wise peak prediction and the limiter's threshold, in dB. */
#define PEAK_PREDICTION_MARGIN 0.5
/* A decoded lossy file within this of the target is kept (each retry is a whole encode). */
#define LOSSY_TOLERANCE_LU 0.3
/* A mono file measured as one channel (--mono-loudness single) instead of as dual mono. */
#define DUAL_MONO(o) (!((o)->master.mono_single && (o)->fmt.channels == 1))

/* The writer's options; `frames` is the expected length (RF64 beyond 4 GiB). */
static struct afile_opts file_opts(const struct render_opts *o, uint64_t frames)
{
	struct afile_opts ao = { .bits = o->fmt.bits, .rate = o->fmt.rate, .channels = o->fmt.channels,
				 .quality = o->fmt.quality, .bitrate_kbps = o->fmt.bitrate_kbps,
				 .dither_seed = 0x5370726563686572ULL, .expected_frames = frames };

	if (afile_format_from_name(o->fmt.output, &ao.format, NULL))
		ao.format = AF_WAV;
	return ao;
}

/* Opens the output (not yet committed) with its tags, BWF and loudness metadata. */
static struct afile_writer *open_output(const struct master *p2, const struct script *s,
					const struct render_opts *o, const struct timeline *tl,
					struct err *e)
{
	struct afile_opts ao = file_opts(o, p2->frames);
	struct afile_meta am = { .title = s->title, .artist = o->meta.artist ? o->meta.artist : "sprecher",
				 .date = o->meta.date, .software = "sprecher " SPRECHER_VERSION,
				 .comment = "Rendered with eSpeak NG by sprecher", .out_cue = "Ende",
				 .cut_id = o->meta.cut_id, .timeline = tl };
	struct afile_cue *cues = NULL;
	struct afile_writer *w;
	char date[16] = "", time[16] = "";
	size_t ncues = 0;

	if (o->meta.date) {
		sscanf(o->meta.date, "%10s %8s", date, time);
		am.orig_date = date[0] ? date : NULL;
		am.orig_time = time[0] ? time : NULL;
	}
	cues_from_timeline(tl, &cues, &ncues);
	am.cues = cues;
	am.ncues = ncues;
	am.have_loudness = 1;
	am.lufs = o->master.target_lufs;
	am.lra = p2->in.lra;
	am.true_peak = fmin(p2->tp_in_db + p2->gain_db, p2->ceiling);
	am.max_momentary = p2->in.max_momentary + p2->gain_db;
	am.max_short_term = p2->in.max_short_term + p2->gain_db;
	w = afile_create(o->fmt.output, &ao, &am, e);
	free(cues);
	return w;
}

/*
 * The stages of pass 2: the limiter and a meter when the peak needs it (the
 * result is measured again), else one linear gain (every pass-1 figure
 * shifts by exactly gain_db); the upmix of a mono bus; the writer.
 */
static int build_chain(struct chain *c, const struct master *p2, const struct render_opts *o,
		       int limit, struct afile_writer *w, struct err *e)
{
	chain_init(c, BLOCK_FRAMES);
	if (limit) {
		if (chain_add(c, stage_limiter(p2->bus_ch, o->fmt.rate, p2->gain_db, p2->ceiling, e)) ||
		    chain_add(c, stage_meter_mono(p2->bus_ch, o->fmt.rate, DUAL_MONO(o), e)))
			return -1;
	} else {
		chain_add(c, stage_gain(p2->bus_ch, p2->gain_db));
	}
	if (o->fmt.channels != p2->bus_ch)
		chain_add(c, stage_upmix());
	return chain_add(c, stage_writer(w, o->fmt.channels, BLOCK_FRAMES, e));
}

/* Reads the whole spool through the chain and drains it. */
static int run_spool(struct chain *c, const struct master *p2, struct err *e)
{
	size_t bch = (size_t)p2->bus_ch;
	uint64_t left = p2->frames;

	errno = 0;
	if (fflush(p2->spool) || ferror(p2->spool))
		return spool_failed("write", "spool", e);
	rewind(p2->spool);
	while (left) {
		size_t n = left < BLOCK_FRAMES ? (size_t)left : BLOCK_FRAMES;
		if (fread(chain_buffer(c), bch * sizeof(float), n, p2->spool) != n) {
			if (!ferror(p2->spool))
				errno = EIO;   /* too short */
			return spool_failed("read", "spool", e);
		}
		if (chain_flow(c, n, e))
			return -1;
		left -= n;
	}
	return chain_drain(c, e);
}

/*
 * One encoding of the spool into a new, uncommitted output; fills p2->out
 * (and limited_frames). Returns 0 with *wout set (the caller commits or
 * aborts it), or -1 (nothing left behind).
 */
static int encode_once(struct master *p2, const struct script *s, const struct render_opts *o,
		       const struct timeline *tl, int limit, struct afile_writer **wout,
		       struct err *e)
{
	struct afile_writer *w = open_output(p2, s, o, tl, e);
	struct chain c = { 0 };
	struct stage *st;
	int rc = -1;

	if (!w)
		return -1;
	if (build_chain(&c, p2, o, limit, w, e) || run_spool(&c, p2, e))
		goto out;
	if ((st = chain_find(&c, "meter"))) {
		if (stage_meter_result(st, &p2->out, e))
			goto out;
	} else {
		p2->out = p2->in;
		p2->out.integrated += p2->gain_db;
		p2->out.max_momentary += p2->gain_db;
		p2->out.max_short_term += p2->gain_db;
		p2->out.true_peak = p2->tp_in_db + p2->gain_db;
	}
	if ((st = chain_find(&c, "limiter"))) {
		double maxred;
		stage_limiter_stats(st, &p2->limited_frames, &maxred);
	}
	/* lossy: what counts is the file as delivered (codec overshoot, level shift) */
	if (afile_is_lossy(w) && afile_measure(w, DUAL_MONO(o), &p2->out, e))
		goto out;
	rc = 0;
out:
	chain_release(&c);
	if (rc)
		afile_abort(w);
	else
		*wout = w;
	return rc;
}

/*
 * Encodes with the limiter when the predicted peak needs it. The limiter
 * takes a little loudness away, so the gain is corrected from the measured
 * result, up to four times; the last try is kept whatever it measures (with
 * a warning when the ceiling leaves the target out of reach). A lossy output
 * is judged as decoded: the limiter starts below the ceiling by the codec's
 * typical overshoot (the format table's tp_margin_db) and goes lower by what
 * the decoded file still passes it; its loudness may miss the target by
 * LOSSY_TOLERANCE_LU before another encode is spent.
 */
int master_run(struct master *p2, const struct script *s, const struct render_opts *o,
		 const struct timeline *tl, struct warns *wa, struct err *e)
{
	const struct afile_format_info *fi = afile_format_get(file_opts(o, 0).format);
	struct afile_writer *w = NULL;
	int limit;

	p2->ceiling = o->master.ceiling_dbtp - (fi->lossy ? fi->tp_margin_db : 0);
	limit = p2->tp_in_db + p2->gain_db > p2->ceiling - PEAK_PREDICTION_MARGIN;
	for (int attempt = 0; attempt < 5; attempt++) {
		double off;
		if (encode_once(p2, s, o, tl, limit, &w, e))
			return -1;
		off = fabs(p2->out.integrated - o->master.target_lufs);
		if (attempt == 4 || !isfinite(p2->out.integrated))
			break;
		if (fi->lossy && p2->out.true_peak > o->master.ceiling_dbtp) {
			p2->ceiling -= p2->out.true_peak - o->master.ceiling_dbtp + 0.1;
			limit = 1;               /* codec overshoot: limit lower, keep the gain */
		} else if ((limit || fi->lossy) && off > (fi->lossy ? LOSSY_TOLERANCE_LU : 0.1)) {
			p2->gain_db += o->master.target_lufs - p2->out.integrated;
			limit |= p2->tp_in_db + p2->gain_db > p2->ceiling - PEAK_PREDICTION_MARGIN;
		} else {
			break;
		}
		afile_abort(w);
		w = NULL;
	}
	afile_set_measured(w, &p2->out);
	if (afile_commit(w, e))
		return -1;
	if (fabs(p2->out.integrated - o->master.target_lufs) > (fi->lossy ? LOSSY_TOLERANCE_LU + 0.05 : 0.3))
		warns_add(wa, "%s: reached %.1f LUFS instead of %.1f: the true-peak ceiling of %.1f dBTP "
			  "does not allow more", o->fmt.output, p2->out.integrated, o->master.target_lufs,
			  o->master.ceiling_dbtp);
	return 0;
}

/* Everything that can fail on bad input, checked before any synthesis. */
int master_check(const struct render_opts *o, struct err *e)
{
	enum afile_format f;
	struct afile_opts ao = file_opts(o, 0);

	return afile_format_from_name(o->fmt.output, &f, e) || afile_check(o->fmt.output, &ao, e) ? -1 : 0;
}

