/*
 * lexicon.c - pronunciation lexicon (see lexicon.h).
 *
 * An open-addressing hash table keyed by the exact spelling of the word.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexicon.h"

struct lex_entry {
	char *word, *repl;
	size_t wlen;
	size_t hash;
};

struct lexicon {
	struct lex_entry *tab;   /* `cap` slots, a power of two; word NULL = empty */
	size_t cap, n;
	struct warns warn;       /* from lex_load, until lex_take_warnings */
	struct foreign *fx;      /* loaded on first use */
	int fx_tried;
	foreign_phonemizer fn;
	void *fn_ctx;
};

/* ---- hash table -------------------------------------------------------- */

static size_t hash_bytes(const char *p, size_t n)
{
	size_t h = 1469598103934665603ull & (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= (size_t)1099511628211ull;
	}
	return h;
}

static struct lex_entry *find_slot(const struct lexicon *lx, const char *w, size_t n, size_t h)
{
	size_t mask = lx->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct lex_entry *e = &lx->tab[i];
		if (!e->word || (e->hash == h && e->wlen == n && !memcmp(e->word, w, n)))
			return e;
	}
}

static void grow(struct lexicon *lx)
{
	struct lex_entry *old = lx->tab;
	size_t oldcap = lx->cap;
	lx->cap = oldcap ? oldcap * 2 : 64;
	lx->tab = xcalloc(lx->cap, sizeof *lx->tab);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].word)
			*find_slot(lx, old[i].word, old[i].wlen, old[i].hash) = old[i];
	free(old);
}

struct lexicon *lex_new(void)
{
	struct lexicon *lx = xcalloc(1, sizeof *lx);
	warns_init(&lx->warn);
	grow(lx);
	return lx;
}

void lex_free(struct lexicon *lx)
{
	if (!lx)
		return;
	for (size_t i = 0; i < lx->cap; i++) {
		free(lx->tab[i].word);
		free(lx->tab[i].repl);
	}
	free(lx->tab);
	warns_release(&lx->warn);
	foreign_free(lx->fx);
	free(lx);
}

void lex_take_warnings(struct lexicon *lx, struct warns *w)
{
	for (size_t i = 0; i < lx->warn.n; i++)
		warns_add(w, "%s", lx->warn.v[i]);
	warns_release(&lx->warn);
	warns_init(&lx->warn);
}

struct foreign *lex_foreign(const struct lexicon *clx, struct warns *w)
{
	struct lexicon *lx = (struct lexicon *)clx;   /* a cache: loading does not change the entries */
	if (!lx)
		return NULL;
	if (!lx->fx_tried) {
		lx->fx_tried = 1;
		lx->fx = foreign_new(NULL, w);
		foreign_set_phonemizer(lx->fx, lx->fn, lx->fn_ctx);
	}
	return lx->fx;
}

void lex_set_phonemizer(struct lexicon *lx, foreign_phonemizer fn, void *ctx)
{
	lx->fn = fn;
	lx->fn_ctx = ctx;
	if (lx->fx)
		foreign_set_phonemizer(lx->fx, fn, ctx);
}

void lex_add(struct lexicon *lx, const char *word, const char *replacement)
{
	size_t n = strlen(word), h = hash_bytes(word, n);
	if ((lx->n + 1) * 4 > lx->cap * 3)
		grow(lx);
	struct lex_entry *e = find_slot(lx, word, n, h);
	if (e->word) {
		free(e->repl);
		e->repl = xstrdup(replacement);
		return;
	}
	e->word = xstrndup(word, n);
	e->wlen = n;
	e->hash = h;
	e->repl = xstrdup(replacement);
	lx->n++;
}

size_t lex_size(const struct lexicon *lx)
{
	return lx ? lx->n : 0;
}

static const char *lookup_exact(const struct lexicon *lx, const char *w, size_t n)
{
	const struct lex_entry *e = find_slot(lx, w, n, hash_bytes(w, n));
	return e->word ? e->repl : NULL;
}

const char *lex_lookup(const struct lexicon *lx, const char *word, size_t len)
{
	if (!lx || !len)
		return NULL;
	const char *r = lookup_exact(lx, word, len);
	if (r)
		return r;
	/* a capitalised word also finds its all-lowercase entry */
	uint32_t cp;
	int k = utf8_decode(word, len, &cp);
	if (k <= 0 || !cp_isupper(cp))
		return NULL;
	for (size_t i = (size_t)k; i < len;) {
		uint32_t c;
		int m = utf8_decode(word + i, len - i, &c);
		if (m <= 0 || cp_isupper(c))
			return NULL;
		i += (size_t)m;
	}
	struct sb t;
	sb_init(&t);
	sb_addcp(&t, cp_tolower(cp));
	sb_add(&t, word + k, len - (size_t)k);
	r = lookup_exact(lx, t.buf, t.len);
	sb_release(&t);
	return r;
}

/* ---- files ------------------------------------------------------------- */

/* Checks one entry; returns NULL or the reason it is bad. */
static const char *check_entry(const char *w, size_t wl, const char *r, size_t rl)
{
	if (!wl)
		return "empty word";
	if (!rl)
		return "empty replacement";
	for (size_t i = 0; i < wl; i++)
		if (w[i] == ' ' || w[i] == '\t')
			return "word contains white space";
	if (utf8_validate(w, wl, &(size_t){0}, &(size_t){0}) ||
	    utf8_validate(r, rl, &(size_t){0}, &(size_t){0}))
		return "invalid UTF-8";
	for (size_t i = 0; i < rl; i++)
		if (r[i] == '\t')
			return "more than two fields";
	if (memchr(w, '\0', wl) || memchr(r, '\0', rl))
		return "NUL byte in line";
	for (size_t i = 0; i < wl; i++)
		if ((unsigned char)w[i] < 0x20 || w[i] == 0x7f)
			return "control character in word";
	for (size_t i = 0; i < rl; i++)
		if ((unsigned char)r[i] < 0x20 || r[i] == 0x7f)
			return "control character in replacement";
	const char *open = NULL;
	for (size_t i = 0; i + 1 < rl; i++) {
		if (r[i] == '[' && r[i + 1] == '[') {
			if (open)
				return "unbalanced [[ ]] in replacement";
			open = r + i;
			i++;
		} else if (open && (r[i] == '[' || (r[i] == ']' && r[i + 1] != ']'))) {
			return "unbalanced [[ ]] in replacement";
		} else if (r[i] == ']' && r[i + 1] == ']') {
			if (!open)
				return "unbalanced [[ ]] in replacement";
			open = NULL;
			i++;
		}
	}
	if (open)
		return "unbalanced [[ ]] in replacement";
	return NULL;
}

int lex_load(struct lexicon *lx, const char *path, struct err *e)
{
	char *text;
	size_t len;
	if (read_file(path, &text, &len, e) < 0)
		return -1;
	/* first pass: validate every line, so that a bad file adds nothing */
	struct lexicon *tmp = lex_new();
	size_t lineno = 0;
	int rc = 0;
	for (size_t i = 0; i < len;) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		size_t le = end;
		if (le > i && text[le - 1] == '\r')
			le--;
		const char *line = text + i;
		size_t ll = le - i;
		i = end + 1;
		size_t a = 0;
		while (a < ll && (line[a] == ' '))
			a++;
		if (a == ll || line[a] == '#')
			continue;
		const char *tab = memchr(line, '\t', ll);
		if (!tab) {
			rc = err_set(e, "%s:%zu: missing tab between word and replacement", path, lineno);
			break;
		}
		size_t wl = (size_t)(tab - line);
		const char *r = tab + 1;
		size_t rl = ll - wl - 1;
		while (rl && (r[rl - 1] == ' '))
			rl--;
		while (rl && *r == ' ') {
			r++;
			rl--;
		}
		const char *why = check_entry(line, wl, r, rl);
		if (why) {
			rc = err_set(e, "%s:%zu: %s", path, lineno, why);
			break;
		}
		if (rl > LEX_MAX_REPLACEMENT) {
			size_t cut = LEX_MAX_REPLACEMENT;
			while (cut && ((unsigned char)r[cut] & 0xC0) == 0x80)
				cut--;
			/* cut phonemes end with "]]"; if that leaves no valid entry, the line is dropped */
			char *w = xstrndup(line, wl), *rp = xstrndup(r, cut);
			if (cut >= 4 && strstr(rp, "[[") && check_entry(w, wl, rp, cut) != NULL)
				memcpy(rp + cut - 2, "]]", 2);
			int ok = !check_entry(w, wl, rp, cut);
			warns_add(&lx->warn, "%s:%zu: replacement of %zu bytes %s", path, lineno, rl,
				  ok ? "cut to its first 512" : "left out (longer than 512 bytes)");
			if (ok)
				lex_add(tmp, w, rp);
			free(w);
			free(rp);
			continue;
		}
		char *w = xstrndup(line, wl), *rp = xstrndup(r, rl);
		lex_add(tmp, w, rp);
		free(w);
		free(rp);
	}
	if (!rc) {
		/* second: copy in file order is not needed, later entries already won */
		for (size_t k = 0; k < tmp->cap; k++)
			if (tmp->tab[k].word)
				lex_add(lx, tmp->tab[k].word, tmp->tab[k].repl);
	}
	lex_free(tmp);
	free(text);
	return rc;
}
