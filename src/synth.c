/*
 * synth.c - eSpeak NG in synchronous mode, collecting samples and events.
 */
#include "synth.h"

#include <dirent.h>
#include <espeak-ng/speak_lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct synth {
	int rate;
	/* collection state of the running synth_say call */
	struct synth_audio *out;
	const char *text;
	int aborted;
	char voice[128];   /* the name given to espeak_SetVoiceByName by synth_set_voice */
};

/* The callback has no user pointer of its own besides the event's; eSpeak is one per process anyway. */
static struct synth *active;

void synth_audio_init(struct synth_audio *a)
{
	memset(a, 0, sizeof(*a));
}

void synth_audio_release(struct synth_audio *a)
{
	free(a->samples);
	free(a->ev);
	synth_audio_init(a);
}

/* Byte offset of the 1-based character position `chars` in text. */
static size_t char_to_byte(const char *text, int chars)
{
	size_t i = 0, len = strlen(text);
	uint32_t cp;

	for (int c = 1; c < chars && i < len; c++) {
		int n = utf8_decode(text + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
	}
	return i;
}

static size_t chars_to_bytes(const char *text, size_t start, int chars)
{
	size_t i = start, len = strlen(text);
	uint32_t cp;

	for (int c = 0; c < chars && i < len; c++) {
		int n = utf8_decode(text + i, len - i, &cp);
		i += n > 0 ? (size_t)n : 1;
	}
	return i - start;
}

static int on_synth(short *wav, int n, espeak_EVENT *ev)
{
	struct synth *s = active;
	struct synth_audio *a;

	if (!s || !s->out)
		return 1;
	a = s->out;
	if (wav && n > 0) {
		XGROW(a->samples, a->cap, a->n + (size_t)n);
		for (int i = 0; i < n; i++)
			a->samples[a->n + (size_t)i] = (float)wav[i] * (1.0f / 32768.0f);
		a->n += (size_t)n;
	}
	for (; ev && ev->type != espeakEVENT_LIST_TERMINATED; ev++) {
		struct synth_event *se;
		if (ev->type != espeakEVENT_WORD && ev->type != espeakEVENT_SENTENCE)
			continue;
		/* eSpeak ends a clause with an empty word event pointing back at its comma */
		if (ev->type == espeakEVENT_WORD && ev->length <= 0)
			continue;
		XGROW(a->ev, a->evcap, a->nev + 1);
		se = &a->ev[a->nev++];
		se->type = ev->type == espeakEVENT_WORD ? SYNTH_WORD : SYNTH_SENTENCE;
		se->sample = ev->sample > 0 ? (size_t)ev->sample : 0;
		se->text_pos = char_to_byte(s->text, ev->text_position);
		se->text_len = ev->type == espeakEVENT_WORD && ev->length > 0
			? chars_to_bytes(s->text, se->text_pos, ev->length) : 0;
	}
	return 0;
}

/*
 * No audio device, ever. eSpeak NG 1.51 (Debian 12) opens a playback device
 * in espeak_ng_InitializeOutput whatever the output mode: through libpcaudio
 * it starts a PulseAudio client (a 64 MiB memfd, which a `ulimit -f` below
 * that turns into SIGXFSZ, and a TCP connection when PULSE_SERVER names a
 * host). sprecher only takes samples from the synthesis callback, so this
 * definition of libpcaudio's constructor takes precedence over the library's
 * (a symbol of the program interposes on the one libespeak-ng would bind) and
 * says "no device"; eSpeak NG only plays through it in ENOUTPUT_MODE_SPEAK_AUDIO,
 * which synth_new never asks for.
 */
struct audio_object;
struct audio_object *create_audio_device_object(const char *device, const char *application_name,
						const char *description);

struct audio_object *create_audio_device_object(const char *device, const char *application_name,
						const char *description)
{
	(void)device;
	(void)application_name;
	(void)description;
	return NULL;
}

struct synth *synth_new(struct err *e)
{
	struct synth *s;
	int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);

	if (rate <= 0) {
		err_set(e, "cannot initialise eSpeak NG: its data was not found "
			   "(install espeak-ng-data, or set ESPEAK_DATA_PATH)");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->rate = rate;
	espeak_SetSynthCallback(on_synth);
	active = s;
	return s;
}

void synth_free(struct synth *s)
{
	if (!s)
		return;
	espeak_Terminate();
	if (active == s)
		active = NULL;
	free(s);
}

int synth_rate(const struct synth *s)
{
	return s->rate;
}

int synth_set_voice(struct synth *s, const struct voice_preset *p, struct err *e)
{
	char name[128];

	if (p->variant[0])
		snprintf(name, sizeof(name), "%s+%s", p->espeak, p->variant);
	else
		snprintf(name, sizeof(name), "%s", p->espeak);
	/* eSpeak NG quietly ignores an unknown variant: look for its file ourselves */
	if (p->variant[0]) {
		const char *data = NULL;
		char vpath[1024];
		espeak_Info(&data);
		snprintf(vpath, sizeof(vpath), "%s/voices/!v/%s", data ? data : "", p->variant);
		if (!data || strchr(p->variant, '/') || access(vpath, R_OK) != 0)
			return err_set(e, "%s: unknown eSpeak NG voice variant '%s' (see sprecher voices)",
				       p->path[0] ? p->path : p->name, p->variant);
	}
	if (espeak_SetVoiceByName(name) != EE_OK)
		return err_set(e, "%s: unknown eSpeak NG voice '%s' (see sprecher voices)",
			       p->path[0] ? p->path : p->name, name);
	snprintf(s->voice, sizeof(s->voice), "%s", name);
	espeak_SetParameter(espeakRATE, p->rate, 0);
	espeak_SetParameter(espeakPITCH, p->pitch, 0);
	espeak_SetParameter(espeakRANGE, p->range, 0);
	espeak_SetParameter(espeakVOLUME, p->volume, 0);
	espeak_SetParameter(espeakWORDGAP, p->wordgap, 0);
	return 0;
}

/* Drops leading and trailing samples below about -54 dBFS; shifts the events to match. */
static void trim_silence(struct synth_audio *a)
{
	const float thr = 0.002f;
	size_t first = 0, last = a->n;

	while (first < a->n && fabsf(a->samples[first]) < thr)
		first++;
	while (last > first && fabsf(a->samples[last - 1]) < thr)
		last--;
	if (first) {
		memmove(a->samples, a->samples + first, (last - first) * sizeof(float));
		for (size_t i = 0; i < a->nev; i++)
			a->ev[i].sample = a->ev[i].sample > first ? a->ev[i].sample - first : 0;
	}
	a->n = last - first;
	for (size_t i = 0; i < a->nev; i++)
		if (a->ev[i].sample > a->n)
			a->ev[i].sample = a->n;
}

int synth_say(struct synth *s, const char *text, struct synth_audio *out, struct err *e)
{
	espeak_ERROR rc;

	out->n = 0;
	out->nev = 0;
	s->out = out;
	s->text = text;
	active = s;
	rc = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
			  espeakCHARS_UTF8 | espeakPHONEMES, NULL, NULL);
	s->out = NULL;
	s->text = NULL;
	if (rc != EE_OK)
		return err_set(e, "eSpeak NG failed to synthesize \"%.40s\"", text);
	trim_silence(out);
	return 0;
}

int synth_phonemes(struct synth *s, const char *text, struct sb *out, struct err *e)
{
	const void *p = text;

	(void)s;
	while (p && *(const char *)p) {
		const char *ph = espeak_TextToPhonemes(&p, espeakCHARS_UTF8, 0);
		if (!ph)
			return err_set(e, "eSpeak NG gave no phonemes for \"%.40s\"", text);
		if (out->len)
			sb_addc(out, ' ');
		sb_adds(out, ph);
	}
	return 0;
}

int synth_lang_phonemes(struct synth *s, const char *lang, const char *text, struct sb *out)
{
	struct err e;
	int rc;

	if (espeak_SetVoiceByName(lang) != EE_OK)
		return -1;
	rc = synth_phonemes(s, text, out, &e);
	if (s->voice[0])
		espeak_SetVoiceByName(s->voice);
	return rc;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void synth_list_variants(struct synth *s, struct sb *out)
{
	const char *data = NULL;
	char dir[1024];
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d;

	(void)s;
	espeak_Info(&data);
	snprintf(dir, sizeof(dir), "%s/voices/!v", data ? data : "");
	d = data ? opendir(dir) : NULL;
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			XGROW(names, cap, n + 1);
			names[n++] = xstrdup(de->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		sb_addf(out, "%s%s", i % 12 ? " " : "\n  ", names[i]);
		free(names[i]);
	}
	sb_addc(out, '\n');
	free(names);
}

void synth_list_voices(struct synth *s, const char *lang, struct sb *out)
{
	espeak_VOICE spec;
	const espeak_VOICE **v;

	(void)s;
	memset(&spec, 0, sizeof(spec));
	spec.languages = lang;
	v = espeak_ListVoices(&spec);
	for (; v && *v; v++) {
		/* MBROLA voices need the mbrola program and data, which Debian main does not ship */
		if (!strncmp((*v)->identifier, "mb/", 3))
			continue;
		sb_addf(out, "%s\t%s\t%s\n", (*v)->name, (*v)->identifier,
			(*v)->gender == 2 ? "female" : (*v)->gender == 1 ? "male" : "-");
	}
}
