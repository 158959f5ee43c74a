/*
 * test_dcblock.c - the speech DC blocker: a DC offset goes, a voice-band
 * tone stays, the first sample is 0, the result depends on the sentence
 * alone; speech_finish runs it (a sentence with an offset comes out centred).
 */
#include "testutil.h"

#include <math.h>

#include "util.h"
#include "dcblock.h"
#include "speechq.h"
#include "synth.h"

#define RATE 22050

/* A 150 Hz tone of amplitude 0.3 on an offset of `dc`, `n` samples. */
static float *tone(size_t n, double dc)
{
	float *x = malloc(n * sizeof(float));

	for (size_t i = 0; i < n; i++)
		x[i] = (float)(dc + 0.3 * sin(2 * M_PI * 150 * (double)i / RATE));
	return x;
}

static double mean(const float *x, size_t a, size_t b)
{
	double s = 0;

	for (size_t i = a; i < b; i++)
		s += x[i];
	return s / (double)(b - a);
}

static void test_offset_removed(void **state)
{
	size_t n = 2 * RATE;
	float *x = tone(n, 0.01);
	double amp = 0;

	(void)state;
	dcblock_apply(x, n, RATE);
	assert_true(x[0] == 0.0f);
	/* after the first 0.1 s the offset is gone: under -100 dBFS over whole periods */
	assert_true(fabs(mean(x, RATE / 10, RATE / 10 + 147 * 20)) < 1e-5);
	for (size_t i = RATE; i < n; i++)
		amp = fabs(x[i]) > amp ? fabs(x[i]) : amp;
	assert_true(fabs(20 * log10(amp / 0.3)) < 0.15);    /* 150 Hz passes (-0.08 dB) */
	free(x);
}

/* filtering is per buffer: the same sentence gives the same samples, wherever it comes from */
static void test_deterministic(void **state)
{
	size_t n = RATE / 2;
	float *a = tone(n, 0.02), *b = tone(n, 0.02);

	(void)state;
	dcblock_apply(a, n, RATE);
	dcblock_apply(a, 0, RATE);
	dcblock_apply(b, n, RATE);
	assert_memory_equal(a, b, n * sizeof(float));
	free(a);
	free(b);
}

/* speech_finish (no eSpeak NG needed): an offset sentence comes out centred, its input untouched */
static void test_speech_finish_blocks_dc(void **state)
{
	struct synth_audio a;
	struct speech sp;
	struct err e = { "" };
	size_t n = RATE;
	float *x = tone(n, 0.01);

	(void)state;
	synth_audio_init(&a);
	a.samples = x;
	a.n = a.cap = n;
	assert_int_equal(speech_finish(&a, RATE, 48000, RS_FAST, &sp, &e), 0);
	assert_int_equal(sp.nframes, 48000 * n / RATE);
	assert_true(fabs(mean(sp.frames, 4800, 4800 + 320 * 100)) < 1e-4);
	assert_true(fabs(sp.frames[0]) < 1e-3);
	assert_true(fabs(x[0] - 0.01f) < 1e-7);
	speech_release(&sp);
	synth_audio_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_removed),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_speech_finish_blocks_dc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
