/*
 * episode.c - one episode assembled from an article.
 */
#include "episode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "datetime.h"
#include "fmpath.h"
#include "loudness.h"
#include "voice.h"

int episode_load_lexicons(const char *const *paths, int n, struct lexicon *lex, struct err *e)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/lexicon.tsv", voice_dir());
	if (access(path, R_OK) == 0 && lex_load(lex, path, e))
		return -1;
	for (int i = 0; i < n; i++)
		if (lex_load(lex, paths[i], e))
			return -1;
	return 0;
}

/*
 * The tag/BWF/cart date, checked by the one date parser (datetime.h) and
 * written as "YYYY-MM-DD[ HH:MM:SS]" into `out`: `date` (--date), else
 * SOURCE_DATE_EPOCH, else the front matter's date:, else the article file's
 * modification time (UTC; for stdin the current time). Returns 0, or -1
 * naming where a bad date came from.
 */
static int pick_date(const char *date, const char *article, const struct doc *d, char out[32],
		     struct err *e)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct dt dd;
	struct err de;
	struct stat st;

	if (date && date[0]) {
		if (dt_parse(date, &dd, &de))
			return err_set(e, "--date %s", de.msg);
	} else if (sde && *sde) {
		char *end;
		long long t = strtoll(sde, &end, 10);
		if (*end || t < 0 || t > 253402300799LL)
			return err_set(e, "SOURCE_DATE_EPOCH: '%s' is not seconds since 1970", sde);
		dt_from_unix(t, &dd);
	} else if (d->meta.date) {
		if (dt_parse(d->meta.date, &dd, &de))
			return err_set(e, "%s: front matter date: %s", article, de.msg);
	} else if (strcmp(article, "-") && stat(article, &st) == 0) {
		dt_from_unix(st.st_mtime > 0 ? (int64_t)st.st_mtime : 0, &dd);
	} else {
		dt_from_unix((int64_t)time(NULL), &dd);
	}
	dt_str(&dd, out);
	return 0;
}

/*
 * A file the front matter names (`value` of `key`; NULL: none, out = ""):
 * relative to the article, inside its tree or the preset directory unless
 * trusted, a regular file (fmpath.h). Returns 0 or -1.
 */
static int meta_path(const struct episode_opts *o, const char *key, const char *value, char *out,
		     size_t n, struct err *e)
{
	const char *roots[] = { voice_dir(), NULL };

	out[0] = '\0';
	if (!value)
		return 0;
	return fmpath_resolve(o->article, key, value, roots, o->trust_paths, out, n, e);
}

int episode_load(const struct episode_opts *o, struct episode *ep, struct warns *w, struct err *e)
{
	struct doc_opts dopts = { .keep_footer = o->keep_footer, .markdown = -1,
				  .keep_furniture = o->keep_furniture };
	struct voice_preset base, roles[ROLE__COUNT];
	const char *voice;
	char vbuf[1024];
	size_t len;

	memset(ep, 0, sizeof(*ep));
	ep->lex = lex_new();
	lex_set_phonemizer(ep->lex, o->phonemizer, o->phonemizer_ctx);
	if (episode_load_lexicons(o->lexicons, o->nlex, ep->lex, e))
		return -1;
	lex_take_warnings(ep->lex, w);
	if (read_file(o->article, &ep->text, &len, e))
		return -1;
	if (doc_parse(ep->text, len, o->article, &dopts, &ep->doc, w, e))
		return -1;
	ep->have_doc = 1;
	voice = o->voice ? o->voice : ep->doc.meta.voice ? ep->doc.meta.voice :
		o->default_voice ? o->default_voice : VOICE_DEFAULT;
	/* a preset file named by the article: the same rules as its jingles */
	if (!o->voice && voice == ep->doc.meta.voice && fmpath_is_file(voice)) {
		if (meta_path(o, "voice", voice, vbuf, sizeof(vbuf), e))
			return -1;
		voice = vbuf;
	}
	if (voice_load(voice, &base, e) || voice_load_roles(&base, roles, e))
		return -1;
	{
		/* the front matter's speed: unless the command line gave one */
		double pct = o->speed_percent;
		int wpm = o->speed_wpm;
		for (size_t i = 0; i < ep->doc.meta.nother && !pct && !wpm; i++)
			if (!strcmp(ep->doc.meta.other[i].key, "speed") &&
			    voice_speed_parse(ep->doc.meta.other[i].value, &pct, &wpm))
				return err_set(e, "%s:%d: front matter speed: must be a percentage (25%%..400%%) "
					       "or words per minute (80..450): %.40s", o->article,
					       ep->doc.meta.other[i].line, ep->doc.meta.other[i].value);
		voice_set_speed(roles, pct, wpm);
	}
	if (script_build(&ep->doc, roles, ep->lex, o->article, &ep->script, w, e))
		return -1;
	ep->have_script = 1;
	if (meta_path(o, "intro", ep->doc.meta.intro, ep->intro, sizeof(ep->intro), e) ||
	    meta_path(o, "outro", ep->doc.meta.outro, ep->outro, sizeof(ep->outro), e) ||
	    meta_path(o, "stinger", ep->doc.meta.stinger, ep->stinger, sizeof(ep->stinger), e))
		return -1;
	return pick_date(o->date, o->article, &ep->doc, ep->date, e);
}

const char *episode_date(const struct episode *ep)
{
	return ep->date[0] ? ep->date : NULL;
}

void episode_render_opts(const struct episode *ep, struct render_opts *r)
{
	if (!r->place.intro && ep->intro[0])
		r->place.intro = ep->intro;
	if (!r->place.outro && ep->outro[0])
		r->place.outro = ep->outro;
	if (!r->place.stinger && ep->stinger[0])
		r->place.stinger = ep->stinger;
	r->meta.date = episode_date(ep);
	if (!r->meta.artist)
		r->meta.artist = ep->doc.meta.author;
}

int episode_front_matter_opts(const struct episode *ep, const char *article, const struct episode_given *given,
			      struct render_opts *r, struct warns *w, struct err *e)
{
	const struct doc_meta *m = &ep->doc.meta;

	for (size_t i = 0; i < m->nother; i++) {
		const struct doc_meta_other *x = &m->other[i];
		double d;
		if (!strcmp(x->key, "talkup")) {
			if (parse_double_in(x->value, 0, 60000, &d))
				return err_set(e, "%s:%d: front matter talkup: must be milliseconds from 0 to "
					       "60000: %.40s", article, x->line, x->value);
			if (!given->talkup)
				r->place.talkup_ms = (int)d;
		} else if (!strcmp(x->key, "speed")) {
			continue;   /* episode_load applied it */
		} else if (!strcmp(x->key, "loudness")) {
			double lufs;
			if (loudness_target_parse(x->value, &lufs))
				return err_set(e, "%s:%d: front matter loudness: must be LUFS (-70..0), ebu, "
					       "podcast or atsc: %.40s", article, x->line, x->value);
			if (!given->loudness)
				r->master.target_lufs = lufs;
		} else {
			warns_add(w, "%s:%d: front matter: unknown key '%.40s' ignored (known: title, author, "
				  "date, voice, intro, outro, stinger, talkup, loudness, speed)", article, x->line,
				  x->key);
		}
	}
	return 0;
}

void episode_release(struct episode *ep)
{
	if (ep->have_script)
		script_release(&ep->script);
	if (ep->have_doc)
		doc_release(&ep->doc);
	lex_free(ep->lex);
	free(ep->text);
	memset(ep, 0, sizeof(*ep));
}
