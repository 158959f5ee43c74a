/*
 * test_show.c - end-to-end tests of shows: render rundowns with the sprecher
 * binary and check the decoded audio and the sidecars: item order and start
 * times, the bed ducked under every spoken word (rendered with speech at
 * -inf dB, the bed alone), smooth ramps, crossfades, --fit to the frame,
 * loudness and true peak, captions and cue points, and every bad rundown.
 *
 * The jingles and beds are written here with libsndfile: tones and seeded
 * noise, so the levels are known.
 */
#include "testutil.h"

#include <ebur128.h>
#include <math.h>
#include <unistd.h>

#include "util.h"

#define RATE 48000

static const char *bin;
static char errbuf[8192];

/* ---- helpers ----------------------------------------------------------- */

/* Runs bin with args (NULL-terminated); stderr to errbuf, stdout to `out` (or /dev/null). Exit status. */
static int run(const char *out, const char *const *args)
{
	const char *errpath = test_path("stderr.txt");
	int status = test_wait(test_spawn(bin, args, "1767225600", out, errpath));
	char *t = test_slurp(errpath, NULL);

	snprintf(errbuf, sizeof(errbuf), "%s", t ? t : "");
	free(t);
	return status;
}

static void write_text(const char *name, const char *text)
{
	test_write_text(test_path(name), text);
}

/* A WAV of `seconds` at `rate` with `ch` channels; fn(frame, channel) gives each value. */
static void write_wav(const char *name, int rate, int ch, double seconds, float (*fn)(long, int))
{
	SF_INFO info = { .samplerate = rate, .channels = ch, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
	long n = lround(seconds * rate);
	SNDFILE *f = sf_open(test_path(name), SFM_WRITE, &info);
	float *buf = malloc(sizeof(float) * (size_t)(n * ch));

	assert_non_null(f);
	for (long i = 0; i < n; i++)
		for (int c = 0; c < ch; c++)
			buf[i * ch + c] = fn(i, c);
	assert_int_equal(sf_writef_float(f, buf, n), n);
	sf_close(f);
	free(buf);
}

static float tone_opener(long i, int c)
{
	return 0.5f * (float)sin(2 * M_PI * (c ? 660.0 : 440.0) * i / RATE);
}

static float tone_loud(long i, int c)
{
	return 0.95f * (float)sin(2 * M_PI * (c ? 550.0 : 330.0) * i / RATE);
}

/* Seeded white noise, independent channels (a stereo bed) at 44.1 kHz. */
static float noise(long i, int c)
{
	uint32_t x = (uint32_t)(i * 2 + c) * 2654435761u + 12345u;
	x ^= x >> 13;
	x *= 0x5bd1e995u;
	x ^= x >> 15;
	return 0.3f * ((float)(x & 0xffff) / 32768.0f - 1.0f);
}

/* 100 Hz sine, a whole number of periods in 3 s, so the loop is in phase. */
static float sine100(long i, int c)
{
	(void)c;
	return 0.4f * (float)sin(2 * M_PI * 100.0 * i / RATE);
}

static const char *rundown_text =
	"; a short test show\n"
	"[show]\n"
	"title = Testsendung\n"
	"date = 2026-12-02 14:00:00\n"
	"pause = 0.4\n"
	"%s"
	"[opener]\n"
	"kind = jingle\n"
	"file = opener.wav\n"
	"[id]\n"
	"kind = text\n"
	"text = Radio Test. Die Nachrichten.\n"
	"overlap = 0.5\n"
	"[bett]\n"
	"kind = bed\n"
	"file = %s\n"
	"until = meldung\n"
	"fade_in = 0.2\n"
	"fade_out = 0.5\n"
	"[luft]\n"
	"kind = silence\n"
	"length = 3.5\n"
	"[meldung]\n"
	"kind = text\n"
	"text = Der erste Satz der Meldung ist kurz. Der zweite Satz ist etwas länger,\n"
	"  damit er dauert. Der dritte Satz beendet die Meldung.\n"
	"pause = 0.5\n"
	"[wetter]\n"
	"kind = text\n"
	"text = Das Wetter: Morgen scheint im ganzen Land die Sonne, bei Höchstwerten um zwölf Grad.\n"
	"  In der Nacht bleibt es trocken.\n"
	"[zeit]\n"
	"kind = time\n"
	"[outro]\n"
	"kind = jingle\n"
	"file = outro.wav\n"
	"crossfade = 0.3\n"
	"closer = yes\n";

static void write_rundown(const char *name, const char *show_keys, const char *bed)
{
	char buf[4096];

	snprintf(buf, sizeof buf, rundown_text, show_keys, bed);
	write_text(name, buf);
}

/* One clip of the timeline JSON (one line per clip). */
struct tclip {
	char kind[16];
	long start, end;
	int segment;
};

static size_t read_timeline(const char *path, struct tclip *v, size_t max, long *frames)
{
	char *t = test_slurp(path, NULL), *p;
	size_t n = 0;

	assert_non_null(t);
	p = strstr(t, "\"frames\": ");
	assert_non_null(p);
	*frames = atol(p + 10);
	for (p = strstr(t, "{\"kind\": \""); p && n < max; p = strstr(p + 1, "{\"kind\": \"")) {
		struct tclip *c = &v[n++];
		sscanf(p + 10, "%15[^\"]", c->kind);
		c->start = atol(strstr(p, "\"start_frame\": ") + 15);
		c->end = atol(strstr(p, "\"end_frame\": ") + 13);
		c->segment = atoi(strstr(p, "\"segment\": ") + 11);
	}
	free(t);
	return n;
}

/* One label line: start and end in frames, the text. */
struct label {
	long start, end;
	char text[200];
};

static size_t read_labels(const char *path, struct label *v, size_t max)
{
	FILE *f = fopen(path, "r");
	double a, b;
	size_t n = 0;

	assert_non_null(f);
	while (n < max && fscanf(f, "%lf\t%lf\t%199[^\n]\n", &a, &b, v[n].text) == 3) {
		v[n].start = lround(a * RATE);
		v[n].end = lround(b * RATE);
		n++;
	}
	fclose(f);
	return n;
}

/* The label of item `name` (its text starts with the name). */
static const struct label *label_of(const struct label *v, size_t n, const char *name)
{
	size_t k = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i].text, name, k) && (v[i].text[k] == '\0' || v[i].text[k] == ':'))
			return &v[i];
	fail_msg("no label for item %s", name);
	return NULL;
}

/* RMS in dB of frames [a, b) over every channel. */
static double rms_db(const struct test_audio *d, long a, long b)
{
	double s = 0;
	int ch = d->info.channels;

	assert_true(a >= 0 && b <= d->n && b > a);
	for (long i = a * ch; i < b * ch; i++)
		s += (double)d->frames[i] * d->frames[i];
	return 10 * log10(s / (double)((b - a) * ch) + 1e-30);
}

/* Short-term loudness (libebur128, the 3 s window) of frames [a, a + 3 s). */
static double short_term(const struct test_audio *d, long a)
{
	ebur128_state *st = ebur128_init((unsigned)d->info.channels, (unsigned long)RATE, EBUR128_MODE_S);
	double l = -HUGE_VAL;

	assert_true(a + 3 * RATE <= d->n);
	ebur128_add_frames_float(st, d->frames + a * d->info.channels, 3 * RATE);
	ebur128_loudness_shortterm(st, &l);
	ebur128_destroy(&st);
	return l;
}

/* ---- the main render, shared by the tests ------------------------------ */

static struct tclip clips[200];
static size_t nclips;
static long total_frames;
static struct label labels[40];
static size_t nlabels;

static int setup(void **state)
{
	(void)state;
	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	if (test_dir_make("show"))
		return -1;
	write_wav("opener.wav", RATE, 2, 2.0, tone_opener);
	write_wav("outro.wav", RATE, 2, 2.0, tone_loud);
	write_wav("noise.wav", 44100, 2, 3.0, noise);
	write_wav("sine.wav", RATE, 1, 3.0, sine100);
	write_rundown("show.rundown", "", "noise.wav");
	{
		const char *args[] = { "render", test_path("show.rundown"), "-o", test_path("show.wav"),
				       "--timeline", test_path("show.json"), "--labels", test_path("show.txt"),
				       "--captions", test_path("show.vtt"), "-q", NULL };
		if (run(NULL, args) != 0) {
			fprintf(stderr, "render failed: %s\n", errbuf);
			return -1;
		}
	}
	nclips = read_timeline(test_path("show.json"), clips, 200, &total_frames);
	nlabels = read_labels(test_path("show.txt"), labels, 40);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

/* The first clip of `kind` of item segment `seg` (1-based rundown index). */
static const struct tclip *clip_of(int seg, const char *kind)
{
	for (size_t i = 0; i < nclips; i++)
		if (clips[i].segment == seg && !strcmp(clips[i].kind, kind))
			return &clips[i];
	fail_msg("no %s clip in item %d", kind, seg);
	return NULL;
}

/* ---- tests --------------------------------------------------------------- */

static void test_order_and_times(void **state)
{
	static const char *order[] = { "opener", "id", "luft", "meldung", "wetter", "zeit", "outro" };
	struct test_audio d;
	const struct label *id, *luft, *meldung, *outro, *zeit;
	const struct tclip *bed = NULL;

	(void)state;
	assert_int_equal(nlabels, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_non_null(label_of(labels, nlabels, order[i]));
		assert_true(!strncmp(labels[i].text, order[i], strlen(order[i])));
		if (i)
			assert_true(labels[i].start > labels[i - 1].start);
	}
	id = label_of(labels, nlabels, "id");
	luft = label_of(labels, nlabels, "luft");
	meldung = label_of(labels, nlabels, "meldung");
	zeit = label_of(labels, nlabels, "zeit");
	outro = label_of(labels, nlabels, "outro");
	assert_int_equal(labels[0].start, 0);
	assert_int_equal(labels[0].end, 2 * RATE);
	assert_int_equal(id->start, 2 * RATE - RATE / 2);          /* talk-up: 0.5 s over the opener */
	assert_int_equal(luft->start, id->end + 4 * RATE / 10);   /* the show's pause */
	/* the silence item is a 3.5 s pause clip (its label runs on through the pause after it) */
	assert_int_equal(clip_of(4, "pause")->start, luft->start);
	assert_int_equal(clip_of(4, "pause")->end - luft->start, 7 * RATE / 2);
	assert_int_equal(meldung->start, luft->start + 7 * RATE / 2 + 4 * RATE / 10);
	/* the outro cross-fades 0.3 s into the time check and ends the show */
	assert_int_equal(outro->start, zeit->end - 3 * RATE / 10);
	assert_int_equal(outro->end, total_frames);
	/* the bed: from the silence to the item after the news */
	for (size_t i = 0; i < nclips; i++)
		if (!strcmp(clips[i].kind, "bed"))
			bed = &clips[i];
	assert_non_null(bed);
	assert_int_equal(bed->start, luft->start);
	assert_int_equal(bed->end, label_of(labels, nlabels, "wetter")->start);
	/* the file is as long as the timeline, stereo, and the stereo bed stays stereo */
	test_decode(test_path("show.wav"), &d);
	assert_int_equal(d.n, total_frames);
	assert_int_equal(d.info.channels, 2);
	{
		double diff = 0;
		for (long i = luft->start + RATE / 2; i < luft->start + RATE; i++)
			diff += fabs(d.frames[2 * i] - d.frames[2 * i + 1]);
		assert_true(diff > 100);
	}
	/* speech where the items are: the id is not silent */
	assert_true(rms_db(&d, id->start, id->end) > -40);
	free(d.frames);
}

/* Renders the show with speech at -inf dB (the bed and jingles alone). */
static void render_bed_alone(const char *bed, const char *wav, const char *json)
{
	char name[64];
	const char *args[] = { "render", NULL, "-o", test_path(wav), "--timeline", test_path(json),
			       "-q", NULL };

	snprintf(name, sizeof name, "alone-%s.rundown", bed);
	write_rundown(name, "speech_gain = -inf\n", bed);
	args[1] = test_path(name);
	if (run(NULL, args) != 0)
		fail_msg("render failed: %s", errbuf);
}

static void test_bed_ducked_under_every_word(void **state)
{
	struct tclip v[200];
	long frames;
	size_t n, checked = 0;
	struct test_audio d;
	const struct label *luft = label_of(labels, nlabels, "luft");
	long bed_end = 0;
	double ref;

	(void)state;
	render_bed_alone("noise.wav", "alone.wav", "alone.json");
	n = read_timeline(test_path("alone.json"), v, 200, &frames);
	/* the same plan as with speech */
	assert_int_equal(frames, total_frames);
	assert_int_equal(n, nclips);
	test_decode(test_path("alone.wav"), &d);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].kind, "bed"))
			bed_end = v[i].end;
	/* the bed at full level: the silence item, after the fade-in, before the ramp down */
	ref = rms_db(&d, luft->start + RATE / 4, luft->end - RATE / 4);
	assert_true(ref > -40);
	for (size_t i = 0; i < n; i++) {
		double lv;
		if (strcmp(v[i].kind, "speech") || v[i].start < luft->end || v[i].end > bed_end - RATE / 2)
			continue;
		lv = rms_db(&d, v[i].start, v[i].end);
		if (ref - lv < 11.0 - 0.3)
			fail_msg("speech clip at %ld: bed only %.2f dB down", v[i].start, ref - lv);
		checked++;
	}
	assert_int_equal(checked, 3);                   /* the three sentences of the news */
	/* and through the short pauses between them (held) */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].kind, "pause") && v[i].start > luft->end && v[i].end < bed_end - RATE &&
		    v[i].segment == clip_of(5, "speech")->segment)
			assert_true(ref - rms_db(&d, v[i].start, v[i].end) > 10.7);
	/* the ramp down ends at the first syllable: 200 ms before it the bed is still nearly up */
	{
		long s0 = clip_of(5, "speech")->start;
		assert_true(ref - rms_db(&d, s0 - RATE / 5 - RATE / 20, s0 - RATE / 5) < 1.0);
		assert_true(ref - rms_db(&d, s0 - RATE / 100, s0) > 9.0);
	}
	free(d.frames);
}

static void test_ramps_smooth(void **state)
{
	struct tclip v[200];
	long frames, a = 0, b = 0;
	size_t n;
	struct test_audio d;
	double peak = 0, step = 0;

	(void)state;
	render_bed_alone("sine.wav", "sine.wav.out.wav", "sine.json");
	n = read_timeline(test_path("sine.json"), v, 200, &frames);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].kind, "bed")) {
			a = v[i].start;
			b = v[i].end;
		}
	test_decode(test_path("sine.wav.out.wav"), &d);
	assert_true(b > a + 5 * RATE);
	for (long i = a + 1; i < b; i++) {
		double x = d.frames[2 * i], dx = fabs(x - d.frames[2 * (i - 1)]);
		if (fabs(x) > peak)
			peak = fabs(x);
		if (dx > step)
			step = dx;
	}
	/* a 100 Hz sine never moves more than 2 pi 100 / 48000 of its peak per frame; a gain
	 * step (zipper) at any ramp, fade or loop point would */
	assert_true(peak > 0.01);
	if (step > peak * 2 * M_PI * 100.0 / RATE * 1.15 + 2e-5)
		fail_msg("largest step %.6f for a peak of %.4f", step, peak);
	free(d.frames);
}

static void test_speech_to_bed_loudness(void **state)
{
	struct test_audio d;
	const struct label *luft = label_of(labels, nlabels, "luft");
	const struct label *wetter = label_of(labels, nlabels, "wetter");
	double bed, speech;

	(void)state;
	test_decode(test_path("show.wav"), &d);
	/* the bed alone (the silence item) against speech alone (the weather, no bed under it) */
	bed = short_term(&d, luft->start + RATE / 4);
	speech = short_term(&d, wetter->start);
	print_message("speech %.1f LUFS, bed alone %.1f LUFS: %.1f LU apart\n", speech, bed, speech - bed);
	/* the README's figure: the bed sits about 8 LU under speech before ducking */
	assert_true(speech - bed > 6.0);
	assert_true(speech - bed < 11.0);
	free(d.frames);
}

static void test_loudness_and_peak(void **state)
{
	struct test_audio d;
	ebur128_state *st;
	double l, tp = 0, p;

	(void)state;
	test_decode(test_path("show.wav"), &d);
	st = ebur128_init(2, RATE, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	ebur128_add_frames_float(st, d.frames, (size_t)d.n);
	ebur128_loudness_global(st, &l);
	for (unsigned c = 0; c < 2; c++) {
		ebur128_true_peak(st, c, &p);
		if (p > tp)
			tp = p;
	}
	ebur128_destroy(&st);
	assert_true(fabs(l + 23.0) < 0.3);
	assert_true(20 * log10(tp) <= -1.0 + 0.15);
	free(d.frames);
}

/* Reads the WAV's cue points (positions) and labl texts in cue order. */
static size_t read_cues(const char *path, long *pos, char (*names)[100], size_t max)
{
	size_t len, n = 0;
	char *t = test_slurp(path, &len);
	char *p;

	assert_non_null(t);
	p = memmem(t, len, "cue ", 4);
	assert_non_null(p);
	{
		uint32_t count;
		memcpy(&count, p + 8, 4);
		for (uint32_t i = 0; i < count && n < max; i++) {
			uint32_t v;
			memcpy(&v, p + 12 + 24 * i + 20, 4);
			pos[n++] = v;
		}
	}
	for (size_t i = 0; i < n; i++)
		names[i][0] = '\0';
	for (char *q = memmem(t, len, "labl", 4); q; q = memmem(q + 4, len - (size_t)(q + 4 - t), "labl", 4)) {
		uint32_t sz, id;
		memcpy(&sz, q + 4, 4);
		memcpy(&id, q + 8, 4);
		if (id >= 1 && id <= n)
			snprintf(names[id - 1], 100, "%.*s", (int)(sz - 4), q + 12);
	}
	free(t);
	return n;
}

static void test_captions_and_cues(void **state)
{
	long pos[40];
	char names[40][100];
	size_t n = read_cues(test_path("show.wav"), pos, names, 40);
	char *vtt = test_slurp(test_path("show.vtt"), NULL), *p;
	size_t ncues = 0;

	(void)state;
	/* one cue point per item, at its start, named after it */
	assert_int_equal(n, nlabels);
	for (size_t i = 0; i < n; i++) {
		char want[100];
		snprintf(want, sizeof want, "%.*s", (int)strcspn(labels[i].text, ":"), labels[i].text);
		assert_int_equal(pos[i], labels[i].start);
		assert_non_null(strstr(names[i], want));
	}
	/* every caption lies inside a spoken item and the items' words appear in order */
	assert_non_null(vtt);
	for (p = strstr(vtt, " --> "); p; p = strstr(p + 5, " --> ")) {
		int h, m, hh, mm;
		double s, ss;
		long a, b;
		int inside = 0;
		assert_int_equal(sscanf(p - 12, "%d:%d:%lf --> %d:%d:%lf", &h, &m, &s, &hh, &mm, &ss), 6);
		a = lround(((h * 60 + m) * 60 + s) * RATE);
		b = lround(((hh * 60 + mm) * 60 + ss) * RATE);
		for (size_t i = 0; i < nlabels; i++)
			inside |= a >= labels[i].start - RATE / 1000 && b <= labels[i].end + RATE / 1000;
		assert_true(inside);
		ncues++;
	}
	assert_true(ncues >= 8);
	assert_true(strstr(vtt, "Radio Test.") < strstr(vtt, "Der erste Satz"));
	assert_true(strstr(vtt, "Der erste Satz") < strstr(vtt, "Das Wetter"));
	assert_non_null(strstr(vtt, "Es ist 14 Uhr."));
	free(vtt);
	/* the time item is read out in words */
	{
		char *json = test_slurp(test_path("show.json"), NULL);
		assert_non_null(strstr(json, "\"spoken\": \"Es ist vierzehn Uhr.\""));
		free(json);
	}
	/* the cart chunk: the show's title and its length (AUDe timer) */
	{
		size_t len;
		char *t = test_slurp(test_path("show.wav"), &len), *c = memmem(t, len, "cart", 4);
		int32_t end;
		assert_non_null(c);
		assert_int_equal(strncmp(c + 8 + 4, "Testsendung", 11), 0);
		assert_int_equal(memcmp(c + 8 + 684 + 8, "AUDe", 4), 0);
		memcpy(&end, c + 8 + 684 + 12, 4);
		assert_int_equal(end, total_frames);
		free(t);
	}
}

static void test_fit_exact(void **state)
{
	static const long deltas_ms[] = { 1300, -700, 2500 };
	char slot[32];

	(void)state;
	for (size_t k = 0; k < ARRAY_LEN(deltas_ms); k++) {
		/* --fit takes milliseconds: a slot on a whole millisecond */
		long want = (total_frames / 48 + deltas_ms[k]) * 48;
		const char *args[] = { "render", test_path("show.rundown"), "-o", test_path("fit.wav"),
				       "--fit", slot, "-q", NULL };
		struct test_audio d;
		snprintf(slot, sizeof slot, "%.3f", (double)want / RATE);
		if (run(NULL, args) != 0)
			fail_msg("--fit %s: %s", slot, errbuf);
		test_decode(test_path("fit.wav"), &d);
		assert_int_equal(d.n, want);
		/* the closer is backtimed: the outro plays until the last frames */
		assert_true(rms_db(&d, want - RATE / 10, want - RATE / 50) > -45);
		free(d.frames);
	}
}

/* Two loud jingles cross-faded over 1 s: no clipping, no hole, no bump. */
static void test_crossfade_sums(void **state)
{
	const char *args[] = { "render", test_path("xf.rundown"), "-o", test_path("xf.wav"), "-q", NULL };
	struct test_audio d;
	double a, b, peak = 0;

	(void)state;
	write_text("xf.rundown", "[a]\nkind = jingle\nfile = opener.wav\n"
		   "[b]\nkind = jingle\nfile = outro.wav\ncrossfade = 1\n");
	if (run(NULL, args) != 0)
		fail_msg("render failed: %s", errbuf);
	test_decode(test_path("xf.wav"), &d);
	assert_int_equal(d.n, 3 * RATE);                 /* 2 s + 2 s - 1 s */
	for (long i = 0; i < d.n * 2; i++)
		if (fabs(d.frames[i]) > peak)
			peak = fabs(d.frames[i]);
	assert_true(20 * log10(peak) <= -1.0 + 0.05);    /* the true-peak ceiling holds */
	a = rms_db(&d, RATE / 2, RATE * 9 / 10);          /* the first alone */
	b = rms_db(&d, RATE * 21 / 10, RATE * 25 / 10);   /* the second alone */
	for (long w = RATE; w < 2 * RATE; w += RATE / 20) {
		double l = rms_db(&d, w, w + RATE / 20);
		/* linear fades of two unrelated tones: at most 3 dB down in the middle */
		assert_true(l > fmin(a, b) - 4.0);
		assert_true(l < fmax(a, b) + 1.0);
	}
	free(d.frames);
}

/* A slot the pauses cannot reach alone: the speech is slowed by a few percent, still exact. */
static void test_fit_by_rate(void **state)
{
	const struct label *luft = label_of(labels, nlabels, "luft");
	long speech = 0, pauses = 0, want;
	char slot[32], *out;
	const char *args[] = { "render", test_path("show.rundown"), "-o", test_path("rate.wav"),
			       "--fit", slot, NULL };
	struct test_audio d;
	double f;

	(void)state;
	for (size_t i = 0; i < nclips; i++) {
		if (!strcmp(clips[i].kind, "speech"))
			speech += clips[i].end - clips[i].start;
		else if (!strcmp(clips[i].kind, "pause") && clips[i].start != luft->start)
			pauses += clips[i].end - clips[i].start;
	}
	/* pauses doubled and 2 % of the speech on top: beyond what the pauses can give */
	want = (total_frames + pauses + speech / 50) / 48 * 48;
	snprintf(slot, sizeof slot, "%.3f", (double)want / RATE);
	if (run(test_path("rate.txt"), args) != 0)
		fail_msg("--fit %s: %s", slot, errbuf);
	test_decode(test_path("rate.wav"), &d);
	assert_int_equal(d.n, want);
	free(d.frames);
	out = test_slurp(test_path("rate.txt"), NULL);
	assert_non_null(out);
	assert_non_null(strstr(out, "speech x"));
	f = atof(strstr(out, "speech x") + 8);
	if (!(f > 1.0 && f <= 1.05))
		fail_msg("speech factor %.4f in: %s", f, out);
	free(out);
}

/* Exit 1, one line "sprecher: WHERE...WHAT", and the existing output untouched. */
static void expect_fail(const char *const *args, const char *where, const char *what)
{
	char *t;

	write_text("keep.wav", "keep me");
	assert_int_equal(run(NULL, args), 1);
	if (!strstr(errbuf, where) || !strstr(errbuf, what) || strchr(errbuf, '\n') != errbuf + strlen(errbuf) - 1)
		fail_msg("got '%s', want '%s' and '%s'", errbuf, where, what);
	t = test_slurp(test_path("keep.wav"), NULL);
	assert_string_equal(t, "keep me");
	free(t);
}

static void test_fit_out_of_reach(void **state)
{
	const char *args[] = { "render", test_path("show.rundown"), "-o", test_path("keep.wav"),
			       "--fit", "0:10", NULL };
	const char *args2[] = { "render", test_path("show.rundown"), "-o", test_path("keep.wav"),
				"--fit", "2:00", NULL };

	(void)state;
	expect_fail(args, "show.rundown: the show cannot fit its slot of 0:10.000: ", "s over");
	expect_fail(args2, "show.rundown: the show cannot fit its slot of 2:00.000: ", "s under");
}

static void test_bad_rundowns(void **state)
{
	static const struct { const char *text, *where, *what; } bad[] = {
		{ "[a]\nkind = jingle\nfile = fehlt.wav\n", "bad.rundown:3: ", "fehlt.wav: cannot read" },
		{ "[a]\nkind = podcast\n", "bad.rundown:2: ", "unknown item kind" },
		{ "[a]\nkind = text\ntext = Hallo.\nlautstaerke = 3\n", "bad.rundown:4: ", "unknown key" },
		{ "[b]\nkind = bed\nfile = noise.wav\n[a]\nkind = text\ntext = Hallo.\n", "bad.rundown:1: ",
		  "never ends" },
		{ "; leer\n", "bad.rundown:1: ", "empty rundown" },
		{ "[a]\nkind = jingle\nfile = opener.wav\n[b]\nkind = jingle\nfile = outro.wav\n"
		  "crossfade = 1.5\n[c]\nkind = jingle\nfile = opener.wav\ncrossfade = 1\n", "bad.rundown:11: ",
		  "longer than it" },
		{ "[a]\nkind = jingle\nfile = opener.wav\n[b]\nkind = text\ntext = Hallo.\noverlap = 3\n",
		  "bad.rundown:7: ", "longer than [a]" },
		{ "[show]\nlength = 0:01\n[a]\nkind = jingle\nfile = opener.wav\n", "bad.rundown:2: ",
		  "cannot fit its slot" },
	};
	const char *args[] = { "render", NULL, "-o", NULL, NULL };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		write_text("bad.rundown", bad[i].text);
		args[1] = test_path("bad.rundown");
		args[3] = test_path("keep.wav");
		expect_fail(args, bad[i].where, bad[i].what);
	}
}

static void test_script_and_one_item(void **state)
{
	const char *args[] = { "script", test_path("show.rundown"), NULL };
	const char *one[] = { "render", test_path("show.rundown"), "--segment", "5", "-o",
			      test_path("one.wav"), "-q", NULL };
	char *t, *p;
	struct test_audio d;

	(void)state;
	assert_int_equal(run(test_path("script.txt"), args), 0);
	t = test_slurp(test_path("script.txt"), NULL);
	p = t;
	for (const char *const *w = (const char *const[]){ "opener", "id", "bett", "luft", "meldung",
							  "wetter", "zeit", "outro", NULL }; *w; w++) {
		p = strstr(p, *w);
		if (!p)
			fail_msg("item %s missing or out of order in:\n%s", *w, t);
	}
	assert_non_null(strstr(t, "estimated total "));
	free(t);
	/* one item alone (what preview plays): the news with its bed */
	assert_int_equal(run(NULL, one), 0);
	test_decode(test_path("one.wav"), &d);
	assert_int_equal(d.n, clip_of(5, "speech")->start < 0 ? 0 : d.n);
	assert_true(d.n > 3 * RATE && d.n < 15 * RATE);
	free(d.frames);
}

/*
 * The clip rules are one (clock.h): an article rendered alone and the same
 * article as the only item of a show are the same clips (speech edge fades,
 * pauses, layers), so after the same mastering their samples are equal.
 */
static void test_article_alone_and_in_a_show(void **state)
{
	char *text = test_slurp(TESTS_DIR "/data/kurz.txt", NULL);
	const char *alone[] = { "render", test_path("kurz.txt"), "--no-jingles", "-q", "-o",
				test_path("alone.wav"), NULL };
	const char *item[] = { "render", test_path("one.rundown"), "-q", "-o", test_path("item.wav"),
			       NULL };
	struct test_audio a, b;

	(void)state;
	assert_non_null(text);
	write_text("kurz.txt", text);
	free(text);
	write_text("one.rundown", "[show]\ntitle = Eins\n[meldung]\nkind = article\nfile = kurz.txt\n");
	if (run(NULL, alone) != 0 || run(NULL, item) != 0)
		fail_msg("render failed: %s", errbuf);
	test_decode(test_path("alone.wav"), &a);
	test_decode(test_path("item.wav"), &b);
	assert_true(a.n > RATE);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.info.channels, b.info.channels);
	if (memcmp(a.frames, b.frames, sizeof(float) * (size_t)(a.n * a.info.channels)) != 0)
		fail_msg("the article alone and as a show item differ in their samples");
	free(a.frames);
	free(b.frames);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_times),
		cmocka_unit_test(test_bed_ducked_under_every_word),
		cmocka_unit_test(test_ramps_smooth),
		cmocka_unit_test(test_speech_to_bed_loudness),
		cmocka_unit_test(test_loudness_and_peak),
		cmocka_unit_test(test_captions_and_cues),
		cmocka_unit_test(test_crossfade_sums),
		cmocka_unit_test(test_fit_exact),
		cmocka_unit_test(test_fit_by_rate),
		cmocka_unit_test(test_fit_out_of_reach),
		cmocka_unit_test(test_bad_rundowns),
		cmocka_unit_test(test_script_and_one_item),
		cmocka_unit_test(test_article_alone_and_in_a_show),
	};
	return cmocka_run_group_tests_name("show", tests, setup, teardown);
}
