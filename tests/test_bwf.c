/*
 * test_bwf.c - broadcast metadata of WAV output, read back with our own RIFF
 * reader: ASCII bext/cart text (German transliterated), UTF-8 kept in LIST
 * INFO, dates and times in their specified forms with defined defaults, cart
 * timers from the timeline, CutID. Also sb_add_ascii itself.
 */
#include "testutil.h"

#include <math.h>
#include <unistd.h>

#include "audiofile.h"
#include "timeline.h"
#include "loudness.h"

static int setup(void **state)
{
	(void)state;
	return test_dir_make("bwf");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

#define le32(p) test_le32((const char *)(p))

/* The body of the first top-level chunk `id` (or the LIST of type `list`), NULL when absent. */
static const unsigned char *chunk(const unsigned char *b, size_t len, const char *id, const char *list,
				  uint32_t *size)
{
	struct test_chunk v[32];
	size_t n = test_riff_chunks((const char *)b, len, v, 32);
	const struct test_chunk *c = test_find_chunk((const char *)b, v, n, id, list);

	if (!c)
		return NULL;
	*size = (uint32_t)c->size;
	return b + c->off;
}

/* Every byte of the fixed field is printable ASCII or NUL padding. */
static void assert_ascii(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] && (p[i] < 0x20 || p[i] > 0x7E))
			fail_msg("byte 0x%02x at %zu is not ASCII", p[i], i);
}

static unsigned char *write_wav(const char *name, const struct afile_meta *m, size_t *len)
{
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_16, .rate = 48000, .channels = 1,
				.quality = -1 };
	struct err e;
	struct afile_writer *w = afile_create(test_path(name), &o, m, &e);
	float z[480] = { 0 };
	char *buf;

	assert_non_null(w);
	assert_int_equal(afile_write(w, z, 480, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	assert_int_equal(read_file(test_path(name), &buf, len, &e), 0);
	return (unsigned char *)buf;
}

static void test_ascii_translit(void **state)
{
	struct sb s;
	(void)state;

	sb_init(&s);
	sb_add_ascii(&s, "Stadtrat beschließt: „Öffnung“ für Bürger – 5 € … ẞ Æ é Ł\xc2\xa0x\x01");
	assert_string_equal(s.buf, "Stadtrat beschliesst: \"Oeffnung\" fuer Buerger - 5 EUR ... SS AE e L x");
	sb_reset(&s);
	sb_add_ascii(&s, "\xff ‚ja‘ 中");
	assert_string_equal(s.buf, "? 'ja' ?");
	sb_release(&s);
}

static void test_bext_cart_ascii_utf8_info(void **state)
{
	struct afile_meta m = { .title = "Straße „gesperrt“: Bürger beschließen", .artist = "Jürgen Müller",
				.orig_date = "2025-02-12", .orig_time = "06:30:00",
				.out_cue = "schönen Tag noch" };
	size_t len;
	uint32_t sz = 0;
	unsigned char *b = write_wav("a.wav", &m, &len);
	const unsigned char *c;
	(void)state;

	assert_non_null(c = chunk(b, len, "bext", NULL, &sz));
	assert_ascii(c, 256 + 32 + 32 + 10 + 8);
	assert_string_equal((const char *)c, "Strasse \"gesperrt\": Buerger beschliessen");
	assert_memory_equal(c + 320, "2025-02-12", 10);
	assert_memory_equal(c + 330, "06:30:00", 8);
	assert_non_null(c = chunk(b, len, "cart", NULL, &sz));
	assert_ascii(c, 4 + 64 * 7 + 36);
	assert_string_equal((const char *)c + 4, "Strasse \"gesperrt\": Buerger beschliessen");
	assert_string_equal((const char *)c + 68, "Juergen Mueller");
	assert_string_equal((const char *)c + 4 + 64 * 6, "schoenen Tag noch");
	assert_memory_equal(c + 452, "2025-02-1206:30:00", 18);
	assert_memory_equal(c + 470, "9999-12-3123:59:59", 18);
	/* LIST INFO keeps UTF-8 */
	assert_non_null(c = chunk(b, len, "LIST", "INFO", &sz));
	assert_non_null(memmem(c, sz, "Straße „gesperrt“", strlen("Straße „gesperrt“")));
	free(b);
}

/* Without a date or time the fields hold defined values, not NUL bytes; the CutID is stable. */
static void test_defaults_and_cut_id(void **state)
{
	struct afile_meta m = { .title = "Nachrichten" };
	size_t len;
	uint32_t sz = 0;
	unsigned char *b = write_wav("d.wav", &m, &len), *b2;
	const unsigned char *c;
	char id[65];
	(void)state;

	assert_non_null(c = chunk(b, len, "bext", NULL, &sz));
	assert_memory_equal(c + 320, "1970-01-0100:00:00", 18);
	assert_non_null(c = chunk(b, len, "cart", NULL, &sz));
	assert_memory_equal(c + 452, "1970-01-0100:00:00", 18);
	snprintf(id, sizeof(id), "%s", (const char *)c + 4 + 128);
	assert_int_equal(strlen(id), 11);
	assert_memory_equal(id, "SPR", 3);
	/* the same episode again: the same id; another date: another id; an option wins */
	b2 = write_wav("d2.wav", &m, &len);
	assert_string_equal((const char *)chunk(b2, len, "cart", NULL, &sz) + 132, id);
	free(b2);
	m.orig_date = "2025-02-13";
	b2 = write_wav("d3.wav", &m, &len);
	assert_string_not_equal((const char *)chunk(b2, len, "cart", NULL, &sz) + 132, id);
	free(b2);
	m.cut_id = "NEWS-0613";
	b2 = write_wav("d4.wav", &m, &len);
	assert_string_equal((const char *)chunk(b2, len, "cart", NULL, &sz) + 132, "NEWS-0613");
	free(b2);
	free(b);
}

/* Post timers: AUDs/AUDe, intro end at the first speech (talk-up point), segue at the outro. */
static void test_cart_timers(void **state)
{
	struct timeline tl;
	struct clip intro = { .kind = CLIP_JINGLE, .start = 0, .frames = 144000 };
	struct clip s1 = { .kind = CLIP_SPEECH, .start = 120000, .frames = 96000, .segment = 1 };
	struct clip pause = { .kind = CLIP_PAUSE, .start = 216000, .frames = 20000, .segment = 1 };
	struct clip s2 = { .kind = CLIP_SPEECH, .start = 236000, .frames = 48000, .segment = 2 };
	struct clip outro = { .kind = CLIP_JINGLE, .start = 300000, .frames = 100000 };
	struct afile_meta m = { .title = "T", .timeline = &tl };
	size_t len;
	uint32_t sz = 0;
	unsigned char *b;
	const unsigned char *c, *t;
	(void)state;

	timeline_init(&tl, 48000);
	timeline_add(&tl, &intro);
	timeline_add(&tl, &s1);
	timeline_add(&tl, &pause);
	timeline_add(&tl, &s2);
	timeline_add(&tl, &outro);
	tl.total_frames = 400000;
	b = write_wav("t.wav", &m, &len);
	assert_non_null(c = chunk(b, len, "cart", NULL, &sz));
	t = c + 684;
	assert_memory_equal(t, "AUDs", 4);
	assert_int_equal(le32(t + 4), 0);
	assert_memory_equal(t + 8, "AUDe", 4);
	assert_int_equal(le32(t + 12), 400000);
	assert_memory_equal(t + 16, "INTe", 4);
	assert_int_equal(le32(t + 20), 120000);
	assert_memory_equal(t + 24, "SEGs", 4);
	assert_int_equal(le32(t + 28), 300000);
	assert_memory_equal(t + 32, "\0\0\0\0", 4);
	free(b);
	/* no jingles: only the audio timers */
	timeline_release(&tl);
	timeline_init(&tl, 48000);
	s1.start = 0;
	timeline_add(&tl, &s1);
	tl.total_frames = 96000;
	b = write_wav("t2.wav", &m, &len);
	t = chunk(b, len, "cart", NULL, &sz) + 684;
	assert_memory_equal(t + 8, "AUDe", 4);
	assert_memory_equal(t + 16, "\0\0\0\0", 4);
	free(b);
	timeline_release(&tl);
}

/* FLAC carries ReplayGain tags from the measured loudness; the audio after them still decodes whole. */
static void test_flac_replaygain(void **state)
{
	struct afile_opts o = { .format = AF_FLAC, .bits = AF_BITS_16, .rate = 48000, .channels = 2,
				.quality = -1 };
	struct afile_meta m = { .title = "Nachrichten", .artist = "Redaktion" };
	struct loudness l = { .integrated = -23.0, .true_peak = -6.0206, .lra = 3 };
	struct err e;
	struct afile_writer *w = afile_create(test_path("rg.flac"), &o, &m, &e);
	float *p = malloc(96000 * 2 * sizeof(float)), *back = NULL;
	size_t len, n;
	int ch, rate;
	char *b;
	(void)state;

	for (size_t i = 0; i < 96000 * 2; i++)
		p[i] = (float)(0.3 * sin((double)i * 0.01));
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 96000, &e), 0);
	afile_set_measured(w, &l);
	assert_int_equal(afile_commit(w, &e), 0);
	assert_int_equal(read_file(test_path("rg.flac"), &b, &len, &e), 0);
	assert_non_null(memmem(b, len, "REPLAYGAIN_TRACK_GAIN=+5.00 dB", 30));
	assert_non_null(memmem(b, len, "REPLAYGAIN_TRACK_PEAK=0.500000", 30));
	assert_non_null(memmem(b, len, "title=Nachrichten", 17));
	free(b);
	assert_int_equal(afile_read(test_path("rg.flac"), &back, &n, &ch, &rate, &e), 0);
	assert_int_equal(n, 96000);
	assert_true(fabs(back[2 * 50000] - p[2 * 50000]) < 1e-3);
	free(back);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_translit),
		cmocka_unit_test(test_bext_cart_ascii_utf8_info),
		cmocka_unit_test(test_defaults_and_cut_id),
		cmocka_unit_test(test_cart_timers),
		cmocka_unit_test(test_flac_replaygain),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
