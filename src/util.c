/*
 * util.c - errors, warnings, memory, growable strings, file reading, UTF-8,
 * atomic output files.
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- errors and warnings ----------------------------------------------- */

int err_set(struct err *e, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

void warns_init(struct warns *w)
{
	w->v = NULL;
	w->n = w->cap = 0;
}

void warns_release(struct warns *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	warns_init(w);
}

void warns_add(struct warns *w, const char *fmt, ...)
{
	struct sb s;
	va_list ap;

	if (!w)
		return;
	sb_init(&s);
	va_start(ap, fmt);
	sb_vaddf(&s, fmt, ap);
	va_end(ap);
	XGROW(w->v, w->cap, w->n + 1);
	w->v[w->n++] = sb_detach(&s);
}

/* ---- memory ------------------------------------------------------------ */

static void oom(void)
{
	fputs("sprecher: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void xgrow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;

	if (need <= c)
		return;
	if (c < 16)
		c = 16;
	while (c < need)
		c = c / 2 * 3;
	if (c > SIZE_MAX / size)
		oom();
	*p = xrealloc(*p, c * size);
	*cap = c;
}

/* ---- growable string --------------------------------------------------- */

static char sb_empty[1];

void sb_init(struct sb *s)
{
	s->buf = sb_empty;
	s->len = s->cap = 0;
}

void sb_release(struct sb *s)
{
	if (s->cap)
		free(s->buf);
	sb_init(s);
}

void sb_reset(struct sb *s)
{
	s->len = 0;
	if (s->cap)
		s->buf[0] = '\0';
}

static void sb_need(struct sb *s, size_t extra)
{
	size_t need = s->len + extra + 1;
	if (need <= s->cap)
		return;
	if (!s->cap) {
		s->buf = NULL;
	}
	xgrow((void **)&s->buf, &s->cap, need, 1);
}

void sb_add(struct sb *s, const char *p, size_t n)
{
	sb_need(s, n);
	memmove(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

void sb_adds(struct sb *s, const char *str)
{
	sb_add(s, str, strlen(str));
}

void sb_addc(struct sb *s, char c)
{
	sb_add(s, &c, 1);
}

void sb_vaddf(struct sb *s, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	sb_need(s, (size_t)n);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	s->len += (size_t)n;
}

void sb_addf(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(s, fmt, ap);
	va_end(ap);
}

void sb_rtrim(struct sb *s)
{
	while (s->len && a_isspace((unsigned char)s->buf[s->len - 1]))
		s->len--;
	if (s->cap)
		s->buf[s->len] = '\0';
}

char *sb_detach(struct sb *s)
{
	char *p = s->cap ? s->buf : xstrdup("");
	sb_init(s);
	return p;
}

/* ---- files ------------------------------------------------------------- */

int read_file(const char *path, char **out, size_t *len, struct err *e)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct sb s;
	char chunk[65536];
	size_t n;

	if (!f)
		return err_set(e, "%s: cannot read: %s", path, strerror(errno));
	sb_init(&s);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(&s, chunk, n);
	if (ferror(f)) {
		int saved = errno;
		if (f != stdin)
			fclose(f);
		sb_release(&s);
		return err_set(e, "%s: cannot read: %s", path, strerror(saved ? saved : EIO));
	}
	if (f != stdin)
		fclose(f);
	*len = s.len;
	*out = sb_detach(&s);
	return 0;
}

/* ---- UTF-8 ------------------------------------------------------------- */

int utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	int n;

	if (!len)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2; c &= 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; c &= 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		return -1;
	}
	if ((size_t)n > len)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return n;
}

size_t utf8_step(const char *s, size_t len, size_t i, uint32_t *cp)
{
	int n = utf8_decode(s + i, len - i, cp);

	if (n <= 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return (size_t)n;
}

int utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

void sb_addcp(struct sb *s, uint32_t cp)
{
	char b[4];
	sb_add(s, b, (size_t)utf8_encode(cp, b));
}

int utf8_validate(const char *s, size_t len, size_t *line, size_t *col)
{
	size_t i = 0, ln = 1, lstart = 0;
	uint32_t cp;

	while (i < len) {
		int n = utf8_decode(s + i, len - i, &cp);
		if (n <= 0) {
			if (line)
				*line = ln;
			if (col)
				*col = i - lstart + 1;
			return -1;
		}
		if (cp == '\n') {
			ln++;
			lstart = i + 1;
		}
		i += (size_t)n;
	}
	return 0;
}

/* Base letters of U+00C0..U+00FF ('\0' = handled elsewhere or '?'). */
static const char latin1_base[] =
	"AAAAAA\0CEEEEIIII"
	"DNOOOOO\0OUUUUYT\0"
	"aaaaaa\0ceeeeiiii"
	"dnooooo\0ouuuuyty";

/* Base letters of U+0100..U+017F, two per capital/small pair where they alternate. */
static const char ext_a_base[] =
	"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi\0\0JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo\0\0RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

static const char *ascii_for(uint32_t cp, char *one)
{
	switch (cp) {
	case 0xE4: return "ae";
	case 0xF6: return "oe";
	case 0xFC: return "ue";
	case 0xC4: return "Ae";
	case 0xD6: return "Oe";
	case 0xDC: return "Ue";
	case 0xDF: return "ss";
	case 0x1E9E: return "SS";
	case 0xC6: return "AE";
	case 0xE6: return "ae";
	case 0x152: return "OE";
	case 0x153: return "oe";
	case 0x132: return "IJ";
	case 0x133: return "ij";
	case 0xD7: return "x";
	case 0xA9: return "(c)";
	case 0xAE: return "(R)";
	case 0x20AC: return "EUR";
	case 0x2026: return "...";
	case 0x201E: case 0x201C: case 0x201D: case 0x201F: case 0xAB: case 0xBB: case 0x2033:
		return "\"";
	case 0x201A: case 0x2018: case 0x2019: case 0x201B: case 0x2039: case 0x203A: case 0x2032:
	case 0xB4: case 0x60:
		return "'";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
		return "-";
	case 0xA0: case 0x2002: case 0x2003: case 0x2007: case 0x2009: case 0x200A: case 0x202F:
	case '\t': case '\n': case '\r':
		return " ";
	case 0xAD: case 0x200B: case 0x200C: case 0x200D: case 0xFEFF:
		return "";
	}
	one[1] = '\0';
	if (cp >= 0x20 && cp < 0x7F)
		one[0] = (char)cp;
	else if (cp < 0x20 || cp == 0x7F)
		return "";
	else if (cp >= 0xC0 && cp <= 0xFF && latin1_base[cp - 0xC0])
		one[0] = latin1_base[cp - 0xC0];
	else if (cp >= 0x100 && cp <= 0x17F && ext_a_base[cp - 0x100])
		one[0] = ext_a_base[cp - 0x100];
	else
		one[0] = '?';
	return one;
}

void sb_add_ascii(struct sb *s, const char *utf8)
{
	size_t len = strlen(utf8);
	uint32_t cp;
	char one[2];

	for (size_t i = 0; i < len; i += utf8_step(utf8, len, i, &cp)) {
		utf8_step(utf8, len, i, &cp);
		sb_adds(s, ascii_for(cp, one));
	}
}

size_t utf8_count(const char *s, size_t len)
{
	size_t i = 0, n = 0;
	uint32_t cp;

	while (i < len) {
		int k = utf8_decode(s + i, len - i, &cp);
		i += k > 0 ? (size_t)k : 1;
		n++;
	}
	return n;
}

/*
 * Latin-1 Supplement and Latin Extended-A cover German and most European names.
 * In Extended-A, capitals are the even code points of U+0100..U+0137 and
 * U+014A..U+0177 and the odd ones of U+0139..U+0148 and U+0179..U+017E;
 * U+0178 is the capital of U+00FF; U+0138, U+0149 and U+017F have no capital.
 */
static int ext_a_upper(uint32_t c)
{
	if (c == 0x138 || c == 0x149 || c == 0x17F)
		return 0;
	if (c == 0x178)
		return 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) == 1;
	return (c & 1) == 0;
}

/* Latin Extended Additional (Vietnamese "ễ", Welsh "ŵ"): pairs, capital even; U+1E96..U+1E9F are small. */
static int ext_add_letter(uint32_t c) { return c >= 0x1E00 && c <= 0x1EFF && c != 0x1E9E; }
static int ext_add_upper(uint32_t c) { return ext_add_letter(c) && !(c >= 0x1E96 && c <= 0x1E9F) && !(c & 1); }

int cp_isupper(uint32_t c)
{
	if (c < 0x80)
		return a_isupper((int)c);
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return 1;
	if (c >= 0x100 && c <= 0x17F)
		return ext_a_upper(c);
	return c == 0x1E9E || ext_add_upper(c);
}

int cp_islower(uint32_t c)
{
	if (c < 0x80)
		return a_islower((int)c);
	if (c >= 0xDF && c <= 0xFF && c != 0xF7)
		return 1;
	if (c >= 0x100 && c <= 0x17F)
		return !ext_a_upper(c);
	return ext_add_letter(c) && !ext_add_upper(c);
}

int cp_isalpha(uint32_t c)
{
	return cp_isupper(c) || cp_islower(c) || (c >= 0x180 && c <= 0x24F) ||
	       (c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x4FF);
}

uint32_t cp_tolower(uint32_t c)
{
	if (c < 0x80)
		return (uint32_t)a_tolower((int)c);
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 0x20;
	if (c == 0x178)
		return 0xFF;
	if (c >= 0x100 && c <= 0x17F && ext_a_upper(c))
		return c + 1;
	if (c == 0x1E9E)
		return 0xDF;
	if (ext_add_upper(c))
		return c + 1;
	return c;
}

uint32_t cp_toupper(uint32_t c)
{
	if (c < 0x80)
		return (uint32_t)a_toupper((int)c);
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 0x20;
	if (c == 0xFF)
		return 0x178;
	if (c >= 0x100 && c <= 0x17F && !ext_a_upper(c) && c != 0x138 && c != 0x149 && c != 0x17F)
		return c - 1;
	if (ext_add_letter(c) && !ext_add_upper(c) && !(c >= 0x1E96 && c <= 0x1E9F))
		return c - 1;
	return c;
}

/* ---- temporary file registry (signal-safe) ----------------------------- */

#define TMPREG_MAX 16

/*
 * state: 0 free, 1 claimed (path being written by the owner), 2 active (the
 * signal handler may unlink path).
 */
static struct {
	volatile sig_atomic_t state;
	char path[PATH_MAX];
} tmpreg[TMPREG_MAX];

int tmpreg_add(const char *path)
{
	size_t n = strlen(path);

	if (n >= PATH_MAX)
		return -1;
	for (int i = 0; i < TMPREG_MAX; i++) {
		sig_atomic_t expect = 0;
		if (__atomic_compare_exchange_n(&tmpreg[i].state, &expect, 1, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			memcpy(tmpreg[i].path, path, n + 1);
			__atomic_store_n(&tmpreg[i].state, 2, __ATOMIC_SEQ_CST);
			return i;
		}
	}
	return -1;
}

void tmpreg_forget(int slot)
{
	if (slot >= 0 && slot < TMPREG_MAX)
		__atomic_store_n(&tmpreg[slot].state, 0, __ATOMIC_SEQ_CST);
}

void outfile_cleanup(void)
{
	for (int i = 0; i < TMPREG_MAX; i++)
		if (tmpreg[i].state == 2)
			unlink(tmpreg[i].path);
}

/* ---- the state of a target, for the "changed meanwhile" check ---------- */

struct fstate {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static void fstate_of(const char *path, struct fstate *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(path, &st) == 0) {
		s->exists = 1;
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		s->size = st.st_size;
		s->mtime = st.st_mtim;
	}
}

static int fstate_equal(const struct fstate *a, const struct fstate *b)
{
	if (a->exists != b->exists)
		return 0;
	return !a->exists || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
			      a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec);
}

#define NOTES_MAX 32

static struct {
	char *path;
	struct fstate st;
} notes[NOTES_MAX];
static pthread_mutex_t notes_mu = PTHREAD_MUTEX_INITIALIZER;

/* The note for `path`, or NULL. Call with notes_mu held. */
static struct fstate *note_find(const char *path)
{
	for (int i = 0; i < NOTES_MAX; i++)
		if (notes[i].path && !strcmp(notes[i].path, path))
			return &notes[i].st;
	return NULL;
}

void outfile_note(const char *path)
{
	struct fstate *s;

	pthread_mutex_lock(&notes_mu);
	s = note_find(path);
	for (int i = 0; !s && i < NOTES_MAX; i++)
		if (!notes[i].path) {
			notes[i].path = xstrdup(path);
			s = &notes[i].st;
		}
	if (!s) {       /* full: forget the oldest */
		free(notes[0].path);
		memmove(notes, notes + 1, sizeof(notes[0]) * (NOTES_MAX - 1));
		notes[NOTES_MAX - 1].path = xstrdup(path);
		s = &notes[NOTES_MAX - 1].st;
	}
	fstate_of(path, s);
	pthread_mutex_unlock(&notes_mu);
}

/* 1 when `now` differs from the note for `path` (0 without a note). */
static int note_changed(const char *path, const struct fstate *now)
{
	struct fstate *s;
	int changed;

	pthread_mutex_lock(&notes_mu);
	s = note_find(path);
	changed = s && !fstate_equal(s, now);
	pthread_mutex_unlock(&notes_mu);
	return changed;
}

/* After our own commit: a noted target is now what we wrote. */
static void note_refresh(const char *path)
{
	struct fstate *s;

	pthread_mutex_lock(&notes_mu);
	s = note_find(path);
	if (s)
		fstate_of(path, s);
	pthread_mutex_unlock(&notes_mu);
}

/* ---- atomic output files ----------------------------------------------- */

struct outfile {
	int fd;
	int lockfd;             /* the existing target, flock'ed; -1 when none */
	int slot;               /* tmpreg slot of `tmp`, -1 when none */
	int unnamed;            /* O_TMPFILE: no name until commit */
	char *path, *dir, *tmp; /* tmp: the named temporary file (NULL while unnamed) */
	struct fstate at_open;
};

#define TEMP_PREFIX ".sprecher-"
#define TEMP_SUFFIX ".tmp"

/* Splits `path` into a malloc'd directory ("." when none) and sets *base. */
static char *dir_part(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*base = path;
		return xstrdup(".");
	}
	*base = slash + 1;
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* A new temporary name "DIR/.sprecher-PID-XXXXXX.tmp" (a mkstemps template). */
static char *temp_template(const char *dir)
{
	struct sb s;

	sb_init(&s);
	sb_addf(&s, "%s/" TEMP_PREFIX "%ld-XXXXXX" TEMP_SUFFIX, dir, (long)getpid());
	return sb_detach(&s);
}

/*
 * Removes "DIR/.sprecher-PID-XXXXXX.tmp" files whose process no longer runs
 * (left by a kill before the unnamed file could be used, or on file systems
 * without O_TMPFILE).
 */
static void remove_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *n = de->d_name, *p;
		char *end;
		long pid;
		size_t len = strlen(n);

		if (strncmp(n, TEMP_PREFIX, strlen(TEMP_PREFIX)) || len < 4 ||
		    strcmp(n + len - 4, TEMP_SUFFIX))
			continue;
		p = n + strlen(TEMP_PREFIX);
		pid = strtol(p, &end, 10);
		if (end == p || *end != '-' || pid <= 0 || strlen(end + 1) != 6 + strlen(TEMP_SUFFIX))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		{
			struct sb s;
			sb_init(&s);
			sb_addf(&s, "%s/%s", dir, n);
			unlink(s.buf);
			sb_release(&s);
		}
	}
	closedir(d);
}

/* Sets the mode: the replaced file's, else 0666 minus the umask. */
static int set_new_mode(int fd, const struct fstate *old, const char *path)
{
	struct stat st;
	mode_t mask;

	if (old->exists && stat(path, &st) == 0)
		return fchmod(fd, st.st_mode & 07777);
	mask = umask(0);
	umask(mask);
	return fchmod(fd, 0666 & ~mask);
}

static void outfile_free(struct outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->lockfd >= 0)
		close(f->lockfd);
	tmpreg_forget(f->slot);
	free(f->path);
	free(f->dir);
	free(f->tmp);
	free(f);
}

void outfile_abort(struct outfile *f)
{
	if (!f)
		return;
	if (f->tmp)
		unlink(f->tmp);
	outfile_free(f);
}

/* Opens the data file: unnamed when the file system can, else named and registered. */
static int open_data(struct outfile *f, struct err *e)
{
	f->fd = open(f->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (f->fd >= 0) {
		f->unnamed = 1;
		return 0;
	}
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return err_set(e, "%s: cannot create: %s", f->path, strerror(errno));
	f->tmp = temp_template(f->dir);
	f->fd = mkostemps(f->tmp, (int)strlen(TEMP_SUFFIX), O_CLOEXEC);
	if (f->fd < 0) {
		int saved = errno;
		free(f->tmp);
		f->tmp = NULL;
		return err_set(e, "%s: cannot create: %s", f->path, strerror(saved));
	}
	f->slot = tmpreg_add(f->tmp);
	return 0;
}

struct outfile *outfile_open(const char *path, struct err *e)
{
	struct outfile *f;
	struct stat st;
	const char *base;

	if (!*path || path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		err_set(e, "%s: is a directory", path);
		return NULL;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->fd = f->lockfd = f->slot = -1;
	f->path = xstrdup(path);
	f->dir = dir_part(path, &base);
	fstate_of(path, &f->at_open);
	if (note_changed(path, &f->at_open)) {
		err_set(e, "%s: changed by another process while rendering; not replaced", path);
		goto fail;
	}
	if (f->at_open.exists) {
		f->lockfd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (f->lockfd >= 0 && flock(f->lockfd, LOCK_EX | LOCK_NB) < 0) {
			err_set(e, "%s: is being written by another process", path);
			goto fail;
		}
	}
	remove_stale_temps(f->dir);
	if (open_data(f, e) < 0)
		goto fail;
	if (set_new_mode(f->fd, &f->at_open, path) < 0) {
		err_set(e, "%s: cannot create: %s", path, strerror(errno));
		goto fail;
	}
	return f;
fail:
	outfile_abort(f);
	return NULL;
}

int outfile_fd(const struct outfile *f)
{
	return f->fd;
}

/* Gives the unnamed file the name f->tmp (a fresh temporary name). */
static int link_unnamed(struct outfile *f, const char *name)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW);
}

/* Puts the finished file in place: a new name without replacing, or over the old file. */
static int put_in_place(struct outfile *f, struct err *e)
{
	struct fstate now;

	fstate_of(f->path, &now);
	if (!fstate_equal(&now, &f->at_open))
		return err_set(e, "%s: changed by another process while rendering; not replaced", f->path);
	if (!now.exists) {
		int rc = f->unnamed ? link_unnamed(f, f->path) :
			 renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path, RENAME_NOREPLACE);
		if (rc == 0) {
			if (!f->unnamed) {
				free(f->tmp);
				f->tmp = NULL;
			}
			return 0;
		}
		if (errno == EEXIST)
			return err_set(e, "%s: changed by another process while rendering; not replaced",
				       f->path);
		if (f->unnamed || (errno != EINVAL && errno != ENOSYS))
			return err_set(e, "%s: cannot write: %s", f->path, strerror(errno));
	}
	if (f->unnamed) {
		/* a name for a moment, so that rename can replace the old file atomically */
		for (int tries = 0; !f->tmp && tries < 100; tries++) {
			char *t = temp_template(f->dir);
			int fd = mkstemps(t, (int)strlen(TEMP_SUFFIX));
			if (fd >= 0) {        /* reserve a free name, then link over it */
				close(fd);
				unlink(t);
			}
			if (fd >= 0 && link_unnamed(f, t) == 0) {
				f->tmp = t;
				f->slot = tmpreg_add(t);
			} else {
				free(t);
				if (fd < 0)
					return err_set(e, "%s: cannot write: %s", f->path, strerror(errno));
			}
		}
		if (!f->tmp)
			return err_set(e, "%s: cannot write: no free temporary name", f->path);
	}
	if (rename(f->tmp, f->path) < 0)
		return err_set(e, "%s: cannot write: %s", f->path, strerror(errno));
	free(f->tmp);
	f->tmp = NULL;
	return 0;
}

int outfile_commit(struct outfile *f, struct err *e)
{
	int dfd;

	if (fsync(f->fd) < 0) {
		err_set(e, "%s: cannot write: %s", f->path, strerror(errno));
		goto fail;
	}
	if (put_in_place(f, e) < 0)
		goto fail;
	/* make the new name durable; failure here is harmless */
	dfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	note_refresh(f->path);
	outfile_free(f);
	return 0;
fail:
	outfile_abort(f);
	return -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int outfile_write(const char *path, const void *data, size_t len, struct err *e)
{
	struct outfile *f;

	if (!strcmp(path, "-")) {
		if (write_all(STDOUT_FILENO, data, len) < 0)
			return err_set(e, "stdout: cannot write: %s", strerror(errno));
		return 0;
	}
	f = outfile_open(path, e);
	if (!f)
		return -1;
	if (write_all(f->fd, data, len) < 0) {
		err_set(e, "%s: cannot write: %s", path, strerror(errno));
		outfile_abort(f);
		return -1;
	}
	return outfile_commit(f, e);
}

int outfile_check(const char *path, struct err *e)
{
	struct outfile *f;

	if (!strcmp(path, "-"))
		return 0;
	f = outfile_open(path, e);
	if (!f)
		return -1;
	outfile_abort(f);
	outfile_note(path);
	return 0;
}

int online_cores(int max)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > max ? max : (int)n;
}

const char *tmp_dir(void)
{
	const char *td = getenv("TMPDIR");
	return td && *td ? td : "/tmp";
}

int outfile_anon(struct err *e)
{
	const char *dir = tmp_dir();
	char *t;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	t = temp_template(dir);
	fd = mkstemps(t, (int)strlen(TEMP_SUFFIX));
	if (fd < 0)
		err_set(e, "%s: cannot create a temporary file: %s", dir, strerror(errno));
	else
		unlink(t);
	free(t);
	return fd;
}

FILE *spool_open(struct err *e)
{
	int fd = outfile_anon(e);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w+b");
	if (!f) {
		err_set(e, "%s: cannot create a temporary file: %s", tmp_dir(), strerror(errno));
		close(fd);
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);     /* fewer, larger writes and reads */
	return f;
}

int spool_failed(const char *verb, const char *what, struct err *e)
{
	int en = errno ? errno : EIO;
	return err_set(e, "%s: cannot %s the temporary %s file: %s", tmp_dir(), verb, what,
		       strerror(en));
}

/* ---- outputs that are inputs ------------------------------------------- */

int path_same_file(const char *a, const char *b)
{
	struct stat sa, sb_, da, db;
	const char *ba, *bb;
	char *dira, *dirb;
	int same = 0;

	if (!strcmp(a, b))
		return 1;
	if (stat(a, &sa) == 0 && stat(b, &sb_) == 0)
		return sa.st_dev == sb_.st_dev && sa.st_ino == sb_.st_ino;
	dira = dir_part(a, &ba);
	dirb = dir_part(b, &bb);
	if (!strcmp(ba, bb) && stat(dira, &da) == 0 && stat(dirb, &db) == 0)
		same = da.st_dev == db.st_dev && da.st_ino == db.st_ino;
	free(dira);
	free(dirb);
	return same;
}

int path_check_outputs(const char *const *outs, size_t nout, const char *const *ins, size_t nin,
		       struct err *e)
{
	for (size_t i = 0; i < nout; i++) {
		if (!outs[i] || !strcmp(outs[i], "-"))
			continue;
		for (size_t k = 0; k < nin; k++)
			if (ins[k] && strcmp(ins[k], "-") && path_same_file(outs[i], ins[k]))
				return err_set(e, "%s: is also an input of this render (%s)", outs[i], ins[k]);
		for (size_t k = i + 1; k < nout; k++)
			if (outs[k] && strcmp(outs[k], "-") && path_same_file(outs[i], outs[k]))
				return err_set(e, "%s: is given twice as an output", outs[i]);
	}
	return 0;
}

int fd_read_full(int fd, void *p, size_t n)
{
	char *q = p;

	while (n) {
		ssize_t k = read(fd, q, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		q += k;
		n -= (size_t)k;
	}
	return 0;
}

int fd_write_full(int fd, const void *p, size_t n)
{
	const char *q = p;

	while (n) {
		ssize_t k = write(fd, q, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		q += k;
		n -= (size_t)k;
	}
	return 0;
}

int parse_double_in(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

void path_default_output(const char *article, const char *dir, const char *ext, char *out, size_t n)
{
	const char *base = strrchr(article, '/');
	const char *dot;
	int len;

	base = base ? base + 1 : article;
	dot = strrchr(base, '.');
	len = (int)(dot && dot != base ? dot - base : (long)strlen(base));
	if (dir)
		snprintf(out, n, "%s%s%.*s.%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", len, base, ext);
	else
		snprintf(out, n, "%.*s.%s", len, base, ext);
}
