/*
 * audiofile.c - reading and writing audio files with libsndfile.
 *
 * The writer never touches the target until the file is complete: audio goes
 * through util's atomic output file (an unnamed file in the target's
 * directory, linked into place by afile_commit). What each format takes and
 * carries comes from the one table `formats` below.
 */
#include "audiofile.h"
#include "loudness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <signal.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SPRECHER_VERSION
#define SPRECHER_VERSION "dev"
#endif

/* Copies a libsndfile message without its trailing full stop (git style). */
static const char *clean_msg(const char *s, char *buf, size_t cap)
{
	size_t n;

	snprintf(buf, cap, "%s", s ? s : "unknown error");
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '.' || buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (strncmp(buf, "System error : ", 15) == 0)
		memmove(buf, buf + 15, strlen(buf + 15) + 1);
	return buf;
}

/* ---- reading ----------------------------------------------------------- */

/* Samples allocated before reading: a header's claim is not trusted beyond this. */
#define READ_FIRST_SAMPLES ((size_t)1 << 20)

/*
 * Whether libsndfile found a data chunk shorter than its header says (a
 * truncated file): its log then holds "data : CLAIMED (should be PRESENT)"
 * (SSND for AIFF). A claim of 0 or 0xFFFFFFFF bytes means "length unknown"
 * (streamed WAV) and is fine. Sets *claimed and *present in bytes.
 */
static int truncated(SNDFILE *sf, long long *claimed, long long *present)
{
	char log[8192];
	const char *p = log;

	sf_command(sf, SFC_GET_LOG_INFO, log, sizeof(log));
	log[sizeof(log) - 1] = '\0';
	while ((p = strstr(p, " (should be "))) {
		const char *ls = p;
		while (ls > log && ls[-1] != '\n')
			ls--;
		if ((!strncmp(ls, "data :", 6) || !strncmp(ls, "SSND :", 6)) &&
		    sscanf(ls + 6, "%lld (should be %lld)", claimed, present) == 2 &&
		    *claimed > *present && *claimed != 0xFFFFFFFFLL && *claimed != 0)
			return 1;
		p++;
	}
	return 0;
}

/*
 * Opens `path` for reading with the checks that give clear messages (missing,
 * a directory, empty, not audio, no channels). NULL with "PATH: cannot read: ...".
 */
static SNDFILE *open_checked(const char *path, SF_INFO *info, struct err *e)
{
	struct stat st;
	char msg[256];
	SNDFILE *sf;
	int fd;

	/* Check access first: libsndfile's messages for these are vaguer. */
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		err_set(e, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		err_set(e, "%s: cannot read: %s", path, strerror(EISDIR));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
		close(fd);
		err_set(e, "%s: cannot read: file is empty", path);
		return NULL;
	}
	memset(info, 0, sizeof(*info));
	sf = sf_open_fd(fd, SFM_READ, info, 1);
	if (!sf) {
		err_set(e, "%s: cannot read: %s", path, clean_msg(sf_strerror(NULL), msg, sizeof(msg)));
		return NULL;
	}
	if (info->channels < 1 || info->samplerate < 1) {
		sf_close(sf);
		err_set(e, "%s: cannot read: invalid channel count or sample rate", path);
		return NULL;
	}
	{
		long long claimed, present;
		if (truncated(sf, &claimed, &present)) {
			double per = present > 0 && info->frames > 0 ? (double)present / (double)info->frames : 1;
			err_set(e, "%s: cannot read: truncated file: the header announces %.3f s of audio, "
				"%.3f s are present", path, (double)claimed / per / info->samplerate,
				(double)info->frames / info->samplerate);
			sf_close(sf);
			return NULL;
		}
	}
	return sf;
}

int afile_read(const char *path, float **frames, size_t *nframes,
	       int *channels, int *rate, struct err *e)
{
	SF_INFO info;
	SNDFILE *sf = open_checked(path, &info, e);
	char msg[256];
	float *buf = NULL;
	size_t cap, n = 0;

	if (!sf)
		return -1;

	/*
	 * info.frames can be approximate for some codecs, or a fuzzed header's
	 * lie: allocate a bounded first block and grow while reading to the end.
	 */
	cap = READ_FIRST_SAMPLES / (size_t)info.channels + 1;
	if (info.frames > 0 && (uint64_t)info.frames < cap)
		cap = (size_t)info.frames + 1;
	buf = xmalloc(cap * (size_t)info.channels * sizeof(float));
	for (;;) {
		sf_count_t got;

		if (n == cap) {
			cap += cap / 2 + 4096;
			buf = xrealloc(buf, cap * (size_t)info.channels * sizeof(float));
		}
		got = sf_readf_float(sf, buf + n * (size_t)info.channels, (sf_count_t)(cap - n));
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	if (sf_error(sf) != SF_ERR_NO_ERROR) {
		err_set(e, "%s: cannot read: %s", path, clean_msg(sf_strerror(sf), msg, sizeof(msg)));
		sf_close(sf);
		free(buf);
		return -1;
	}
	sf_close(sf);
	if (n == 0) {
		free(buf);
		return err_set(e, "%s: cannot read: no audio frames", path);
	}
	*frames = xrealloc(buf, n * (size_t)info.channels * sizeof(float));
	*nframes = n;
	*channels = info.channels;
	*rate = info.samplerate;
	return 0;
}

/* ---- reading in blocks ------------------------------------------------- */

struct afile_reader {
	SNDFILE *sf;
	char *path;
};

struct afile_reader *afile_reader_open(const char *path, int *channels, int *rate, struct err *e)
{
	SF_INFO info;
	SNDFILE *sf = open_checked(path, &info, e);
	struct afile_reader *r;

	if (!sf)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->sf = sf;
	r->path = xstrdup(path);
	*channels = info.channels;
	*rate = info.samplerate;
	return r;
}

int afile_reader_read(struct afile_reader *r, float *frames, size_t max_frames, size_t *got,
		      struct err *e)
{
	char msg[256];
	sf_count_t n = sf_readf_float(r->sf, frames, (sf_count_t)max_frames);

	*got = n > 0 ? (size_t)n : 0;
	if (n <= 0 && sf_error(r->sf) != SF_ERR_NO_ERROR)
		return err_set(e, "%s: cannot read: %s", r->path,
			       clean_msg(sf_strerror(r->sf), msg, sizeof(msg)));
	return 0;
}

int afile_reader_rewind(struct afile_reader *r, struct err *e)
{
	if (sf_seek(r->sf, 0, SEEK_SET) < 0)
		return err_set(e, "%s: cannot read: cannot seek back to the start", r->path);
	return 0;
}

void afile_reader_close(struct afile_reader *r)
{
	if (!r)
		return;
	sf_close(r->sf);
	free(r->path);
	free(r);
}

/* ---- the table of output formats -------------------------------------- */

#define PCM_BITS (AF_BITMASK(AF_BITS_16) | AF_BITMASK(AF_BITS_24))

static const struct afile_format_info formats[] = {
	{ .format = AF_WAV, .ext = "wav", .sf_major = SF_FORMAT_WAV,
	  .bits = PCM_BITS | AF_BITMASK(AF_BITS_32F),
	  .carries = AF_CARRIES_BEXT | AF_CARRIES_CUE | AF_CARRIES_CART | AF_CARRIES_INFO },
	{ .format = AF_FLAC, .ext = "flac", .sf_major = SF_FORMAT_FLAC, .bits = PCM_BITS,
	  .takes_quality = 1, .carries = AF_CARRIES_VORBIS, .gain_tags = AF_GAIN_REPLAYGAIN },
	{ .format = AF_OGG, .ext = "ogg", .sf_major = SF_FORMAT_OGG, .sf_codec = SF_FORMAT_VORBIS,
	  .takes_quality = 1, .lossy = 1, .carries = AF_CARRIES_VORBIS, .gain_tags = AF_GAIN_REPLAYGAIN,
	  .tp_margin_db = 0.6 },
	{ .format = AF_OPUS, .ext = "opus", .sf_major = SF_FORMAT_OGG, .sf_codec = SF_FORMAT_OPUS,
	  .takes_quality = 1, .takes_bitrate = 1, .lossy = 1, .fixed_rate = 48000,
	  .carries = AF_CARRIES_VORBIS, .gain_tags = AF_GAIN_R128, .tp_margin_db = 0.5 },
	{ .format = AF_MP3, .ext = "mp3", .sf_major = SF_FORMAT_MPEG,
	  .sf_codec = SF_FORMAT_MPEG_LAYER_III, .takes_quality = 1, .takes_bitrate = 1, .lossy = 1,
	  .max_channels = 2, .carries = AF_CARRIES_ID3, .gain_tags = AF_GAIN_REPLAYGAIN,
	  .tp_margin_db = 0.2 },
};

static int ext_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (a_tolower((unsigned char)*a) != a_tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

const struct afile_format_info *afile_format_get(enum afile_format fmt)
{
	for (size_t i = 0; i < ARRAY_LEN(formats); i++)
		if (formats[i].format == fmt)
			return &formats[i];
	return &formats[0];
}

const struct afile_format_info *afile_format_find(const char *ext)
{
	for (size_t i = 0; i < ARRAY_LEN(formats); i++)
		if (ext_equal(ext, formats[i].ext))
			return &formats[i];
	return NULL;
}

const char *afile_format_list(void)
{
	static char list[128];

	if (!list[0]) {
		size_t o = 0;
		for (size_t i = 0; i < ARRAY_LEN(formats); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s.%s", i ? ", " : "",
					      formats[i].ext);
	}
	return list;
}

/* ".wav and .flac" / ".mp3 and .opus": the formats with a property, for messages. */
static void formats_with(char *buf, size_t cap, int (*has)(const struct afile_format_info *))
{
	size_t o = 0, n = 0, k = 0;

	for (size_t i = 0; i < ARRAY_LEN(formats); i++)
		n += has(&formats[i]) != 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(formats) && o < cap; i++) {
		if (!has(&formats[i]))
			continue;
		k++;
		o += (size_t)snprintf(buf + o, cap - o, "%s.%s", k == 1 ? "" : k == n ? " and " : ", ",
				      formats[i].ext);
	}
}

static int has_bits(const struct afile_format_info *f) { return f->bits != 0; }
static int has_quality(const struct afile_format_info *f) { return f->takes_quality; }
static int has_bitrate(const struct afile_format_info *f) { return f->takes_bitrate; }

void afile_warn_unused(const char *path, int bits_given, double quality, int bitrate_kbps,
		       struct warns *w)
{
	enum afile_format fmt;
	const struct afile_format_info *f;
	char list[128];

	if (afile_format_from_name(path, &fmt, NULL))
		return;
	f = afile_format_get(fmt);
	if (bits_given && !f->bits) {
		formats_with(list, sizeof(list), has_bits);
		warns_add(w, "%s: --bits applies to %s only; ignored", path, list);
	}
	if (quality >= 0 && !f->takes_quality) {
		formats_with(list, sizeof(list), has_quality);
		warns_add(w, "%s: --quality applies to %s only; ignored", path, list);
	}
	if (bitrate_kbps > 0 && !f->takes_bitrate) {
		formats_with(list, sizeof(list), has_bitrate);
		warns_add(w, "%s: --bitrate applies to %s only; ignored", path, list);
	}
}

int afile_format_from_name(const char *path, enum afile_format *fmt, struct err *e)
{
	const char *slash, *dot, *base;
	const struct afile_format_info *f;

	if (strcmp(path, "-") == 0) {
		*fmt = AF_WAV;
		return 0;
	}
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	dot = strrchr(base, '.');
	if (dot && dot != base && (f = afile_format_find(dot + 1))) {
		*fmt = f->format;
		return 0;
	}
	return err_set(e, "%s: unsupported output format '%s' (supported: %s)",
		       path, dot && dot != base ? dot : "(none)", afile_format_list());
}

/* ---- temporary files: kept for callers, the registry lives in util ------ */

int afile_temp_register(const char *path)
{
	return tmpreg_add(path);
}

void afile_temp_forget(int slot)
{
	tmpreg_forget(slot);
}

void afile_cleanup_temp(void)
{
	outfile_cleanup();
}

/* ---- writer state ------------------------------------------------------ */

struct afile_writer {
	SNDFILE *sf;
	int fd;                 /* the data file; kept open for chunk appends */
	struct outfile *out;    /* the atomic writer owning fd (NULL for stdout) */
	int to_stdout;
	char *target;           /* as given ("-" for stdout) */
	char tmp_name[512];     /* "-": "TMPDIR (the temporary copy of stdout)" */
	const struct afile_format_info *fi;
	struct afile_opts o;
	uint64_t rng;           /* dither state */
	short *sbuf;            /* 16-bit conversion buffer of SBUF_FRAMES frames */
	int *ibuf;              /* 24-bit PCM: conversion buffer of SBUF_FRAMES frames */
	unsigned char *rbuf;    /* raw24: the packed bytes of SBUF_FRAMES frames */
	int raw24;              /* 24-bit little-endian WAV/RF64: packed here, sf_write_raw */
	size_t unsynced;        /* frames written since the last background writeback */
	uint64_t frames;        /* frames written */
	int rf64;
	int finished;           /* writer_finish done: the encoder is closed */
	int have_measured;      /* afile_set_measured was called */
	struct loudness measured;
	/* cue labels for the LIST/adtl chunk (WAV) */
	struct afile_cue *cues;
	size_t ncues;
};

/*
 * The name for write errors: the target, or for "-" the temporary copy in
 * $TMPDIR that all writes go to before stdout sees a byte (a full $TMPDIR
 * is not a broken pipe).
 */
static const char *writer_name(const struct afile_writer *w)
{
	return w->to_stdout ? w->tmp_name : w->target;
}

#define SBUF_FRAMES 16384      /* 96 KB of 24-bit stereo per write */
#define WRITEBACK_FRAMES (1u << 22)    /* about 24 MB of 24-bit stereo */

static void writer_free(struct afile_writer *w)
{
	free(w->target);
	free(w->sbuf);
	free(w->ibuf);
	free(w->rbuf);
	free(w->cues);
	free(w);
}

/* Drops the temporary file and everything the writer holds. */
static void writer_discard(struct afile_writer *w)
{
	if (w->sf)
		sf_close(w->sf);
	if (w->out)
		outfile_abort(w->out);          /* closes fd */
	else if (w->fd >= 0)
		close(w->fd);
	writer_free(w);
}

/* ---- metadata chunks --------------------------------------------------- */

static void copy_field(char *dst, size_t cap, const char *src)
{
	/* Fixed-size fields of BWF/cart are not NUL-terminated when full. */
	size_t n = src ? strlen(src) : 0;
	memset(dst, 0, cap);
	memcpy(dst, src ? src : "", n < cap ? n : cap);
}

static int16_t loud16(double v)
{
	if (!isfinite(v) || v * 100 > 32766 || v * 100 < -32768)
		return 0x7FFF;
	return (int16_t)lrint(v * 100);
}

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static const char *bits_name(const struct afile_opts *o)
{
	return o->bits == AF_BITS_16 ? "16" : o->bits == AF_BITS_24 ? "24" : "32";
}

/* Copies `utf8` as ASCII (transliterated) into a fixed field of `cap` bytes. */
static void copy_ascii(char *dst, size_t cap, const char *utf8)
{
	struct sb s;

	sb_init(&s);
	if (utf8)
		sb_add_ascii(&s, utf8);
	copy_field(dst, cap, s.buf);
	sb_release(&s);
}

static const char *meta_date(const struct afile_meta *m)
{
	return m->orig_date && *m->orig_date ? m->orig_date : "1970-01-01";
}

static const char *meta_time(const struct afile_meta *m)
{
	return m->orig_time && *m->orig_time ? m->orig_time : "00:00:00";
}

static int set_bext(struct afile_writer *w, const struct afile_meta *m)
{
	SF_BROADCAST_INFO b;
	uint32_t h;
	char ref[40];
	const char *date = meta_date(m), *tm = meta_time(m);

	memset(&b, 0, sizeof(b));
	copy_ascii(b.description, sizeof(b.description), m->title);
	copy_field(b.originator, sizeof(b.originator), "sprecher");
	/*
	 * Originator reference after EBU R99: country, organisation, serial,
	 * time, random part. Derived from title, date and time so renders stay
	 * deterministic.
	 */
	h = fnv1a(fnv1a(fnv1a(2166136261u, m->title), date), tm);
	snprintf(ref, sizeof(ref), "DESPR%012u%c%c%c%c%c%c%09u",
		 (unsigned)(h % 1000000000u),
		 strlen(tm) >= 8 ? tm[0] : '0', strlen(tm) >= 8 ? tm[1] : '0',
		 strlen(tm) >= 8 ? tm[3] : '0', strlen(tm) >= 8 ? tm[4] : '0',
		 strlen(tm) >= 8 ? tm[6] : '0', strlen(tm) >= 8 ? tm[7] : '0',
		 (unsigned)(fnv1a(h, "ref") % 1000000000u));
	copy_field(b.originator_reference, sizeof(b.originator_reference), ref);
	copy_field(b.origination_date, sizeof(b.origination_date), date);
	copy_field(b.origination_time, sizeof(b.origination_time), tm);
	b.version = 2;
	b.loudness_value = b.loudness_range = b.max_true_peak_level = 0x7FFF;
	b.max_momentary_loudness = b.max_shortterm_loudness = 0x7FFF;
	if (m->have_loudness) {
		b.loudness_value = loud16(m->lufs);
		b.loudness_range = loud16(m->lra);
		b.max_true_peak_level = loud16(m->true_peak);
		b.max_momentary_loudness = loud16(m->max_momentary);
		b.max_shortterm_loudness = loud16(m->max_short_term);
	}
	snprintf(b.coding_history, sizeof(b.coding_history),
		 "A=PCM,F=%d,W=%s,M=%s,T=sprecher %s\r\n", w->o.rate, bits_name(&w->o),
		 w->o.channels == 1 ? "mono" : w->o.channels == 2 ? "stereo" : "multi",
		 SPRECHER_VERSION);
	b.coding_history_size = (uint32_t)strlen(b.coding_history);
	if (!sf_command(w->sf, SFC_SET_BROADCAST_INFO, &b, sizeof(b)))
		return -1;
	return 0;
}

/* AES46 post timers from the timeline: AUDs/AUDe, INTe at the talk-up point, SEGs at the outro. */
static void cart_timers(SF_CART_INFO *c, const struct timeline *tl)
{
	size_t n = 0, first_speech = tl->n, last_speech = tl->n;

	for (size_t i = 0; i < tl->n; i++)
		if (tl->clips[i].kind == CLIP_SPEECH) {
			if (first_speech == tl->n)
				first_speech = i;
			last_speech = i;
		}
#define TIMER(id, v) do { memcpy(c->post_timers[n].usage, id, 4); \
	c->post_timers[n++].value = (int32_t)((v) > INT32_MAX ? INT32_MAX : (v)); } while (0)
	TIMER("AUDs", 0);
	TIMER("AUDe", tl->total_frames);
	if (first_speech < tl->n && tl->n > 0 && tl->clips[0].kind == CLIP_JINGLE &&
	    tl->clips[0].start == 0)
		TIMER("INTe", tl->clips[first_speech].start);
	if (last_speech < tl->n) {
		for (size_t i = tl->n; i-- > last_speech + 1;)
			if (tl->clips[i].kind == CLIP_JINGLE) {
				TIMER("SEGs", tl->clips[i].start);
				break;
			}
	}
#undef TIMER
}

static int set_cart(struct afile_writer *w, const struct afile_meta *m)
{
	SF_CART_INFO c;
	char id[16];

	memset(&c, 0, sizeof(c));
	memcpy(c.version, "0101", 4);
	copy_ascii(c.title, sizeof(c.title), m->title);
	copy_ascii(c.artist, sizeof(c.artist), m->artist);
	if (m->cut_id) {
		copy_ascii(c.cut_id, sizeof(c.cut_id), m->cut_id);
	} else {
		snprintf(id, sizeof(id), "SPR%08X",
			 (unsigned)fnv1a(fnv1a(fnv1a(2166136261u, m->title), meta_date(m)), meta_time(m)));
		copy_field(c.cut_id, sizeof(c.cut_id), id);
	}
	copy_field(c.category, sizeof(c.category), "NEWS");
	copy_ascii(c.out_cue, sizeof(c.out_cue), m->out_cue);
	copy_field(c.start_date, sizeof(c.start_date), meta_date(m));
	copy_field(c.start_time, sizeof(c.start_time), meta_time(m));
	copy_field(c.end_date, sizeof(c.end_date), "9999-12-31");
	copy_field(c.end_time, sizeof(c.end_time), "23:59:59");
	copy_field(c.producer_app_id, sizeof(c.producer_app_id), "sprecher");
	copy_field(c.producer_app_version, sizeof(c.producer_app_version), SPRECHER_VERSION);
	c.level_reference = 0;
	if (m->timeline)
		cart_timers(&c, m->timeline);
	c.tag_text_size = 0;
	if (!sf_command(w->sf, SFC_SET_CART_INFO, &c, sizeof(c)))
		return -1;
	return 0;
}

static void put32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t le32_at(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t k = pwrite(fd, p, n, off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

/*
 * Appends a "cue " chunk (when libsndfile did not write one) and a
 * LIST/adtl chunk with one labl per cue to the closed RIFF/RF64 file and
 * fixes the container size.
 */
static int append_cue_labels(struct afile_writer *w, int with_cue_chunk)
{
	struct sb s;
	unsigned char hdr[12], b[8];
	struct stat st;
	off_t end;
	uint64_t riff;
	int rc = -1;

	if (fstat(w->fd, &st) < 0 || pread(w->fd, hdr, 12, 0) != 12)
		return -1;
	end = st.st_size;
	sb_init(&s);
	if (end & 1)
		sb_addc(&s, '\0');
	if (with_cue_chunk) {
		put32le(b, (uint32_t)(4 + 24 * w->ncues));
		sb_add(&s, "cue ", 4);
		sb_add(&s, (char *)b, 4);
		put32le(b, (uint32_t)w->ncues);
		sb_add(&s, (char *)b, 4);
		for (size_t i = 0; i < w->ncues; i++) {
			unsigned char p[24];
			put32le(p, (uint32_t)(i + 1));
			put32le(p + 4, (uint32_t)w->cues[i].frame);
			memcpy(p + 8, "data", 4);
			put32le(p + 12, 0);
			put32le(p + 16, 0);
			put32le(p + 20, (uint32_t)w->cues[i].frame);
			sb_add(&s, (char *)p, 24);
		}
	}
	{
		size_t start = s.len, body;
		sb_add(&s, "LIST\0\0\0\0adtl", 12);
		for (size_t i = 0; i < w->ncues; i++) {
			size_t ln = strnlen(w->cues[i].label, sizeof(w->cues[i].label) - 1);
			put32le(b, (uint32_t)(4 + ln + 1));
			sb_add(&s, "labl", 4);
			sb_add(&s, (char *)b, 4);
			put32le(b, (uint32_t)(i + 1));
			sb_add(&s, (char *)b, 4);
			sb_add(&s, w->cues[i].label, ln);
			sb_addc(&s, '\0');
			if ((ln + 1) & 1)
				sb_addc(&s, '\0');
		}
		body = s.len - start - 8;
		put32le((unsigned char *)s.buf + start + 4, (uint32_t)body);
	}
	if (pwrite_all(w->fd, s.buf, s.len, end) < 0)
		goto out;
	riff = (uint64_t)end + s.len - 8;
	if (memcmp(hdr, "RIFF", 4) == 0) {
		if (riff > 0xFFFFFFFFu)
			goto out;
		put32le(b, (uint32_t)riff);
		if (pwrite_all(w->fd, b, 4, 4) < 0)
			goto out;
	} else if (memcmp(hdr, "RF64", 4) == 0) {
		/* ds64 chunk right after the "WAVE" id: riffSize is its first field. */
		unsigned char ds[8];
		if (pread(w->fd, ds, 8, 12) != 8 || memcmp(ds, "ds64", 4) != 0)
			goto out;
		put32le(b, (uint32_t)riff);
		put32le(b + 4, (uint32_t)(riff >> 32));
		if (pwrite_all(w->fd, b, 8, 20) < 0)
			goto out;
	} else {
		goto out;
	}
	rc = 0;
out:
	sb_release(&s);
	return rc;
}

/*
 * libsndfile gives every Ogg stream a random serial number. To keep renders
 * byte-identical, rewrite it in every page of the closed file (and the page
 * CRC, which covers it): Ogg pages are "OggS", version, flags, granule (8),
 * serial (4) at offset 14, sequence (4), CRC (4) at offset 22, segment
 * count, segment table, data.
 */
static uint32_t ogg_crc(const unsigned char *p, size_t n, uint32_t crc)
{
	static uint32_t table[256];
	static volatile int ready;

	if (!ready) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t r = i << 24;
			for (int k = 0; k < 8; k++)
				r = r & 0x80000000u ? (r << 1) ^ 0x04C11DB7u : r << 1;
			table[i] = r;
		}
		ready = 1;
	}
	for (size_t i = 0; i < n; i++)
		crc = (crc << 8) ^ table[((crc >> 24) ^ p[i]) & 0xFF];
	return crc;
}

/*
 * Rewrites every page from `off` to the end: serial number `serial`, page
 * sequence number moved by `seq_delta`, CRC computed again. 0 or -1.
 */
static int ogg_fix_pages(int fd, off_t off, uint32_t serial, int32_t seq_delta)
{
	unsigned char *page = xmalloc(27 + 255 + 255 * 255);
	int rc = -1;

	for (;;) {
		size_t nseg, body = 0, len;
		ssize_t got = pread(fd, page, 27, off);
		uint32_t crc;

		if (got == 0)
			break;
		if (got != 27 || memcmp(page, "OggS", 4) != 0)
			goto out;
		nseg = page[26];
		if (pread(fd, page + 27, nseg, off + 27) != (ssize_t)nseg)
			goto out;
		for (size_t i = 0; i < nseg; i++)
			body += page[27 + i];
		len = 27 + nseg + body;
		if (pread(fd, page + 27 + nseg, body, off + 27 + (off_t)nseg) != (ssize_t)body)
			goto out;
		put32le(page + 14, serial);
		put32le(page + 18, le32_at(page + 18) + (uint32_t)seq_delta);
		memset(page + 22, 0, 4);
		crc = ogg_crc(page, len, 0);
		put32le(page + 22, crc);
		if (pwrite_all(fd, page, 27, off) < 0)
			goto out;
		off += (off_t)len;
	}
	rc = 0;
out:
	free(page);
	return rc;
}

static int ogg_fix_serial(int fd, uint32_t serial)
{
	return ogg_fix_pages(fd, 0, serial, 0);
}

/* ---- opening ----------------------------------------------------------- */

/* The libsndfile format for `o` from the table, or -1 naming what the format cannot hold. */
static int sf_format_for(const struct afile_opts *o, int rf64, int *fmt, const char *path,
			 struct err *e)
{
	const struct afile_format_info *f = afile_format_get(o->format);
	int sub = f->sf_codec;

	if (f->bits) {
		if (!(f->bits & AF_BITMASK(o->bits)))
			return err_set(e, "%s: %s holds %s bits, not %s", path, f->ext,
				       f->bits & AF_BITMASK(AF_BITS_32F) ? "16, 24 or 32f" : "16 or 24",
				       o->bits == AF_BITS_32F ? "32f" : o->bits == AF_BITS_16 ? "16" :
				       o->bits == AF_BITS_24 ? "24" : "this");
		sub = o->bits == AF_BITS_16 ? SF_FORMAT_PCM_16 :
		      o->bits == AF_BITS_24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT;
	}
	if (f->fixed_rate && o->rate != f->fixed_rate)
		return err_set(e, "%s: %s output needs %d Hz, not %d Hz", path, f->ext, f->fixed_rate,
			       o->rate);
	if (f->max_channels && o->channels > f->max_channels)
		return err_set(e, "%s: %s holds one or two channels, not %d", path, f->ext, o->channels);
	*fmt = (rf64 && f->format == AF_WAV ? SF_FORMAT_RF64 : f->sf_major) | sub;
	return 0;
}

/* Bytes of WAV data above which we switch to RF64 (a margin below 4 GiB for chunks). */
#define RF64_THRESHOLD (((uint64_t)1 << 32) - ((uint64_t)1 << 20))

static int wants_rf64(const struct afile_opts *o)
{
	uint64_t bps = o->bits == AF_BITS_16 ? 2 : o->bits == AF_BITS_24 ? 3 : 4;
	return o->format == AF_WAV && o->expected_frames > 0 &&
	       o->expected_frames * (uint64_t)o->channels * bps > RF64_THRESHOLD;
}

/* Lossy quality and bitrate settings; failures are not fatal (defaults stay). */
static void set_quality(struct afile_writer *w)
{
	const struct afile_opts *o = &w->o;
	double level = -1;

	if (!w->fi->takes_quality && !w->fi->takes_bitrate)
		return;
	if (o->format == AF_MP3) {
		int mode = SF_BITRATE_MODE_VARIABLE;
		if (o->bitrate_kbps > 0) {
			mode = SF_BITRATE_MODE_CONSTANT;
			/* libsndfile maps level 0..1 to 320..32 kbps for MPEG-1 rates. */
			level = (320.0 - o->bitrate_kbps) / 288.0;
		} else if (o->quality >= 0) {
			level = 1.0 - o->quality;
		}
		sf_command(w->sf, SFC_SET_BITRATE_MODE, &mode, sizeof(mode));
	} else if (o->format == AF_OPUS) {
		if (o->bitrate_kbps > 0) {
			/* libsndfile: bitrate per channel = (1 - level) * 250000 + 6000 */
			double per = o->bitrate_kbps * 1000.0 / o->channels;
			level = 1.0 - (per - 6000.0) / 250000.0;
		} else if (o->quality >= 0) {
			level = 1.0 - o->quality;
		}
	} else {
		if (o->quality >= 0)
			level = 1.0 - o->quality;
	}
	if (level >= 0 || o->bitrate_kbps > 0) {
		if (level < 0)
			level = 0;
		if (level > 1)
			level = 1;
		sf_command(w->sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level));
	}
}

/*
 * libsndfile hands MP3 tag text to LAME as Latin-1 (its ID3 frames say so), so
 * UTF-8 would show as mojibake: convert to Latin-1 ('?' beyond U+00FF). The
 * ID3v2.3 year frame takes the year only. Returns `buf`.
 */
static const char *id3_text(char *buf, size_t size, const char *utf8, int year_only)
{
	size_t i = 0, o = 0, len = strlen(utf8);

	if (year_only)
		len = len > 4 ? 4 : len;
	while (i < len && o + 1 < size) {
		uint32_t cp;
		int n = utf8_decode(utf8 + i, len - i, &cp);
		if (n <= 0) {
			cp = '?';
			n = 1;
		}
		buf[o++] = (char)(unsigned char)(cp <= 0xFF ? cp : '?');
		i += (size_t)n;
	}
	buf[o] = '\0';
	return buf;
}

/* Tags (UTF-8, Latin-1 for ID3) and, where the format carries them, bext, cart and cue labels. */
static int set_meta(struct afile_writer *w, const struct afile_meta *m, const char *path, struct err *e)
{
	char msg[256];

	static const struct { int id; size_t off; } strs[] = {
		{ SF_STR_TITLE, offsetof(struct afile_meta, title) },
		{ SF_STR_ARTIST, offsetof(struct afile_meta, artist) },
		{ SF_STR_DATE, offsetof(struct afile_meta, date) },
		{ SF_STR_COMMENT, offsetof(struct afile_meta, comment) },
		{ SF_STR_SOFTWARE, offsetof(struct afile_meta, software) },
	};
	for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
		const char *v = *(const char *const *)((const char *)m + strs[i].off);
		char tag[512];
		if (v && *v && (w->fi->carries & AF_CARRIES_ID3))
			v = id3_text(tag, sizeof(tag), v, strs[i].id == SF_STR_DATE);
		if (v && *v && sf_set_string(w->sf, strs[i].id, v) != 0) {
			err_set(e, "%s: cannot set tags: %s", path,
				clean_msg(sf_strerror(w->sf), msg, sizeof(msg)));
			return -1;
		}
	}
	if (w->fi->carries & AF_CARRIES_BEXT) {
		if (set_bext(w, m) < 0) {
			err_set(e, "%s: cannot set bext chunk: %s", path,
				clean_msg(sf_strerror(w->sf), msg, sizeof(msg)));
			return -1;
		}
	}
	if (w->fi->carries & AF_CARRIES_CART) {
		if (set_cart(w, m) < 0) {
			err_set(e, "%s: cannot set cart chunk: %s", path,
				clean_msg(sf_strerror(w->sf), msg, sizeof(msg)));
			return -1;
		}
	}
	if (w->fi->carries & AF_CARRIES_CUE) {
		if (m->ncues > 0) {
			w->cues = xmalloc(m->ncues * sizeof(*w->cues));
			memcpy(w->cues, m->cues, m->ncues * sizeof(*w->cues));
			w->ncues = m->ncues;
		}
	}
	return 0;
}

struct afile_writer *afile_create(const char *path, const struct afile_opts *o,
				  const struct afile_meta *m, struct err *e)
{
	struct afile_writer *w;
	struct stat st;
	SF_INFO info;
	int fmt = 0;
	char msg[256];

	if (o->channels < 1 || o->channels > 64 || o->rate < 1) {
		err_set(e, "%s: invalid channel count or sample rate", path);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = -1;
	w->o = *o;
	w->target = xstrdup(path);
	w->to_stdout = strcmp(path, "-") == 0;
	if (w->to_stdout)
		w->o.format = AF_WAV;
	w->fi = afile_format_get(w->o.format);
	w->rf64 = wants_rf64(&w->o);
	if (sf_format_for(&w->o, w->rf64, &fmt, path, e) < 0)
		goto fail;
	memset(&info, 0, sizeof(info));
	info.samplerate = o->rate;
	info.channels = o->channels;
	info.format = fmt;
	if (!sf_format_check(&info)) {
		err_set(e, "%s: cannot write %d Hz, %d channel(s) in this format", path,
			o->rate, o->channels);
		goto fail;
	}

	/* ---- the data file: atomic writer, or an unnamed file for stdout ---- */
	if (w->to_stdout) {
		const char *td = getenv("TMPDIR");
		snprintf(w->tmp_name, sizeof(w->tmp_name), "%s (the temporary copy of stdout)",
			 td && *td ? td : "/tmp");
		w->fd = outfile_anon(e);
		if (w->fd < 0)
			goto fail;
	} else {
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
			/* renaming over a device or pipe would replace it with a file */
			err_set(e, "%s: not a regular file (use -o - to write to a pipe)", path);
			goto fail;
		}
		w->out = outfile_open(path, e);
		if (!w->out)
			goto fail;
		w->fd = outfile_fd(w->out);
	}

	/* ---- libsndfile ---- */
	w->sf = sf_open_fd(w->fd, SFM_WRITE, &info, 0);
	if (!w->sf) {
		err_set(e, "%s: cannot create: %s", path, clean_msg(sf_strerror(NULL), msg, sizeof(msg)));
		goto fail;
	}
	sf_command(w->sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
	/* The PEAK chunk of float WAVs carries a time stamp: leave it out (determinism). */
	sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	if (w->rf64)
		sf_command(w->sf, SFC_RF64_AUTO_DOWNGRADE, NULL, SF_TRUE);
	set_quality(w);

	if (m && set_meta(w, m, path, e) < 0)
		goto fail;
	w->rng = o->dither_seed ^ 0x9E3779B97F4A7C15ull;
	if (o->bits == AF_BITS_16 && w->fi->bits)
		w->sbuf = xmalloc(SBUF_FRAMES * (size_t)o->channels * sizeof(short));
	if (o->bits == AF_BITS_24 && w->fi->bits)
		w->ibuf = xmalloc(SBUF_FRAMES * (size_t)o->channels * sizeof(int));
	/*
	 * 24-bit WAV and RF64 are packed here and written raw, the bytes
	 * libsndfile's own conversion would write: that conversion and its 8 KB
	 * writes were a tenth of a cached re-render's CPU time.
	 */
	if (w->ibuf && ((fmt & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV || (fmt & SF_FORMAT_TYPEMASK) == SF_FORMAT_RF64) &&
	    (fmt & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_24 && (fmt & SF_FORMAT_ENDMASK) == SF_ENDIAN_FILE) {
		w->raw24 = 1;
		w->rbuf = xmalloc(SBUF_FRAMES * (size_t)o->channels * 3);
	}
	return w;
fail:
	writer_discard(w);
	return NULL;
}

/* ---- writing ----------------------------------------------------------- */

/* splitmix64: small, fast, good enough for dither. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/*
 * Float to 16 bit with TPDF dither of +-1 LSB (sum of two uniform values).
 * Exact zeros stay zero so digital silence stays silent.
 */
static void to_short_dither(struct afile_writer *w, const float *in, short *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double x = in[i], v;
		uint64_t r;
		if (x == 0.0) {
			out[i] = 0;
			continue;
		}
		r = rng_next(&w->rng);
		v = x * 32767.0 + ((double)(r >> 40) + (double)((r >> 16) & 0xFFFFFF)) / 16777216.0 - 1.0;
		v = floor(v + 0.5);
		if (v > 32767)
			v = 32767;
		if (v < -32768)
			v = -32768;
		out[i] = (short)v;
	}
}

/*
 * Float to 24-bit PCM in the top bits of an int, rounded to nearest and
 * clipped; libsndfile then only shifts. A plain loop the compiler vectorizes,
 * several times faster than libsndfile's clipping float conversion.
 */
static void to_int24(const float *in, int *out, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	/*
	 * Four at a time, the same arithmetic as the loop below (clamp, round half
	 * away from zero, truncate, shift into the top 24 bits): the compiler does
	 * not vectorize the loop itself, and this is most of a cached re-render's
	 * own CPU time.
	 */
	const __m128 scale = _mm_set1_ps(8388608.0f), hi = _mm_set1_ps(8388607.0f),
		     lo = _mm_set1_ps(-8388608.0f), half = _mm_set1_ps(0.5f),
		     sign = _mm_set1_ps(-0.0f);
	for (; i + 4 <= n; i += 4) {
		__m128 v = _mm_mul_ps(_mm_loadu_ps(in + i), scale);
		v = _mm_max_ps(_mm_min_ps(v, hi), lo);
		v = _mm_add_ps(v, _mm_or_ps(half, _mm_and_ps(v, sign)));
		_mm_storeu_si128((__m128i *)(out + i), _mm_slli_epi32(_mm_cvttps_epi32(v), 8));
	}
#endif
	for (; i < n; i++) {
		float v = in[i] * 8388608.0f;
		v = v > 8388607.0f ? 8388607.0f : v < -8388608.0f ? -8388608.0f : v;
		out[i] = (int)(v + (v < 0.0f ? -0.5f : 0.5f)) * 256;
	}
}

/* The top 24 bits of each of n samples, little-endian, 3 bytes each (libsndfile's PCM_24 layout). */
static void pack_le24(const int *in, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++, out += 3) {
		uint32_t v = (uint32_t)in[i];
		out[0] = (unsigned char)(v >> 8);
		out[1] = (unsigned char)(v >> 16);
		out[2] = (unsigned char)(v >> 24);
	}
}

int afile_write(struct afile_writer *w, const float *frames, size_t nframes, struct err *e)
{
	char msg[256];
	size_t ch = (size_t)w->o.channels;

	if (w->o.format == AF_WAV && !w->rf64) {
		uint64_t bpf = (uint64_t)ch * (w->o.bits == AF_BITS_16 ? 2 : w->o.bits == AF_BITS_24 ? 3 : 4);
		if ((w->frames + nframes) * bpf > RF64_THRESHOLD)
			return err_set(e, "%s: wav output would pass 4 GiB (give the expected length to write RF64)",
				       w->to_stdout ? "stdout" : w->target);
	}
	if (w->ibuf) {
		for (size_t done = 0; done < nframes;) {
			size_t k = nframes - done < SBUF_FRAMES ? nframes - done : SBUF_FRAMES;
			to_int24(frames + done * ch, w->ibuf, k * ch);
			if (w->raw24) {
				sf_count_t bytes = (sf_count_t)(k * ch * 3);
				pack_le24(w->ibuf, w->rbuf, k * ch);
				if (sf_write_raw(w->sf, w->rbuf, bytes) != bytes)
					goto fail;
			} else if (sf_writef_int(w->sf, w->ibuf, (sf_count_t)k) != (sf_count_t)k) {
				goto fail;
			}
			done += k;
		}
	} else if (w->sbuf) {
		for (size_t done = 0; done < nframes;) {
			size_t k = nframes - done < SBUF_FRAMES ? nframes - done : SBUF_FRAMES;
			to_short_dither(w, frames + done * ch, w->sbuf, k * ch);
			if (sf_writef_short(w->sf, w->sbuf, (sf_count_t)k) != (sf_count_t)k)
				goto fail;
			done += k;
		}
	} else if (nframes > 0) {
		if (sf_writef_float(w->sf, frames, (sf_count_t)nframes) != (sf_count_t)nframes)
			goto fail;
	}
	w->frames += nframes;
	/*
	 * Start the disk writes of what is written so far in the background, so
	 * the fsync at commit does not wait for the whole file at once.
	 */
	w->unsynced += nframes;
	if (w->fd >= 0 && w->unsynced >= WRITEBACK_FRAMES) {
		sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		w->unsynced = 0;
	}
	return 0;
fail:
	return err_set(e, "%s: cannot write: %s", writer_name(w),
		       clean_msg(sf_strerror(w->sf), msg, sizeof(msg)));
}

/* ---- finishing --------------------------------------------------------- */

static int copy_to_stdout(int fd)
{
	char buf[65536];
	off_t off = 0;

	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		off += n;
		for (ssize_t done = 0; done < n;) {
			ssize_t k = write(STDOUT_FILENO, buf + done, (size_t)(n - done));
			if (k < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			done += k;
		}
	}
}

/* Shifts the bytes of `fd` from `at` to the end by `by` bytes towards the end (back to front). */
static int shift_tail(int fd, off_t at, size_t by)
{
	char buf[65536];
	struct stat st;
	off_t end;

	if (fstat(fd, &st) < 0)
		return -1;
	for (end = st.st_size; end > at;) {
		size_t n = end - at < (off_t)sizeof(buf) ? (size_t)(end - at) : sizeof(buf);
		if (pread(fd, buf, n, end - (off_t)n) != (ssize_t)n ||
		    pwrite_all(fd, buf, n, end - (off_t)n + (off_t)by) < 0)
			return -1;
		end -= (off_t)n;
	}
	return 0;
}

/* ---- loudness tags (ReplayGain, R128) ----------------------------------- */

/*
 * Moves the bytes of `fd` from `at` to the end so they start at `to`
 * (either direction; the file shrinks when to < at). 0 or -1.
 */
static int move_tail(int fd, off_t at, off_t to)
{
	char buf[65536];
	struct stat st;
	off_t end;

	if (to == at)
		return 0;
	if (to > at)
		return shift_tail(fd, at, (size_t)(to - at));
	if (fstat(fd, &st) < 0)
		return -1;
	for (off_t p = at; p < st.st_size;) {
		size_t n = st.st_size - p < (off_t)sizeof(buf) ? (size_t)(st.st_size - p) : sizeof(buf);
		if (pread(fd, buf, n, p) != (ssize_t)n || pwrite_all(fd, buf, n, p - (at - to)) < 0)
			return -1;
		p += (off_t)n;
	}
	end = st.st_size - (at - to);
	return ftruncate(fd, end);
}

/* A Vorbis comment "KEY=value" list entry: length (LE32) and text. */
static void add_comment(struct sb *b, const char *c)
{
	unsigned char n[4];

	put32le(n, (uint32_t)strlen(c));
	sb_add(b, (char *)n, 4);
	sb_adds(b, c);
}

/*
 * Adds the comments c[0..n) to a Vorbis comment list that starts at
 * pk->buf[at] (vendor length, vendor, count, comments), in place. `pad_ok`:
 * zero bytes after the list are padding (OpusTags) that the new comments may
 * use up, so the packet keeps its size when they fit. 0, or -1 when the list
 * is malformed.
 */
static int comments_insert(struct sb *pk, size_t at, const char *const *c, size_t n, int pad_ok)
{
	struct sb add, out;
	size_t p = at, count_at, count, tail, rest, pad;

	if (p + 4 > pk->len || le32_at((unsigned char *)pk->buf + p) > pk->len - p - 4)
		return -1;
	p += 4 + le32_at((unsigned char *)pk->buf + p);
	if (p + 4 > pk->len)
		return -1;
	count_at = p;
	count = le32_at((unsigned char *)pk->buf + p);
	p += 4;
	for (size_t i = 0; i < count; i++) {
		if (p + 4 > pk->len || le32_at((unsigned char *)pk->buf + p) > pk->len - p - 4)
			return -1;
		p += 4 + le32_at((unsigned char *)pk->buf + p);
	}
	put32le((unsigned char *)pk->buf + count_at, (uint32_t)(count + n));
	tail = p;
	rest = pk->len - tail;
	/* RFC 7845: data after the list whose first byte has the low bit clear may be dropped */
	pad = pad_ok && rest > 0 && !(pk->buf[tail] & 1) ? rest : 0;
	sb_init(&add);
	for (size_t i = 0; i < n; i++)
		add_comment(&add, c[i]);
	sb_init(&out);
	sb_add(&out, pk->buf, tail);
	sb_add(&out, add.buf, add.len);
	if (pad)
		for (size_t i = add.len; i < pad; i++)
			sb_addc(&out, '\0');                   /* what is left of the padding */
	else
		sb_add(&out, pk->buf + tail, rest);      /* framing bit, binary data */
	sb_release(pk);
	*pk = out;
	sb_release(&add);
	return 0;
}

/* One Ogg page with the packet data body[0..blen) laced by lacing[0..nseg). */
static void ogg_page_add(struct sb *out, uint32_t serial, uint32_t seq, int flags, uint64_t granule,
			 const unsigned char *lacing, size_t nseg, const char *body, size_t blen)
{
	unsigned char h[27];
	size_t start = out->len;

	memcpy(h, "OggS", 4);
	h[4] = 0;
	h[5] = (unsigned char)flags;
	for (int i = 0; i < 8; i++)
		h[6 + i] = (unsigned char)(granule >> (8 * i));
	put32le(h + 14, serial);
	put32le(h + 18, seq);
	memset(h + 22, 0, 4);
	h[26] = (unsigned char)nseg;
	sb_add(out, (char *)h, 27);
	sb_add(out, (const char *)lacing, nseg);
	sb_add(out, body, blen);
	put32le((unsigned char *)out->buf + start + 22,
		ogg_crc((unsigned char *)out->buf + start, out->len - start, 0));
}

/*
 * The header packets pk[0..npk) as Ogg pages, as libogg's flush lays them
 * out: the first packet alone on the first page (beginning of stream), the
 * others together on as few pages as the 255 lacing values allow; header
 * pages have granule position 0 where a packet ends on them (-1 where none
 * does). Returns the number of pages.
 */
static uint32_t ogg_paginate(struct sb *out, const struct sb *pk, size_t npk, uint32_t serial)
{
	unsigned char lacing[255];
	struct sb body;
	uint32_t seq = 0;
	size_t nseg = 0;
	int cont = 0, ended = 0;

	sb_init(&body);
	for (size_t k = 0; k < npk; k++) {
		size_t left = pk[k].len, pos = 0;
		for (;;) {
			size_t seg = left < 255 ? left : 255;
			lacing[nseg++] = (unsigned char)seg;
			sb_add(&body, pk[k].buf + pos, seg);
			pos += seg;
			left -= seg;
			if (seg < 255)
				ended = 1;
			if (nseg == 255 || (seg < 255 && (k == 0 || k + 1 == npk))) {
				ogg_page_add(out, serial, seq, (k == 0 ? 0x02 : 0) | (cont ? 0x01 : 0),
					     ended ? 0 : UINT64_MAX, lacing, nseg, body.buf, body.len);
				seq++;
				cont = seg == 255;
				nseg = 0;
				ended = 0;
				sb_reset(&body);
			}
			if (seg < 255)
				break;
		}
	}
	sb_release(&body);
	return seq;
}

/*
 * Adds the comments c[0..n) to the comment header of the closed Ogg file
 * (Vorbis: 3 header packets, the second "\x03vorbis" + comments + framing
 * bit; Opus: 2, the second "OpusTags" + comments + padding, RFC 7845), lays
 * the header pages out again, moves the audio pages and renumbers them when
 * the page count changed. 0 or -1.
 */
static int ogg_add_comments(int fd, int opus, const char *const *c, size_t n)
{
	struct sb pk[3], out;
	size_t npk = opus ? 2 : 3, k = 0;
	unsigned char h[27 + 255];
	off_t off = 0;
	uint32_t serial = 0, old_pages = 0, new_pages;
	int rc = -1;

	for (size_t i = 0; i < 3; i++)
		sb_init(&pk[i]);
	sb_init(&out);
	while (k < npk) {
		size_t nseg, body = 0;
		char *data;
		if (pread(fd, h, 27, off) != 27 || memcmp(h, "OggS", 4))
			goto out;
		nseg = h[26];
		serial = le32_at(h + 14);
		if (pread(fd, h + 27, nseg, off + 27) != (ssize_t)nseg)
			goto out;
		for (size_t i = 0; i < nseg; i++)
			body += h[27 + i];
		data = xmalloc(body + 1);
		if (pread(fd, data, body, off + 27 + (off_t)nseg) != (ssize_t)body) {
			free(data);
			goto out;
		}
		for (size_t i = 0, pos = 0; i < nseg; i++) {
			if (k >= npk) {             /* audio on a header page: not what libogg writes */
				free(data);
				goto out;
			}
			sb_add(&pk[k], data + pos, h[27 + i]);
			pos += h[27 + i];
			if (h[27 + i] < 255)
				k++;
		}
		free(data);
		off += 27 + (off_t)nseg + (off_t)body;
		old_pages++;
	}
	if (opus ? pk[1].len < 8 || memcmp(pk[1].buf, "OpusTags", 8)
		 : pk[1].len < 7 || memcmp(pk[1].buf, "\x03vorbis", 7))
		goto out;
	if (comments_insert(&pk[1], opus ? 8 : 7, c, n, opus) < 0)
		goto out;
	new_pages = ogg_paginate(&out, pk, npk, serial);
	if (move_tail(fd, off, (off_t)out.len) < 0 || pwrite_all(fd, out.buf, out.len, 0) < 0)
		goto out;
	if (new_pages != old_pages &&
	    ogg_fix_pages(fd, (off_t)out.len, serial, (int32_t)(new_pages - old_pages)) < 0)
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < 3; i++)
		sb_release(&pk[i]);
	sb_release(&out);
	return rc;
}

/*
 * Adds the comments c[0..n) to the VORBIS_COMMENT block of the closed FLAC
 * file; the audio frames after the block move back by the added length.
 */
static int flac_add_comments(int fd, const char *const *c, size_t n)
{
	unsigned char h[4];
	off_t pos = 4;
	struct sb blk;
	int rc = -1;

	if (pread(fd, h, 4, 0) != 4 || memcmp(h, "fLaC", 4))
		return -1;
	sb_init(&blk);
	for (;;) {
		size_t len;
		if (pread(fd, h, 4, pos) != 4)
			goto out;
		len = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
		if ((h[0] & 0x7F) == 4)
			break;
		if (h[0] & 0x80)
			goto out;               /* no comment block */
		pos += 4 + (off_t)len;
	}
	{
		size_t len = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3], old = len;
		char *b = xmalloc(len ? len : 1);
		if (pread(fd, b, len, pos + 4) != (ssize_t)len) {
			free(b);
			goto out;
		}
		sb_add(&blk, b, len);
		free(b);
		if (comments_insert(&blk, 0, c, n, 0) < 0 || blk.len > 0xFFFFFF)
			goto out;
		len = blk.len;
		if (move_tail(fd, pos + 4 + (off_t)old, pos + 4 + (off_t)len) < 0)
			goto out;
		h[1] = (unsigned char)(len >> 16);
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		if (pwrite_all(fd, h, 4, pos) < 0 || pwrite_all(fd, blk.buf, len, pos + 4) < 0)
			goto out;
	}
	rc = 0;
out:
	sb_release(&blk);
	return rc;
}

static uint32_t be32_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t syncsafe_at(const unsigned char *p)
{
	return (uint32_t)(p[0] & 0x7F) << 21 | (uint32_t)(p[1] & 0x7F) << 14 |
	       (uint32_t)(p[2] & 0x7F) << 7 | (p[3] & 0x7F);
}

static void put_syncsafe(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)((v >> 21) & 0x7F);
	p[1] = (unsigned char)((v >> 14) & 0x7F);
	p[2] = (unsigned char)((v >> 7) & 0x7F);
	p[3] = (unsigned char)(v & 0x7F);
}

/*
 * Adds a TXXX frame (ISO-8859-1 description and value) per "KEY=value" of
 * c[0..n) to the ID3v2.3/2.4 tag at the start of the closed MP3 file (as
 * LAME writes it; a new v2.3 tag when there is none): into its padding when
 * it fits, else the tag grows and the audio moves back. 0 or -1.
 */
static int id3_add_txxx(int fd, const char *const *c, size_t n)
{
	unsigned char h[10], f[10];
	struct sb frames;
	uint32_t size = 0, end;
	int ver = 3, rc = -1;
	off_t p;

	sb_init(&frames);
	if (pread(fd, h, 10, 0) == 10 && !memcmp(h, "ID3", 3)) {
		ver = h[3];
		if ((ver != 3 && ver != 4) || (h[5] & 0x90))   /* unsynchronised or with footer */
			goto out;
		size = syncsafe_at(h + 6);
	} else {
		memcpy(h, "ID3\3\0\0", 6);
		size = 0;
		if (move_tail(fd, 0, 10) < 0)
			goto out;
	}
	if (h[5] & 0x40)
		goto out;                       /* an extended header: LAME writes none */
	/* the end of the frames: the first padding byte or the tag's end */
	end = 10 + size;
	for (p = 10; p + 10 <= (off_t)end;) {
		if (pread(fd, f, 10, p) != 10)
			goto out;
		if (f[0] == 0)
			break;
		p += 10 + (off_t)(ver == 4 ? syncsafe_at(f + 4) : be32_at(f + 4));
	}
	if (p > (off_t)end)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(c[i], '=');
		uint32_t len = (uint32_t)(1 + strlen(c[i]));   /* encoding, key, NUL, value */
		unsigned char fh[10];
		if (!eq)
			goto out;
		memcpy(fh, "TXXX", 4);
		if (ver == 4)
			put_syncsafe(fh + 4, len);
		else {
			fh[4] = (unsigned char)(len >> 24);
			fh[5] = (unsigned char)(len >> 16);
			fh[6] = (unsigned char)(len >> 8);
			fh[7] = (unsigned char)len;
		}
		fh[8] = fh[9] = 0;
		sb_add(&frames, (char *)fh, 10);
		sb_addc(&frames, '\0');                 /* ISO-8859-1 */
		sb_add(&frames, c[i], (size_t)(eq - c[i]));
		sb_addc(&frames, '\0');
		sb_adds(&frames, eq + 1);
	}
	if ((off_t)frames.len > (off_t)end - p) {
		uint32_t grow = (uint32_t)((off_t)frames.len - ((off_t)end - p));
		if (move_tail(fd, (off_t)end, (off_t)end + grow) < 0)
			goto out;
		size += grow;
		put_syncsafe(h + 6, size);
		if (pwrite_all(fd, h, 10, 0) < 0)
			goto out;
	}
	if (pwrite_all(fd, frames.buf, frames.len, p) < 0)
		goto out;
	rc = 0;
out:
	sb_release(&frames);
	return rc;
}

/*
 * Adds the loudness tags of the format's convention (the table's gain_tags)
 * from w->measured to the closed file. 0 or -1 (errno set where a system
 * call failed).
 */
static int add_gain_tags(struct afile_writer *w)
{
	const struct loudness *l = &w->measured;
	char gain[64], peak[64];
	const char *c[2] = { gain, peak };

	if (w->fi->gain_tags == AF_GAIN_R128) {
		double q = lrint((AF_R128_REF_LUFS - l->integrated) * 256.0);
		q = q > 32767 ? 32767 : q < -32768 ? -32768 : q;
		snprintf(gain, sizeof(gain), "R128_TRACK_GAIN=%d", (int)q);
		return ogg_add_comments(w->fd, 1, c, 1);
	}
	snprintf(gain, sizeof(gain), "REPLAYGAIN_TRACK_GAIN=%+.2f dB",
		 AF_REPLAYGAIN_REF_LUFS - l->integrated);
	snprintf(peak, sizeof(peak), "REPLAYGAIN_TRACK_PEAK=%.6f",
		 isfinite(l->true_peak) ? pow(10.0, l->true_peak / 20.0) : 0.0);
	if (w->fi->carries & AF_CARRIES_ID3)
		return id3_add_txxx(w->fd, c, 2);
	if (w->fi->sf_major == SF_FORMAT_FLAC)
		return flac_add_comments(w->fd, c, 2);
	if (w->fi->sf_major == SF_FORMAT_OGG)
		return ogg_add_comments(w->fd, 0, c, 2);
	return 0;
}

void afile_set_measured(struct afile_writer *w, const struct loudness *l)
{
	w->measured = *l;
	w->have_measured = isfinite(l->integrated);
}

/* Closes the encoder and fixes the stream up (Ogg serial, cue labels); idempotent. */
static int writer_finish(struct afile_writer *w, struct err *e)
{
	const char *name = writer_name(w);
	char msg[256];
	int rc;

	if (w->finished)
		return 0;
	w->finished = 1;
	rc = sf_close(w->sf);
	w->sf = NULL;
	if (rc != 0)
		return err_set(e, "%s: cannot write: %s", name, clean_msg(sf_error_number(rc), msg, sizeof(msg)));
	if (w->fi->sf_major == SF_FORMAT_OGG &&
	    ogg_fix_serial(w->fd, (uint32_t)(w->o.dither_seed * 2654435761u) ^ 0x53505243u) < 0)
		return err_set(e, "%s: cannot write: damaged ogg stream", name);
	if (w->ncues > 0 && append_cue_labels(w, 1) < 0)
		return err_set(e, "%s: cannot write cue labels: %s", name, strerror(errno ? errno : EIO));
	return 0;
}

int afile_is_lossy(const struct afile_writer *w)
{
	return w->fi->lossy;
}

int afile_measure(struct afile_writer *w, int dual_mono, struct loudness *out, struct err *e)
{
	const char *name = writer_name(w);
	SF_INFO info;
	SNDFILE *sf;
	struct meter *m = NULL;
	float *buf = NULL;
	char msg[256];
	int fd, rc = -1;

	if (writer_finish(w, e) < 0)
		return -1;
	fd = dup(w->fd);
	if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		if (fd >= 0)
			close(fd);
		return err_set(e, "%s: cannot read the encoded file back: %s", name, strerror(errno));
	}
	memset(&info, 0, sizeof(info));
	sf = sf_open_fd(fd, SFM_READ, &info, 1);
	if (!sf)
		return err_set(e, "%s: cannot decode the encoded file: %s", name,
			       clean_msg(sf_strerror(NULL), msg, sizeof(msg)));
	m = meter_new(info.channels, info.samplerate, 1, dual_mono && info.channels == 1, e);
	if (!m)
		goto out;
	buf = xmalloc(SBUF_FRAMES * (size_t)info.channels * sizeof(float));
	for (;;) {
		sf_count_t got = sf_readf_float(sf, buf, SBUF_FRAMES);
		if (got <= 0)
			break;
		if (meter_add(m, buf, (size_t)got, e) < 0)
			goto out;
	}
	if (sf_error(sf) != SF_ERR_NO_ERROR) {
		err_set(e, "%s: cannot decode the encoded file: %s", name,
			clean_msg(sf_strerror(sf), msg, sizeof(msg)));
		goto out;
	}
	rc = meter_result(m, out, e);
out:
	free(buf);
	meter_free(m);
	sf_close(sf);
	return rc;
}

int afile_commit(struct afile_writer *w, struct err *e)
{
	if (writer_finish(w, e) < 0)
		goto fail;
	errno = 0;
	if (w->have_measured && w->fi->gain_tags != AF_GAIN_NONE && add_gain_tags(w) < 0) {
		err_set(e, "%s: cannot write the loudness tags: %s", writer_name(w),
			errno ? strerror(errno) : "unexpected file layout");
		goto fail;
	}
	if (w->to_stdout) {
		if (copy_to_stdout(w->fd) < 0) {
			err_set(e, "stdout: cannot write: %s", strerror(errno));
			goto fail;
		}
		close(w->fd);
		w->fd = -1;
	} else {
		struct outfile *out = w->out;
		w->out = NULL;
		w->fd = -1;
		if (outfile_commit(out, e) < 0)
			goto fail;
	}
	writer_free(w);
	return 0;
fail:
	writer_discard(w);
	return -1;
}

void afile_abort(struct afile_writer *w)
{
	if (w)
		writer_discard(w);
}

int afile_check(const char *path, const struct afile_opts *o, struct err *e)
{
	struct afile_writer *w = afile_create(path, o, NULL, e);

	if (!w)
		return -1;
	afile_abort(w);
	if (strcmp(path, "-"))
		outfile_note(path);    /* a change by someone else before commit is an error */
	return 0;
}
