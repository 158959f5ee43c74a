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
 */
#include "loudness.h"

#include <ebur128.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct meter {
	ebur128_state *st;
	int channels;
	int true_peak;
	size_t step;            /* frames per 100 ms */
	size_t since;           /* frames since the last 100 ms boundary */
	double max_m, max_s;    /* LUFS, -HUGE_VAL until measured */
	double tile[30];        /* energies of the last 30 tiles of 100 ms */
	size_t ntiles;          /* tiles seen */
};

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
	if (true_peak)
		mode |= EBUR128_MODE_TRUE_PEAK;
	m = xcalloc(1, sizeof(*m));
	m->st = ebur128_init((unsigned)channels, (unsigned long)rate, mode);
	if (!m->st) {
		free(m);
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
	m->channels = channels;
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

int meter_add(struct meter *m, const float *frames, size_t nframes, struct err *e)
{
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

/* Maximum true peak over channels in dBTP, or -HUGE_VAL. */
static double true_peak_db(struct meter *m)
{
	double peak = 0;

	if (!m->true_peak)
		return -HUGE_VAL;
	for (int c = 0; c < m->channels; c++) {
		double v;
		if (ebur128_true_peak(m->st, (unsigned)c, &v) == EBUR128_SUCCESS && v > peak)
			peak = v;
	}
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
	ebur128_destroy(&m->st);
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
 * The true peak of a clip, computed by libebur128 only where it can matter.
 * An inter-sample value is a weighted sum of the samples around it (12 per
 * phase in libebur128's 4x interpolator, weights summing to well under 2 in
 * absolute value), so it can only exceed the sample peak P where some sample
 * within that span is above P/2. The meter therefore sees just the windows
 * around such "hot" samples, with TP_CONTEXT samples of real signal on each
 * side and zeros between windows; a zero gap can only add ringing below the
 * window edges' level, which is below P/2, so the result is never lower than
 * measuring the whole clip. For speech that is a few percent of the samples.
 */
#define TP_CONTEXT 32

double loudness_true_peak(const float *frames, size_t nframes, int channels, int rate)
{
	ebur128_state *st;
	double peak = 0.0, tp = 0.0;
	size_t ch = (size_t)channels, i = 0, n = 0, cap = 0;
	float thr = 0.0f, *buf = NULL;

	if (!nframes || channels < 1 || rate < 16)
		return 0.0;
	for (size_t k = 0; k < nframes * ch; k++)
		if (fabsf(frames[k]) > thr)
			thr = fabsf(frames[k]);
	peak = thr;
	thr *= 0.5f;
	/* collect the windows around hot frames, separated by TP_CONTEXT zero frames */
	while (i < nframes) {
		size_t start, end;
		int hot = 0;
		for (size_t c = 0; c < ch; c++)
			hot |= fabsf(frames[i * ch + c]) > thr;
		if (!hot) {
			i++;
			continue;
		}
		start = i > TP_CONTEXT ? i - TP_CONTEXT : 0;
		end = i;
		/* extend while hot frames keep coming within TP_CONTEXT */
		for (size_t j = i; j < nframes && j <= end + TP_CONTEXT; j++) {
			int h = 0;
			for (size_t c = 0; c < ch; c++)
				h |= fabsf(frames[j * ch + c]) > thr;
			if (h)
				end = j;
		}
		end = end + TP_CONTEXT + 1 < nframes ? end + TP_CONTEXT + 1 : nframes;
		XGROW(buf, cap, (n + (end - start) + TP_CONTEXT) * ch);
		memcpy(buf + n * ch, frames + start * ch, (end - start) * ch * sizeof(float));
		n += end - start;
		memset(buf + n * ch, 0, TP_CONTEXT * ch * sizeof(float));
		n += TP_CONTEXT;
		i = end;
	}
	st = ebur128_init((unsigned)channels, (unsigned long)rate, EBUR128_MODE_TRUE_PEAK);
	if (st && n && ebur128_add_frames_float(st, buf, n) == EBUR128_SUCCESS) {
		for (int c = 0; c < channels; c++) {
			double p;
			if (ebur128_true_peak(st, (unsigned)c, &p) == EBUR128_SUCCESS && p > tp)
				tp = p;
		}
	}
	if (st)
		ebur128_destroy(&st);
	free(buf);
	return tp > peak ? tp : peak;
}
