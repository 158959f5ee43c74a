/*
 * verbalize_int.h - internal header of the verbalizer (verbalize*.c); not an API.
 *
 * The public contract is verbalize.h. The verbalizer is split by rule family:
 *   verbalize.c          tokens, token helpers, output, the driver (verb_sentence)
 *   verbalize_grammar.c  month/weekday tables, noun gender, ordinal and article endings
 *   verbalize_codes.c    chunk rules: e-mail, URLs, IBANs and hashes, telephone numbers
 *   verbalize_numbers.c  numbers: parsing, ordinals, fractions, ranges (rule_number)
 *   verbalize_money.c    scales, currencies, units and the quantity they count
 *   verbalize_dates.c    numeric and ISO dates, years, times of day
 *   verbalize_words.c    abbreviations, streets, Roman numerals, acronyms, weekdays,
 *                        foreign words, the lexicon, symbols
 * Names shared between the parts carry the prefix vb_; each function's contract
 * is the comment at its definition. A rule `vb_rule_*` tries its rule at token i
 * and returns the index of the first token it did not use, or 0 (or i) when it
 * does not apply, as described at each definition.
 */
#ifndef SPRECHER_VERBALIZE_INT_H
#define SPRECHER_VERBALIZE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "numwords.h"
#include "util.h"
#include "verbalize.h"

/* ---- tokens and the pass state ------------------------------------------ */

enum tok_type { T_WORD, T_NUM, T_SPACE, T_SYM };

struct tok {
	size_t b, e;        /* byte range in the written text */
	enum tok_type t;
	uint32_t cp;        /* T_SYM: the code point (0 for an invalid byte) */
};

struct ctx {
	const char *s;
	size_t n;
	struct tok *tk;
	size_t nt, tcap;
	size_t *nextsp;      /* nextsp[i]: first white-space token at or after i (or nt) */
	struct verbalized *out;
	const struct verb_opts *o;
	struct warns *w;
	size_t anchor_w;     /* written offset of the token being spoken */
	int anchor_pending;
	int glued;           /* the token being spoken follows the previous one without space */
	int said;            /* the last output came from a rule (not copied) */
	int headline;        /* most words are written in capitals */
	const char *last_ord; /* ending of the last ordinal, for ranges */
	size_t last_ord_tok;  /* token index after that ordinal */
};

/* Byte start and length of token i; type and symbol tests that are false past the end. */
static inline const char *tp(const struct ctx *c, size_t i) { return c->s + c->tk[i].b; }
static inline size_t tl(const struct ctx *c, size_t i) { return c->tk[i].e - c->tk[i].b; }
static inline int is_t(const struct ctx *c, size_t i, enum tok_type t) { return i < c->nt && c->tk[i].t == t; }
static inline int is_sym(const struct ctx *c, size_t i, uint32_t cp) { return i < c->nt && c->tk[i].t == T_SYM && c->tk[i].cp == cp; }

/* A parsed number: integer digits (without group separators) and decimals. */
struct num {
	struct sb ip, fp;    /* digit strings */
	size_t start, end;   /* first token of the number, first token after it */
	int grouped;
};

/* A currency: written form, spoken name, gender, name of the hundredth (tables in verbalize_money.c). */
struct currency { const char *w; const char *name; char g; const char *sub_sg, *sub_pl; };

/* A unit: written form, singular, plural, gender. */
struct unit { const char *w, *sg, *pl; char g; };

/* Chunks longer than this many tokens are no addresses (keeps the pass linear). */
#define MAX_CHUNK 200

/* ---- verbalize.c ----------------------------------------------------------- */

int vb_is_dash(const struct ctx *c, size_t i);
int vb_teq(const struct ctx *c, size_t i, const char *s);
int vb_tieq(const struct ctx *c, size_t i, const char *s);
size_t vb_nx(const struct ctx *c, size_t i);
size_t vb_pv(const struct ctx *c, size_t i);
int vb_lower(const struct ctx *c, size_t i, char *buf, size_t cap);
int vb_is_cap(const struct ctx *c, size_t i);
int vb_is_lowerword(const struct ctx *c, size_t i);
int vb_all_caps(const struct ctx *c, size_t i);
int vb_in_list(const char *w, const char *const *list);
unsigned long long vb_nval(const struct ctx *c, size_t i);
void vb_add_anchor(struct ctx *c);
void vb_sep(struct ctx *c);
void vb_say(struct ctx *c, const char *w);
void vb_say_sb(struct ctx *c, const struct sb *t);
/* How vb_say_letters says letters: "Nato", "N-A-T-O", "n a t o". */
enum vb_letters { VB_AS_WORD, VB_SPELLED, VB_SPACED };
void vb_say_letters(struct ctx *c, const char *p, size_t n, enum vb_letters how);
void vb_glue(struct ctx *c, const char *w);
void vb_say_cardinal(struct ctx *c, const char *d, size_t n, enum nw_one one);
void vb_say_cardinal_u(struct ctx *c, unsigned long long v, enum nw_one one);
void vb_say_ordinal(struct ctx *c, const char *d, size_t n, const char *end);
void vb_say_year(struct ctx *c, unsigned long long v);
void vb_say_digits(struct ctx *c, const char *d, size_t n);
void vb_pass(struct ctx *c, size_t i);
void vb_warn(struct ctx *c, const char *what, size_t b, size_t e);
void vb_start(struct ctx *c, size_t i);
int vb_chunk_start(const struct ctx *c, size_t i);

/* ---- verbalize_grammar.c --------------------------------------------------- */

extern const char *const vb_months[];
int vb_month_at(const struct ctx *c, size_t i, size_t *used);
const char *vb_weekday_abbr(const struct ctx *c, size_t i);
char vb_gender_at(const struct ctx *c, size_t i);
extern const char *const vb_dat_preps[];
extern const char *const vb_acc_preps[];
const char *vb_det_ending(const char *w, char g, int after_prep);
const char *vb_ord_ending(struct ctx *c, size_t i, size_t noun);

/* ---- verbalize_codes.c ----------------------------------------------------- */

size_t vb_chunk_end(const struct ctx *c, size_t i);
int vb_is_vowel_ascii(int ch);
size_t vb_rule_address(struct ctx *c, size_t i, size_t e);
size_t vb_rule_secret(struct ctx *c, size_t i, size_t e);
size_t vb_rule_phone(struct ctx *c, size_t i);

/* ---- verbalize_numbers.c --------------------------------------------------- */

void vb_say_num(struct ctx *c, const struct num *m, enum nw_one one);
const char *vb_vulgar(uint32_t cp, int *half);
const char *vb_one_form(const struct ctx *c, size_t i, size_t after, char g);
int vb_starts_sentence(const struct ctx *c, size_t n);
size_t vb_rule_number(struct ctx *c, size_t i);
size_t vb_rule_currency_first(struct ctx *c, size_t i);

/* ---- verbalize_money.c ----------------------------------------------------- */

const struct currency *vb_currency_at(const struct ctx *c, size_t i, size_t *used, int words);
const struct unit *vb_unit_at(const struct ctx *c, size_t i, size_t *used, int *per);
int vb_quantity_follows(const struct ctx *c, size_t j);
size_t vb_say_quantity(struct ctx *c, struct num *m, const struct currency *pre, int minus);

/* ---- verbalize_dates.c ----------------------------------------------------- */

int vb_reads_as_year(const struct ctx *c, size_t i, size_t end);
size_t vb_rule_numdate(struct ctx *c, size_t i);
size_t vb_rule_isodate(struct ctx *c, size_t i);
size_t vb_rule_time(struct ctx *c, size_t i);

/* ---- verbalize_words.c ----------------------------------------------------- */

size_t vb_rule_abbr(struct ctx *c, size_t i);
size_t vb_rule_street(struct ctx *c, size_t i);
size_t vb_rule_roman(struct ctx *c, size_t i);
int vb_has_vowel(const char *p, size_t n);
size_t vb_rule_acronym(struct ctx *c, size_t i);
size_t vb_rule_weekday(struct ctx *c, size_t i);
size_t vb_rule_foreign(struct ctx *c, size_t i);
size_t vb_rule_lexicon(struct ctx *c, size_t i);
size_t vb_rule_symbol(struct ctx *c, size_t i);

#endif
