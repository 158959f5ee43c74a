/*
 * jingle.c - intro, section stinger and outro: loaded from files or built in.
 *
 * Built-in jingles are bell-like notes (a few decaying partials with a short
 * attack ramp) on a C major arpeggio, synthesized in double precision and
 * scaled to a peak of -6 dBFS. Nothing random, so they are bit-identical on
 * every run at a given rate.
 */
#include "jingle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audiofile.h"

#define FADE_IN_MS 10.0
#define FADE_OUT_MS 30.0
#define PEAK_DBFS -6.0

/* ---- fades ------------------------------------------------------------- */

void jingle_fade(float *frames, size_t nframes, int channels, size_t in_frames, size_t out_frames)
{
	size_t ch = (size_t)channels;

	/* Fades longer than the clip share it in proportion. */
	if (in_frames + out_frames > nframes && in_frames + out_frames > 0) {
		size_t tot = in_frames + out_frames;
		in_frames = (size_t)((double)nframes * (double)in_frames / (double)tot);
		out_frames = nframes - in_frames;
	}
	for (size_t i = 0; i < in_frames; i++) {
		float g = (float)((double)i / (double)in_frames);
		for (size_t c = 0; c < ch; c++)
			frames[i * ch + c] *= g;
	}
	for (size_t i = 0; i < out_frames; i++) {
		/* the last frame gets gain 0 */
		float g = (float)((double)i / (double)out_frames);
		size_t f = nframes - 1 - i;
		for (size_t c = 0; c < ch; c++)
			frames[f * ch + c] *= g;
	}
}

static void fade_ends(float *frames, size_t nframes, int channels, int rate)
{
	jingle_fade(frames, nframes, channels, (size_t)lrint(FADE_IN_MS * rate / 1000),
		    (size_t)lrint(FADE_OUT_MS * rate / 1000));
}

/* ---- built-in jingles --------------------------------------------------- */

struct note {
	double start;   /* s */
	double freq;    /* Hz */
	double amp;
	double decay;   /* s, time constant of the fundamental */
};

/* Bell-like partials: ratio to the fundamental, amplitude, decay factor. */
static const struct { double ratio, amp, decay; } partials[] = {
	{ 1.0, 1.0, 1.0 }, { 2.0, 0.45, 0.6 }, { 3.0, 0.18, 0.4 },
	{ 4.16, 0.10, 0.25 }, { 5.43, 0.05, 0.18 },
};

#define C4 261.63
#define E4 329.63
#define G4 392.00
#define C5 523.25
#define E5 659.26
#define G5 783.99
#define C6 1046.50

static const struct note intro[] = {
	{ 0.00, G4, 0.55, 0.9 }, { 0.16, C5, 0.55, 0.9 },
	{ 0.32, E5, 0.50, 0.9 }, { 0.48, G5, 0.50, 1.0 },
	{ 0.80, C5, 0.35, 1.2 }, { 0.80, E5, 0.30, 1.2 },
	{ 0.80, C6, 0.35, 1.1 }, { 0.80, C4, 0.30, 1.3 },
};
static const struct note stinger[] = {
	{ 0.00, E5, 0.55, 0.35 }, { 0.12, C6, 0.55, 0.40 },
	{ 0.12, G5, 0.25, 0.40 },
};
static const struct note outro[] = {
	{ 0.00, G5, 0.50, 0.9 }, { 0.18, E5, 0.50, 0.9 },
	{ 0.36, C5, 0.50, 0.9 }, { 0.54, G4, 0.50, 1.0 },
	{ 0.90, C4, 0.40, 1.3 }, { 0.90, G4, 0.30, 1.2 },
	{ 0.90, E4, 0.25, 1.2 }, { 0.90, C5, 0.30, 1.2 },
};

/*
 * Renders the notes into a centred (mono-compatible) jingle: every channel
 * carries the same signal, so a speech programme with built-in jingles can be
 * mixed, measured and limited as one channel. Each partial is a recursive
 * oscillator (a rotating phasor) under a multiplicative exponential decay,
 * which avoids a sin() and exp() per sample.
 */
static void render_notes(const struct note *notes, size_t nn, double len_s, int rate,
			 int channels, struct jingle *out)
{
	size_t n = (size_t)lrint(len_s * rate), ch = (size_t)channels;
	double *buf = xcalloc(n ? n : 1, sizeof(double)), peak = 0;
	double attack = 0.004 * rate;

	for (size_t k = 0; k < nn; k++) {
		const struct note *nt = &notes[k];
		size_t s0 = (size_t)lrint(nt->start * rate);

		for (size_t p = 0; p < ARRAY_LEN(partials); p++) {
			double f = nt->freq * partials[p].ratio;
			double w = 2 * M_PI * f / rate;
			double tau = nt->decay * partials[p].decay * rate;
			double amp = nt->amp * partials[p].amp;
			double cw = cos(w), sw = sin(w), re = 1.0, im = 0.0;
			double dec = exp(-1.0 / tau), env = amp;

			if (f >= 0.45 * rate)
				continue;
			for (size_t i = s0; i < n; i++) {
				double t = (double)(i - s0), nre;
				double a = t < attack ? t / attack : 1.0;
				if (env < 1e-5 * amp && t > attack)
					break;
				buf[i] += env * a * im;
				nre = re * cw - im * sw;
				im = re * sw + im * cw;
				re = nre;
				env *= dec;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (fabs(buf[i]) > peak)
			peak = fabs(buf[i]);

	out->frames = xmalloc((n ? n : 1) * ch * sizeof(float));
	out->nframes = n;
	out->channels = channels;
	out->rate = rate;
	{
		double scale = peak > 0 ? pow(10, PEAK_DBFS / 20) / peak : 0;
		for (size_t i = 0; i < n; i++)
			for (size_t c = 0; c < ch; c++)
				out->frames[i * ch + c] = (float)(buf[i] * scale);
	}
	free(buf);
	fade_ends(out->frames, n, channels, rate);
}

void jingle_builtin(enum jingle_kind kind, int rate, int channels, struct jingle *out)
{
	memset(out, 0, sizeof(*out));
	switch (kind) {
	case JINGLE_INTRO:
		render_notes(intro, ARRAY_LEN(intro), 3.0, rate, channels, out);
		out->source = xstrdup("builtin:intro");
		break;
	case JINGLE_STINGER:
		render_notes(stinger, ARRAY_LEN(stinger), 1.0, rate, channels, out);
		out->source = xstrdup("builtin:stinger");
		break;
	case JINGLE_OUTRO:
	default:
		render_notes(outro, ARRAY_LEN(outro), 3.2, rate, channels, out);
		out->source = xstrdup("builtin:outro");
		break;
	}
}

/* ---- loading ------------------------------------------------------------ */

/*
 * Left/right weights of input channel c of n for a stereo downmix. The
 * layouts are the usual WAV orders: 3 = L R C, 4 = L R Ls Rs, 5 = L R C Ls Rs,
 * 6 = L R C LFE Ls Rs, 7 = L R C LFE Cs Ls Rs, 8 = L R C LFE Ls Rs Lss Rss.
 * The LFE channel is left out, centre and back centre go to both at -3 dB.
 */
static void downmix_weights(int c, int n, double *wl, double *wr)
{
	static const char *const layouts[9] = {
		NULL, NULL, NULL, "LRC", "LRlr", "LRClr", "LRCFlr", "LRCFclr", "LRCFlrlr",
	};
	const double h = M_SQRT1_2;
	char kind;

	if (n > 8) {
		/* unknown layout: alternate sides */
		*wl = c % 2 == 0 ? 1 : 0;
		*wr = c % 2 == 1 ? 1 : 0;
		return;
	}
	kind = layouts[n][c];
	switch (kind) {
	case 'L': *wl = 1; *wr = 0; break;
	case 'R': *wl = 0; *wr = 1; break;
	case 'C': case 'c': *wl = h; *wr = h; break;
	case 'l': *wl = h; *wr = 0; break;
	case 'r': *wl = 0; *wr = h; break;
	default: *wl = 0; *wr = 0; break;   /* LFE */
	}
}

/* The stereo downmix of frame `f` of a file of more than two channels. */
static void downmix(const float *f, size_t ic, const double *wl, const double *wr, double *l,
		    double *r)
{
	*l = 0;
	*r = 0;
	for (size_t c = 0; c < ic; c++) {
		*l += wl[c] * f[c];
		*r += wr[c] * f[c];
	}
}

double jingle_downmix_peak(const float *in, size_t n, int inch)
{
	double wl[64], wr[64], peak = 0;

	if (inch <= 2 || inch > 64)
		return 0;
	for (int c = 0; c < inch; c++)
		downmix_weights(c, inch, &wl[c], &wr[c]);
	for (size_t i = 0; i < n; i++) {
		double l, r;
		downmix(in + i * (size_t)inch, (size_t)inch, wl, wr, &l, &r);
		if (fabs(l) > peak)
			peak = fabs(l);
		if (fabs(r) > peak)
			peak = fabs(r);
	}
	return peak;
}

void jingle_map(const float *in, size_t n, int inch, int outch, double scale, float *out)
{
	double wl[64], wr[64];
	size_t ic = (size_t)inch;

	if (inch == 1) {
		for (size_t i = 0; i < n; i++)
			for (int c = 0; c < outch; c++)
				out[i * (size_t)outch + (size_t)c] = in[i];
		return;
	}
	if (inch == 2 && outch == 2) {
		memcpy(out, in, n * 2 * sizeof(float));
		return;
	}
	if (inch == 2) {
		for (size_t i = 0; i < n; i++)
			out[i] = (in[2 * i] + in[2 * i + 1]) * 0.5f;
		return;
	}
	/* more than two: stereo downmix (then averaged for mono) */
	for (int c = 0; c < inch; c++)
		downmix_weights(c, inch, &wl[c], &wr[c]);
	for (size_t i = 0; i < n; i++) {
		double l, r;
		downmix(in + i * ic, ic, wl, wr, &l, &r);
		if (outch == 1) {
			out[i] = (float)((l + r) * 0.5 * scale);
		} else {
			out[2 * i] = (float)(l * scale);
			out[2 * i + 1] = (float)(r * scale);
		}
	}
}

void jingle_fade_frames(int rate, size_t *in_frames, size_t *out_frames)
{
	*in_frames = (size_t)lrint(FADE_IN_MS * rate / 1000);
	*out_frames = (size_t)lrint(FADE_OUT_MS * rate / 1000);
}

/* Maps `in` (n frames, inch channels) to outch channels (1 or 2); malloc'd. */
static float *map_channels(const float *in, size_t n, int inch, int outch)
{
	float *out = xmalloc((n ? n : 1) * (size_t)outch * sizeof(float));
	double peak = jingle_downmix_peak(in, n, inch);

	/* keep the downmix from clipping */
	jingle_map(in, n, inch, outch, peak > 1.0 ? 1.0 / peak : 1.0, out);
	return out;
}

int jingle_load(const char *path, int rate, int channels, enum rs_quality q,
		struct jingle *out, struct err *e)
{
	float *raw, *mapped, *conv;
	size_t n, nconv;
	int inch, inrate;

	memset(out, 0, sizeof(*out));
	if (channels != 1 && channels != 2)
		return err_set(e, "%s: jingles are mixed into mono or stereo, not %d channels",
			       path, channels);
	if (afile_read(path, &raw, &n, &inch, &inrate, e) < 0)
		return -1;
	if (inch > 64) {
		free(raw);
		return err_set(e, "%s: cannot read: too many channels (%d)", path, inch);
	}
	mapped = map_channels(raw, n, inch, channels);
	free(raw);
	if (rs_convert(mapped, n, channels, inrate, rate, q, &conv, &nconv, e) < 0) {
		char msg[sizeof(e->msg)];
		free(mapped);
		if (e) {
			memcpy(msg, e->msg, sizeof(msg));
			err_set(e, "%s: %s", path, msg);
		}
		return -1;
	}
	free(mapped);
	fade_ends(conv, nconv, channels, rate);
	out->frames = conv;
	out->nframes = nconv;
	out->channels = channels;
	out->rate = rate;
	out->source = xstrdup(path);
	return 0;
}

void jingle_release(struct jingle *j)
{
	if (!j)
		return;
	free(j->frames);
	free(j->source);
	memset(j, 0, sizeof(*j));
}
