/*
 * test_wav24.c - 24-bit PCM as written by afile_write: WAV (packed by
 * sprecher and written raw) and FLAC (converted by libsndfile) decode to the
 * same samples, each the input rounded half away from zero and clipped, over
 * blocks of odd sizes and values on the rounding boundaries.
 */
#include "testutil.h"

#include <math.h>
#include <sndfile.h>

#include "audiofile.h"

#define CH 2
#define FRAMES (3 * 16384 + 77)

/* The input: boundary values first, then a pseudo-random spread past full scale. */
static float *make_input(void)
{
	float *x = malloc(FRAMES * CH * sizeof(float));
	const float edge[] = { 0.0f, -0.0f, 1.0f, -1.0f, 1.5f, -2.0f, 0.5f / 8388608.0f,
			       -0.5f / 8388608.0f, 2.5f / 8388608.0f, -2.5f / 8388608.0f,
			       8388606.5f / 8388608.0f, -8388607.5f / 8388608.0f };
	uint32_t r = 12345;

	assert_non_null(x);
	for (size_t i = 0; i < FRAMES * CH; i++) {
		r = r * 1664525u + 1013904223u;
		if (i < sizeof(edge) / sizeof(edge[0]))
			x[i] = edge[i];
		else if (i % 3 == 0)    /* exact half steps */
			x[i] = ((float)(int)(r >> 9 & 0xfffff) - 524288.0f + 0.5f) / 8388608.0f;
		else
			x[i] = ((float)(r >> 8) / 16777216.0f - 0.5f) * 2.4f;
	}
	return x;
}

/* What a sample must decode to (libsndfile's int scale: the 24 bits at the top). */
static int expected(float v)
{
	double s = (double)v * 8388608.0;
	long q;

	if (s > 8388607.0)
		s = 8388607.0;
	if (s < -8388608.0)
		s = -8388608.0;
	q = (long)(s < 0 ? s - 0.5 : s + 0.5);
	return (int)(q * 256);
}

static void write_in_pieces(const char *path, enum afile_format fmt, const float *x)
{
	struct afile_opts o = { .format = fmt, .bits = AF_BITS_24, .rate = 48000, .channels = CH,
				.quality = -1 };
	const size_t pieces[] = { 1, 5000, 16384, 16385, FRAMES - 1 - 5000 - 16384 - 16385 };
	struct err e;
	struct afile_writer *w = afile_create(path, &o, NULL, &e);
	size_t at = 0;

	assert_non_null(w);
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		assert_int_equal(afile_write(w, x + at * CH, pieces[i], &e), 0);
		at += pieces[i];
	}
	assert_int_equal(at, FRAMES);
	assert_int_equal(afile_commit(w, &e), 0);
}

static int *decode(const char *path)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	int *v = malloc(FRAMES * CH * sizeof(int));

	assert_non_null(sf);
	assert_non_null(v);
	assert_int_equal(info.channels, CH);
	assert_int_equal(info.frames, FRAMES);
	assert_int_equal(info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_24);
	assert_int_equal(sf_readf_int(sf, v, FRAMES), FRAMES);
	sf_close(sf);
	return v;
}

static void test_wav_and_flac_agree(void **state)
{
	float *x = make_input();
	int *wav, *flac;

	(void)state;
	write_in_pieces(test_path("a.wav"), AF_WAV, x);
	write_in_pieces(test_path("a.flac"), AF_FLAC, x);
	wav = decode(test_path("a.wav"));
	flac = decode(test_path("a.flac"));
	for (size_t i = 0; i < FRAMES * CH; i++) {
		if (wav[i] != expected(x[i]))
			fail_msg("wav sample %zu: %d for %.9g, expected %d", i, wav[i], (double)x[i], expected(x[i]));
		if (flac[i] != wav[i])
			fail_msg("flac sample %zu: %d, wav %d", i, flac[i], wav[i]);
	}
	free(wav);
	free(flac);
	free(x);
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("wav24");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wav_and_flac_agree),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
