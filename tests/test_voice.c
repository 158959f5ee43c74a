/*
 * test_voice.c - voice presets: the shipped presets by name and by path,
 * defaults, role presets, errors with FILE:LINE, voice_list.
 */
#include "testutil.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "voice.h"

static char voices_dir[PATH_MAX];

/* Writes `text` to a new temporary .ini file; returns its malloc'd path. */
static char *tmp_ini(const char *text)
{
	char *path = xstrdup("/tmp/sprecher-voice-XXXXXX.ini");
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Loads `text` from a temporary file and expects the error "PATH:" + want_after_path. */
static void expect_error(const char *text, const char *want_after_path)
{
	char *path = tmp_ini(text);
	struct voice_preset p;
	struct err e;
	char want[sizeof e.msg];
	int rc;

	e.msg[0] = '\0';
	rc = voice_load(path, &p, &e);
	snprintf(want, sizeof want, "%s:%s", path, want_after_path);
	/* clean up first: a failed assertion does not return */
	unlink(path);
	free(path);
	assert_int_equal(rc, -1);
	assert_string_equal(e.msg, want);
}

static int setup(void **state)
{
	(void)state;
	if (!realpath("voices", voices_dir))
		return -1;
	return setenv("SPRECHER_VOICES", voices_dir, 1);
}

static void test_voice_dir(void **state)
{
	(void)state;
	assert_string_equal(voice_dir(), voices_dir);
	/* an empty variable is ignored: some directory ending in /voices */
	assert_int_equal(setenv("SPRECHER_VOICES", "", 1), 0);
	const char *d = voice_dir();
	assert_true(strlen(d) > 7);
	assert_string_equal(d + strlen(d) - 7, "/voices");
	assert_int_equal(setenv("SPRECHER_VOICES", voices_dir, 1), 0);
	assert_string_equal(voice_dir(), voices_dir);
}

static void test_load_by_name(void **state)
{
	struct voice_preset p;
	struct err e;
	char path[PATH_MAX + 32];

	(void)state;
	assert_int_equal(voice_load(VOICE_DEFAULT, &p, &e), 0);
	assert_string_equal(p.name, "nachrichten");
	snprintf(path, sizeof path, "%s/nachrichten.ini", voices_dir);
	assert_string_equal(p.path, path);
	assert_string_equal(p.description, "Nachrichtensprecher (Standard): ruhig, sachlich");
	assert_string_equal(p.espeak, "de");
	assert_string_equal(p.variant, "");
	assert_int_equal(p.rate, 158);
	assert_int_equal(p.pitch, 40);
	assert_int_equal(p.range, 36);
	assert_int_equal(p.volume, 100);
	assert_int_equal(p.wordgap, 0);
	assert_int_equal(p.pause_sentence_ms, 450);
	assert_int_equal(p.pause_paragraph_ms, 900);
	assert_int_equal(p.pause_section_ms, 1400);
	assert_string_equal(p.role[ROLE_TITLE], "nachrichten-titel");
	assert_string_equal(p.role[ROLE_HEADING], "nachrichten-titel");
	assert_string_equal(p.role[ROLE_QUOTE], "nachrichten-zitat");
	assert_string_equal(p.role[ROLE_BODY], "");
	assert_string_equal(p.role[ROLE_LIST], "");

	assert_int_equal(voice_load("sprecherin", &p, &e), 0);
	assert_string_equal(p.name, "sprecherin");
	assert_string_equal(p.variant, "f2");
	assert_int_equal(p.pitch, 50);
	assert_string_equal(p.role[ROLE_QUOTE], "sprecherin-zitat");

	assert_int_equal(voice_load("nachrichten-zitat", &p, &e), 0);
	assert_string_equal(p.variant, "m3");
	assert_int_equal(p.rate, 156);

	assert_int_equal(voice_load("nachrichten-titel", &p, &e), 0);
	assert_int_equal(p.rate, 146);
	assert_int_equal(p.wordgap, 1);

	/* a description with an umlaut */
	assert_int_equal(voice_load("podcast", &p, &e), 0);
	assert_string_equal(p.description, "Podcast: lebhafter, schneller, kürzere Pausen");
	assert_int_equal(p.rate, 172);
	assert_int_equal(p.range, 55);
	assert_int_equal(p.pause_sentence_ms, 350);
	assert_int_equal(p.pause_paragraph_ms, 700);
	assert_int_equal(p.pause_section_ms, 1100);
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_string_equal(p.role[r], "");
}

static void test_load_by_path(void **state)
{
	struct voice_preset p;
	struct err e;

	(void)state;
	/* a relative path (the tests run from the repository top) */
	assert_int_equal(voice_load("voices/podcast.ini", &p, &e), 0);
	assert_string_equal(p.name, "podcast");
	assert_string_equal(p.path, "voices/podcast.ini");
	assert_int_equal(p.rate, 172);
	/* "./" prefix */
	assert_int_equal(voice_load("./voices/nachrichten.ini", &p, &e), 0);
	assert_string_equal(p.name, "nachrichten");
	assert_int_equal(p.pitch, 40);

	/* a copy in another directory, named after its file */
	char *text = NULL;
	size_t len;
	assert_int_equal(read_file("voices/podcast.ini", &text, &len, &e), 0);
	char *path = tmp_ini(text);
	free(text);
	assert_int_equal(voice_load(path, &p, &e), 0);
	assert_string_equal(p.path, path);
	const char *base = strrchr(path, '/') + 1;
	assert_int_equal(strlen(p.name), strlen(base) - 4);
	assert_memory_equal(p.name, base, strlen(base) - 4);
	assert_int_equal(p.rate, 172);
	unlink(path);
	free(path);
}

static void test_defaults(void **state)
{
	struct voice_preset p;
	struct err e;
	char *path;

	(void)state;
	/* an empty file gives the built-in defaults */
	path = tmp_ini("");
	assert_int_equal(voice_load(path, &p, &e), 0);
	assert_string_equal(p.espeak, "de");
	assert_string_equal(p.variant, "");
	assert_string_equal(p.description, "");
	assert_int_equal(p.rate, 160);
	assert_int_equal(p.pitch, 45);
	assert_int_equal(p.range, 40);
	assert_int_equal(p.volume, 100);
	assert_int_equal(p.wordgap, 0);
	assert_int_equal(p.pause_sentence_ms, 400);
	assert_int_equal(p.pause_paragraph_ms, 800);
	assert_int_equal(p.pause_section_ms, 1200);
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_string_equal(p.role[r], "");
	unlink(path);
	free(path);

	/* only some keys: the rest keep their defaults; comments and the range ends */
	path = tmp_ini("; Kommentar\n"
		       "# auch ein Kommentar\n"
		       "[voice]\n"
		       "rate = 450\n"
		       "pitch=0\n"
		       "volume   =   200  \n"
		       "[pauses]\n"
		       "section = 10000\n"
		       "sentence = 0\n");
	assert_int_equal(voice_load(path, &p, &e), 0);
	assert_int_equal(p.rate, 450);
	assert_int_equal(p.pitch, 0);
	assert_int_equal(p.volume, 200);
	assert_int_equal(p.range, 40);
	assert_int_equal(p.pause_section_ms, 10000);
	assert_int_equal(p.pause_sentence_ms, 0);
	assert_int_equal(p.pause_paragraph_ms, 800);
	unlink(path);
	free(path);

	/* the header's own example uses inline "; ..." comments */
	path = tmp_ini("[voice]\n"
		       "description = Test, ruhig\n"
		       "espeak  = de          ; eSpeak NG voice name\n"
		       "variant = m3          ; eSpeak variant, optional\n"
		       "rate    = 158         ; words per minute\n"
		       "[pauses]              ; milliseconds of silence after ...\n"
		       "sentence  = 420\n"
		       "[roles]               ; optional: other presets for some roles\n"
		       "title = nachrichten-titel\n");
	e.msg[0] = '\0';
	if (voice_load(path, &p, &e))
		fail_msg("header example does not load: %s", e.msg);
	assert_string_equal(p.espeak, "de");
	assert_string_equal(p.variant, "m3");
	assert_int_equal(p.rate, 158);
	assert_int_equal(p.pause_sentence_ms, 420);
	assert_string_equal(p.role[ROLE_TITLE], "nachrichten-titel");
	unlink(path);
	free(path);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("[voice]\nrate = 150\nspeed = 3\n", "3: unknown key 'speed' in [voice]");
	expect_error("[voice]\nrate = 150\n[pausen]\nsatz = 3\n", "4: unknown key 'satz' in [pausen]");
	expect_error("[voice]\nrate = 20\n", "2: rate must be a number from 80 to 450");
	expect_error("[voice]\nrate = 451\n", "2: rate must be a number from 80 to 450");
	expect_error("[voice]\n\npitch = 100\n", "3: pitch must be a number from 0 to 99");
	expect_error("[voice]\npitch = -1\n", "2: pitch must be a number from 0 to 99");
	expect_error("[voice]\npitch = hoch\n", "2: pitch must be a number from 0 to 99");
	expect_error("[voice]\npitch = 40 Hz\n", "2: pitch must be a number from 0 to 99");
	expect_error("[voice]\nvolume = 201\n", "2: volume must be a number from 0 to 200");
	expect_error("[voice]\nwordgap = 101\n", "2: wordgap must be a number from 0 to 100");
	expect_error("[pauses]\nparagraph = 10001\n", "2: paragraph must be a number from 0 to 10000");
	expect_error("[pauses]\nsentence = \n", "2: sentence must be a number from 0 to 10000");
	expect_error("[roles]\nnarrator = podcast\n", "2: unknown role 'narrator'");
	expect_error("[voice]\nrate 150\n", "2: syntax error");
}

/* With two mistakes, the message belongs to the line it names (the first). */
static void test_errors_first(void **state)
{
	(void)state;
	expect_error("[voice]\nspeed = 3\nrate = 20\n", "2: unknown key 'speed' in [voice]");
	expect_error("[voice]\nrate 150\npitch = 100\n", "2: syntax error");
	/* an unclosed section header: the keys after it must not replace its message */
	expect_error("[voice\nrate = 150\n", "1: syntax error");
	/* a file that is no preset at all: its content is not echoed */
	expect_error("root:$y$j9T$geheim:19000:0:99999:7:::\n",
		     "1: not a voice preset: a key outside [voice], [pauses] and [roles]");
	{
		/* a FIFO in a preset's place is refused at once, not waited on */
		char fifo[] = "/tmp/sprecher-voice-fifo-XXXXXX";
		struct voice_preset p;
		struct err e;
		assert_non_null(mkdtemp(fifo));
		char path[sizeof fifo + 16];
		snprintf(path, sizeof path, "%s/x.ini", fifo);
		assert_int_equal(mkfifo(path, 0600), 0);
		assert_int_equal(voice_load(path, &p, &e), -1);
		assert_non_null(strstr(e.msg, "not a voice preset file"));
		unlink(path);
		rmdir(fifo);
	}
}

static void test_unknown(void **state)
{
	struct voice_preset p;
	struct err e;

	(void)state;
	assert_int_equal(voice_load("gibtsnicht", &p, &e), -1);
	assert_string_equal(e.msg, "unknown voice preset 'gibtsnicht' (see sprecher voices)");
	assert_int_equal(voice_load("", &p, &e), -1);
	assert_string_equal(e.msg, "unknown voice preset '' (see sprecher voices)");
	{
		char longname[200];
		memset(longname, 'n', sizeof longname - 1);
		longname[sizeof longname - 1] = '\0';
		assert_int_equal(voice_load(longname, &p, &e), -1);
		assert_non_null(strstr(e.msg, "unknown voice preset 'nnnn"));
	}
	/* a path that does not exist: the path and the reason */
	assert_int_equal(voice_load("/nonexistent/sprecher/x.ini", &p, &e), -1);
	assert_string_equal(e.msg, "/nonexistent/sprecher/x.ini: cannot read: No such file or directory");
	/* NULL error struct is fine */
	assert_int_equal(voice_load("gibtsnicht", &p, NULL), -1);
}

/* A directory is not a preset: loading it must fail, not give the defaults. */
static void test_directory(void **state)
{
	struct voice_preset p;
	struct err e;

	(void)state;
	e.msg[0] = '\0';
	assert_int_equal(voice_load("voices/", &p, &e), -1);
	assert_non_null(strstr(e.msg, "voices/"));
}

static void test_roles(void **state)
{
	struct voice_preset base, out[ROLE__COUNT];
	struct err e;

	(void)state;
	assert_int_equal(voice_load(VOICE_DEFAULT, &base, &e), 0);
	assert_int_equal(voice_load_roles(&base, out, &e), 0);
	assert_string_equal(out[ROLE_TITLE].name, "nachrichten-titel");
	assert_int_equal(out[ROLE_TITLE].rate, 146);
	assert_string_equal(out[ROLE_HEADING].name, "nachrichten-titel");
	assert_string_equal(out[ROLE_QUOTE].name, "nachrichten-zitat");
	assert_string_equal(out[ROLE_QUOTE].variant, "m3");
	assert_string_equal(out[ROLE_BODY].name, "nachrichten");
	assert_int_equal(out[ROLE_BODY].rate, 158);
	assert_string_equal(out[ROLE_LIST].name, "nachrichten");
	assert_memory_equal(&out[ROLE_BODY], &base, sizeof base);

	/* the female programme keeps a female voice in every role */
	assert_int_equal(voice_load("sprecherin", &base, &e), 0);
	assert_int_equal(voice_load_roles(&base, out, &e), 0);
	assert_string_equal(out[ROLE_TITLE].name, "nachrichten-titel");
	assert_int_equal(out[ROLE_TITLE].rate, 146);
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_int_equal(out[r].variant[0], 'f');
	/* and a role preset with a voice of its own keeps it */
	assert_int_equal(voice_load(VOICE_DEFAULT, &base, &e), 0);
	assert_int_equal(voice_load_roles(&base, out, &e), 0);
	assert_string_equal(out[ROLE_TITLE].variant, "");
	assert_string_equal(out[ROLE_QUOTE].variant, "m3");

	/* a preset without roles: every role is a copy */
	assert_int_equal(voice_load("podcast", &base, &e), 0);
	assert_int_equal(voice_load_roles(&base, out, &e), 0);
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_memory_equal(&out[r], &base, sizeof base);

	/* pauses come from the base preset, the voice from the role's preset */
	char *path = tmp_ini("[voice]\nrate = 200\n"
			     "[pauses]\nsentence = 111\nparagraph = 222\nsection = 333\n"
			     "[roles]\nquote = podcast\ntitle = nachrichten-titel\nlist = podcast\n");
	assert_int_equal(voice_load(path, &base, &e), 0);
	assert_int_equal(voice_load_roles(&base, out, &e), 0);
	assert_string_equal(out[ROLE_QUOTE].name, "podcast");
	assert_int_equal(out[ROLE_QUOTE].rate, 172);
	assert_int_equal(out[ROLE_LIST].rate, 172);
	assert_int_equal(out[ROLE_TITLE].rate, 146);
	assert_int_equal(out[ROLE_BODY].rate, 200);
	assert_int_equal(out[ROLE_HEADING].rate, 200);
	for (int r = 0; r < ROLE__COUNT; r++) {
		assert_int_equal(out[r].pause_sentence_ms, 111);
		assert_int_equal(out[r].pause_paragraph_ms, 222);
		assert_int_equal(out[r].pause_section_ms, 333);
	}
	unlink(path);
	free(path);

	/* a role naming an unknown preset */
	path = tmp_ini("[roles]\nheading = gibtsnicht\n");
	assert_int_equal(voice_load(path, &base, &e), 0);
	e.msg[0] = '\0';
	assert_int_equal(voice_load_roles(&base, out, &e), -1);
	assert_string_equal(e.msg, "unknown voice preset 'gibtsnicht' (see sprecher voices)");
	unlink(path);
	free(path);

	/* a role naming a broken preset: its FILE:LINE error comes through */
	char *bad = tmp_ini("[voice]\nrate = 1\n");
	struct sb s;
	sb_init(&s);
	sb_addf(&s, "[roles]\nquote = %s\n", bad);
	path = tmp_ini(s.buf);
	assert_int_equal(voice_load(path, &base, &e), 0);
	assert_int_equal(voice_load_roles(&base, out, &e), -1);
	sb_reset(&s);
	sb_addf(&s, "%s:2: rate must be a number from 80 to 450", bad);
	assert_string_equal(e.msg, s.buf);
	sb_release(&s);
	unlink(bad);
	free(bad);
	unlink(path);
	free(path);
}

static void test_list(void **state)
{
	struct sb s;
	const char *p;

	(void)state;
	sb_init(&s);
	voice_list(&s);
	assert_non_null(strstr(s.buf, "nachrichten\tNachrichtensprecher (Standard): ruhig, sachlich\n"));
	assert_non_null(strstr(s.buf, "podcast\tPodcast: lebhafter, schneller, kürzere Pausen\n"));
	assert_non_null(strstr(s.buf, "sprecherin\tNachrichtensprecherin: ruhig, sachlich\n"));
	assert_non_null(strstr(s.buf, "nachrichten-titel\t"));
	assert_non_null(strstr(s.buf, "nachrichten-zitat\t"));
	/* sorted by name, one line each, nothing but .ini files */
	assert_int_equal(strncmp(s.buf, "nachrichten\t", 12), 0);
	p = strstr(s.buf, "\nnachrichten-titel\t");
	assert_non_null(p);
	assert_true(p < strstr(s.buf, "\nnachrichten-zitat\t"));
	assert_true(strstr(s.buf, "\nnachrichten-zitat\t") < strstr(s.buf, "\npodcast\t"));
	assert_true(strstr(s.buf, "\npodcast\t") < strstr(s.buf, "\nsprecherin\t"));
	assert_null(strstr(s.buf, "lexicon"));
	assert_int_equal(s.buf[s.len - 1], '\n');
	for (p = s.buf; *p; p = strchr(p, '\n') + 1) {
		const char *nl = strchr(p, '\n');
		const char *tab = memchr(p, '\t', (size_t)(nl - p));
		assert_non_null(tab);
		assert_null(memchr(tab + 1, '\t', (size_t)(nl - tab - 1)));
	}
	sb_release(&s);

	/* a directory of our own: broken presets and other files are skipped */
	char dir[] = "/tmp/sprecher-voices-XXXXXX";
	char f[sizeof dir + 32];
	FILE *fp;
	assert_non_null(mkdtemp(dir));
	snprintf(f, sizeof f, "%s/b.ini", dir);
	fp = fopen(f, "w");
	fputs("[voice]\ndescription = Bee\n", fp);
	fclose(fp);
	snprintf(f, sizeof f, "%s/a.ini", dir);
	fp = fopen(f, "w");
	fputs("[voice]\ndescription = Aa\nrate = 5\n", fp);
	fclose(fp);
	snprintf(f, sizeof f, "%s/c.txt", dir);
	fp = fopen(f, "w");
	fputs("[voice]\n", fp);
	fclose(fp);
	snprintf(f, sizeof f, "%s/.d.ini", dir);
	fp = fopen(f, "w");
	fputs("[voice]\n", fp);
	fclose(fp);
	assert_int_equal(setenv("SPRECHER_VOICES", dir, 1), 0);
	sb_init(&s);
	voice_list(&s);
	assert_string_equal(s.buf, "b\tBee\n");
	sb_release(&s);
	/* a missing directory lists nothing */
	assert_int_equal(setenv("SPRECHER_VOICES", "/nonexistent/sprecher", 1), 0);
	sb_init(&s);
	voice_list(&s);
	assert_string_equal(s.buf, "");
	sb_release(&s);
	assert_int_equal(setenv("SPRECHER_VOICES", voices_dir, 1), 0);
	const char *names[] = { "a.ini", "b.ini", "c.txt", ".d.ini" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		snprintf(f, sizeof f, "%s/%s", dir, names[i]);
		unlink(f);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_voice_dir),
		cmocka_unit_test(test_load_by_name),
		cmocka_unit_test(test_load_by_path),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_first),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
