/*
 * test_util.c - shared helpers: errors, warnings, growable strings, xgrow,
 * read_file, UTF-8 decoding/encoding/validation and the letter classes.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* ---- errors and warnings ----------------------------------------------- */

static void test_err_set(void **state)
{
	struct err e;
	char big[3000];

	(void)state;
	assert_int_equal(err_set(&e, "%s: cannot read: %s", "a.wav", "kaputt"), -1);
	assert_string_equal(e.msg, "a.wav: cannot read: kaputt");
	assert_int_equal(err_set(&e, "%d:%d", 3, 17), -1);
	assert_string_equal(e.msg, "3:17");
	/* NULL is allowed: only the return value */
	assert_int_equal(err_set(NULL, "egal %d", 1), -1);
	/* over-long messages are cut, still NUL-terminated */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(err_set(&e, "%s", big), -1);
	assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
	assert_int_equal(e.msg[0], 'x');
}

static void test_warns(void **state)
{
	struct warns w;
	char big[2000];

	(void)state;
	warns_init(&w);
	assert_null(w.v);
	assert_int_equal(w.n, 0);
	warns_add(&w, "a.txt:%d: left out an IBAN", 4);
	warns_add(&w, "%s", "zweite Warnung über Umlaute");
	assert_int_equal(w.n, 2);
	assert_string_equal(w.v[0], "a.txt:4: left out an IBAN");
	assert_string_equal(w.v[1], "zweite Warnung über Umlaute");
	/* long lines are not cut */
	memset(big, 'w', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	warns_add(&w, "%s", big);
	assert_int_equal(strlen(w.v[2]), sizeof big - 1);
	/* many lines (growth) */
	for (int i = 0; i < 100; i++)
		warns_add(&w, "w%d", i);
	assert_int_equal(w.n, 103);
	assert_string_equal(w.v[102], "w99");
	assert_true(w.cap >= w.n);
	/* NULL drops the line */
	warns_add(NULL, "nichts %d", 1);
	warns_release(&w);
	assert_null(w.v);
	assert_int_equal(w.n, 0);
	/* release twice and release of an empty list are fine */
	warns_release(&w);
}

/* ---- memory ------------------------------------------------------------ */

static void test_xalloc(void **state)
{
	(void)state;
	char *p = xmalloc(0);
	assert_non_null(p);
	free(p);
	int *z = xcalloc(10, sizeof(int));
	for (int i = 0; i < 10; i++)
		assert_int_equal(z[i], 0);
	z = xrealloc(z, 20 * sizeof(int));
	z[19] = 7;
	free(z);
	p = xstrdup("Grüße");
	assert_string_equal(p, "Grüße");
	free(p);
	p = xstrndup("Grüße aus Kiel", 7);
	assert_string_equal(p, "Grüße");
	free(p);
	p = xstrndup("", 0);
	assert_string_equal(p, "");
	free(p);
}

static void test_xgrow(void **state)
{
	int *v = NULL;
	size_t cap = 0, prev;

	(void)state;
	/* need 0 with cap 0: nothing to do */
	XGROW(v, cap, 0);
	assert_null(v);
	assert_int_equal(cap, 0);
	XGROW(v, cap, 1);
	assert_non_null(v);
	assert_true(cap >= 16);
	v[cap - 1] = 1;   /* the whole capacity is usable (ASan checks) */
	prev = cap;
	/* no change when enough */
	XGROW(v, cap, prev);
	assert_int_equal(cap, prev);
	/* grows at least to need, geometrically */
	XGROW(v, cap, prev + 1);
	assert_true(cap >= prev + 1);
	v[cap - 1] = 2;
	XGROW(v, cap, 1000);
	assert_true(cap >= 1000);
	v[999] = 3;
	/* contents are kept */
	assert_int_equal(v[prev - 1], 1);
	/* a big jump at once */
	XGROW(v, cap, 100000);
	assert_true(cap >= 100000);
	v[99999] = 4;
	assert_int_equal(v[999], 3);
	free(v);

	/* element by element, as the modules use it */
	double *d = NULL;
	size_t dcap = 0, n = 0;
	for (int i = 0; i < 5000; i++) {
		XGROW(d, dcap, n + 1);
		d[n++] = i;
	}
	for (int i = 0; i < 5000; i++)
		assert_true(d[i] == i);
	free(d);

	/* a capacity smaller than 16 given by the caller */
	char *c = xmalloc(2);
	size_t ccap = 2;
	xgrow((void **)&c, &ccap, 3, 1);
	assert_true(ccap >= 3);
	c[ccap - 1] = 'x';
	free(c);
}

/* ---- growable string --------------------------------------------------- */

static void test_sb_basic(void **state)
{
	struct sb s;

	(void)state;
	sb_init(&s);
	assert_non_null(s.buf);
	assert_string_equal(s.buf, "");
	assert_int_equal(s.len, 0);
	/* operations on an empty, never-grown string */
	sb_rtrim(&s);
	sb_reset(&s);
	assert_string_equal(s.buf, "");
	sb_add(&s, "", 0);
	assert_string_equal(s.buf, "");
	sb_release(&s);
	assert_non_null(s.buf);

	sb_init(&s);
	sb_adds(&s, "Hallo");
	sb_addc(&s, ' ');
	sb_add(&s, "Weltxyz", 4);
	assert_string_equal(s.buf, "Hallo Welt");
	assert_int_equal(s.len, 10);
	assert_true(s.cap > s.len);
	/* embedded NUL bytes are kept, len counts them */
	sb_add(&s, "a\0b", 3);
	assert_int_equal(s.len, 13);
	assert_memory_equal(s.buf + 10, "a\0b", 4);
	/* reset keeps the memory */
	size_t cap = s.cap;
	char *buf = s.buf;
	sb_reset(&s);
	assert_int_equal(s.len, 0);
	assert_string_equal(s.buf, "");
	assert_int_equal(s.cap, cap);
	assert_ptr_equal(s.buf, buf);
	/* rtrim removes ASCII whitespace only */
	sb_adds(&s, "Text \t\r\n \f\v");
	sb_rtrim(&s);
	assert_string_equal(s.buf, "Text");
	assert_int_equal(s.len, 4);
	sb_reset(&s);
	sb_adds(&s, "Text\xc2\xa0");   /* NBSP is not ASCII whitespace */
	sb_rtrim(&s);
	assert_string_equal(s.buf, "Text\xc2\xa0");
	sb_reset(&s);
	sb_adds(&s, "   ");
	sb_rtrim(&s);
	assert_string_equal(s.buf, "");
	assert_int_equal(s.len, 0);
	sb_release(&s);
	assert_int_equal(s.len, 0);
	assert_int_equal(s.cap, 0);
	assert_string_equal(s.buf, "");
	/* release twice is fine */
	sb_release(&s);
}

static void test_sb_addf(void **state)
{
	struct sb s;
	char big[5000];

	(void)state;
	sb_init(&s);
	sb_addf(&s, "%d:%02d", 3, 7);
	assert_string_equal(s.buf, "3:07");
	sb_addf(&s, " %s %zu %.1f", "ü", (size_t)42, 1.25);
	assert_string_equal(s.buf, "3:07 ü 42 1.2");
	sb_addf(&s, "%s", "");
	assert_string_equal(s.buf, "3:07 ü 42 1.2");
	/* a formatted piece larger than the current capacity */
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	sb_reset(&s);
	sb_addf(&s, "<%s>", big);
	assert_int_equal(s.len, sizeof big + 1);
	assert_int_equal(s.buf[0], '<');
	assert_int_equal(s.buf[sizeof big - 1], 'q');
	assert_int_equal(s.buf[s.len - 1], '>');
	assert_int_equal(s.buf[s.len], '\0');
	assert_true(s.cap > s.len);
	sb_release(&s);

	/* many small pieces, the string grows step by step */
	sb_init(&s);
	for (int i = 0; i < 10000; i++)
		sb_addf(&s, "%d,", i % 10);
	assert_int_equal(s.len, 20000);
	assert_int_equal(strlen(s.buf), 20000);
	assert_memory_equal(s.buf + 19990, "5,6,7,8,9,", 10);
	sb_release(&s);

	/* addf into a fresh string: exactly the length needed */
	sb_init(&s);
	sb_addf(&s, "%s", "abcdefghijklmnopq");
	assert_string_equal(s.buf, "abcdefghijklmnopq");
	sb_release(&s);
}

static void test_sb_addcp(void **state)
{
	struct sb s;

	(void)state;
	sb_init(&s);
	sb_addcp(&s, 'G');
	sb_addcp(&s, 0xFC);     /* ü */
	sb_addcp(&s, 0xDF);     /* ß */
	sb_addcp(&s, 0x20AC);   /* € */
	sb_addcp(&s, 0x1F600);  /* emoji */
	assert_string_equal(s.buf, "Gü\xc3\x9f€\xf0\x9f\x98\x80");
	assert_int_equal(s.len, 1 + 2 + 2 + 3 + 4);
	sb_release(&s);
}

static void test_sb_detach(void **state)
{
	struct sb s;
	char *p;

	(void)state;
	sb_init(&s);
	sb_adds(&s, "Übergabe");
	p = sb_detach(&s);
	assert_string_equal(p, "Übergabe");
	/* the string is re-initialised and usable */
	assert_int_equal(s.len, 0);
	assert_int_equal(s.cap, 0);
	assert_string_equal(s.buf, "");
	assert_true(s.buf != p);
	sb_adds(&s, "neu");
	assert_string_equal(s.buf, "neu");
	assert_string_equal(p, "Übergabe");
	free(p);
	sb_release(&s);

	/* detaching a never-grown string gives a freeable empty string */
	sb_init(&s);
	p = sb_detach(&s);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
	/* and after reset to empty */
	sb_adds(&s, "x");
	sb_reset(&s);
	p = sb_detach(&s);
	assert_string_equal(p, "");
	free(p);
	sb_release(&s);
}

/* ---- files ------------------------------------------------------------- */

static void test_read_file(void **state)
{
	static const char data[] = "Zeile eins\nZeile zwei mit ü\0und NUL\n";
	char *path, *out = NULL;
	size_t len = 99;
	struct err e;

	(void)state;
	path = test_tmpfile(data, sizeof data - 1);
	assert_int_equal(read_file(path, &out, &len, &e), 0);
	assert_int_equal(len, sizeof data - 1);
	assert_memory_equal(out, data, sizeof data - 1);
	assert_int_equal(out[len], '\0');
	free(out);
	test_tmpfile_free(path);

	/* an empty file: empty, freeable, NUL-terminated buffer */
	path = test_tmpfile("", 0);
	out = NULL;
	assert_int_equal(read_file(path, &out, &len, &e), 0);
	assert_int_equal(len, 0);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
	test_tmpfile_free(path);

	/* a file larger than one read chunk */
	{
		size_t n = 200000;
		char *big = xmalloc(n);
		for (size_t i = 0; i < n; i++)
			big[i] = (char)('a' + i % 26);
		path = test_tmpfile(big, n);
		assert_int_equal(read_file(path, &out, &len, &e), 0);
		assert_int_equal(len, n);
		assert_memory_equal(out, big, n);
		free(out);
		free(big);
		test_tmpfile_free(path);
	}
}

static void test_read_file_stdin(void **state)
{
	static const char data[] = "von der Standardeingabe: äöü\n";
	char *path = test_tmpfile(data, sizeof data - 1);
	char *out = NULL;
	size_t len = 0;
	struct err e;
	int fd = open(path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	clearerr(stdin);
	assert_int_equal(read_file("-", &out, &len, &e), 0);
	assert_int_equal(len, sizeof data - 1);
	assert_string_equal(out, data);
	free(out);
	/* stdin is not closed: reading again gives the rest (nothing) */
	assert_int_equal(read_file("-", &out, &len, &e), 0);
	assert_int_equal(len, 0);
	free(out);
	test_tmpfile_free(path);
}

static void test_read_file_errors(void **state)
{
	char *out = NULL;
	size_t len = 0;
	struct err e;
	char dir[] = "/tmp/sprecher-util-dir-XXXXXX";

	(void)state;
	e.msg[0] = '\0';
	assert_int_equal(read_file("/nonexistent/sprecher/a.txt", &out, &len, &e), -1);
	assert_string_equal(e.msg, "/nonexistent/sprecher/a.txt: cannot read: No such file or directory");
	assert_null(out);
	/* NULL error struct is fine */
	assert_int_equal(read_file("/nonexistent/sprecher/a.txt", &out, &len, NULL), -1);

	/* a directory opens but cannot be read */
	assert_non_null(mkdtemp(dir));
	e.msg[0] = '\0';
	assert_int_equal(read_file(dir, &out, &len, &e), -1);
	assert_null(out);
	test_error_at(e.msg, dir, 0, "cannot read: Is a directory");
	rmdir(dir);

	/* unreadable file (skipped when running as root, who may read anything) */
	if (geteuid() != 0) {
		char *path = test_tmpfile("geheim", 6);
		chmod(path, 0);
		assert_int_equal(read_file(path, &out, &len, &e), -1);
		assert_non_null(strstr(e.msg, ": cannot read: Permission denied"));
		test_tmpfile_free(path);
	}
}

/* ---- UTF-8 ------------------------------------------------------------- */

/* Decodes the C string `s` (its whole length); returns the byte count. */
static int dec(const char *s, uint32_t *cp)
{
	return utf8_decode(s, strlen(s), cp);
}

static void test_utf8_decode_valid(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(utf8_decode("", 0, &cp), 0);
	assert_int_equal(utf8_decode("A", 0, &cp), 0);
	assert_int_equal(dec("A", &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\0x", 2, &cp), 1);
	assert_int_equal(cp, 0);
	assert_int_equal(dec("\x7f", &cp), 1);
	assert_int_equal(cp, 0x7F);
	assert_int_equal(dec("ä", &cp), 2);
	assert_int_equal(cp, 0xE4);
	assert_int_equal(dec("Ä", &cp), 2);
	assert_int_equal(cp, 0xC4);
	assert_int_equal(dec("ß", &cp), 2);
	assert_int_equal(cp, 0xDF);
	assert_int_equal(dec("\xc2\x80", &cp), 2);   /* smallest 2-byte */
	assert_int_equal(cp, 0x80);
	assert_int_equal(dec("\xdf\xbf", &cp), 2);   /* largest 2-byte */
	assert_int_equal(cp, 0x7FF);
	assert_int_equal(dec("\xe0\xa0\x80", &cp), 3);
	assert_int_equal(cp, 0x800);
	assert_int_equal(dec("€", &cp), 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(dec("\xe1\xba\x9e", &cp), 3);  /* capital sharp s */
	assert_int_equal(cp, 0x1E9E);
	assert_int_equal(dec("\xed\x9f\xbf", &cp), 3);  /* just below the surrogates */
	assert_int_equal(cp, 0xD7FF);
	assert_int_equal(dec("\xee\x80\x80", &cp), 3);  /* just above them */
	assert_int_equal(cp, 0xE000);
	assert_int_equal(dec("\xef\xbf\xbf", &cp), 3);
	assert_int_equal(cp, 0xFFFF);
	assert_int_equal(dec("\xf0\x90\x80\x80", &cp), 4);
	assert_int_equal(cp, 0x10000);
	assert_int_equal(dec("\xf0\x9f\x98\x80", &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(dec("\xf4\x8f\xbf\xbf", &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	/* only the first code point is read */
	assert_int_equal(dec("üb", &cp), 2);
	assert_int_equal(cp, 0xFC);
}

static void test_utf8_decode_invalid(void **state)
{
	uint32_t cp = 12345;

	(void)state;
	/* lone continuation bytes and bytes that never occur */
	assert_int_equal(dec("\x80", &cp), -1);
	assert_int_equal(dec("\xbf", &cp), -1);
	assert_int_equal(dec("\xfe", &cp), -1);
	assert_int_equal(dec("\xff", &cp), -1);
	assert_int_equal(dec("\xf5\x80\x80\x80", &cp), -1);
	assert_int_equal(dec("\xf8\x88\x80\x80\x80", &cp), -1);
	/* overlongs */
	assert_int_equal(dec("\xc0\x80", &cp), -1);      /* NUL */
	assert_int_equal(dec("\xc0\xaf", &cp), -1);      /* '/' */
	assert_int_equal(dec("\xc1\xbf", &cp), -1);
	assert_int_equal(dec("\xe0\x80\xaf", &cp), -1);
	assert_int_equal(dec("\xe0\x9f\xbf", &cp), -1);  /* 0x7FF in 3 bytes */
	assert_int_equal(dec("\xf0\x80\x80\xaf", &cp), -1);
	assert_int_equal(dec("\xf0\x8f\xbf\xbf", &cp), -1); /* 0xFFFF in 4 bytes */
	/* surrogates */
	assert_int_equal(dec("\xed\xa0\x80", &cp), -1);  /* D800 */
	assert_int_equal(dec("\xed\xad\xbf", &cp), -1);  /* DB7F */
	assert_int_equal(dec("\xed\xb0\x80", &cp), -1);  /* DC00 */
	assert_int_equal(dec("\xed\xbf\xbf", &cp), -1);  /* DFFF */
	assert_int_equal(dec("\xed\xa0\xbd\xed\xb8\x80", &cp), -1);  /* CESU-8 pair */
	/* beyond U+10FFFF */
	assert_int_equal(dec("\xf4\x90\x80\x80", &cp), -1);
	assert_int_equal(dec("\xf7\xbf\xbf\xbf", &cp), -1);
	/* bad continuation bytes */
	assert_int_equal(dec("\xc3" "A", &cp), -1);
	assert_int_equal(dec("\xc3\xc3", &cp), -1);
	assert_int_equal(dec("\xe2\x28\xa1", &cp), -1);
	assert_int_equal(dec("\xe2\x82\x28", &cp), -1);
	assert_int_equal(dec("\xf0\x9f\x98" "A", &cp), -1);
	/* truncated sequences: the length limits what is read */
	assert_int_equal(utf8_decode("ä", 1, &cp), -1);
	assert_int_equal(utf8_decode("€", 1, &cp), -1);
	assert_int_equal(utf8_decode("€", 2, &cp), -1);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 1, &cp), -1);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 2, &cp), -1);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 3, &cp), -1);
	assert_int_equal(dec("\xc3", &cp), -1);
	assert_int_equal(dec("\xe2\x82", &cp), -1);
	assert_int_equal(dec("\xf0\x9f\x98", &cp), -1);
	/* an invalid sequence leaves *cp alone */
	assert_int_equal(cp, 12345);

	/* exact-size heap buffers: no read past len (ASan checks) */
	for (size_t n = 1; n <= 3; n++) {
		char *b = xmalloc(n);
		memcpy(b, "\xf0\x9f\x98", n);
		assert_int_equal(utf8_decode(b, n, &cp), -1);
		free(b);
	}
}

static void test_utf8_encode(void **state)
{
	static const uint32_t cps[] = {
		0, 'A', 0x7F, 0x80, 0xDF, 0xE4, 0x7FF, 0x800, 0x20AC, 0xD7FF, 0xE000,
		0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF,
	};
	static const int lens[] = { 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4 };
	char b[4];
	uint32_t cp;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cps); i++) {
		int n = utf8_encode(cps[i], b);
		assert_int_equal(n, lens[i]);
		assert_int_equal(utf8_decode(b, (size_t)n, &cp), n);
		assert_int_equal(cp, cps[i]);
	}
	assert_int_equal(utf8_encode(0xFC, b), 2);
	assert_memory_equal(b, "ü", 2);
	assert_int_equal(utf8_encode(0x20AC, b), 3);
	assert_memory_equal(b, "€", 3);
	assert_int_equal(utf8_encode(0x1F600, b), 4);
	assert_memory_equal(b, "\xf0\x9f\x98\x80", 4);
	/* every code point round-trips */
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		uint32_t back = 0;
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		int n = utf8_encode(cp, b);
		if (utf8_decode(b, (size_t)n, &back) != n || back != cp)
			fail_msg("U+%04X does not round-trip", (unsigned)cp);
	}
}

static void test_utf8_validate(void **state)
{
	size_t line = 0, col = 0;

	(void)state;
	assert_int_equal(utf8_validate("", 0, &line, &col), 0);
	assert_int_equal(utf8_validate("Grüße aus Köln\nÜber €\n", strlen("Grüße aus Köln\nÜber €\n"),
				       &line, &col), 0);
	assert_int_equal(utf8_validate("a\0b", 3, &line, &col), 0);
	/* line and column (bytes, 1-based) of the first invalid byte */
	assert_int_equal(utf8_validate("\xff", 1, &line, &col), -1);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	assert_int_equal(utf8_validate("abc\xff", 4, &line, &col), -1);
	assert_int_equal(line, 1);
	assert_int_equal(col, 4);
	{
		static const char s[] = "ab\ncd\xffx\n\xfe";
		assert_int_equal(utf8_validate(s, sizeof s - 1, &line, &col), -1);
		assert_int_equal(line, 2);
		assert_int_equal(col, 3);
	}
	{
		/* columns count bytes: "ä" is two */
		static const char s[] = "eins\nzwei\näb\xc3(";
		assert_int_equal(utf8_validate(s, sizeof s - 1, &line, &col), -1);
		assert_int_equal(line, 3);
		assert_int_equal(col, 4);
	}
	{
		/* CRLF: the CR belongs to the line before */
		static const char s[] = "x\r\n\r\n\x80";
		assert_int_equal(utf8_validate(s, sizeof s - 1, &line, &col), -1);
		assert_int_equal(line, 3);
		assert_int_equal(col, 1);
	}
	{
		/* truncated sequence at the very end */
		static const char s[] = "Anfang\nEnde \xe2\x82";
		assert_int_equal(utf8_validate(s, sizeof s - 1, &line, &col), -1);
		assert_int_equal(line, 2);
		assert_int_equal(col, 6);
	}
	{
		/* overlong and surrogate in the middle of a line */
		static const char s[] = "a\n\nxy\xc0\xafz";
		assert_int_equal(utf8_validate(s, sizeof s - 1, &line, &col), -1);
		assert_int_equal(line, 3);
		assert_int_equal(col, 3);
		static const char t[] = "\xed\xa0\x80";
		assert_int_equal(utf8_validate(t, sizeof t - 1, &line, &col), -1);
		assert_int_equal(line, 1);
		assert_int_equal(col, 1);
	}
	/* the length bounds the check: a valid prefix of a string with junk after it */
	assert_int_equal(utf8_validate("ok\xff", 2, &line, &col), 0);
	/* NULL line/col are allowed */
	assert_int_equal(utf8_validate("\xff", 1, NULL, NULL), -1);
}

static void test_utf8_count(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("Grüße", strlen("Grüße")), 5);
	assert_int_equal(utf8_count("€\xf0\x9f\x98\x80", 7), 2);
	/* invalid bytes count one each */
	assert_int_equal(utf8_count("a\xff\xfe" "b", 4), 4);
	assert_int_equal(utf8_count("\xe2\x82", 2), 2);
	assert_int_equal(utf8_count("\xc0\xaf", 2), 2);
	/* a truncated sequence cut by len */
	assert_int_equal(utf8_count("xä", 2), 2);
	assert_int_equal(utf8_count("a\0b", 3), 3);
}

/* ---- letter classes ---------------------------------------------------- */

static void test_cp_german(void **state)
{
	static const uint32_t upper[] = { 0xC4, 0xD6, 0xDC };   /* Ä Ö Ü */
	static const uint32_t lower[] = { 0xE4, 0xF6, 0xFC };   /* ä ö ü */

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(upper); i++) {
		assert_true(cp_isupper(upper[i]));
		assert_false(cp_islower(upper[i]));
		assert_true(cp_isalpha(upper[i]));
		assert_true(cp_islower(lower[i]));
		assert_false(cp_isupper(lower[i]));
		assert_true(cp_isalpha(lower[i]));
		assert_int_equal(cp_tolower(upper[i]), lower[i]);
		assert_int_equal(cp_toupper(lower[i]), upper[i]);
		assert_int_equal(cp_tolower(lower[i]), lower[i]);
		assert_int_equal(cp_toupper(upper[i]), upper[i]);
	}
	/* ß is lowercase with no one-letter uppercase in Latin-1: stays itself */
	assert_true(cp_islower(0xDF));
	assert_false(cp_isupper(0xDF));
	assert_true(cp_isalpha(0xDF));
	assert_int_equal(cp_toupper(0xDF), 0xDF);
	assert_int_equal(cp_tolower(0xDF), 0xDF);
	/* capital ẞ (U+1E9E) */
	assert_true(cp_isupper(0x1E9E));
	assert_false(cp_islower(0x1E9E));
	assert_true(cp_isalpha(0x1E9E));
	assert_int_equal(cp_tolower(0x1E9E), 0xDF);
	/* ASCII */
	assert_true(cp_isupper('A'));
	assert_true(cp_islower('z'));
	assert_false(cp_isalpha('1'));
	assert_false(cp_isalpha(' '));
	assert_int_equal(cp_tolower('Q'), 'q');
	assert_int_equal(cp_toupper('q'), 'Q');
	assert_int_equal(cp_toupper('1'), '1');
	/* × and ÷ sit among the letters but are not letters */
	assert_false(cp_isalpha(0xD7));
	assert_false(cp_isalpha(0xF7));
	assert_int_equal(cp_tolower(0xD7), 0xD7);
	assert_int_equal(cp_toupper(0xF7), 0xF7);
	/* ÿ has its uppercase outside Latin-1 (U+0178) */
	assert_true(cp_islower(0xFF));
	/* not letters: NBSP, €, digits, punctuation */
	assert_false(cp_isalpha(0xA0));
	assert_false(cp_isalpha(0x20AC));
	assert_false(cp_isupper(0x20AC));
	assert_false(cp_islower(0x20AC));
	assert_int_equal(cp_tolower(0x20AC), 0x20AC);
	/* accented names: É é, Ñ ñ, Ç ç, Ø ø, Å å */
	assert_int_equal(cp_tolower(0xC9), 0xE9);
	assert_int_equal(cp_toupper(0xE9), 0xC9);
	assert_int_equal(cp_tolower(0xD1), 0xF1);
	assert_int_equal(cp_tolower(0xC7), 0xE7);
	assert_int_equal(cp_tolower(0xD8), 0xF8);
	assert_int_equal(cp_toupper(0xE5), 0xC5);
	/* Greek and Cyrillic count as letters (names in news) */
	assert_true(cp_isalpha(0x3B1));
	assert_true(cp_isalpha(0x416));
}

static void test_cp_latin_ext_a(void **state)
{
	/* uppercase/lowercase pairs of Latin Extended-A (U+0100..U+017F) */
	static const uint32_t pairs[][2] = {
		{ 0x100, 0x101 },   /* Ā ā */
		{ 0x10C, 0x10D },   /* Č č */
		{ 0x118, 0x119 },   /* Ę ę */
		{ 0x11E, 0x11F },   /* Ğ ğ */
		{ 0x141, 0x142 },   /* Ł ł */
		{ 0x143, 0x144 },   /* Ń ń */
		{ 0x147, 0x148 },   /* Ň ň */
		{ 0x14A, 0x14B },   /* Ŋ ŋ */
		{ 0x150, 0x151 },   /* Ő ő */
		{ 0x15A, 0x15B },   /* Ś ś */
		{ 0x160, 0x161 },   /* Š š */
		{ 0x170, 0x171 },   /* Ű ű */
		{ 0x176, 0x177 },   /* Ŷ ŷ */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		uint32_t up = pairs[i][0], lo = pairs[i][1];
		if (!cp_isupper(up) || cp_islower(up))
			fail_msg("U+%04X should be uppercase", (unsigned)up);
		if (cp_isupper(lo) || !cp_islower(lo))
			fail_msg("U+%04X should be lowercase", (unsigned)lo);
		if (cp_tolower(up) != lo)
			fail_msg("tolower(U+%04X) = U+%04X, want U+%04X", (unsigned)up,
				 (unsigned)cp_tolower(up), (unsigned)lo);
		if (cp_toupper(lo) != up)
			fail_msg("toupper(U+%04X) = U+%04X, want U+%04X", (unsigned)lo,
				 (unsigned)cp_toupper(lo), (unsigned)up);
		assert_true(cp_isalpha(up) && cp_isalpha(lo));
	}
	/* ĸ (kra), ŉ and ſ (long s) are lowercase letters */
	assert_true(cp_islower(0x138));
	assert_true(cp_islower(0x149));
	assert_true(cp_islower(0x17F));
	assert_false(cp_isupper(0x17F));
}

/*
 * The end of Latin Extended-A swaps the parity: Ÿ (U+0178) stands alone, then
 * Ź ź Ż ż Ž ž have the uppercase letter on the odd code point (Polish, Czech,
 * Slovenian and Croatian names: "Žižek", "Łódź", "Żurek").
 */
static void test_cp_latin_ext_a_end(void **state)
{
	static const uint32_t pairs[][2] = {
		{ 0x179, 0x17A },   /* Ź ź */
		{ 0x17B, 0x17C },   /* Ż ż */
		{ 0x17D, 0x17E },   /* Ž ž */
	};

	(void)state;
	/* Ÿ is uppercase; its lowercase is ÿ in Latin-1, not Ź */
	assert_true(cp_isupper(0x178));
	if (cp_tolower(0x178) != 0xFF)
		fail_msg("tolower(U+0178) = U+%04X, want U+00FF", (unsigned)cp_tolower(0x178));
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		uint32_t up = pairs[i][0], lo = pairs[i][1];
		if (!cp_isupper(up) || cp_islower(up))
			fail_msg("U+%04X should be uppercase", (unsigned)up);
		if (cp_isupper(lo) || !cp_islower(lo))
			fail_msg("U+%04X should be lowercase", (unsigned)lo);
		if (cp_tolower(up) != lo)
			fail_msg("tolower(U+%04X) = U+%04X, want U+%04X", (unsigned)up,
				 (unsigned)cp_tolower(up), (unsigned)lo);
		if (cp_toupper(lo) != up)
			fail_msg("toupper(U+%04X) = U+%04X, want U+%04X", (unsigned)lo,
				 (unsigned)cp_toupper(lo), (unsigned)up);
	}
	/* lowercase letters without an uppercase here map to themselves, not to a neighbour */
	static const uint32_t alone[] = { 0x138 /* ĸ */, 0x149 /* ŉ */, 0x17F /* ſ */ };
	for (size_t i = 0; i < ARRAY_LEN(alone); i++)
		if (cp_toupper(alone[i]) != alone[i])
			fail_msg("toupper(U+%04X) = U+%04X, want itself", (unsigned)alone[i],
				 (unsigned)cp_toupper(alone[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_warns),
		cmocka_unit_test(test_xalloc),
		cmocka_unit_test(test_xgrow),
		cmocka_unit_test(test_sb_basic),
		cmocka_unit_test(test_sb_addf),
		cmocka_unit_test(test_sb_addcp),
		cmocka_unit_test(test_sb_detach),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_file_stdin),
		cmocka_unit_test(test_read_file_errors),
		cmocka_unit_test(test_utf8_decode_valid),
		cmocka_unit_test(test_utf8_decode_invalid),
		cmocka_unit_test(test_utf8_encode),
		cmocka_unit_test(test_utf8_validate),
		cmocka_unit_test(test_utf8_count),
		cmocka_unit_test(test_cp_german),
		cmocka_unit_test(test_cp_latin_ext_a),
		cmocka_unit_test(test_cp_latin_ext_a_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
