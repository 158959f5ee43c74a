/*
 * audiofile.c - reading and writing audio files with libsndfile.
 *
 * The writer never touches the target until the file is complete: audio goes
 * to "<dir>/.<name>.XXXXXX.tmp", which afile_commit closes, fsyncs and renames
 * onto the target. The temporary paths of open writers sit in a static table
 * that afile_cleanup_temp can walk from a signal handler (unlink only).
 */
#include "audiofile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
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

	/* info.frames can be approximate for some codecs: read until the end. */
	cap = info.frames > 0 && info.frames < ((sf_count_t)1 << 34) ? (size_t)info.frames + 1 : 65536;
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

/* ---- format names ------------------------------------------------------ */

static const struct {
	const char *ext;
	enum afile_format fmt;
} extensions[] = {
	{ "wav", AF_WAV }, { "flac", AF_FLAC }, { "ogg", AF_OGG },
	{ "opus", AF_OPUS }, { "mp3", AF_MP3 },
};

static int ext_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (a_tolower((unsigned char)*a) != a_tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int afile_format_from_name(const char *path, enum afile_format *fmt, struct err *e)
{
	const char *slash, *dot;

	if (strcmp(path, "-") == 0) {
		*fmt = AF_WAV;
		return 0;
	}
	slash = strrchr(path, '/');
	dot = strrchr(slash ? slash + 1 : path, '.');
	if (dot && dot != (slash ? slash + 1 : path)) {
		for (size_t i = 0; i < ARRAY_LEN(extensions); i++) {
			if (ext_equal(dot + 1, extensions[i].ext)) {
				*fmt = extensions[i].fmt;
				return 0;
			}
		}
	}
	return err_set(e, "%s: unsupported output format '%s' (supported: .wav, .flac, .ogg, .opus, .mp3)",
		       path, dot && dot != (slash ? slash + 1 : path) ? dot : "(none)");
}

/* ---- temporary file registry (signal-safe) ----------------------------- */

#define MAX_TEMPS 8

/*
 * state: 0 free, 1 claimed (path being written), 2 active (handler may
 * unlink path). Only the owner writes `path`, and only while state is 1.
 */
static struct {
	volatile sig_atomic_t state;
	char path[PATH_MAX];
} temps[MAX_TEMPS];

static int temp_claim(void)
{
	for (int i = 0; i < MAX_TEMPS; i++) {
		sig_atomic_t expect = 0;
		if (__atomic_compare_exchange_n(&temps[i].state, &expect, 1, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return i;
	}
	return -1;
}

static void temp_release(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&temps[slot].state, 0, __ATOMIC_SEQ_CST);
}

int afile_temp_register(const char *path)
{
	int slot = temp_claim();

	if (slot < 0 || strlen(path) >= PATH_MAX) {
		temp_release(slot);
		return -1;
	}
	memcpy(temps[slot].path, path, strlen(path) + 1);
	__atomic_store_n(&temps[slot].state, 2, __ATOMIC_SEQ_CST);
	return slot;
}

void afile_temp_forget(int slot)
{
	temp_release(slot);
}

void afile_cleanup_temp(void)
{
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temps[i].state == 2)
			unlink(temps[i].path);
}

/* ---- writer state ------------------------------------------------------ */

struct afile_writer {
	SNDFILE *sf;
	int fd;                 /* temp file; kept open for fsync and chunk appends */
	int slot;               /* index in temps[], -1 when none */
	int to_stdout;
	char *target;           /* as given ("-" for stdout) */
	char *tmp;              /* temporary file path */
	struct afile_opts o;
	uint64_t rng;           /* dither state */
	short *sbuf;            /* 16-bit conversion buffer of SBUF_FRAMES frames */
	int *ibuf;              /* 24-bit PCM: conversion buffer of SBUF_FRAMES frames */
	size_t unsynced;        /* frames written since the last background writeback */
	uint64_t frames;        /* frames written */
	int rf64;
	/* cue labels for the LIST/adtl chunk (WAV) */
	struct afile_cue *cues;
	size_t ncues;
};

#define SBUF_FRAMES 4096
#define WRITEBACK_FRAMES (1u << 22)    /* about 24 MB of 24-bit stereo */

static void writer_free(struct afile_writer *w)
{
	free(w->target);
	free(w->tmp);
	free(w->sbuf);
	free(w->ibuf);
	free(w->cues);
	free(w);
}

/* Drops the temporary file and everything the writer holds. */
static void writer_discard(struct afile_writer *w)
{
	if (w->sf)
		sf_close(w->sf);
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp)
		unlink(w->tmp);
	temp_release(w->slot);
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

static int set_bext(struct afile_writer *w, const struct afile_meta *m)
{
	SF_BROADCAST_INFO b;
	uint32_t h;
	char ref[40];
	const char *date = m->orig_date ? m->orig_date : "";
	const char *tm = m->orig_time ? m->orig_time : "";

	memset(&b, 0, sizeof(b));
	copy_field(b.description, sizeof(b.description), m->title);
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

static int set_cart(struct afile_writer *w, const struct afile_meta *m)
{
	SF_CART_INFO c;
	const char *date = m->orig_date ? m->orig_date : "";

	memset(&c, 0, sizeof(c));
	memcpy(c.version, "0101", 4);
	copy_field(c.title, sizeof(c.title), m->title);
	copy_field(c.artist, sizeof(c.artist), m->artist);
	copy_field(c.category, sizeof(c.category), "NEWS");
	copy_field(c.out_cue, sizeof(c.out_cue), m->out_cue);
	copy_field(c.start_date, sizeof(c.start_date), *date ? date : "2000-01-01");
	copy_field(c.start_time, sizeof(c.start_time), m->orig_time ? m->orig_time : "00:00:00");
	copy_field(c.end_date, sizeof(c.end_date), "9999-12-31");
	copy_field(c.end_time, sizeof(c.end_time), "23:59:59");
	copy_field(c.producer_app_id, sizeof(c.producer_app_id), "sprecher");
	copy_field(c.producer_app_version, sizeof(c.producer_app_version), SPRECHER_VERSION);
	c.level_reference = 0;
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

static int ogg_fix_serial(int fd, uint32_t serial)
{
	unsigned char *page = xmalloc(27 + 255 + 255 * 255);
	off_t off = 0;
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

/* ---- opening ----------------------------------------------------------- */

static int sf_format_for(const struct afile_opts *o, int rf64, int *fmt, const char *path,
			 struct err *e)
{
	int sub;

	switch (o->format) {
	case AF_WAV:
		sub = o->bits == AF_BITS_16 ? SF_FORMAT_PCM_16 :
		      o->bits == AF_BITS_24 ? SF_FORMAT_PCM_24 :
		      o->bits == AF_BITS_32F ? SF_FORMAT_FLOAT : 0;
		if (!sub)
			return err_set(e, "%s: wav holds 16, 24 or 32f bits, not %d", path, (int)o->bits);
		*fmt = (rf64 ? SF_FORMAT_RF64 : SF_FORMAT_WAV) | sub;
		return 0;
	case AF_FLAC:
		if (o->bits != AF_BITS_16 && o->bits != AF_BITS_24)
			return err_set(e, "%s: flac holds 16 or 24 bits, not %s", path,
				       o->bits == AF_BITS_32F ? "32f" : "this");
		*fmt = SF_FORMAT_FLAC | (o->bits == AF_BITS_16 ? SF_FORMAT_PCM_16 : SF_FORMAT_PCM_24);
		return 0;
	case AF_OGG:
		*fmt = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
		return 0;
	case AF_OPUS:
		if (o->rate != 48000)
			return err_set(e, "%s: opus output needs 48000 Hz, not %d Hz", path, o->rate);
		*fmt = SF_FORMAT_OGG | SF_FORMAT_OPUS;
		return 0;
	case AF_MP3:
		if (o->channels > 2)
			return err_set(e, "%s: mp3 holds one or two channels, not %d", path, o->channels);
		*fmt = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
		return 0;
	}
	return err_set(e, "%s: unknown output format", path);
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
	} else if (o->format == AF_OGG || o->format == AF_FLAC) {
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

/* Splits `path` into a malloc'd directory ("." when none) and a base name pointer. */
static char *dir_of(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*base = path;
		return xstrdup(".");
	}
	*base = slash + 1;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

struct afile_writer *afile_create(const char *path, const struct afile_opts *o,
				  const struct afile_meta *m, struct err *e)
{
	struct afile_writer *w;
	struct stat st;
	SF_INFO info;
	mode_t mask;
	int fmt = 0;
	char msg[256];

	if (o->channels < 1 || o->channels > 64 || o->rate < 1) {
		err_set(e, "%s: invalid channel count or sample rate", path);
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = -1;
	w->slot = -1;
	w->o = *o;
	w->target = xstrdup(path);
	w->to_stdout = strcmp(path, "-") == 0;
	if (w->to_stdout)
		w->o.format = AF_WAV;
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

	/* ---- the temporary file ---- */
	if (w->to_stdout) {
		const char *td = getenv("TMPDIR");
		struct sb s;
		sb_init(&s);
		sb_addf(&s, "%s/sprecher-stdout.XXXXXX.wav", td && *td ? td : "/tmp");
		w->tmp = sb_detach(&s);
	} else {
		const char *base;
		char *dir = dir_of(path, &base);
		struct sb s;

		if (*base == '\0' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
			free(dir);
			err_set(e, "%s: is a directory", path);
			goto fail;
		}
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			/* renaming over a device or pipe would replace it with a file */
			free(dir);
			err_set(e, "%s: not a regular file (use -o - to write to a pipe)", path);
			goto fail;
		}
		sb_init(&s);
		sb_addf(&s, "%s/.%s.XXXXXX.tmp", dir, base);
		w->tmp = sb_detach(&s);
		free(dir);
	}
	if (strlen(w->tmp) >= PATH_MAX) {
		err_set(e, "%s: cannot create: %s", path, strerror(ENAMETOOLONG));
		goto fail;
	}
	w->slot = temp_claim();
	w->fd = mkstemps(w->tmp, 4);   /* suffix ".tmp" or ".wav" */
	if (w->fd < 0) {
		err_set(e, "%s: cannot create: %s", path, strerror(errno));
		free(w->tmp);
		w->tmp = NULL;  /* nothing to unlink */
		goto fail;
	}
	if (w->slot >= 0) {
		memcpy(temps[w->slot].path, w->tmp, strlen(w->tmp) + 1);
		__atomic_store_n(&temps[w->slot].state, 2, __ATOMIC_SEQ_CST);
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(w->fd, 0666 & ~mask) < 0) {
		err_set(e, "%s: cannot create: %s", path, strerror(errno));
		goto fail;
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

	if (m) {
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
			if (v && *v && w->o.format == AF_MP3)
				v = id3_text(tag, sizeof(tag), v, strs[i].id == SF_STR_DATE);
			if (v && *v && sf_set_string(w->sf, strs[i].id, v) != 0) {
				err_set(e, "%s: cannot set tags: %s", path,
					clean_msg(sf_strerror(w->sf), msg, sizeof(msg)));
				goto fail;
			}
		}
		if (w->o.format == AF_WAV) {
			if (set_bext(w, m) < 0) {
				err_set(e, "%s: cannot set bext chunk: %s", path,
					clean_msg(sf_strerror(w->sf), msg, sizeof(msg)));
				goto fail;
			}
			if (set_cart(w, m) < 0) {
				err_set(e, "%s: cannot set cart chunk: %s", path,
					clean_msg(sf_strerror(w->sf), msg, sizeof(msg)));
				goto fail;
			}
			if (m->ncues > 0) {
				w->cues = xmalloc(m->ncues * sizeof(*w->cues));
				memcpy(w->cues, m->cues, m->ncues * sizeof(*w->cues));
				w->ncues = m->ncues;
			}
		}
	}
	w->rng = o->dither_seed ^ 0x9E3779B97F4A7C15ull;
	if (o->bits == AF_BITS_16 && (w->o.format == AF_WAV || w->o.format == AF_FLAC))
		w->sbuf = xmalloc(SBUF_FRAMES * (size_t)o->channels * sizeof(short));
	if (o->bits == AF_BITS_24 && (w->o.format == AF_WAV || w->o.format == AF_FLAC))
		w->ibuf = xmalloc(SBUF_FRAMES * (size_t)o->channels * sizeof(int));
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
	for (size_t i = 0; i < n; i++) {
		float v = in[i] * 8388608.0f;
		v = v > 8388607.0f ? 8388607.0f : v < -8388608.0f ? -8388608.0f : v;
		out[i] = (int)(v + (v < 0.0f ? -0.5f : 0.5f)) * 256;
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
			if (sf_writef_int(w->sf, w->ibuf, (sf_count_t)k) != (sf_count_t)k)
				goto fail;
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
	return err_set(e, "%s: cannot write: %s", w->to_stdout ? "stdout" : w->target,
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

int afile_commit(struct afile_writer *w, struct err *e)
{
	const char *name = w->to_stdout ? "stdout" : w->target;
	char msg[256];
	int rc;

	rc = sf_close(w->sf);
	w->sf = NULL;
	if (rc != 0) {
		err_set(e, "%s: cannot write: %s", name, clean_msg(sf_error_number(rc), msg, sizeof(msg)));
		goto fail;
	}
	if ((w->o.format == AF_OGG || w->o.format == AF_OPUS) &&
	    ogg_fix_serial(w->fd, (uint32_t)(w->o.dither_seed * 2654435761u) ^ 0x53505243u) < 0) {
		err_set(e, "%s: cannot write: damaged ogg stream", name);
		goto fail;
	}
	if (w->ncues > 0 && append_cue_labels(w, 1) < 0) {
		err_set(e, "%s: cannot write cue labels: %s", name, strerror(errno ? errno : EIO));
		goto fail;
	}
	if (fsync(w->fd) < 0) {
		err_set(e, "%s: cannot write: %s", name, strerror(errno));
		goto fail;
	}
	if (w->to_stdout) {
		if (copy_to_stdout(w->fd) < 0) {
			err_set(e, "stdout: cannot write: %s", strerror(errno));
			goto fail;
		}
		close(w->fd);
		w->fd = -1;
		unlink(w->tmp);
	} else {
		const char *base;
		char *dir;
		int dfd;

		if (close(w->fd) < 0) {
			w->fd = -1;
			err_set(e, "%s: cannot write: %s", name, strerror(errno));
			goto fail;
		}
		w->fd = -1;
		if (rename(w->tmp, w->target) < 0) {
			err_set(e, "%s: cannot write: %s", name, strerror(errno));
			goto fail;
		}
		/* Make the rename durable; failure here is harmless. */
		dir = dir_of(w->target, &base);
		dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	temp_release(w->slot);
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
	return 0;
}
