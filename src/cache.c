/*
 * cache.c - content-addressed cache of synthesis results (see cache.h).
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <nettle/umac.h>

#include "speechq.h"
#include "voice.h"

#define MAGIC "SPRC"
#define FORMAT 2u
#define CHECK_SIZE UMAC64_DIGEST_SIZE
#define HEADER (4 + 4 + CACHE_KEY_SIZE + 8 + CHECK_SIZE)
#define STALE_TMP_SECONDS 3600

/* ==== keys =============================================================== */

struct cache_hasher {
	struct sha256_ctx ctx;
};

struct cache_hasher *cache_hasher_new(void)
{
	struct cache_hasher *h = xmalloc(sizeof(*h));
	sha256_init(&h->ctx);
	return h;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void cache_hasher_add(struct cache_hasher *h, const void *data, size_t len)
{
	unsigned char n[8];

	put_u64(n, len);
	sha256_update(&h->ctx, sizeof(n), n);
	sha256_update(&h->ctx, len, data);
}

void cache_hasher_adds(struct cache_hasher *h, const char *s)
{
	cache_hasher_add(h, s ? s : "", s ? strlen(s) : 0);
}

void cache_hasher_addi(struct cache_hasher *h, long long v)
{
	unsigned char b[8];
	put_u64(b, (uint64_t)v);
	cache_hasher_add(h, b, sizeof(b));
}

void cache_hasher_done(struct cache_hasher *h, struct cache_key *out)
{
	sha256_digest(&h->ctx, CACHE_KEY_SIZE, out->b);
	free(h);
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int cache_default_dir(char *buf, size_t size)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");

	if (x && x[0] == '/')
		snprintf(buf, size, "%s/sprecher", x);
	else if (h && *h)
		snprintf(buf, size, "%s/.cache/sprecher", h);
	else
		return -1;
	return 0;
}

/* ==== the cache ========================================================== */

struct cache {
	char *dir;              /* DIR/v1 */
	char *top;              /* DIR */
	uint64_t limit;
	uint64_t hits, misses, damaged, written;
	pthread_mutex_t mu;
};

/* mkdir -p for `path`. */
static int make_dirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) && errno != EEXIST)
				rc = -1;
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

struct cache *cache_open(const char *dir, uint64_t limit_bytes, struct err *e)
{
	struct cache *c;
	struct sb v;

	sb_init(&v);
	sb_addf(&v, "%s/v1", dir);
	if (make_dirs(v.buf) || access(v.buf, W_OK | X_OK)) {
		err_set(e, "%s: cannot use as the cache directory: %s", dir, strerror(errno));
		sb_release(&v);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->dir = sb_detach(&v);
	c->top = xstrdup(dir);
	c->limit = limit_bytes ? limit_bytes : (uint64_t)CACHE_DEFAULT_LIMIT_MB << 20;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void cache_close(struct cache *c)
{
	struct err e;

	if (!c)
		return;
	if (c->written)
		(void)cache_trim(c->top, c->limit, &e);
	pthread_mutex_destroy(&c->mu);
	free(c->dir);
	free(c->top);
	free(c);
}

static void count(struct cache *c, uint64_t *field, uint64_t add)
{
	pthread_mutex_lock(&c->mu);
	*field += add;
	pthread_mutex_unlock(&c->mu);
}

void cache_counts(const struct cache *c, uint64_t *hits, uint64_t *misses, uint64_t *damaged)
{
	*hits = c ? c->hits : 0;
	*misses = c ? c->misses : 0;
	*damaged = c ? c->damaged : 0;
}

/* DIR/v1/XX/<hex> (and the directory DIR/v1/XX in `sub` when not NULL). */
static void entry_path(const struct cache *c, const struct cache_key *k, struct sb *path, struct sb *sub)
{
	char hex[2 * CACHE_KEY_SIZE + 1];

	to_hex(k->b, CACHE_KEY_SIZE, hex);
	sb_init(path);
	sb_addf(path, "%s/%.2s/%s", c->dir, hex, hex);
	if (sub) {
		sb_init(sub);
		sb_addf(sub, "%s/%.2s", c->dir, hex);
	}
}

/*
 * The checksum of a blob stored under `k`: UMAC-64 (nettle) with a fixed
 * key and the entry's key as the nonce. It guards against damage, not
 * against forgery (anyone who may write the cache may write any audio), and
 * runs about five times faster than SHA-256 over the megabytes of a
 * sentence: on a warm re-render it is paid for every byte read.
 */
static void blob_check(const struct cache_key *k, const void *b, size_t len,
		       unsigned char out[CHECK_SIZE])
{
	static const uint8_t key[UMAC_KEY_SIZE + 1] = "sprecher cache 2";
	struct umac64_ctx ctx;

	umac64_set_key(&ctx, key);
	umac64_set_nonce(&ctx, UMAC_MAX_NONCE_SIZE, k->b);
	umac64_update(&ctx, len, b);
	umac64_digest(&ctx, CHECK_SIZE, out);
}

/*
 * Checks an entry of `size` bytes: its header `h` against `k`, the blob `b`
 * (size - HEADER bytes) against the header's checksum. Returns NULL when
 * whole, else what is wrong.
 */
static const char *check_entry(const unsigned char *h, const unsigned char *b, size_t size,
			       const struct cache_key *k)
{
	unsigned char d[CHECK_SIZE];
	uint64_t len;

	if (size < HEADER || memcmp(h, MAGIC, 4))
		return "not a cache entry";
	if (h[4] != FORMAT || h[5] || h[6] || h[7])
		return "unknown entry format";
	if (memcmp(h + 8, k->b, CACHE_KEY_SIZE))
		return "entry under the wrong name";
	len = get_u64(h + 8 + CACHE_KEY_SIZE);
	if (len != size - HEADER)
		return "truncated";
	blob_check(k, b, (size_t)len, d);
	if (memcmp(d, h + 8 + CACHE_KEY_SIZE + 8, sizeof(d)))
		return "checksum mismatch";
	return NULL;
}

int cache_get(struct cache *c, const struct cache_key *k, void **data, size_t *len, struct err *e)
{
	struct sb path;
	struct stat st;
	unsigned char h[HEADER], *b = NULL;
	const char *bad = NULL;
	size_t size = 0;
	int fd, rc = 0;

	entry_path(c, k, &path, NULL);
	fd = open(path.buf, O_RDONLY);
	if (fd < 0)
		goto miss;
	if (fstat(fd, &st) || st.st_size < 0 || (uint64_t)st.st_size > ((uint64_t)1 << 34)) {
		bad = "cannot read";
	} else if ((size = (size_t)st.st_size) < HEADER) {
		bad = "not a cache entry";
	} else {
		/* the header apart, so the blob lands at the start of its own buffer */
		b = xmalloc(size - HEADER + 1);
		if (fd_read_full(fd, h, HEADER) || fd_read_full(fd, b, size - HEADER))
			bad = "truncated";
		else
			bad = check_entry(h, b, size, k);
	}
	if (!bad)
		(void)futimens(fd, NULL);   /* least recently used: the mtime is the last use */
	close(fd);
	if (bad) {
		err_set(e, "%s: damaged cache entry (%s); removed, synthesizing again", path.buf, bad);
		unlink(path.buf);
		count(c, &c->damaged, 1);
		free(b);
		rc = -1;
		goto miss;
	}
	*len = size - HEADER;
	*data = b;
	count(c, &c->hits, 1);
	sb_release(&path);
	return 1;
miss:
	if (rc == 0)
		count(c, &c->misses, 1);
	sb_release(&path);
	return rc;
}

int cache_put(struct cache *c, const struct cache_key *k, const void *data, size_t len, struct err *e)
{
	unsigned char h[HEADER];
	struct sb path, sub, tmp;
	mode_t m;
	int fd, rc = -1;

	memcpy(h, MAGIC, 4);
	h[4] = FORMAT;
	h[5] = h[6] = h[7] = 0;
	memcpy(h + 8, k->b, CACHE_KEY_SIZE);
	put_u64(h + 8 + CACHE_KEY_SIZE, len);
	blob_check(k, data, len, h + 8 + CACHE_KEY_SIZE + 8);

	entry_path(c, k, &path, &sub);
	sb_init(&tmp);
	sb_addf(&tmp, "%s/.tmp.XXXXXX", sub.buf);
	if (mkdir(sub.buf, 0777) && errno != EEXIST)
		goto fail;
	fd = mkstemp(tmp.buf);
	if (fd < 0)
		goto fail;
	m = umask(022);
	umask(m);
	(void)fchmod(fd, 0666 & ~m);    /* a shared cache: readable by the others */
	if (fd_write_full(fd, h, sizeof(h)) || fd_write_full(fd, data, len)) {
		close(fd);
		unlink(tmp.buf);
		goto fail;
	}
	if (close(fd) || rename(tmp.buf, path.buf)) {
		unlink(tmp.buf);
		goto fail;
	}
	count(c, &c->written, len + HEADER);
	rc = 0;
	goto out;
fail:
	err_set(e, "%s: cannot write a cache entry: %s", path.buf, strerror(errno));
out:
	sb_release(&path);
	sb_release(&sub);
	sb_release(&tmp);
	return rc;
}

/* ==== walking the cache: usage, clear, trim ============================== */

struct entry {
	char *path;
	uint64_t bytes;
	struct timespec mtime;
};

struct walk {
	struct entry *v;
	size_t n, cap;
	uint64_t bytes;
};

static int is_entry_name(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == 2 * CACHE_KEY_SIZE;
}

/*
 * Collects the entries of DIR/v1 into w; temporary files older than an hour
 * are removed on the way when `clean_tmp` (or all of them when `clean_tmp` > 1).
 */
static void walk(const char *top, struct walk *w, int clean_tmp)
{
	struct sb v, p;
	DIR *d, *s;
	struct dirent *de, *fe;
	time_t now = time(NULL);

	sb_init(&v);
	sb_init(&p);
	sb_addf(&v, "%s/v1", top);
	d = opendir(v.buf);
	while (d && (de = readdir(d))) {
		if (strlen(de->d_name) != 2 || de->d_name[0] == '.')
			continue;
		sb_reset(&p);
		sb_addf(&p, "%s/%s", v.buf, de->d_name);
		s = opendir(p.buf);
		while (s && (fe = readdir(s))) {
			struct stat st;
			struct sb f;
			int tmp = !strncmp(fe->d_name, ".tmp.", 5);
			if (!tmp && !is_entry_name(fe->d_name))
				continue;
			sb_init(&f);
			sb_addf(&f, "%s/%s", p.buf, fe->d_name);
			if (stat(f.buf, &st) == 0 && S_ISREG(st.st_mode)) {
				if (tmp) {
					if (clean_tmp > 1 || (clean_tmp && now - st.st_mtime > STALE_TMP_SECONDS))
						unlink(f.buf);
				} else {
					xgrow((void **)&w->v, &w->cap, w->n + 1, sizeof(*w->v));
					w->v[w->n].path = sb_detach(&f);
					w->v[w->n].bytes = (uint64_t)st.st_size;
					w->v[w->n].mtime = st.st_mtim;
					w->bytes += (uint64_t)st.st_size;
					w->n++;
				}
			}
			sb_release(&f);
		}
		if (s)
			closedir(s);
	}
	if (d)
		closedir(d);
	sb_release(&v);
	sb_release(&p);
}

static void walk_release(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
}

int cache_usage(const char *dir, uint64_t *entries, uint64_t *bytes, struct err *e)
{
	struct walk w = { 0 };

	(void)e;
	walk(dir, &w, 0);
	*entries = w.n;
	*bytes = w.bytes;
	walk_release(&w);
	return 0;
}

int cache_clear(const char *dir, struct err *e)
{
	struct walk w = { 0 };
	int rc = 0;

	walk(dir, &w, 2);
	for (size_t i = 0; i < w.n; i++)
		if (unlink(w.v[i].path) && errno != ENOENT && !rc)
			rc = err_set(e, "%s: cannot remove: %s", w.v[i].path, strerror(errno));
	walk_release(&w);
	return rc;
}

static int older_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

int cache_trim(const char *dir, uint64_t limit_bytes, struct err *e)
{
	struct walk w = { 0 };
	uint64_t keep = limit_bytes / 10 * 9;

	(void)e;
	walk(dir, &w, 1);
	if (w.bytes > limit_bytes) {
		qsort(w.v, w.n, sizeof(*w.v), older_first);
		for (size_t i = 0; i < w.n && w.bytes > keep; i++)
			if (unlink(w.v[i].path) == 0 || errno == ENOENT)
				w.bytes -= w.v[i].bytes;
	}
	walk_release(&w);
	return 0;
}

/* ==== speech entries ===================================================== */

void cache_speech_key(const char *spoken, const struct voice_preset *v, const char *synth_id,
		      int in_rate, int out_rate, const char *resampler, struct cache_key *k)
{
	struct cache_hasher *h = cache_hasher_new();
	const uint16_t endian = 1;

	cache_hasher_adds(h, "sprecher speech 2");
	cache_hasher_addi(h, SPEECH_DSP_VERSION);
	cache_hasher_add(h, &endian, sizeof(endian));   /* frames are stored in host order */
	cache_hasher_adds(h, synth_id);
	cache_hasher_adds(h, v->espeak);
	cache_hasher_adds(h, v->variant);
	cache_hasher_addi(h, v->rate);
	cache_hasher_addi(h, v->pitch);
	cache_hasher_addi(h, v->range);
	cache_hasher_addi(h, v->volume);
	cache_hasher_addi(h, v->wordgap);
	cache_hasher_addi(h, in_rate);
	cache_hasher_addi(h, out_rate);
	cache_hasher_adds(h, resampler);
	cache_hasher_adds(h, spoken);
	cache_hasher_done(h, k);
}

/*
 * Blob: floats | nwords x (u64 frame, u64 spoken offset) | u64 nframes, nwords |
 * double true peak. The frames come first so that a hit hands the blob
 * itself to the caller as its frames, without a copy.
 */
#define TRAILER (2 * 8 + sizeof(double))

int cache_put_speech(struct cache *c, const struct cache_key *k, const struct speech *sp,
		     struct err *e)
{
	size_t len = sp->nframes * sizeof(float) + sp->nwords * 2 * 8 + TRAILER;
	unsigned char *b = xmalloc(len), *p = b;
	int rc;

	if (sp->nframes)
		memcpy(p, sp->frames, sp->nframes * sizeof(float));
	p += sp->nframes * sizeof(float);
	for (size_t i = 0; i < sp->nwords; i++, p += 16) {
		put_u64(p, sp->words[i].frame);
		put_u64(p + 8, sp->words[i].spoken);
	}
	put_u64(p, sp->nframes);
	put_u64(p + 8, sp->nwords);
	memcpy(p + 16, &sp->true_peak, sizeof(double));
	rc = cache_put(c, k, b, len, e);
	free(b);
	return rc;
}

int cache_get_speech(struct cache *c, const struct cache_key *k, struct speech *out, struct err *e)
{
	unsigned char *b, *p, *t;
	void *data;
	size_t len;
	uint64_t nf, nw;
	int rc = cache_get(c, k, &data, &len, e);

	if (rc != 1)
		return rc;
	b = data;
	t = b + (len >= TRAILER ? len - TRAILER : 0);
	nf = len >= TRAILER ? get_u64(t) : 0;
	nw = len >= TRAILER ? get_u64(t + 8) : 0;
	if (len < TRAILER || nf > len / sizeof(float) || nw > len / 16 ||
	    len != nf * sizeof(float) + nw * 16 + TRAILER) {
		free(data);
		count(c, &c->damaged, 1);
		return err_set(e, "damaged cache entry (a sentence of the wrong size); synthesizing again");
	}
	memset(out, 0, sizeof(*out));
	out->nframes = nf;
	out->nwords = nw;
	memcpy(&out->true_peak, t + 16, sizeof(double));
	p = b + nf * sizeof(float);
	if (nw)
		out->words = xmalloc(nw * sizeof(*out->words));
	for (size_t i = 0; i < nw; i++, p += 16) {
		out->words[i].frame = get_u64(p);
		out->words[i].spoken = get_u64(p + 8);
	}
	if (nf)
		out->frames = (float *)data;    /* the floats lead the blob: no copy */
	else
		free(data);
	return 1;
}
