/*
 * foreign.c - language of a word and its pronunciation in the German voice
 * (see foreign.h).
 *
 * The word lists are read whole into memory and indexed by an open-addressing
 * table of offsets (no copy per word): about 460,000 words load in a few
 * tens of milliseconds, once per process.
 */
#include "foreign.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Words whose answer is kept (a long programme has far fewer distinct words). */
#define FOREIGN_CACHE_MAX 65536

/* ---- word sets ----------------------------------------------------------- */

struct wset {
	char *text;          /* the file, '\n' replaced by '\0' */
	size_t len;
	uint32_t *slot;      /* offset + 1 of a word, 0 = empty; `cap` slots */
	size_t cap, n;
};

static uint32_t hash32(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

static int wset_has(const struct wset *s, const char *w, size_t n)
{
	if (!s->cap || !n)
		return 0;
	size_t mask = s->cap - 1;
	for (size_t i = hash32(w, n) & mask;; i = (i + 1) & mask) {
		uint32_t o = s->slot[i];
		if (!o)
			return 0;
		const char *e = s->text + o - 1;
		if (!strncmp(e, w, n) && e[n] == '\0')
			return 1;
	}
}

static void wset_insert(struct wset *s, size_t off, size_t n)
{
	size_t mask = s->cap - 1;
	const char *w = s->text + off;
	for (size_t i = hash32(w, n) & mask;; i = (i + 1) & mask) {
		uint32_t o = s->slot[i];
		if (!o) {
			s->slot[i] = (uint32_t)off + 1;
			s->n++;
			return;
		}
		if (!strcmp(s->text + o - 1, w))
			return;
	}
}

/* Appends the words of file `path` (one a line; lines with "'" skipped) to the set. */
static int wset_load(struct wset *s, const char *path)
{
	struct err e;
	char *t;
	size_t len;
	if (read_file(path, &t, &len, &e))
		return -1;
	if (s->len + len >= UINT32_MAX / 2) {
		free(t);
		return -1;
	}
	/* one buffer for all files: append */
	size_t base = s->len;
	s->text = xrealloc(s->text, base + len + 1);
	memcpy(s->text + base, t, len);
	s->text[base + len] = '\0';
	s->len = base + len + 1;
	free(t);
	size_t words = 0;
	for (size_t i = base; i < s->len; i++)
		words += s->text[i] == '\n' || s->text[i] == '\0';
	size_t need = 64;
	while (need < (s->n + words) * 2)
		need *= 2;
	if (need > s->cap) {
		/* rebuild from scratch with the bigger table */
		free(s->slot);
		s->slot = xcalloc(need, sizeof *s->slot);
		s->cap = need;
		s->n = 0;
		base = 0;
	}
	for (size_t i = base; i < s->len;) {
		size_t end = i;
		while (end < s->len && s->text[end] != '\n' && s->text[end] != '\0')
			end++;
		s->text[end] = '\0';
		size_t n = end - i;
		if (n && s->text[end - 1] == '\r')
			s->text[--n + i] = '\0';
		if (n && !memchr(s->text + i, '\'', n))
			wset_insert(s, i, n);
		i = end + 1;
	}
	return 0;
}

static void wset_release(struct wset *s)
{
	free(s->text);
	free(s->slot);
	memset(s, 0, sizeof *s);
}

/* ---- the object ---------------------------------------------------------- */

struct cache_entry {
	char *word;
	char *ph;            /* "" = read as German */
};

struct foreign {
	struct wset de, en;
	foreign_phonemizer fn;
	void *ctx;
	struct cache_entry *cache;   /* open addressing, `ccap` slots */
	size_t ccap, cn;
};

const char *foreign_lang_name(enum flang l)
{
	static const char *const names[FL__COUNT] = { "de", "en", "tr", "pl", "cs", "hu", "uk" };
	return l < FL__COUNT ? names[l] : "?";
}

struct foreign *foreign_new(const char *dictdir, struct warns *w)
{
	struct foreign *fx = xcalloc(1, sizeof *fx);
	char path[1024];
	if (!dictdir)
		dictdir = getenv("SPRECHER_DICT_DIR");
	if (!dictdir || !*dictdir)
		dictdir = "/usr/share/dict";
	snprintf(path, sizeof path, "%s/ngerman", dictdir);
	int de = wset_load(&fx->de, path);
	int en = 0;
	snprintf(path, sizeof path, "%s/american-english", dictdir);
	en += !wset_load(&fx->en, path);
	snprintf(path, sizeof path, "%s/british-english", dictdir);
	en += !wset_load(&fx->en, path);
	if (de || !en)
		warns_add(w, "%s: no %s word list (Debian packages %s): words from other "
			  "languages are recognised by their letters only", dictdir,
			  de && !en ? "German or English" : de ? "German" : "English",
			  de && !en ? "wngerman, wamerican" : de ? "wngerman" : "wamerican");
	return fx;
}

void foreign_free(struct foreign *fx)
{
	if (!fx)
		return;
	wset_release(&fx->de);
	wset_release(&fx->en);
	for (size_t i = 0; i < fx->ccap; i++) {
		free(fx->cache[i].word);
		free(fx->cache[i].ph);
	}
	free(fx->cache);
	free(fx);
}

static void cache_clear(struct foreign *fx);

void foreign_set_phonemizer(struct foreign *fx, foreign_phonemizer fn, void *ctx)
{
	fx->fn = fn;
	fx->ctx = ctx;
	cache_clear(fx);   /* earlier answers were made without it */
}

void foreign_counts(const struct foreign *fx, size_t *german, size_t *english)
{
	*german = fx->de.n;
	*english = fx->en.n;
}

/* Lowercases word[0..len) into `t` (reset first). */
static void lowercase(const char *w, size_t n, struct sb *t)
{
	sb_reset(t);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(w + i, n - i, &cp);
		if (k <= 0)
			break;
		sb_addcp(t, cp_tolower(cp));
		i += (size_t)k;
	}
}

/* The word as written, with a lowercase first letter, or all lowercase, in set s. */
static int in_set_any_case(const struct wset *s, const char *w, size_t n)
{
	if (wset_has(s, w, n))
		return 1;
	struct sb t;
	sb_init(&t);
	uint32_t cp;
	int k = utf8_decode(w, n, &cp), r = 0;
	if (k > 0 && cp_isupper(cp)) {
		sb_addcp(&t, cp_tolower(cp));
		sb_add(&t, w + k, n - (size_t)k);
		r = wset_has(s, t.buf, t.len);
		if (!r) {
			/* "TEAM" or a German noun written small at the start: capitalised form */
			lowercase(w, n, &t);
			r = wset_has(s, t.buf, t.len);
			if (!r && t.len) {
				struct sb u;
				sb_init(&u);
				uint32_t c0;
				int m = utf8_decode(t.buf, t.len, &c0);
				sb_addcp(&u, cp_toupper(c0));
				sb_add(&u, t.buf + m, t.len - (size_t)m);
				r = wset_has(s, u.buf, u.len);
				sb_release(&u);
			}
		}
	} else if (k > 0) {
		sb_addcp(&t, cp_toupper(cp));
		sb_add(&t, w + k, n - (size_t)k);
		r = wset_has(s, t.buf, t.len);
	}
	sb_release(&t);
	return r;
}

int foreign_is_german(const struct foreign *fx, const char *word, size_t len)
{
	return in_set_any_case(&fx->de, word, len);
}

int foreign_is_english(const struct foreign *fx, const char *word, size_t len)
{
	return in_set_any_case(&fx->en, word, len);
}

/* ---- language of a word -------------------------------------------------- */

static enum flang by_letters(const char *w, size_t n)
{
	int tr = 0, pl = 0, cs = 0, slav = 0, hu = 0, fr = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(w + i, n - i, &cp);
		if (k <= 0)
			return FL_DE;
		i += (size_t)k;
		cp = cp_tolower(cp);
		switch (cp) {
		case 0x15F: case 0x11F: case 0x131: case 0x130: tr += 2; break;   /* ş ğ ı İ */
		case 0xE7: tr++; break;                                      /* ç (also French) */
		case 0x142: case 0x15B: case 0x17A: case 0x17C: case 0x105: case 0x119: case 0x144:
			pl += 2; break;                                      /* ł ś ź ż ą ę ń */
		case 0xF3: pl++; break;                                      /* ó */
		case 0x159: case 0x11B: case 0x16F: case 0x148: case 0x165: case 0x10F:
			cs += 2; break;                                      /* ř ě ů ň ť ď */
		case 0x10D: case 0x161: case 0x17E: case 0x107: case 0x111:
			slav++; break;                                       /* č š ž ć đ */
		case 0x151: case 0x171: hu += 2; break;                      /* ő ű */
		case 0xE9: case 0xE8: case 0xEA: case 0xE0: case 0xEE: case 0xF4: fr++; break;
		default: break;
		}
	}
	int hu_acc = 0;   /* á é í ó ö ú ü: Hungarian beside "sz", "cs", "gy", "zs" */
	for (size_t i = 0; i + 1 < n; i++)
		hu_acc |= (unsigned char)w[i] == 0xC3 && strchr("\xA1\xA9\xAD\xB3\xB6\xBA\xBC", w[i + 1]);
	if (tr && !fr && tr >= pl && tr >= cs)
		return FL_TR;
	if (pl && n > 3 && !memcmp(w + n - 3, "\xC3\xB3w", 3))   /* "-ów": Kraków */
		return FL_PL;
	if (pl <= 1 && !cs && hu_acc && !memmem(w, n, "rz", 2) && !memmem(w, n, "cz", 2) && (memmem(w, n, "sz", 2) || memmem(w, n, "Sz", 2) || memmem(w, n, "gy", 2) ||
				     memmem(w, n, "zs", 2) || memmem(w, n, "cs", 2)))
		return FL_HU;
	if (pl && n > 3 && !memcmp(w + n - 3, "\xC3\xB3w", 3))   /* "-ów": Kraków */
		return FL_PL;
	if (pl >= 2 || (pl && (memmem(w, n, "sz", 2) || memmem(w, n, "rz", 2) || memmem(w, n, "cz", 2))))
		return FL_PL;
	if (cs || slav)
		return FL_CS;
	if (hu)
		return FL_HU;
	return FL_DE;
}

static int is_vowel_letter(int c)
{
	c = a_tolower(c);
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int ends_with(const char *w, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n > k + 1 && !memcmp(w + n - k, suf, k);
}

/*
 * A word-initial consonant cluster German does not have ("Tbilisi", "Mkhitaryan", "Ngozi",
 * "Srebrenica"): eSpeak would spell such a word letter by letter.
 */
static int illegal_onset(const char *w, size_t n)
{
	static const char *const legal[] = {
		"b", "bl", "br", "c", "ch", "chr", "chl", "d", "dr", "dsch", "f", "fl", "fr", "g", "gl", "gn",
		"gr", "h", "j", "k", "kl", "kn", "kr", "kw", "l", "m", "n", "p", "pf", "pfl", "pfr", "ph", "phl",
		"phr", "pl", "pr", "ps", "q", "r", "rh", "s", "sc", "sch", "schl", "schm", "schn", "schr",
		"schw", "sk", "skl", "skr", "sl", "sm", "sn", "sp", "spl", "spr", "st", "str", "sv", "sw", "t",
		"th", "thr", "tr", "ts", "tsch", "tw", "v", "vl", "w", "wr", "wh", "x", "z", "zw", "y",
		"sh", "shr", "scr", "squ", "qu", "kh", "zh", "dj", "dw", "gw", "pn", NULL
	};
	size_t k = 0;
	while (k < n && !is_vowel_letter(w[k]))
		k++;
	if (k < 2 || k == n || k > 7)
		return 0;
	for (const char *const *l = legal; *l; l++)
		if (strlen(*l) == k && !strncmp(w, *l, k))
			return 0;
	return 1;
}

/* German transliterations of Ukrainian and Russian names, by their shape (ASCII lowercase `w`). */
static int looks_east_slavic(const char *w, size_t n)
{
	static const char *const onsets[] = { "lw", "dn", "hr", "zl", "mykh", "mych", "kh", "zh", "chm",
					      "wj", "dzh", "schtsch", "kyj", "myk", "wolodym", NULL };
	static const char *const endings[] = { "enko", "tschuk", "schuk", "ytsch", "yj", "skyj", "zkyj",
						"chuk", "iwna", "ijiw", "ndr", "hiw", "kiw", "niw", "ij", NULL };
	if (n < 4)
		return 0;
	if (illegal_onset(w, n))
		return 1;
	for (const char *const *o = onsets; *o; o++)
		if (!strncmp(w, *o, strlen(*o)))
			return 1;
	for (const char *const *e = endings; *e; e++)
		if (ends_with(w, n, *e))
			return 1;
	/* "y" between consonants near the start ("Hryzenko", "Mykola") is not German spelling */
	for (size_t i = 1; i + 1 < n && i <= 2; i++)
		if (w[i] == 'y' && !is_vowel_letter(w[i - 1]) && !is_vowel_letter(w[i + 1]) && w[i + 1] != 'h')
			return 1;
	return 0;
}

/* Polish spellings German lacks ("szcz", "cz", "sz", initial "rz"/"prz", "cie"), lowercase ASCII `w`. */
static int looks_polish(const char *w, size_t n)
{
	static const char *const starts[] = { "rz", "prz", "krz", "trz", "brz", "grz", "wrz", "szcz", NULL };
	for (const char *const *s = starts; *s; s++)
		if (!strncmp(w, *s, strlen(*s)))
			return 1;
	if (memmem(w, n, "cz", 2) || (memmem(w, n, "sz", 2) && !memmem(w, n, "sch", 3)))
		return 1;
	if (ends_with(w, n, "iew") || ends_with(w, n, "wicz"))   /* "Zbigniew", "Mickiewicz" */
		return 1;
	for (size_t i = 1; i + 2 < n; i++)
		if (!is_vowel_letter(w[i - 1]) && w[i] == 'c' && w[i + 1] == 'i' && is_vowel_letter(w[i + 2]))
			return 1;
	return 0;
}

/* A Czech or Slovak syllabic r/l between consonants ("Brno", "Vltava", "Plzen"). */
static int syllabic_liquid(const char *w, size_t n)
{
	for (size_t i = 1; i + 1 < n; i++)
		if (i == 1 && (w[i] == 'r' || w[i] == 'l') && !is_vowel_letter(w[i - 1]) &&
		    !is_vowel_letter(w[i + 1]) && w[i + 1] != w[i] && w[i + 1] != 'h')
			return 1;
	return 0;
}

/* Spellings typical of English, rare in German ("ea", "ow", "th" ...), in lowercase `w`. */
static int looks_english(const char *w, size_t n)
{
	static const char *const marks[] = { "ea", "ee", "oo", "ow", "th", "wh", "sh", "oa", "ay", "ou",
					      "dg", "ph", "aw", NULL };
	for (const char *const *m = marks; *m; m++)
		if (memmem(w, n, *m, 2))
			return 1;
	return n > 2 && w[n - 1] == 'y' && !is_vowel_letter(w[n - 2]);
}

/* A name that looks English: English spellings or endings ("Whitfield", "Cunningham", "Ashton"). */
static int english_name(const char *w, size_t n)
{
	static const char *const ends[] = { "field", "ton", "son", "ham", "ford", "ley", "wood", "worth",
					    "shire", "by", "ridge", "well", "wick", "bury", "more", NULL };
	if (looks_english(w, n) && !memmem(w, n, "ou", 2))   /* "ou" in a name is rather French */
		return 1;
	for (const char *const *e = ends; *e; e++)
		if (ends_with(w, n, *e))
			return 1;
	return 0;
}

/* An English compound with no German reading: "livestream" = "live" + "stream". */
static int english_compound(const struct foreign *fx, const char *w, size_t n)
{
	for (size_t k = 3; k + 3 <= n; k++)
		if (wset_has(&fx->en, w, k) && wset_has(&fx->en, w + k, n - k))
			return looks_english(w, n);
	return 0;
}

/* A German compound not in the list as a whole: "Zollstreit" = "Zoll" + "streit" (a linking s allowed). */
static int german_compound(const struct foreign *fx, const char *w, size_t n)
{
	if (!fx->de.n || n < 7)
		return 0;
	struct sb head, tail;
	sb_init(&head);
	sb_init(&tail);
	int r = 0;
	for (size_t k = 3; k + 4 <= n && !r; k++) {
		if ((unsigned char)w[k] >= 0x80 && ((unsigned char)w[k] & 0xC0) == 0x80)
			continue;   /* inside a character */
		sb_reset(&tail);
		uint32_t cp;
		int m = utf8_decode(w + k, n - k, &cp);
		if (m <= 0)
			break;
		sb_addcp(&tail, cp_toupper(cp));
		sb_add(&tail, w + k + m, n - k - (size_t)m);
		int tail_ok = wset_has(&fx->de, tail.buf, tail.len) || wset_has(&fx->de, w + k, n - k);
		if (!tail_ok)
			continue;
		sb_reset(&head);
		sb_add(&head, w, k);
		r = in_set_any_case(&fx->de, head.buf, head.len) ||
		    (k > 4 && w[k - 1] == 's' && in_set_any_case(&fx->de, head.buf, head.len - 1));
	}
	sb_release(&head);
	sb_release(&tail);
	return r;
}

enum flang foreign_lang(const struct foreign *fx, const char *word, size_t len)
{
	enum flang l = by_letters(word, len);
	if (l != FL_DE)
		return l;
	struct sb t;
	sb_init(&t);
	lowercase(word, len, &t);
	int ascii = 1;
	for (size_t i = 0; i < t.len; i++)
		ascii &= (unsigned char)t.buf[i] < 0x80;
	if (!ascii) {
		sb_release(&t);
		return FL_DE;
	}
	if (foreign_is_german(fx, word, len)) {
		/*
		 * a loan in the German list made of English words ("Crowdfunding"); a single word
		 * in both lists ("See", "leer", "Team") stays German unless eSpeak's own German
		 * dictionary reads it as English (see compute)
		 */
		if (english_compound(fx, t.buf, t.len))
			l = FL_EN;
	} else if (german_compound(fx, word, len)) {
		l = FL_DE;
	} else if (looks_polish(t.buf, t.len)) {
		l = FL_PL;
	} else if (syllabic_liquid(t.buf, t.len)) {
		l = FL_CS;
	} else if (looks_east_slavic(t.buf, t.len)) {
		l = FL_UK;
	} else if (wset_has(&fx->en, t.buf, t.len) || english_compound(fx, t.buf, t.len)) {
		l = FL_EN;   /* an English common word ("how", "social") */
	} else if (foreign_is_english(fx, word, len) && english_name(t.buf, t.len)) {
		/* the English list holds names of every origin ("Andrei", "Elena"): only English-looking ones */
		l = FL_EN;
	}
	sb_release(&t);
	return l;
}

/* ---- letter rules per language ------------------------------------------- */

struct gr {
	const char *g, *ph;      /* lowercase grapheme (UTF-8) -> German eSpeak phonemes */
	int vowel;
};

static const struct gr gr_tr[] = {
	{ "ay", "aI", 1 }, { "ey", "EI", 1 }, { "oy", "OY", 1 },
	{ "ş", "S", 0 }, { "ç", "tS", 0 }, { "c", "dZ", 0 }, { "ğ", "", 0 }, { "ı", "I", 1 },
	{ "i̇", "I", 1 }, { "j", "Z", 0 }, { "y", "j", 0 }, { "ö", "W", 1 }, { "ü", "y", 1 },
	{ "â", "a", 1 }, { "z", "z", 0 }, { "s", "s", 0 }, { "v", "v", 0 }, { "h", "h", 0 },
	{ NULL, NULL, 0 }
};
static const struct gr gr_pl[] = {
	{ "szcz", "StS", 0 }, { "sz", "S", 0 }, { "cz", "tS", 0 }, { "rz", "Z", 0 }, { "ch", "x", 0 },
	{ "dż", "dZ", 0 }, { "dź", "dZ", 0 }, { "dz", "dz", 0 }, { "cie", "tSE", 1 }, { "sie", "SE", 1 },
	{ "zie", "ZE", 1 }, { "nie", "njE", 1 }, { "ci", "tSI", 1 }, { "si", "SI", 1 }, { "zi", "ZI", 1 },
	{ "ie", "jE", 1 }, { "ż", "Z", 0 }, { "ź", "Z", 0 }, { "ś", "S", 0 }, { "ć", "tS", 0 },
	{ "ń", "nj", 0 }, { "ł", "w", 0 }, { "w", "v", 0 }, { "ó", "U", 1 }, { "ą", "On", 1 },
	{ "ę", "En", 1 }, { "c", "ts", 0 }, { "h", "x", 0 }, { "j", "j", 0 }, { "y", "I", 1 },
	{ "z", "z", 0 }, { "s", "s", 0 }, { "v", "v", 0 },
	{ NULL, NULL, 0 }
};
static const struct gr gr_cs[] = {
	{ "ch", "x", 0 }, { "č", "tS", 0 }, { "š", "S", 0 }, { "ž", "Z", 0 }, { "ř", "rZ", 0 },
	{ "ě", "jE", 1 }, { "ň", "nj", 0 }, { "ť", "tj", 0 }, { "ď", "dj", 0 }, { "ć", "tS", 0 },
	{ "đ", "dZ", 0 }, { "á", "A:", 1 }, { "é", "e:", 1 }, { "í", "i:", 1 }, { "ý", "i:", 1 },
	{ "ó", "o:", 1 }, { "ú", "u:", 1 }, { "ů", "u:", 1 }, { "c", "ts", 0 }, { "y", "I", 1 },
	{ "w", "v", 0 }, { "j", "j", 0 }, { "h", "h", 0 }, { "z", "z", 0 }, { "s", "s", 0 },
	{ "v", "v", 0 },
	{ NULL, NULL, 0 }
};
static const struct gr gr_hu[] = {
	{ "dzs", "dZ", 0 }, { "cs", "tS", 0 }, { "sz", "s", 0 }, { "zs", "Z", 0 }, { "gy", "dj", 0 },
	{ "ny", "nj", 0 }, { "ty", "tj", 0 }, { "ly", "j", 0 }, { "s", "S", 0 }, { "c", "ts", 0 },
	{ "a", "O", 1 }, { "á", "A:", 1 }, { "é", "e:", 1 }, { "í", "i:", 1 }, { "ó", "o:", 1 },
	{ "ö", "W", 1 }, { "ő", "Y:", 1 }, { "ú", "u:", 1 }, { "ü", "y", 1 }, { "ű", "y:", 1 },
	{ "j", "j", 0 }, { "z", "z", 0 }, { "v", "v", 0 }, { "w", "v", 0 },
	{ NULL, NULL, 0 }
};
/* German (and some English) transliteration of Ukrainian and Russian */
static const struct gr gr_uk[] = {
	{ "schtsch", "StS", 0 }, { "tsch", "tS", 0 }, { "sch", "S", 0 }, { "ch", "x", 0 },
	{ "kh", "x", 0 }, { "zh", "Z", 0 }, { "sh", "S", 0 }, { "ts", "ts", 0 }, { "ss", "s", 0 },
	{ "ja", "ja", 1 }, { "ju", "jU", 1 }, { "je", "jE", 1 }, { "ji", "jI", 1 }, { "jo", "jO", 1 },
	{ "w", "v", 0 }, { "v", "v", 0 }, { "y", "I", 1 }, { "z", "ts", 0 }, { "h", "h", 0 },
	{ "j", "j", 0 }, { "x", "ks", 0 }, { "c", "ts", 0 },
	{ NULL, NULL, 0 }
};
/* what every table falls back to */
static const struct gr gr_base[] = {
	{ "a", "a", 1 }, { "e", "E", 1 }, { "i", "I", 1 }, { "o", "O", 1 }, { "u", "U", 1 },
	{ "ä", "E", 1 }, { "ö", "W", 1 }, { "ü", "y", 1 }, { "é", "e:", 1 }, { "á", "A:", 1 },
	{ "b", "b", 0 }, { "c", "k", 0 }, { "d", "d", 0 }, { "f", "f", 0 }, { "g", "g", 0 },
	{ "h", "h", 0 }, { "j", "j", 0 }, { "k", "k", 0 }, { "l", "l", 0 }, { "m", "m", 0 },
	{ "n", "n", 0 }, { "p", "p", 0 }, { "q", "k", 0 }, { "r", "r", 0 }, { "s", "s", 0 },
	{ "t", "t", 0 }, { "v", "v", 0 }, { "w", "v", 0 }, { "x", "ks", 0 }, { "y", "I", 1 },
	{ "z", "ts", 0 }, { "ß", "s", 0 },
	{ NULL, NULL, 0 }
};

struct unit {
	const char *ph;
	int vowel;
};

/* A unit that begins with a vowel sound (Polish "cie" -> "tSE" does not). */
static int starts_vowel(struct unit u)
{
	return u.vowel && strchr("aeiouEIOUWYy@3A", u.ph[0]);
}

/* The long form of a short German vowel phoneme (for a stressed open syllable). */
static const char *long_vowel(const char *ph)
{
	static const char *const map[][2] = {
		{ "a", "A:" }, { "E", "e:" }, { "I", "i:" }, { "O", "o:" }, { "U", "u:" },
		{ "W", "Y:" }, { "y", "y:" },
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (!strcmp(ph, map[i][0]))
			return map[i][1];
	return ph;
}

/* The syllable (index among vowels) that carries the stress, by the language's rule. */
static size_t stressed(enum flang l, const struct unit *u, size_t n, size_t nv)
{
	if (nv <= 1)
		return 0;
	switch (l) {
	case FL_PL:
		return nv - 2;
	case FL_UK: {
		/* final cluster ("Oleksandr"): last syllable; else the one before it */
		size_t cons = 0;
		for (size_t i = n; i-- > 0 && !u[i].vowel;)
			cons += u[i].ph[0] != '\0';
		return cons >= 2 ? nv - 1 : nv - 2;
	}
	default:
		return 0;   /* Turkish names, Czech, Hungarian: first */
	}
}

int foreign_respell(enum flang l, const char *word, size_t len, struct sb *out)
{
	const struct gr *tab = l == FL_TR ? gr_tr : l == FL_PL ? gr_pl : l == FL_CS ? gr_cs :
			       l == FL_HU ? gr_hu : l == FL_UK ? gr_uk : NULL;
	if (!tab)
		return -1;
	struct sb t;
	sb_init(&t);
	lowercase(word, len, &t);
	/* at most one unit per byte, plus one inserted vowel per byte (syllabic r/l) */
	struct unit *u = xmalloc((2 * t.len + 2) * sizeof *u);
	size_t n = 0, nv = 0;
	for (size_t i = 0; i < t.len;) {
		const struct gr *hit = NULL;
		size_t hl = 0;
		for (const struct gr *tb = tab;; tb = gr_base) {
			for (const struct gr *g = tb; g->g; g++) {
				size_t gl = strlen(g->g);
				if (gl > hl && i + gl <= t.len && !memcmp(t.buf + i, g->g, gl)) {
					hit = g;
					hl = gl;
				}
			}
			if (hit || tb == gr_base)
				break;
		}
		if (!hit) {   /* a letter without rule: skip it */
			uint32_t cp;
			int k = utf8_decode(t.buf + i, t.len - i, &cp);
			i += k > 0 ? (size_t)k : 1;
			continue;
		}
		if (l == FL_UK && i + 2 == t.len && (!memcmp(t.buf + i, "ij", 2) || !memcmp(t.buf + i, "yj", 2))) {
			u[n++] = (struct unit){ "i:", 1 };
			nv++;
			break;
		}
		/* a syllabic r or l between consonants carries a short vowel ("Brno": "B@rno") */
		if (l == FL_CS && (hit->ph[0] == 'r' || hit->ph[0] == 'l') && !hit->ph[1] && n == 1 && !u[0].vowel &&
		    i + 1 < t.len && !is_vowel_letter(t.buf[i + 1]) && (unsigned char)t.buf[i + 1] < 0x80) {
			u[n++] = (struct unit){ "E", 1 };
			nv++;
		}
		if (n && !hit->vowel && !u[n - 1].vowel && !strcmp(u[n - 1].ph, hit->ph)) {
			i += hl;   /* a double consonant ("jj", "tt") is one sound */
			continue;
		}
		u[n++] = (struct unit){ hit->ph, hit->vowel };
		nv += hit->vowel;
		i += hl;
	}
	/* final devoicing, as German (and Polish, Czech, Russian) speakers do */
	if (n && !u[n - 1].vowel && l != FL_TR && l != FL_HU) {
		static const char *const dv[][2] = { { "v", "f" }, { "d", "t" }, { "g", "k" }, { "b", "p" },
						     { "z", "s" }, { "Z", "S" } };
		for (size_t k = 0; k < ARRAY_LEN(dv); k++)
			if (!strcmp(u[n - 1].ph, dv[k][0]))
				u[n - 1].ph = dv[k][1];
	}
	size_t sv = stressed(l, u, n, nv), vi = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[i].vowel && vi++ == sv) {
			/* the stress mark goes before the syllable's first consonant */
			size_t at = out->len;
			if (i > 0 && !u[i - 1].vowel && *u[i - 1].ph) {
				at -= strlen(u[i - 1].ph);
				/* an onset like "zł", "pr", "kl" stays together */
				static const char *const liq[] = { "r", "l", "w", "j", "v" };
				int two = 0;
				for (size_t k = 0; k < ARRAY_LEN(liq); k++)
					two |= !strcmp(u[i - 1].ph, liq[k]);
				if (two && i > 1 && !u[i - 2].vowel && *u[i - 2].ph &&
				    strcmp(u[i - 2].ph, u[i - 1].ph))
					at -= strlen(u[i - 2].ph);
			}
			sb_addc(out, '\'');
			memmove(out->buf + at + 1, out->buf + at, out->len - at - 1);
			out->buf[at] = '\'';
			/* open syllable: a long vowel ("Schahin", "Tschelik") */
			int open = i + 1 >= n || starts_vowel(u[i + 1]) ||
				   (i + 2 < n && !u[i + 1].vowel && starts_vowel(u[i + 2])) ||
				   (nv == 1 && i + 2 == n && l == FL_UK);   /* "Lwiw": one syllable, one final consonant */
			const char *ph = u[i].ph;
			if (open && strlen(ph) == 1 && (l == FL_TR || l == FL_UK))   /* Polish, Czech, Hungarian: length is written */
				ph = long_vowel(ph);
			sb_adds(out, ph);
			continue;
		}
		sb_adds(out, u[i].ph);
	}
	free(u);
	sb_release(&t);
	return 0;
}

/* ---- English phonemes onto German ones ----------------------------------- */

/* German speakers devoice a final consonant ("Whitfield" -> "...fi:lt"). */
static void devoice_end(struct sb *out, size_t from)
{
	static const char dv[][2] = { { 'd', 't' }, { 'z', 's' }, { 'v', 'f' }, { 'b', 'p' }, { 'g', 'k' } };
	if (out->len <= from)
		return;
	char *last = &out->buf[out->len - 1];
	if (out->len - from >= 2 && (last[-1] == 'd' || last[-1] == 't') && (*last == 'Z' || *last == 'S'))
		return;   /* "dZ" stays */
	for (size_t k = 0; k < ARRAY_LEN(dv); k++)
		if (*last == dv[k][0])
			*last = dv[k][1];
}

void foreign_map_english(const char *ph, size_t len, struct sb *out)
{
	size_t from = out->len;
	static const char *const map[][2] = {
		{ "aI@", "aI@" }, { "aU@", "aU@" }, { "i@3", "i:@" }, { "@L", "@l" }, { "i@", "i:@" },
		{ "e@", "E:" }, { "U@", "u:@" }, { "A@", "A:" }, { "O@", "o:" }, { "O:", "o:" },
		{ "A:", "A:" }, { "3:", "W:" }, { "oU", "o:" }, { "eI", "e:I" }, { "aI", "aI" },
		{ "aU", "aU" }, { "OI", "OY" }, { "i:", "i:" }, { "u:", "u:" }, { "a#", "a" },
		{ "I#", "I" }, { "I2", "I" }, { "@2", "@" }, { "@5", "@" }, { "t#", "t" }, { "d#", "d" },
		{ "r-", "r" }, { "n-", "n" }, { "l-", "l" }, { "m-", "m" }, { "z/2", "z" },
		{ "V", "a" }, { "0", "O" }, { "a", "E" }, { "e", "E" }, { "3", "3" }, { "L", "l" },
		{ "_", "" }, { ";", "" }, { "/", "" }, { "!", "" }, { "#", "" }, { "=", "" },
	};
	for (size_t i = 0; i < len;) {
		size_t hl = 0;
		const char *to = NULL;
		for (size_t k = 0; k < ARRAY_LEN(map); k++) {
			size_t gl = strlen(map[k][0]);
			if (gl > hl && i + gl <= len && !memcmp(ph + i, map[k][0], gl)) {
				hl = gl;
				to = map[k][1];
			}
		}
		if (to) {
			sb_adds(out, to);
			i += hl;
		} else {
			if (ph[i] != ' ')
				sb_addc(out, ph[i]);
			i++;
		}
	}
	devoice_end(out, from);
}

/* ---- the word's German-voice phonemes ------------------------------------ */

/* German eSpeak phonemes with "(xx)...(de)" switches: the switched parts mapped; 1 if any. */
static int map_switches(const char *ph, struct sb *out)
{
	const char *sw = strchr(ph, '(');
	if (!sw)
		return 0;
	for (const char *p = ph; *p;) {
		if (*p == '(') {
			const char *close = strchr(p, ')');
			if (!close)
				break;
			int en = close - p - 1 >= 2 && !strncmp(p + 1, "de", 2) ? 0 : 1;
			p = close + 1;
			const char *end = strchr(p, '(');
			if (!end)
				end = p + strlen(p);
			if (en)
				foreign_map_english(p, (size_t)(end - p), out);
			else
				sb_add(out, p, (size_t)(end - p));
			p = end;
		} else {
			const char *end = strchr(p, '(');
			if (!end)
				end = p + strlen(p);
			for (const char *q = p; q < end; q++)
				if (*q != ' ' && *q != '_')
					sb_addc(out, *q);
			p = end;
		}
	}
	return 1;
}

/* Forgets every cached answer. */
static void cache_clear(struct foreign *fx)
{
	for (size_t i = 0; i < fx->ccap; i++) {
		free(fx->cache[i].word);
		free(fx->cache[i].ph);
	}
	free(fx->cache);
	fx->cache = NULL;
	fx->ccap = fx->cn = 0;
}

/* The cache slot of word w[0..n) (empty when not yet known); the cache is bounded. */
static struct cache_entry *cache_slot(struct foreign *fx, const char *w, size_t n)
{
	if (fx->cn >= FOREIGN_CACHE_MAX)
		cache_clear(fx);
	if ((fx->cn + 1) * 2 > fx->ccap) {
		struct cache_entry *old = fx->cache;
		size_t oc = fx->ccap;
		fx->ccap = oc ? oc * 2 : 256;
		fx->cache = xcalloc(fx->ccap, sizeof *fx->cache);
		for (size_t i = 0; i < oc; i++)
			if (old[i].word) {
				size_t m = fx->ccap - 1, h = hash32(old[i].word, strlen(old[i].word)) & m;
				while (fx->cache[h].word)
					h = (h + 1) & m;
				fx->cache[h] = old[i];
			}
		free(old);
	}
	size_t m = fx->ccap - 1;
	for (size_t h = hash32(w, n) & m;; h = (h + 1) & m)
		if (!fx->cache[h].word || (!strncmp(fx->cache[h].word, w, n) && !fx->cache[h].word[n]))
			return &fx->cache[h];
}

/* Computes the phonemes of one word (no brackets) into `ph`; empty = German as written. */
static void compute(struct foreign *fx, const char *word, size_t len, struct sb *ph)
{
	enum flang l = foreign_lang(fx, word, len);
	struct sb t;
	sb_init(&t);
	sb_add(&t, word, len);
	if (l != FL_DE && l != FL_EN) {
		foreign_respell(l, word, len, ph);
	} else if (l == FL_EN && fx->fn) {
		struct sb e;
		sb_init(&e);
		if (!fx->fn(fx->ctx, "en", t.buf, &e) && e.len)
			foreign_map_english(e.buf, e.len, ph);
		sb_release(&e);
	} else if (fx->fn) {
		/* German: only when eSpeak's German voice would switch to another one */
		struct sb d;
		sb_init(&d);
		if (!fx->fn(fx->ctx, "de", t.buf, &d) && strchr(d.buf ? d.buf : "", '('))
			map_switches(d.buf, ph);
		sb_release(&d);
	}
	sb_release(&t);
}

int foreign_say(struct foreign *fx, const char *word, size_t len, struct sb *out)
{
	if (len > 64 || len < 2 || (len == 2 && !(a_islower((unsigned char)word[0]) && a_islower((unsigned char)word[1]))))
		return 0;   /* "Th", "Ng": too short to tell; "up" in "Start-up" is a word */
	struct cache_entry *ce = cache_slot(fx, word, len);
	if (!ce->word) {
		struct sb ph;
		sb_init(&ph);
		compute(fx, word, len, &ph);
		ce->word = xstrndup(word, len);
		ce->ph = ph.len ? sb_detach(&ph) : xstrdup("");
		sb_release(&ph);
		fx->cn++;
	}
	if (!ce->ph[0])
		return 0;
	sb_adds(out, "[[");
	sb_adds(out, ce->ph);
	sb_adds(out, "]]");
	return 1;
}
