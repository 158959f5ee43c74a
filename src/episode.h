/*
 * episode.h - one episode assembled from an article: lexicons, document,
 * voice presets, script, the front matter's jingle paths and the date.
 *
 * What main.c used to do between parsing the command line and rendering; a
 * rundown assembles several episodes with it. Nothing here prints.
 */
#ifndef SPRECHER_EPISODE_H
#define SPRECHER_EPISODE_H

#include "util.h"
#include "article.h"
#include "lexicon.h"
#include "render.h"
#include "script.h"

struct episode_opts {
	const char *article;          /* path of the article */
	const char *voice;            /* preset name or file; NULL: front matter, else VOICE_DEFAULT */
	const char *const *lexicons;  /* user lexicons, loaded after the shipped one, in order */
	int nlex;
	int keep_footer;
	const char *date;             /* --date; NULL or "": SOURCE_DATE_EPOCH, else the front matter,
				       * else the article file's time (datetime.h checks each) */
	const char *default_voice;    /* after the front matter's (station configuration); NULL: VOICE_DEFAULT */
	double speed_percent;         /* > 0: every role's rate scaled (voice_set_speed) */
	int speed_wpm;                /* > 0: body text at this many words per minute */
	int trust_paths;              /* front-matter files may lie outside the article's tree */
	int keep_furniture;           /* read site furniture too (doc_opts) */
	foreign_phonemizer phonemizer; /* eSpeak phonemes for foreign words (foreign.h); NULL: none */
	void *phonemizer_ctx;
};

struct episode {
	char *text;                   /* the article file */
	struct doc doc;
	struct lexicon *lex;
	struct script script;
	int have_doc, have_script;
	/* front-matter jingles resolved against the article's directory and confined to its
	 * tree or the preset directory (fmpath.h, unless trust_paths); "" = none */
	char intro[1024], outro[1024], stinger[1024];
	char date[32];                /* the checked date "YYYY-MM-DD[ HH:MM:SS]" (see episode_load) */
};

/* Loads the shipped lexicon (voice_dir()/lexicon.tsv, when present), then `paths` in order. */
int episode_load_lexicons(const char *const *paths, int n, struct lexicon *lex, struct err *e);

/*
 * Assembles the episode of o->article into `ep` (overwritten). Returns 0, or
 * -1 with the error of the step that failed ("FILE:LINE: ..."); release `ep`
 * with episode_release either way.
 */
int episode_load(const struct episode_opts *o, struct episode *ep, struct warns *w, struct err *e);

/*
 * The tag/BWF/cart date "YYYY-MM-DD[ HH:MM:SS]": --date, else
 * SOURCE_DATE_EPOCH, else the front matter's date: (DD.MM.YYYY, ISO 8601 ...
 * normalized), else the article file's modification time (UTC); a bad one
 * fails episode_load with a one-line error. NULL only before episode_load.
 */
const char *episode_date(const struct episode *ep);

/*
 * Fills what the episode decides in `r` where the caller left it unset
 * (NULL): the jingle files, the date, the artist (the article's author).
 * The strings point into `ep`.
 */
void episode_render_opts(const struct episode *ep, struct render_opts *r);

/* Options given on the command line itself: the front matter does not override them. */
struct episode_given {
	int loudness, talkup;
};

/*
 * The front-matter keys beyond title, author, date, voice and the jingles:
 * `talkup:` and `loudness:` set r->place.talkup_ms and r->master.target_lufs
 * unless `given` says the command line set them (`speed:` is episode_load's);
 * any other key is a warning naming its line. Returns 0, or -1 with
 * "ARTICLE:LINE: ..." for a bad value (`article`: the path for messages).
 */
int episode_front_matter_opts(const struct episode *ep, const char *article, const struct episode_given *given,
			      struct render_opts *r, struct warns *w, struct err *e);

void episode_release(struct episode *ep);

#endif
