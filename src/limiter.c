/*
 * limiter.c - gain and look-ahead true-peak limiter.
 *
 * For every frame the true peak is estimated by 4x oversampling with a short
 * polyphase FIR (windowed sinc, TAPS taps per phase). The gain each frame
 * needs is ceiling / peak. A running minimum (monotonic deque) over the
 * look-ahead window plus a hold on both sides, followed by a moving average
 * over the look-ahead, gives a gain that ramps down linearly before a peak
 * and never exceeds the needed gain anywhere near it; after that the gain
 * recovers exponentially (release). The signal is delayed to match.
 *
 * Stages for input frame t (all indices are stream frame numbers):
 *   y[t] = gain * x[t]
 *   need[c]  for c = t - TAPS/2      (needs TAPS/2 frames of future)
 *   hold[j]  = min need[j-HOLD .. j+LOOK-1+HOLD]
 *   box[j]   = mean hold[j-LOOK+1 .. j]
 *   g[j]     = release-smoothed box, <= box
 *   out[j]   = y[j] * g[j],  j = t - latency
 */
#include "limiter.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TAPS 16                 /* FIR taps per phase (even) */
#define PHASES 4                /* oversampling factor (frame_peak assumes 4) */
#define HOLD (TAPS / 2)         /* frames the full reduction is held on each side of a peak */
#define MARGIN_DB 0.25          /* safety against estimator differences */
#define LOOK_MS 3.0             /* look-ahead (attack) */
#define RELEASE_MS 150.0        /* release time constant */

struct dq_item {
	uint64_t idx;
	float v;
};

struct limiter {
	int ch;
	double gain;            /* linear input gain */
	float ceil;             /* linear ceiling with margin */
	size_t look;            /* LOOK frames */
	size_t win;             /* LOOK + 2*HOLD: running-min window */
	size_t latency;
	double rel;             /* release coefficient per frame */
	float h[PHASES - 1][TAPS];
	float sumabs;           /* max over phases of sum |h| */

	/* FIR history per channel: hist[c][0..2*TAPS), doubled for contiguous reads */
	float *hist;
	size_t hpos;
	/* delay line of y, interleaved, `latency` frames */
	float *delay;
	size_t dlen, dpos;
	/* running-min deque over need[] */
	struct dq_item *dq;
	size_t dqcap, dqhead, dqn;
	/* last LOOK hold[] values for the moving average */
	float *box;
	size_t bpos, below;     /* `below`: values < 1 in the box window */
	double bsum;
	double g;               /* current smoothed gain */
	int hot;                /* frames until no sample above `safe` is in the FIR window */
	uint64_t t;             /* input frames seen */

	size_t limited;
	double min_gain;
};

/* ---- setup ------------------------------------------------------------- */

static void design_fir(struct limiter *l)
{
	l->sumabs = 0;
	for (int p = 1; p < PHASES; p++) {
		double frac = (double)p / PHASES, sum = 0, sabs = 0;
		for (int k = 0; k < TAPS; k++) {
			/* tap k holds sample c - TAPS/2 + 1 + k; we interpolate at c + frac */
			double x = frac - (k - TAPS / 2 + 1);
			double s = fabs(x) < 1e-12 ? 1.0 : sin(M_PI * x) / (M_PI * x);
			double u = x / (TAPS / 2.0);     /* -1..1 across the span */
			/* Blackman window */
			double w = fabs(u) >= 1 ? 0 : 0.42 + 0.5 * cos(M_PI * u) + 0.08 * cos(2 * M_PI * u);
			l->h[p - 1][k] = (float)(s * w);
			sum += s * w;
		}
		for (int k = 0; k < TAPS; k++) {
			l->h[p - 1][k] = (float)(l->h[p - 1][k] / sum);
			sabs += fabs(l->h[p - 1][k]);
		}
		if (sabs > l->sumabs)
			l->sumabs = (float)sabs;
	}
}

struct limiter *lim_new(int channels, int rate, double gain_db, double ceiling_dbtp,
			struct err *e)
{
	struct limiter *l;

	if (channels < 1 || channels > 64 || rate < 8000 || rate > 768000) {
		err_set(e, "limiter: unsupported format (%d channels, %d Hz)", channels, rate);
		return NULL;
	}
	if (!isfinite(gain_db) || !isfinite(ceiling_dbtp) || gain_db > 120 || ceiling_dbtp > 0) {
		err_set(e, "limiter: invalid gain %.2f dB or ceiling %.2f dBTP", gain_db, ceiling_dbtp);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	l->ch = channels;
	l->gain = pow(10, gain_db / 20);
	l->ceil = (float)pow(10, (ceiling_dbtp - MARGIN_DB) / 20);
	l->look = (size_t)lrint(LOOK_MS * rate / 1000);
	if (l->look < 1)
		l->look = 1;
	l->win = l->look + 2 * HOLD;
	l->latency = TAPS / 2 + l->look - 1 + HOLD;
	l->rel = 1 - exp(-1000.0 / (RELEASE_MS * rate));
	design_fir(l);
	l->hist = xcalloc((size_t)channels * 2 * TAPS, sizeof(float));
	l->dlen = l->latency;
	l->delay = xcalloc(l->dlen * (size_t)channels, sizeof(float));
	l->dqcap = l->win + 2;
	l->dq = xcalloc(l->dqcap, sizeof(*l->dq));
	l->box = xcalloc(l->look, sizeof(float));
	for (size_t i = 0; i < l->look; i++)
		l->box[i] = 1;
	l->bsum = (double)l->look;
	l->g = 1;
	l->min_gain = 1;
	return l;
}

size_t lim_latency(const struct limiter *l)
{
	return l->latency;
}

void lim_stats(const struct limiter *l, size_t *limited_frames, double *max_reduction_db)
{
	if (limited_frames)
		*limited_frames = l->limited;
	if (max_reduction_db)
		*max_reduction_db = l->min_gain < 1 ? -20 * log10(l->min_gain) : 0;
}

void lim_free(struct limiter *l)
{
	if (!l)
		return;
	free(l->hist);
	free(l->delay);
	free(l->dq);
	free(l->box);
	free(l);
}

/* ---- processing -------------------------------------------------------- */

/*
 * Peak of frame c = t - TAPS/2 and of the interpolated points between c and
 * c + 1, over all channels. The window w[0..TAPS) holds y[t-TAPS+1 .. t].
 */
static float frame_peak(const struct limiter *l)
{
	float peak = 0;

	for (int c = 0; c < l->ch; c++) {
		/* window of TAPS samples ending at the newest one */
		const float *w = l->hist + (size_t)c * 2 * TAPS + l->hpos;
		float v = fabsf(w[TAPS / 2 - 1]);
		if (v > peak)
			peak = v;
		float a0 = 0, a1 = 0, a2 = 0;
		for (int k = 0; k < TAPS; k++) {
			a0 += l->h[0][k] * w[k];
			a1 += l->h[1][k] * w[k];
			a2 += l->h[2][k] * w[k];
		}
		a0 = fmaxf(fabsf(a0), fmaxf(fabsf(a1), fabsf(a2)));
		if (a0 > peak)
			peak = a0;
	}
	return peak;
}

static void dq_push(struct limiter *l, uint64_t idx, float v)
{
	/* drop larger values from the back: they can never be the minimum again */
	size_t pos;

	while (l->dqn > 0) {
		size_t back = l->dqhead + l->dqn - 1;
		if (back >= l->dqcap)
			back -= l->dqcap;
		if (l->dq[back].v < v)
			break;
		l->dqn--;
	}
	pos = l->dqhead + l->dqn;
	if (pos >= l->dqcap)
		pos -= l->dqcap;
	l->dq[pos] = (struct dq_item){ idx, v };
	l->dqn++;
}

/* Minimum of need[] over indices >= first (the deque's window). */
static float dq_min(struct limiter *l, uint64_t first)
{
	while (l->dqn > 0 && l->dq[l->dqhead].idx < first) {
		if (++l->dqhead == l->dqcap)
			l->dqhead = 0;
		l->dqn--;
	}
	return l->dqn > 0 ? l->dq[l->dqhead].v : 1.0f;
}

void lim_process(struct limiter *l, const float *in, float *out, size_t nframes)
{
	const int ch = l->ch;
	const float gain = (float)l->gain;
	const float ceil = l->ceil;
	/* Below this window maximum no interpolated value can pass the ceiling. */
	const float safe = ceil / (l->sumabs > 1 ? l->sumabs : 1);

	for (size_t i = 0; i < nframes; i++) {
		const float *x = in + i * (size_t)ch;
		float *o = out + i * (size_t)ch;
		float *d = l->delay + l->dpos * (size_t)ch;
		float need, hv, peak;
		double g;

		/* 1. gain, FIR history, delay line (the slot holds y[t - latency]) */
		l->hpos = (l->hpos + 1) & (TAPS - 1);
		for (int k = 0; k < ch; k++) {
			float y = x[k] * gain;
			float *h = l->hist + (size_t)k * 2 * TAPS;
			/* newest sample at hpos + TAPS - 1 (and its mirror) */
			h[(l->hpos + TAPS - 1) & (TAPS - 1)] = y;
			h[((l->hpos + TAPS - 1) & (TAPS - 1)) + TAPS] = y;
			o[k] = d[k];      /* y[t - latency], ungained so far */
			d[k] = y;
			if (fabsf(y) > safe)
				l->hot = TAPS;
		}
		if (++l->dpos == l->dlen)
			l->dpos = 0;

		/*
		 * 2. needed gain of frame c = t - TAPS/2 (kept in the deque under
		 * index t: every later index is shifted by the same TAPS/2)
		 */
		need = 1.0f;
		if (l->hot > 0) {
			l->hot--;
			peak = frame_peak(l);
			if (peak > ceil)
				need = ceil / peak;
		}
		dq_push(l, l->t, need);

		/* 3. hold[j] over need[j-HOLD .. j+LOOK-1+HOLD], j = c - LOOK + 1 - HOLD */
		hv = dq_min(l, l->t + 1 >= l->win ? l->t + 1 - l->win : 0);

		/* 4. moving average over LOOK hold values */
		{
			float old = l->box[l->bpos];
			if (old < 1.0f)
				l->below--;
			if (hv < 1.0f)
				l->below++;
			l->box[l->bpos] = hv;
			if (++l->bpos == l->look)
				l->bpos = 0;
			if (l->below == 0)
				l->bsum = (double)l->look;
			else
				l->bsum += (double)hv - old;
		}
		g = l->below == 0 ? 1.0 : l->bsum / (double)l->look;

		/* 5. release: follow drops at once, recover exponentially */
		if (g < l->g) {
			l->g = g;
		} else {
			l->g += (g - l->g) * l->rel;
			if (g - l->g < 1e-7)
				l->g = g;
		}

		/* 6. output */
		if (l->g < 1.0) {
			float gg = (float)l->g;
			l->limited++;
			if (l->g < l->min_gain)
				l->min_gain = l->g;
			for (int k = 0; k < ch; k++) {
				float v = o[k] * gg;
				o[k] = v > ceil ? ceil : v < -ceil ? -ceil : v;
			}
		} else {
			for (int k = 0; k < ch; k++)
				o[k] = o[k] > ceil ? ceil : o[k] < -ceil ? -ceil : o[k];
		}
		l->t++;
	}
}
