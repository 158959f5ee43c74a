/*
 * resample.c - sample-rate conversion behind one streaming contract, with two
 * backends: libsoxr for the default qualities, libsamplerate for `best`.
 *
 * A backend is four functions (open, flow, reset, close) over a private
 * state, as in PulseAudio's or MPD's choice of resampler; a quality names a
 * backend and its setting. rs_convert runs one converter over a whole buffer,
 * drains it and pads or trims the last frame or two so the length is exactly
 * round(in_frames * out_rate / in_rate).
 */
#include "resample.h"

#include <pthread.h>
#include <samplerate.h>
#include <soxr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- backends ----------------------------------------------------------- */

struct backend {
	/* A private state for one signal, or NULL with an error. */
	void *(*open)(int channels, int in_rate, int out_rate, int setting, struct err *e);
	/* rs_stream_process's contract, on the private state. */
	int (*flow)(void *st, const float *in, size_t in_frames, size_t *used,
		    float *out, size_t out_frames, size_t *made, int end, struct err *e);
	/* Ready for a fresh signal, same settings (no filter design again); 0 or -1. */
	int (*reset)(void *st);
	void (*close)(void *st);
};

struct rs_stream {
	const struct backend *be;
	void *st;
	int channels, in_rate, out_rate;
	enum rs_quality q;
	int copy;               /* equal rates: frames are copied */
};

/* ---- libsoxr ------------------------------------------------------------ */

/*
 * libsoxr keeps one process-wide FFT table cache whose first initialisation
 * is not guarded against a race (its readers/writer lock is created by the
 * first user). rs_prepare (below) runs one tiny conversion per setting under
 * pthread_once before any converter is made, so that first use happens in
 * one thread; it also notes the engine libsoxr picks on this CPU.
 */
struct sox {
	soxr_t s;
	size_t ch;
};

static soxr_t soxr_make(int channels, int in_rate, int out_rate, int setting, soxr_error_t *err)
{
	soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
	soxr_quality_spec_t q = soxr_quality_spec((unsigned long)setting, 0);
	/* one thread per converter: the render runs converters in parallel itself */
	soxr_runtime_spec_t rt = soxr_runtime_spec(1);

	return soxr_create(in_rate, out_rate, (unsigned)channels, err, &io, &q, &rt);
}

/* Runs a short conversion at `setting`; writes the engine's name to `engine`. */
static void soxr_warm_up(int setting, char *engine, size_t size)
{
	float in[64] = { 0 }, out[160];
	size_t used, made;
	soxr_error_t err = NULL;
	soxr_t s = soxr_make(1, 22050, 48000, setting, &err);

	if (!s)
		return;
	soxr_process(s, in, 64, &used, out, 160, &made);
	soxr_process(s, NULL, 0, NULL, out, 160, &made);
	snprintf(engine, size, "%s", soxr_engine(s));
	soxr_delete(s);
}

static void rs_prepare(void);
static pthread_once_t prepared = PTHREAD_ONCE_INIT;

static void *soxr_open(int channels, int in_rate, int out_rate, int setting, struct err *e)
{
	soxr_error_t err = NULL;
	struct sox *x;
	soxr_t s;

	pthread_once(&prepared, rs_prepare);
	s = soxr_make(channels, in_rate, out_rate, setting, &err);
	if (!s || err) {
		err_set(e, "resample: libsoxr: %s", soxr_strerror(err));
		soxr_delete(s);
		return NULL;
	}
	x = xmalloc(sizeof(*x));
	x->s = s;
	x->ch = (size_t)channels;
	return x;
}

static int soxr_flow(void *st, const float *in, size_t in_frames, size_t *used,
		     float *out, size_t out_frames, size_t *made, int end, struct err *e)
{
	struct sox *x = st;
	soxr_error_t err = NULL;
	size_t u = 0, m = 0;

	if (in_frames > 0)
		err = soxr_process(x->s, in, in_frames, &u, out, out_frames, &m);
	/* all input taken and room left: a NULL input tells libsoxr to drain */
	if (!err && end && u == in_frames && m < out_frames) {
		size_t m2 = 0;
		err = soxr_process(x->s, NULL, 0, NULL, out + m * x->ch, out_frames - m, &m2);
		m += m2;
	}
	*used = u;
	*made = m;
	if (err)
		return err_set(e, "resample: libsoxr: %s", soxr_strerror(err));
	return 0;
}

static int soxr_reset(void *st)
{
	struct sox *x = st;

	return soxr_clear(x->s) ? -1 : 0;
}

static void soxr_close(void *st)
{
	struct sox *x = st;

	if (x) {
		soxr_delete(x->s);
		free(x);
	}
}

static const struct backend soxr_backend = { soxr_open, soxr_flow, soxr_reset, soxr_close };

/* ---- libsamplerate ------------------------------------------------------ */

struct src {
	SRC_STATE *st;
	double ratio;
};

static void *src_open(int channels, int in_rate, int out_rate, int setting, struct err *e)
{
	struct src *s;
	int rc;

	if (!src_is_valid_ratio((double)out_rate / in_rate)) {
		err_set(e, "resample: unsupported ratio %d -> %d", in_rate, out_rate);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->ratio = (double)out_rate / in_rate;
	s->st = src_new(setting, channels, &rc);
	if (!s->st) {
		err_set(e, "resample: %s", src_strerror(rc));
		free(s);
		return NULL;
	}
	return s;
}

static int src_flow(void *st, const float *in, size_t in_frames, size_t *used,
		    float *out, size_t out_frames, size_t *made, int end, struct err *e)
{
	struct src *s = st;
	SRC_DATA d;
	int rc;

	/* blocks of at most 2^20 frames keep libsamplerate's `long` counts safe everywhere */
	if (in_frames > ((size_t)1 << 20)) {
		in_frames = (size_t)1 << 20;
		end = 0;
	}
	if (out_frames > ((size_t)1 << 20))
		out_frames = (size_t)1 << 20;
	memset(&d, 0, sizeof(d));
	d.data_in = in;
	d.input_frames = (long)in_frames;
	d.data_out = out;
	d.output_frames = (long)out_frames;
	d.end_of_input = end;
	d.src_ratio = s->ratio;
	rc = src_process(s->st, &d);
	if (rc)
		return err_set(e, "resample: %s", src_strerror(rc));
	*used = (size_t)d.input_frames_used;
	*made = (size_t)d.output_frames_gen;
	return 0;
}

static int src_reset_state(void *st)
{
	struct src *s = st;

	return src_reset(s->st) ? -1 : 0;
}

static void src_close(void *st)
{
	struct src *s = st;

	if (s) {
		src_delete(s->st);
		free(s);
	}
}

static const struct backend src_backend = { src_open, src_flow, src_reset_state, src_close };

/* ---- qualities ---------------------------------------------------------- */

static const struct quality {
	const char *name;
	const struct backend *be;
	int setting;            /* the backend's own quality constant */
	const char *label;      /* for rs_quality_backend */
} qualities[] = {
	[RS_FAST]   = { "fast",   &soxr_backend, SOXR_HQ,               "hq" },
	[RS_MEDIUM] = { "medium", &soxr_backend, SOXR_VHQ,              "vhq" },
	[RS_BEST]   = { "best",   &src_backend,  SRC_SINC_BEST_QUALITY, "sinc-best" },
};

int rs_quality_parse(const char *name, enum rs_quality *q)
{
	for (size_t i = 0; i < ARRAY_LEN(qualities); i++) {
		if (name && strcmp(name, qualities[i].name) == 0) {
			*q = (enum rs_quality)i;
			return 0;
		}
	}
	return -1;
}

const char *rs_quality_name(enum rs_quality q)
{
	if ((unsigned)q < ARRAY_LEN(qualities))
		return qualities[q].name;
	return "unknown";
}

/* "libsoxr-0.1.3 hq cr32s" and the like, one per quality; filled by rs_prepare. */
static char backend_desc[ARRAY_LEN(qualities)][96];

static void rs_prepare(void)
{
	for (size_t i = 0; i < ARRAY_LEN(qualities); i++) {
		const struct quality *k = &qualities[i];
		char engine[32] = "?";
		if (k->be == &soxr_backend) {
			soxr_warm_up(k->setting, engine, sizeof(engine));
			snprintf(backend_desc[i], sizeof(backend_desc[i]), "%s %s %s",
				 soxr_version(), k->label, engine);
		} else {
			/* "libsamplerate-0.2.2 (c) ...": the name and version only */
			const char *v = src_get_version();
			snprintf(backend_desc[i], sizeof(backend_desc[i]), "%.*s %s",
				 (int)strcspn(v, " "), v, k->label);
		}
	}
}

const char *rs_quality_backend(enum rs_quality q)
{
	if ((unsigned)q >= ARRAY_LEN(qualities))
		return "unknown";
	pthread_once(&prepared, rs_prepare);
	return backend_desc[q];
}

/* ---- streaming ---------------------------------------------------------- */

static int check_args(int channels, int in_rate, int out_rate, struct err *e)
{
	if (channels < 1 || channels > 64)
		return err_set(e, "resample: invalid channel count %d", channels);
	if (in_rate < 1 || out_rate < 1)
		return err_set(e, "resample: invalid sample rate %d -> %d", in_rate, out_rate);
	if ((double)out_rate / in_rate > 256 || (double)in_rate / out_rate > 256)
		return err_set(e, "resample: unsupported ratio %d -> %d", in_rate, out_rate);
	return 0;
}

struct rs_stream *rs_stream_new(int channels, int in_rate, int out_rate, enum rs_quality q,
				struct err *e)
{
	struct rs_stream *r;

	if (check_args(channels, in_rate, out_rate, e) < 0)
		return NULL;
	if ((unsigned)q >= ARRAY_LEN(qualities)) {
		err_set(e, "resample: unknown quality %d", (int)q);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->channels = channels;
	r->in_rate = in_rate;
	r->out_rate = out_rate;
	r->q = q;
	r->be = qualities[q].be;
	r->copy = in_rate == out_rate;
	if (!r->copy) {
		r->st = r->be->open(channels, in_rate, out_rate, qualities[q].setting, e);
		if (!r->st) {
			free(r);
			return NULL;
		}
	}
	return r;
}

int rs_stream_process(struct rs_stream *r, const float *in, size_t in_frames, int end,
		      float *out, size_t out_frames, size_t *in_used, size_t *out_made, struct err *e)
{
	*in_used = *out_made = 0;
	if (r->copy) {
		size_t n = in_frames < out_frames ? in_frames : out_frames;
		if (n)
			memcpy(out, in, n * (size_t)r->channels * sizeof(float));
		*in_used = *out_made = n;
		return 0;
	}
	if (out_frames == 0 || (in_frames == 0 && !end))
		return 0;
	return r->be->flow(r->st, in, in_frames, in_used, out, out_frames, out_made, end, e);
}

void rs_stream_free(struct rs_stream *r)
{
	if (!r)
		return;
	if (r->st)
		r->be->close(r->st);
	free(r);
}

/* ---- one converter kept per thread for rs_convert ----------------------- */

/*
 * A render converts sentence after sentence with the same settings; keeping
 * the last converter of each thread (reset between signals) saves libsoxr's
 * filter design and buffer set-up, a quarter of the conversion's cost on
 * sentence-long clips. The output is the same as a fresh converter's.
 */
static pthread_key_t kept_key;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;
static int kept_ok;

static void kept_free(void *r)
{
	rs_stream_free(r);
}

static void kept_init(void)
{
	kept_ok = pthread_key_create(&kept_key, kept_free) == 0;
}

/* This thread's kept converter when it has these settings (reset), else a new one. */
static struct rs_stream *take_converter(int channels, int in_rate, int out_rate,
					enum rs_quality q, struct err *e)
{
	struct rs_stream *r;

	pthread_once(&kept_once, kept_init);
	r = kept_ok ? pthread_getspecific(kept_key) : NULL;
	if (r && r->channels == channels && r->in_rate == in_rate && r->out_rate == out_rate &&
	    r->q == q && (r->copy || r->be->reset(r->st) == 0)) {
		pthread_setspecific(kept_key, NULL);
		return r;
	}
	return rs_stream_new(channels, in_rate, out_rate, q, e);
}

/* Keeps `r` for this thread's next rs_convert (freeing the one kept before). */
static void keep_converter(struct rs_stream *r)
{
	if (!kept_ok) {
		rs_stream_free(r);
		return;
	}
	rs_stream_free(pthread_getspecific(kept_key));
	if (pthread_setspecific(kept_key, r))
		rs_stream_free(r);
}

/* ---- whole buffers ------------------------------------------------------ */

/* round(in_frames * out_rate / in_rate) in integer arithmetic. */
static size_t target_frames(size_t in_frames, int in_rate, int out_rate)
{
	uint64_t num = (uint64_t)in_frames * (uint64_t)out_rate;
	return (size_t)((2 * num + (uint64_t)in_rate) / (2 * (uint64_t)in_rate));
}

int rs_convert(const float *in, size_t in_frames, int channels, int in_rate,
	       int out_rate, enum rs_quality q, float **out, size_t *out_frames,
	       struct err *e)
{
	size_t want, cap, made = 0, used = 0, ch = (size_t)channels;
	struct rs_stream *r;
	float *buf;

	r = take_converter(channels, in_rate, out_rate, q, e);
	if (!r)
		return -1;
	want = target_frames(in_frames, in_rate, out_rate);
	/* a little room beyond the exact length: the drain may run over by a frame or two */
	cap = want + 64;
	buf = xmalloc(cap * ch * sizeof(float));
	for (;;) {
		size_t u, m;
		if (rs_stream_process(r, in + used * ch, in_frames - used, 1, buf + made * ch,
				      cap - made, &u, &m, e)) {
			rs_stream_free(r);
			free(buf);
			return -1;     /* a converter that failed is not kept */
		}
		used += u;
		made += m;
		if (used == in_frames && m == 0 && u == 0)
			break;
		if (made == cap) {
			/* should not happen (cap is above the expected length); grow anyway */
			cap += cap / 4 + 64;
			buf = xrealloc(buf, cap * ch * sizeof(float));
		}
		if (r->copy && used == in_frames)
			break;
	}
	keep_converter(r);
	if (made < want)
		memset(buf + made * ch, 0, (want - made) * ch * sizeof(float));
	*out = xrealloc(buf, (want ? want : 1) * ch * sizeof(float));
	*out_frames = want;
	return 0;
}
