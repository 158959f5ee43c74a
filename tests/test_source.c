/*
 * test_source.c - streaming sources: a file read in blocks gives exactly
 * what jingle_load gives (before its fades), with the exact length, whatever
 * the block size; rewind, a second source on the same file, the first
 * channel only, memory sources, errors.
 */
#include "testutil.h"

#include <math.h>

#include "util.h"
#include "audiofile.h"
#include "jingle.h"
#include "mix.h"
#include "source.h"

static void write_audio(const char *path, enum afile_format fmt, int rate, int ch, size_t n,
			int centred)
{
	struct afile_opts o = { .format = fmt, .bits = AF_BITS_24, .rate = rate, .channels = ch,
				.quality = -1 };
	struct err e;
	float *p = malloc(n * (size_t)ch * sizeof(float));
	struct afile_writer *w;

	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < ch; c++)
			p[i * (size_t)ch + (size_t)c] =
				(float)((0.3 + (centred ? 0 : 0.1 * c)) * sin(2 * M_PI * 500 * (double)i / rate));
	w = afile_create(path, &o, NULL, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, n, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	free(p);
}

/* Reads a whole source in blocks of `blk` frames; returns the frames (malloc'd). */
static float *drain_source(struct source *s, size_t blk, size_t *n)
{
	struct err e = { "" };
	size_t cap = (size_t)s->frames + blk, got;
	float *buf = malloc(cap * (size_t)s->channels * sizeof(float));

	*n = 0;
	do {
		size_t want = cap - *n < blk ? cap - *n : blk;
		assert_int_equal(source_read(s, buf + *n * (size_t)s->channels, want, &got, &e), 0);
		*n += got;
		if (got < want)
			break;
	} while (got);
	return buf;
}

/* the file source equals jingle_load once the same fades are applied, for any block size */
static void test_file_equals_load(void **state)
{
	struct err e = { "" };
	struct jingle j;
	size_t fin, fout, blks[] = { 1, 333, 16384 };
	const char *path = test_path("st44.wav");

	(void)state;
	write_audio(path, AF_WAV, 44100, 2, 44100 * 2 + 17, 0);
	assert_int_equal(jingle_load(path, 48000, 2, RS_MEDIUM, &j, &e), 0);
	jingle_fade_frames(48000, &fin, &fout);
	for (size_t b = 0; b < ARRAY_LEN(blks); b++) {
		struct source *s = source_file(path, 48000, 2, RS_MEDIUM, &e);
		size_t n;
		float *f;
		assert_non_null(s);
		assert_int_equal(s->frames, j.nframes);    /* round(frames * 48000 / 44100) */
		assert_int_equal(s->channels, 2);
		assert_false(source_file_centred(s));
		f = drain_source(s, blks[b], &n);
		assert_int_equal(n, j.nframes);
		for (size_t i = 0; i < n; i++) {
			float g = mix_fade_gain(i, n, fin, fout);
			assert_true(f[2 * i] * g == j.frames[2 * i]);
			assert_true(f[2 * i + 1] * g == j.frames[2 * i + 1]);
		}
		free(f);
		source_free(s);
	}
	jingle_release(&j);
}

/* rewind and a second source on the file start again at frame 0 with the same audio */
static void test_rewind_and_again(void **state)
{
	struct err e = { "" };
	const char *path = test_path("mono22.flac");
	struct source *s, *t;
	size_t n1, n2, n3;
	float *a, *b, *c;

	(void)state;
	write_audio(path, AF_FLAC, 22050, 1, 30000, 1);
	s = source_file(path, 48000, 2, RS_FAST, &e);
	assert_non_null(s);
	assert_true(source_file_centred(s));      /* mono spread to both channels */
	assert_int_equal(s->frames, (30000 * 48000 + 11025) / 22050);
	a = drain_source(s, 1000, &n1);
	assert_int_equal(source_rewind(s, &e), 0);
	b = drain_source(s, 4096, &n2);
	t = source_file_again(s, &e);
	assert_non_null(t);
	source_file_first_channel(t);
	assert_int_equal(t->channels, 1);
	c = drain_source(t, 777, &n3);
	assert_int_equal(n1, s->frames);
	assert_int_equal(n2, n1);
	assert_int_equal(n3, n1);
	assert_memory_equal(a, b, n1 * 2 * sizeof(float));
	for (size_t i = 0; i < n1; i++)
		assert_true(c[i] == a[2 * i]);
	free(a);
	free(b);
	free(c);
	source_free(s);
	source_free(t);
}

/* errors name the file; a memory source reads back what it was given */
static void test_errors_and_memory(void **state)
{
	struct err e = { "" };
	float *buf = malloc(10 * sizeof(float)), out[10];
	struct source *m;
	size_t got;

	(void)state;
	assert_null(source_file(test_path("none.wav"), 48000, 2, RS_FAST, &e));
	assert_non_null(strstr(e.msg, "none.wav: cannot read"));
	assert_null(source_file(test_path("st44.wav"), 48000, 3, RS_FAST, &e));
	for (int i = 0; i < 10; i++)
		buf[i] = (float)i;
	m = source_memory(buf, 5, 2, 48000, 1);
	assert_int_equal(source_read(m, out, 3, &got, &e), 0);
	assert_int_equal(got, 3);
	assert_int_equal(source_read(m, out + 6, 3, &got, &e), 0);
	assert_int_equal(got, 2);                 /* fewer than asked: the end */
	assert_memory_equal(out, buf, 10 * sizeof(float));
	source_free(m);
	source_free(NULL);
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("source");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_equals_load),
		cmocka_unit_test(test_rewind_and_again),
		cmocka_unit_test(test_errors_and_memory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
