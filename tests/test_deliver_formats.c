/*
 * test_deliver_formats.c - end-to-end tests of the audio files: the BWF
 * chunks inside the WAV (bext, cue, LIST/adtl, cart; read with the RIFF
 * reader of testlib.c and with libsndfile), every output format decoded
 * with its tags and loudness, --artist/--date, --quality/--bitrate.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default), run from the top of
 * the repository. All renders are made once, in parallel, by the group
 * setup (testutil.h: test_jobs_setup); the tests then check the files.
 */
#include "testutil.h"

#include <math.h>
#include <sndfile.h>
#include <sys/stat.h>

#include "util.h"

#define ARTICLE TESTS_DIR "/data/kurz.txt"
#define TITLE "Stadtrat beschließt neuen Busfahrplan"
/* the same in bext and cart, whose text fields are ASCII */
#define TITLE_ASCII "Stadtrat beschliesst neuen Busfahrplan"
#define EPOCH "1767225600" /* 2026-01-01 00:00:00 UTC */

/* ==== renders =========================================================== */

/*
 * The full article with jingles in every format; the segment renders (no
 * jingles) only compare file sizes.
 */
static struct test_job jobs[] = {
	{ "wav24", { "render", ARTICLE, "-o", "@a.wav", "-q", "--timeline", "@a.json" }, -1 },
	{ "flac24", { "render", ARTICLE, "-o", "@a.flac", "-q" }, -1 },
	{ "wav16", { "render", ARTICLE, "-o", "@w16.wav", "-q", "--bits", "16" }, -1 },
	{ "wav32f", { "render", ARTICLE, "-o", "@w32.wav", "-q", "--bits", "32f" }, -1 },
	{ "flac16", { "render", ARTICLE, "-o", "@f16.flac", "-q", "--bits", "16" }, -1 },
	{ "ogg", { "render", ARTICLE, "-o", "@a.ogg", "-q" }, -1 },
	{ "opus", { "render", ARTICLE, "-o", "@a.opus", "-q" }, -1 },
	{ "mp3", { "render", ARTICLE, "-o", "@a.mp3", "-q" }, -1 },
	{ "tags", { "render", ARTICLE, "-o", "@t.wav", "-q", "--artist", "Redaktion Süd", "--date",
		    "2025-12-24 18:30:00", "--no-jingles" }, -1 },
	{ "ogg-q1", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q1.ogg", "-q", "--quality",
		      "0.1" }, -1 },
	{ "ogg-q9", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q9.ogg", "-q", "--quality",
		      "0.9" }, -1 },
	{ "opus-b24", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b24.opus", "-q", "--bitrate",
			"24" }, -1 },
	{ "opus-b128", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b128.opus", "-q",
			 "--bitrate", "128" }, -1 },
	{ "mp3-b64", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b64.mp3", "-q", "--bitrate",
		       "64" }, -1 },
	{ "mp3-b256", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@b256.mp3", "-q",
			"--bitrate", "256" }, -1 },
	{ "mp3-q0", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q0.mp3", "-q", "--quality",
		      "0" }, -1 },
	{ "mp3-q1", { "render", ARTICLE, "--segment", "2", "--no-jingles", "-o", "@q10.mp3", "-q", "--quality",
		      "1" }, -1 },
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

/* Fails the test when job `name` did not exit 0, showing its stderr. */
static void need(const char *name)
{
	test_job_need(jobs, NJOBS, name);
}

static off_t file_size(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_size : -1;
}

static int group_setup(void **state)
{
	(void)state;
	return test_jobs_setup("formats", jobs, NJOBS, EPOCH) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return test_jobs_teardown();
}

/* ==== fixed-size text fields ============================================ */

/* Copies a fixed-size, maybe not NUL-terminated field into dst. */
static const char *field(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
	return dst;
}

/* Whether the fixed-size field equals `want`; else describes the difference in msg. */
static int fixed_is(char *msg, size_t cap, const char *what, const char *src, size_t n, const char *want)
{
	char f[300];
	if (strcmp(field(f, src, n), want) == 0)
		return 1;
	snprintf(msg, cap, "%s is '%s', expected '%s'", what, f, want);
	return 0;
}

/* ==== tests: chunks inside the WAV ====================================== */

static void test_wav_chunks(void **state)
{
	struct test_chunk ch[32];
	struct test_timeline t;
	struct test_audio d;
	int segs[256];
	size_t len, n, nseg, nlabl = 0;
	char *buf, f[300], msg[600] = "", bug[600] = "";
	const struct test_chunk *fmt, *data, *bext, *cart, *cue, *adtl;
	uint32_t ncue;
	uint32_t raw_off[256];

	(void)state;
	need("wav24");
	test_timeline_load(test_path("a.json"), &t);
	nseg = test_timeline_segments(&t, segs, 256);
	buf = test_slurp(test_path("a.wav"), &len);
	assert_non_null(buf);
	n = test_riff_chunks(buf, len, ch, 32);
	fmt = test_find_chunk(buf, ch, n, "fmt ", NULL);
	data = test_find_chunk(buf, ch, n, "data", NULL);
	bext = test_find_chunk(buf, ch, n, "bext", NULL);
	cart = test_find_chunk(buf, ch, n, "cart", NULL);
	cue = test_find_chunk(buf, ch, n, "cue ", NULL);
	adtl = test_find_chunk(buf, ch, n, "LIST", "adtl");
	if (!fmt || !data || !bext || !cart || !cue || !adtl) {
		snprintf(msg, sizeof(msg), "missing chunk:%s%s%s%s%s%s", fmt ? "" : " fmt", data ? "" : " data",
			 bext ? "" : " bext", cart ? "" : " cart", cue ? "" : " cue", adtl ? "" : " LIST/adtl");
		goto out;
	}
	/* data length agrees with the timeline */
	{
		unsigned align = (unsigned char)buf[fmt->off + 12] | (unsigned char)buf[fmt->off + 13] << 8;
		if (!align || data->size / align != (size_t)t.frames) {
			snprintf(msg, sizeof(msg), "data chunk %zu bytes / %u, timeline %lld frames", data->size,
				 align, t.frames);
			goto out;
		}
	}
	/* cue: one point per segment, each within 1 ms of the segment start */
	ncue = test_le32(buf + cue->off);
	if (cue->size != 4 + 24 * (size_t)ncue || ncue != nseg || ncue > 256) {
		snprintf(msg, sizeof(msg), "cue chunk: %u points in %zu bytes, %zu segments", ncue, cue->size, nseg);
		goto out;
	}
	for (uint32_t i = 0; i < ncue; i++) {
		const char *p = buf + cue->off + 4 + 24 * i;
		long long want = test_timeline_seg_start(&t, segs[i]);
		raw_off[i] = test_le32(p + 20);
		if (test_le32(p) != i + 1 || memcmp(p + 8, "data", 4) != 0 || test_le32(p + 12) != 0 || test_le32(p + 16) != 0 ||
		    llabs((long long)test_le32(p + 20) - want) > 48) {
			snprintf(msg, sizeof(msg), "cue point %u: id %u, offset %u, segment %d starts at frame %lld",
				 i + 1, test_le32(p), test_le32(p + 20), segs[i], want);
			goto out;
		}
	}
	/* LIST/adtl: one labl per cue point, named "SEG ROLE: ..." */
	for (size_t p = adtl->off + 4; p + 8 <= adtl->off + adtl->size;) {
		size_t sz = test_le32(buf + p + 4);
		const char *txt = buf + p + 12;
		size_t tl;
		if (memcmp(buf + p, "labl", 4) != 0) {
			p += 8 + sz + (sz & 1);
			continue;
		}
		if (sz < 5 || p + 8 + sz > adtl->off + adtl->size || !memchr(txt, '\0', sz - 4)) {
			snprintf(msg, sizeof(msg), "labl %zu: broken (%zu bytes)", nlabl + 1, sz);
			goto out;
		}
		tl = strlen(txt);
		{
			uint32_t id = test_le32(buf + p + 8);
			char head[64];
			if (id < 1 || id > ncue) {
				snprintf(msg, sizeof(msg), "labl for cue id %u of %u", id, ncue);
				goto out;
			}
			snprintf(head, sizeof(head), "%d %s: ", segs[id - 1], test_timeline_seg_role(&t, segs[id - 1]));
			if (strncmp(txt, head, strlen(head)) != 0 || tl <= strlen(head)) {
				snprintf(msg, sizeof(msg), "labl %u: '%s' does not start with '%s'", id, txt, head);
				goto out;
			}
			if (utf8_validate(txt, tl, &(size_t){ 0 }, &(size_t){ 0 }) != 0 && !*bug)
				snprintf(bug, sizeof(bug),
					 "labl %u is not valid UTF-8 (cut inside a character): '%s' "
					 "[src/render.c fill_cues: \"%%.60s\" cuts bytes]", id, txt);
		}
		nlabl++;
		p += 8 + sz + (sz & 1);
	}
	if (nlabl != ncue) {
		snprintf(msg, sizeof(msg), "%zu labl entries for %u cue points", nlabl, ncue);
		goto out;
	}
	/* bext: BWF v2 with loudness */
	{
		const char *b = buf + bext->off;
		int16_t lv = test_le16s(b + 412), tp = test_le16s(b + 416);
		if (bext->size < 602) {
			snprintf(msg, sizeof(msg), "bext: %zu bytes", bext->size);
			goto out;
		}
		if (!fixed_is(msg, sizeof(msg), "bext description", b, 256, TITLE_ASCII) ||
		    !fixed_is(msg, sizeof(msg), "bext originator", b + 256, 32, "sprecher") ||
		    !fixed_is(msg, sizeof(msg), "bext origination date", b + 320, 10, "2026-01-01") ||
		    !fixed_is(msg, sizeof(msg), "bext origination time", b + 330, 8, "00:00:00"))
			goto out;
		if (test_le16s(b + 346) != 2) {
			snprintf(msg, sizeof(msg), "bext version %d", test_le16s(b + 346));
			goto out;
		}
		test_decode(test_path("a.wav"), &d);
		{
			double lufs = test_lufs(&d);
			free(d.frames);
			if (abs(lv + 2300) > 30 || fabs(lv / 100.0 - lufs) > 0.15 || tp > -100 || tp < -2000)
				snprintf(msg, sizeof(msg), "bext loudness %.2f LUFS (measured %.2f), true peak %.2f dBTP",
					 lv / 100.0, lufs, tp / 100.0);
		}
		if (*msg)
			goto out;
		if (strncmp(b + 602, "A=PCM", 5) != 0) {
			snprintf(msg, sizeof(msg), "bext coding history '%.40s'", b + 602);
			goto out;
		}
	}
	/* cart: AES46 */
	{
		const char *c = buf + cart->off;
		if (cart->size < 2048) {
			snprintf(msg, sizeof(msg), "cart: %zu bytes", cart->size);
			goto out;
		}
		if (!fixed_is(msg, sizeof(msg), "cart version", c, 4, "0101") ||
		    !fixed_is(msg, sizeof(msg), "cart title", c + 4, 64, TITLE_ASCII) ||
		    !fixed_is(msg, sizeof(msg), "cart artist", c + 68, 64, "sprecher") ||
		    !fixed_is(msg, sizeof(msg), "cart category", c + 260, 64, "NEWS") ||
		    !fixed_is(msg, sizeof(msg), "cart start date", c + 452, 10, "2026-01-01") ||
		    !fixed_is(msg, sizeof(msg), "cart end date", c + 470, 10, "9999-12-31"))
			goto out;
	}
	/* the same through libsndfile */
	{
		SF_INFO info = { 0 };
		SNDFILE *sf = sf_open(test_path("a.wav"), SFM_READ, &info);
		SF_CUES cues;
		SF_BROADCAST_INFO bi;
		SF_CART_INFO ci;
		uint32_t count = 0;

		if (!sf) {
			snprintf(msg, sizeof(msg), "libsndfile: %s", sf_strerror(NULL));
			goto out;
		}
		memset(&cues, 0, sizeof(cues));
		memset(&bi, 0, sizeof(bi));
		memset(&ci, 0, sizeof(ci));
		if (!sf_command(sf, SFC_GET_CUE_COUNT, &count, sizeof(count)) || count != ncue ||
		    !sf_command(sf, SFC_GET_CUE, &cues, sizeof(cues)) || cues.cue_count != ncue)
			snprintf(msg, sizeof(msg), "libsndfile: %u cue points, expected %u", count, ncue);
		for (uint32_t i = 0; i < ncue && i < 100 && !*msg; i++)
			if (cues.cue_points[i].sample_offset != raw_off[i] || cues.cue_points[i].position != raw_off[i])
				snprintf(msg, sizeof(msg), "libsndfile: cue %u at %u, raw %u", i + 1,
					 cues.cue_points[i].sample_offset, raw_off[i]);
		if (!*msg && (!sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof(bi)) ||
			      strcmp(field(f, bi.description, 256), TITLE_ASCII) ||
			      strcmp(field(f, bi.originator, 32), "sprecher") ||
			      strcmp(field(f, bi.origination_date, 10), "2026-01-01") || bi.version != 2 ||
			      bi.loudness_value != test_le16s(buf + bext->off + 412)))
			snprintf(msg, sizeof(msg), "libsndfile: bext reads back wrong");
		if (!*msg && (!sf_command(sf, SFC_GET_CART_INFO, &ci, sizeof(ci)) ||
			      strcmp(field(f, ci.title, 64), TITLE_ASCII) || strcmp(field(f, ci.artist, 64), "sprecher")))
			snprintf(msg, sizeof(msg), "libsndfile: cart reads back wrong");
		sf_close(sf);
	}
out:
	free(buf);
	test_timeline_release(&t);
	if (*msg)
		fail_msg("%s", msg);
	if (*bug)
		fail_msg("PRODUCT DEFECT: %s", bug);
}

/* ==== tests: every output format ======================================== */

struct fmt_case {
	const char *job, *file;
	int type, sub; /* expected SF_FORMAT_*; sub 0 = any */
	double slack;  /* seconds of codec padding allowed */
};

static void test_formats(void **state)
{
	static const struct fmt_case cases[] = {
		{ "wav24", "a.wav", SF_FORMAT_WAV, SF_FORMAT_PCM_24, 0 },
		{ "wav16", "w16.wav", SF_FORMAT_WAV, SF_FORMAT_PCM_16, 0 },
		{ "wav32f", "w32.wav", SF_FORMAT_WAV, SF_FORMAT_FLOAT, 0 },
		{ "flac24", "a.flac", SF_FORMAT_FLAC, SF_FORMAT_PCM_24, 0 },
		{ "flac16", "f16.flac", SF_FORMAT_FLAC, SF_FORMAT_PCM_16, 0 },
		{ "ogg", "a.ogg", SF_FORMAT_OGG, SF_FORMAT_VORBIS, 0.1 },
		{ "opus", "a.opus", SF_FORMAT_OGG, SF_FORMAT_OPUS, 0.1 },
		{ "mp3", "a.mp3", SF_FORMAT_MPEG, 0, 0.1 },
	};
	struct test_audio ref;
	char msg[600] = "", bug[600] = "";

	(void)state;
	need("wav24");
	test_decode(test_path("a.wav"), &ref);
	free(ref.frames);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !*msg; i++) {
		const struct fmt_case *c = &cases[i];
		struct test_audio d;
		double lufs, dt;
		need(c->job);
		test_decode(test_path(c->file), &d);
		lufs = test_lufs(&d);
		free(d.frames);
		dt = fabs((double)(d.n - ref.n) / 48000.0);
		if ((d.info.format & SF_FORMAT_TYPEMASK) != c->type ||
		    (c->sub && (d.info.format & SF_FORMAT_SUBMASK) != c->sub))
			snprintf(msg, sizeof(msg), "%s: format 0x%x", c->file, d.info.format);
		else if (d.info.samplerate != 48000 || d.info.channels != 2)
			snprintf(msg, sizeof(msg), "%s: %d Hz, %d channels", c->file, d.info.samplerate,
				 d.info.channels);
		else if (d.n != d.info.frames || dt > c->slack)
			snprintf(msg, sizeof(msg), "%s: %lld frames decoded (header %lld), WAV %lld", c->file,
				 (long long)d.n, (long long)d.info.frames, (long long)ref.n);
		else if (fabs(lufs + 23) > 0.5)
			snprintf(msg, sizeof(msg), "%s: %.2f LUFS", c->file, lufs);
		/* ID3v2.3 keeps the year only */
		else if (strcmp(d.artist, "sprecher") ||
			 strncmp(d.date, "2026-01-01", strstr(c->file, ".mp3") ? 4 : 10))
			snprintf(msg, sizeof(msg), "%s: tags artist '%s' date '%s'", c->file, d.artist, d.date);
		else if (strcmp(d.title, TITLE) != 0 && !*bug)
			/*
			 * The title has non-ASCII letters; libsndfile hands sf_set_string
			 * text to LAME as Latin-1 (libsndfile issue #915), so the writer
			 * must convert UTF-8 to Latin-1 for MP3 or players show mojibake.
			 */
			snprintf(bug, sizeof(bug), "%s: title tag reads back as '%s' [src/audiofile.c: MP3 tags "
				 "must be converted to Latin-1 before sf_set_string]", c->file, d.title);
	}
	if (*msg)
		fail_msg("%s", msg);
	if (*bug)
		fail_msg("PRODUCT DEFECT: %s", bug);
}

/* --artist and --date reach the tags and the BWF/cart chunks. */
static void test_artist_and_date(void **state)
{
	struct test_audio d;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	SF_BROADCAST_INFO bi;
	SF_CART_INFO ci;
	char f[300], msg[400] = "";

	(void)state;
	need("tags");
	test_decode(test_path("t.wav"), &d);
	free(d.frames);
	assert_string_equal(d.artist, "Redaktion Süd");
	assert_string_equal(d.date, "2025-12-24 18:30:00");
	sf = sf_open(test_path("t.wav"), SFM_READ, &info);
	assert_non_null(sf);
	memset(&bi, 0, sizeof(bi));
	memset(&ci, 0, sizeof(ci));
	if (!sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof(bi)) ||
	    strcmp(field(f, bi.origination_date, 10), "2025-12-24") ||
	    strcmp(field(f, bi.origination_time, 8), "18:30:00"))
		snprintf(msg, sizeof(msg), "bext date '%.10s' time '%.8s'", bi.origination_date, bi.origination_time);
	else if (!sf_command(sf, SFC_GET_CART_INFO, &ci, sizeof(ci)) ||
		 strcmp(field(f, ci.artist, 64), "Redaktion Sued") || strcmp(field(f, ci.start_date, 10), "2025-12-24"))
		snprintf(msg, sizeof(msg), "cart artist '%.64s' start date '%.10s'", ci.artist, ci.start_date);
	sf_close(sf);
	if (*msg)
		fail_msg("%s", msg);
}

/* --quality and --bitrate change the size of lossy files. */
static void test_quality_and_bitrate(void **state)
{
	static const char *const pairs[][4] = {
		{ "ogg-q1", "q1.ogg", "ogg-q9", "q9.ogg" },
		{ "opus-b24", "b24.opus", "opus-b128", "b128.opus" },
		{ "mp3-b64", "b64.mp3", "mp3-b256", "b256.mp3" },
		{ "mp3-q0", "q0.mp3", "mp3-q1", "q10.mp3" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		off_t small, big;
		need(pairs[i][0]);
		need(pairs[i][2]);
		small = file_size(test_path(pairs[i][1]));
		big = file_size(test_path(pairs[i][3]));
		if (small <= 0 || big < small * 3 / 2)
			fail_msg("%s %lld bytes, %s %lld bytes", pairs[i][1], (long long)small, pairs[i][3],
				 (long long)big);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wav_chunks),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_artist_and_date),
		cmocka_unit_test(test_quality_and_bitrate),
	};

	return cmocka_run_group_tests_name("deliver_formats", tests, group_setup, group_teardown);
}
