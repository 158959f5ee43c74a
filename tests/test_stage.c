/*
 * test_stage.c - the stage contract and chain: gain exactness, the limiter's
 * hidden delay and drain, the meter passing audio through, the upmix in
 * place, a stage's error stopping the chain. No eSpeak NG.
 */
#include "testutil.h"

#include <math.h>

#include "util.h"
#include "limiter.h"
#include "stage.h"

/* A sink stage collecting what reaches it (frames of `ch` channels). */
struct sink {
	float *buf;
	size_t n, cap, ch;
	int fail;
};

static int sink_flow(void *priv, const float *in, float *out, size_t *in_frames,
		     size_t *out_frames, struct err *e)
{
	struct sink *k = priv;

	(void)out;
	*out_frames = 0;
	if (k->fail)
		return err_set(e, "sink failed");
	XGROW(k->buf, k->cap, (k->n + *in_frames) * k->ch);
	memcpy(k->buf + k->n * k->ch, in, *in_frames * k->ch * sizeof(float));
	k->n += *in_frames;
	return 0;
}

static struct stage *sink_stage(struct sink *k, int ch)
{
	struct stage *st = calloc(1, sizeof(*st));

	k->ch = (size_t)ch;
	st->name = "sink";
	st->in_channels = ch;
	st->priv = k;
	st->flow = sink_flow;
	return st;
}

/* Runs n frames of `in` (ch channels) through the chain in blocks of `blk`. */
static void feed(struct chain *c, const float *in, size_t n, int ch, size_t blk)
{
	struct err e = { "" };

	for (size_t i = 0; i < n; i += blk) {
		size_t k = n - i < blk ? n - i : blk;
		memcpy(chain_buffer(c), in + i * (size_t)ch, k * (size_t)ch * sizeof(float));
		assert_int_equal(chain_flow(c, k, &e), 0);
	}
	assert_int_equal(chain_drain(c, &e), 0);
}

static float *tone(size_t n, int ch, double amp)
{
	float *p = malloc(n * (size_t)ch * sizeof(float));
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < ch; c++)
			p[i * (size_t)ch + (size_t)c] = (float)(amp * sin(0.01 * (double)i + c));
	return p;
}

/* the gain stage is exactly x * (float)10^(dB/20), frame for frame */
static void test_gain(void **state)
{
	struct chain c;
	struct sink k = { 0 };
	size_t n = 5000;
	float *in = tone(n, 2, 0.5), g = (float)pow(10.0, -7.5 / 20.0);

	(void)state;
	chain_init(&c, 1024);
	assert_int_equal(chain_add(&c, stage_gain(2, -7.5)), 0);
	assert_int_equal(chain_add(&c, sink_stage(&k, 2)), 0);
	feed(&c, in, n, 2, 1024);
	assert_int_equal(k.n, n);
	for (size_t i = 0; i < 2 * n; i++)
		assert_true(k.buf[i] == in[i] * g);
	assert_non_null(chain_find(&c, "gain"));
	assert_null(chain_find(&c, "limiter"));
	chain_release(&c);
	free(in);
	free(k.buf);
}

/*
 * the limiter stage hides its delay: as many frames out as in, in time
 * (a quiet signal passes as gain * input), whatever the block size
 */
static void test_limiter_delay_and_drain(void **state)
{
	size_t n = 3001;
	float *in = tone(n, 1, 0.1);
	size_t blks[] = { 1, 7, 1024 };

	(void)state;
	for (size_t b = 0; b < ARRAY_LEN(blks); b++) {
		struct chain c;
		struct sink k = { 0 };
		struct err e = { "" };
		size_t limited;
		double red;
		chain_init(&c, 1024);
		assert_int_equal(chain_add(&c, stage_limiter(1, 48000, 0.0, -1.0, &e)), 0);
		assert_int_equal(chain_add(&c, sink_stage(&k, 1)), 0);
		feed(&c, in, n, 1, blks[b]);
		assert_int_equal(k.n, n);
		for (size_t i = 0; i < n; i++)
			assert_true(fabsf(k.buf[i] - in[i]) < 1e-6f);
		stage_limiter_stats(chain_find(&c, "limiter"), &limited, &red);
		assert_int_equal(limited, 0);
		chain_release(&c);
		free(k.buf);
	}
	free(in);
}

/* a loud signal comes out below the ceiling and the stage says it limited */
static void test_limiter_limits(void **state)
{
	struct chain c;
	struct sink k = { 0 };
	struct err e = { "" };
	struct loudness l;
	size_t n = 48000, limited;
	double red;
	float *in = tone(n, 2, 0.9);

	(void)state;
	chain_init(&c, 4096);
	assert_int_equal(chain_add(&c, stage_limiter(2, 48000, 6.0, -1.0, &e)), 0);
	assert_int_equal(chain_add(&c, stage_meter(2, 48000, &e)), 0);
	assert_int_equal(chain_add(&c, sink_stage(&k, 2)), 0);
	feed(&c, in, n, 2, 4096);
	assert_int_equal(k.n, n);
	stage_limiter_stats(chain_find(&c, "limiter"), &limited, &red);
	assert_true(limited > 0);
	assert_true(fabs(red) > 3.0);    /* 0.9 + 6 dB against -1 dBTP */
	assert_int_equal(stage_meter_result(chain_find(&c, "meter"), &l, &e), 0);
	assert_true(l.true_peak <= -1.0 + 0.01);
	chain_release(&c);
	free(in);
	free(k.buf);
}

/* the upmix works in place: each mono frame on both channels */
static void test_upmix(void **state)
{
	struct chain c;
	struct sink k = { 0 };
	size_t n = 2500;
	float *in = tone(n, 1, 0.7);

	(void)state;
	chain_init(&c, 1000);
	assert_int_equal(chain_add(&c, stage_upmix()), 0);
	assert_int_equal(chain_add(&c, sink_stage(&k, 2)), 0);
	feed(&c, in, n, 1, 1000);
	assert_int_equal(k.n, n);
	for (size_t i = 0; i < n; i++)
		assert_true(k.buf[2 * i] == in[i] && k.buf[2 * i + 1] == in[i]);
	chain_release(&c);
	free(in);
	free(k.buf);
}

/* a stage's error comes back from chain_flow; a NULL stage is refused */
static void test_errors(void **state)
{
	struct chain c;
	struct sink k = { .fail = 1 };
	struct err e = { "" };

	(void)state;
	chain_init(&c, 16);
	assert_int_equal(chain_add(&c, NULL), -1);
	assert_int_equal(chain_add(&c, sink_stage(&k, 1)), 0);
	memset(chain_buffer(&c), 0, 16 * sizeof(float));
	assert_int_equal(chain_flow(&c, 16, &e), -1);
	assert_string_equal(e.msg, "sink failed");
	assert_null(stage_limiter(1, 48000, 0.0, 3.0, &e));   /* ceiling above 0 dBTP */
	chain_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gain),
		cmocka_unit_test(test_limiter_delay_and_drain),
		cmocka_unit_test(test_limiter_limits),
		cmocka_unit_test(test_upmix),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
