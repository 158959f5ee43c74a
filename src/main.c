/*
 * main.c - the command line: parses options, runs one command, prints errors
 * and warnings, chooses the exit status (0 ok, 1 failure, 2 usage error).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "config.h"
#include "audiofile.h"
#include "datetime.h"
#include "batchjob.h"
#include "cache.h"
#include "player.h"
#include "episode.h"
#include "job.h"
#include "lexicon.h"
#include "loudness.h"
#include "render.h"
#include "script.h"
#include "sentences.h"
#include "show.h"
#include "synth.h"
#include "verbalize.h"
#include "usage.h"
#include "voice.h"

#define EXIT_USAGE 2

/* ==== shared helpers ===================================================== */

static int fail(const struct err *e)
{
	fprintf(stderr, "sprecher: %s\n", e->msg);
	return EXIT_FAILURE;
}

/* The command being run, for "see sprecher help COMMAND"; NULL before one is chosen. */
static const char *cur_cmd;

/* While the configuration file is applied: "FILE:LINE" of the entry, for messages. */
static const char *cfg_where;

static int usage_error(const char *msg, const char *arg)
{
	if (cfg_where) {
		fprintf(stderr, "sprecher: %s: %s%s%s\n", cfg_where, msg, arg ? ": " : "", arg ? arg : "");
		return EXIT_USAGE;
	}
	fprintf(stderr, "sprecher: %s%s%s (see sprecher %s%s)\n", msg, arg ? ": " : "", arg ? arg : "",
		cur_cmd ? "help " : "--help", cur_cmd ? cur_cmd : "");
	return EXIT_USAGE;
}

static void print_warns(struct warns *w, int quiet)
{
	if (!quiet)
		for (size_t i = 0; i < w->n; i++)
			fprintf(stderr, "sprecher: warning: %s\n", w->v[i]);
}

static void on_signal(int sig)
{
	static const char msg[] = "sprecher: stopped by a signal; no output written\n";
	static const char hup[] = "sprecher: stopped by SIGHUP (terminal closed); no output written\n";

	afile_cleanup_temp();
	if (write(2, sig == SIGHUP ? hup : msg, sig == SIGHUP ? sizeof(hup) - 1 : sizeof(msg) - 1) < 0)
		(void)0;
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Everything a command needs from the command line: the job's options, then the command's own. */
struct opts {
	struct job_opts j;           /* what a render reads and writes (job.h) */
	int quiet;
	const char *format;          /* extension of default output names */
	const char *player;          /* preview --player CMD */
	const char *outdir;          /* configuration: directory of default output names */
	int true_peak_given;         /* --true-peak was given (atsc does not change it then) */
	int jobs;                    /* batch: workers at once (0 = online cores) */
	const char *from;            /* batch: manifest file, "-" = stdin */
	const char *shard;           /* batch: "K/N" */
	double seconds;              /* set by do_render: audio seconds rendered */
};

enum {
	O_VOICE = 256, O_LEXICON, O_KEEP_FOOTER, O_KEEP_FURNITURE, O_RATE, O_MONO, O_RESAMPLE, O_LOUDNESS,
	O_TRUE_PEAK, O_BITS, O_QUALITY, O_BITRATE, O_INTRO, O_OUTRO, O_STINGER, O_NO_JINGLES,
	O_TALKUP, O_SEGMENT, O_DATE, O_ARTIST, O_CAPTIONS, O_TIMELINE, O_LABELS, O_CHAPTERS,
	O_FORMAT, O_CUT_ID, O_MONO_LOUDNESS, O_SPEED, O_PLAYER, O_NO_CONFIG, O_TRUST_FM, O_FIT,
	O_JOBS, O_FROM, O_SHARD, O_CACHE, O_NO_CACHE, O_CACHE_SIZE, O_SSML,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "voice", required_argument, NULL, O_VOICE },
	{ "lexicon", required_argument, NULL, O_LEXICON },
	{ "keep-footer", no_argument, NULL, O_KEEP_FOOTER },
	{ "keep-furniture", no_argument, NULL, O_KEEP_FURNITURE },
	{ "ssml", no_argument, NULL, O_SSML },
	{ "rate", required_argument, NULL, O_RATE },
	{ "mono", no_argument, NULL, O_MONO },
	{ "resample", required_argument, NULL, O_RESAMPLE },
	{ "loudness", required_argument, NULL, O_LOUDNESS },
	{ "true-peak", required_argument, NULL, O_TRUE_PEAK },
	{ "bits", required_argument, NULL, O_BITS },
	{ "quality", required_argument, NULL, O_QUALITY },
	{ "bitrate", required_argument, NULL, O_BITRATE },
	{ "intro", required_argument, NULL, O_INTRO },
	{ "outro", required_argument, NULL, O_OUTRO },
	{ "stinger", required_argument, NULL, O_STINGER },
	{ "no-jingles", no_argument, NULL, O_NO_JINGLES },
	{ "talkup", required_argument, NULL, O_TALKUP },
	{ "segment", required_argument, NULL, O_SEGMENT },
	{ "date", required_argument, NULL, O_DATE },
	{ "artist", required_argument, NULL, O_ARTIST },
	{ "captions", required_argument, NULL, O_CAPTIONS },
	{ "timeline", required_argument, NULL, O_TIMELINE },
	{ "labels", required_argument, NULL, O_LABELS },
	{ "chapters", required_argument, NULL, O_CHAPTERS },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "cut-id", required_argument, NULL, O_CUT_ID },
	{ "mono-loudness", required_argument, NULL, O_MONO_LOUDNESS },
	{ "speed", required_argument, NULL, O_SPEED },
	{ "player", required_argument, NULL, O_PLAYER },
	{ "no-config", no_argument, NULL, O_NO_CONFIG },
	{ "trust-front-matter", no_argument, NULL, O_TRUST_FM },
	{ "fit", required_argument, NULL, O_FIT },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "from", required_argument, NULL, O_FROM },
	{ "shard", required_argument, NULL, O_SHARD },
	{ "cache", required_argument, NULL, O_CACHE },
	{ "no-cache", no_argument, NULL, O_NO_CACHE },
	{ "cache-size", required_argument, NULL, O_CACHE_SIZE },
	{ NULL, 0, NULL, 0 },
};

/*
 * getopt_long takes any unambiguous abbreviation of a long option, so
 * `--time 150` became `--timeline 150`. Every long option must be spelled
 * out: this walks argv as getopt will (skipping option arguments, stopping
 * at "--") and refuses an unknown or shortened one, naming the candidates.
 * Returns 0, or EXIT_USAGE after printing the problem.
 */
static int check_long_opts(int argc, char **argv, const char *shorts)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char msg[512];
		size_t n, len = 0;
		int exact = -1, cands = 0;

		if (!strcmp(a, "--"))
			return 0;
		if (a[0] == '-' && a[1] && a[1] != '-') {
			/* a cluster of short options: one taking an argument ends it */
			for (const char *c = a + 1; *c; c++) {
				const char *sp = strchr(shorts, *c);
				if (sp && sp[1] == ':') {
					if (!c[1])
						i++;
					break;
				}
			}
			continue;
		}
		if (strncmp(a, "--", 2) || !a[2])
			continue;
		n = strcspn(a + 2, "=");
		msg[0] = '\0';
		for (int k = 0; long_opts[k].name; k++) {
			if (strlen(long_opts[k].name) == n && !strncmp(long_opts[k].name, a + 2, n))
				exact = k;
			else if (!strncmp(long_opts[k].name, a + 2, n) && len + 40 < sizeof(msg)) {
				len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s--%s",
							cands ? ", " : "", long_opts[k].name);
				cands++;
			}
		}
		if (exact >= 0) {
			if (long_opts[exact].has_arg == required_argument && !a[2 + n])
				i++;
			continue;
		}
		fprintf(stderr, "sprecher: %s option '%.*s'%s%s%s (see sprecher help %s)\n",
			cands > 1 ? "ambiguous" : "unknown", (int)n + 2, a,
			cands > 1 ? ": " : cands ? "; did you mean " : "", msg, cands == 1 ? "?" : "",
			cur_cmd ? cur_cmd : "render");
		return EXIT_USAGE;
	}
	return 0;
}

/* The long name of the option whose getopt value is `val`, for messages. */
static const char *opt_name(int val)
{
	for (int k = 0; long_opts[k].name; k++)
		if (long_opts[k].val == val)
			return long_opts[k].name;
	return "?";
}

/* --segment's form, checked before anything is loaded: N or N-M with 1 <= N <= M. */
static int check_segment_arg(const char *arg)
{
	struct err e;
	int first, last;

	return script_parse_range(arg, SIZE_MAX, &first, &last, &e);
}

/*
 * One option of the sound: rate, channels, resampler, loudness, true peak and
 * the file format's options. Returns 0, EXIT_USAGE after printing the
 * problem, or -1 when `c` is not one of them.
 */
static int parse_sound_opt(int c, const char *arg, struct opts *o)
{
	double d;

	switch (c) {
	case O_RATE:
		if (strcmp(arg, "44100") && strcmp(arg, "48000"))
			return usage_error("--rate must be 44100 or 48000", arg);
		o->j.r.fmt.rate = atoi(arg);
		break;
	case O_MONO: o->j.r.fmt.channels = 1; break;
	case O_RESAMPLE:
		if (rs_quality_parse(arg, &o->j.r.place.resample))
			return usage_error("--resample must be fast, medium or best", arg);
		break;
	case O_LOUDNESS:
		if (loudness_target_parse(arg, &o->j.r.master.target_lufs))
			return usage_error("--loudness must be LUFS (-70..0), ebu, podcast or atsc", arg);
		/* ATSC A/85 asks for -2 dBTP: the preset implies it unless --true-peak is given */
		if (!strcasecmp(arg, "atsc") && !o->true_peak_given)
			o->j.r.master.ceiling_dbtp = -2.0;
		o->j.cli.loudness = !cfg_where;
		break;
	case O_TRUE_PEAK:
		if (parse_double_in(arg, -20, 0, &o->j.r.master.ceiling_dbtp))
			return usage_error("--true-peak must be dBTP from -20 to 0", arg);
		o->true_peak_given = 1;
		break;
	case O_BITS:
		if (!strcmp(arg, "16")) o->j.r.fmt.bits = AF_BITS_16;
		else if (!strcmp(arg, "24")) o->j.r.fmt.bits = AF_BITS_24;
		else if (!strcmp(arg, "32f") || !strcmp(arg, "32")) o->j.r.fmt.bits = AF_BITS_32F;
		else return usage_error("--bits must be 16, 24 or 32f", arg);
		o->j.bits_given = 1;
		break;
	case O_QUALITY:
		if (parse_double_in(arg, 0, 1, &o->j.r.fmt.quality))
			return usage_error("--quality must be from 0 to 1", arg);
		break;
	case O_BITRATE:
		if (parse_double_in(arg, 8, 512, &d))
			return usage_error("--bitrate must be kbit/s from 8 to 512", arg);
		o->j.r.fmt.bitrate_kbps = (int)d;
		break;
	case O_MONO_LOUDNESS:
		if (strcmp(arg, "dual") && strcmp(arg, "single"))
			return usage_error("--mono-loudness must be dual or single", arg);
		o->j.r.master.mono_single = !strcmp(arg, "single");
		break;
	case O_FORMAT:
		if (!afile_format_find(arg))
			return usage_error("--format must be wav, flac, ogg, opus or mp3", arg);
		o->format = arg;
		break;
	default: return -1;
	}
	return 0;
}

/*
 * One option other than the sound's (parse_sound_opt): text, jingles,
 * metadata, sidecars, batch and cache. Returns 0, EXIT_USAGE after printing
 * the problem, or -1 when `c` is no option of ours.
 */
static int parse_other_opt(int c, const char *arg, struct opts *o, const char **segment)
{
	double d;
	int k;

	switch (c) {
	case 'o': o->j.r.fmt.output = arg; break;
	case 'q': o->quiet = 1; break;
		case O_VOICE: o->j.voice = arg; break;
	case O_LEXICON:
		if (o->j.nlex == (int)ARRAY_LEN(o->j.lexicons))
			return usage_error("too many --lexicon files", NULL);
		o->j.lexicons[o->j.nlex++] = arg;
		break;
	case O_KEEP_FOOTER: o->j.keep_footer = 1; break;
	case O_KEEP_FURNITURE: o->j.keep_furniture = 1; break;
	case O_SSML: o->j.ssml = 1; break;
	case O_INTRO: o->j.r.place.intro = arg; break;
	case O_OUTRO: o->j.r.place.outro = arg; break;
	case O_STINGER: o->j.r.place.stinger = arg; break;
	case O_NO_JINGLES: o->j.r.place.no_jingles = 1; break;
	case O_TALKUP:
		if (parse_double_in(arg, 0, 60000, &d))
			return usage_error("--talkup must be milliseconds from 0 to 60000", arg);
		o->j.r.place.talkup_ms = (int)d;
		o->j.cli.talkup = !cfg_where;
		break;
	case O_SEGMENT:
		if (check_segment_arg(arg))
			return usage_error("--segment must be N or N-M (segments count from 1)", arg);
		*segment = arg;
		break;
	case O_DATE: {
		struct dt dd;
		struct err de;
		char msg[1100];
		if (dt_parse(arg, &dd, &de)) {
			snprintf(msg, sizeof(msg), "--date %s", de.msg);
			return usage_error(msg, NULL);
		}
		snprintf(o->j.date, sizeof(o->j.date), "%s", arg);
		break;
	}
	case O_ARTIST: o->j.r.meta.artist = arg; break;
	case O_CUT_ID: o->j.r.meta.cut_id = arg; break;
	case O_CAPTIONS: o->j.captions = arg; break;
	case O_TIMELINE: o->j.timeline = arg; break;
	case O_LABELS: o->j.labels = arg; break;
	case O_CHAPTERS: o->j.chapters = arg; break;
	case O_PLAYER: o->player = arg; break;
	case O_NO_CONFIG: break;   /* seen by apply_config */
	case O_TRUST_FM: o->j.trust_fm = 1; break;
	case O_SPEED:
		if (voice_speed_parse(arg, &o->j.speed_percent, &o->j.speed_wpm))
			return usage_error("--speed must be a percentage (25%..400%) or words per "
					   "minute (80..450)", arg);
		break;
	case O_FIT:
		if (rundown_parse_duration(arg, &o->j.fit_ms) || o->j.fit_ms <= 0)
			return usage_error("--fit must be a length such as 3:00 or 90s", arg);
		break;
	case O_JOBS:
		if (parse_double_in(arg, 1, 256, &d) || d != (int)d)
			return usage_error("--jobs must be a number of processes from 1 to 256", arg);
		o->jobs = (int)d;
		break;
	case O_FROM: o->from = arg; break;
	case O_SHARD:
		if (batch_shard_parse(arg, &k, &k))
			return usage_error("--shard must be K/N with 1 <= K <= N", arg);
		o->shard = arg;
		break;
	case O_CACHE: o->j.cache_dir = arg; break;
	case O_NO_CACHE: o->j.no_cache = 1; break;
	case O_CACHE_SIZE:
		if (parse_double_in(arg, 1, 1 << 24, &o->j.cache_mb))
			return usage_error("--cache-size must be megabytes from 1", arg);
		break;
	default: return -1;
	}
	return 0;
}

/*
 * Parses the options of render/script/preview/normalize into `o`; positional
 * arguments are left in argv[optind..]. `segment` receives --segment's text.
 * Returns 0, or EXIT_USAGE after printing the problem.
 */
static int parse_args(int argc, char **argv, const char *help, struct opts *o, const char **segment)
{
	int c, rc;

	if (check_long_opts(argc, argv, "o:qh"))
		return EXIT_USAGE;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qh", long_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(help, stdout);
			exit(0);
		}
		if (c != ':' && c != '?') {
			rc = parse_sound_opt(c, optarg, o);
			if (rc < 0)
				rc = parse_other_opt(c, optarg, o, segment);
			if (rc >= 0) {
				if (rc)
					return rc;
				continue;
			}
		}
		switch (c) {
		case ':': {
			char name[64];
			if (optopt > 255)
				snprintf(name, sizeof(name), "--%s", opt_name(optopt));
			else
				snprintf(name, sizeof(name), "-%c", optopt);
			return usage_error("option needs an argument", name);
		}
		default: {
			char name[8];
			snprintf(name, sizeof(name), "-%c", optopt);
			return usage_error("unknown option", optopt ? name : argv[optind - 1]);
		}
		}
	}
	return 0;
}

/* ==== the station configuration ========================================= */

static struct config the_config;

/* Whether the long option `key` takes a value (config_option); output-dir does. */
static int opt_takes_value(const char *key)
{
	for (int k = 0; long_opts[k].name; k++)
		if (!strcmp(long_opts[k].name, key))
			return long_opts[k].has_arg != no_argument;
	return 1;
}

/* Applies entry `i` as if it were given on the command line. Returns 0 or the exit status. */
static int config_apply_entry(size_t i, const char *help, struct opts *o, const char **segment)
{
	struct config_entry *en = &the_config.v[i];
	char where[1200], opt[80];
	char *av[4] = { "sprecher", opt, NULL, NULL };
	const char *value;
	struct err e;
	int rc;

	snprintf(where, sizeof(where), "%s:%d", the_config.path, en->line);
	rc = config_option(&the_config, i, opt_takes_value, &value, &e);
	if (rc)
		return rc < 0 ? fail(&e) : 0;
	if (!strcmp(en->key, "output-dir")) {
		o->outdir = value;
		return 0;
	}
	snprintf(opt, sizeof(opt), "--%s", en->key);
	av[2] = (char *)value;
	cfg_where = where;
	rc = parse_args(av[2] ? 3 : 2, av, help, o, segment);
	cfg_where = NULL;
	if (rc)
		return EXIT_FAILURE;
	/* a station default; an article's front matter may choose otherwise */
	if (!strcmp(en->key, "voice")) {
		struct voice_preset p;
		if (voice_load(o->j.voice, &p, &e)) {
			fprintf(stderr, "sprecher: %s: %s\n", where, e.msg);
			return EXIT_FAILURE;
		}
		o->j.dflt.voice = o->j.voice, o->j.voice = NULL;
	} else if (!strcmp(en->key, "intro"))
		o->j.dflt.intro = o->j.r.place.intro, o->j.r.place.intro = NULL;
	else if (!strcmp(en->key, "outro"))
		o->j.dflt.outro = o->j.r.place.outro, o->j.r.place.outro = NULL;
	else if (!strcmp(en->key, "stinger"))
		o->j.dflt.stinger = o->j.r.place.stinger, o->j.r.place.stinger = NULL;
	else if (!strcmp(en->key, "artist"))
		o->j.dflt.artist = o->j.r.meta.artist, o->j.r.meta.artist = NULL;
	return 0;
}

/*
 * Reads the station configuration (once) and applies it to `o`, unless argv
 * has --no-config. Returns 0, or the exit status after printing the problem.
 */
static int apply_config(int argc, char **argv, const char *help, struct opts *o, const char **segment)
{
	static int loaded;
	char path[1024];
	struct err e;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--no-config"))
			return 0;
	if (!loaded) {
		loaded = 1;
		config_init(&the_config);
		if (config_default_path(path, sizeof(path)) && config_load(path, &the_config, &e))
			return fail(&e);
	}
	for (size_t i = 0; i < the_config.n; i++) {
		int rc = config_apply_entry(i, help, o, segment);
		if (rc)
			return rc;
	}
	return 0;
}

/* The render defaults, the configuration's over them, then the command line over both (parse_args). */
static int parse_opts(int argc, char **argv, const char *help, struct opts *o, const char **segment)
{
	int rc;

	render_opts_init(&o->j.r);
	rc = apply_config(argc, argv, help, o, segment);

	return rc ? rc : parse_args(argc, argv, help, o, segment);
}

/* ==== commands =========================================================== */

static int cmd_sentences(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "-";
	struct err e;
	struct sb out;
	char *text;
	size_t len;

	if (argc > 2)
		return usage_error("sentences takes at most one FILE", NULL);
	if (read_file(path, &text, &len, &e))
		return fail(&e);
	sb_init(&out);
	sent_split_text(text, len, &out);
	fwrite(out.buf, 1, out.len, stdout);
	sb_release(&out);
	free(text);
	return 0;
}

static void normalize_line(struct sb *line, const struct verb_opts *vo, struct verbalized *v,
			   struct warns *w)
{
	if (line->len && line->buf[line->len - 1] == '\r')
		line->buf[--line->len] = '\0';
	verb_sentence(line->buf, line->len, vo, v, w);
	fwrite(v->spoken.buf, 1, v->spoken.len, stdout);
	putchar('\n');
	sb_reset(line);
}

static int cmd_normalize(int argc, char **argv)
{
	struct opts o = { 0 };
	struct verb_opts vo = { .where = "<stdin>" };
	struct verbalized v;
	struct lexicon *lex;
	struct warns w;
	struct err e;
	struct sb line;
	const char *seg = NULL;
	int c, rc;

	if ((rc = parse_opts(argc, argv, usage_normalize, &o, &seg)))
		return rc;
	lex = lex_new();
	if (episode_load_lexicons(o.j.lexicons, o.j.nlex, lex, &e)) {
		lex_free(lex);
		return fail(&e);
	}
	vo.lex = lex;
	verb_init(&v);
	warns_init(&w);
	sb_init(&line);
	while ((c = getchar()) != EOF) {
		if (c == '\n')
			normalize_line(&line, &vo, &v, &w);
		else
			sb_addc(&line, (char)c);
	}
	if (line.len)
		normalize_line(&line, &vo, &v, &w);
	print_warns(&w, 0);
	warns_release(&w);
	sb_release(&line);
	verb_release(&v);
	lex_free(lex);
	return 0;
}

/* `sprecher script SHOW.rundown`: the running order. */
static int script_show(struct opts *o)
{
	struct warns w;
	struct err e;
	struct sb out;
	int rc;

	warns_init(&w);
	sb_init(&out);
	rc = job_show_script(&o->j, &out, &w, &e);
	print_warns(&w, o->quiet);
	warns_release(&w);
	if (!rc)
		fwrite(out.buf, 1, out.len, stdout);
	sb_release(&out);
	return rc ? fail(&e) : 0;
}

static int cmd_script(int argc, char **argv)
{
	struct opts o = { 0 };
	struct episode l;
	struct warns w;
	struct err e;
	struct sb out;
	const char *seg = NULL;
	int rc;

	if ((rc = parse_opts(argc, argv, usage_script, &o, &seg)))
		return rc;
	if (optind + 1 != argc)
		return usage_error("script takes one ARTICLE", NULL);
	o.j.article = argv[optind];
	if (show_is_rundown(o.j.article))
		return script_show(&o);
	warns_init(&w);
	rc = job_load_episode(&o.j, &l, &w, &e);
	print_warns(&w, o.quiet);
	warns_release(&w);
	if (rc) {
		episode_release(&l);
		return fail(&e);
	}
	sb_init(&out);
	script_print(&l.script, &out);
	fwrite(out.buf, 1, out.len, stdout);
	sb_release(&out);
	episode_release(&l);
	return 0;
}

static int cmd_voices(int argc, char **argv)
{
	struct sb out;
	struct synth *s;
	struct err e;

	(void)argv;
	if (argc > 1)
		return usage_error("voices takes no arguments", NULL);
	sb_init(&out);
	sb_addf(&out, "Voice presets (%s):\n", voice_dir());
	voice_list(&out);
	s = synth_new(&e);
	if (!s) {
		fwrite(out.buf, 1, out.len, stdout);
		sb_release(&out);
		return fail(&e);
	}
	sb_adds(&out, "\nGerman eSpeak NG voices (preset key 'espeak'):\n");
	synth_list_voices(s, "de", &out);
	sb_adds(&out, "\nVariants (preset key 'variant'):");
	synth_list_variants(s, &out);
	synth_free(s);
	fwrite(out.buf, 1, out.len, stdout);
	sb_release(&out);
	return 0;
}

/* ==== rendering ========================================================== */

/*
 * The result line of a render: length, loudness, true peak, range, and for a
 * fitted show the factors; on stderr when the audio went to stdout.
 */
static void print_result(const char *output, const struct job_result *res)
{
	const struct render_result *r = &res->r;
	FILE *f = strcmp(output, "-") ? stdout : stderr;

	fprintf(f, "%s: %d:%06.3f, integrated %.1f LUFS, true peak %.1f dBTP, loudness range %.1f LU",
		output, (int)(r->seconds / 60), fmod(r->seconds, 60.0), r->loud.integrated,
		r->loud.true_peak, r->loud.lra);
	if (res->fitted)
		fprintf(f, ", fitted: pauses x%.2f, speech x%.3f", res->pause_factor, res->rate_factor);
	fputc('\n', f);
}

/*
 * Runs the job of `o` (job.h) and reports it: SPRECHER_TIMING's pass and
 * cache figures, the warnings, the result line (not for a preview), the
 * error. Returns the exit status; o->seconds is the audio's length.
 */
static int do_render(struct opts *o, const char *segment, int for_preview)
{
	struct job_result res;
	struct warns w;
	struct err e = { "" };
	int timing = getenv("SPRECHER_TIMING") != NULL;
	int rc;

	o->j.progress = !o->quiet && isatty(2);
	warns_init(&w);
	rc = job_render(&o->j, segment, o->outdir, o->format, &res, &w, &e);
	if (rc && res.usage == JOB_USAGE_HINT) {
		warns_release(&w);
		return usage_error(e.msg, NULL);
	}
	if (res.rendered && timing)
		fprintf(stderr, "sprecher: timing: pass 1 %.2f s, pass 2 %.2f s\n", res.r.pass1_seconds,
			res.r.pass2_seconds);
	if (!rc) {
		/* warnings (left-out footer, codec options) before the result line */
		print_warns(&w, o->quiet);
		warns_release(&w);
		if (!o->quiet && !for_preview)
			print_result(o->j.r.fmt.output, &res);
		o->seconds = res.r.seconds;
	}
	if (res.have_cache && timing)
		fprintf(stderr, "sprecher: cache: %llu hits, %llu misses, %llu damaged\n",
			(unsigned long long)res.hits, (unsigned long long)res.misses,
			(unsigned long long)res.damaged);
	print_warns(&w, o->quiet);
	warns_release(&w);
	if (rc)
		fail(&e);
	return rc ? (res.usage == JOB_BAD_ARG ? EXIT_USAGE : EXIT_FAILURE) : 0;
}

/* ==== batches ============================================================ */

/* A batch being rendered: the plan, the options every episode starts from, the failures. */
struct batch_ctx {
	struct opts *base;
	struct batchjob job;
	int failed;
};

/* In a worker process: one episode, with the base options. */
static int batch_work(void *ctx, size_t i, double *seconds)
{
	struct batch_ctx *b = ctx;
	struct opts o = *b->base;
	const char **sc[BATCHJOB_NSIDE] = { &o.j.captions, &o.j.timeline, &o.j.labels, &o.j.chapters };
	int rc;

	o.j.article = b->job.in.v[i];
	o.j.r.fmt.output = b->job.out.v[i];
	for (int k = 0; k < BATCHJOB_NSIDE; k++)
		*sc[k] = b->job.side[k].n ? b->job.side[k].v[i] : NULL;
	rc = do_render(&o, NULL, 0);
	*seconds = o.seconds;
	job_engine_stop();      /* waited for: nothing outlives the worker, its CPU time is counted */
	return rc;
}

/* In the parent, in input order: the worker's messages, and its file name when it failed. */
static void batch_done(void *ctx, size_t i, const struct batch_done *d)
{
	struct batch_ctx *b = ctx;

	fwrite(d->out, 1, d->out_len, stdout);
	fflush(stdout);
	fwrite(d->err, 1, d->err_len, stderr);
	if (d->status) {
		b->failed++;
		if (!strstr(d->err, b->job.in.v[i]))
			fprintf(stderr, "sprecher: %s: not rendered (%s %d)\n", b->job.in.v[i],
				d->status > 128 ? "worker stopped by signal" : "worker exit status",
				d->status > 128 ? d->status - 128 : d->status);
	}
}

/*
 * Renders several articles, one episode each, into the directory given with
 * -o (or the current one) as NAME.EXT (--format, default wav), --jobs at
 * once, each in a fresh process. A failing article does not stop the
 * others; the exit status says whether all worked.
 */
static int render_batch(struct opts *base, const char *seg, int n, char **articles)
{
	const char *ext = base->format ? base->format : "wav";
	struct batch_ctx b = { .base = base };
	const char *const sfx[BATCHJOB_NSIDE] = { base->j.captions, base->j.timeline, base->j.labels, base->j.chapters };
	struct batch_opts bo = { .jobs = base->jobs ? base->jobs : batch_default_jobs() };
	double *weights = NULL;
	struct stat st;
	struct err e;
	int rc = EXIT_USAGE, sig;

	if (seg)
		return usage_error("--segment takes a single ARTICLE", NULL);
	if (base->j.r.fmt.output && stat(base->j.r.fmt.output, &st) != 0) {
		fprintf(stderr, "sprecher: %s: does not exist (with several articles, -o names the "
			"directory for the episodes)\n", base->j.r.fmt.output);
		return EXIT_USAGE;
	}
	if (base->j.r.fmt.output && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sprecher: %s: not a directory (with several articles, -o names the "
			"directory for the episodes)\n", base->j.r.fmt.output);
		return EXIT_USAGE;
	}
	batchjob_init(&b.job);
	if (batchjob_inputs(&b.job, articles, n, base->from, base->j.r.fmt.output, ext, base->shard, &e)) {
		fail(&e);
		goto out;
	}
	if (batchjob_sidecars(&b.job, sfx, ext, &e)) {
		usage_error(e.msg, NULL);
		goto out;
	}
	weights = batchjob_weights(&b.job);
	bo.weights = weights;
	bo.progress = !base->quiet && isatty(2);
	base->j.r.progress = NULL;
	sig = batch_run(b.job.in.n, &bo, batch_work, batch_done, &b, &e);
	if (sig < 0) {
		rc = fail(&e);
		goto out;
	}
	if (sig > 0) {          /* Ctrl-C: the workers are gone and cleaned up; die of the signal */
		afile_cleanup_temp();
		signal(sig, SIG_DFL);
		raise(sig);
	}
	if (!base->quiet || b.failed)
		fprintf(stderr, "sprecher: %d of %zu episodes rendered%s\n", (int)(b.job.in.n - (size_t)b.failed),
			b.job.in.n, b.failed ? "; see the errors above" : "");
	rc = b.failed ? EXIT_FAILURE : 0;
out:
	free(weights);
	batchjob_release(&b.job);
	return rc;
}

static int cmd_render(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *seg = NULL;
	int rc;

	if ((rc = parse_opts(argc, argv, usage_render, &o, &seg)))
		return rc;
	if (optind >= argc && !o.from)
		return usage_error("render takes an ARTICLE (or several, with -o DIR)", NULL);
	if (o.player)
		return usage_error("--player belongs to sprecher preview", NULL);
	if (optind + 1 == argc && !o.from && !o.shard) {
		o.j.article = argv[optind];
		return do_render(&o, seg, 0);
	}
	if (!o.j.r.fmt.output)
		o.j.r.fmt.output = o.outdir;
	return render_batch(&o, seg, argc - optind, argv + optind);
}

/* ==== preview: play one segment ========================================== */

static int cmd_preview(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *seg = NULL, *name;
	const char *const *pargv = NULL;
	char tmp[4096], why[512];
	const char *tmpdir = getenv("TMPDIR");
	int rc, fd, slot;

	if ((rc = parse_opts(argc, argv, usage_preview, &o, &seg)))
		return rc;
	if (optind + 2 != argc)
		return usage_error("preview takes ARTICLE and a segment number N", NULL);
	o.j.article = argv[optind];
	seg = argv[optind + 1];
	if (check_segment_arg(seg))
		return usage_error("the segment must be N or N-M (segments count from 1)", seg);
	if (o.j.r.fmt.output)
		return usage_error("preview plays the segment; to keep it use sprecher render --segment", NULL);
	if (!o.player)
		pargv = player_find();
	if (!o.player && !pargv) {
		fprintf(stderr, "sprecher: no audio player found (aplay, paplay, pw-play, ffplay; or give "
			"--player CMD); pipe the segment instead: sprecher render %s --segment %s -o - | aplay\n",
			o.j.article, seg);
		return EXIT_FAILURE;
	}
	name = o.player ? o.player : pargv[0];
	if (!o.player && !player_have_sound_device()) {
		fprintf(stderr, "sprecher: no sound device (no /dev/snd playback device, no PulseAudio or "
			"PipeWire server); write the segment to a file instead: sprecher render %s --segment %s "
			"-o segment.wav (or choose a player with --player CMD)\n", o.j.article, seg);
		return EXIT_FAILURE;
	}
	snprintf(tmp, sizeof(tmp), "%s/sprecher-preview-XXXXXX.wav", tmpdir && *tmpdir ? tmpdir : "/tmp");
	fd = mkstemps(tmp, 4);
	if (fd < 0) {
		fprintf(stderr, "sprecher: %s: cannot create a temporary file: %s\n", tmp, strerror(errno));
		return EXIT_FAILURE;
	}
	close(fd);
	slot = afile_temp_register(tmp);     /* removed on Ctrl-C too */
	o.j.r.fmt.output = tmp;
	rc = do_render(&o, seg, 1);
	if (rc == 0 && player_run(o.player, pargv, tmp, why, sizeof(why))) {
		fprintf(stderr, "sprecher: %s could not play the segment: %s; pipe it instead: "
			"sprecher render %s --segment %s -o - | aplay\n", name, why, o.j.article, seg);
		rc = EXIT_FAILURE;
	}
	unlink(tmp);
	afile_temp_forget(slot);
	return rc;
}

static int cmd_cache(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *seg = NULL, *dir;
	char buf[4096];
	uint64_t n, bytes;
	struct err e;
	int rc;

	if ((rc = parse_opts(argc, argv, usage_cache, &o, &seg)))
		return rc;
	if (optind + 1 < argc || (optind < argc && strcmp(argv[optind], "clear")))
		return usage_error("cache takes 'clear' or nothing", optind < argc ? argv[optind] : NULL);
	o.j.no_cache = 0;
	dir = job_cache_dir(&o.j, buf, sizeof(buf));
	if (!dir) {
		fprintf(stderr, "sprecher: no cache directory: set XDG_CACHE_HOME or HOME, or use --cache DIR\n");
		return EXIT_FAILURE;
	}
	if (optind < argc && cache_clear(dir, &e))
		return fail(&e);
	if (cache_usage(dir, &n, &bytes, &e))
		return fail(&e);
	printf("%s: %llu sentences, %.1f MB (limit %.0f MB)\n", dir, (unsigned long long)n,
	       (double)bytes / 1048576.0, o.j.cache_mb > 0 ? o.j.cache_mb : (double)CACHE_DEFAULT_LIMIT_MB);
	return 0;
}

/* ==== dispatch =========================================================== */

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{ "render", cmd_render, usage_render },
	{ "script", cmd_script, usage_script },
	{ "preview", cmd_preview, usage_preview },
	{ "sentences", cmd_sentences, usage_sentences },
	{ "normalize", cmd_normalize, usage_normalize },
	{ "voices", cmd_voices, usage_voices },
	{ "cache", cmd_cache, usage_cache },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("sprecher %s\n", SPRECHER_VERSION);
		return 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/* a file size limit (ulimit -f) is a write error naming the file, not a silent death */
	signal(SIGXFSZ, SIG_IGN);
	/* a closed pipe on -o - is a write error with a message, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	/* audio blocks come and go by the thousand: keep them on the heap, not in fresh zeroed mmaps */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			fputs(usage_main, stdout);
			return 0;
		}
		if (!strcmp(argv[2], "help")) {
			fputs(usage_help, stdout);
			return 0;
		}
		if (!strcmp(argv[2], "config")) {
			fputs(usage_config, stdout);
			return 0;
		}
		for (size_t i = 0; i < ARRAY_LEN(commands); i++)
			if (!strcmp(argv[2], commands[i].name)) {
				fputs(commands[i].help, stdout);
				return 0;
			}
		return usage_error("unknown command", argv[2]);
	}
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			cur_cmd = commands[i].name;
			int rc = commands[i].fn(argc - 1, argv + 1);
			job_engine_stop();
			config_release(&the_config);
			return rc;
		}
	return usage_error("unknown command", argv[1]);
}
