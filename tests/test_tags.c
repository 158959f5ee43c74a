/*
 * test_tags.c - the loudness tags players read, end to end through the
 * binary: REPLAYGAIN_TRACK_GAIN/PEAK in FLAC and Ogg Vorbis (Vorbis
 * comments) and MP3 (ID3v2 TXXX frames), R128_TRACK_GAIN in Opus with the
 * header's output gain at 0 dB. Each file is read back with our own readers
 * (Ogg pages with CRC and sequence checks, FLAC metadata blocks, ID3v2
 * frames), decoded with libsndfile and measured with libebur128: the tags
 * must describe the file as delivered. mediainfo is asked too when installed.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default).
 */
#include "testutil.h"

#include <ebur128.h>
#include <math.h>
#include <unistd.h>

#include "audiofile.h"
#include "loudness.h"

static const char *bin;

static int setup(void **state)
{
	(void)state;
	bin = getenv("SPRECHER_BIN");
	if (!bin || !*bin)
		bin = "./sprecher";
	return test_dir_make("tags");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The comments collected from a file: "KEY=value" lines, each ending in '\n'. */
static char tags[200000];

/* Appends the comments of a Vorbis comment list at p[0..n) to `tags`; returns the bytes used. */
static size_t read_comments(const unsigned char *p, size_t n)
{
	size_t o = 0, count;

	assert_true(n >= 8);
	o = 4 + le32(p);
	assert_true(o + 4 <= n);
	count = le32(p + o);
	o += 4;
	for (size_t i = 0; i < count; i++) {
		size_t len;
		assert_true(o + 4 <= n);
		len = le32(p + o);
		assert_true(o + 4 + len <= n);
		assert_true(strlen(tags) + len + 2 < sizeof(tags));
		strncat(tags, (const char *)p + o + 4, len);
		strcat(tags, "\n");
		o += 4 + len;
	}
	return o;
}

/* Ogg's CRC-32 (polynomial 0x04C11DB7, no reflection, initial 0). */
static uint32_t crc_ogg(const unsigned char *p, size_t n)
{
	uint32_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 24;
		for (int k = 0; k < 8; k++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
	}
	return crc;
}

/*
 * Reads an Ogg file page by page: every page's CRC, one serial number,
 * sequence numbers 0, 1, 2, ... Copies the first two packets into
 * first[]/second[]; returns the page count.
 */
static int read_ogg(const char *path, unsigned char *first, size_t *nfirst, unsigned char *second,
		    size_t *nsecond)
{
	size_t n, off = 0, *np[2] = { nfirst, nsecond };
	unsigned char *b = (unsigned char *)test_slurp(path, &n), *dst[2] = { first, second };
	int pages = 0, packet = 0;
	uint32_t serial = 0;

	assert_non_null(b);
	*nfirst = *nsecond = 0;
	while (off < n) {
		size_t nseg, body = 0, pos;
		uint32_t crc;
		assert_true(off + 27 <= n);
		assert_memory_equal(b + off, "OggS", 4);
		nseg = b[off + 26];
		for (size_t i = 0; i < nseg; i++)
			body += b[off + 27 + i];
		assert_true(off + 27 + nseg + body <= n);
		if (pages == 0)
			serial = le32(b + off + 14);
		assert_int_equal(le32(b + off + 14), serial);
		assert_int_equal(le32(b + off + 18), (uint32_t)pages);
		crc = le32(b + off + 22);
		memset(b + off + 22, 0, 4);
		if (crc_ogg(b + off, 27 + nseg + body) != crc)
			fail_msg("%s: page %d: CRC mismatch", path, pages);
		pos = off + 27 + nseg;
		for (size_t i = 0; i < nseg && packet < 2; i++) {
			unsigned seg = b[off + 27 + i];
			memcpy(dst[packet] + *np[packet], b + pos, seg);
			*np[packet] += seg;
			pos += seg;
			if (seg < 255)
				packet++;
		}
		off += 27 + nseg + body;
		pages++;
	}
	free(b);
	return pages;
}

/* The comments of a FLAC file's VORBIS_COMMENT block into `tags`. */
static void read_flac(const char *path)
{
	size_t n, off = 4;
	unsigned char *b = (unsigned char *)test_slurp(path, &n);

	assert_non_null(b);
	assert_memory_equal(b, "fLaC", 4);
	for (;;) {
		size_t len;
		assert_true(off + 4 <= n);
		len = (size_t)b[off + 1] << 16 | (size_t)b[off + 2] << 8 | b[off + 3];
		if ((b[off] & 0x7F) == 4) {
			read_comments(b + off + 4, len);
			break;
		}
		assert_false(b[off] & 0x80);
		off += 4 + len;
	}
	free(b);
}

/* The TXXX frames of an MP3 file's ID3v2.3/2.4 tag into `tags` as "KEY=value". */
static void read_id3(const char *path)
{
	size_t n, off = 10, end;
	unsigned char *b = (unsigned char *)test_slurp(path, &n);
	int ver;

	assert_non_null(b);
	assert_true(n > 10);
	assert_memory_equal(b, "ID3", 3);
	ver = b[3];
	assert_true(ver == 3 || ver == 4);
	end = 10 + ((size_t)(b[6] & 0x7F) << 21 | (size_t)(b[7] & 0x7F) << 14 |
		    (size_t)(b[8] & 0x7F) << 7 | (b[9] & 0x7F));
	assert_true(end <= n);
	while (off + 10 <= end && b[off]) {
		const unsigned char *f = b + off;
		size_t fs = ver == 4 ? ((size_t)(f[4] & 0x7F) << 21 | (size_t)(f[5] & 0x7F) << 14 |
					(size_t)(f[6] & 0x7F) << 7 | (f[7] & 0x7F))
				     : ((size_t)f[4] << 24 | (size_t)f[5] << 16 | (size_t)f[6] << 8 | f[7]);
		assert_true(off + 10 + fs <= end);
		if (!memcmp(f, "TXXX", 4)) {
			const char *d = (const char *)f + 11;
			size_t dl = strnlen(d, fs - 1);
			assert_int_equal(f[10], 0);             /* ISO-8859-1 */
			strncat(tags, d, dl);
			strcat(tags, "=");
			strncat(tags, d + dl + 1, fs - 1 - dl - 1);
			strcat(tags, "\n");
		}
		off += 10 + fs;
	}
	/* the audio follows the tag: an MPEG frame sync (the Xing/Info frame) */
	assert_true(end + 2 <= n);
	assert_int_equal(b[end], 0xFF);
	assert_int_equal(b[end + 1] & 0xE0, 0xE0);
	free(b);
}

/* The value after "KEY=" in `tags` as a number (a cmocka failure when missing). */
static double tag_value(const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "%s=", key);
	p = strstr(tags, k);
	if (!p)
		fail_msg("no %s tag; tags:\n%s", key, tags);
	return atof(p + strlen(k));
}

/* Integrated loudness (LUFS) and true peak (dBTP) of the file as libsndfile decodes it. */
static void measure(const char *path, double *lufs, double *tp)
{
	struct test_audio d;
	ebur128_state *st;
	double peak = 0, p;

	test_decode(path, &d);
	assert_true(d.n > 0);
	st = ebur128_init((unsigned)d.info.channels, (unsigned long)d.info.samplerate,
			  EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	ebur128_add_frames_float(st, d.frames, (size_t)d.n);
	ebur128_loudness_global(st, lufs);
	for (int c = 0; c < d.info.channels; c++) {
		ebur128_true_peak(st, (unsigned)c, &p);
		peak = p > peak ? p : peak;
	}
	*tp = 20 * log10(peak);
	ebur128_destroy(&st);
	assert_string_equal(d.title, "Neue Brücke für Tal");
	free(d.frames);
}

/* Renders the test article to test_dir/NAME; `extra` options before NULL. */
static void render(const char *name, const char *loudness)
{
	const char *out = test_path(name);
	int rc = test_wait(test_spawn(bin, (const char *const[]){ "render", test_path("a.md"), "-o", out,
								  "--no-jingles", "--no-cache", "-q",
								  "--loudness", loudness, NULL },
				      NULL, NULL, NULL));
	assert_int_equal(rc, 0);
}

static void article(void)
{
	test_write_text(test_path("a.md"), "---\ntitle: Neue Brücke für Tal\n---\n\nDie Gemeinde hat am Montag die "
	    "neue Brücke über den Fluss eröffnet. Sie kostete drei Millionen Euro. Der Bürgermeister "
	    "sprach von einem guten Tag für die Stadt.\n");
}

/* Whether mediainfo shows `want` for `path`; 1 = yes, 0 = no, -1 = mediainfo is not installed. */
static int mediainfo_shows(const char *path, const char *want)
{
	char cmd[800], line[512];
	FILE *p;
	int found = 0;

	if (system("command -v mediainfo >/dev/null 2>&1") != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "mediainfo '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p))
		found |= strstr(line, want) != NULL;
	pclose(p);
	return found;
}

/* FLAC, Ogg Vorbis and MP3: ReplayGain to -18 LUFS and the true peak of the delivered file. */
static void check_replaygain(const char *name, double target)
{
	double lufs, tp, gain, peak;
	const char *path = test_path(name);

	measure(path, &lufs, &tp);
	assert_true(fabs(lufs - target) < 1.0);
	gain = tag_value("REPLAYGAIN_TRACK_GAIN");
	peak = tag_value("REPLAYGAIN_TRACK_PEAK");
	if (fabs(gain - (-18.0 - lufs)) > 0.06)
		fail_msg("%s: REPLAYGAIN_TRACK_GAIN %.2f dB, the decoded file needs %.2f dB", name, gain,
			 -18.0 - lufs);
	assert_non_null(strstr(tags, " dB\n"));
	assert_true(peak > 0 && peak < 1);
	if (fabs(20 * log10(peak) - tp) > 0.2)
		fail_msg("%s: REPLAYGAIN_TRACK_PEAK %.6f (%.2f dBTP), the decoded file peaks at %.2f dBTP",
			 name, peak, 20 * log10(peak), tp);
	assert_null(strstr(tags, "R128_"));
}

static void test_flac_replaygain(void **state)
{
	(void)state;
	article();
	render("a.flac", "podcast");
	tags[0] = '\0';
	read_flac(test_path("a.flac"));
	check_replaygain("a.flac", -16);
	assert_int_not_equal(mediainfo_shows(test_path("a.flac"), "Replay gain"), 0);
}

static void test_vorbis_replaygain(void **state)
{
	static unsigned char head[512], com[140000];
	size_t nh, nc;
	(void)state;
	article();
	render("a.ogg", "ebu");
	tags[0] = '\0';
	assert_true(read_ogg(test_path("a.ogg"), head, &nh, com, &nc) > 3);
	assert_memory_equal(head, "\x01vorbis", 7);
	assert_memory_equal(com, "\x03vorbis", 7);
	read_comments(com + 7, nc - 7);
	assert_int_equal(com[nc - 1] & 1, 1);           /* the framing bit stays last */
	assert_non_null(strstr(tags, "TITLE=Neue Brücke für Tal\n"));
	check_replaygain("a.ogg", -23);
	assert_int_not_equal(mediainfo_shows(test_path("a.ogg"), "Replay gain"), 0);
}

static void test_mp3_replaygain(void **state)
{
	(void)state;
	article();
	render("a.mp3", "podcast");
	tags[0] = '\0';
	read_id3(test_path("a.mp3"));
	check_replaygain("a.mp3", -16);
	assert_int_not_equal(mediainfo_shows(test_path("a.mp3"), "REPLAYGAIN_TRACK_GAIN"), 0);
}

/* Opus: R128_TRACK_GAIN (Q7.8 dB to -23 LUFS) relative to an output gain of 0 dB; no ReplayGain. */
static void test_opus_r128(void **state)
{
	static unsigned char head[512], com[140000];
	size_t nh, nc;
	double lufs, tp, q;
	(void)state;
	article();
	render("a.opus", "podcast");
	tags[0] = '\0';
	assert_true(read_ogg(test_path("a.opus"), head, &nh, com, &nc) > 2);
	assert_memory_equal(head, "OpusHead", 8);
	assert_true(nh >= 19);
	assert_int_equal(head[16] | head[17] << 8, 0);  /* output gain, Q7.8 dB */
	assert_memory_equal(com, "OpusTags", 8);
	read_comments(com + 8, nc - 8);
	assert_null(strstr(tags, "REPLAYGAIN_"));
	measure(test_path("a.opus"), &lufs, &tp);
	q = tag_value("R128_TRACK_GAIN");
	assert_true(q == floor(q));
	/* podcast level -16 LUFS: about -7 dB to -23 LUFS, -1792 in Q7.8 */
	if (fabs(q / 256.0 - (-23.0 - lufs)) > 0.06)
		fail_msg("R128_TRACK_GAIN %g (%.2f dB), the decoded file needs %.2f dB", q, q / 256.0,
			 -23.0 - lufs);
	assert_true(q < -1500 && q > -2100);
	assert_int_not_equal(mediainfo_shows(test_path("a.opus"), "R128_TRACK_GAIN"), 0);
}

/*
 * Writes a short Ogg Vorbis file titled with `len` x's through the audio-file
 * module, with loudness tags; checks that it is valid (CRCs, sequence numbers,
 * every frame decoded, the tag there) and returns its page count.
 */
static int vorbis_pages(size_t len)
{
	static unsigned char head[512], com[140000];
	static char title[70000];
	static float buf[4800];
	struct loudness l = { .integrated = -20.0, .true_peak = -3.0 };
	struct afile_opts o = { .format = AF_OGG, .bits = AF_BITS_24, .rate = 48000, .channels = 1,
				.quality = -1, .dither_seed = 7 };
	struct afile_meta m = { .title = title };
	struct afile_writer *w;
	struct test_audio d;
	struct err e;
	size_t nh, nc;
	int pages;

	for (size_t i = 0; i < 4800; i++)
		buf[i] = 0.3f * sinf((float)i * 0.05f);
	assert_true(len < sizeof(title));
	memset(title, 'x', len);
	title[len] = '\0';
	w = afile_create(test_path("h.ogg"), &o, &m, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, buf, 4800, &e), 0);
	afile_set_measured(w, &l);
	if (afile_commit(w, &e))
		fail_msg("%s", e.msg);
	tags[0] = '\0';
	pages = read_ogg(test_path("h.ogg"), head, &nh, com, &nc);
	read_comments(com + 7, nc - 7);
	assert_non_null(strstr(tags, "REPLAYGAIN_TRACK_GAIN=+2.00 dB\n"));
	test_decode(test_path("h.ogg"), &d);
	assert_int_equal(d.n, 4800);
	free(d.frames);
	return pages;
}

/*
 * Ogg Vorbis headers that grow past a page: the title length where the
 * headers with the tags need one more page than without (found by bisection;
 * the tags add about 90 bytes), so the audio pages after them are moved and
 * renumbered. Every file stays valid.
 */
static void test_vorbis_header_pages(void **state)
{
	size_t lo = 1000, hi = 66000;
	int p_lo, p_hi;
	(void)state;

	p_lo = vorbis_pages(lo);
	p_hi = vorbis_pages(hi);
	assert_true(p_hi > p_lo);
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (vorbis_pages(mid) > p_lo)
			hi = mid;
		else
			lo = mid;
	}
	/* from hi on the tagged headers take one page more; without tags that comes ~90 bytes later */
	assert_int_equal(vorbis_pages(hi), p_lo + 1);
	assert_int_equal(vorbis_pages(hi + 40), p_lo + 1);
	assert_int_equal(vorbis_pages(hi - 1), p_lo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flac_replaygain),
		cmocka_unit_test(test_vorbis_replaygain),
		cmocka_unit_test(test_mp3_replaygain),
		cmocka_unit_test(test_opus_r128),
		cmocka_unit_test(test_vorbis_header_pages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
