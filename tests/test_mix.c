/*
 * test_mix.c - the mix bus with synthetic clips and sources: placement to
 * the frame, gains, fades, summing, mono and stereo buses, block-wise
 * flushing. No eSpeak NG.
 */
#include "testutil.h"

#include <math.h>

#include "util.h"
#include "mix.h"

/* A sink collecting everything into one growing buffer. */
struct collect {
	float *buf;
	size_t n, cap, calls;
	int ch;
	int fail_at;            /* call number that fails; 0 never */
};

static int collect(void *ctx, const float *frames, size_t n, struct err *e)
{
	struct collect *c = ctx;

	c->calls++;
	if (c->fail_at && (int)c->calls == c->fail_at)
		return err_set(e, "sink full");
	XGROW(c->buf, c->cap, (c->n + n) * (size_t)c->ch);
	memcpy(c->buf + c->n * (size_t)c->ch, frames, n * (size_t)c->ch * sizeof(float));
	c->n += n;
	return 0;
}

static float *ramp(size_t n, int ch, float scale)
{
	float *b = xmalloc(n * (size_t)ch * sizeof(float));
	for (size_t i = 0; i < n * (size_t)ch; i++)
		b[i] = scale * (float)(i + 1);
	return b;
}

static struct clip at(uint64_t start, uint64_t frames)
{
	return (struct clip){ .kind = CLIP_SPEECH, .start = start, .frames = frames };
}

/* a mono clip lands on the exact frame, silence around it, both channels of a stereo bus */
static void test_placement(void **state)
{
	struct collect c = { .ch = 2 };
	struct mix *m = mix_new(2, collect, &c);
	struct err e = { "" };
	float one[3] = { 0.25f, -0.5f, 1.0f };
	struct clip k = at(70001, 3);

	(void)state;
	assert_int_equal(mix_add_frames(m, &k, one, 1, 0, &e), 0);
	assert_int_equal(mix_flush(m, 70010, &e), 0);
	assert_int_equal(c.n, 70010);
	assert_true(c.calls >= 5);           /* in blocks, not one huge buffer */
	for (size_t i = 0; i < 70001 * 2; i++)
		assert_true(c.buf[i] == 0.0f);
	for (int ch = 0; ch < 2; ch++) {
		assert_true(c.buf[2 * 70001 + ch] == 0.25f);
		assert_true(c.buf[2 * 70002 + ch] == -0.5f);
		assert_true(c.buf[2 * 70003 + ch] == 1.0f);
		assert_true(c.buf[2 * 70004 + ch] == 0.0f);
	}
	assert_int_equal(mix_flushed(m), 70010);
	/* a clip before what was flushed is refused */
	k.start = 70000;
	assert_int_equal(mix_add_frames(m, &k, one, 1, 0, &e), -1);
	assert_non_null(strstr(e.msg, "before"));
	mix_free(m);
	free(c.buf);
}

/* overlapping clips add up in the order they were added; gain_db scales exactly */
static void test_sum_and_gain(void **state)
{
	struct collect c = { .ch = 1 };
	struct mix *m = mix_new(1, collect, &c);
	struct err e = { "" };
	float *a = ramp(100, 1, 0.001f), *b = ramp(50, 1, 0.01f);
	struct clip ka = at(10, 100), kb = at(40, 50);
	float g = (float)pow(10.0, -6.0 / 20.0);

	(void)state;
	kb.gain_db = -6.0;
	assert_int_equal(mix_add_frames(m, &ka, a, 1, 0, &e), 0);
	assert_int_equal(mix_add_frames(m, &kb, b, 1, 0, &e), 0);
	assert_int_equal(mix_flush(m, 200, &e), 0);
	assert_true(c.buf[9] == 0.0f);
	assert_true(c.buf[10] == a[0]);
	assert_true(c.buf[39] == a[29]);
	for (size_t i = 0; i < 50; i++)
		assert_true(c.buf[40 + i] == a[30 + i] + b[i] * g);
	assert_true(c.buf[90] == a[80]);
	assert_true(c.buf[110] == 0.0f);
	mix_free(m);
	free(a);
	free(b);
	free(c.buf);
}

/* fades ramp to the frame: frame 0 silent, frame fade_in full, the last frame silent */
static void test_fades(void **state)
{
	struct collect c = { .ch = 2 };
	struct mix *m = mix_new(2, collect, &c);
	struct err e = { "" };
	size_t n = 1000;
	float *buf = xmalloc(n * 2 * sizeof(float));
	struct clip k = at(5, n);

	(void)state;
	for (size_t i = 0; i < 2 * n; i++)
		buf[i] = i % 2 ? -0.5f : 0.5f;
	k.fade_in = 100;
	k.fade_out = 300;
	k.gain_db = 6.0;
	assert_int_equal(mix_add_frames(m, &k, buf, 2, 1, &e), 0);
	assert_int_equal(mix_flush(m, 5 + n, &e), 0);
	{
		float g = (float)pow(10.0, 6.0 / 20.0);
		const float *o = c.buf + 5 * 2;
		assert_true(o[0] == 0.0f && o[1] == 0.0f);
		assert_true(o[2 * 50] == 0.5f * 0.5f * g);
		assert_true(o[2 * 50 + 1] == -0.5f * 0.5f * g);
		assert_true(o[2 * 100] == 0.5f * g);
		assert_true(o[2 * 699] == 0.5f * g);
		assert_true(o[2 * 850] == 0.5f * mix_fade_gain(850, n, 100, 300) * g);
		assert_true(fabsf(mix_fade_gain(850, n, 100, 300) - 149.0f / 300.0f) < 1e-6f);
		assert_true(o[2 * 999] == 0.0f);
	}
	/* fades longer than the clip share it in proportion */
	assert_true(mix_fade_gain(0, 10, 10, 30) == 0.0f);
	assert_true(mix_fade_gain(1, 10, 10, 30) == 0.5f);     /* in: 2 frames, out: 8 */
	assert_true(mix_fade_gain(2, 10, 10, 30) == 7.0f / 8.0f);
	mix_free(m);
	free(c.buf);
}

/* a streaming source is pulled block by block; shorter than the clip it pads with silence */
static void test_source(void **state)
{
	struct collect c = { .ch = 2 };
	struct mix *m = mix_new(2, collect, &c);
	struct err e = { "" };
	size_t n = 40000;
	float *buf = ramp(n, 2, 1e-5f);
	float *copy = xmalloc(n * 2 * sizeof(float));
	struct clip k = at(3, n + 10);

	(void)state;
	memcpy(copy, buf, n * 2 * sizeof(float));
	assert_int_equal(mix_add_source(m, &k, source_memory(buf, n, 2, 48000, 1), &e), 0);
	/* flush in odd steps so blocks and flushes do not line up */
	for (uint64_t t = 777; t < n + 100; t += 777)
		assert_int_equal(mix_flush(m, t, &e), 0);
	assert_int_equal(mix_flush(m, n + 100, &e), 0);
	assert_int_equal(c.n, n + 100);
	assert_true(memcmp(c.buf + 6, copy, n * 2 * sizeof(float)) == 0);
	for (size_t i = (3 + n) * 2; i < (n + 100) * 2; i++)
		assert_true(c.buf[i] == 0.0f);
	/* a mono bus refuses a stereo source (and frees it) */
	mix_free(m);
	m = mix_new(1, collect, &c);
	assert_int_equal(mix_add_source(m, &k, source_memory(ramp(4, 2, 1), 4, 2, 48000, 1), &e), -1);
	mix_free(m);
	free(copy);
	free(c.buf);
}

/* the sink's error stops the flush and comes back */
static void test_sink_error(void **state)
{
	struct collect c = { .ch = 1, .fail_at = 2 };
	struct mix *m = mix_new(1, collect, &c);
	struct err e = { "" };

	(void)state;
	assert_int_equal(mix_flush(m, 100000, &e), -1);
	assert_string_equal(e.msg, "sink full");
	assert_int_equal(mix_channels(m), 1);
	mix_free(m);
	mix_free(NULL);
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_sum_and_gain),
		cmocka_unit_test(test_fades),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_sink_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
