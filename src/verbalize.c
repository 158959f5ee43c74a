/*
 * verbalize.c - written German -> spoken German (see verbalize.h).
 *
 * The sentence is cut into tokens (words, digit runs, white space, single
 * symbols). A left-to-right pass tries the rules at each token: chunk rules
 * first (URLs, e-mail, IBANs and hashes, telephone numbers), then numbers
 * with what follows them (dates, times, ordinals, money, units, fractions,
 * ranges), then words (abbreviations, Roman numerals, acronyms, lexicon).
 * Every rule returns the index of the first token it did not use, so the
 * pass is linear in the number of tokens (rules look ahead a bounded number
 * of tokens only). The rule families live in verbalize_*.c (see
 * verbalize_int.h); this file holds the tokens, the output and the driver.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abbrev.h"
#include "lexicon.h"
#include "foreign.h"
#include "numwords.h"
#include "verbalize.h"
#include "verbalize_int.h"

/* ---- tokens -------------------------------------------------------------- */

static int is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
	       cp == '\v' || cp == 0xA0 || cp == 0x2009 || cp == 0x202F ||
	       cp == 0x2007 || cp == 0x2002 || cp == 0x2003 || cp == 0x2008 ||
	       cp == 0x200A || cp == 0x3000 || (cp < 0x20) || cp == 0x7F;
}

static int is_word_cp(uint32_t cp)
{
	return cp_isalpha(cp) || (cp >= 0x300 && cp <= 0x36F) || cp == 0xAD ||
	       cp == 0x200B || cp == 0x200C || cp == 0x200D;
}

static void push_tok(struct ctx *c, size_t b, size_t e, enum tok_type t, uint32_t cp)
{
	if (c->nt && t != T_SYM && c->tk[c->nt - 1].t == t && c->tk[c->nt - 1].e == b) {
		c->tk[c->nt - 1].e = e;
		return;
	}
	XGROW(c->tk, c->tcap, c->nt + 1);
	c->tk[c->nt++] = (struct tok){ b, e, t, cp };
}

static void tokenize(struct ctx *c)
{
	for (size_t i = 0; i < c->n;) {
		uint32_t cp;
		int k = utf8_decode(c->s + i, c->n - i, &cp);
		if (k <= 0) {
			push_tok(c, i, i + 1, T_SYM, 0);
			i++;
			continue;
		}
		size_t e = i + (size_t)k;
		if (a_isdigit((int)cp))
			push_tok(c, i, e, T_NUM, cp);
		else if (is_space_cp(cp))
			push_tok(c, i, e, T_SPACE, cp);
		else if (is_word_cp(cp) && (cp_isalpha(cp) || (c->nt && c->tk[c->nt - 1].t == T_WORD && c->tk[c->nt - 1].e == i)))
			push_tok(c, i, e, T_WORD, cp);
		else if (is_word_cp(cp))
			; /* stray combining mark or soft hyphen: dropped */
		else
			push_tok(c, i, e, T_SYM, cp);
		i = e;
	}
}

/* ---- token helpers ------------------------------------------------------- */

int vb_is_dash(const struct ctx *c, size_t i)
{
	return is_sym(c, i, '-') || is_sym(c, i, 0x2013) || is_sym(c, i, 0x2014) || is_sym(c, i, 0x2212);
}

/* Exact comparison of token i with s. */
int vb_teq(const struct ctx *c, size_t i, const char *s)
{
	if (i >= c->nt || *tp(c, i) != *s)
		return 0;
	size_t n = strlen(s);
	return tl(c, i) == n && !memcmp(tp(c, i), s, n);
}

/* ASCII-case-insensitive comparison of token i with s. */
int vb_tieq(const struct ctx *c, size_t i, const char *s)
{
	size_t n = strlen(s);
	if (i >= c->nt || tl(c, i) != n)
		return 0;
	const char *p = tp(c, i);
	for (size_t k = 0; k < n; k++)
		if (a_tolower((unsigned char)p[k]) != a_tolower((unsigned char)s[k]))
			return 0;
	return 1;
}

/* Index of the next token after i, skipping one white-space token. */
size_t vb_nx(const struct ctx *c, size_t i)
{
	i++;
	if (i < c->nt && c->tk[i].t == T_SPACE)
		i++;
	return i;
}

/* Index of the token before i, skipping one white-space token; SIZE_MAX if none. */
size_t vb_pv(const struct ctx *c, size_t i)
{
	if (i == 0 || i > c->nt)
		return SIZE_MAX;
	i--;
	if (c->tk[i].t == T_SPACE) {
		if (i == 0)
			return SIZE_MAX;
		i--;
	}
	return i;
}

/* Lowercase copy of word token i into buf (cap bytes); returns 0 when it does not fit. */
int vb_lower(const struct ctx *c, size_t i, char *buf, size_t cap)
{
	if (i >= c->nt)
		return 0;
	const char *p = tp(c, i);
	size_t n = tl(c, i), o = 0;
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0)
			return 0;
		char tmp[4];
		int w = utf8_encode(cp_tolower(cp), tmp);
		if (o + (size_t)w + 1 > cap)
			return 0;
		memcpy(buf + o, tmp, (size_t)w);
		o += (size_t)w;
		k += (size_t)m;
	}
	buf[o] = '\0';
	return 1;
}

/* Is token i a word starting with a capital letter? */
int vb_is_cap(const struct ctx *c, size_t i)
{
	uint32_t cp;
	return is_t(c, i, T_WORD) && utf8_decode(tp(c, i), tl(c, i), &cp) > 0 && cp_isupper(cp);
}

int vb_is_lowerword(const struct ctx *c, size_t i)
{
	uint32_t cp;
	return is_t(c, i, T_WORD) && utf8_decode(tp(c, i), tl(c, i), &cp) > 0 && cp_islower(cp);
}

/* Is every letter of token i a capital? */
int vb_all_caps(const struct ctx *c, size_t i)
{
	if (!is_t(c, i, T_WORD))
		return 0;
	const char *p = tp(c, i);
	size_t n = tl(c, i);
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0 || !cp_isupper(cp))
			return 0;
		k += (size_t)m;
	}
	return 1;
}

int vb_in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

/* Value of number token i (ULLONG_MAX when too long). */
unsigned long long vb_nval(const struct ctx *c, size_t i)
{
	return nw_value(tp(c, i), tl(c, i));
}

/* ---- output -------------------------------------------------------------- */

void vb_add_anchor(struct ctx *c)
{
	struct verbalized *v = c->out;
	if (!c->anchor_pending)
		return;
	c->anchor_pending = 0;
	size_t sp = v->spoken.len;
	if (v->nanchors) {
		struct verb_anchor *l = &v->anchors[v->nanchors - 1];
		if (c->anchor_w <= l->written || sp <= l->spoken)
			return;
	}
	XGROW(v->anchors, v->cap, v->nanchors + 1);
	v->anchors[v->nanchors++] = (struct verb_anchor){ c->anchor_w, sp };
}

/* Adds a separating space unless at the start or after an opening bracket. */
void vb_sep(struct ctx *c)
{
	struct sb *s = &c->out->spoken;
	if (!s->len)
		return;
	unsigned char l = (unsigned char)s->buf[s->len - 1];
	if (l == ' ' || l == '(' || l == '[' || l == '/')
		return;
	if (c->glued && (l == '-' || l == '/'))
		return;
	if (s->len >= 3 && !memcmp(s->buf + s->len - 3, "\xE2\x80\x9E", 3)) /* „ */
		return;
	sb_addc(s, ' ');
}

/* Speaks words `w` as a new word. */
void vb_say(struct ctx *c, const char *w)
{
	vb_sep(c);
	vb_add_anchor(c);
	sb_adds(&c->out->spoken, w);
	c->said = 1;
}

void vb_say_sb(struct ctx *c, const struct sb *t)
{
	vb_sep(c);
	vb_add_anchor(c);
	sb_add(&c->out->spoken, t->buf, t->len);
	c->said = 1;
}

/* One letter as spelled: its capital, which eSpeak NG reads by name ("Y" as "Ypsilon"). */
static void add_letter(struct sb *t, uint32_t cp)
{
	if (cp == 'Y' || cp == 'y')
		sb_adds(t, "Ypsilon");
	else
		sb_addcp(t, cp_toupper(cp));
}

/*
 * Says the letters of p[0..n) (stopping at an invalid byte) in the form `how`
 * asks for: VB_AS_WORD "NATO" -> "Nato" (only the first letter capital, so
 * eSpeak reads a word), VB_SPELLED "ABC" -> "A-B-C" ("Y" -> "Ypsilon"), or
 * VB_SPACED "ABC" -> "a b c".
 */
void vb_say_letters(struct ctx *c, const char *p, size_t n, enum vb_letters how)
{
	struct sb t;

	sb_init(&t);
	for (size_t k = 0; k < n;) {
		uint32_t cp;
		int m = utf8_decode(p + k, n - k, &cp);
		if (m <= 0)
			break;
		if (how == VB_AS_WORD) {
			sb_addcp(&t, k ? cp_tolower(cp) : cp);
		} else {
			if (t.len)
				sb_addc(&t, how == VB_SPELLED ? '-' : ' ');
			if (how == VB_SPACED)
				sb_addcp(&t, cp_tolower(cp));
			else
				add_letter(&t, cp);
		}
		k += (size_t)m;
	}
	vb_say_sb(c, &t);
	sb_release(&t);
}

void verb_spell(const char *t, size_t n, struct sb *out)
{
	size_t start = out->len;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int m = utf8_decode(t + i, n - i, &cp);
		if (m <= 0) {
			i++;
			continue;
		}
		if (cp_isalpha(cp) || (cp < 0x80 && a_isdigit((int)cp))) {
			if (out->len > start)
				sb_addc(out, '-');
			if (cp < 0x80 && a_isdigit((int)cp))
				nw_digits(out, t + i, 1);
			else
				add_letter(out, cp);
		}
		i += (size_t)m;
	}
}

/* Appends w to the previous word without a space. */
void vb_glue(struct ctx *c, const char *w)
{
	vb_add_anchor(c);
	sb_adds(&c->out->spoken, w);
	c->said = 0;
}

void vb_say_cardinal(struct ctx *c, const char *d, size_t n, enum nw_one one)
{
	struct sb t;
	sb_init(&t);
	nw_cardinal(&t, d, n, one);
	vb_say_sb(c, &t);
	sb_release(&t);
}

void vb_say_cardinal_u(struct ctx *c, unsigned long long v, enum nw_one one)
{
	struct sb t;
	sb_init(&t);
	nw_cardinal_u(&t, v, one);
	vb_say_sb(c, &t);
	sb_release(&t);
}

void vb_say_ordinal(struct ctx *c, const char *d, size_t n, const char *end)
{
	struct sb t;
	sb_init(&t);
	nw_ordinal(&t, d, n, end);
	vb_say_sb(c, &t);
	sb_release(&t);
}

void vb_say_year(struct ctx *c, unsigned long long v)
{
	struct sb t;
	sb_init(&t);
	nw_year(&t, v);
	vb_say_sb(c, &t);
	sb_release(&t);
}

void vb_say_digits(struct ctx *c, const char *d, size_t n)
{
	struct sb t;
	sb_init(&t);
	nw_digits(&t, d, n);
	vb_say_sb(c, &t);
	sb_release(&t);
}

/* Copies token i as it is written (space before it only if written so). */
void vb_pass(struct ctx *c, size_t i)
{
	if ((i > 0 && c->tk[i - 1].t == T_SPACE) || (c->said && c->tk[i].t != T_SYM))
		vb_sep(c);
	vb_add_anchor(c);
	c->said = 0;
	if (c->tk[i].t == T_SYM) {
		uint32_t cp = c->tk[i].cp;
		/* invalid bytes, C1 controls, byte-order marks and direction marks are silent */
		if (cp == 0 || (cp >= 0x80 && cp < 0xA0) || cp == 0xFEFF || cp == 0x200E || cp == 0x200F ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFFFD ||
		    (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0xFE00 && cp <= 0xFE0F))
			return;
		/* "[[" in the text must not open eSpeak phoneme input */
		struct sb *o = &c->out->spoken;
		if ((cp == '[' || cp == ']') && o->len && o->buf[o->len - 1] == (char)cp)
			return;
	}
	sb_add(&c->out->spoken, tp(c, i), tl(c, i));
}

void vb_warn(struct ctx *c, const char *what, size_t b, size_t e)
{
	size_t n = e - b;
	if (n > 40)
		n = 40;
	struct sb t;
	sb_init(&t);
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)c->s[b + k];
		sb_addc(&t, ch < 0x20 || ch >= 0x7F ? '?' : (char)ch);
	}
	if (c->o && c->o->where)
		warns_add(c->w, "%s: left out %s \"%s%s\"", c->o->where, what, t.buf, e - b > 40 ? "..." : "");
	else
		warns_add(c->w, "left out %s \"%s%s\"", what, t.buf, e - b > 40 ? "..." : "");
	sb_release(&t);
}

/* Marks token i as the start of what is spoken next: its anchor and whether it is glued to the previous token. */
void vb_start(struct ctx *c, size_t i)
{
	if (i < c->nt) {
		c->anchor_w = c->tk[i].b;
		c->anchor_pending = 1;
		c->glued = i > 0 && c->tk[i - 1].t != T_SPACE;
	}
}

/* ---- driver --------------------------------------------------------------- */

int vb_chunk_start(const struct ctx *c, size_t i)
{
	return i == 0 || c->tk[i - 1].t == T_SPACE || is_sym(c, i - 1, '(') || is_sym(c, i - 1, '"') ||
	       is_sym(c, i - 1, 0x201E) || is_sym(c, i - 1, '<') || is_sym(c, i - 1, '[');
}

void verb_init(struct verbalized *v)
{
	sb_init(&v->spoken);
	v->anchors = NULL;
	v->nanchors = v->cap = 0;
}

void verb_release(struct verbalized *v)
{
	sb_release(&v->spoken);
	free(v->anchors);
	v->anchors = NULL;
	v->nanchors = v->cap = 0;
}

void verb_sentence(const char *written, size_t len, const struct verb_opts *o,
		   struct verbalized *out, struct warns *w)
{
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.s = written ? written : "";
	c.n = written ? len : 0;
	c.out = out;
	c.o = o;
	c.w = w;
	sb_reset(&out->spoken);
	out->nanchors = 0;
	XGROW(out->anchors, out->cap, 1);
	out->anchors[out->nanchors++] = (struct verb_anchor){ 0, 0 };
	tokenize(&c);
	c.nextsp = xmalloc((c.nt + 1) * sizeof *c.nextsp);
	c.nextsp[c.nt] = c.nt;
	size_t words = 0, capw = 0, longw = 0;
	for (size_t i = 0; i < c.nt; i++) {
		if (c.tk[i].t != T_WORD || tl(&c, i) < 2)
			continue;
		words++;
		if (vb_all_caps(&c, i)) {
			capw++;
			longw += tl(&c, i) >= 4 && vb_has_vowel(tp(&c, i), tl(&c, i)) &&
				 !(i + 1 < c.nt && c.tk[i + 1].t == T_NUM);
		}
	}
	c.headline = capw >= 3 && longw >= 2 && capw * 3 > words * 2;
	for (size_t i = c.nt; i-- > 0;)
		c.nextsp[i] = c.tk[i].t == T_SPACE ? i : c.nextsp[i + 1];

	for (size_t i = 0; i < c.nt;) {
		size_t r = 0;
		if (c.tk[i].t == T_SPACE) {
			i++;
			continue;
		}
		vb_start(&c, i);
		if (vb_chunk_start(&c, i)) {
			size_t e = vb_chunk_end(&c, i);
			if (e > i && ((r = vb_rule_address(&c, i, e)) || (r = vb_rule_secret(&c, i, e)) ||
				      (r = vb_rule_phone(&c, i)))) {
				i = r;
				continue;
			}
		}
		switch (c.tk[i].t) {
		case T_NUM:
			r = vb_rule_number(&c, i);
			break;
		case T_SYM:
			if ((is_sym(&c, i, '-') || is_sym(&c, i, 0x2212) || is_sym(&c, i, 0x2013)) &&
			    is_t(&c, i + 1, T_NUM) && vb_chunk_start(&c, i))
				r = vb_rule_number(&c, i);
			if (!r)
				r = vb_rule_currency_first(&c, i);
			if (!r)
				r = vb_rule_symbol(&c, i);
			break;
		case T_WORD:
			if (vb_teq(&c, i, "x") && is_t(&c, vb_pv(&c, i), T_NUM) && is_t(&c, vb_nx(&c, i), T_NUM)) {
				vb_say(&c, "mal");
				r = i + 1;
				break;
			}
			if (!(r = vb_rule_lexicon(&c, i)) && !(r = vb_rule_currency_first(&c, i)) &&
			    !(r = vb_rule_weekday(&c, i)) && !(r = vb_rule_abbr(&c, i)) && !(r = vb_rule_street(&c, i)) &&
			    !(r = vb_rule_roman(&c, i)) && !(r = vb_rule_acronym(&c, i)))
				r = vb_rule_foreign(&c, i);
			break;
		default:
			break;
		}
		if (!r) {
			vb_pass(&c, i);
			r = i + 1;
			/* "gut.Es geht": a missing space after a full stop */
			if (is_sym(&c, i, '.') && i > 0 && is_t(&c, i - 1, T_WORD) && tl(&c, i - 1) > 1 &&
			    vb_is_cap(&c, i + 1) && tl(&c, i + 1) > 1)
				sb_addc(&out->spoken, ' ');
		}
		i = r;
	}
	sb_rtrim(&out->spoken);
	/* a trailing anchor may point past the trimmed end */
	while (out->nanchors > 1 && out->anchors[out->nanchors - 1].spoken >= out->spoken.len && out->spoken.len)
		out->nanchors--;
	free(c.tk);
	free(c.nextsp);
}

