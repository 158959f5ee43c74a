/*
 * util.h - small shared helpers: error reports, warnings, a growable string,
 * allocation that never returns NULL, and UTF-8 handling.
 *
 * Text code in sprecher works on UTF-8 bytes itself and never relies on
 * <ctype.h> for non-ASCII characters (eSpeak NG changes the process locale).
 */
#ifndef SPRECHER_UTIL_H
#define SPRECHER_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ------------------------------------------------------------ */

/*
 * An error report filled by a fallible function. Messages follow git's style:
 * lowercase, no trailing full stop, naming the file (and line) first, e.g.
 * "jingles/intro.wav: cannot read: File contains data in an unknown format".
 * `msg` is always a NUL-terminated string (empty when no error was set).
 */
struct err {
	char msg[1024];
};

/* Formats `fmt` into `e` (when e is not NULL) and returns -1. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- warnings ---------------------------------------------------------- */

/*
 * A list of warning lines collected by a stage; `main` prints them to stderr.
 * `v` holds `n` malloc'd strings owned by the list.
 */
struct warns {
	char **v;
	size_t n, cap;
};

void warns_init(struct warns *w);
void warns_release(struct warns *w);
/* Appends one formatted line; a NULL `w` drops it. */
void warns_add(struct warns *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- memory ------------------------------------------------------------ */

/* Like malloc/calloc/realloc/strdup but abort with a message when out of memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows *p (of *cap elements of `size` bytes) so it holds at least `need` elements. */
void xgrow(void **p, size_t *cap, size_t need, size_t size);
#define XGROW(p, cap, need) xgrow((void **)&(p), &(cap), (need), sizeof(*(p)))

/* ---- growable string (after git's strbuf) ------------------------------ */

/*
 * A growable NUL-terminated byte string. After sb_init, `buf` is never NULL
 * and buf[len] == '\0'. The caller owns it and frees it with sb_release.
 */
struct sb {
	char *buf;
	size_t len, cap;
};

void sb_init(struct sb *s);
void sb_release(struct sb *s);
void sb_reset(struct sb *s);               /* len = 0, keeps the memory */
void sb_add(struct sb *s, const char *p, size_t n);
void sb_adds(struct sb *s, const char *str);
void sb_addc(struct sb *s, char c);
void sb_addf(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct sb *s, const char *fmt, va_list ap);
/* Removes trailing ASCII whitespace. */
void sb_rtrim(struct sb *s);
/* Hands over the buffer (caller frees it) and re-initialises `s`. */
char *sb_detach(struct sb *s);

/* ---- files ------------------------------------------------------------- */

/*
 * Reads a whole file ("-" = stdin) into a malloc'd NUL-terminated buffer.
 * Returns 0 and sets *out and *len, or -1 with "PATH: cannot read: REASON" in `e`.
 */
int read_file(const char *path, char **out, size_t *len, struct err *e);

/* ---- atomic output files ----------------------------------------------- */

/*
 * The one way sprecher writes an output (audio and every sidecar): the data
 * goes to an unnamed file (O_TMPFILE) in the target's directory, which
 * outfile_commit fsyncs and links into place (a new name directly; over an
 * existing file through a short-lived ".sprecher-PID-XXXXXX.tmp" and
 * rename). Until then the target is untouched, and a kill of any kind
 * (SIGKILL too) leaves nothing behind. Where O_TMPFILE is not available the
 * file is named ".sprecher-PID-XXXXXX.tmp" from the start; outfile_cleanup
 * removes it from a signal handler, and the next outfile_open in that
 * directory removes such files of processes that no longer run. The names
 * are short whatever the target's name, so targets of up to NAME_MAX bytes work.
 *
 * A replaced file keeps its permission bits; a new one gets 0666 minus the
 * umask. While a writer is open an existing target is locked (flock) and a
 * second writer for it fails with "PATH: is being written by another process";
 * at commit a target that appeared or changed since outfile_note (or
 * outfile_open) is not replaced: "PATH: changed by another process while
 * rendering; not replaced".
 */
struct outfile;

/*
 * Opens a writer for `path` (not "-"). Returns NULL with "PATH: is a
 * directory", "PATH: not a regular file", "PATH: cannot create: REASON" or
 * the lock error.
 */
struct outfile *outfile_open(const char *path, struct err *e);
/* The file descriptor to write to (read-write, positioned at 0). */
int outfile_fd(const struct outfile *f);
/* Fsyncs, puts the file in place and frees `f` (in every case). Returns 0 or -1 with "PATH: cannot write: REASON". */
int outfile_commit(struct outfile *f, struct err *e);
/* Drops the data and frees `f`; the target stays as it was. outfile_abort(NULL) is fine. */
void outfile_abort(struct outfile *f);
/* Writes data[0..len) as the whole file `path` ("-" = stdout) through a writer. */
int outfile_write(const char *path, const void *data, size_t len, struct err *e);
/*
 * Checks before any work that `path` can be written (opens a writer and
 * drops it) and notes the target's state for the change check at commit.
 */
int outfile_check(const char *path, struct err *e);
/* Notes the target's current state (exists, inode, mtime) for the change check. */
void outfile_note(const char *path);
/*
 * An unnamed read-write temporary file in $TMPDIR (or /tmp), gone with the
 * process. Returns the descriptor, or -1 with "DIR: cannot create a temporary file: REASON".
 */
int outfile_anon(struct err *e);
/* The directory of temporary files: $TMPDIR when set and not empty, else /tmp. */
const char *tmp_dir(void);
/* The number of online cores, 1 .. `max`. */
int online_cores(int max);
/*
 * A spool for audio between passes: an unnamed temporary file in tmp_dir()
 * (outfile_anon) as a "w+b" stream with a 1 MiB buffer, gone with the
 * process whatever ends it (SIGKILL too). The caller fcloses it. NULL with
 * "DIR: cannot create a temporary file: REASON".
 */
FILE *spool_open(struct err *e);
/*
 * For a spool that cannot grow or be read back (a full disk, a file size
 * limit): fills `e` with "DIR: cannot write the temporary WHAT file: REASON"
 * (REASON from errno; `verb` "write" or "read") and returns -1.
 */
int spool_failed(const char *verb, const char *what, struct err *e);
/* Async-signal-safe: unlinks the named temporary files of open writers and of tmpreg_add. */
void outfile_cleanup(void);
/* Registers another named temporary file for outfile_cleanup; returns a slot or -1. */
int tmpreg_add(const char *path);
void tmpreg_forget(int slot);

/*
 * 1 when `a` and `b` name the same file: the same inode when both exist, else
 * the same directory (by inode) and base name.
 */
int path_same_file(const char *a, const char *b);
/*
 * Refuses outputs that are an input or another output: each of outs[0..nout)
 * (NULL entries and "-" skipped) against the others and against ins[0..nin).
 * Returns 0, or -1 with "OUT: is also an input of this render" or "OUT: is
 * given twice as an output".
 */
int path_check_outputs(const char *const *outs, size_t nout, const char *const *ins, size_t nin,
		       struct err *e);

/* ---- UTF-8 ------------------------------------------------------------- */

/*
 * Decodes one code point from s[0..len). Returns the number of bytes used
 * (1..4) and sets *cp, or returns -1 for an invalid or truncated sequence
 * (overlongs and surrogates are invalid). len == 0 returns 0.
 */
int utf8_decode(const char *s, size_t len, uint32_t *cp);
/*
 * Decodes the code point at s[i] (i < len) into *cp and returns its length;
 * an invalid or truncated sequence decodes as U+FFFD of length 1, so a loop
 * `for (i = 0; i < len; i += utf8_step(s, len, i, &cp))` always advances.
 */
size_t utf8_step(const char *s, size_t len, size_t i, uint32_t *cp);
/* Encodes cp into out (4 bytes room); returns the byte count. */
int utf8_encode(uint32_t cp, char *out);
/* Appends the code point to the string. */
void sb_addcp(struct sb *s, uint32_t cp);
/*
 * Checks that s[0..len) is valid UTF-8. Returns 0, or -1 and sets *line and
 * *col (both 1-based; col counts bytes) of the first invalid byte.
 */
int utf8_validate(const char *s, size_t len, size_t *line, size_t *col);
/*
 * Appends `utf8` transliterated to printable ASCII, for fields that must be
 * ASCII (BWF bext, AES46 cart): ä ö ü Ä Ö Ü -> ae oe ue Ae Oe Ue, ß -> ss,
 * ẞ -> SS, typographic quotes „“”«» -> ", ‚‘’‹› -> ', dashes -> -, … -> ...,
 * no-break and other spaces -> space, accented Latin letters -> the base
 * letter (é -> e, Ł -> L, Æ -> AE), controls dropped; anything else -> '?'.
 */
void sb_add_ascii(struct sb *s, const char *utf8);
/* Number of code points in s[0..len) (invalid bytes count one each). */
size_t utf8_count(const char *s, size_t len);

/* ASCII-only classification, independent of the locale. */
static inline int a_isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int a_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int a_islower(int c) { return c >= 'a' && c <= 'z'; }
static inline int a_isalpha(int c) { return a_isupper(c) || a_islower(c); }
static inline int a_isalnum(int c) { return a_isalpha(c) || a_isdigit(c); }
static inline int a_isspace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static inline int a_tolower(int c) { return a_isupper(c) ? c + 32 : c; }
static inline int a_toupper(int c) { return a_islower(c) ? c - 32 : c; }

/* Letter classes for Latin-1/Latin Extended code points (German umlauts, ß, accented names). */
int cp_isalpha(uint32_t cp);
int cp_isupper(uint32_t cp);
int cp_islower(uint32_t cp);
uint32_t cp_tolower(uint32_t cp);
uint32_t cp_toupper(uint32_t cp);

/*
 * Reads exactly `n` bytes from `fd` into `p` (retrying on EINTR); returns 0,
 * or -1 on an error or an early end of file.
 */
int fd_read_full(int fd, void *p, size_t n);

/* Writes all `n` bytes of `p` to `fd` (retrying on EINTR); returns 0 or -1. */
int fd_write_full(int fd, const void *p, size_t n);

/* A number from lo to hi (inclusive) in all of `s` (strtod's forms): 0 and *out set, or -1. */
int parse_double_in(const char *s, double lo, double hi, double *out);

/*
 * The default output name of `article`: its base name without the last
 * extension, plus "." `ext`, in `dir` (NULL: the current directory), into
 * `out` (`n` bytes, truncated to fit).
 */
void path_default_output(const char *article, const char *dir, const char *ext, char *out, size_t n);

#endif
