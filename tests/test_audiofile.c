/*
 * test_audiofile.c - reading, writing (every format), tags, dither
 * determinism, atomic replacement, errors, BWF bext/cue/adtl/cart chunks.
 */
#include "testutil.h"

#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sndfile.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audiofile.h"


/* Number of hidden (temporary) files left in the test directory. */
#define hidden_files() test_hidden_entries(test_dir)

static float *tone(size_t n, int ch, int rate, double amp)
{
	float *p = malloc(n * (size_t)ch * sizeof(float));
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < ch; c++)
			p[i * (size_t)ch + (size_t)c] = (float)(amp * sin(2 * M_PI * (440.0 + 110 * c) * (double)i / rate));
	return p;
}

static const struct afile_meta meta = {
	.title = "Nachrichten am Morgen", .artist = "Redaktion", .date = "2026-11-25",
	.comment = "Testkommentar", .software = "sprecher test",
};

static int write_file(const char *path, enum afile_format fmt, enum afile_bits bits, int rate,
		      int ch, size_t n, uint64_t seed, const struct afile_meta *m, struct err *e)
{
	struct afile_opts o = { .format = fmt, .bits = bits, .rate = rate, .channels = ch,
				.quality = -1, .dither_seed = seed };
	float *p = tone(n, ch, rate, 0.5);
	struct afile_writer *w = afile_create(path, &o, m, e);
	int rc = -1;
	if (!w)
		goto out;
	/* in two pieces to exercise the block handling */
	if (afile_write(w, p, n / 3, e) < 0 || afile_write(w, p + (n / 3) * (size_t)ch, n - n / 3, e) < 0) {
		afile_abort(w);
		goto out;
	}
	rc = afile_commit(w, e);
out:
	free(p);
	return rc;
}

static void check_file(const char *path, int major, int sub, int rate, int ch, sf_count_t frames,
		       sf_count_t slack, int tags)
{
	SF_INFO info = { 0 };
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	assert_non_null(sf);
	assert_int_equal(info.format & SF_FORMAT_TYPEMASK, major);
	if (sub)
		assert_int_equal(info.format & SF_FORMAT_SUBMASK, sub);
	assert_int_equal(info.samplerate, rate);
	assert_int_equal(info.channels, ch);
	assert_true(info.frames >= frames - slack && info.frames <= frames + slack);
	if (tags) {
		assert_string_equal(sf_get_string(sf, SF_STR_TITLE), meta.title);
		assert_string_equal(sf_get_string(sf, SF_STR_ARTIST), meta.artist);
		assert_non_null(sf_get_string(sf, SF_STR_DATE));
		assert_true(strstr(sf_get_string(sf, SF_STR_DATE), "2026") != NULL);
		assert_string_equal(sf_get_string(sf, SF_STR_COMMENT), meta.comment);
	}
	sf_close(sf);
}

/* ---- formats ------------------------------------------------------------ */

static void test_wav_flac_roundtrip(void **state)
{
	struct err e = { "" };
	(void)state;
	assert_int_equal(write_file(test_path("a16.wav"), AF_WAV, AF_BITS_16, 48000, 2, 48000, 1, &meta, &e), 0);
	check_file(test_path("a16.wav"), SF_FORMAT_WAV, SF_FORMAT_PCM_16, 48000, 2, 48000, 0, 1);
	assert_int_equal(write_file(test_path("a24.wav"), AF_WAV, AF_BITS_24, 44100, 1, 1000, 1, &meta, &e), 0);
	check_file(test_path("a24.wav"), SF_FORMAT_WAV, SF_FORMAT_PCM_24, 44100, 1, 1000, 0, 1);
	assert_int_equal(write_file(test_path("a32.WAV"), AF_WAV, AF_BITS_32F, 48000, 2, 777, 1, &meta, &e), 0);
	check_file(test_path("a32.WAV"), SF_FORMAT_WAV, SF_FORMAT_FLOAT, 48000, 2, 777, 0, 1);
	assert_int_equal(write_file(test_path("a16.flac"), AF_FLAC, AF_BITS_16, 48000, 2, 30000, 1, &meta, &e), 0);
	check_file(test_path("a16.flac"), SF_FORMAT_FLAC, SF_FORMAT_PCM_16, 48000, 2, 30000, 0, 1);
	assert_int_equal(write_file(test_path("a24.flac"), AF_FLAC, AF_BITS_24, 48000, 1, 30000, 1, &meta, &e), 0);
	check_file(test_path("a24.flac"), SF_FORMAT_FLAC, SF_FORMAT_PCM_24, 48000, 1, 30000, 0, 1);
	assert_int_equal(hidden_files(), 0);
}

static void test_lossy_roundtrip(void **state)
{
	struct err e = { "" };
	(void)state;
	assert_int_equal(write_file(test_path("a.ogg"), AF_OGG, AF_BITS_24, 48000, 2, 48000, 1, &meta, &e), 0);
	check_file(test_path("a.ogg"), SF_FORMAT_OGG, SF_FORMAT_VORBIS, 48000, 2, 48000, 0, 1);
	assert_int_equal(write_file(test_path("a.opus"), AF_OPUS, AF_BITS_24, 48000, 2, 48000, 1, &meta, &e), 0);
	check_file(test_path("a.opus"), SF_FORMAT_OGG, SF_FORMAT_OPUS, 48000, 2, 48000, 960, 1);
	assert_int_equal(write_file(test_path("a.mp3"), AF_MP3, AF_BITS_24, 44100, 2, 44100, 1, &meta, &e), 0);
	/* mp3 adds encoder delay/padding unless the LAME tag is honoured: a frame's slack */
	check_file(test_path("a.mp3"), SF_FORMAT_MPEG, SF_FORMAT_MPEG_LAYER_III, 44100, 2, 44100, 1152 * 2, 1);
	/* opus only at 48 kHz */
	assert_int_equal(write_file(test_path("b.opus"), AF_OPUS, AF_BITS_24, 44100, 2, 100, 1, &meta, &e), -1);
	assert_non_null(strstr(e.msg, "48000"));
	assert_int_equal(hidden_files(), 0);
}

static void test_lossy_bitrate(void **state)
{
	struct afile_opts o = { .format = AF_MP3, .rate = 48000, .channels = 2, .quality = -1,
				.bitrate_kbps = 64 };
	struct err e;
	struct stat st;
	float *p = tone(48000 * 4, 2, 48000, 0.3);
	struct afile_writer *w = afile_create(test_path("cbr.mp3"), &o, NULL, &e);
	(void)state;
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 48000 * 4, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	assert_int_equal(stat(test_path("cbr.mp3"), &st), 0);
	/* 4 s at 64 kbps = 32000 bytes */
	assert_true(st.st_size > 28000 && st.st_size < 36000);
	o.format = AF_OPUS;
	o.bitrate_kbps = 32;
	w = afile_create(test_path("low.opus"), &o, NULL, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 48000 * 4, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	assert_int_equal(stat(test_path("low.opus"), &st), 0);
	assert_true(st.st_size > 8000 && st.st_size < 24000);
	free(p);
}

static void test_format_from_name(void **state)
{
	enum afile_format f;
	struct err e = { "" };
	(void)state;
	assert_int_equal(afile_format_from_name("x/y.wav", &f, &e), 0);
	assert_int_equal(f, AF_WAV);
	assert_int_equal(afile_format_from_name("Y.FLAC", &f, &e), 0);
	assert_int_equal(f, AF_FLAC);
	assert_int_equal(afile_format_from_name("a.b.ogg", &f, &e), 0);
	assert_int_equal(f, AF_OGG);
	assert_int_equal(afile_format_from_name("z.opus", &f, &e), 0);
	assert_int_equal(f, AF_OPUS);
	assert_int_equal(afile_format_from_name("z.Mp3", &f, &e), 0);
	assert_int_equal(f, AF_MP3);
	assert_int_equal(afile_format_from_name("-", &f, &e), 0);
	assert_int_equal(f, AF_WAV);
	assert_int_equal(afile_format_from_name("out.aiff", &f, &e), -1);
	assert_string_equal(e.msg, "out.aiff: unsupported output format '.aiff' "
			    "(supported: .wav, .flac, .ogg, .opus, .mp3)");
	assert_int_equal(afile_format_from_name("dir.wav/out", &f, &e), -1);
	assert_int_equal(afile_format_from_name(".wav", &f, &e), -1);
}

/* ---- dither and clipping ------------------------------------------------ */

static int files_equal(const char *a, const char *b)
{
	char *x, *y;
	size_t nx, ny;
	struct err e;
	int eq;
	if (read_file(a, &x, &nx, &e) < 0 || read_file(b, &y, &ny, &e) < 0)
		return -1;
	eq = nx == ny && memcmp(x, y, nx) == 0;
	free(x);
	free(y);
	return eq;
}

/* The one format table: lookups, and warnings for options a format ignores. */
static void test_format_table(void **state)
{
	struct warns w;
	const struct afile_format_info *f;
	(void)state;

	assert_non_null(f = afile_format_find("MP3"));
	assert_int_equal(f->format, AF_MP3);
	assert_true(f->lossy);
	assert_int_equal(f->bits, 0);
	assert_int_equal(f->max_channels, 2);
	assert_non_null(f = afile_format_find("wav"));
	assert_true(f->carries & AF_CARRIES_BEXT);
	assert_true(f->carries & AF_CARRIES_CART);
	assert_true(f->bits & AF_BITMASK(AF_BITS_32F));
	assert_false(afile_format_get(AF_FLAC)->bits & AF_BITMASK(AF_BITS_32F));
	assert_int_equal(afile_format_get(AF_OPUS)->fixed_rate, 48000);
	assert_null(afile_format_find("aiff"));
	assert_null(afile_format_find(""));
	assert_string_equal(afile_format_list(), ".wav, .flac, .ogg, .opus, .mp3");
	for (int k = AF_WAV; k <= AF_MP3; k++)
		assert_int_equal(afile_format_get((enum afile_format)k)->format, k);

	warns_init(&w);
	afile_warn_unused("a.mp3", 1, -1, 0, &w);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.v[0], "a.mp3: --bits applies to .wav and .flac only; ignored");
	afile_warn_unused("a.wav", 1, 0.5, 128, &w);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.v[1], "a.wav: --quality applies to .flac, .ogg, .opus and .mp3 only; ignored");
	assert_string_equal(w.v[2], "a.wav: --bitrate applies to .opus and .mp3 only; ignored");
	afile_warn_unused("a.opus", 0, 0.5, 96, &w);     /* both used */
	afile_warn_unused("a.flac", 1, 0.5, 0, &w);      /* both used */
	afile_warn_unused("a.xyz", 1, 0.5, 96, &w);      /* the writer reports the name */
	assert_int_equal(w.n, 3);
	warns_release(&w);
}

static void test_dither_deterministic(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(write_file(test_path("d1.wav"), AF_WAV, AF_BITS_16, 48000, 2, 20000, 42, &meta, &e), 0);
	assert_int_equal(write_file(test_path("d2.wav"), AF_WAV, AF_BITS_16, 48000, 2, 20000, 42, &meta, &e), 0);
	assert_int_equal(write_file(test_path("d3.wav"), AF_WAV, AF_BITS_16, 48000, 2, 20000, 43, &meta, &e), 0);
	assert_int_equal(files_equal(test_path("d1.wav"), test_path("d2.wav")), 1);
	assert_int_equal(files_equal(test_path("d1.wav"), test_path("d3.wav")), 0);
	assert_int_equal(write_file(test_path("d1.flac"), AF_FLAC, AF_BITS_16, 48000, 2, 20000, 42, &meta, &e), 0);
	assert_int_equal(write_file(test_path("d2.flac"), AF_FLAC, AF_BITS_16, 48000, 2, 20000, 42, &meta, &e), 0);
	assert_int_equal(files_equal(test_path("d1.flac"), test_path("d2.flac")), 1);
	/* Ogg streams get a fixed serial number instead of libsndfile's random one */
	assert_int_equal(write_file(test_path("o1.ogg"), AF_OGG, AF_BITS_16, 48000, 2, 20000, 42, &meta, &e), 0);
	assert_int_equal(write_file(test_path("o2.ogg"), AF_OGG, AF_BITS_16, 48000, 2, 20000, 42, &meta, &e), 0);
	assert_int_equal(files_equal(test_path("o1.ogg"), test_path("o2.ogg")), 1);
	check_file(test_path("o1.ogg"), SF_FORMAT_OGG, SF_FORMAT_VORBIS, 48000, 2, 20000, 0, 1);
	assert_int_equal(write_file(test_path("o1.opus"), AF_OPUS, AF_BITS_16, 48000, 1, 20000, 42, &meta, &e), 0);
	assert_int_equal(write_file(test_path("o2.opus"), AF_OPUS, AF_BITS_16, 48000, 1, 20000, 42, &meta, &e), 0);
	assert_int_equal(files_equal(test_path("o1.opus"), test_path("o2.opus")), 1);
	check_file(test_path("o1.opus"), SF_FORMAT_OGG, SF_FORMAT_OPUS, 48000, 1, 20000, 960, 1);
	assert_int_equal(write_file(test_path("f1.wav"), AF_WAV, AF_BITS_32F, 48000, 2, 2000, 42, &meta, &e), 0);
	sleep(1);
	assert_int_equal(write_file(test_path("f2.wav"), AF_WAV, AF_BITS_32F, 48000, 2, 2000, 42, &meta, &e), 0);
	assert_int_equal(files_equal(test_path("f1.wav"), test_path("f2.wav")), 1);
}

/* Dither is +-1 LSB triangular, silence stays silent, overs clip instead of wrapping. */
static void test_dither_values(void **state)
{
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_16, .rate = 48000, .channels = 1,
				.quality = -1, .dither_seed = 7 };
	enum { N = 30000 };
	static float in[N];
	static short got[N];
	struct err e;
	struct afile_writer *w;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	double mean = 0;
	int nonzero = 0;
	(void)state;
	for (int i = 0; i < N; i++)
		in[i] = i < 10000 ? 0.0f : i < 20000 ? (float)(100.3 / 32767.0) : (i & 1 ? 1.7f : -1.7f);
	w = afile_create(test_path("dv.wav"), &o, NULL, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, in, N, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	sf = sf_open(test_path("dv.wav"), SFM_READ, &info);
	assert_non_null(sf);
	assert_int_equal(sf_readf_short(sf, got, N), N);
	sf_close(sf);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(got[i], 0);
	for (int i = 10000; i < 20000; i++) {
		assert_true(got[i] >= 99 && got[i] <= 102);
		nonzero += got[i] != 100;
		mean += got[i];
	}
	mean /= 10000;
	assert_true(fabs(mean - 100.3) < 0.05);
	assert_true(nonzero > 1000);
	for (int i = 20000; i < N; i++)
		assert_int_equal(got[i], i & 1 ? 32767 : -32768);
}

/* ---- atomic writing and errors ------------------------------------------ */

static void test_abort_keeps_target(void **state)
{
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_24, .rate = 48000, .channels = 2, .quality = -1 };
	struct err e;
	struct afile_writer *w;
	char *before, *after;
	size_t nb, na;
	float *p = tone(1000, 2, 48000, 0.1);
	const char *path = test_path("keep.wav");
	FILE *f = fopen(path, "w");
	(void)state;
	fputs("old contents", f);
	fclose(f);
	assert_int_equal(read_file(path, &before, &nb, &e), 0);
	w = afile_create(path, &o, &meta, &e);
	assert_non_null(w);
	/* the data file has no name while it is written: a kill leaves nothing */
	assert_int_equal(hidden_files(), 0);
	assert_int_equal(afile_write(w, p, 1000, &e), 0);
	afile_abort(w);
	afile_abort(NULL);
	assert_int_equal(read_file(path, &after, &na, &e), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, na);
	assert_int_equal(hidden_files(), 0);
	free(after);
	/* commit replaces it */
	w = afile_create(path, &o, &meta, &e);
	assert_int_equal(afile_write(w, p, 1000, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	check_file(path, SF_FORMAT_WAV, SF_FORMAT_PCM_24, 48000, 2, 1000, 0, 1);
	assert_int_equal(hidden_files(), 0);
	free(before);
	free(p);
}

/* Open writers leave no name behind; registered named temporary files are removed by the cleanup. */
static void test_cleanup_temp(void **state)
{
	struct afile_opts o = { .format = AF_FLAC, .bits = AF_BITS_16, .rate = 48000, .channels = 1, .quality = -1 };
	struct err e;
	struct afile_writer *w1 = afile_create(test_path("c1.flac"), &o, NULL, &e);
	struct afile_writer *w2 = afile_create(test_path("c2.flac"), &o, NULL, &e);
	FILE *f = fopen(test_path(".preview.wav"), "w");
	int slot;
	(void)state;
	assert_non_null(w1);
	assert_non_null(w2);
	assert_non_null(f);
	fclose(f);
	slot = afile_temp_register(test_path(".preview.wav"));
	assert_true(slot >= 0);
	assert_int_equal(hidden_files(), 1);
	afile_cleanup_temp();
	assert_int_equal(hidden_files(), 0);
	afile_temp_forget(slot);
	afile_abort(w1);
	afile_abort(w2);
	assert_int_equal(access(test_path("c1.flac"), F_OK), -1);
}

static void test_create_errors(void **state)
{
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_24, .rate = 48000, .channels = 2, .quality = -1 };
	struct err e = { "" };
	char p[600];
	FILE *f;
	(void)state;
	assert_null(afile_create(test_dir, &o, NULL, &e));
	snprintf(p, sizeof(p), "%s: is a directory", test_dir);
	assert_string_equal(e.msg, p);
	snprintf(p, sizeof(p), "%s/", test_dir);
	assert_null(afile_create(p, &o, NULL, &e));
	assert_non_null(strstr(e.msg, "is a directory"));
	/* a directory that cannot hold files even for root: a path below a regular file */
	f = fopen(test_path("file.txt"), "w");
	fclose(f);
	snprintf(p, sizeof(p), "%s/file.txt/out.wav", test_dir);
	assert_null(afile_create(p, &o, NULL, &e));
	{
		char want[700];
		snprintf(want, sizeof(want), "%s: cannot create: Not a directory", p);
		assert_string_equal(e.msg, want);
	}
	assert_null(afile_create("/nonexistent-dir/x/out.wav", &o, NULL, &e));
	assert_string_equal(e.msg, "/nonexistent-dir/x/out.wav: cannot create: No such file or directory");
	/* /proc is not writable for root either */
	assert_null(afile_create("/proc/out.wav", &o, NULL, &e));
	assert_non_null(strstr(e.msg, "/proc/out.wav: cannot create: "));
	/* plain WAV refuses to pass 4 GiB (checked before any sample is read) */
	{
		struct afile_writer *w = afile_create(test_path("huge.wav"), &o, NULL, &e);
		float z[2] = { 0, 0 };
		assert_non_null(w);
		assert_int_equal(afile_write(w, z, (size_t)1 << 30, &e), -1);
		assert_non_null(strstr(e.msg, "4 GiB"));
		afile_abort(w);
	}
	o.format = AF_FLAC;
	o.bits = AF_BITS_32F;
	assert_null(afile_create(test_path("x.flac"), &o, NULL, &e));
	assert_non_null(strstr(e.msg, "16 or 24"));
	assert_int_equal(hidden_files(), 0);
	unlink(test_path("file.txt"));
}

static void test_stdout(void **state)
{
	struct afile_opts o = { .format = AF_FLAC, .bits = AF_BITS_16, .rate = 48000, .channels = 2, .quality = -1 };
	struct err e;
	float *p = tone(4800, 2, 48000, 0.2);
	int saved = dup(1), fd = open(test_path("stdout.wav"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct afile_writer *w;
	(void)state;
	fflush(stdout);
	dup2(fd, 1);
	close(fd);
	w = afile_create("-", &o, &meta, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 4800, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	dup2(saved, 1);
	close(saved);
	check_file(test_path("stdout.wav"), SF_FORMAT_WAV, SF_FORMAT_PCM_16, 48000, 2, 4800, 0, 1);
	free(p);
}

struct pipe_reader {
	int fd;
	char *buf;
	size_t len, cap;
};

static void *read_pipe(void *arg)
{
	struct pipe_reader *r = arg;
	for (;;) {
		ssize_t n;
		if (r->len == r->cap) {
			r->cap = r->cap * 2 + 65536;
			r->buf = realloc(r->buf, r->cap);
		}
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
	return NULL;
}

/* "-" into a pipe (as in `sprecher render ... -o - | aplay`), larger than a pipe buffer. */
static void test_stdout_pipe(void **state)
{
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_16, .rate = 48000, .channels = 2, .quality = -1 };
	struct err e;
	float *p = tone(48000, 2, 48000, 0.2);
	int fds[2], saved = dup(1);
	struct pipe_reader r = { 0 };
	pthread_t th;
	struct afile_writer *w;
	FILE *f;
	(void)state;
	assert_int_equal(pipe(fds), 0);
	r.fd = fds[0];
	assert_int_equal(pthread_create(&th, NULL, read_pipe, &r), 0);
	fflush(stdout);
	dup2(fds[1], 1);
	close(fds[1]);
	w = afile_create("-", &o, NULL, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 48000, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	dup2(saved, 1);
	close(saved);
	pthread_join(th, NULL);
	close(fds[0]);
	assert_true(r.len > 48000 * 4);
	f = fopen(test_path("piped.wav"), "wb");
	fwrite(r.buf, 1, r.len, f);
	fclose(f);
	check_file(test_path("piped.wav"), SF_FORMAT_WAV, SF_FORMAT_PCM_16, 48000, 2, 48000, 0, 0);
	free(r.buf);
	free(p);
}

static void on_signal(int sig)
{
	(void)sig;
	afile_cleanup_temp();
}

/* The cleanup works from a signal handler (as main installs it for SIGINT/SIGTERM). */
static void test_cleanup_from_signal(void **state)
{
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_24, .rate = 48000, .channels = 1, .quality = -1 };
	struct err e;
	struct sigaction sa, old;
	struct afile_writer *w = afile_create(test_path("sig.wav"), &o, NULL, &e);
	FILE *f = fopen(test_path(".sig.tmp"), "w");
	int slot;
	(void)state;
	assert_non_null(w);
	assert_non_null(f);
	fclose(f);
	slot = afile_temp_register(test_path(".sig.tmp"));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, &old);
	assert_int_equal(hidden_files(), 1);
	raise(SIGUSR1);
	assert_int_equal(hidden_files(), 0);
	sigaction(SIGUSR1, &old, NULL);
	afile_temp_forget(slot);
	afile_abort(w);
	assert_int_equal(access(test_path("sig.wav"), F_OK), -1);
}

/* ---- reading ------------------------------------------------------------ */

static void test_read(void **state)
{
	struct err e = { "" };
	float *f;
	size_t n;
	int ch, rate;
	char want[700];
	FILE *fp;
	(void)state;
	assert_int_equal(write_file(test_path("r.flac"), AF_FLAC, AF_BITS_24, 22050, 2, 5000, 1, NULL, &e), 0);
	assert_int_equal(afile_read(test_path("r.flac"), &f, &n, &ch, &rate, &e), 0);
	assert_int_equal(n, 5000);
	assert_int_equal(ch, 2);
	assert_int_equal(rate, 22050);
	assert_float_equal(f[2 * 100], 0.5 * sin(2 * M_PI * 440.0 * 100 / 22050), 1e-5);
	free(f);

	assert_int_equal(afile_read(test_path("missing.wav"), &f, &n, &ch, &rate, &e), -1);
	snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", test_path("missing.wav"));
	assert_string_equal(e.msg, want);

	fp = fopen(test_path("garbage.wav"), "w");
	fputs("this is not audio at all, just some text that goes on for a while\n", fp);
	fclose(fp);
	assert_int_equal(afile_read(test_path("garbage.wav"), &f, &n, &ch, &rate, &e), -1);
	snprintf(want, sizeof(want), "%s: cannot read: ", test_path("garbage.wav"));
	assert_memory_equal(e.msg, want, strlen(want));
	assert_true(strlen(e.msg) > strlen(want) + 5);
	assert_true(e.msg[strlen(e.msg) - 1] != '.');

	fp = fopen(test_path("empty.wav"), "w");
	fclose(fp);
	assert_int_equal(afile_read(test_path("empty.wav"), &f, &n, &ch, &rate, &e), -1);
	assert_non_null(strstr(e.msg, "empty.wav: cannot read: "));

	assert_int_equal(write_file(test_path("zero.wav"), AF_WAV, AF_BITS_16, 48000, 1, 0, 1, NULL, &e), 0);
	assert_int_equal(afile_read(test_path("zero.wav"), &f, &n, &ch, &rate, &e), -1);
	snprintf(want, sizeof(want), "%s: cannot read: no audio frames", test_path("zero.wav"));
	assert_string_equal(e.msg, want);

	/* a truncated file: header promises more than there is */
	assert_int_equal(write_file(test_path("trunc.wav"), AF_WAV, AF_BITS_16, 48000, 1, 1000, 1, NULL, &e), 0);
	assert_int_equal(truncate(test_path("trunc.wav"), 30), 0);
	assert_int_equal(afile_read(test_path("trunc.wav"), &f, &n, &ch, &rate, &e), -1);

	assert_int_equal(afile_read(test_dir, &f, &n, &ch, &rate, &e), -1);
	assert_non_null(strstr(e.msg, "cannot read: Is a directory"));
}

/* ---- BWF chunks --------------------------------------------------------- */

/* A WAV whose header announces more audio than the file holds is an error, not silently short. */
static void test_truncated_wav(void **state)
{
	const char *p = test_path("trunc.wav");
	struct err e;
	float *f = NULL;
	size_t n;
	int ch, rate;
	unsigned char *b;
	size_t len;
	FILE *out;
	(void)state;

	assert_int_equal(write_file(p, AF_WAV, AF_BITS_16, 48000, 1, 48000 * 6, 1, NULL, &e), 0);
	assert_int_equal(truncate(p, 44 + 6720 * 2), 0);
	assert_int_equal(afile_read(p, &f, &n, &ch, &rate, &e), -1);
	assert_null(f);
	assert_non_null(strstr(e.msg, "trunc.wav: cannot read: truncated file: the header announces 6.000 s "
				"of audio, 0.140 s are present"));
	/* a streamed WAV (data size unknown: 0xFFFFFFFF) is read to its end */
	assert_int_equal(read_file(p, (char **)&b, &len, &e), 0);
	assert_memory_equal(b + 36, "data", 4);
	memset(b + 40, 0xFF, 4);
	out = fopen(test_path("stream.wav"), "wb");
	fwrite(b, 1, len, out);
	fclose(out);
	free(b);
	assert_int_equal(afile_read(test_path("stream.wav"), &f, &n, &ch, &rate, &e), 0);
	assert_int_equal(n, 6720);
	free(f);
}

/* With -o -, a write that fails (full $TMPDIR, file size limit) names the temporary copy, not stdout. */
static void test_stdout_temp_full(void **state)
{
	int status;
	pid_t pid;
	(void)state;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_24, .rate = 48000, .channels = 2,
					.quality = -1 };
		struct rlimit rl = { 64 * 1024, 64 * 1024 };
		struct err e = { "" };
		struct afile_writer *w;
		float *p = tone(48000, 2, 48000, 0.3);
		int ok;

		setenv("TMPDIR", test_dir, 1);
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		w = afile_create("-", &o, NULL, &e);
		if (!w)
			_exit(2);
		ok = afile_write(w, p, 48000, &e) < 0 || afile_commit(w, &e) < 0;
		w = NULL;
		if (!ok || !strstr(e.msg, "(the temporary copy of stdout): cannot write: File too large") ||
		    strncmp(e.msg, test_dir, strlen(test_dir)))
			_exit(3);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_bwf_chunks(void **state)
{
	struct afile_cue cues[3] = { { 0, "Titel" }, { 48000, "Absatz 1" }, { 96001, "Überschrift: Wetter" } };
	struct afile_meta m = meta;
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_24, .rate = 48000, .channels = 2, .quality = -1 };
	struct err e;
	struct afile_writer *w;
	float *p = tone(150000, 2, 48000, 0.2);
	char *buf;
	size_t len;
	struct test_chunk c[32];
	size_t n;
	const struct test_chunk *ch;
	SF_INFO info = { 0 };
	SNDFILE *sf;
	SF_BROADCAST_INFO bi;
	SF_CART_INFO ci;
	SF_CUES cu;
	(void)state;
	m.orig_date = "2026-11-25";
	m.orig_time = "06:30:00";
	m.have_loudness = 1;
	m.lufs = -23.04;
	m.lra = 5.5;
	m.true_peak = -1.23;
	m.max_momentary = -15.5;
	m.max_short_term = -18.25;
	m.cues = cues;
	m.ncues = 3;
	m.out_cue = "das waren die Nachrichten";
	w = afile_create(test_path("bwf.wav"), &o, &m, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 150000, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	free(p);

	/* independent reader */
	assert_int_equal(read_file(test_path("bwf.wav"), &buf, &len, &e), 0);
	n = test_riff_chunks(buf, len, c, 32);
	assert_true(n > 0);
	assert_non_null(test_find_chunk(buf, c, n, "fmt ", NULL));
	assert_non_null(test_find_chunk(buf, c, n, "data", NULL));
	assert_non_null(ch = test_find_chunk(buf, c, n, "bext", NULL));
	assert_memory_equal(buf + ch->off, "Nachrichten am Morgen", 22);
	assert_memory_equal(buf + ch->off + 256, "sprecher", 9);
	assert_memory_equal(buf + ch->off + 320, "2026-11-2506:30:00", 18);
	assert_int_equal(test_le16s(buf + ch->off + 346), 2);   /* version */
	assert_int_equal(test_le16s(buf + ch->off + 412), -2304);
	assert_int_equal(test_le16s(buf + ch->off + 414), 550);
	assert_int_equal(test_le16s(buf + ch->off + 416), -123);
	assert_non_null(ch = test_find_chunk(buf, c, n, "cue ", NULL));
	assert_int_equal(test_le32(buf + ch->off), 3);
	assert_int_equal(test_le32(buf + ch->off + 4 + 24 * 2 + 20), 96001);
	assert_non_null(ch = test_find_chunk(buf, c, n, "LIST", NULL));
	{
		/* the adtl list (there may be an INFO list as well) */
		int found = 0;
		for (size_t i = 0; i < n; i++) {
			if (memcmp(c[i].id, "LIST", 4) || memcmp(buf + c[i].off, "adtl", 4))
				continue;
			size_t pos = (size_t)c[i].off + 4, end = (size_t)c[i].off + c[i].size;
			int k = 0;
			while (pos + 8 <= end) {
				uint32_t sz = test_le32(buf + pos + 4);
				assert_memory_equal(buf + pos, "labl", 4);
				assert_int_equal(test_le32(buf + pos + 8), (uint32_t)k + 1);
				assert_string_equal((char *)buf + pos + 12, cues[k].label);
				pos += 8 + sz + (sz & 1);
				k++;
			}
			assert_int_equal(k, 3);
			found = 1;
		}
		assert_true(found);
	}
	assert_non_null(test_find_chunk(buf, c, n, "cart", NULL));
	free(buf);

	/* libsndfile reads the same */
	sf = sf_open(test_path("bwf.wav"), SFM_READ, &info);
	assert_non_null(sf);
	assert_int_equal(info.frames, 150000);
	memset(&bi, 0, sizeof(bi));
	assert_true(sf_command(sf, SFC_GET_BROADCAST_INFO, &bi, sizeof(bi)));
	assert_string_equal(bi.description, "Nachrichten am Morgen");
	assert_string_equal(bi.originator, "sprecher");
	assert_int_equal(bi.version, 2);
	assert_int_equal(bi.loudness_value, -2304);
	assert_int_equal(bi.max_shortterm_loudness, -1825);
	assert_memory_equal(bi.origination_date, "2026-11-25", 10);
	assert_non_null(strstr(bi.coding_history, "A=PCM,F=48000,W=24,M=stereo"));
	memset(&cu, 0, sizeof(cu));
	assert_true(sf_command(sf, SFC_GET_CUE, &cu, sizeof(cu)));
	assert_int_equal(cu.cue_count, 3);
	assert_int_equal(cu.cue_points[1].sample_offset, 48000);
	memset(&ci, 0, sizeof(ci));
	assert_true(sf_command(sf, SFC_GET_CART_INFO, &ci, sizeof(ci)));
	assert_string_equal(ci.title, "Nachrichten am Morgen");
	assert_string_equal(ci.artist, "Redaktion");
	assert_string_equal(ci.category, "NEWS");
	assert_string_equal(ci.out_cue, "das waren die Nachrichten");
	assert_memory_equal(ci.start_date, "2026-11-25", 10);
	assert_memory_equal(ci.end_date, "9999-12-31", 10);
	sf_close(sf);
}

/* More cues than libsndfile's SF_CUES holds. */
static void test_many_cues(void **state)
{
	struct afile_cue cues[250];
	struct afile_meta m = meta;
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_16, .rate = 48000, .channels = 1, .quality = -1 };
	struct err e;
	struct afile_writer *w;
	float *p = tone(250 * 100, 1, 48000, 0.2);
	char *buf;
	size_t len;
	struct test_chunk c[32];
	const struct test_chunk *ch;
	size_t n;
	(void)state;
	for (int i = 0; i < 250; i++) {
		cues[i].frame = (uint64_t)i * 100;
		snprintf(cues[i].label, sizeof(cues[i].label), "Segment %d", i + 1);
	}
	m.cues = cues;
	m.ncues = 250;
	w = afile_create(test_path("many.wav"), &o, &m, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 250 * 100, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	assert_int_equal(read_file(test_path("many.wav"), &buf, &len, &e), 0);
	n = test_riff_chunks(buf, len, c, 32);
	assert_true(n > 0);
	assert_non_null(ch = test_find_chunk(buf, c, n, "cue ", NULL));
	assert_int_equal(test_le32(buf + ch->off), 250);
	assert_int_equal(test_le32(buf + ch->off + 4 + 24 * 249 + 4), 24900);
	free(buf);
	free(p);
}

/* A WAV announced as larger than 4 GiB is opened as RF64; libsndfile turns a
 * short one back into WAV(EX), with every chunk kept. */
static void test_rf64_downgrade(void **state)
{
	struct afile_cue cues[2] = { { 0, "Anfang" }, { 500, "Mitte" } };
	struct afile_meta m = meta;
	struct afile_opts o = { .format = AF_WAV, .bits = AF_BITS_24, .rate = 48000, .channels = 2,
				.quality = -1, .expected_frames = (uint64_t)1 << 30 };
	struct err e;
	struct afile_writer *w;
	float *p = tone(1000, 2, 48000, 0.2);
	char *buf;
	size_t len;
	struct test_chunk c[32];
	size_t n;
	const struct test_chunk *ch;
	(void)state;
	m.cues = cues;
	m.ncues = 2;
	m.have_loudness = 1;
	m.lufs = -16;
	w = afile_create(test_path("big.wav"), &o, &m, &e);
	assert_non_null(w);
	assert_int_equal(afile_write(w, p, 1000, &e), 0);
	assert_int_equal(afile_commit(w, &e), 0);
	check_file(test_path("big.wav"), SF_FORMAT_WAVEX, SF_FORMAT_PCM_24, 48000, 2, 1000, 0, 1);
	assert_int_equal(read_file(test_path("big.wav"), &buf, &len, &e), 0);
	n = test_riff_chunks(buf, len, c, 32);
	assert_true(n > 0);
	assert_non_null(ch = test_find_chunk(buf, c, n, "bext", NULL));
	assert_int_equal(buf[ch->off + 346], 2);
	assert_int_equal(test_le16s(buf + ch->off + 412), -1600);
	assert_non_null(test_find_chunk(buf, c, n, "cart", NULL));
	assert_non_null(ch = test_find_chunk(buf, c, n, "cue ", NULL));
	assert_int_equal(test_le32(buf + ch->off), 2);
	free(buf);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	return test_dir_make("af");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_from_name),
		cmocka_unit_test(test_wav_flac_roundtrip),
		cmocka_unit_test(test_lossy_roundtrip),
		cmocka_unit_test(test_lossy_bitrate),
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_dither_deterministic),
		cmocka_unit_test(test_dither_values),
		cmocka_unit_test(test_abort_keeps_target),
		cmocka_unit_test(test_cleanup_temp),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_stdout_pipe),
		cmocka_unit_test(test_cleanup_from_signal),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_truncated_wav),
		cmocka_unit_test(test_stdout_temp_full),
		cmocka_unit_test(test_bwf_chunks),
		cmocka_unit_test(test_many_cues),
		cmocka_unit_test(test_rf64_downgrade),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
