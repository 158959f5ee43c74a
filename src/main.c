/*
 * main.c - the command line: parses options, runs one command, prints errors
 * and warnings, chooses the exit status (0 ok, 1 failure, 2 usage error).
 */
#include <dirent.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "article.h"
#include "config.h"
#include "fmpath.h"
#include "audiofile.h"
#include "datetime.h"
#include "batch.h"
#include "cache.h"
#include "progress.h"
#include "episode.h"
#include "lexicon.h"
#include "loudness.h"
#include "render.h"
#include "script.h"
#include "sentences.h"
#include "show.h"
#include "sidecar.h"
#include "synth.h"
#include "timeline.h"
#include "verbalize.h"
#include "voice.h"

#define EXIT_USAGE 2

/* ==== help texts ========================================================= */

static const char usage_main[] =
"usage: sprecher COMMAND [OPTIONS]\n"
"\n"
"Turns a German news article into a radio-ready broadcast file.\n"
"\n"
"commands:\n"
"  render ARTICLE [-o OUT]   render the whole programme (WAV or FLAC ...)\n"
"  script ARTICLE            print the plan: segments, roles, spoken text, durations\n"
"  preview ARTICLE N         render segment N and play it\n"
"                            ARTICLE may be a show: NAME.rundown (items, beds, --fit)\n"
"  sentences [FILE]          print one sentence per line (stdin without FILE)\n"
"  normalize                 read lines on stdin, print their spoken form\n"
"  voices                    list voice presets and installed German eSpeak voices\n"
"  cache [clear]             size of the synthesis cache, or empty it\n"
"  help COMMAND              options of one command (help config: the configuration file)\n"
"\n"
"sprecher --version (-V) prints the version.\n";

static const char usage_render[] =
"usage: sprecher render ARTICLE [OPTIONS]\n"
"       sprecher render ARTICLE... [-o DIR] [--format EXT] [OPTIONS]   (a batch of episodes)\n"
"\n"
"  -o, --output FILE      output file: .wav (default ARTICLE-NAME.wav), .flac, .ogg, .opus, .mp3;\n"
"                         '-' writes a WAV stream to stdout;\n"
"                         with several articles: the directory for NAME.EXT files\n"
"      --format EXT       extension of default output names: wav, flac, ogg, opus, mp3\n"
"      --voice NAME|FILE  voice preset (see sprecher voices; default " VOICE_DEFAULT ")\n"
"      --speed N%|WPM     speaking speed: percent of the preset's (110%), or words per\n"
"                         minute for body text (170); other roles keep their proportion\n"
"      --lexicon FILE     extra pronunciation lexicon (repeatable; later files win)\n"
"      --keep-footer      read the donation/contact footer too (URLs, e-mail spoken)\n"
"      --keep-furniture   read site furniture too (timestamps, bylines, \"Lesen Sie auch\", credits)\n"
"      --ssml             ARTICLE is SSML (as every file ending in .ssml; see README)\n"
"      --rate HZ          44100 or 48000 (default 48000)\n"
"      --mono             one channel (default stereo)\n"
"      --resample Q       fast, medium or best (default fast)\n"
"      --loudness LUFS    target: a number, ebu (-23, default), podcast (-16), atsc (-24)\n"
"      --true-peak DB     true-peak ceiling in dBTP (default -1; -2 with --loudness atsc)\n"
"      --mono-loudness M  mono files: dual (default: as if on both speakers, like\n"
"                         ffmpeg ebur128=dualmono=true) or single (one channel, 3 LU lower)\n"
"      --bits B           WAV: 16, 24 (default) or 32f; FLAC: 16 or 24\n"
"      --quality Q        lossy codecs: 0..1\n"
"      --bitrate KBPS     mp3/opus bit rate\n"
"      --intro FILE       intro jingle (any format libsndfile reads)\n"
"      --outro FILE       outro jingle\n"
"      --stinger FILE     jingle between sections\n"
"      --no-jingles       no jingles at all (default: built-in ones)\n"
"      --talkup MS        start speaking over the last MS ms of the intro\n"
"      --segment N[-M]    render only these segments of the script\n"
"      --date DATE        'YYYY-MM-DD[ HH:MM:SS]', DD.MM.YYYY or ISO 8601 (2025-02-12T06:30)\n"
"                         for tags, bext and cart (else SOURCE_DATE_EPOCH, the front\n"
"                         matter's date:, the article file's time)\n"
"      --artist NAME      artist tag (default: the front matter's author, else sprecher)\n"
"      --cut-id ID        WAV cart CutID (default: a stable hash of title and date)\n"
"      --captions FILE    captions, .vtt or .srt\n"
"      --timeline FILE    every clip as JSON\n"
"      --labels FILE      Audacity label track\n"
"      --chapters FILE    chapters: ffmetadata, or a CUE sheet for .cue\n"
"      --fit MM:SS        a show (ARTICLE ending in .rundown): end exactly at this length\n"
"      --cache DIR        synthesized sentences are kept in DIR and reused\n"
"                         (default $XDG_CACHE_HOME/sprecher, else ~/.cache/sprecher)\n"
"      --no-cache         synthesize everything, keep nothing\n"
"      --cache-size MB    the cache's limit; least recently used entries go first (default 1024)\n"
"  -q, --quiet            print nothing but errors\n"
"      --no-config        ignore the station configuration file (see sprecher help config)\n"
"      --trust-front-matter  let the article's front matter name files outside its directory\n"
"\n"
"batches (several ARTICLEs, --from or --shard):\n"
"      --jobs N           render N episodes at once, each in its own process (default: cores)\n"
"      --from FILE        more ARTICLEs from FILE, one path per line ('-' = stdin; # comments)\n"
"      --shard K/N        only the K-th of N slices of the batch (stable assignment by name)\n"
"                         --captions/--timeline/--labels/--chapters take a suffix such as .vtt:\n"
"                         DIR/NAME.vtt is written next to each episode\n"
"\n"
"ARTICLE may be a show rundown (NAME.rundown, see README): then every item is rendered\n"
"into one programme, and --captions ... --chapters and the cue points follow its items.\n"
"Long options are spelled out in full; abbreviations are refused.\n";

static const char usage_script[] =
"usage: sprecher script ARTICLE [--voice NAME|FILE] [--speed N%|WPM] [--lexicon FILE] [--keep-footer]\n"
"                       [--keep-furniture] [--ssml]\n"
"\n"
"Prints numbered segments with role, voice preset, the text as it will be spoken,\n"
"the pause after each sentence and an estimated duration, then the total.\n";

static const char usage_preview[] =
"usage: sprecher preview ARTICLE N [--player CMD] [render options]\n"
"\n"
"Renders segment N (or N-M) and plays it with aplay, paplay, pw-play or ffplay,\n"
"the first found, or with --player CMD (a command line; the WAV file is added\n"
"as its last argument). Without a player or sound device: render it instead,\n"
"sprecher render ARTICLE --segment N -o - | aplay\n";

static const char usage_sentences[] =
"usage: sprecher sentences [FILE]\n\nPrints one sentence per line; reads stdin without FILE.\n";
static const char usage_normalize[] =
"usage: sprecher normalize [--lexicon FILE]\n\nReads lines on stdin and prints exactly one spoken-form line for each.\n";
static const char usage_voices[] =
"usage: sprecher voices\n\nLists the voice presets and the German eSpeak NG voices installed.\n";
static const char usage_config[] =
"The station configuration file: $XDG_CONFIG_HOME/sprecher/config (else\n"
"~/.config/sprecher/config), an INI file with defaults for render, preview and script:\n"
"\n"
"  [render]\n"
"  loudness   = podcast         ; any of: voice speed lexicon keep-footer rate mono\n"
"  voice      = sprecherin      ; resample loudness true-peak bits quality bitrate\n"
"  format     = flac            ; intro outro stinger no-jingles talkup artist format\n"
"  output-dir = /srv/sendung    ; player, and output-dir (where default names go)\n"
"  no-jingles = yes             ; options without a value take yes or no\n"
"\n"
"Options on the command line win; an article's front matter (voice, intro, outro,\n"
"stinger, author) wins over voice, intro, outro, stinger and artist here. Relative\n"
"paths are taken from the file's directory. --no-config ignores the file.\n";
static const char usage_help[] =
"usage: sprecher help [COMMAND]\n\nPrints the options of COMMAND (render, script, preview, sentences,\n"
"normalize, voices, help), the configuration file (config), or the list of commands.\n";

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

/* Everything a text command needs from the command line. */
struct opts {
	const char *article;
	const char *voice;
	const char *lexicons[16];
	int nlex;
	int keep_footer;
	int keep_furniture;
	int ssml;                    /* --ssml: the article is SSML */
	int quiet;
	const char *captions, *timeline, *labels, *chapters;
	const char *format;          /* extension of default output names */
	const char *player;          /* preview --player CMD */
	const char *outdir;          /* configuration: directory of default output names */
	/* configuration defaults the article's front matter overrides (the command line wins over both) */
	struct { const char *voice, *intro, *outro, *stinger, *artist; } dflt;
	/* given on the command line itself (not by the configuration): front matter does not override */
	struct { int loudness, talkup; } cli;
	int trust_fm;                /* --trust-front-matter: its paths may lead anywhere */
	struct render_opts r;
	char date[32];
	int bits_given;              /* --bits was given (warned about when the format ignores it) */
	int true_peak_given;         /* --true-peak was given (atsc does not change it then) */
	double speed_percent;        /* --speed N%: 0 = not given */
	int speed_wpm;               /* --speed WPM: 0 = not given */
	int fit_ms;                  /* --fit (shows) */
	int jobs;                    /* batch: workers at once (0 = online cores) */
	const char *from;            /* batch: manifest file, "-" = stdin */
	const char *shard;           /* batch: "K/N" */
	double seconds;              /* set by do_render: audio seconds rendered */
	const char *cache_dir;       /* --cache DIR (else the default) */
	int no_cache;
	double cache_mb;             /* --cache-size MB; 0 = default */
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

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

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
 * Parses the options of render/script/preview/normalize into `o`; positional
 * arguments are left in argv[optind..]. `segment` receives --segment's text.
 * Returns 0, or EXIT_USAGE after printing the problem.
 */
static int parse_args(int argc, char **argv, const char *help, struct opts *o, const char **segment)
{
	int c;
	double d;

	if (check_long_opts(argc, argv, "o:qh"))
		return EXIT_USAGE;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o': o->r.fmt.output = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h': fputs(help, stdout); exit(0);
		case O_VOICE: o->voice = optarg; break;
		case O_LEXICON:
			if (o->nlex == (int)ARRAY_LEN(o->lexicons))
				return usage_error("too many --lexicon files", NULL);
			o->lexicons[o->nlex++] = optarg;
			break;
		case O_KEEP_FOOTER: o->keep_footer = 1; break;
		case O_KEEP_FURNITURE: o->keep_furniture = 1; break;
		case O_SSML: o->ssml = 1; break;
		case O_RATE:
			if (strcmp(optarg, "44100") && strcmp(optarg, "48000"))
				return usage_error("--rate must be 44100 or 48000", optarg);
			o->r.fmt.rate = atoi(optarg);
			break;
		case O_MONO: o->r.fmt.channels = 1; break;
		case O_RESAMPLE:
			if (rs_quality_parse(optarg, &o->r.place.resample))
				return usage_error("--resample must be fast, medium or best", optarg);
			break;
		case O_LOUDNESS:
			if (loudness_target_parse(optarg, &o->r.master.target_lufs))
				return usage_error("--loudness must be LUFS (-70..0), ebu, podcast or atsc", optarg);
			/* ATSC A/85 asks for -2 dBTP: the preset implies it unless --true-peak is given */
			if (!strcasecmp(optarg, "atsc") && !o->true_peak_given)
				o->r.master.ceiling_dbtp = -2.0;
			o->cli.loudness = !cfg_where;
			break;
		case O_TRUE_PEAK:
			if (parse_double(optarg, -20, 0, &o->r.master.ceiling_dbtp))
				return usage_error("--true-peak must be dBTP from -20 to 0", optarg);
			o->true_peak_given = 1;
			break;
		case O_BITS:
			if (!strcmp(optarg, "16")) o->r.fmt.bits = AF_BITS_16;
			else if (!strcmp(optarg, "24")) o->r.fmt.bits = AF_BITS_24;
			else if (!strcmp(optarg, "32f") || !strcmp(optarg, "32")) o->r.fmt.bits = AF_BITS_32F;
			else return usage_error("--bits must be 16, 24 or 32f", optarg);
			o->bits_given = 1;
			break;
		case O_QUALITY:
			if (parse_double(optarg, 0, 1, &o->r.fmt.quality))
				return usage_error("--quality must be from 0 to 1", optarg);
			break;
		case O_BITRATE:
			if (parse_double(optarg, 8, 512, &d))
				return usage_error("--bitrate must be kbit/s from 8 to 512", optarg);
			o->r.fmt.bitrate_kbps = (int)d;
			break;
		case O_INTRO: o->r.place.intro = optarg; break;
		case O_OUTRO: o->r.place.outro = optarg; break;
		case O_STINGER: o->r.place.stinger = optarg; break;
		case O_NO_JINGLES: o->r.place.no_jingles = 1; break;
		case O_TALKUP:
			if (parse_double(optarg, 0, 60000, &d))
				return usage_error("--talkup must be milliseconds from 0 to 60000", optarg);
			o->r.place.talkup_ms = (int)d;
			o->cli.talkup = !cfg_where;
			break;
		case O_SEGMENT:
			if (check_segment_arg(optarg))
				return usage_error("--segment must be N or N-M (segments count from 1)", optarg);
			*segment = optarg;
			break;
		case O_DATE: {
			struct dt dd;
			struct err de;
			char msg[1100];
			if (dt_parse(optarg, &dd, &de)) {
				snprintf(msg, sizeof(msg), "--date %s", de.msg);
				return usage_error(msg, NULL);
			}
			snprintf(o->date, sizeof(o->date), "%s", optarg);
			break;
		}
		case O_ARTIST: o->r.meta.artist = optarg; break;
		case O_CUT_ID: o->r.meta.cut_id = optarg; break;
		case O_MONO_LOUDNESS:
			if (strcmp(optarg, "dual") && strcmp(optarg, "single"))
				return usage_error("--mono-loudness must be dual or single", optarg);
			o->r.master.mono_single = !strcmp(optarg, "single");
			break;
		case O_CAPTIONS: o->captions = optarg; break;
		case O_TIMELINE: o->timeline = optarg; break;
		case O_LABELS: o->labels = optarg; break;
		case O_CHAPTERS: o->chapters = optarg; break;
		case O_FORMAT:
			if (!afile_format_find(optarg))
				return usage_error("--format must be wav, flac, ogg, opus or mp3", optarg);
			o->format = optarg;
			break;
		case O_PLAYER: o->player = optarg; break;
		case O_NO_CONFIG: break;   /* seen by apply_config */
		case O_TRUST_FM: o->trust_fm = 1; break;
		case O_SPEED:
			if (voice_speed_parse(optarg, &o->speed_percent, &o->speed_wpm))
				return usage_error("--speed must be a percentage (25%..400%) or words per "
						   "minute (80..450)", optarg);
			break;
		case O_FIT:
			if (rundown_parse_duration(optarg, &o->fit_ms) || o->fit_ms <= 0)
				return usage_error("--fit must be a length such as 3:00 or 90s", optarg);
			break;
		case O_JOBS:
			if (parse_double(optarg, 1, 256, &d) || d != (int)d)
				return usage_error("--jobs must be a number of processes from 1 to 256", optarg);
			o->jobs = (int)d;
			break;
		case O_FROM: o->from = optarg; break;
		case O_SHARD:
			if (batch_shard_parse(optarg, &c, &c))
				return usage_error("--shard must be K/N with 1 <= K <= N", optarg);
			o->shard = optarg;
			break;
		case O_CACHE: o->cache_dir = optarg; break;
		case O_NO_CACHE: o->no_cache = 1; break;
		case O_CACHE_SIZE:
			if (parse_double(optarg, 1, 1 << 24, &o->cache_mb))
				return usage_error("--cache-size must be megabytes from 1", optarg);
			break;
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

/* Options the configuration file may set (by their long names), plus output-dir. */
static const char *const config_keys[] = {
	"voice", "speed", "lexicon", "keep-footer", "rate", "mono", "resample", "loudness",
	"true-peak", "bits", "quality", "bitrate", "intro", "outro", "stinger", "no-jingles",
	"talkup", "artist", "format", "player",
};
/* Keys whose value is a file or directory: relative ones are taken from the file's directory. */
static const char *const config_path_keys[] = { "lexicon", "intro", "outro", "stinger", "output-dir" };

static struct config the_config;

static int is_one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return 1;
	return 0;
}

/* Makes a relative path value relative to the configuration file's directory (in place). */
static void config_resolve_path(struct config_entry *en, const char *cfgpath)
{
	const char *slash = strrchr(cfgpath, '/');
	struct sb b;

	if (en->value[0] == '/' || !en->value[0] || !slash)
		return;
	sb_init(&b);
	sb_addf(&b, "%.*s/%s", (int)(slash - cfgpath), cfgpath, en->value);
	free(en->value);
	en->value = b.buf;
}

/* Applies one entry as if it were given on the command line. Returns 0 or the exit status. */
static int config_apply_entry(struct config_entry *en, const char *help, struct opts *o,
			      const char **segment)
{
	char where[1200], opt[80];
	char *av[4] = { "sprecher", opt, NULL, NULL };
	int rc, k;

	snprintf(where, sizeof(where), "%s:%d", the_config.path, en->line);
	if (strcmp(en->section, "render")) {
		fprintf(stderr, "sprecher: %s: '%s' outside the [render] section\n", where, en->key);
		return EXIT_FAILURE;
	}
	if (is_one_of(en->key, config_path_keys, ARRAY_LEN(config_path_keys)) ||
	    (!strcmp(en->key, "voice") && (strchr(en->value, '/') || strstr(en->value, ".ini"))))
		config_resolve_path(en, the_config.path);
	if (!strcmp(en->key, "output-dir")) {
		o->outdir = en->value;
		return 0;
	}
	if (!is_one_of(en->key, config_keys, ARRAY_LEN(config_keys))) {
		fprintf(stderr, "sprecher: %s: unknown key '%s' (see sprecher help config)\n", where, en->key);
		return EXIT_FAILURE;
	}
	for (k = 0; strcmp(long_opts[k].name, en->key); k++)
		;
	snprintf(opt, sizeof(opt), "--%s", en->key);
	if (long_opts[k].has_arg == no_argument) {
		if (!strcmp(en->value, "no") || !strcmp(en->value, "false") || !strcmp(en->value, "0"))
			return 0;
		if (strcmp(en->value, "yes") && strcmp(en->value, "true") && strcmp(en->value, "1")) {
			fprintf(stderr, "sprecher: %s: %s must be yes or no: %s\n", where, en->key, en->value);
			return EXIT_FAILURE;
		}
	} else {
		av[2] = en->value;
	}
	cfg_where = where;
	rc = parse_args(av[2] ? 3 : 2, av, help, o, segment);
	cfg_where = NULL;
	if (rc)
		return EXIT_FAILURE;
	/* a station default; an article's front matter may choose otherwise */
	if (!strcmp(en->key, "voice")) {
		struct voice_preset p;
		struct err e;
		if (voice_load(o->voice, &p, &e)) {
			fprintf(stderr, "sprecher: %s: %s\n", where, e.msg);
			return EXIT_FAILURE;
		}
		o->dflt.voice = o->voice, o->voice = NULL;
	} else if (!strcmp(en->key, "intro"))
		o->dflt.intro = o->r.place.intro, o->r.place.intro = NULL;
	else if (!strcmp(en->key, "outro"))
		o->dflt.outro = o->r.place.outro, o->r.place.outro = NULL;
	else if (!strcmp(en->key, "stinger"))
		o->dflt.stinger = o->r.place.stinger, o->r.place.stinger = NULL;
	else if (!strcmp(en->key, "artist"))
		o->dflt.artist = o->r.meta.artist, o->r.meta.artist = NULL;
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
		int rc = config_apply_entry(&the_config.v[i], help, o, segment);
		if (rc)
			return rc;
	}
	return 0;
}

/* The configuration's defaults, then the command line over them (see parse_args). */
static int parse_opts(int argc, char **argv, const char *help, struct opts *o, const char **segment)
{
	int rc = apply_config(argc, argv, help, o, segment);

	return rc ? rc : parse_args(argc, argv, help, o, segment);
}

/* ==== from article to script ============================================= */

static int engine_phonemes(void *ctx, const char *voice, const char *text, struct sb *out);

/* The episode of o->article (episode.h), from the command line's options. */
static int load_script(struct opts *o, struct episode *l, struct warns *w, struct err *e)
{
	struct episode_opts eo = { .article = o->article, .voice = o->voice, .lexicons = o->lexicons,
				   .nlex = o->nlex, .keep_footer = o->keep_footer, .date = o->date,
				   .keep_furniture = o->keep_furniture, .ssml = o->ssml,
				   /* foreign words: eSpeak's phonemes of other languages, one German voice */
				   .phonemizer = engine_phonemes };

	eo.default_voice = o->dflt.voice;
	eo.speed_percent = o->speed_percent;
	eo.speed_wpm = o->speed_wpm;
	eo.trust_paths = o->trust_fm;
	return episode_load(&eo, l, w, e);
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

	render_opts_init(&o.r);
	if ((rc = parse_opts(argc, argv, usage_normalize, &o, &seg)))
		return rc;
	lex = lex_new();
	if (episode_load_lexicons(o.lexicons, o.nlex, lex, &e)) {
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

/* The options of a show from the command line. */
static struct show_opts show_opts_of(const struct opts *o, int only_item)
{
	return (struct show_opts){ .rundown = o->article, .voice = o->voice, .lexicons = o->lexicons,
				   .nlex = o->nlex, .date = o->date, .fit_ms = o->fit_ms,
				   .only_item = only_item, .phonemizer = engine_phonemes };
}

/* `sprecher script SHOW.rundown`: the running order. */
static int script_show(struct opts *o)
{
	struct show_opts so = show_opts_of(o, 0);
	struct warns w;
	struct err e;
	struct sb out;
	int rc;

	warns_init(&w);
	sb_init(&out);
	rc = show_script(&so, &o->r, &out, &w, &e);
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

	render_opts_init(&o.r);
	if ((rc = parse_opts(argc, argv, usage_script, &o, &seg)))
		return rc;
	if (optind + 1 != argc)
		return usage_error("script takes one ARTICLE", NULL);
	o.article = argv[optind];
	if (show_is_rundown(o.article))
		return script_show(&o);
	warns_init(&w);
	rc = load_script(&o, &l, &w, &e);
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

/* The article's base name with extension `ext`, in `dir` (NULL: the current directory). */
static void default_output(const char *article, const char *dir, const char *ext, char *out, size_t n)
{
	const char *base = strrchr(article, '/');
	const char *dot;
	int len;

	base = base ? base + 1 : article;
	dot = strrchr(base, '.');
	len = (int)(dot && dot != base ? dot - base : (long)strlen(base));
	if (dir)
		snprintf(out, n, "%s%s%.*s.%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", len, base, ext);
	else
		snprintf(out, n, "%.*s.%s", len, base, ext);
}

/* Checks every sidecar path before any audio is made or an output replaced. */
static int check_sidecar_names(const struct opts *o, struct err *e)
{
	const char *paths[] = { o->captions, o->timeline, o->labels, o->chapters };

	if (o->captions && sidecar_check_captions_name(o->captions, e))
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(paths); i++)
		if (paths[i] && sidecar_check_path(paths[i], e))
			return -1;
	return 0;
}

static int write_sidecars(const struct opts *o, const struct timeline *tl, const struct script *s,
			  struct err *e)
{
	const char *audio = strrchr(o->r.fmt.output, '/');
	audio = audio ? audio + 1 : o->r.fmt.output;

	if (o->captions && sidecar_captions(o->captions, tl, e))
		return -1;
	if (o->timeline && sidecar_timeline(o->timeline, tl, s->title, e))
		return -1;
	if (o->labels && sidecar_labels(o->labels, tl, e))
		return -1;
	if (o->chapters && sidecar_chapters(o->chapters, tl, s->title, audio, e))
		return -1;
	return 0;
}

/*
 * The front-matter keys beyond title, author, date, voice and the jingles:
 * `talkup:` and `loudness:` set what --talkup and --loudness set (the command
 * line wins; `speed:` is episode_load's); any other key is a warning naming its line. Returns 0, or -1
 * with "ARTICLE:LINE: ..." for a bad value.
 */
static int front_matter_extras(struct opts *o, const struct doc_meta *m, struct warns *w, struct err *e)
{
	for (size_t i = 0; i < m->nother; i++) {
		const struct doc_meta_other *x = &m->other[i];
		double d;
		if (!strcmp(x->key, "talkup")) {
			if (parse_double(x->value, 0, 60000, &d))
				return err_set(e, "%s:%d: front matter talkup: must be milliseconds from 0 to "
					       "60000: %.40s", o->article, x->line, x->value);
			if (!o->cli.talkup)
				o->r.place.talkup_ms = (int)d;
		} else if (!strcmp(x->key, "speed")) {
			continue;   /* episode_load applied it */
		} else if (!strcmp(x->key, "loudness")) {
			double lufs;
			if (loudness_target_parse(x->value, &lufs))
				return err_set(e, "%s:%d: front matter loudness: must be LUFS (-70..0), ebu, "
					       "podcast or atsc: %.40s", o->article, x->line, x->value);
			if (!o->cli.loudness)
				o->r.master.target_lufs = lufs;
		} else {
			warns_add(w, "%s:%d: front matter: unknown key '%.40s' ignored (known: title, author, "
				  "date, voice, intro, outro, stinger, talkup, loudness, speed)", o->article, x->line,
				  x->key);
		}
	}
	return 0;
}

/*
 * Options the output format ignores (--bits with mp3, --quality with wav; the
 * format table knows) and --talkup without jingles: say so.
 */
static void warn_unused_codec_opts(const struct opts *o, struct warns *w)
{
	afile_warn_unused(o->r.fmt.output, o->bits_given, o->r.fmt.quality, o->r.fmt.bitrate_kbps, w);
	if (o->r.place.talkup_ms > 0 && o->r.place.no_jingles)
		warns_add(w, "talkup: no intro to speak over with --no-jingles; ignored");
}

/* Refuses an output that is also an input, or two outputs that are one file. */
static int check_outputs(const struct opts *o, struct err *e)
{
	const char *outs[] = { o->r.fmt.output, o->captions, o->timeline, o->labels, o->chapters };
	const char *ins[24] = { o->article, o->voice, o->r.place.intro, o->r.place.outro, o->r.place.stinger };
	size_t nin = 5;

	for (int i = 0; i < o->nlex && nin < ARRAY_LEN(ins); i++)
		ins[nin++] = o->lexicons[i];
	return path_check_outputs(outs, ARRAY_LEN(outs), ins, nin, e);
}

/*
 * The process's one eSpeak NG engine, started on first use (eSpeak NG cannot
 * be initialised a second time after it was terminated); engine_stop ends it.
 */
static struct synth *the_engine;

static struct synth *engine(struct err *e)
{
	if (!the_engine)
		the_engine = synth_new(e);
	return the_engine;
}

/* The phonemizer of the foreign-word rules (foreign.h): the process's engine. */
static int engine_phonemes(void *ctx, const char *voice, const char *text, struct sb *out)
{
	struct err e;
	struct synth *s = engine(&e);

	(void)ctx;
	return s ? synth_lang_phonemes(s, voice, text, out) : -1;
}

static void engine_stop(void)
{
	synth_free(the_engine);
	the_engine = NULL;
}

/* The cache directory of the options: --cache, else the default; NULL with --no-cache. */
static const char *cache_dir(const struct opts *o, char *buf, size_t n)
{
	if (o->no_cache)
		return NULL;
	if (o->cache_dir)
		return o->cache_dir;
	return cache_default_dir(buf, n) ? NULL : buf;
}

/* The synthesis cache, or NULL (a cache that cannot be used is a warning, not an error). */
static struct cache *open_cache(const struct opts *o, struct warns *w)
{
	char buf[4096];
	const char *dir = cache_dir(o, buf, sizeof(buf));
	struct cache *c;
	struct err e;

	if (!dir)
		return NULL;
	c = cache_open(dir, (uint64_t)(o->cache_mb * 1048576.0), &e);
	if (!c)
		warns_add(w, "%s; rendering without the cache", e.msg);
	return c;
}

/* The progress line of a single render (progress.c): segments, seconds placed, ETA from the script. */
struct render_progress {
	struct progress *line;
	int rate;
};

static void show_progress(void *ctx, size_t done, size_t total, uint64_t frames)
{
	const struct render_progress *rp = ctx;
	double secs = (double)frames / rp->rate;

	(void)total;
	progress_update(rp->line, done, secs, secs);
}

/* Starts the line for segments first..last of `s` (1-based, 0 = all) when o->r.progress is set. */
static void start_progress(struct opts *o, const struct script *s, struct render_progress *rp)
{
	size_t first = 0, last = s->nseg ? s->nseg - 1 : 0;
	double est = 0;

	if (!o->r.progress || !s->nseg)
		return;
	if (o->r.place.seg_first > 0) {
		first = (size_t)o->r.place.seg_first - 1;
		last = (size_t)o->r.place.seg_last - 1;
	}
	for (size_t i = first; i <= last; i++)
		est += s->seg[i].est_seconds;
	rp->rate = o->r.fmt.rate;
	rp->line = progress_new(2, "segments", last - first + 1, est);
	o->r.progress_ctx = rp;
	if (!rp->line)
		o->r.progress = NULL;
}

static int do_render_show(struct opts *o, const char *item, int for_preview);

static int do_render(struct opts *o, const char *segment, int for_preview)
{
	struct episode l;
	struct warns w;
	struct err e = { "" };
	struct synth *syn = NULL;
	struct timeline tl;
	struct render_result res;
	struct render_progress rp = { 0 };
	char outbuf[1024];
	int rc = EXIT_FAILURE;

	if (show_is_rundown(o->article) && o->r.fmt.output)
		return do_render_show(o, segment, for_preview);
	if (o->fit_ms)
		return usage_error("--fit applies to shows (a .rundown file)", o->article);
	warns_init(&w);
	timeline_init(&tl, o->r.fmt.rate);
	if (!o->r.fmt.output) {
		default_output(o->article, o->outdir, o->format ? o->format : "wav", outbuf, sizeof(outbuf));
		o->r.fmt.output = outbuf;
		if (show_is_rundown(o->article))
			return do_render_show(o, segment, for_preview);
	}
	if (load_script(o, &l, &w, &e))
		goto out;
	if (segment && script_parse_range(segment, l.script.nseg, &o->r.place.seg_first, &o->r.place.seg_last, &e)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (check_sidecar_names(o, &e))
		goto out;
	episode_render_opts(&l, &o->r);
	/* the station's defaults (configuration file) where neither the command line nor the article says */
	if (!o->r.place.intro)
		o->r.place.intro = o->dflt.intro;
	if (!o->r.place.outro)
		o->r.place.outro = o->dflt.outro;
	if (!o->r.place.stinger)
		o->r.place.stinger = o->dflt.stinger;
	if (!o->r.meta.artist)
		o->r.meta.artist = o->dflt.artist;
	if (front_matter_extras(o, &l.doc.meta, &w, &e))
		goto out;
	warn_unused_codec_opts(o, &w);
	if (check_outputs(o, &e))
		goto out;
	if (!o->quiet && isatty(2) && strcmp(o->r.fmt.output, "-"))
		o->r.progress = show_progress;
	syn = engine(&e);
	if (!syn)
		goto out;
	o->r.cache = open_cache(o, &w);
	start_progress(o, &l.script, &rp);
	rc = render_run(&l.script, &o->r, syn, &tl, &res, &w, &e);
	progress_free(rp.line);         /* the line goes before any message */
	rp.line = NULL;
	if (rc) {
		rc = EXIT_FAILURE;
		goto out;
	}
	rc = EXIT_FAILURE;
	if (getenv("SPRECHER_TIMING"))
		fprintf(stderr, "sprecher: timing: pass 1 %.2f s, pass 2 %.2f s\n", res.pass1_seconds,
			res.pass2_seconds);
	if (write_sidecars(o, &tl, &l.script, &e))
		goto out;
	/* warnings (left-out footer, codec options) before the result line */
	print_warns(&w, o->quiet);
	warns_release(&w);
	if (!o->quiet && !for_preview) {
		FILE *f = strcmp(o->r.fmt.output, "-") ? stdout : stderr;
		fprintf(f, "%s: %d:%06.3f, integrated %.1f LUFS, true peak %.1f dBTP, "
			"loudness range %.1f LU\n", o->r.fmt.output, (int)(res.seconds / 60),
			fmod(res.seconds, 60.0), res.loud.integrated, res.loud.true_peak, res.loud.lra);
	}
	o->seconds = res.seconds;
	rc = 0;
out:
	if (o->r.cache && getenv("SPRECHER_TIMING")) {
		uint64_t hits, misses, damaged;
		cache_counts(o->r.cache, &hits, &misses, &damaged);
		fprintf(stderr, "sprecher: cache: %llu hits, %llu misses, %llu damaged\n",
			(unsigned long long)hits, (unsigned long long)misses, (unsigned long long)damaged);
	}
	cache_close(o->r.cache);
	o->r.cache = NULL;
	print_warns(&w, o->quiet);
	if (rc)
		fail(&e);
	warns_release(&w);
	timeline_release(&tl);
	episode_release(&l);
	return rc;
}

/* ==== batches ============================================================ */

/* A batch: the inputs, and per input the output and sidecar paths. */
struct batch_job {
	struct opts *base;
	struct batch_list in;
	struct batch_list out;
	struct batch_list side[4];   /* captions, timeline, labels, chapters; n == 0 when unused */
	int failed;
};

/* In a worker process: one episode, with the base options. */
static int batch_work(void *ctx, size_t i, double *seconds)
{
	struct batch_job *b = ctx;
	struct opts o = *b->base;
	const char **sc[4] = { &o.captions, &o.timeline, &o.labels, &o.chapters };
	int rc;

	o.article = b->in.v[i];
	o.r.fmt.output = b->out.v[i];
	for (int k = 0; k < 4; k++)
		*sc[k] = b->side[k].n ? b->side[k].v[i] : NULL;
	rc = do_render(&o, NULL, 0);
	*seconds = o.seconds;
	return rc;
}

/* In the parent, in input order: the worker's messages, and its file name when it failed. */
static void batch_done(void *ctx, size_t i, const struct batch_done *d)
{
	struct batch_job *b = ctx;

	fwrite(d->out, 1, d->out_len, stdout);
	fflush(stdout);
	fwrite(d->err, 1, d->err_len, stderr);
	if (d->status) {
		b->failed++;
		if (!strstr(d->err, b->in.v[i]))
			fprintf(stderr, "sprecher: %s: not rendered (%s %d)\n", b->in.v[i],
				d->status > 128 ? "worker stopped by signal" : "worker exit status",
				d->status > 128 ? d->status - 128 : d->status);
	}
}

/* Per-episode sidecar paths: in a batch each sidecar option is a suffix such as ".vtt". */
static int batch_sidecars(struct batch_job *b, const char *ext)
{
	const char *sfx[4] = { b->base->captions, b->base->timeline, b->base->labels, b->base->chapters };
	static const char *names[4] = { "--captions", "--timeline", "--labels", "--chapters" };
	char aud[64];

	snprintf(aud, sizeof(aud), ".%s", ext);
	for (int k = 0; k < 4; k++) {
		if (!sfx[k])
			continue;
		if (sfx[k][0] != '.' || strchr(sfx[k], '/') || !strcmp(sfx[k], aud))
			return usage_error("in a batch, each sidecar option takes a suffix such as .vtt "
					   "(NAME.vtt next to each episode)", names[k]);
		for (int j = 0; j < k; j++)
			if (sfx[j] && !strcmp(sfx[j], sfx[k]))
				return usage_error("two sidecar options with the same suffix", sfx[k]);
		for (size_t i = 0; i < b->out.n; i++) {
			const char *o = b->out.v[i];
			char path[4096];
			snprintf(path, sizeof(path), "%.*s%s", (int)(strlen(o) - strlen(aud)), o, sfx[k]);
			batch_list_add(&b->side[k], path);
		}
	}
	return 0;
}

/* The inputs: the arguments, then --from's lines; their outputs; the duplicates refused; the shard. */
static int batch_inputs(struct batch_job *b, int n, char **articles, const char *ext)
{
	struct batch_list all, outs;
	struct err e;
	int k = 1, nshards = 1, rc = EXIT_FAILURE;

	batch_list_init(&all);
	batch_list_init(&outs);
	for (int i = 0; i < n; i++)
		batch_list_add(&all, articles[i]);
	if (b->base->from && batch_read_manifest(&all, b->base->from, &e))
		goto out;
	for (size_t i = 0; i < all.n; i++) {
		char path[4096];
		default_output(all.v[i], b->base->r.fmt.output, ext, path, sizeof(path));
		batch_list_add(&outs, path);
	}
	/* the whole batch, before the shard: every shard refuses the same batch */
	if (batch_check_unique(all.v, outs.v, all.n, &e))
		goto out;
	if (b->base->shard)
		batch_shard_parse(b->base->shard, &k, &nshards);
	for (size_t i = 0; i < all.n; i++) {
		const char *base = strrchr(outs.v[i], '/');
		if (nshards > 1 && !batch_in_shard(base ? base + 1 : outs.v[i], k, nshards))
			continue;
		batch_list_add(&b->in, all.v[i]);
		batch_list_add(&b->out, outs.v[i]);
	}
	rc = 0;
out:
	if (rc)
		fail(&e);
	batch_list_release(&all);
	batch_list_release(&outs);
	return rc;
}

/*
 * A show from a rundown (show.h): the whole programme, or item `item` alone
 * (preview). Prints the result line as do_render does, with the slot.
 */
static int do_render_show(struct opts *o, const char *item, int for_preview)
{
	struct show_opts so = show_opts_of(o, item ? atoi(item) : 0);
	struct show_result res;
	struct timeline tl;
	struct warns w;
	struct err e = { "" };
	struct synth *syn;
	int rc = EXIT_FAILURE;

	if (item && so.only_item <= 0)
		return usage_error("a show's preview takes an item number", item);
	warns_init(&w);
	timeline_init(&tl, o->r.fmt.rate);
	if (check_sidecar_names(o, &e) || !(syn = engine(&e)))
		goto out;
	warn_unused_codec_opts(o, &w);
	if (check_outputs(o, &e))
		goto out;
	if (show_render(&so, &o->r, syn, &tl, &res, &w, &e))
		goto out;
	{
		struct script title = { .title = res.title };
		if (write_sidecars(o, &tl, &title, &e))
			goto out;
	}
	print_warns(&w, o->quiet);
	warns_release(&w);
	if (!o->quiet && !for_preview) {
		FILE *f = strcmp(o->r.fmt.output, "-") ? stdout : stderr;
		fprintf(f, "%s: %d:%06.3f, integrated %.1f LUFS, true peak %.1f dBTP, "
			"loudness range %.1f LU", o->r.fmt.output, (int)(res.r.seconds / 60),
			fmod(res.r.seconds, 60.0), res.r.loud.integrated, res.r.loud.true_peak,
			res.r.loud.lra);
		if (res.slot_frames)
			fprintf(f, ", fitted: pauses x%.2f, speech x%.3f", res.pause_factor, res.rate_factor);
		fputc('\n', f);
	}
	rc = 0;
out:
	print_warns(&w, o->quiet);
	if (rc)
		fail(&e);
	warns_release(&w);
	timeline_release(&tl);
	return rc;
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
	struct batch_job b = { .base = base };
	struct batch_opts bo = { .jobs = base->jobs ? base->jobs : batch_default_jobs() };
	double *weights = NULL;
	struct stat st;
	struct err e;
	int rc = EXIT_USAGE, sig;

	if (seg)
		return usage_error("--segment takes a single ARTICLE", NULL);
	if (base->r.fmt.output && stat(base->r.fmt.output, &st) != 0) {
		fprintf(stderr, "sprecher: %s: does not exist (with several articles, -o names the "
			"directory for the episodes)\n", base->r.fmt.output);
		return EXIT_USAGE;
	}
	if (base->r.fmt.output && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sprecher: %s: not a directory (with several articles, -o names the "
			"directory for the episodes)\n", base->r.fmt.output);
		return EXIT_USAGE;
	}
	batch_list_init(&b.in);
	batch_list_init(&b.out);
	for (int k = 0; k < 4; k++)
		batch_list_init(&b.side[k]);
	if (batch_inputs(&b, n, articles, ext) || batch_sidecars(&b, ext))
		goto out;
	weights = xcalloc(b.in.n + 1, sizeof(*weights));
	for (size_t i = 0; i < b.in.n; i++)
		weights[i] = stat(b.in.v[i], &st) == 0 ? (double)st.st_size + 1 : 1;
	bo.weights = weights;
	bo.progress = !base->quiet && isatty(2);
	base->r.progress = NULL;
	sig = batch_run(b.in.n, &bo, batch_work, batch_done, &b, &e);
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
		fprintf(stderr, "sprecher: %d of %zu episodes rendered%s\n", (int)(b.in.n - (size_t)b.failed),
			b.in.n, b.failed ? "; see the errors above" : "");
	rc = b.failed ? EXIT_FAILURE : 0;
out:
	free(weights);
	batch_list_release(&b.in);
	batch_list_release(&b.out);
	for (int k = 0; k < 4; k++)
		batch_list_release(&b.side[k]);
	return rc;
}

static int cmd_render(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *seg = NULL;
	int rc;

	render_opts_init(&o.r);
	if ((rc = parse_opts(argc, argv, usage_render, &o, &seg)))
		return rc;
	if (optind >= argc && !o.from)
		return usage_error("render takes an ARTICLE (or several, with -o DIR)", NULL);
	if (o.player)
		return usage_error("--player belongs to sprecher preview", NULL);
	if (optind + 1 == argc && !o.from && !o.shard) {
		o.article = argv[optind];
		return do_render(&o, seg, 0);
	}
	if (!o.r.fmt.output)
		o.r.fmt.output = o.outdir;
	return render_batch(&o, seg, argc - optind, argv + optind);
}

/* ==== preview: play one segment ========================================== */

/* The players tried in order when --player is not given: argv without the file. */
static const char *const players[][6] = {
	{ "aplay", "-q", NULL }, { "paplay", NULL }, { "pw-play", NULL },
	{ "ffplay", "-nodisp", "-autoexit", "-loglevel", "error", NULL },
};

/* Whether `name` is an executable file in one of $PATH's directories. */
static int in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", name);
		if (access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

/*
 * Whether this machine has somewhere to play sound: an ALSA playback device,
 * a PulseAudio or PipeWire server socket, or a PULSE_SERVER to connect to.
 */
static int have_sound_device(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR"), *ps = getenv("PULSE_SERVER");
	const char *sockets[] = { "pulse/native", "pipewire-0" };
	char buf[4096];
	DIR *d;
	struct dirent *de;
	int found = 0;

	if (ps && *ps)
		return 1;
	for (size_t i = 0; rt && *rt && i < ARRAY_LEN(sockets); i++) {
		snprintf(buf, sizeof(buf), "%s/%s", rt, sockets[i]);
		if (access(buf, F_OK) == 0)
			return 1;
	}
	if (access("/run/pulse/native", F_OK) == 0)
		return 1;
	d = opendir("/dev/snd");
	while (d && !found && (de = readdir(d)))
		found = !strncmp(de->d_name, "pcm", 3) && de->d_name[strlen(de->d_name) - 1] == 'p';
	if (d)
		closedir(d);
	return found;
}

/*
 * Runs the player on `wav` and waits: `cmd` (a shell command line, the file
 * appended as its last argument) or the built-in `argv`. The player's stderr
 * is kept; its first line goes to `why` when it fails. Returns 0 when it
 * exited with status 0.
 */
static int run_player(const char *cmd, const char *const *pargv, const char *wav, char *why, size_t n)
{
	int pipefd[2], status = 0;
	char buf[2048];
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	why[0] = '\0';
	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		const char *av[10] = { 0 };
		int k = 0;
		close(pipefd[0]);
		dup2(pipefd[1], 2);
		if (cmd) {
			char line[4096];
			snprintf(line, sizeof(line), "%s \"$1\"", cmd);
			execl("/bin/sh", "sh", "-c", line, "sh", wav, (char *)NULL);
		} else {
			for (; k < 8 && pargv[k]; k++)
				av[k] = pargv[k];
			av[k] = wav;
			execvp(av[0], (char *const *)av);
		}
		fprintf(stderr, "cannot run: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -1;
	}
	/* keep the start of what it says, read (and drop) the rest so it never blocks */
	for (;;) {
		char drop[512];
		int full = got == sizeof(buf) - 1;
		r = full ? read(pipefd[0], drop, sizeof(drop)) : read(pipefd[0], buf + got, sizeof(buf) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (!full)
			got += (size_t)r;
	}
	close(pipefd[0]);
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* the first line that says something, without trailing blanks */
	{
		const char *p = buf;
		while (*p == '\n' || *p == ' ')
			p++;
		snprintf(why, n, "%.*s", (int)strcspn(p, "\n"), p);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (!why[0] && WIFSIGNALED(status))
		snprintf(why, n, "killed by signal %d", WTERMSIG(status));
	else if (!why[0])
		snprintf(why, n, "exit status %d", WEXITSTATUS(status));
	return -1;
}

static int cmd_preview(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *seg = NULL, *name;
	const char *const *pargv = NULL;
	char tmp[4096], why[512];
	const char *tmpdir = getenv("TMPDIR");
	int rc, fd, slot;

	render_opts_init(&o.r);
	if ((rc = parse_opts(argc, argv, usage_preview, &o, &seg)))
		return rc;
	if (optind + 2 != argc)
		return usage_error("preview takes ARTICLE and a segment number N", NULL);
	o.article = argv[optind];
	seg = argv[optind + 1];
	if (check_segment_arg(seg))
		return usage_error("the segment must be N or N-M (segments count from 1)", seg);
	if (o.r.fmt.output)
		return usage_error("preview plays the segment; to keep it use sprecher render --segment", NULL);
	for (size_t pi = 0; pi < ARRAY_LEN(players) && !o.player && !pargv; pi++)
		if (in_path(players[pi][0]))
			pargv = players[pi];
	if (!o.player && !pargv) {
		fprintf(stderr, "sprecher: no audio player found (aplay, paplay, pw-play, ffplay; or give "
			"--player CMD); pipe the segment instead: sprecher render %s --segment %s -o - | aplay\n",
			o.article, seg);
		return EXIT_FAILURE;
	}
	name = o.player ? o.player : pargv[0];
	if (!o.player && !have_sound_device()) {
		fprintf(stderr, "sprecher: no sound device (no /dev/snd playback device, no PulseAudio or "
			"PipeWire server); write the segment to a file instead: sprecher render %s --segment %s "
			"-o segment.wav (or choose a player with --player CMD)\n", o.article, seg);
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
	o.r.fmt.output = tmp;
	rc = do_render(&o, seg, 1);
	if (rc == 0 && run_player(o.player, pargv, tmp, why, sizeof(why))) {
		fprintf(stderr, "sprecher: %s could not play the segment: %s; pipe it instead: "
			"sprecher render %s --segment %s -o - | aplay\n", name, why, o.article, seg);
		rc = EXIT_FAILURE;
	}
	unlink(tmp);
	afile_temp_forget(slot);
	return rc;
}

static const char usage_cache[] =
"usage: sprecher cache [clear] [--cache DIR]\n"
"\n"
"Shows where the synthesis cache is, how many sentences it holds and its size;\n"
"'clear' removes them all.\n";

static int cmd_cache(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *seg = NULL, *dir;
	char buf[4096];
	uint64_t n, bytes;
	struct err e;
	int rc;

	render_opts_init(&o.r);
	if ((rc = parse_opts(argc, argv, usage_cache, &o, &seg)))
		return rc;
	if (optind + 1 < argc || (optind < argc && strcmp(argv[optind], "clear")))
		return usage_error("cache takes 'clear' or nothing", optind < argc ? argv[optind] : NULL);
	o.no_cache = 0;
	dir = cache_dir(&o, buf, sizeof(buf));
	if (!dir) {
		fprintf(stderr, "sprecher: no cache directory: set XDG_CACHE_HOME or HOME, or use --cache DIR\n");
		return EXIT_FAILURE;
	}
	if (optind < argc && cache_clear(dir, &e))
		return fail(&e);
	if (cache_usage(dir, &n, &bytes, &e))
		return fail(&e);
	printf("%s: %llu sentences, %.1f MB (limit %.0f MB)\n", dir, (unsigned long long)n,
	       (double)bytes / 1048576.0, o.cache_mb > 0 ? o.cache_mb : (double)CACHE_DEFAULT_LIMIT_MB);
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
			engine_stop();
			config_release(&the_config);
			return rc;
		}
	return usage_error("unknown command", argv[1]);
}
