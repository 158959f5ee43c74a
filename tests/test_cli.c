/*
 * test_cli.c - end-to-end tests of the command line's edges: no audio device
 * at start, option and usage errors, preview's player, front-matter paths, the
 * station configuration file, make install.
 *
 * The binary is $SPRECHER_BIN (./sprecher by default). Each test works in its
 * own temporary directory.
 */
#include "testutil.h"
#include "util.h"

#include <arpa/inet.h>
#include <ebur128.h>
#include <math.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin;
static char errbuf[8192];
static char outbuf[8192];

#define ARTICLE TESTS_DIR "/data/kurz.txt"

/* ---- helpers ----------------------------------------------------------- */

/* How a run differs from a plain one: environment, file size limit, a TCP listener to watch. */
struct runenv {
	const char *env[8];        /* "NAME=value" to set, "NAME" to unset */
	long fsize_limit;          /* bytes, 0 = none */
	int listen_fd;             /* counts connections made to it while the child runs; -1 none */
	int connections;           /* out */
};

/*
 * Runs bin with args (NULL-terminated) under `re`; stdout goes to outbuf,
 * stderr to errbuf. Returns the exit status (128 + signal when killed).
 */
static int run_env(struct runenv *re, const char *const *args)
{
	char errpath[300], outpath[300], xdg[700];
	const char *env[10];
	struct test_proc p = { .out = outpath, .err = errpath, .epoch = "1767225600", .env = env,
			       .alarm_s = 120 };   /* a hang (a FIFO read, a stuck player) fails the test */
	int n = 0, status = 0;
	pid_t pid;

	snprintf(errpath, sizeof(errpath), "%s/stderr.txt", test_dir);
	snprintf(outpath, sizeof(outpath), "%s/stdout.txt", test_dir);
	snprintf(xdg, sizeof(xdg), "XDG_CONFIG_HOME=%s", test_path("no-config"));
	env[n++] = xdg;
	for (int i = 0; re && i < 8 && re->env[i]; i++)
		env[n++] = re->env[i];
	env[n] = NULL;
	p.fsize_limit = re ? re->fsize_limit : 0;
	pid = test_spawn_proc(bin, args, &p);
	for (;;) {
		pid_t w = waitpid(pid, &status, re && re->listen_fd >= 0 ? WNOHANG : 0);
		if (w == pid)
			break;
		if (re && re->listen_fd >= 0) {
			int c = accept(re->listen_fd, NULL, NULL);
			if (c >= 0) {
				re->connections++;
				close(c);
			}
			usleep(2000);
		}
	}
	{
		FILE *f = fopen(errpath, "r");
		size_t k = f ? fread(errbuf, 1, sizeof(errbuf) - 1, f) : 0;
		errbuf[k] = '\0';
		if (f)
			fclose(f);
		f = fopen(outpath, "r");
		k = f ? fread(outbuf, 1, sizeof(outbuf) - 1, f) : 0;
		outbuf[k] = '\0';
		if (f)
			fclose(f);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

#define RUN(...) run_env(NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define RUN_ENV(re, ...) run_env(re, (const char *const[]){ __VA_ARGS__, NULL })

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* A non-blocking TCP listener on 127.0.0.1; its port in *port. */
static int tcp_listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* ---- no audio device at start ------------------------------------------ */

/*
 * A render needs no sound system: with a file size limit far below 64 MiB it
 * still works (eSpeak NG's PulseAudio client made a 64 MiB memfd and died of
 * SIGXFSZ), and with PULSE_SERVER naming a TCP server nobody connects to it.
 */
static void test_no_audio_device(void **state)
{
	struct runenv re = { .fsize_limit = 4 << 20, .listen_fd = -1 };
	struct test_audio d;
	char server[64];
	int port;

	(void)state;
	re.listen_fd = tcp_listener(&port);
	snprintf(server, sizeof(server), "PULSE_SERVER=tcp:127.0.0.1:%d", port);
	re.env[0] = server;
	assert_int_equal(RUN_ENV(&re, "render", ARTICLE, "--segment", "1", "--mono", "--rate", "44100",
				 "--bits", "16", "-o", test_path("a.wav"), "-q"), 0);
	assert_int_equal(re.connections, 0);
	test_decode(test_path("a.wav"), &d);
	assert_true(d.n > 44100);
	free(d.frames);
	/* the text commands that start eSpeak NG too */
	assert_int_equal(RUN_ENV(&re, "voices"), 0);
	assert_int_equal(re.connections, 0);
	close(re.listen_fd);
}


/* ---- command-line edges ------------------------------------------------ */

/* Option errors: one line starting "sprecher:", pointing to the command's help, exit 2. */
static void expect_usage(const char *const *args, const char *what)
{
	assert_int_equal(run_env(NULL, args), 2);
	if (strncmp(errbuf, "sprecher: ", 10) || !strstr(errbuf, what) || strchr(errbuf, '\n') != strrchr(errbuf, '\n')) {
		fprintf(stderr, "unexpected message: %s", errbuf);
		fail();
	}
}

#define USAGE(what, ...) expect_usage((const char *const[]){ __VA_ARGS__, NULL }, what)

static void test_option_errors(void **state)
{
	(void)state;
	USAGE("see sprecher help render)", "render", ARTICLE, "--bogus");
	USAGE("see sprecher help render)", "render", ARTICLE, "-z");
	USAGE("option needs an argument: --voice", "render", ARTICLE, "--voice");
	USAGE("see sprecher help script)", "script", ARTICLE, "--nope");
	/* no abbreviations: --time is not --timeline */
	USAGE("unknown option '--time'; did you mean --timeline?", "render", ARTICLE, "--time", "150");
	USAGE("ambiguous option '--t': --true-peak, --talkup, --timeline", "render", ARTICLE, "--t", "1");
	USAGE("unknown option '--voi'", "render", ARTICLE, "--voi=sprecherin");
	assert_false(exists("150"));
	/* an option's argument that looks like an option is an argument */
	assert_int_equal(RUN("script", ARTICLE, "--voice", "--tim"), 1);
	assert_non_null(strstr(errbuf, "--tim"));
	/* usage errors exit 2, before anything is rendered */
	USAGE("--segment must be N or N-M", "render", ARTICLE, "--segment", "0", "-o", test_path("s.wav"));
	USAGE("--segment must be N or N-M", "render", ARTICLE, "--segment", "3-2", "-o", test_path("s.wav"));
	USAGE("only 7 segments", "render", ARTICLE, "--segment", "99", "-o", test_path("s.wav"));
	USAGE("--speed must be", "render", ARTICLE, "--speed", "0");
	USAGE("--speed must be", "render", ARTICLE, "--speed", "fast");
	USAGE("--player belongs to sprecher preview", "render", ARTICLE, "--player", "true");
	assert_false(exists(test_path("s.wav")));
	/* a missing batch directory does not exist; a file is not a directory */
	USAGE("does not exist", "render", ARTICLE, ARTICLE, "-o", test_path("nowhere"));
	test_write_text(test_path("file"), "x");
	USAGE("not a directory", "render", ARTICLE, ARTICLE, "-o", test_path("file"));
	USAGE("unknown command: renderr", "renderr");
}

static void test_help_and_version(void **state)
{
	(void)state;
	assert_int_equal(RUN("help", "help"), 0);
	assert_non_null(strstr(outbuf, "usage: sprecher help"));
	assert_int_equal(RUN("-V"), 0);
	assert_non_null(strstr(outbuf, "sprecher "));
	assert_int_equal(RUN("help", "render"), 0);
	assert_non_null(strstr(outbuf, "--speed"));
	/* '-' is an output, not a format */
	assert_null(strstr(outbuf, "      --format EXT       extension of default output names: wav, flac, ogg, opus, mp3\n"
				   "                         '-'"));
	assert_non_null(strstr(outbuf, "'-' writes a WAV stream to stdout"));
	USAGE("--format must be", "render", ARTICLE, "--format", "-");
	assert_int_equal(RUN("help", "preview"), 0);
	assert_non_null(strstr(outbuf, "--player CMD"));
}

/* --speed changes the speaking rate: as a percentage or in words per minute. */
static void test_speed(void **state)
{
	struct test_audio d;
	sf_count_t normal, fast, wpm;

	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "--segment", "2", "--no-jingles", "--mono", "-o", test_path("n.wav"), "-q"), 0);
	test_decode(test_path("n.wav"), &d);
	normal = d.n;
	free(d.frames);
	assert_int_equal(RUN("render", ARTICLE, "--segment", "2", "--no-jingles", "--mono", "--speed", "150%",
			     "-o", test_path("f.wav"), "-q"), 0);
	test_decode(test_path("f.wav"), &d);
	fast = d.n;
	free(d.frames);
	assert_int_equal(RUN("render", ARTICLE, "--segment", "2", "--no-jingles", "--mono", "--speed", "120wpm",
			     "-o", test_path("w.wav"), "-q"), 0);
	test_decode(test_path("w.wav"), &d);
	wpm = d.n;
	free(d.frames);
	/* speech at 1.5 times the rate: well under 80 % of the time (pauses stay) */
	assert_true(fast < normal * 0.8);
	/* 120 wpm is slower than the preset's 158 */
	assert_true(wpm > normal * 1.15);
	assert_int_equal(RUN("script", ARTICLE, "--speed", "200"), 0);
}

/* Options that do nothing say so. */
static void test_unused_options_warn(void **state)
{
	(void)state;
	assert_int_equal(RUN("render", ARTICLE, "--segment", "1", "--no-jingles", "--talkup", "500",
			     "-o", test_path("t.wav")), 0);
	assert_non_null(strstr(errbuf, "warning: talkup: no intro to speak over with --no-jingles"));
}

/* ---- preview ----------------------------------------------------------- */

static void write_script(const char *path, const char *body)
{
	test_write_text(path, body);
	assert_int_equal(chmod(path, 0755), 0);
}

static void test_preview_player(void **state)
{
	struct runenv re = { .listen_fd = -1 };
	char player[600], path[600];
	struct test_audio d;

	(void)state;
	/* a player that fails: its complaint and ours, exit 1 */
	write_script(test_path("badplay"), "#!/bin/sh\necho 'badplay: audio open error: no such device' >&2\nexit 1\n");
	assert_int_equal(RUN("preview", ARTICLE, "1", "--player", test_path("badplay")), 1);
	assert_non_null(strstr(errbuf, "could not play the segment: badplay: audio open error"));
	assert_non_null(strstr(errbuf, "-o - | aplay"));
	/* a player killed by a signal fails too */
	write_script(test_path("killplay"), "#!/bin/sh\nkill -9 $$\n");
	assert_int_equal(RUN("preview", ARTICLE, "1", "--player", test_path("killplay")), 1);
	assert_non_null(strstr(errbuf, "could not play"));
	/* a player that works gets a WAV file as its last argument; the file is gone afterwards */
	snprintf(player, sizeof(player), "cp -t %s", test_dir);
	assert_int_equal(RUN("preview", ARTICLE, "1", "--player", player), 0);
	{
		char cmd[700];
		snprintf(cmd, sizeof(cmd), "cd %s && mv sprecher-preview-*.wav got.wav", test_dir);
		assert_int_equal(system(cmd), 0);
	}
	test_decode(test_path("got.wav"), &d);
	assert_true(d.n > 48000);
	free(d.frames);
	/* no player anywhere on PATH: how to pipe instead */
	snprintf(path, sizeof(path), "PATH=%s", test_path("empty"));
	re.env[0] = path;
	assert_int_equal(RUN_ENV(&re, "preview", ARTICLE, "1"), 1);
	assert_non_null(strstr(errbuf, "no audio player found"));
	assert_non_null(strstr(errbuf, "-o - | aplay"));
	/* a player but no sound device (where the machine has none) */
	{
		struct stat st;
		if (stat("/dev/snd", &st) != 0) {
			char rt[600];
			mkdir(test_path("bin"), 0755);
			write_script(test_path("bin/aplay"), "#!/bin/sh\nexit 0\n");
			snprintf(path, sizeof(path), "PATH=%s", test_path("bin"));
			snprintf(rt, sizeof(rt), "XDG_RUNTIME_DIR=%s", test_dir);
			re.env[1] = rt;
			re.env[2] = "PULSE_SERVER";
			assert_int_equal(RUN_ENV(&re, "preview", ARTICLE, "1"), 1);
			assert_non_null(strstr(errbuf, "no sound device"));
		}
	}
	USAGE("segments count from 1", "preview", ARTICLE, "0", "--player", "true");
}


/* ---- the station configuration file ------------------------------------ */

/* Writes $XDG_CONFIG_HOME/sprecher/config under test_dir; returns the XDG_CONFIG_HOME= entry. */
static const char *write_config(const char *text)
{
	static char env[400];

	mkdir(test_path("xdg"), 0755);
	mkdir(test_path("xdg/sprecher"), 0755);
	test_write_text(test_path("xdg/sprecher/config"), text);
	snprintf(env, sizeof(env), "XDG_CONFIG_HOME=%s", test_path("xdg"));
	return env;
}

static double integrated(const char *path)
{
	struct test_audio d;
	ebur128_state *st;
	double l;

	test_decode(path, &d);
	st = ebur128_init((unsigned)d.info.channels, (unsigned long)d.info.samplerate, EBUR128_MODE_I);
	if (d.info.channels == 1)
		ebur128_set_channel(st, 0, EBUR128_DUAL_MONO);   /* sprecher's convention */
	ebur128_add_frames_float(st, d.frames, (size_t)d.n);
	ebur128_loudness_global(st, &l);
	ebur128_destroy(&st);
	free(d.frames);
	return l;
}

static void test_config_defaults(void **state)
{
	struct runenv re = { .listen_fd = -1 };
	struct test_audio d;
	char cfg[1200];

	(void)state;
	mkdir(test_path("out"), 0755);
	snprintf(cfg, sizeof(cfg), "; our station\n[render]\nloudness = podcast\nformat = flac\nmono = yes\n"
		 "output-dir = out\nvoice = sprecherin\nno-jingles = yes\n");
	re.env[0] = write_config(cfg);
	/* output-dir is relative to the configuration file: make it so */
	rename(test_path("out"), test_path("xdg/sprecher/out"));
	assert_int_equal(RUN_ENV(&re, "render", ARTICLE, "--segment", "2", "-q"), 0);
	test_decode(test_path("xdg/sprecher/out/kurz.flac"), &d);
	assert_int_equal(d.info.channels, 1);
	assert_int_equal(d.info.format & SF_FORMAT_TYPEMASK, SF_FORMAT_FLAC);
	free(d.frames);
	assert_true(fabs(integrated(test_path("xdg/sprecher/out/kurz.flac")) - -16.0) < 0.6);
	/* the command line wins */
	assert_int_equal(RUN_ENV(&re, "render", ARTICLE, "--segment", "2", "--loudness", "ebu",
				 "-o", test_path("ebu.wav"), "-q"), 0);
	assert_true(fabs(integrated(test_path("ebu.wav")) - -23.0) < 0.6);
	/* the station voice, unless the article's front matter chooses one */
	assert_int_equal(RUN_ENV(&re, "script", ARTICLE), 0);
	assert_non_null(strstr(outbuf, " sprecherin "));
	test_write_text(test_path("fm.txt"), "---\nvoice: podcast\n---\nTitel\n\nEin Satz steht hier.\n");
	assert_int_equal(RUN_ENV(&re, "script", test_path("fm.txt")), 0);
	assert_non_null(strstr(outbuf, " podcast "));
	assert_null(strstr(outbuf, " sprecherin "));
	assert_int_equal(RUN_ENV(&re, "script", test_path("fm.txt"), "--voice", "nachrichten"), 0);
	assert_null(strstr(outbuf, " podcast "));
}

static void expect_config_error(const char *text, const char *what)
{
	struct runenv re = { .listen_fd = -1 };

	re.env[0] = write_config(text);
	assert_int_not_equal(RUN_ENV(&re, "render", ARTICLE, "-o", test_path("x.wav")), 0);
	if (!strstr(errbuf, test_path("xdg/sprecher/config")) || !strstr(errbuf, what) ||
	    strchr(errbuf, '\n') != strrchr(errbuf, '\n')) {
		fprintf(stderr, "unexpected message: %s", errbuf);
		fail();
	}
	assert_false(exists(test_path("x.wav")));
	/* --no-config: the file is not read */
	assert_int_equal(RUN_ENV(&re, "script", ARTICLE, "--no-config"), 0);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("[render]\nloudness = laut\n", "config:2: --loudness must be");
	expect_config_error("[render]\n\nvoices = x\n", "config:3: unknown key 'voices'");
	expect_config_error("[render]\noutput = a.wav\n", "config:2: unknown key 'output'");
	expect_config_error("[render]\nsegment = 2\n", "config:2: unknown key 'segment'");
	expect_config_error("loudness = ebu\n", "config:1: 'loudness' outside the [render] section");
	expect_config_error("[render]\nmono = vielleicht\n", "config:2: mono must be yes or no");
	expect_config_error("[render]\nmono\n", "config:2: not \"key = value\"");
	expect_config_error("[render]\nvoice = gibtsnicht\n", "unknown voice preset 'gibtsnicht'");
	{
		const char text[] = "[render]\nvoice = a\0b\nmono = yes\n";
		char *p = xstrdup(test_path("xdg/sprecher/config"));
		FILE *f = fopen(p, "wb");
		assert_non_null(f);
		fwrite(text, 1, sizeof(text) - 1, f);
		fclose(f);
		{
			struct runenv re = { .listen_fd = -1 };
			char env[400];
			snprintf(env, sizeof(env), "XDG_CONFIG_HOME=%s", test_path("xdg"));
			re.env[0] = env;
			assert_int_equal(RUN_ENV(&re, "script", ARTICLE), 1);
			assert_non_null(strstr(errbuf, "config:2: a NUL byte"));
		}
		free(p);
	}
	/* a FIFO in its place is refused, not waited on */
	{
		struct runenv re = { .listen_fd = -1 };
		char env[400];
		unlink(test_path("xdg/sprecher/config"));
		assert_int_equal(mkfifo(test_path("xdg/sprecher/config"), 0600), 0);
		snprintf(env, sizeof(env), "XDG_CONFIG_HOME=%s", test_path("xdg"));
		re.env[0] = env;
		assert_int_equal(RUN_ENV(&re, "script", ARTICLE), 1);
		assert_non_null(strstr(errbuf, "not a regular file"));
	}
}



/* Front matter sets what the command line can (talkup, loudness); other keys are warnings. */
static void test_front_matter_keys(void **state)
{
	char art[600];

	(void)state;
	snprintf(art, sizeof(art), "%s", test_path("fm.txt"));   /* test_path's buffers rotate */
	test_write_text(art, "---\ntitle: Kurz\nloudness: podcast\ntalkup: 300\nfarbe: blau\n---\n"
		   "Der Stadtrat hat am Dienstag einen neuen Fahrplan beschlossen.\n");
	assert_int_equal(RUN("render", art, "-o", test_path("fm.wav")), 0);
	assert_true(fabs(integrated(test_path("fm.wav")) - -16.0) < 0.6);
	assert_non_null(strstr(errbuf, "fm.txt:5: front matter: unknown key 'farbe' ignored"));
	/* the command line wins */
	assert_int_equal(RUN("render", art, "-o", test_path("fm2.wav"), "--loudness", "ebu", "-q"), 0);
	assert_true(fabs(integrated(test_path("fm2.wav")) - -23.0) < 0.6);
	/* speed: as --speed, which wins */
	test_write_text(art, "---\nspeed: 200%\n---\nDer Stadtrat hat am Dienstag einen neuen Fahrplan beschlossen.\n");
	{
		struct test_audio d;
		sf_count_t fast, normal;
		assert_int_equal(RUN("render", art, "--no-jingles", "-o", test_path("sp.wav"), "-q"), 0);
		test_decode(test_path("sp.wav"), &d);
		fast = d.n;
		free(d.frames);
		assert_int_equal(RUN("render", art, "--no-jingles", "--speed", "100%", "-o", test_path("sp.wav"), "-q"), 0);
		test_decode(test_path("sp.wav"), &d);
		normal = d.n;
		free(d.frames);
		assert_true(fast < normal * 0.75);
	}
	test_write_text(art, "---\nspeed: schnell\n---\nEin Satz steht hier.\n");
	assert_int_equal(RUN("script", art), 1);
	assert_non_null(strstr(errbuf, "fm.txt:2: front matter speed: must be"));
	/* a bad value names the article's line */
	test_write_text(art, "---\ntitle: Kurz\ntalkup: lange\n---\nEin Satz steht hier.\n");
	assert_int_equal(RUN("render", art, "-o", test_path("fm3.wav")), 1);
	assert_non_null(strstr(errbuf, "fm.txt:3: front matter talkup: must be milliseconds"));
	assert_false(exists(test_path("fm3.wav")));
}


/* ---- front-matter files ------------------------------------------------ */

static void test_front_matter_paths(void **state)
{
	struct runenv re = { .listen_fd = -1 };
	char art[600], fm[2048];
	const char *jingle;

	(void)state;
	mkdir(test_path("art"), 0755);
	mkdir(test_path("art/jingles"), 0755);
	/* a real jingle, made by sprecher itself */
	assert_int_equal(RUN("render", ARTICLE, "--segment", "1", "--no-jingles", "-o", test_path("art/jingles/in.wav"), "-q"), 0);
	assert_int_equal(rename(test_path("art/jingles/in.wav"), test_path("in.wav")), 0);
	assert_int_equal(link(test_path("in.wav"), test_path("art/jingles/in.wav")), 0);
	snprintf(art, sizeof(art), "%s", test_path("art/a.txt"));

	/* inside the article's tree, relative to the article (not to the working directory) */
	test_write_text(art, "---\nintro: jingles/in.wav\nvoice: meine.ini\n---\nTitel\n\nEin Satz steht hier.\n");
	test_write_text(test_path("art/meine.ini"), "[voice]\nrate = 200\n");
	assert_int_equal(RUN("render", art, "-o", test_path("ok.wav"), "-q"), 0);
	assert_int_equal(RUN("script", art), 0);
	assert_non_null(strstr(outbuf, " meine "));

	/* outside: ../, absolute, a symbolic link leading out */
	jingle = test_path("in.wav");
	snprintf(fm, sizeof(fm), "---\nintro: %s\n---\nEin Satz steht hier.\n", jingle);
	test_write_text(art, fm);
	assert_int_equal(RUN("render", art, "-o", test_path("x.wav")), 1);
	assert_non_null(strstr(errbuf, "a.txt: front matter intro: "));
	assert_non_null(strstr(errbuf, "outside the article's directory"));
	test_write_text(art, "---\noutro: ../in.wav\n---\nEin Satz steht hier.\n");
	assert_int_equal(RUN("render", art, "-o", test_path("x.wav")), 1);
	assert_non_null(strstr(errbuf, "front matter outro: ../in.wav: outside"));
	assert_int_equal(symlink("../in.wav", test_path("art/link.wav")), 0);
	test_write_text(art, "---\nstinger: link.wav\n---\nEin Satz steht hier.\n\nNoch ein Satz.\n");
	assert_int_equal(RUN("render", art, "-o", test_path("x.wav")), 1);
	assert_non_null(strstr(errbuf, "outside"));
	assert_false(exists(test_path("x.wav")));
	/* ... unless the user trusts the article */
	assert_int_equal(RUN("render", art, "-o", test_path("x.wav"), "--trust-front-matter", "-q"), 0);

	/* a FIFO is refused at once, not read forever */
	assert_int_equal(mkfifo(test_path("art/jingles/fifo.wav"), 0600), 0);
	test_write_text(art, "---\nintro: jingles/fifo.wav\n---\nEin Satz steht hier.\n");
	assert_int_equal(RUN("render", art, "-o", test_path("x2.wav")), 1);
	assert_non_null(strstr(errbuf, "jingles/fifo.wav: not a regular file"));

	/* a voice file outside: refused; trusted, its content is still not echoed */
	test_write_text(test_path("secret.ini"), "geheim:x:0:0:Kennwort\n");
	test_write_text(art, "---\nvoice: ../secret.ini\n---\nEin Satz steht hier.\n");
	assert_int_equal(RUN_ENV(&re, "script", art), 1);
	assert_non_null(strstr(errbuf, "front matter voice: ../secret.ini: outside"));
	assert_int_equal(RUN_ENV(&re, "script", art, "--trust-front-matter"), 1);
	assert_non_null(strstr(errbuf, "not a voice preset"));
	assert_null(strstr(errbuf, "geheim"));
	/* a preset name is looked up among the presets, as before */
	test_write_text(art, "---\nvoice: sprecherin\n---\nEin Satz steht hier.\n");
	assert_int_equal(RUN("script", art), 0);
}

/* ---- make install: man page and completion ----------------------------- */

/* Runs a shell command line with stdout in outbuf; returns its exit status. */
static int sh_out(const char *cmd)
{
	char full[4096];
	FILE *f;
	size_t k;

	snprintf(full, sizeof(full), "unset MAKEFLAGS MFLAGS MAKELEVEL; %s > %s/sh.txt 2>&1", cmd, test_dir);
	int rc = system(full);
	snprintf(full, sizeof(full), "%s/sh.txt", test_dir);
	f = fopen(full, "r");
	k = f ? fread(outbuf, 1, sizeof(outbuf) - 1, f) : 0;
	outbuf[k] = '\0';
	if (f)
		fclose(f);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

static void test_install(void **state)
{
	char cmd[1200], root[600], *help, *man, *p;

	(void)state;
	snprintf(root, sizeof(root), "%s", test_path("inst"));   /* test_path's buffers rotate */
	snprintf(cmd, sizeof(cmd), "make -s install DESTDIR=%s PREFIX=/usr", root);
	assert_int_equal(sh_out(cmd), 0);
	assert_true(exists(test_path("inst/usr/bin/sprecher")));
	assert_true(exists(test_path("inst/usr/share/sprecher/voices/nachrichten.ini")));
	assert_true(exists(test_path("inst/usr/share/man/man1/sprecher.1")));
	assert_true(exists(test_path("inst/usr/share/bash-completion/completions/sprecher")));
	assert_true(exists(test_path("inst/usr/share/zsh/site-functions/_sprecher")));
	/* the installed program finds its installed presets */
	snprintf(cmd, sizeof(cmd), "SPRECHER_VOICES= %s/usr/bin/sprecher voices", root);
	assert_int_equal(sh_out(cmd), 0);
	assert_non_null(strstr(outbuf, "/share/sprecher/voices):\nnachrichten\t"));

	/* the man page documents every option `help render` offers */
	assert_int_equal(RUN("help", "render"), 0);
	help = xstrdup(outbuf);
	man = test_slurp(test_path("inst/usr/share/man/man1/sprecher.1"), NULL);
	assert_non_null(man);
	for (p = strstr(help, "--"); p; p = strstr(p + 2, "--")) {
		char opt[64], roff[80];
		size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		if (!n)
			continue;
		snprintf(opt, sizeof(opt), "%.*s", (int)n, p + 2);
		/* roff writes '-' as "\-" */
		size_t k = (size_t)snprintf(roff, sizeof(roff), "\\-\\-");
		for (size_t i = 0; i < n && k + 3 < sizeof(roff); i++) {
			if (opt[i] == '-')
				roff[k++] = '\\';
			roff[k++] = opt[i];
		}
		roff[k] = '\0';
		if (!strstr(man, roff)) {
			fprintf(stderr, "doc/sprecher.1 does not mention --%s\n", opt);
			fail();
		}
	}
	free(man);
	free(help);
	/* and man renders it, where man is installed */
	if (sh_out("command -v man") == 0) {
		snprintf(cmd, sizeof(cmd), "MANWIDTH=80 man -l %s/usr/share/man/man1/sprecher.1", root);
		assert_int_equal(sh_out(cmd), 0);
		assert_non_null(strstr(outbuf, "SYNOPSIS"));
		assert_non_null(strstr(outbuf, "--speed"));
	}
	/* bash completion: commands, options from the program, presets for --voice */
	snprintf(cmd, sizeof(cmd), "bash -c 'source %s/usr/share/bash-completion/completions/sprecher; "
		 "COMP_WORDS=(%s ren); COMP_CWORD=1; _sprecher; echo \"[${COMPREPLY[*]}]\"; "
		 "COMP_WORDS=(%s render x --spe); COMP_CWORD=3; _sprecher; echo \"[${COMPREPLY[*]}]\"; "
		 "COMP_WORDS=(%s render x --voice sprecheri); COMP_CWORD=4; _sprecher; echo \"[${COMPREPLY[*]}]\"'",
		 root, bin, bin, bin);
	assert_int_equal(sh_out(cmd), 0);
	assert_non_null(strstr(outbuf, "[render]\n[--speed]\n[sprecherin sprecherin-zitat]\n"));
	if (sh_out("command -v zsh") == 0) {
		snprintf(cmd, sizeof(cmd), "zsh -n %s/usr/share/zsh/site-functions/_sprecher", root);
		assert_int_equal(sh_out(cmd), 0);
	}
}

/* ---- main -------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	return test_dir_make("cli");
}

static int teardown(void **state)
{
	(void)state;
	return test_dir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_audio_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_option_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_and_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_speed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unused_options_warn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_player, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_front_matter_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_front_matter_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install, setup, teardown),
	};

	bin = getenv("SPRECHER_BIN");
	if (!bin)
		bin = "./sprecher";
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
