/*
 * episode.c - one episode assembled from an article.
 */
#include "episode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* `date` given, else SOURCE_DATE_EPOCH as "YYYY-MM-DD HH:MM:SS", else "". */
static void pick_date(const char *date, char *out, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	out[0] = '\0';
	if (date && date[0]) {
		snprintf(out, n, "%s", date);
	} else if (sde && *sde) {
		char *end;
		long long t = strtoll(sde, &end, 10);
		time_t tt = (time_t)t;
		struct tm tm;
		if (!*end && t >= 0 && gmtime_r(&tt, &tm))
			strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
	}
}

/* A front-matter path relative to the article's directory; "" when `p` is NULL. */
static void meta_path(const char *article, const char *p, char *out, size_t n)
{
	const char *slash = strrchr(article, '/');

	if (!p)
		out[0] = '\0';
	else if (p[0] == '/' || !slash)
		snprintf(out, n, "%s", p);
	else
		snprintf(out, n, "%.*s/%s", (int)(slash - article), article, p);
}

int episode_load(const struct episode_opts *o, struct episode *ep, struct warns *w, struct err *e)
{
	struct doc_opts dopts = { .keep_footer = o->keep_footer, .markdown = -1,
				  .keep_furniture = o->keep_furniture };
	struct voice_preset base, roles[ROLE__COUNT];
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
	if (voice_load(o->voice ? o->voice : ep->doc.meta.voice ? ep->doc.meta.voice : VOICE_DEFAULT,
		       &base, e) || voice_load_roles(&base, roles, e))
		return -1;
	if (script_build(&ep->doc, roles, ep->lex, o->article, &ep->script, w, e))
		return -1;
	ep->have_script = 1;
	meta_path(o->article, ep->doc.meta.intro, ep->intro, sizeof(ep->intro));
	meta_path(o->article, ep->doc.meta.outro, ep->outro, sizeof(ep->outro));
	meta_path(o->article, ep->doc.meta.stinger, ep->stinger, sizeof(ep->stinger));
	pick_date(o->date, ep->date, sizeof(ep->date));
	return 0;
}

const char *episode_date(const struct episode *ep)
{
	return ep->date[0] ? ep->date : ep->doc.meta.date;
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
