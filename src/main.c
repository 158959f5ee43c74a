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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "article.h"
#include "audiofile.h"
#include "episode.h"
#include "lexicon.h"
#include "loudness.h"
#include "render.h"
#include "script.h"
#include "sentences.h"
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
"  sentences [FILE]          print one sentence per line (stdin without FILE)\n"
"  normalize                 read lines on stdin, print their spoken form\n"
"  voices                    list voice presets and installed German eSpeak voices\n"
"  help COMMAND              options of one command\n"
"\n"
"sprecher --version prints the version.\n";

static const char usage_render[] =
"usage: sprecher render ARTICLE [OPTIONS]\n"
"       sprecher render ARTICLE... [-o DIR] [--format EXT] [OPTIONS]   (a batch of episodes)\n"
"\n"
"  -o, --output FILE      output file: .wav (default ARTICLE-NAME.wav), .flac, .ogg, .opus, .mp3;\n"
"                         with several articles: the directory for NAME.EXT files\n"
"      --format EXT       extension of default output names: wav, flac, ogg, opus, mp3\n"
"                         '-' writes a WAV stream to stdout\n"
"      --voice NAME|FILE  voice preset (see sprecher voices; default " VOICE_DEFAULT ")\n"
"      --lexicon FILE     extra pronunciation lexicon (repeatable; later files win)\n"
"      --keep-footer      read the donation/contact footer too (URLs, e-mail spoken)\n"
"      --keep-furniture   read site furniture too (timestamps, bylines, \"Lesen Sie auch\", credits)\n"
"      --rate HZ          44100 or 48000 (default 48000)\n"
"      --mono             one channel (default stereo)\n"
"      --resample Q       fast, medium or best (default fast)\n"
"      --loudness LUFS    target: a number, ebu (-23, default), podcast (-16), atsc (-24)\n"
"      --true-peak DB     true-peak ceiling in dBTP (default -1)\n"
"      --bits B           WAV: 16, 24 (default) or 32f; FLAC: 16 or 24\n"
"      --quality Q        lossy codecs: 0..1\n"
"      --bitrate KBPS     mp3/opus bit rate\n"
"      --intro FILE       intro jingle (any format libsndfile reads)\n"
"      --outro FILE       outro jingle\n"
"      --stinger FILE     jingle between sections\n"
"      --no-jingles       no jingles at all (default: built-in ones)\n"
"      --talkup MS        start speaking over the last MS ms of the intro\n"
"      --segment N[-M]    render only these segments of the script\n"
"      --date DATE        'YYYY-MM-DD[ HH:MM:SS]' for tags (else SOURCE_DATE_EPOCH)\n"
"      --artist NAME      artist tag (default: the front matter's author, else sprecher)\n"
"      --captions FILE    captions, .vtt or .srt\n"
"      --timeline FILE    every clip as JSON\n"
"      --labels FILE      Audacity label track\n"
"      --chapters FILE    chapters: ffmetadata, or a CUE sheet for .cue\n"
"  -q, --quiet            print nothing but errors\n";

static const char usage_script[] =
"usage: sprecher script ARTICLE [--voice NAME|FILE] [--lexicon FILE] [--keep-footer]\n"
"                       [--keep-furniture]\n"
"\n"
"Prints numbered segments with role, voice preset, the text as it will be spoken,\n"
"the pause after each sentence and an estimated duration, then the total.\n";

static const char usage_preview[] =
"usage: sprecher preview ARTICLE N [render options]\n"
"\n"
"Renders segment N and plays it with aplay, paplay, pw-play or ffplay.\n";

static const char usage_sentences[] =
"usage: sprecher sentences [FILE]\n\nPrints one sentence per line; reads stdin without FILE.\n";
static const char usage_normalize[] =
"usage: sprecher normalize [--lexicon FILE]\n\nReads lines on stdin and prints exactly one spoken-form line for each.\n";
static const char usage_voices[] =
"usage: sprecher voices\n\nLists the voice presets and the German eSpeak NG voices installed.\n";

/* ==== shared helpers ===================================================== */

static int fail(const struct err *e)
{
	fprintf(stderr, "sprecher: %s\n", e->msg);
	return EXIT_FAILURE;
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "sprecher: %s%s%s (see sprecher --help)\n", msg, arg ? ": " : "", arg ? arg : "");
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
	afile_cleanup_temp();
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
	int quiet;
	const char *captions, *timeline, *labels, *chapters;
	const char *format;          /* extension of default output names */
	struct render_opts r;
	char date[32];
};

enum {
	O_VOICE = 256, O_LEXICON, O_KEEP_FOOTER, O_KEEP_FURNITURE, O_RATE, O_MONO, O_RESAMPLE, O_LOUDNESS,
	O_TRUE_PEAK, O_BITS, O_QUALITY, O_BITRATE, O_INTRO, O_OUTRO, O_STINGER, O_NO_JINGLES,
	O_TALKUP, O_SEGMENT, O_DATE, O_ARTIST, O_CAPTIONS, O_TIMELINE, O_LABELS, O_CHAPTERS,
	O_FORMAT,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "voice", required_argument, NULL, O_VOICE },
	{ "lexicon", required_argument, NULL, O_LEXICON },
	{ "keep-footer", no_argument, NULL, O_KEEP_FOOTER },
	{ "keep-furniture", no_argument, NULL, O_KEEP_FURNITURE },
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
 * Parses the options of render/script/preview/normalize into `o`; positional
 * arguments are left in argv[optind..]. `segment` receives --segment's text.
 * Returns 0, or EXIT_USAGE after printing the problem.
 */
static int parse_opts(int argc, char **argv, const char *help, struct opts *o, const char **segment)
{
	int c;
	double d;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", long_opts, NULL)) != -1) {
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
			break;
		case O_TRUE_PEAK:
			if (parse_double(optarg, -20, 0, &o->r.master.ceiling_dbtp))
				return usage_error("--true-peak must be dBTP from -20 to 0", optarg);
			break;
		case O_BITS:
			if (!strcmp(optarg, "16")) o->r.fmt.bits = AF_BITS_16;
			else if (!strcmp(optarg, "24")) o->r.fmt.bits = AF_BITS_24;
			else if (!strcmp(optarg, "32f") || !strcmp(optarg, "32")) o->r.fmt.bits = AF_BITS_32F;
			else return usage_error("--bits must be 16, 24 or 32f", optarg);
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
			break;
		case O_SEGMENT: *segment = optarg; break;
		case O_DATE: snprintf(o->date, sizeof(o->date), "%s", optarg); break;
		case O_ARTIST: o->r.meta.artist = optarg; break;
		case O_CAPTIONS: o->captions = optarg; break;
		case O_TIMELINE: o->timeline = optarg; break;
		case O_LABELS: o->labels = optarg; break;
		case O_CHAPTERS: o->chapters = optarg; break;
		case O_FORMAT:
			if (strcmp(optarg, "wav") && strcmp(optarg, "flac") && strcmp(optarg, "ogg") &&
			    strcmp(optarg, "opus") && strcmp(optarg, "mp3"))
				return usage_error("--format must be wav, flac, ogg, opus or mp3", optarg);
			o->format = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* ==== from article to script ============================================= */

static int engine_phonemes(void *ctx, const char *voice, const char *text, struct sb *out);

/* The episode of o->article (episode.h), from the command line's options. */
static int load_script(struct opts *o, struct episode *l, struct warns *w, struct err *e)
{
	struct episode_opts eo = { .article = o->article, .voice = o->voice, .lexicons = o->lexicons,
				   .nlex = o->nlex, .keep_footer = o->keep_footer, .date = o->date,
				   .keep_furniture = o->keep_furniture,
				   /* foreign words: eSpeak's phonemes of other languages, one German voice */
				   .phonemizer = engine_phonemes };

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

/* --bitrate and --quality only mean something for some codecs: say when they are ignored. */
static void warn_unused_codec_opts(const struct render_opts *r, struct warns *w)
{
	enum afile_format f;

	if (afile_format_from_name(r->fmt.output, &f, NULL))
		return;
	if (r->fmt.bitrate_kbps > 0 && f != AF_MP3 && f != AF_OPUS)
		warns_add(w, "%s: --bitrate applies to .mp3 and .opus only; ignored", r->fmt.output);
	if (r->fmt.quality >= 0 && (f == AF_WAV))
		warns_add(w, "%s: --quality applies to compressed formats only; ignored", r->fmt.output);
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

/* render_run's progress callback: one updating line on stderr. */
static void show_progress(void *ctx, size_t done, size_t total, uint64_t frames)
{
	const struct render_opts *r = ctx;

	fprintf(stderr, "\rsprecher: %zu/%zu segments, %.1f min of audio ", done, total,
		(double)frames / r->fmt.rate / 60.0);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int do_render(struct opts *o, const char *segment, int for_preview)
{
	struct episode l;
	struct warns w;
	struct err e = { "" };
	struct synth *syn = NULL;
	struct timeline tl;
	struct render_result res;
	char outbuf[1024];
	int rc = EXIT_FAILURE;

	warns_init(&w);
	timeline_init(&tl, o->r.fmt.rate);
	if (!o->r.fmt.output) {
		default_output(o->article, NULL, o->format ? o->format : "wav", outbuf, sizeof(outbuf));
		o->r.fmt.output = outbuf;
	}
	if (load_script(o, &l, &w, &e))
		goto out;
	if (segment && script_parse_range(segment, l.script.nseg, &o->r.place.seg_first, &o->r.place.seg_last, &e))
		goto out;
	if (check_sidecar_names(o, &e))
		goto out;
	episode_render_opts(&l, &o->r);
	warn_unused_codec_opts(&o->r, &w);
	if (!o->quiet && isatty(2) && strcmp(o->r.fmt.output, "-"))
		o->r.progress = show_progress;
	syn = engine(&e);
	if (!syn)
		goto out;
	o->r.progress_ctx = &o->r;
	if (render_run(&l.script, &o->r, syn, &tl, &res, &w, &e))
		goto out;
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
	rc = 0;
out:
	print_warns(&w, o->quiet);
	if (rc)
		fail(&e);
	warns_release(&w);
	timeline_release(&tl);
	episode_release(&l);
	return rc;
}

/*
 * Renders several articles, one episode each, into the directory given with
 * -o (or the current one) as NAME.EXT (--format, default wav). A failing
 * article does not stop the others; the exit status says whether all worked.
 */
static int render_batch(const struct opts *base, const char *seg, int n, char **articles)
{
	struct stat st;
	char out[4096];
	int failed = 0;

	if (seg)
		return usage_error("--segment takes a single ARTICLE", NULL);
	if (base->captions || base->timeline || base->labels || base->chapters)
		return usage_error("--captions, --timeline, --labels and --chapters take a single ARTICLE", NULL);
	if (base->r.fmt.output && (stat(base->r.fmt.output, &st) != 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "sprecher: %s: not a directory (with several articles, -o names the "
			"directory for the episodes)\n", base->r.fmt.output);
		return EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		struct opts o = *base;
		o.article = articles[i];
		default_output(articles[i], base->r.fmt.output, base->format ? base->format : "wav",
			       out, sizeof(out));
		o.r.fmt.output = out;
		if (do_render(&o, NULL, 0))
			failed++;
	}
	if (!base->quiet || failed)
		fprintf(stderr, "sprecher: %d of %d episodes rendered%s\n", n - failed, n,
			failed ? "; see the errors above" : "");
	return failed ? EXIT_FAILURE : 0;
}

static int cmd_render(int argc, char **argv)
{
	struct opts o = { 0 };
	const char *seg = NULL;
	int rc;

	render_opts_init(&o.r);
	if ((rc = parse_opts(argc, argv, usage_render, &o, &seg)))
		return rc;
	if (optind >= argc)
		return usage_error("render takes an ARTICLE (or several, with -o DIR)", NULL);
	if (optind + 1 == argc) {
		o.article = argv[optind];
		return do_render(&o, seg, 0);
	}
	return render_batch(&o, seg, argc - optind, argv + optind);
}

static int cmd_preview(int argc, char **argv)
{
	static const char *players[][5] = {
		{ "aplay", "-q", NULL }, { "paplay", NULL }, { "pw-play", NULL },
		{ "ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet" },
	};
	struct opts o = { 0 };
	const char *seg = NULL, *player = NULL;
	char tmp[4096];
	const char *tmpdir = getenv("TMPDIR");
	size_t pi;
	int rc, fd, slot;

	render_opts_init(&o.r);
	if ((rc = parse_opts(argc, argv, usage_preview, &o, &seg)))
		return rc;
	if (optind + 2 != argc)
		return usage_error("preview takes ARTICLE and a segment number N", NULL);
	o.article = argv[optind];
	seg = argv[optind + 1];
	for (pi = 0; pi < ARRAY_LEN(players) && !player; pi++) {
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", players[pi][0]);
		if (system(cmd) == 0)
			player = players[pi][0];
	}
	if (!player) {
		fprintf(stderr, "sprecher: no audio player found (aplay, paplay, pw-play, ffplay); "
			"pipe the segment instead: sprecher render %s --segment %s -o - | aplay\n",
			o.article, seg);
		return EXIT_FAILURE;
	}
	pi--;
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
	if (rc == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			const char *av[8] = { 0 };
			int k = 0;
			for (; k < 5 && players[pi][k]; k++)
				av[k] = players[pi][k];
			av[k] = tmp;
			execvp(av[0], (char *const *)av);
			_exit(127);
		}
		if (pid > 0) {
			int status = 0;
			waitpid(pid, &status, 0);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "sprecher: %s could not play the segment (no sound device?); "
					"pipe it instead: sprecher render %s --segment %s -o - | aplay\n",
					player, o.article, seg);
				rc = EXIT_FAILURE;
			}
		}
	}
	unlink(tmp);
	afile_temp_forget(slot);
	return rc;
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
	if (!strcmp(argv[1], "--version")) {
		printf("sprecher %s\n", SPRECHER_VERSION);
		return 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* a closed pipe on -o - is a write error with a message, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	/* audio blocks come and go by the thousand: keep them on the heap, not in fresh zeroed mmaps */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			fputs(usage_main, stdout);
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
			int rc = commands[i].fn(argc - 1, argv + 1);
			engine_stop();
			return rc;
		}
	return usage_error("unknown command", argv[1]);
}
