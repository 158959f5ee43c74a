/*
 * loudness.c - EBU R128 measurement with libebur128.
 *
 * Frames are fed to libebur128 in pieces that end on 100 ms boundaries of
 * the stream, so the momentary (400 ms) and short-term (3 s) loudness can be
 * sampled at 10 Hz for their maxima, as EBU Tech 3341 asks. Asking
 * libebur128 for the 3 s loudness ten times a second would sum 3 s of audio
 * each time (it tripled the cost of a measurement); instead the energy of
 * each 100 ms tile is read once (ebur128_loudness_window) and the 400 ms and
 * 3 s means are kept as running sums over the last 4 and 30 tiles.
 *
 * The true peak (libebur128's 4x interpolator, its costliest measurement:
 * about four times the cost of the loudness) is measured by a second
 * libebur128 state that sees only the stretches where it can matter; see
 * "true peak" below.
 */
#include "loudness.h"

#include <ebur128.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Real frames kept on each side of a hot frame (libebur128's interpolator spans 13). */
#define TP_CONTEXT 32

struct meter {
	ebur128_state *st;      /* loudness: every frame */
	ebur128_state *tp;      /* true peak: hot stretches only; NULL when not measured */
	int channels;
	int true_peak;
	float peak;             /* sample peak so far, all channels */
	size_t tail;            /* frames still to feed `tp` after the last hot frame */
	size_t unfed;           /* frames not fed to `tp` since its last frame (capped) */
	float *hist;            /* the last min(unfed, TP_CONTEXT) of those frames */
	size_t step;            /* frames per 100 ms */
	size_t since;           /* frames since the last 100 ms boundary */
	double max_m, max_s;    /* LUFS, -HUGE_VAL until measured */
	double tile[30];        /* energies of the last 30 tiles of 100 ms */
	size_t ntiles;          /* tiles seen */
};

static int tp_open(struct meter *m, int rate);

static const char *ebur_msg(int rc)
{
	switch (rc) {
	case EBUR128_ERROR_NOMEM: return "out of memory";
	case EBUR128_ERROR_INVALID_MODE: return "invalid mode";
	case EBUR128_ERROR_INVALID_CHANNEL_INDEX: return "invalid channel index";
	case EBUR128_ERROR_NO_CHANGE: return "no change";
	default: return "libebur128 error";
	}
}

struct meter *meter_new(int channels, int rate, int true_peak, int dual_mono, struct err *e)
{
	struct meter *m;
	int mode = EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_M | EBUR128_MODE_S |
		   EBUR128_MODE_HISTOGRAM;

	if (channels < 1 || channels > 64 || rate < 16 || rate > 2822400) {
		err_set(e, "loudness: unsupported format (%d channels, %d Hz)", channels, rate);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->st = ebur128_init((unsigned)channels, (unsigned long)rate, mode);
	m->channels = channels;
	if (!m->st || (true_peak && tp_open(m, rate))) {
		meter_free(m);
		err_set(e, "loudness: cannot initialise the meter");
		return NULL;
	}
	if (dual_mono && channels == 1) {
		int rc = ebur128_set_channel(m->st, 0, EBUR128_DUAL_MONO);
		if (rc != EBUR128_SUCCESS) {
			err_set(e, "loudness: %s", ebur_msg(rc));
			meter_free(m);
			return NULL;
		}
	}
	m->true_peak = true_peak != 0;
	m->step = (size_t)(rate / 10);
	if (m->step == 0)
		m->step = 1;
	m->max_m = m->max_s = -HUGE_VAL;
	return m;
}

/* LUFS of a mean energy (libebur128's scale: -0.691 + 10 log10). */
static double energy_lufs(double en)
{
	return en > 0 ? 10 * log10(en) - 0.691 : -HUGE_VAL;
}

/*
 * At a 100 ms boundary: reads the energy of the tile just finished and
 * updates the maxima of the 400 ms and 3 s means. Windows reaching before
 * the start count the missing tiles as silence, as libebur128 does.
 */
static void end_tile(struct meter *m)
{
	double v, en = 0, sm = 0, ss = 0;

	if (ebur128_loudness_window(m->st, 100, &v) == EBUR128_SUCCESS && v > -HUGE_VAL)
		en = pow(10, (v + 0.691) / 10);
	m->tile[m->ntiles % 30] = en;
	m->ntiles++;
	for (size_t i = 0; i < 30 && i < m->ntiles; i++) {
		double t = m->tile[(m->ntiles - 1 - i) % 30];
		if (i < 4)
			sm += t;
		ss += t;
	}
	v = energy_lufs(sm / 4);
	if (v > m->max_m)
		m->max_m = v;
	v = energy_lufs(ss / 30);
	if (v > m->max_s)
		m->max_s = v;
}

/* For a stream ending between boundaries: libebur128's own values at the end. */
static void sample_maxima(struct meter *m)
{
	double v;

	if (ebur128_loudness_momentary(m->st, &v) == EBUR128_SUCCESS && v > m->max_m)
		m->max_m = v;
	if (ebur128_loudness_shortterm(m->st, &v) == EBUR128_SUCCESS && v > m->max_s)
		m->max_s = v;
}

/* ---- true peak ---------------------------------------------------------- */

/*
 * An inter-sample value is a weighted sum of the samples around it (13 per
 * phase in libebur128's 4x interpolator, weights summing to well under 2 in
 * absolute value), so it can only exceed the sample peak P where some sample
 * within that span is above P/2. The true-peak state therefore sees only the
 * stretches around "hot" frames (a sample above half the peak so far, which
 * is never more than half the final peak), with TP_CONTEXT real frames on
 * each side, one stretch straight after the other. Where two stretches meet,
 * every sample within TP_CONTEXT is below half the peak, so the values made
 * there stay below P; around every hot frame the interpolator sees exactly
 * the frames it would see in the whole signal. The result, the larger of P
 * and the state's peak, is therefore the same as measuring every frame. For
 * speech that is a few percent of the frames.
 */

/* The true-peak state and its history for m->channels channels; 0 or -1. */
static int tp_open(struct meter *m, int rate)
{
	m->tp = ebur128_init((unsigned)m->channels, (unsigned long)rate, EBUR128_MODE_TRUE_PEAK);
	m->hist = xmalloc(TP_CONTEXT * (size_t)m->channels * sizeof(float));
	if (!m->tp)
		return -1;
	/* true peak only: channels marked unused skip the K-weighting filter, not the peaks */
	for (int c = 0; c < m->channels; c++)
		ebur128_set_channel(m->tp, (unsigned)c, EBUR128_UNUSED);
	return 0;
}

static int tp_feed(struct meter *m, const float *frames, size_t n, struct err *e)
{
	int rc;

	if (!n)
		return 0;
	rc = ebur128_add_frames_float(m->tp, frames, n);
	if (rc != EBUR128_SUCCESS)
		return err_set(e, "loudness: %s", ebur_msg(rc));
	return 0;
}

/* 1 when a sample of the frame is above half the peak so far; raises the peak. */
static int tp_hot(struct meter *m, const float *frame)
{
	int hot = 0;

	for (int c = 0; c < m->channels; c++) {
		float v = fabsf(frame[c]);
		hot |= v > 0.5f * m->peak;
		if (v > m->peak)
			m->peak = v;
	}
	return hot;
}

/* Keeps the last unfed frames (up to TP_CONTEXT) after `n` more unfed frames at `frames`. */
static void tp_remember(struct meter *m, const float *frames, size_t n)
{
	size_t ch = (size_t)m->channels, have = m->unfed < TP_CONTEXT ? m->unfed : TP_CONTEXT;

	if (n >= TP_CONTEXT) {
		memcpy(m->hist, frames + (n - TP_CONTEXT) * ch, TP_CONTEXT * ch * sizeof(float));
	} else if (n > 0) {
		size_t keep = have + n > TP_CONTEXT ? TP_CONTEXT - n : have;
		memmove(m->hist, m->hist + (have - keep) * ch, keep * ch * sizeof(float));
		memcpy(m->hist + keep * ch, frames, n * ch * sizeof(float));
	}
	m->unfed += n;
	if (m->unfed > TP_CONTEXT)
		m->unfed = TP_CONTEXT;
}

static int tp_add(struct meter *m, const float *frames, size_t n, struct err *e)
{
	size_t ch = (size_t)m->channels, i = 0;

	while (i < n) {
		size_t start = i, back;
		if (m->tail == 0) {
			/* outside a stretch: look for the next hot frame */
			while (i < n && !tp_hot(m, frames + i * ch))
				i++;
			if (i == n) {
				tp_remember(m, frames + start * ch, n - start);
				break;
			}
			/* the real frames before it: from this block, the rest from `hist` */
			back = i - start < TP_CONTEXT ? i - start : TP_CONTEXT;
			if (back < TP_CONTEXT && m->unfed > 0) {
				size_t have = m->unfed, from_hist = TP_CONTEXT - back;
				if (from_hist > have)
					from_hist = have;
				if (tp_feed(m, m->hist + (have - from_hist) * ch, from_hist, e))
					return -1;
			}
			start = i - back;
			m->unfed = 0;
			m->tail = TP_CONTEXT;
			i++;
		}
		/* inside a stretch: it goes on TP_CONTEXT frames past the last hot frame */
		while (i < n && m->tail > 0) {
			if (tp_hot(m, frames + i * ch))
				m->tail = TP_CONTEXT;
			else
				m->tail--;
			i++;
		}
		if (tp_feed(m, frames + start * ch, i - start, e))
			return -1;
	}
	return 0;
}

int meter_add(struct meter *m, const float *frames, size_t nframes, struct err *e)
{
	if (m->tp && tp_add(m, frames, nframes, e))
		return -1;
	while (nframes > 0) {
		size_t k = m->step - m->since;
		int rc;

		if (k > nframes)
			k = nframes;
		rc = ebur128_add_frames_float(m->st, frames, k);
		if (rc != EBUR128_SUCCESS)
			return err_set(e, "loudness: %s", ebur_msg(rc));
		frames += k * (size_t)m->channels;
		nframes -= k;
		m->since += k;
		if (m->since == m->step) {
			m->since = 0;
			end_tile(m);
		}
	}
	return 0;
}

/* The true peak (linear) of what m->tp measured and the sample peak. */
static double tp_linear(struct meter *m)
{
	double peak = m->peak;

	for (int c = 0; c < m->channels; c++) {
		double v;
		if (ebur128_true_peak(m->tp, (unsigned)c, &v) == EBUR128_SUCCESS && v > peak)
			peak = v;
	}
	return peak;
}

/* Maximum true peak over channels in dBTP, or -HUGE_VAL. */
static double true_peak_db(struct meter *m)
{
	double peak;

	if (!m->true_peak)
		return -HUGE_VAL;
	peak = tp_linear(m);
	return peak > 0 ? 20 * log10(peak) : -HUGE_VAL;
}

int meter_result(struct meter *m, struct loudness *out, struct err *e)
{
	int rc;

	out->integrated = out->lra = -HUGE_VAL;
	rc = ebur128_loudness_global(m->st, &out->integrated);
	if (rc != EBUR128_SUCCESS)
		return err_set(e, "loudness: %s", ebur_msg(rc));
	rc = ebur128_loudness_range(m->st, &out->lra);
	if (rc != EBUR128_SUCCESS)
		return err_set(e, "loudness: %s", ebur_msg(rc));
	out->true_peak = true_peak_db(m);
	/* A stream shorter than 100 ms has not been sampled yet. */
	if (m->since > 0)
		sample_maxima(m);
	out->max_momentary = m->max_m;
	out->max_short_term = m->max_s;
	return 0;
}

int meter_result_multiple(struct meter **ms, size_t n, struct loudness *out, struct err *e)
{
	ebur128_state **sts;
	int rc;

	out->integrated = out->lra = out->true_peak = -HUGE_VAL;
	out->max_momentary = out->max_short_term = -HUGE_VAL;
	if (n == 0)
		return 0;
	sts = xmalloc(n * sizeof(*sts));
	for (size_t i = 0; i < n; i++) {
		double tp;
		sts[i] = ms[i]->st;
		if (ms[i]->since > 0)
			sample_maxima(ms[i]);
		if (ms[i]->max_m > out->max_momentary)
			out->max_momentary = ms[i]->max_m;
		if (ms[i]->max_s > out->max_short_term)
			out->max_short_term = ms[i]->max_s;
		tp = true_peak_db(ms[i]);
		if (tp > out->true_peak)
			out->true_peak = tp;
	}
	rc = ebur128_loudness_global_multiple(sts, n, &out->integrated);
	if (rc == EBUR128_SUCCESS)
		rc = ebur128_loudness_range_multiple(sts, n, &out->lra);
	free(sts);
	if (rc != EBUR128_SUCCESS)
		return err_set(e, "loudness: %s", ebur_msg(rc));
	return 0;
}

void meter_free(struct meter *m)
{
	if (!m)
		return;
	if (m->st)
		ebur128_destroy(&m->st);
	if (m->tp)
		ebur128_destroy(&m->tp);
	free(m->hist);
	free(m);
}

/* ---- targets ----------------------------------------------------------- */

int loudness_target_parse(const char *s, double *lufs)
{
	static const struct { const char *name; double v; } names[] = {
		{ "ebu", -23 }, { "r128", -23 }, { "podcast", -16 }, { "atsc", -24 },
	};
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const char *a = s, *b = names[i].name;
		while (*a && *b && a_tolower((unsigned char)*a) == *b) {
			a++;
			b++;
		}
		if (!*a && !*b) {
			*lufs = names[i].v;
			return 0;
		}
	}
	if (!(a_isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+' || s[0] == '.'))
		return -1;
	v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < -70 || v > 0)
		return -1;
	*lufs = v;
	return 0;
}

/*
 * A clip's true peak with the meter's stretches (see "true peak"): the clip
 * is at hand, so its sample peak is known before the first frame and only
 * the stretches around samples above half of it are measured.
 */
double loudness_true_peak(const float *frames, size_t nframes, int channels, int rate)
{
	struct meter m;
	double tp = 0.0;

	if (!nframes || channels < 1 || channels > 64 || rate < 16)
		return 0.0;
	memset(&m, 0, sizeof(m));
	m.channels = channels;
	for (size_t k = 0; k < nframes * (size_t)channels; k++)
		if (fabsf(frames[k]) > m.peak)
			m.peak = fabsf(frames[k]);
	tp = m.peak;
	if (tp_open(&m, rate) == 0 && tp_add(&m, frames, nframes, NULL) == 0)
		tp = tp_linear(&m);
	if (m.tp)
		ebur128_destroy(&m.tp);
	free(m.hist);
	return tp;
}
