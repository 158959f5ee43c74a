/*
 * source_file.c - an audio file as a streaming source: read, channel-mapped
 * and resampled a block at a time (memory does not follow the file's length).
 */
#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "audiofile.h"
#include "jingle.h"

#define BLK 8192                  /* frames per read */

struct filesrc {
	char *path;
	struct afile_reader *r;
	struct rs_stream *rs;
	enum rs_quality q;
	int inch, inrate, mapch, rate;
	int first_only;               /* deliver only the first mapped channel */
	int centred;                  /* every mapped stereo frame has L == R */
	double scale;                 /* downmix scale (more than two channels) */
	uint64_t in_total, total, made;
	float *raw, *mapped, *conv;
	size_t mapped_len, mapped_pos;
	int eof, flushed;
};

/* Reads and maps the next block; sets eof at the end. */
static int next_block(struct filesrc *f, struct err *e)
{
	size_t got;

	if (afile_reader_read(f->r, f->raw, BLK, &got, e))
		return -1;
	if (!got)
		f->eof = 1;
	jingle_map(f->raw, got, f->inch, f->mapch, f->scale, f->mapped);
	f->mapped_len = got;
	f->mapped_pos = 0;
	return 0;
}

/* Resampled, mapped frames into f->conv (room for max); *n produced (0 at the end). */
static int produce(struct filesrc *f, size_t max, size_t *n, struct err *e)
{
	*n = 0;
	while (!*n && !f->flushed) {
		size_t used, made, left;
		if (f->mapped_pos == f->mapped_len && !f->eof && next_block(f, e))
			return -1;
		left = f->mapped_len - f->mapped_pos;
		if (rs_stream_process(f->rs, f->mapped + f->mapped_pos * (size_t)f->mapch, left, f->eof,
				      f->conv, max, &used, &made, e))
			return -1;
		f->mapped_pos += used;
		*n = made;
		if (f->eof && !made && f->mapped_pos == f->mapped_len)
			f->flushed = 1;
	}
	return 0;
}

static int file_read(void *priv, float *out, size_t max_frames, size_t *produced, struct err *e)
{
	struct filesrc *f = priv;
	size_t oc = f->first_only ? 1 : (size_t)f->mapch, done = 0;

	while (done < max_frames && f->made < f->total) {
		size_t want = max_frames - done, n;
		if (want > f->total - f->made)
			want = (size_t)(f->total - f->made);
		if (want > BLK)
			want = BLK;
		if (produce(f, want, &n, e))
			return -1;
		if (!n) {                 /* the resampler ended early: pad to the exact length */
			n = want;
			memset(f->conv, 0, n * (size_t)f->mapch * sizeof(float));
		}
		if (f->first_only) {
			for (size_t i = 0; i < n; i++)
				out[done + i] = f->conv[i * (size_t)f->mapch];
		} else {
			memcpy(out + done * oc, f->conv, n * oc * sizeof(float));
		}
		done += n;
		f->made += n;
	}
	*produced = done;
	return 0;
}

static int file_rewind(void *priv, struct err *e)
{
	struct filesrc *f = priv;

	rs_stream_free(f->rs);
	f->rs = rs_stream_new(f->mapch, f->inrate, f->rate, f->q, e);
	if (!f->rs || afile_reader_rewind(f->r, e))
		return -1;
	f->made = 0;
	f->mapped_len = f->mapped_pos = 0;
	f->eof = f->flushed = 0;
	return 0;
}

static void file_free(void *priv)
{
	struct filesrc *f = priv;

	afile_reader_close(f->r);
	rs_stream_free(f->rs);
	free(f->raw);
	free(f->mapped);
	free(f->conv);
	free(f->path);
	free(f);
}

/* The first pass: frames, downmix peak, whether the stereo mapping is centred. */
static int scan(struct filesrc *f, struct err *e)
{
	double peak = 0;
	size_t got;

	for (int pass = 0; pass < 2; pass++) {
		f->centred = 1;
		f->in_total = 0;
		do {
			if (afile_reader_read(f->r, f->raw, BLK, &got, e))
				return -1;
			f->in_total += got;
			if (pass == 0) {
				double p = jingle_downmix_peak(f->raw, got, f->inch);
				peak = p > peak ? p : peak;
			}
			jingle_map(f->raw, got, f->inch, 2, f->scale, f->mapped);
			for (size_t i = 0; i < got && f->centred; i++)
				f->centred = f->mapped[2 * i] == f->mapped[2 * i + 1];
		} while (got);
		if (afile_reader_rewind(f->r, e))
			return -1;
		if (pass == 0 && peak > 1.0)
			f->scale = 1.0 / peak;   /* keep the downmix from clipping; map again */
		else
			break;
	}
	if (!f->in_total)
		return err_set(e, "%s: cannot read: no audio frames", f->path);
	return 0;
}

struct source *source_file(const char *path, int rate, int channels, enum rs_quality q,
			   struct err *e)
{
	struct filesrc *f = xcalloc(1, sizeof(*f));
	struct source *s;

	f->path = xstrdup(path);
	f->mapch = channels;
	f->rate = rate;
	f->q = q;
	f->scale = 1.0;
	if (channels != 1 && channels != 2) {
		err_set(e, "%s: jingles are mixed into mono or stereo, not %d channels", path, channels);
		goto fail;
	}
	f->r = afile_reader_open(path, &f->inch, &f->inrate, e);
	if (!f->r)
		goto fail;
	if (f->inch > 64) {
		err_set(e, "%s: cannot read: too many channels (%d)", path, f->inch);
		goto fail;
	}
	f->raw = xmalloc(BLK * (size_t)f->inch * sizeof(float));
	f->mapped = xmalloc(BLK * 2 * sizeof(float));
	f->conv = xmalloc(BLK * 2 * sizeof(float));
	if (scan(f, e))
		goto fail;
	f->rs = rs_stream_new(channels, f->inrate, rate, q, e);
	if (!f->rs) {
		char msg[sizeof(e->msg)];
		memcpy(msg, e->msg, sizeof(msg));
		err_set(e, "%s: %s", path, msg);
		goto fail;
	}
	/* rs_convert's exact length: round(frames * rate / file rate) */
	f->total = (2 * f->in_total * (uint64_t)rate + (uint64_t)f->inrate) / (2 * (uint64_t)f->inrate);
	s = xcalloc(1, sizeof(*s));
	s->channels = channels;
	s->rate = rate;
	s->frames = f->total;
	s->priv = f;
	s->read = file_read;
	s->rewind = file_rewind;
	s->free = file_free;
	return s;
fail:
	file_free(f);
	return NULL;
}

struct source *source_file_again(const struct source *s, struct err *e)
{
	const struct filesrc *o = s->priv;
	struct filesrc *f = xcalloc(1, sizeof(*f));
	struct source *n;
	int inch, inrate;

	*f = *o;
	f->path = xstrdup(o->path);
	f->r = NULL;
	f->rs = NULL;
	f->raw = xmalloc(BLK * (size_t)f->inch * sizeof(float));
	f->mapped = xmalloc(BLK * 2 * sizeof(float));
	f->conv = xmalloc(BLK * 2 * sizeof(float));
	f->made = 0;
	f->mapped_len = f->mapped_pos = 0;
	f->eof = f->flushed = 0;
	f->r = afile_reader_open(f->path, &inch, &inrate, e);
	if (!f->r || inch != f->inch || inrate != f->inrate) {
		if (f->r)
			err_set(e, "%s: cannot read: the file changed while rendering", f->path);
		file_free(f);
		return NULL;
	}
	f->rs = rs_stream_new(f->mapch, f->inrate, f->rate, f->q, e);
	if (!f->rs) {
		file_free(f);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	*n = *s;
	n->priv = f;
	return n;
}

int source_file_centred(const struct source *s)
{
	return ((const struct filesrc *)s->priv)->centred;
}

void source_file_first_channel(struct source *s)
{
	((struct filesrc *)s->priv)->first_only = 1;
	s->channels = 1;
}
