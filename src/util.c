/*
 * util.c - errors, warnings, memory, growable strings, file reading, UTF-8.
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int cp_isupper(uint32_t c)
{
	if (c < 0x80)
		return a_isupper((int)c);
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return 1;
	if (c >= 0x100 && c <= 0x17F)
		return ext_a_upper(c);
	return c == 0x1E9E;
}

int cp_islower(uint32_t c)
{
	if (c < 0x80)
		return a_islower((int)c);
	if (c >= 0xDF && c <= 0xFF && c != 0xF7)
		return 1;
	if (c >= 0x100 && c <= 0x17F)
		return !ext_a_upper(c);
	return 0;
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
	return c;
}
