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

/* Appends the text of file `path` to the set's buffer; wset_index makes its words findable. */
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
	s->text = xrealloc(s->text, s->len + len + 1);
	memcpy(s->text + s->len, t, len);
	s->text[s->len + len] = '\0';
	s->len += len + 1;
	free(t);
	return 0;
}

/* Indexes every word of the buffer (one a line; lines with "'" skipped), once for all files. */
static void wset_index(struct wset *s)
{
	size_t words = 0, need = 64;

	if (!s->len)
		return;
	for (size_t i = 0; i < s->len; i++)
		words += s->text[i] == '\n' || s->text[i] == '\0';
	while (need < words * 2)
		need *= 2;
	s->slot = xcalloc(need, sizeof *s->slot);
	s->cap = need;
	for (size_t i = 0; i < s->len;) {
		size_t end = i, n;
		while (end < s->len && s->text[end] != '\n' && s->text[end] != '\0')
			end++;
		s->text[end] = '\0';
		n = end - i;
		if (n && s->text[end - 1] == '\r')
			s->text[--n + i] = '\0';
		if (n && !memchr(s->text + i, '\'', n))
			wset_insert(s, i, n);
		i = end + 1;
	}
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
	static const char *const names[FL__COUNT] = { "de", "en", "fr", "tr", "pl", "cs", "hu", "uk", "vi", "es", "zh", "pt" };
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
	wset_index(&fx->de);
	wset_index(&fx->en);
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

/* A Vietnamese letter: ơ ư, or a tone-marked vowel of U+1EA0..U+1EF9 ("ễ", "ạ"). */
static int vi_letter(uint32_t cp)
{
	return cp == 0x1A0 || cp == 0x1A1 || cp == 0x1AF || cp == 0x1B0 || (cp >= 0x1EA0 && cp <= 0x1EF9);
}

static int illegal_onset_any(const char *w, size_t n);

/*
 * One written syllable with a letter Vietnamese uses and a European name of one syllable
 * hardly has: a grave or tilde ("Hà", "Võ", "Đà"), "â", "ê", "ô" or "đ"; "ã" is left to
 * Portuguese ("João"), a word with any other mark to its language.
 */
static int vi_syllable(const char *w, size_t n)
{
	int mark = 0, groups = 0, in_vowel = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(w + i, n - i, &cp);
		if (k <= 0)
			return 0;
		i += (size_t)k;
		cp = cp_tolower(cp);
		int v = cp < 0x80 ? strchr("aeiouy", (int)cp) != NULL && cp : 0;
		switch (cp) {
		case 0xE0: case 0xE8: case 0xEC: case 0xF2: case 0xF9: case 0xF5: case 0x129: case 0x169:
		case 0xE2: case 0xEA: case 0xF4: case 0x103:
			mark = 1;
			v = 1;
			break;
		case 0x111:
			mark = 1;
			break;
		default:
			if (cp >= 0x80)
				return 0;
		}
		groups += v && !in_vowel;
		in_vowel = v;
	}
	return mark && groups == 1;
}

static int is_vowel_letter(int c);

/*
 * Portuguese spellings around a "ç" that Turkish does not have: "ã", "õ", "lh", "nh", or a plural
 * or verb ending "-es", "-os", "-as" after it ("Gonçalves", "Conceição", "Assunção").
 */
static int portuguese_shape(const char *w, size_t n)
{
	const char *c = memmem(w, n, "\xC3\xA7", 2);
	size_t rest = c ? n - (size_t)(c - w) : 0;

	if (memmem(w, n, "\xC3\xA3", 2) || memmem(w, n, "\xC3\xB5", 2) || memmem(w, n, "lh", 2) ||
	    memmem(w, n, "nh", 2))
		return 1;
	return rest > 4 && n > 3 && w[n - 1] == 's' && strchr("aeo", w[n - 2]);
}

/* Letters and clusters of Icelandic and the Scandinavian languages: ð þ æ ø å, "kj", "fj", "ey" + consonant. */
static int nordic_shape(const char *w, size_t n)
{
	static const char *const marks[] = { "\xC3\xB0", "\xC3\x90", "\xC3\xBE", "\xC3\x9E", "\xC3\xA6",
					     "\xC3\x86", "\xC3\xB8", "\xC3\x98", "\xC3\xA5", "\xC3\x85",
					     "kj", "fj", NULL };   /* ð Ð þ Þ æ Æ ø Ø å Å */

	for (const char *const *m = marks; *m; m++)
		if (memmem(w, n, *m, 2))
			return 1;
	for (size_t i = 0; i + 2 < n; i++)
		if ((w[i] == 'e' || w[i] == 'E') && w[i + 1] == 'y' && a_isalpha((unsigned char)w[i + 2]) &&
		    !is_vowel_letter(w[i + 2]))
			return 1;
	return 0;
}

static enum flang by_letters(const char *w, size_t n)
{
	int tr = 0, pl = 0, cs = 0, slav = 0, hu = 0, fr = 0, fr_acute = 0, rom = 0, vi = 0, ced = 0, pt = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(w + i, n - i, &cp);
		if (k <= 0)
			return FL_DE;
		if (cp == 0xC7 && i == 0)
			tr += 2;                                             /* "Çelik": French never starts so */
		i += (size_t)k;
		cp = cp_tolower(cp);
		vi += vi_letter(cp);
		switch (cp) {
		case 0x15F: case 0x11F: case 0x131: case 0x130: tr += 2; break;   /* ş ğ ı İ */
		case 0xE7: ced++; break;                                     /* ç: Turkish or French */
		case 0x142: case 0x15B: case 0x17A: case 0x17C: case 0x105: case 0x119: case 0x144:
			pl += 2; break;                                      /* ł ś ź ż ą ę ń */
		case 0xF3: pl++; rom++; break;                               /* ó */
		case 0x159: case 0x11B: case 0x16F: case 0x148: case 0x165: case 0x10F:
			cs += 2; break;                                      /* ř ě ů ň ť ď */
		case 0x10D: case 0x161: case 0x17E: case 0x107: case 0x111:
			slav++; break;                                       /* č š ž ć đ */
		case 0x151: case 0x171: hu += 2; break;                      /* ő ű */
		case 0xE8: case 0xEA: case 0xEB: case 0xEE: case 0xEF: case 0xF4: case 0xFB: case 0xF9:
		case 0x153: case 0xE0:
			fr++; break;                                         /* è ê ë î ï ô û ù œ à */
		case 0xE9: fr_acute++; break;                                /* é */
		case 0xFD: cs += 2; break;                                   /* ý: Czech, Slovak */
		case 0xE3: case 0xF5: pt += 2; rom++; break;                 /* ã õ: Portuguese */
		case 0xE1: case 0xED: case 0xFA: case 0xF1:
			rom++; break;                                        /* á í ú ñ */
		default: break;
		}
	}
	if (vi || vi_syllable(w, n))
		return FL_VI;
	/* Czech and Slovak women's names: "-ová", "-ská", "-cká" */
	if (n > 5 && (!memcmp(w + n - 4, "ov\xC3\xA1", 4) || !memcmp(w + n - 4, "sk\xC3\xA1", 4) ||
		      !memcmp(w + n - 4, "ck\xC3\xA1", 4)))
		return FL_CS;
	/* "François", "Besançon": French; "Gonçalves", "Conceição": Portuguese; "Gülçin", "Koç": Turkish */
	if (ced && (fr || fr_acute || memmem(w, n, "\xC3\xA7o", 3) || memmem(w, n, "\xC3\xA7" "ai", 4)))
		fr++;
	else if (ced && !tr && portuguese_shape(w, n))
		pt += 2;
	else
		tr += ced;
	/* Nordic letters and clusters beside an accent ("Reykjavík", "Þórshöfn"): not Spanish or Polish;
	 * eSpeak NG's German reading of them is the better one */
	if ((rom || pl) && nordic_shape(w, n))
		return FL_DE;
	int hu_acc = 0;   /* á é í ó ö ú ü: Hungarian beside "sz", "cs", "gy", "zs" */
	for (size_t i = 0; i + 1 < n; i++)
		hu_acc |= (unsigned char)w[i] == 0xC3 && strchr("\xA1\xA9\xAD\xB3\xB6\xBA\xBC", w[i + 1]);
	if (tr && !fr && tr >= pl && tr >= cs)
		return FL_TR;
	if (pt && !pl && !cs && !slav && !hu)
		return FL_PT;
	if (pl && n > 3 && !memcmp(w + n - 3, "\xC3\xB3w", 3))   /* "-ów": Kraków */
		return FL_PL;
	if (pl <= 1 && !cs && hu_acc && !memmem(w, n, "rz", 2) && !memmem(w, n, "cz", 2) &&
	    (memmem(w, n, "sz", 2) || memmem(w, n, "Sz", 2) || memmem(w, n, "gy", 2) ||
	     memmem(w, n, "zs", 2) || memmem(w, n, "cs", 2)))
		return FL_HU;
	if (pl >= 2 || (pl && (memmem(w, n, "sz", 2) || memmem(w, n, "rz", 2) || memmem(w, n, "cz", 2))))
		return FL_PL;
	if (cs || slav)
		return FL_CS;
	if (hu)
		return FL_HU;
	/* é alone (no Spanish or Portuguese accents beside it): "Mélenchon", "Élysée" */
	/* Spanish or Portuguese accents; a lone "ó" beside w, k, j is Polish ("Górski", "Wójcik") */
	if (pl == 1 && rom == 1 && (memchr(w, 'w', n) || memchr(w, 'W', n) || memchr(w, 'k', n) || memchr(w, 'j', n)))
		return FL_PL;
	if (rom && !tr && !cs && !hu && pl <= 1) {
		int hu_d = memmem(w, n, "sz", 2) || memmem(w, n, "Sz", 2) || memmem(w, n, "gy", 2) ||
			   memmem(w, n, "zs", 2) || memmem(w, n, "cs", 2) || memmem(w, n, "ny", 2);
		if (!hu_d && !fr)
			return illegal_onset_any(w, n) ? FL_CS : FL_ES;   /* "Mladá": a Czech onset */
	}
	int hu_dig = memmem(w, n, "sz", 2) || memmem(w, n, "Sz", 2) || memmem(w, n, "gy", 2) ||
		     memmem(w, n, "zs", 2) || memmem(w, n, "cs", 2);
	if (fr || (fr_acute && !rom && !hu_dig))
		return FL_FR;
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

/* illegal_onset on any case ("Mladá" -> "ml"). */
static int illegal_onset_any(const char *w, size_t n)
{
	char t[8];
	size_t k = 0;
	while (k < n && k < sizeof t && (unsigned char)w[k] < 0x80) {
		t[k] = (char)a_tolower(w[k]);
		k++;
	}
	return illegal_onset(t, k);
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

/* A Polish noun or name ending: -ka, -ki, -ko, -ek, -ik, -ak, -wa, -wo, -ny, -na, -ów. */
static int polish_ending(const char *w, size_t n)
{
	static const char *const e[] = { "ka", "ki", "ko", "ek", "ik", "ak", "wa", "wo", "ny", "na", "ow", NULL };
	for (const char *const *p = e; *p; p++)
		if (ends_with(w, n, *p))
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
	/*
	 * "si", "zi" before a vowel inside the word ("Jasionka", "Kościuszko" written without
	 * accents), but not the Latin "-sion"/"-sia" ending ("Mission", "Asia") nor a doubled "ss"
	 */
	for (size_t i = 1; i + 3 < n; i++)
		if ((w[i] == 's' || w[i] == 'z') && w[i - 1] != 's' && w[i + 1] == 'i' &&
		    strchr("aou", w[i + 2]) && !is_vowel_letter(w[i + 3]) && i + 4 < n &&
		    !(w[i + 3] == 'n' && (i + 4 == n || w[i + 4] == 's' || w[i + 4] == 'e')) && polish_ending(w, n))
			return 1;
	return 0;
}

/*
 * French spelling of a name neither list knows ("Bordeaux", "Renault", "Juliette", "Marseille"),
 * lowercase ASCII `w`.
 */
static int looks_french(const char *w, size_t n)
{
	static const char *const endings[] = { "eau", "eaux", "aux", "oux", "ois", "oise", "ault", "ier",
					       "iers", "ette", "ettes", "eille", "aille", "aire", "oir", "oire",
					       "ais", "aise", "ieu", "ieux", "eux", "enne", "ennes", "annes",
					       "oche", "ppe", "vre", "gne", "ique", "cques", "elle", NULL };
	if (n < 5)
		return 0;
	for (const char *const *e = endings; *e; e++)
		if (ends_with(w, n, *e))
			return 1;
	return 0;
}

/*
 * French endings no German reading has ("Bordeaux", "Marseille", "Renault", "Milieu"): French
 * even for a word in the German list, whose "-ette", "-ier", "-aille" are read German
 * ("Toilette", "Medaille").
 */
static int french_loan(const char *w, size_t n)
{
	static const char *const endings[] = { "eau", "eaux", "aux", "ault", "eille", "oux", "ieu", NULL };
	for (const char *const *e = endings; *e; e++)
		if (ends_with(w, n, *e))
			return 1;
	return 0;
}

/*
 * A word with ö or ü shaped like Turkish, not German ("Öztürk", "Özdemir", "Yücel", "Tütüncü"):
 * "öz"/"üz"/"üm"/"ün" at the start, "c" or "y" beside a vowel, a final ö/ü, or ö/ü in two
 * syllables; German spellings ("sch", "ck", "tz", "h" after a vowel, "ä", "ß") rule it out.
 */
static int looks_turkish(const char *w, size_t n)
{
	static const char *const german[] = { "sch", "ck", "tz", "pf", "dt", "th", "\xC3\xA4", "\xC3\x9F",
					      "ah", "eh", "ih", "oh", "uh", "\xC3\xB6h", "\xC3\xBCh", "ei",
					      "au", "eu", "ie", "qu", NULL };
	int uml = 0, cue = 0;
	for (const char *const *g = german; *g; g++)
		if (memmem(w, n, *g, strlen(*g)))
			return 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if ((unsigned char)w[i] != 0xC3 || (w[i + 1] != '\xB6' && w[i + 1] != '\xBC'))
			continue;
		uml++;
		if (i == 0 && i + 2 < n && strchr("zmnl", w[i + 2]) && i + 3 < n && w[i + 3] != w[i + 2])
			cue = 1;
		if (i + 2 == n)
			cue = 1;
	}
	if (!uml)
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		if ((w[i] == 'c' || w[i] == 'y') && ((unsigned char)w[i + 1] >= 0x80 || is_vowel_letter(w[i + 1])))
			cue = 1;
	return cue || uml >= 2;
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

static int looks_pinyin(const char *w, size_t n);

/*
 * Vietnamese written without its marks (lowercase ASCII): one syllable ending in "nh"
 * ("Minh", "Thanh"), or "ng" before a vowel at the start with "uy" or one syllable
 * ("Nguyen", "Ngo"); "Ngozi" is not.
 */
static int looks_vietnamese(const char *w, size_t n)
{
	int groups = 0, in_vowel = 0;
	for (size_t i = 0; i < n; i++) {
		int v = is_vowel_letter(w[i]);
		groups += v && !in_vowel;
		in_vowel = v;
	}
	if (groups == 1 && n >= 3 && !memcmp(w + n - 2, "nh", 2))
		return 1;
	return n >= 3 && !memcmp(w, "ng", 2) && is_vowel_letter(w[2]) && (groups == 1 || memmem(w, n, "uy", 2));
}

/*
 * A capitalized word ending in "a" without English spellings ("Marina", "Lara"): a first name
 * as German and Romance languages write it, though English has the word ("marina").
 */
static int romance_name(const char *word, const char *lower, size_t n)
{
	return n > 3 && a_isupper((unsigned char)word[0]) && lower[n - 1] == 'a' && !looks_english(lower, n);
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
		/* ö, ü (the only other letters by_letters lets through as German): Turkish by shape */
		if (!foreign_is_german(fx, word, len) && !german_compound(fx, word, len) &&
		    looks_turkish(t.buf, t.len))
			l = FL_TR;
		sb_release(&t);
		return l;
	}
	if (foreign_is_german(fx, word, len)) {
		/*
		 * a loan in the German list made of English words ("Crowdfunding"); a single word
		 * in both lists ("See", "leer", "Team") stays German unless eSpeak's own German
		 * dictionary reads it as English (see compute)
		 */
		if (english_compound(fx, t.buf, t.len))
			l = FL_EN;
		else if (french_loan(t.buf, t.len))
			l = FL_FR;   /* "Bordeaux", "Marseille": the German list has them, eSpeak reads them German */
	} else if (german_compound(fx, word, len)) {
		l = FL_DE;
	} else if (wset_has(&fx->en, t.buf, t.len) && !wset_has(&fx->de, word, len) &&
		   !romance_name(word, t.buf, t.len)) {
		l = FL_EN;   /* a common English word ("science", "squeeze"): before the shapes below */
	} else if (looks_polish(t.buf, t.len)) {
		l = FL_PL;
	} else if (looks_vietnamese(t.buf, t.len)) {
		l = FL_VI;
	} else if (looks_pinyin(t.buf, t.len)) {
		l = FL_ZH;
	} else if (syllabic_liquid(t.buf, t.len)) {
		l = FL_CS;
	} else if (looks_east_slavic(t.buf, t.len)) {
		l = FL_UK;
	} else if (looks_french(t.buf, t.len)) {
		l = FL_FR;
	} else if ((wset_has(&fx->en, t.buf, t.len) && !romance_name(word, t.buf, t.len)) ||
		   english_compound(fx, t.buf, t.len)) {
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
	{ "sia", "Sa", 1 }, { "sio", "SO", 1 }, { "siu", "SU", 1 }, { "zia", "Za", 1 }, { "zio", "ZO", 1 },
	{ "ziu", "ZU", 1 }, { "cia", "tSa", 1 }, { "cio", "tSO", 1 }, { "ciu", "tSU", 1 }, { "nia", "nja", 1 },
	{ "nio", "njO", 1 }, { "ią", "jOn", 1 }, { "ię", "jEn", 1 }, { "ia", "ja", 1 }, { "io", "jO", 1 },
	{ "iu", "jU", 1 }, { "ie", "jE", 1 }, { "ż", "Z", 0 }, { "ź", "Z", 0 }, { "ś", "S", 0 }, { "ć", "tS", 0 },
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
/* Spanish, with Portuguese "ç", "lh", "nh", "ão"; vowels tense, the accented one stressed */
static const struct gr gr_es[] = {
	{ "ll", "j", 0 }, { "ñ", "nj", 0 }, { "ch", "tS", 0 }, { "qu", "k", 0 }, { "gue", "ge", 1 },
	{ "gui", "gi", 1 }, { "ce", "se", 1 }, { "ci", "si", 1 }, { "cé", "se", 1 }, { "cí", "si", 1 },
	{ "ge", "xe", 1 }, { "gi", "xi", 1 }, { "gé", "xe", 1 }, { "gí", "xi", 1 }, { "z", "s", 0 },
	{ "j", "x", 0 }, { "h", "", 0 }, { "v", "b", 0 }, { "y", "j", 0 }, { "ç", "s", 0 }, { "lh", "lj", 0 },
	{ "nh", "nj", 0 }, { "s", "s", 0 }, { "ão", "aU", 1 }, { "ã", "a", 1 }, { "a", "a", 1 }, { "e", "e", 1 },
	{ "i", "i", 1 }, { "o", "o", 1 }, { "u", "u", 1 }, { "á", "a", 1 }, { "é", "e", 1 }, { "í", "i", 1 },
	{ "ó", "o", 1 }, { "ú", "u", 1 }, { "ia", "ja", 1 }, { "io", "jo", 1 }, { "ie", "je", 1 },
	{ "ua", "wa", 1 }, { "ue", "we", 1 }, { "cia", "sja", 1 }, { "cio", "sjo", 1 }, { "gia", "xja", 1 },
	{ "gio", "xjo", 1 }, { "ció", "sjo", 1 }, { "gió", "xjo", 1 },
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
		{ "W", "Y:" }, { "y", "y:" }, { "e", "e:" }, { "i", "i:" }, { "o", "o:" }, { "u", "u:" },
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (!strcmp(ph, map[i][0]))
			return map[i][1];
	return ph;
}

/* The syllable (index among vowels) that carries the stress, by the language's rule. */
/*
 * `acc`: the vowel with a written accent (SIZE_MAX: none); `penult`: a Spanish word ending
 * in a vowel, "n" or "s" (stressed on the penultimate when no accent says otherwise).
 */
static size_t stressed(enum flang l, const struct unit *u, size_t n, size_t nv, size_t acc, int penult)
{
	if (nv <= 1)
		return 0;
	switch (l) {
	case FL_ES:
		/* the written accent; else the penultimate after a vowel, n, s, the last after others */
		if (acc < nv)
			return acc;
		return penult ? nv - 2 : nv - 1;
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

/*
 * Vietnamese letters reduced to one ASCII byte each: tone marks dropped, the vowel qualities
 * kept as a A B (a â ă), e E (e ê), o O P (o ô ơ), u U (u ư), i y, and D for đ.
 * Writes lowercase bytes to `t` (reset first).
 */
static void vi_fold(const char *w, size_t n, struct sb *t)
{
	/* U+1EA0..U+1EF9 in pairs: ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ... ỹ */
	static const char add[] = "aaAAAAABBBBBeeeEEEEEiiooOOOOOPPPPPuuUUUUUyyyy";
	sb_reset(t);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int k = utf8_decode(w + i, n - i, &cp);
		if (k <= 0)
			break;
		i += (size_t)k;
		cp = cp_tolower(cp);
		char c = 0;
		if (cp < 0x80)
			c = (char)a_tolower((int)cp);
		else if (cp >= 0x1EA0 && cp <= 0x1EF9)
			c = add[(cp - 0x1EA0) / 2];
		else if (cp >= 0xE0 && cp <= 0xE3)
			c = cp == 0xE2 ? 'A' : 'a';
		else if (cp >= 0xE8 && cp <= 0xEA)
			c = cp == 0xEA ? 'E' : 'e';
		else if (cp == 0xEC || cp == 0xED || cp == 0x129)
			c = 'i';
		else if (cp >= 0xF2 && cp <= 0xF5)
			c = cp == 0xF4 ? 'O' : 'o';
		else if (cp == 0xF9 || cp == 0xFA || cp == 0x169)
			c = 'u';
		else if (cp == 0xFD)
			c = 'y';
		else if (cp == 0x103)
			c = 'B';
		else if (cp == 0x111)
			c = 'D';
		else if (cp == 0x1A1)
			c = 'P';
		else if (cp == 0x1B0)
			c = 'U';
		if (c)
			sb_addc(t, c);
	}
}

static int vi_vowel(char c) { return c && strchr("aABeEiyoOPuU", c); }

/* Longest entry of `tab` (pairs, NULL-ended) that starts s[i..n); its length, or 0. */
static size_t vi_match(const char *const (*tab)[2], const char *s, size_t i, size_t n, const char **ph)
{
	size_t best = 0;
	for (size_t k = 0; tab[k][0]; k++) {
		size_t gl = strlen(tab[k][0]);
		if (gl > best && i + gl <= n && !memcmp(s + i, tab[k][0], gl)) {
			best = gl;
			*ph = tab[k][1];
		}
	}
	return best;
}

/* Vietnamese, as German newsreaders approximate it (see foreign.h); `t` is the folded word. */
static void respell_vi(const char *s, size_t n, struct sb *out)
{
	static const char *const onset[][2] = {
		{ "ngh", "N" }, { "ng", "N" }, { "nh", "nj" }, { "ch", "tS" }, { "tr", "tS" }, { "th", "t" },
		{ "kh", "x" }, { "ph", "f" }, { "gh", "g" }, { "gi", "z" }, { "qu", "kv" }, { "D", "d" },
		{ "d", "z" }, { "x", "s" }, { "c", "k" }, { "k", "k" }, { "b", "b" }, { "g", "g" }, { "h", "h" },
		{ "l", "l" }, { "m", "m" }, { "n", "n" }, { "p", "p" }, { "r", "r" }, { "s", "s" }, { "t", "t" },
		{ "v", "v" }, { NULL, NULL }
	};
	/* open-syllable forms; a closed syllable shortens a single vowel (see below) */
	static const char *const nucleus[][2] = {
		{ "uyE", "u:jE" }, { "uye", "u:jE" }, { "iE", "jE" }, { "yE", "jE" }, { "ye", "jE" }, { "uO", "u:@" }, { "UP", "y:@" }, { "Ua", "y:@" },
		{ "ia", "i:@" }, { "ai", "aI" }, { "ay", "aI" }, { "Ay", "aI" }, { "ao", "aU" }, { "au", "aU" },
		{ "Au", "aU" }, { "oi", "OY" }, { "Oi", "OY" }, { "Pi", "Y:I" }, { "ui", "u:I" }, { "uy", "u:i:" },
		{ "oa", "va" }, { "oB", "va" }, { "oe", "vE" }, { "eo", "Eo" }, { "iu", "i:u" }, { "Eu", "e:u" },
		{ "a", "A:" }, { "A", "a" }, { "B", "a" }, { "e", "E:" }, { "E", "e:" }, { "i", "i:" }, { "y", "i:" },
		{ "o", "o:" }, { "O", "o:" }, { "P", "Y:" }, { "u", "u:" }, { "U", "y:" }, { NULL, NULL }
	};
	static const char *const coda[][2] = {
		{ "nh", "n" }, { "ch", "k" }, { "ng", "N" }, { "c", "k" }, { "t", "t" }, { "p", "p" }, { "m", "m" },
		{ "n", "n" }, { "i", "I" }, { "y", "I" }, { "o", "U" }, { "u", "U" }, { NULL, NULL }
	};
	static const char *const shortv[][2] = {
		{ "A:", "a" }, { "E:", "E" }, { "e:", "E" }, { "i:", "I" }, { "o:", "O" }, { "u:", "U" },
		{ "Y:", "W" }, { "y:", "Y" },
	};
	for (size_t i = 0; i < n;) {
		const char *ph = NULL;
		size_t k;
		sb_addc(out, '\'');   /* every written syllable is stressed */
		if (!vi_vowel(s[i]) && (k = vi_match(onset, s, i, n, &ph))) {
			sb_adds(out, ph);
			i += k;
		}
		if (i < n && !vi_vowel(s[i])) {   /* a letter without rule */
			i++;
			continue;
		}
		const char *nu = NULL;
		k = vi_match(nucleus, s, i, n, &nu);
		if (!k)
			break;
		i += k;
		const char *co = NULL;
		size_t kc = i < n ? vi_match(coda, s, i, n, &co) : 0;
		/* a coda only when no vowel follows (else it is the next syllable's onset) */
		if (kc && i + kc < n && vi_vowel(s[i + kc]))
			kc = 0;
		if (kc && !vi_vowel(co[0]) && strchr(co, 'I') == NULL && co[0] != 'U') {
			for (size_t m = 0; m < ARRAY_LEN(shortv); m++)
				if (!strcmp(nu, shortv[m][0]))
					nu = shortv[m][1];
		}
		sb_adds(out, nu);
		if (kc) {
			sb_adds(out, co);
			i += kc;
		}
	}
}

/* ---- Chinese pinyin -------------------------------------------------------- */

/* pinyin initials and finals with German phonemes (as German newsreaders say "Xi Jinping") */
static const char *const zh_initial[][2] = {
	{ "zh", "dZ" }, { "ch", "tS" }, { "sh", "S" }, { "b", "b" }, { "p", "p" }, { "m", "m" }, { "f", "f" },
	{ "d", "d" }, { "t", "t" }, { "n", "n" }, { "l", "l" }, { "g", "g" }, { "k", "k" }, { "h", "x" },
	{ "j", "dZ" }, { "q", "tS" }, { "x", "S" }, { "r", "Z" }, { "z", "ts" }, { "c", "ts" }, { "s", "s" },
	{ "y", "j" }, { "w", "v" }, { NULL, NULL }
};
static const char *const zh_final[][2] = {
	{ "iang", "jaN" }, { "iong", "jUN" }, { "uang", "waN" }, { "ang", "aN" }, { "eng", "EN" },
	{ "ing", "IN" }, { "ong", "UN" }, { "iao", "jaU" }, { "ian", "jEn" }, { "uai", "waI" },
	{ "uan", "wan" }, { "ai", "aI" }, { "ao", "aU" }, { "an", "an" }, { "ei", "eI" }, { "en", "@n" },
	{ "er", "@r" }, { "ia", "ja" }, { "ie", "jE" }, { "in", "In" }, { "iu", "jo:" }, { "ou", "o:" },
	{ "ua", "wa" }, { "ui", "weI" }, { "un", "Un" }, { "uo", "wO" }, { "a", "a" }, { "e", "@" },
	{ "i", "i:" }, { "o", "O" }, { "u", "u:" }, { NULL, NULL }
};

/*
 * The longest phoneme of `map` (pairs from, to) that starts at ph[i] (of `len`):
 * returns its length (0: none) and sets *to to its replacement.
 */
static size_t longest_match(const char *const (*map)[2], size_t nmap, const char *ph, size_t i, size_t len,
			    const char **to)
{
	size_t hl = 0;

	for (size_t k = 0; k < nmap; k++) {
		size_t gl = strlen(map[k][0]);
		if (gl > hl && i + gl <= len && !memcmp(ph + i, map[k][0], gl)) {
			hl = gl;
			*to = map[k][1];
		}
	}
	return hl;
}

/*
 * Splits lowercase ASCII s[i..n) into pinyin syllables; appends their phonemes to `out`
 * (when not NULL) and returns 1 when the whole rest splits. j, q, x and y take only
 * finals beginning with i or u; a syllable without initial begins with a, e or o and
 * only the word.
 */
static int zh_split(const char *s, size_t i, size_t n, struct sb *out, int depth)
{
	if (i == n)
		return 1;
	if (depth > 8)
		return 0;
	for (int withinit = 1; withinit >= 0; withinit--) {
		for (size_t a = 0; withinit ? zh_initial[a][0] != NULL : a == 0; a++) {
			size_t il = withinit ? strlen(zh_initial[a][0]) : 0;
			if (withinit && (i + il > n || memcmp(s + i, zh_initial[a][0], il)))
				continue;
			for (size_t f = 0; zh_final[f][0]; f++) {
				const char *fi = zh_final[f][0];
				size_t fl = strlen(fi);
				if (i + il + fl > n || memcmp(s + i + il, fi, fl))
					continue;
				if (withinit && strchr("jqxy", zh_initial[a][0][0]) && fi[0] != 'i' && fi[0] != 'u' &&
				    !(zh_initial[a][0][0] == 'y' && fi[0] != 'e'))
					continue;
				if (!withinit && (!strchr("aeo", fi[0]) || depth > 0))
					continue;   /* inside a word pinyin writes "Xi'an" */
				/* "-n"/"-ng" before a vowel belongs to the next syllable: try that split too */
				size_t mark = out ? out->len : 0;
				if (out) {
					sb_addc(out, depth == 0 ? '\'' : ',');
					if (withinit)
						sb_adds(out, zh_initial[a][1]);
					/* after j, q, x "u" is "ü"; after zh, ch, sh, r, z, c, s "i" is short */
					const char *ph = zh_final[f][1];
					if (withinit && strchr("jqx", zh_initial[a][0][0]) && fi[0] == 'u')
						ph = !strcmp(fi, "u") ? "y:" : !strcmp(fi, "uan") ? "yEn" : !strcmp(fi, "un") ? "yn" : ph;
					sb_adds(out, ph);
				}
				if (zh_split(s, i + il + fl, n, out, depth + 1))
					return 1;
				if (out)
					out->len = mark, out->buf[mark] = '\0';
			}
		}
	}
	return 0;
}

/*
 * The sound units of the lowercase word t[0..tlen) by the grapheme table `tab`
 * of language `l` (then the shared one), double consonants merged, the final
 * consonant devoiced where speakers of `l` do; `u` has room for 2 * tlen + 2.
 * Returns the number of units; *nv counts the vowels, *acc is the vowel with
 * a written acute accent (SIZE_MAX: none).
 */
static size_t to_units(enum flang l, const struct gr *tab, const char *t, size_t tlen, struct unit *u,
		       size_t *nv, size_t *acc)
{
	size_t n = 0;

	*nv = 0;
	*acc = SIZE_MAX;
	for (size_t i = 0; i < tlen;) {
		const struct gr *hit = NULL;
		size_t hl = 0;
		for (const struct gr *tb = tab;; tb = gr_base) {
			for (const struct gr *g = tb; g->g; g++) {
				size_t gl = strlen(g->g);
				if (gl > hl && i + gl <= tlen && !memcmp(t + i, g->g, gl)) {
					hit = g;
					hl = gl;
				}
			}
			if (hit || tb == gr_base)
				break;
		}
		if (!hit) {   /* a letter without rule: skip it */
			uint32_t cp;
			int k = utf8_decode(t + i, tlen - i, &cp);
			i += k > 0 ? (size_t)k : 1;
			continue;
		}
		if (l == FL_UK && i + 2 == tlen && (!memcmp(t + i, "ij", 2) || !memcmp(t + i, "yj", 2))) {
			u[n++] = (struct unit){ "i:", 1 };
			(*nv)++;
			break;
		}
		/* a syllabic r or l between consonants carries a short vowel ("Brno": "B@rno") */
		if (l == FL_CS && (hit->ph[0] == 'r' || hit->ph[0] == 'l') && !hit->ph[1] && n == 1 && !u[0].vowel &&
		    i + 1 < tlen && !is_vowel_letter(t[i + 1]) && (unsigned char)t[i + 1] < 0x80) {
			u[n++] = (struct unit){ "E", 1 };
			(*nv)++;
		}
		if (n && !hit->vowel && !u[n - 1].vowel && !strcmp(u[n - 1].ph, hit->ph)) {
			i += hl;   /* a double consonant ("jj", "tt") is one sound */
			continue;
		}
		u[n++] = (struct unit){ hit->ph, hit->vowel };
		/* an acute accent in the grapheme ("á", "cí"): the stressed vowel (Spanish) */
		for (size_t b = 0; hit->vowel && b + 1 < hl; b++)
			if ((unsigned char)t[i + b] == 0xC3 && strchr("\xA1\xA9\xAD\xB3\xBA", t[i + b + 1]))
				*acc = *nv;
		*nv += hit->vowel;
		i += hl;
	}
	/* final devoicing, as German (and Polish, Czech, Russian) speakers do */
	if (n && !u[n - 1].vowel && l != FL_TR && l != FL_HU && l != FL_ES) {
		static const char *const dv[][2] = { { "v", "f" }, { "d", "t" }, { "g", "k" }, { "b", "p" },
						     { "z", "s" }, { "Z", "S" } };
		for (size_t k = 0; k < ARRAY_LEN(dv); k++)
			if (!strcmp(u[n - 1].ph, dv[k][0]))
				u[n - 1].ph = dv[k][1];
	}
	return n;
}

/* Appends units u[0..n) (nv vowels) with the stress before vowel `sv`'s syllable, its vowel long when open. */
static void emit_units(enum flang l, const struct unit *u, size_t n, size_t nv, size_t sv, struct sb *out)
{
	size_t vi = 0;

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
			if (open && strlen(ph) == 1 && (l == FL_TR || l == FL_UK || l == FL_ES))   /* Polish, Czech, Hungarian: length is written */
				ph = long_vowel(ph);
			sb_adds(out, ph);
			continue;
		}
		sb_adds(out, u[i].ph);
	}
}

/* A pinyin name: splits whole and has a mark of pinyin German words lack ("zh", "x", "q", "-uan"). */
static int looks_pinyin(const char *w, size_t n)
{
	static const char *const marks[] = { "zh", "x", "q", "uan", "iao", "iang", "iong", "uai", "ui", NULL };
	if (n < 3)
		return 0;
	int mark = 0;
	for (const char *const *m = marks; *m; m++)
		mark |= memmem(w, n, *m, strlen(*m)) != NULL;
	return mark && zh_split(w, 0, n, NULL, 0);
}

int foreign_respell(enum flang l, const char *word, size_t len, struct sb *out)
{
	if (l == FL_ZH) {
		struct sb t;
		sb_init(&t);
		lowercase(word, len, &t);
		int ok = zh_split(t.buf ? t.buf : "", 0, t.len, out, 0);
		sb_release(&t);
		return ok ? 0 : -1;
	}
	if (l == FL_VI) {
		struct sb t;
		sb_init(&t);
		vi_fold(word, len, &t);
		respell_vi(t.buf ? t.buf : "", t.len, out);
		sb_release(&t);
		return 0;
	}
	const struct gr *tab = l == FL_TR ? gr_tr : l == FL_PL ? gr_pl : l == FL_CS ? gr_cs :
			       l == FL_HU ? gr_hu : l == FL_UK ? gr_uk : l == FL_ES ? gr_es : NULL;
	if (!tab)
		return -1;
	struct sb t;
	sb_init(&t);
	lowercase(word, len, &t);
	/* at most one unit per byte, plus one inserted vowel per byte (syllabic r/l) */
	struct unit *u = xmalloc((2 * t.len + 2) * sizeof *u);
	size_t nv, acc, n = to_units(l, tab, t.buf ? t.buf : "", t.len, u, &nv, &acc);
	int penult = t.len && (is_vowel_letter(t.buf[t.len - 1]) || t.buf[t.len - 1] == 'n' || t.buf[t.len - 1] == 's');
	size_t sv = stressed(l, u, n, nv, acc, penult);
	emit_units(l, u, n, nv, sv, out);
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
		const char *to = NULL;
		size_t hl = longest_match(map, ARRAY_LEN(map), ph, i, len, &to);
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

/*
 * eSpeak phonemes of a Romance language onto German ones with `map` (longest match first);
 * a stressed tense vowel is long ("bOrd'o" -> "bOrd'o:"), and a stressed final "a" too
 * ("frA~sw'a" -> "frA~sw'A:").
 */
static void map_romance(const char *ph, size_t len, const char *const (*map)[2], size_t nmap,
			struct sb *out)
{
	static const char *const lng[][2] = {
		{ "i", "i:" }, { "u", "u:" }, { "y", "y:" }, { "e", "e:" }, { "o", "o:" },
	};
	int stressed = 0;
	for (size_t i = 0; i < len;) {
		if (ph[i] == '\'') {
			stressed = 1;
			sb_addc(out, '\'');
			i++;
			continue;
		}
		const char *to = NULL;
		size_t hl = longest_match(map, nmap, ph, i, len, &to);
		if (!to && stressed) {
			for (size_t k = 0; k < ARRAY_LEN(lng); k++)
				if (ph[i] == lng[k][0][0] && (i + 1 >= len || ph[i + 1] != '~')) {
					to = lng[k][1];
					hl = 1;
				}
			if (!to && ph[i] == 'a' && i + 1 == len) {
				to = "A:";
				hl = 1;
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
		if (to && strchr("aeiouyEOW@", to[0]))
			stressed = 0;   /* the stressed syllable's vowel is past */
	}
}

/* French: nasal "E~"/"9~" -> "W~" (German "Teint"), "Y" (French eu) -> "Y:", uvular "R". */
void foreign_map_french(const char *ph, size_t len, struct sb *out)
{
	static const char *const map[][2] = {
		{ "E~", "W~" }, { "9~", "W~" }, { "A~", "A~" }, { "O~", "O~" }, { "n^", "nj" }, { "r", "R" },
		{ "_|", "" }, { "_!", "" }, { "_", "" }, { ":", "" }, { "Y", "Y:" }, { "H", "y" }, { "9", "W" },
		{ "A", "a" },
	};
	map_romance(ph, len, map, ARRAY_LEN(map), out);
}

/*
 * Portuguese (eSpeak's "pt"): the nasal diphthongs as German ones ("-ão" -> "aU", "-ães" ->
 * "aIs", "-ões" -> "o:Is"), a nasal vowel before a consonant with its "n", the reduced vowels
 * "&" and "y" as "a" and "@", the final "s#" (Portugal's "sch") as "s", the flap as "r".
 */
void foreign_map_portuguese(const char *ph, size_t len, struct sb *out)
{
	static const char *const map[][2] = {
		{ "&U~", "aU" }, { "&~y", "aI" }, { "&~N", "an" }, { "&~", "a" }, { "o~j", "o:I" },
		{ "o~N", "on" }, { "o~", "o" }, { "u~N", "un" }, { "u~", "u" }, { "e~N", "en" },
		{ "e~", "e" }, { "i~N", "in" }, { "i~", "i" }, { "eIN", "en" }, { "N", "n" },
		{ "&", "a" }, { "y", "@" }, { "s#", "s" }, { "z#", "z" }, { "*", "r" }, { "l^", "lj" },
		{ "n^", "nj" }, { "L", "l" }, { "w", "U" }, { "A", "a" }, { "_|", "" }, { "_!", "" },
		{ "_", "" }, { ";", "" }, { "#", "" },
	};
	map_romance(ph, len, map, ARRAY_LEN(map), out);
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
	if (l != FL_DE && l != FL_EN && l != FL_FR && l != FL_PT) {
		foreign_respell(l, word, len, ph);
	} else if (l != FL_DE && fx->fn) {
		struct sb e;
		sb_init(&e);
		/* a "(xx)" switch inside the French answer ("Sarkozy" -> English): leave the word German */
		if (!fx->fn(fx->ctx, foreign_lang_name(l), t.buf, &e) && e.len && !strchr(e.buf, '('))
			(l == FL_EN ? foreign_map_english : l == FL_FR ? foreign_map_french
								      : foreign_map_portuguese)(e.buf, e.len, ph);
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
