/*
 * article.c - article text -> document (a list of blocks).
 *
 * The parse runs in passes over plain data:
 *   1. checks: binary garbage, invalid UTF-8 (with line and byte column);
 *   2. lines: each input line normalised (odd spaces, soft hyphens,
 *      zero-width characters, control characters), front matter taken out;
 *   3. paragraphs: blank-line separated runs of lines, classified into
 *      title, headings, list items, quotations and body text;
 *   4. footer: a trailing run of paragraphs made of donation, bank and
 *      contact material is dropped (or marked, with keep_footer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "article.h"

/* ---- roles ------------------------------------------------------------- */

static const char *const role_names[ROLE__COUNT] = {
	"title", "heading", "body", "list", "quote",
};

const char *role_name(enum role r)
{
	if ((int)r < 0 || r >= ROLE__COUNT)
		return "?";
	return role_names[r];
}

int role_parse(const char *name)
{
	for (int i = 0; i < ROLE__COUNT; i++)
		if (name && strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

/* ---- small helpers ----------------------------------------------------- */

/* Whether s begins with prefix. */
static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The last code point of s (0 when s is empty). */
static uint32_t last_cp(const char *s)
{
	size_t n = strlen(s), k;
	uint32_t c = 0;

	if (!n)
		return 0;
	k = n - 1;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	utf8_step(s, n, k, &c);
	return c;
}

/* The first code point of s (0 when s is empty). */
static uint32_t first_cp(const char *s)
{
	uint32_t c = 0;

	if (*s)
		utf8_step(s, strlen(s), 0, &c);
	return c;
}

/* Words in s (runs of non-space). */
static size_t word_count(const char *s)
{
	size_t n = 0;
	int in = 0;

	for (; *s; s++) {
		if (*s == ' ') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/* Lowercases ASCII and the German umlauts of s into a new string. */
static char *lower_dup(const char *s)
{
	struct sb o;
	size_t i = 0, n = strlen(s);
	uint32_t c;

	sb_init(&o);
	while (i < n) {
		i += utf8_step(s, n, i, &c);
		sb_addcp(&o, cp_tolower(c));
	}
	return sb_detach(&o);
}

/* Punctuation that ends a sentence or a clause: such a line is no heading. */
static int is_sentence_final(uint32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == ',' ||
	       c == 0x2026;
}

/* ---- pass 1: is this text? --------------------------------------------- */

static int check_text(const char *text, size_t len, const char *fn, struct err *e)
{
	size_t ctrl = 0, line, col;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == 0)
			return err_set(e, "%s: not a text file", fn);
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v')
			ctrl++;
	}
	if (ctrl > 8 && ctrl * 20 > len)
		return err_set(e, "%s: not a text file", fn);
	if (utf8_validate(text, len, &line, &col) < 0)
		return err_set(e, "%s:%zu:%zu: invalid UTF-8", fn, line, col);
	return 0;
}

/* ---- pass 2: lines ----------------------------------------------------- */

struct line {
	char *text;     /* normalised, trimmed, single spaces; "" when blank */
	int lineno;     /* 1-based */
	int indent;     /* leading columns (tab = 4) */
};

struct lines {
	struct line *v;
	size_t n, cap;
	char *buf;      /* the texts of all lines */
};

/* Code points dropped from the text: soft hyphen, zero-width characters, BOM. */
static int is_invisible(uint32_t c)
{
	return c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF ||
	       c == 0x200E || c == 0x200F;
}

/* Odd spaces that become an ordinary space. */
static int is_odd_space(uint32_t c)
{
	return c == '\t' || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F ||
	       c == 0x205F || c == 0x3000 || c == 0x2028 || c == 0x2029 || c == '\f' ||
	       c == '\v';
}

/*
 * Normalises raw[0..n) into out (which has room for n + 1 bytes: the
 * normalised line is never longer than the raw one); sets *indent.
 */
static void normalise_line(const char *raw, size_t n, char *out, int *indent)
{
	size_t i = 0, o = 0;
	int lead = 1, col = 0, sp = 0;
	uint32_t c;

	while (i < n) {
		size_t k = utf8_step(raw, n, i, &c);
		if (c == '\r' || is_invisible(c)) {
			i += k;
			continue;
		}
		if (c == ' ' || is_odd_space(c)) {
			if (lead)
				col += c == '\t' ? 4 : 1;
			sp = 1;
			i += k;
			continue;
		}
		if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
			i += k;
			continue;
		}
		if (sp && !lead)
			out[o++] = ' ';
		sp = 0;
		lead = 0;
		memcpy(out + o, raw + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	*indent = col;
}

/* Splits the text into normalised lines, all stored in one buffer ls->buf. */
static void split_lines(const char *text, size_t len, struct lines *ls)
{
	size_t i = 0, nl = 0, o = 0;
	int lineno = 1;

	for (size_t k = 0; k < len; k++)
		nl += text[k] == '\n' || text[k] == '\r';
	ls->buf = xmalloc(len + nl + 2);
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len) {
		/* a line ends at LF, CR LF, or a lone CR (old Mac files) */
		size_t e = i;
		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		XGROW(ls->v, ls->cap, ls->n + 1);
		struct line *l = &ls->v[ls->n++];
		l->text = ls->buf + o;
		normalise_line(text + i, e - i, l->text, &l->indent);
		o += strlen(l->text) + 1;
		l->lineno = lineno++;
		if (e + 1 < len && text[e] == '\r' && text[e + 1] == '\n')
			e++;
		i = e + 1;
	}
}

/* Frees the line list and its text buffer. */
static void free_lines(struct lines *ls)
{
	free(ls->v);
	free(ls->buf);
}

/* ---- front matter ------------------------------------------------------ */

static void set_meta(char **field, const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	free(*field);
	*field = n ? xstrndup(v, n) : NULL;
}

/*
 * Reads a "---" ... "---" block at the top; returns the index of the first
 * line after it (0 when there is none). *title_line gets the title's line.
 */
static size_t front_matter(struct lines *ls, struct doc_meta *m, int *title_line)
{
	size_t i = 0, end;

	while (i < ls->n && !ls->v[i].text[0])
		i++;
	if (i >= ls->n || strcmp(ls->v[i].text, "---") != 0)
		return 0;
	for (end = i + 1; end < ls->n; end++)
		if (strcmp(ls->v[end].text, "---") == 0 || strcmp(ls->v[end].text, "...") == 0)
			break;
	if (end >= ls->n) {
		/* "---" then "key: value" without a closing "---": an unclosed front matter, not a title */
		size_t k = i + 1;
		while (k < ls->n && !ls->v[k].text[0])
			k++;
		const char *t = k < ls->n ? ls->v[k].text : "";
		size_t kn = strcspn(t, ": ");
		if (kn && t[kn] == ':' && kn < 16) {
			*title_line = (int)i + 1;
			return SIZE_MAX;
		}
		return 0;
	}
	for (size_t k = i + 1; k < end; k++) {
		const char *t = ls->v[k].text, *colon = strchr(t, ':');
		if (!colon)
			continue;
		size_t kn = (size_t)(colon - t);
		const char *v = colon + 1;
		while (*v == ' ')
			v++;
		char key[64];
		if (kn == 0 || kn >= sizeof key)
			continue;
		for (size_t q = 0; q < kn; q++)
			key[q] = (char)a_tolower((unsigned char)t[q]);
		key[kn] = '\0';
		if (!strcmp(key, "title") || !strcmp(key, "titel")) {
			set_meta(&m->title, v);
			*title_line = ls->v[k].lineno;
		} else if (!strcmp(key, "author") || !strcmp(key, "autor")) {
			set_meta(&m->author, v);
		} else if (!strcmp(key, "date") || !strcmp(key, "datum")) {
			set_meta(&m->date, v);
		} else if (!strcmp(key, "voice") || !strcmp(key, "stimme")) {
			set_meta(&m->voice, v);
		} else if (!strcmp(key, "intro")) {
			set_meta(&m->intro, v);
		} else if (!strcmp(key, "outro")) {
			set_meta(&m->outro, v);
		} else if (!strcmp(key, "stinger")) {
			set_meta(&m->stinger, v);
		} else {
			struct doc_meta_other *o;
			XGROW(m->other, m->othercap, m->nother + 1);
			o = &m->other[m->nother++];
			o->key = xstrdup(key);
			o->value = NULL;
			set_meta(&o->value, v);
			if (!o->value)
				o->value = xstrdup("");
			o->line = ls->v[k].lineno;
		}
	}
	return end + 1;
}

/* ---- Markdown inline markup -------------------------------------------- */

/* Whether c may stand beside an emphasis marker on its outer side. */
static int is_punct_or_space(char c)
{
	return c == '\0' || c == ' ' || (c > 0 && strchr(".,;:!?()[]{}\"'-/", c));
}

/* Markdown constructs (links, autolinks, comments) are looked for this far ahead. */
#define MD_REACH 1024

/* The first occurrence of `needle` in s[from..n) within MD_REACH bytes, or NULL. */
static const char *find_near(const char *s, size_t from, size_t n, const char *needle)
{
	size_t nn = strlen(needle), end = n - from < MD_REACH ? n : from + MD_REACH;

	for (size_t i = from; i + nn <= end; i++)
		if (s[i] == needle[0] && !memcmp(s + i, needle, nn))
			return s + i;
	return NULL;
}

/*
 * Reduces Markdown inline markup of s to text: emphasis markers (* and _ at
 * word edges, so "Lehrer*innen" and "a_b" stay), `code`, links [text](url)
 * to their text, images ![alt](src) and HTML comments to nothing, autolinks
 * <url> to the url, backslash escapes to the character.
 * Returns a new string (caller frees it), trimmed, single-spaced.
 */
static char *md_inline(const char *s)
{
	struct sb o;
	size_t n = strlen(s), i = 0;
	const char *p, *q;

	sb_init(&o);
	while (i < n) {
		char c = s[i];
		if (c == '\\' && i + 1 < n && strchr("\\`*_{}[]()#+-.!<>", s[i + 1])) {
			sb_addc(&o, s[i + 1]);
			i += 2;
		} else if (c == '!' && s[i + 1] == '[' && (p = find_near(s, i, n, "](")) &&
			   (q = find_near(s, (size_t)(p - s), n, ")"))) {
			i = (size_t)(q - s) + 1;           /* an image: nothing to read */
		} else if (c == '[' && (p = find_near(s, i + 1, n, "]")) && p[1] == '(' &&
			   (q = find_near(s, (size_t)(p - s), n, ")"))) {
			sb_add(&o, s + i + 1, (size_t)(p - s - i - 1));
			i = (size_t)(q - s) + 1;
		} else if (c == '<' && (starts_with(s + i + 1, "http") || starts_with(s + i + 1, "mailto:")) &&
			   (p = find_near(s, i, n, ">"))) {
			const char *u = s + i + 1;
			if (starts_with(u, "mailto:"))
				u += 7;
			sb_add(&o, u, (size_t)(p - u));
			i = (size_t)(p - s) + 1;
		} else if (c == '<' && starts_with(s + i, "<!--") && (p = find_near(s, i, n, "-->"))) {
			i = (size_t)(p - s) + 3;
		} else if (c == '`') {
			i++;
		} else if (c == '*' || c == '_') {
			size_t j = i;
			while (j < n && s[j] == c)
				j++;
			char before = i ? s[i - 1] : '\0', after = s[j];
			int opens = is_punct_or_space(before) && after != ' ' && after != '\0';
			int closes = before != ' ' && i > 0 && is_punct_or_space(after);
			if (!((opens || closes) && j - i <= 3))
				sb_add(&o, s + i, j - i);
			i = j;
		} else {
			sb_addc(&o, c);
			i++;
		}
	}
	/* collapse spaces left behind */
	struct sb r;
	sb_init(&r);
	for (size_t k = 0; k < o.len; k++) {
		if (o.buf[k] == ' ' && (r.len == 0 || r.buf[r.len - 1] == ' '))
			continue;
		sb_addc(&r, o.buf[k]);
	}
	sb_rtrim(&r);
	sb_release(&o);
	return sb_detach(&r);
}

/* ---- pass 3: paragraphs and blocks ------------------------------------- */

/* Length in bytes of a list marker ("• ", "- ", "1. ", "2) ") at the start of s, or 0. */
static size_t list_marker(const char *s)
{
	static const char *const bullets[] = {
		"\xE2\x80\xA2", "-", "*", "\xE2\x80\x93", "\xC2\xB7", "\xE2\x96\xAA",
		"\xE2\x97\x8F", "\xE2\x97\xA6", "\xE2\x80\xA3", "+", "\xE2\x81\x83",
	};
	unsigned char c0 = (unsigned char)s[0];
	if (c0 != 0xE2 && c0 != 0xC2 && c0 != '-' && c0 != '*' && c0 != '+' && !a_isdigit(c0))
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(bullets); i++) {
		size_t bn = strlen(bullets[i]);
		if (!strncmp(s, bullets[i], bn) && s[bn] == ' ' && s[bn + 1])
			return bn + 1;
	}
	size_t d = 0;
	while (a_isdigit((unsigned char)s[d]) && d < 3)
		d++;
	if (d == 0 || (s[d] != '.' && s[d] != ')') || s[d + 1] != ' ' || !s[d + 2])
		return 0;
	/* "12. Februar 2025" at the start of a line is a date, not an item */
	static const char *const months[] = {
		"Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt",
		"Nov", "Dez",
	};
	for (size_t i = 0; i < ARRAY_LEN(months); i++)
		if (s[d] == '.' && starts_with(s + d + 2, months[i]))
			return 0;
	return d + 2;
}

/* Whether s is an image credit line ("Bilder: ...", "Foto: ..."). */
static int is_image_credit(const char *s)
{
	static const char *const p[] = {
		"Bilder:", "Bild:", "Fotos:", "Foto:", "Foto/Grafik:", "Fotos/Grafiken:",
		"Bildquelle:", "Bildquellen:", "Titelbild:", "Beitragsbild:", "Grafik:",
		"Foto (Symbolbild):", "Symbolbild:", "Bildnachweis:",
	};
	if (!strchr("BFGST", s[0]) || !strchr(s, ':'))
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(p); i++)
		if (starts_with(s, p[i]))
			return 1;
	return 0;
}

/* Starts with prefix, ASCII case-insensitive (the first two bytes are compared first: cheap). */
static int starts_ci(const char *s, const char *prefix)
{
	if (a_tolower((unsigned char)s[0]) != a_tolower((unsigned char)prefix[0]) || !s[0] ||
	    a_tolower((unsigned char)s[1]) != a_tolower((unsigned char)prefix[1]))
		return 0;
	return !strncasecmp(s, prefix, strlen(prefix));
}

/* Starts with prefix (case-sensitive), first two bytes first. */
static int starts_cs(const char *s, const char *prefix)
{
	if (s[0] != prefix[0] || !s[0] || s[1] != prefix[1])
		return 0;
	return starts_with(s, prefix);
}

/* Whether s has a date "11.06.2025" / "5. Februar 2025" / a time "17:45". */
static int has_date_or_time(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (a_isdigit((unsigned char)p[0]) && p[1] == '.' && (a_isdigit((unsigned char)p[2]) || p[2] == ' '))
			return 1;
		if (a_isdigit((unsigned char)p[0]) && p[1] && a_isdigit((unsigned char)p[1]) && p[2] == '.')
			return 1;
		if (a_isdigit((unsigned char)p[0]) && p[1] == ':' && a_isdigit((unsigned char)p[2]))
			return 1;
	}
	return 0;
}

/* Whether every word of s is a share/print target ("Facebook X WhatsApp E-Mail Drucken"). */
static int only_share_words(const char *s)
{
	static const char *const words[] = {
		"teilen", "facebook", "x", "twitter", "whatsapp", "e-mail", "email", "mail", "drucken",
		"linkedin", "telegram", "threads", "bluesky", "pinterest", "xing", "messenger", "link",
		"kopieren", "mastodon", "reddit", "flipboard", "teilen:", "merken", "kommentieren", "|", "·",
	};
	char w[32];
	int n = 0;
	for (const char *p = s; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t k = 0;
		while (p[k] && p[k] != ' ' && p[k] != '\t')
			k++;
		if (k >= sizeof w)
			return 0;
		for (size_t i = 0; i < k; i++)
			w[i] = (char)a_tolower((unsigned char)p[i]);
		w[k] = 0;
		int hit = 0;
		for (size_t i = 0; i < ARRAY_LEN(words) && !hit; i++)
			hit = !strcmp(w, words[i]);
		if (!hit)
			return 0;
		n++;
		p += k;
	}
	return n >= 2;
}

/*
 * The kind of site furniture line s is ("timestamp", "byline", ...), or NULL.
 * Only whole short lines count: a sentence that mentions "Stand" is text.
 */
static const char *furniture_kind(const char *s)
{
	static const char *const stamps[] = { "Stand:", "Stand ", "Aktualisiert:", "Aktualisiert am",
					      "Zuletzt aktualisiert", "Veröffentlicht:", "Veröffentlicht am",
					      "Erstellt:", "Erstellt am" };
	static const char *const teasers[] = { "Lesen Sie auch", "Lesen Sie mehr", "Lesen Sie hier",
					       "Mehr zum Thema", "Weitere Informationen", "Mehr dazu",
					       "Auch interessant", "Das könnte Sie auch interessieren",
					       "Zum Thema:", "Weiterlesen", "Hier weiterlesen", "Mehr lesen",
					       "Lesetipp", "Empfohlener redaktioneller Inhalt", "Zur Startseite",
					       "Mehr Nachrichten", "Alle Meldungen" };
	static const char *const prompts[] = { "Artikel teilen", "Seite teilen", "Beitrag teilen",
					       "Artikel drucken", "Seite drucken", "Drucken", "Teilen",
					       "Per E-Mail teilen", "Newsletter abonnieren", "Jetzt Newsletter",
					       "Zum Newsletter", "Unser Newsletter", "Link kopieren",
					       "Jetzt abonnieren", "Zur Merkliste", "Kommentare anzeigen",
					       "Jetzt kommentieren", "Artikel merken", "Artikel vorlesen" };
	static const char *const credits[] = { "Video:", "Videos:", "Audio:", "Copyright:", "©", "(c) ",
					       "Bildrechte:", "Fotos ©", "Foto ©", "Quelle Foto:", "Bild ©",
					       "(Foto:", "(Bild:", "(Fotos:", "Videoquelle:" };
	static const char *const donation[] = { "So können Sie helfen", "So kannst du helfen",
						"Jetzt spenden", "Spendenkonto", "Kontoinhaber:",
						"Kontoinhaberin:", "Spenden an:" };
	/* every pattern starts with one of these bytes (share words: any case); most lines stop here */
	if (!s[0] || !strchr("SAZVELMWDHTPJNUKFXBGIOCRsaevlmwdhtpjnukfxbgiocr(\xC2", s[0]))
		return NULL;
	size_t n = strlen(s);
	if (n < 5 || n > 160)
		return NULL;   /* the shortest pattern is "© dpa" */
	for (size_t i = 0; i < ARRAY_LEN(stamps); i++)
		if (starts_cs(s, stamps[i]) && has_date_or_time(s))
			return "timestamp";
	if (starts_cs(s, "Von ") && n <= 100 && (strchr(s, '|') || has_date_or_time(s)))
		return "byline";
	if ((starts_cs(s, "Autor:") || starts_cs(s, "Autorin:") || starts_cs(s, "Ein Beitrag von ")) &&
	    n <= 80)
		return "byline";
	for (size_t i = 0; i < ARRAY_LEN(teasers); i++)
		if (starts_ci(s, teasers[i]) && (n <= 100 || strchr(s, ':')))
			return "link teaser";
	for (size_t i = 0; i < ARRAY_LEN(prompts); i++)
		if (starts_ci(s, prompts[i]) && n <= 60)
			return "share or newsletter prompt";
	if (n <= 100 && strchr(s, ' ') && only_share_words(s))
		return "share or newsletter prompt";
	for (size_t i = 0; i < ARRAY_LEN(credits); i++)
		if (starts_cs(s, credits[i]) && n <= 120)
			return "photo or video credit";
	for (size_t i = 0; i < ARRAY_LEN(donation); i++)
		if (starts_cs(s, donation[i]) && n <= 90)
			return "donation footer line";
	return NULL;
}

/* Fills author and date from a byline "Von Jana Muster | 05.02.2025, 06:00 Uhr" when not given. */
static void byline_meta(const char *s, struct doc_meta *m)
{
	if (!starts_with(s, "Von "))
		return;
	const char *a = s + 4, *bar = strchr(a, '|');
	const char *end = bar ? bar : a + strlen(a);
	/* the author ends at the bar, a comma or the date */
	const char *e = a;
	while (e < end && *e != ',' && !a_isdigit((unsigned char)*e))
		e++;
	while (e > a && (e[-1] == ' ' || e[-1] == ','))
		e--;
	if (!m->author && e > a)
		m->author = xstrndup(a, (size_t)(e - a));
	/* "DD.MM.YYYY" anywhere after it becomes an ISO date */
	for (const char *p = e; !m->date && *p; p++) {
		int d, mo, y;
		if (a_isdigit((unsigned char)*p) && sscanf(p, "%2d.%2d.%4d", &d, &mo, &y) == 3 &&
		    d >= 1 && d <= 31 && mo >= 1 && mo <= 12 && y >= 1900 && y <= 2999) {
			char buf[16];
			snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
			m->date = xstrdup(buf);
		}
	}
}

/* Markdown ATX heading level of s ("## x" -> 2), or 0. */
static int atx_level(const char *s)
{
	int k = 0;

	while (s[k] == '#' && k < 7)
		k++;
	return k >= 1 && k <= 6 && s[k] == ' ' && s[k + 1] ? k : 0;
}

/* The text of an ATX heading of level `lvl`, without closing hashes; caller frees it. */
static char *atx_text(const char *s, int lvl)
{
	size_t n;

	s += lvl + 1;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '#')
		n--;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return xstrndup(s, n);
}

/* A setext underline ("===" or "---"), or a horizontal rule. */
static int is_rule_line(const char *s, char ch)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ch)
			n++;
		else if (*s != ' ')
			return 0;
	}
	return n >= 3;
}

/* A horizontal rule or underline: "---", "***", "___", "===". */
static int any_rule(const char *s)
{
	return is_rule_line(s, '-') || is_rule_line(s, '*') || is_rule_line(s, '_') ||
	       is_rule_line(s, '=');
}

/* A paragraph that is entirely one quotation: „…“, »…«, “…”, "…". */
static int is_quotation(const char *s)
{
	static const char *const pairs[][2] = {
		{ "\xE2\x80\x9E", "\xE2\x80\x9C" },   /* „ “ */
		{ "\xC2\xBB", "\xC2\xAB" },           /* » « */
		{ "\xC2\xAB", "\xC2\xBB" },           /* « » */
		{ "\xE2\x80\x9C", "\xE2\x80\x9D" },   /* “ ” */
		{ "\"", "\"" },
	};
	size_t n = strlen(s);

	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		const char *o = pairs[i][0], *c = pairs[i][1];
		size_t on = strlen(o), cn = strlen(c);
		if (strncmp(s, o, on) != 0)
			continue;
		/* the closing mark, optionally followed by final punctuation */
		size_t end = n;
		while (end > 0 && strchr(".!?", s[end - 1]) && s[end - 1])
			end--;
		if (end < on + cn + 1 || strncmp(s + end - cn, c, cn) != 0)
			return 0;
		/* no closing mark in between: "„A“, sagte er, „B“" is not one quotation */
		const char *mid = s + on;
		size_t midn = end - cn - on;
		for (size_t k = 0; k + cn <= midn; k++)
			if (!strncmp(mid + k, c, cn))
				return 0;
		return 1;
	}
	return 0;
}

struct builder {
	struct doc *d;
	int section, paragraph;
	int markdown;
	int have_body;   /* a body, list or quote block was emitted */
};

/*
 * Appends a block, taking ownership of `text` (Markdown markup is reduced
 * first); an empty text adds nothing. Headings advance the section count.
 */
static void add_block(struct builder *b, enum role r, char *text, int first, int last)
{
	struct doc *d = b->d;
	char *t = text;

	if (b->markdown) {
		t = md_inline(text);
		free(text);
	}
	if (!t[0]) {
		free(t);
		return;
	}
	XGROW(d->blocks, d->cap, d->nblocks + 1);
	struct block *bl = &d->blocks[d->nblocks++];
	bl->role = r;
	bl->text = t;
	bl->line_first = first;
	bl->line_last = last;
	bl->section = b->section;
	bl->paragraph = b->paragraph;
	bl->footer = 0;
	if (r == ROLE_HEADING)
		b->section++;
	else if (r != ROLE_TITLE)
		b->have_body = 1;
}

/*
 * Joins line texts, mending a word hyphenated across a line break
 * ("Bundes-" + "regierung") but not a hyphen before a conjunction
 * ("Gemüse- und").
 */
static void join_line(struct sb *s, const char *t)
{
	if (s->len == 0) {
		sb_adds(s, t);
		return;
	}
	if (s->len >= 2 && s->buf[s->len - 1] == '-' && a_isalpha((unsigned char)s->buf[s->len - 2]) &&
	    cp_islower(first_cp(t)) && !starts_with(t, "und ") && !starts_with(t, "oder ") &&
	    !starts_with(t, "bzw") && !starts_with(t, "sowie ") && !starts_with(t, "bis ")) {
		s->len--;
		s->buf[s->len] = '\0';
		sb_adds(s, t);
		return;
	}
	sb_addc(s, ' ');
	sb_adds(s, t);
}

static int unspeakable_tokens(const char *s);

/*
 * Whether a one-line paragraph reads as a heading: short, no final
 * punctuation (a short question such as "Wie geht es weiter?" counts too).
 */
static int heading_like(const char *t)
{
	uint32_t f = first_cp(t), l = last_cp(t);
	size_t words = word_count(t);

	if (unspeakable_tokens(t))
		return 0;
	if (l == '?' && words <= 8 && !cp_islower(f) && !list_marker(t) && !strchr(t, '.'))
		return 1;
	return utf8_count(t, strlen(t)) <= 80 && words <= 12 &&
	       !is_sentence_final(l) && !cp_islower(f) && !list_marker(t) &&
	       l != 0x201C && l != 0x201D && l != 0xAB && l != '"';
}

/* Lines this short, all of them, make a paragraph of separate lines (an address, bank details). */
#define SHORT_LINE 45

/*
 * A Markdown quotation from line v[i] (consecutive "> " lines; a "> " alone
 * splits blocks) as quote blocks of one paragraph; `s` is scratch. Returns the
 * first line after it.
 */
static size_t md_quotation(struct builder *bl, struct line *v, size_t i, size_t b, struct sb *s)
{
	size_t j = i;
	int first = v[i].lineno;

	sb_reset(s);
	while (j < b && v[j].text[0] == '>') {
		const char *q = v[j].text + 1;
		while (*q == ' ' || *q == '>')
			q++;
		if (!*q && s->len) {
			add_block(bl, ROLE_QUOTE, sb_detach(s), first, v[j - 1].lineno);
			first = v[j].lineno + 1;
		} else if (*q) {
			join_line(s, q);
		}
		j++;
	}
	if (s->len)
		add_block(bl, ROLE_QUOTE, sb_detach(s), first, v[j - 1].lineno);
	bl->paragraph++;
	return j;
}

/*
 * A list from line v[i]: items start at markers, indented or lowercase lines
 * continue the item; one paragraph. Returns the first line after it.
 */
static size_t list_items(struct builder *bl, struct line *v, size_t i, size_t b, struct sb *s)
{
	size_t j = i;

	while (j < b && list_marker(v[j].text)) {
		size_t k = j + 1;
		int first = v[j].lineno;
		sb_reset(s);
		join_line(s, v[j].text + list_marker(v[j].text));
		while (k < b && !list_marker(v[k].text) &&
		       !(bl->markdown && (atx_level(v[k].text) || v[k].text[0] == '>')) &&
		       (v[k].indent > 0 || cp_islower(first_cp(v[k].text)))) {
			join_line(s, v[k].text);
			k++;
		}
		add_block(bl, ROLE_LIST, sb_detach(s), first, v[k - 1].lineno);
		j = k;
	}
	bl->paragraph++;
	return j;
}

/* Emits the blocks of the paragraph made of lines v[a..b). */
static void paragraph(struct builder *bl, struct line *v, size_t a, size_t b, int is_last,
		      int want_title)
{
	struct sb s;
	size_t i = a;

	sb_init(&s);
	/* Markdown headings, quotes and rules are line-level */
	if (want_title) {
		int lvl = bl->markdown ? atx_level(v[a].text) : 0;
		add_block(bl, ROLE_TITLE, lvl ? atx_text(v[a].text, lvl) : xstrdup(v[a].text),
			  v[a].lineno, v[a].lineno);
		bl->paragraph++;
		i = a + 1;
		if (i < b && bl->markdown && is_rule_line(v[i].text, '=')) {
			bl->d->blocks[bl->d->nblocks - 1].line_last = v[i].lineno;
			i++;
		}
	}
	while (i < b) {
		const char *t = v[i].text;
		int lvl = bl->markdown ? atx_level(t) : 0;
		if (lvl) {
			add_block(bl, ROLE_HEADING, atx_text(t, lvl), v[i].lineno, v[i].lineno);
			bl->paragraph++;
			i++;
			continue;
		}
		if (any_rule(t)) {
			i++;
			continue;
		}
		if (bl->markdown && (t[0] == '>')) {
			i = md_quotation(bl, v, i, b, &s);
			continue;
		}
		if (list_marker(t)) {
			i = list_items(bl, v, i, b, &s);
			continue;
		}
		/* body text up to the next list, heading or quotation line */
		size_t j = i;
		sb_reset(&s);
		while (j < b && (j == i || (!list_marker(v[j].text) && !any_rule(v[j].text) &&
		       !(bl->markdown && (atx_level(v[j].text) || v[j].text[0] == '>'))))) {
			/* a setext heading: "Text" over "----" or "====" */
			if (j + 1 < b && j == i &&
			    (is_rule_line(v[j + 1].text, '=') || is_rule_line(v[j + 1].text, '-'))) {
				break;
			}
			join_line(&s, v[j].text);
			j++;
		}
		if (j == i) {
			/* setext heading */
			add_block(bl, ROLE_HEADING, xstrdup(v[i].text), v[i].lineno, v[i + 1].lineno);
			bl->paragraph++;
			i += 2;
			continue;
		}
		/* several short lines: each one stands alone */
		if (j - i >= 2) {
			size_t q;
			for (q = i; q < j; q++)
				if (utf8_count(v[q].text, strlen(v[q].text)) >= SHORT_LINE ||
				    cp_islower(first_cp(v[q].text)) ||
				    v[q].text[strlen(v[q].text) - 1] == '-')
					break;
			if (q == j) {
				for (q = i; q < j; q++)
					add_block(bl, ROLE_BODY, xstrdup(v[q].text), v[q].lineno, v[q].lineno);
				bl->paragraph++;
				i = j;
				continue;
			}
		}
		enum role r = ROLE_BODY;
		/*
		 * A heading stands alone between paragraphs; a short first line without
		 * punctuation directly over a longer paragraph is one too.
		 */
		if (j - i == 1 && i == a && j == b && !is_last && bl->have_body &&
		    heading_like(s.buf)) {
			r = ROLE_HEADING;
		} else if (i == a && j - i >= 2 && bl->have_body && heading_like(v[i].text) &&
			   utf8_count(v[i].text, strlen(v[i].text)) <= 60 &&
			   strlen(v[i].text) * 2 < strlen(v[i + 1].text) &&
			   !cp_islower(first_cp(v[i + 1].text))) {
			add_block(bl, ROLE_HEADING, xstrdup(v[i].text), v[i].lineno, v[i].lineno);
			bl->paragraph++;
			i++;
			continue;
		} else if (is_quotation(s.buf)) {
			r = ROLE_QUOTE;
		}
		add_block(bl, r, sb_detach(&s), v[i].lineno, v[j - 1].lineno);
		bl->paragraph++;
		i = j;
	}
	sb_release(&s);
}

/* ---- pass 4: the footer ------------------------------------------------ */

/* Whether the word w[0..n) looks like an IBAN: 2 letters, 2 digits, 11-30 alphanumerics. */
static int is_iban(const char *w, size_t n)
{
	size_t alnum = 0;

	if (n < 15 || !a_isupper((unsigned char)w[0]) || !a_isupper((unsigned char)w[1]) ||
	    !a_isdigit((unsigned char)w[2]) || !a_isdigit((unsigned char)w[3]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!a_isalnum((unsigned char)w[i]))
			return 0;
		alnum++;
	}
	return alnum >= 15 && alnum <= 34;
}

/* A BIC: 4 letters bank, 2 letters country, 2 alphanumerics location, optional 3 branch. */
static int is_bic(const char *w, size_t n)
{
	if (n != 8 && n != 11)
		return 0;
	for (size_t i = 0; i < 6; i++)
		if (!a_isupper((unsigned char)w[i]))
			return 0;
	for (size_t i = 6; i < n; i++)
		if (!a_isupper((unsigned char)w[i]) && !a_isdigit((unsigned char)w[i]))
			return 0;
	/* a real word in capitals ("VERANSTALTUNG") is longer; require a digit or an X */
	for (size_t i = 4; i < n; i++)
		if (a_isdigit((unsigned char)w[i]) || w[i] == 'X')
			return 1;
	return 0;
}

/* Crypto wallet addresses and long hashes: 0x + 40 hex, bc1..., base58 of 26-62. */
static int is_wallet(const char *w, size_t n)
{
	size_t digits = 0, upper = 0, lower = 0;

	if (n >= 42 && w[0] == '0' && w[1] == 'x')
		return 1;
	if (n < 26 || n > 100)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (!a_isalnum(c))
			return 0;
		digits += a_isdigit(c);
		upper += a_isupper(c);
		lower += a_islower(c);
	}
	return digits >= 3 && (upper + lower) >= 3;
}

/* "name@domain.tld" */
static int is_email(const char *w, size_t n)
{
	const char *at = memchr(w, '@', n);

	return at && at > w && memchr(at, '.', n - (size_t)(at - w)) &&
	       (size_t)(at - w) + 3 < n;
}

/* A URL or a bare domain ("www.x.de", "example.org", "https://..."). */
static int is_url(const char *w, size_t n)
{
	static const char *const tlds[] = {
		".de", ".com", ".org", ".net", ".at", ".ch", ".eu", ".info", ".io",
		".fm", ".tv", ".radio", ".online", ".news", ".media", ".uk", ".fr",
	};

	if ((n > 7 && !strncmp(w, "http://", 7)) || (n > 8 && !strncmp(w, "https://", 8)) ||
	    (n > 4 && !strncmp(w, "www.", 4)))
		return 1;
	if (n < 4 || !memchr(w, '.', n))
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(tlds); i++) {
		size_t tn = strlen(tlds[i]);
		const char *p = w;
		while ((p = memchr(p, '.', n - (size_t)(p - w))) != NULL) {
			size_t rest = n - (size_t)(p - w);
			if (rest >= tn && !strncmp(p, tlds[i], tn) && p > w &&
			    (rest == tn || p[tn] == '/') && a_isalnum((unsigned char)p[-1]))
				return 1;
			p++;
		}
	}
	return 0;
}

/* Counts words of s that cannot be read aloud (URLs, e-mail, IBAN, BIC, wallets). */
static int unspeakable_tokens(const char *s)
{
	int n = 0;
	const char *p = s;
	struct sb joined;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ' ')
			q++;
		size_t wn = (size_t)(q - p);
		/* strip punctuation around the word */
		const char *w = p;
		while (wn && strchr("(<[\"'", *w) && *w) {
			w++;
			wn--;
		}
		while (wn && strchr(".,;:)>]\"'!?", w[wn - 1]))
			wn--;
		if (wn && (is_url(w, wn) || is_email(w, wn) || is_iban(w, wn) || is_bic(w, wn) ||
			   is_wallet(w, wn)))
			n++;
		p = q;
	}
	/* an IBAN written in groups of four: "DE12 3456 7890 ..." */
	sb_init(&joined);
	for (p = s; *p; p++) {
		if (a_isupper((unsigned char)p[0]) && a_isupper((unsigned char)p[1]) &&
		    a_isdigit((unsigned char)p[2]) && a_isdigit((unsigned char)p[3]) &&
		    (p == s || p[-1] == ' ' || p[-1] == ':')) {
			sb_reset(&joined);
			const char *q = p;
			while (*q && (a_isalnum((unsigned char)*q) || *q == ' ') && joined.len < 40) {
				if (*q != ' ')
					sb_addc(&joined, *q);
				q++;
			}
			if (is_iban(joined.buf, joined.len) && joined.len > 16) {
				n++;
				p = q - 1;
			}
		}
	}
	sb_release(&joined);
	return n;
}

/*
 * Words that mark donation, bank and contact material, matched at the start
 * of a word ("iban" does not match "Libanon"), in lowercase.
 */
static const char *const footer_words[] = {
	"iban", "bic:", "bic ", "spende", "bankverbindung", "kontoinhaber",
	"kontonummer", "verwendungszweck", "paypal", "wallet", "bitcoin", "btc",
	"ethereum", "monero", "litecoin", "patreon", "steady", "impressum",
	"newsletter", "abonnier", "kontakt", "e-mail", "telegram", "redaktion@",
	"unterstützen sie", "unterstützt uns", "unterstützen uns", "partnerseite",
	"unsere partner", "empfänger:", "bankleitzahl", "blz", "sparkasse",
	"volksbank", "postbank", "fördermitglied", "mitglied werden", "schenkung",
	"krypto", "folgen sie uns", "schreiben sie uns", "hinweise an", "©",
	"copyright", "alle rechte", "werbefrei", "unabhängigen journalismus",
	"unabhängiger journalismus", "ihre unterstützung", "ihrer unterstützung",
	"spendenkonto", "t.me/",
};

/* Number of footer words in s (each counted once). */
static int footer_word_hits(const char *s)
{
	char *l = lower_dup(s);
	int n = 0;

	for (size_t i = 0; i < ARRAY_LEN(footer_words); i++) {
		const char *p = l;
		size_t wn = strlen(footer_words[i]);
		while ((p = strstr(p, footer_words[i])) != NULL) {
			if (p == l || !(a_isalpha((unsigned char)p[-1]) || ((unsigned char)p[-1] & 0x80))) {
				n++;
				break;
			}
			p += wn;
		}
	}
	free(l);
	return n;
}

/* A footer spans at most this many paragraphs, each of at most FOOTER_BLOCKS blocks. */
#define FOOTER_PARAGRAPHS 30
#define FOOTER_BLOCKS 60

/*
 * Finds a trailing footer: paragraphs from the end while each is footer
 * material (unspeakable tokens, donation words) or a short bare line
 * (a station name, a partner site, a heading). The run must hold at least one
 * unspeakable token and leave some article before it. Marks or removes the
 * blocks and warns once.
 */
static void find_footer(struct doc *d, const char *fn, int keep, struct warns *w)
{
	size_t n = d->nblocks, start = n, i = n;
	int tokens = 0, strong_top = -1;

	int paragraphs = 0;

	while (i > 0 && paragraphs++ < FOOTER_PARAGRAPHS) {
		/* the blocks of one paragraph: [p, i) */
		size_t p = i - 1;
		while (p > 0 && d->blocks[p - 1].paragraph == d->blocks[i - 1].paragraph)
			p--;
		if (d->blocks[p].role == ROLE_TITLE || i - p > FOOTER_BLOCKS)
			break;
		int tok = 0, hits = 0, shortlines = 0, words = 0;
		for (size_t k = p; k < i; k++) {
			const char *t = d->blocks[k].text;
			tok += unspeakable_tokens(t);
			hits += footer_word_hits(t);
			words += (int)word_count(t);
			if (word_count(t) <= 8 && !is_sentence_final(last_cp(t)))
				shortlines++;
		}
		/* one URL in a paragraph of news prose does not make it a footer */
		int strong = (tok > 0 && (hits > 0 || tok * 4 >= words)) ||
			     (hits >= 1 && words <= 40) || hits >= 2;
		int weak = shortlines == (int)(i - p);
		if (!strong && !weak)
			break;
		tokens += tok;
		if (strong)
			strong_top = (int)p;
		i = p;
	}
	if (tokens == 0 || strong_top < 0)
		return;
	/* leading bare lines above the first strong paragraph belong to the article */
	start = (size_t)strong_top;
	/* ...unless it is a heading right above it ("Unterstützen Sie uns") */
	if (start > 0 && d->blocks[start - 1].role == ROLE_HEADING &&
	    d->blocks[start - 1].paragraph + 1 == d->blocks[start].paragraph)
		start--;
	/* keep some article */
	size_t article = 0;
	for (size_t k = 0; k < start; k++)
		if (d->blocks[k].role != ROLE_TITLE)
			article++;
	if (article == 0)
		return;
	d->footer_first = d->blocks[start].line_first;
	d->footer_last = d->blocks[n - 1].line_last;
	if (keep) {
		for (size_t k = start; k < n; k++)
			d->blocks[k].footer = 1;
		return;
	}
	for (size_t k = start; k < n; k++)
		free(d->blocks[k].text);
	d->nblocks = start;
	(void)fn;
	(void)w;
	d->footer_dropped = 1;   /* doc_parse says so, with the lines of furniture it opened with */
}

/* ---- the parse --------------------------------------------------------- */

static int detect_markdown(const char *fn, const struct lines *ls)
{
	size_t fl = strlen(fn);

	if ((fl > 3 && !strcmp(fn + fl - 3, ".md")) ||
	    (fl > 9 && !strcmp(fn + fl - 9, ".markdown")))
		return 1;
	for (size_t i = 0; i < ls->n; i++) {
		const char *t = ls->v[i].text;
		if (atx_level(t) || starts_with(t, "> ") || strstr(t, "](") || strstr(t, "**"))
			return 1;
	}
	return 0;
}

/*
 * Leaves out lines of site furniture (furniture_kind) with a warning naming
 * them, records them in d->left_out, and takes author and date from a byline.
 * A rule line ("---") before the first text is dropped too: it is never a title.
 */
static void furniture(struct lines *ls, size_t body, const char *fn, int keep, int keep_footer,
		      struct doc *d, struct warns *w)
{
	size_t first = body;
	while (first < ls->n && (!ls->v[first].text[0] || any_rule(ls->v[first].text))) {
		ls->v[first].text[0] = '\0';
		first++;
	}
	for (size_t i = body; i < ls->n; i++) {
		const char *t = ls->v[i].text, *kind = furniture_kind(t);
		if (!kind)
			continue;
		if (!strcmp(kind, "byline"))
			byline_meta(t, &d->meta);
		if (keep || (keep_footer && !strcmp(kind, "donation footer line")))
			continue;
		warns_add(w, "%s:%d: %s left out: \"%.60s%s\"", fn, ls->v[i].lineno, kind, t,
			  strlen(t) > 60 ? "..." : "");
		struct sb r;
		sb_init(&r);
		sb_addf(&r, "line %d (%s): %s", ls->v[i].lineno, kind, t);
		XGROW(d->left_out, d->leftcap, d->nleft + 1);
		d->left_out[d->nleft++] = sb_detach(&r);
		ls->v[i].text[0] = '\0';
	}
}

/* The line number in "line N (...)"; 0 when there is none. */
static int left_out_line(const char *s)
{
	int n = 0;
	return sscanf(s, "line %d", &n) == 1 ? n : 0;
}

/*
 * Moves the furniture warnings in `fw` to `w`, except those for lines inside
 * the footer that was left out as a whole (its one warning says enough);
 * d->left_out loses the same lines. `fw` is released.
 */
static void move_furniture_warnings(struct doc *d, const char *fn, int keep, struct warns *fw,
				    struct warns *w)
{
	size_t k = 0, fl = strlen(fn);
	for (size_t i = 0; i < d->nleft; i++) {
		int line = left_out_line(d->left_out[i]);
		int in_footer = !keep && d->footer_first && line <= d->footer_last &&
				line >= d->footer_first;
		if (in_footer) {
			free(d->left_out[i]);
			continue;
		}
		d->left_out[k++] = d->left_out[i];
	}
	for (size_t i = 0; i < fw->n; i++) {
		/* "FILE:LINE: ..." */
		int line = strlen(fw->v[i]) > fl + 1 ? atoi(fw->v[i] + fl + 1) : 0;
		if (keep || !d->footer_first || line < d->footer_first || line > d->footer_last)
			warns_add(w, "%s", fw->v[i]);
	}
	d->nleft = k;
	warns_release(fw);
}

int doc_parse(const char *text, size_t len, const char *filename,
	      const struct doc_opts *opts, struct doc *out, struct warns *w,
	      struct err *e)
{
	struct lines ls = { NULL, 0, 0, NULL };
	struct builder b;
	const char *fn = filename ? filename : "-";
	int title_line = 0, keep = opts ? opts->keep_footer : 0;
	size_t body;

	memset(out, 0, sizeof *out);
	if (check_text(text, len, fn, e) < 0)
		return -1;
	split_lines(text, len, &ls);
	body = front_matter(&ls, &out->meta, &title_line);
	if (body == SIZE_MAX) {
		int line = title_line;
		free_lines(&ls);
		return err_set(e, "%s:%d: front matter opened with \"---\" is never closed", fn, line);
	}
	b.d = out;
	b.section = 0;
	b.paragraph = 0;
	b.markdown = opts && opts->markdown >= 0 ? opts->markdown : detect_markdown(fn, &ls);
	b.have_body = 0;
	if (body > 0)
		b.markdown = opts && opts->markdown >= 0 ? opts->markdown : 1;

	/* image credit lines go first: they are never read */
	for (size_t i = body; i < ls.n; i++) {
		if (is_image_credit(ls.v[i].text)) {
			warns_add(w, "%s:%d: image credit left out", fn, ls.v[i].lineno);
			struct sb r;
			sb_init(&r);
			sb_addf(&r, "line %d (image credit): %s", ls.v[i].lineno, ls.v[i].text);
			XGROW(out->left_out, out->leftcap, out->nleft + 1);
			out->left_out[out->nleft++] = sb_detach(&r);
			ls.v[i].text[0] = '\0';
		}
	}
	struct warns fw;   /* furniture warnings: those inside a detected footer are said by its own */
	warns_init(&fw);
	furniture(&ls, body, fn, opts && opts->keep_furniture, keep, out, &fw);
	/* a front-matter title stands first unless the text opens with "# " */
	size_t first = body;
	while (first < ls.n && !ls.v[first].text[0])
		first++;
	int want_title = 1, meta_title = 0;
	int lvl = first < ls.n && b.markdown ? atx_level(ls.v[first].text) : 0;
	if (out->meta.title && lvl != 1 &&
	    !(first < ls.n && !strcmp(ls.v[first].text + (lvl ? lvl + 1 : 0), out->meta.title))) {
		add_block(&b, ROLE_TITLE, xstrdup(out->meta.title), title_line, title_line);
		b.paragraph++;
		want_title = 0;
		meta_title = 1;
	}
	for (size_t i = body; i < ls.n;) {
		if (!ls.v[i].text[0]) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < ls.n && ls.v[j].text[0])
			j++;
		size_t k = j;
		while (k < ls.n && !ls.v[k].text[0])
			k++;
		paragraph(&b, ls.v, i, j, k >= ls.n, want_title);
		want_title = 0;
		i = j;
	}
	free_lines(&ls);
	if (out->nblocks == 0 || (out->nblocks == 1 && meta_title)) {
		move_furniture_warnings(out, fn, keep, &fw, w);
		doc_release(out);
		return err_set(e, "%s: article is empty", fn);
	}
	find_footer(out, fn, keep, w);
	if (out->footer_dropped) {
		/* a donation heading or account line right above the footer opened it */
		for (int moved = 1; moved;) {
			moved = 0;
			for (size_t i = 0; i < out->nleft; i++) {
				int line = left_out_line(out->left_out[i]);
				if (strstr(out->left_out[i], "(donation footer line)") &&
				    line < out->footer_first && line >= out->footer_first - 2) {
					out->footer_first = line;
					moved = 1;
				}
			}
		}
		warns_add(w, "%s:%d-%d: footer left out (donation and contact details); "
			  "use --keep-footer to read it", fn, out->footer_first, out->footer_last);
	}
	move_furniture_warnings(out, fn, keep, &fw, w);
	return 0;
}

void doc_release(struct doc *d)
{
	for (size_t i = 0; i < d->nblocks; i++)
		free(d->blocks[i].text);
	free(d->blocks);
	free(d->meta.title);
	free(d->meta.author);
	free(d->meta.date);
	free(d->meta.voice);
	free(d->meta.intro);
	free(d->meta.outro);
	free(d->meta.stinger);
	for (size_t i = 0; i < d->nleft; i++)
		free(d->left_out[i]);
	free(d->left_out);
	for (size_t i = 0; i < d->meta.nother; i++) {
		free(d->meta.other[i].key);
		free(d->meta.other[i].value);
	}
	free(d->meta.other);
	memset(d, 0, sizeof *d);
}
