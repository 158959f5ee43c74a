/*
 * synth.c - eSpeak NG in synchronous mode, collecting samples and events.
 *
 * eSpeak NG carries state from one text to the next (the flutter phase, the
 * noise generator, the wave generator's counters), so the same sentence
 * comes out slightly different depending on what was spoken before it. To
 * make every sentence depend only on its own text and voice, synthesis runs
 * in an engine process: a helper started by synth_new initialises eSpeak NG
 * once and never speaks. For each voice it forks a voice process that sets
 * that voice once and never speaks either; each sentence is spoken by a fork
 * of the voice process, from a state that depends on nothing but the voice,
 * and its samples and events go back through a pipe. Measured: a fork per
 * sentence costs about 0.6 ms of CPU; setting the voice anew for every
 * sentence would cost 2.5 ms.
 *
 * Up to SYNTH_MAX_AHEAD sentences are spoken at once (synth_send): each fork
 * writes into a pipe of its own, and the voice process passes the answers on
 * in the order asked, each only after its fork exited cleanly (a fork that
 * died is an error in its place). A voice process that dies takes the engine
 * process with it, so the caller sees the end of its pipe, never a wait.
 */
#include "synth.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <espeak-ng/speak_lib.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The voice as eSpeak NG is told it (sent with every request). */
struct engine_voice {
	char name[128];               /* "de" or "de+m3" */
	char path[512];               /* preset file, for error messages */
	char variant[32];
	int rate, pitch, range, volume, wordgap;
};

struct synth {
	int rate;
	pid_t helper;                 /* the engine process; 0 in the engine itself */
	int req_fd, resp_fd;          /* to and from the engine process */
	int pending;                  /* sentences sent (synth_send) and not yet received */
	struct engine_voice voice;
	int have_voice;
	int local;                    /* eSpeak NG initialised in this process (lists, phonemes) */
	char identity[2048];          /* synth_identity */
	/* collection state of the running local synthesis */
	struct synth_audio *out;
	const char *text;
	int aborted;
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
		memset(se, 0, sizeof(*se));     /* the padding goes down a pipe too */
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

/* ==== eSpeak NG in this process ========================================== */

/* Initialises eSpeak NG here, once. */
static int local_init(struct synth *s, struct err *e)
{
	int rate;

	if (s->local)
		return 0;
	rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
	if (rate <= 0)
		return err_set(e, "cannot initialise eSpeak NG: its data was not found "
			       "(install espeak-ng-data, or set ESPEAK_DATA_PATH)");
	s->rate = rate;
	s->local = 1;
	espeak_SetSynthCallback(on_synth);
	active = s;
	return 0;
}

static int local_set_voice(const struct engine_voice *v, struct err *e)
{
	const char *name = v->path[0] ? v->path : v->name;

	/* eSpeak NG quietly ignores an unknown variant: look for its file ourselves */
	if (v->variant[0]) {
		const char *data = NULL;
		char vpath[1024];
		espeak_Info(&data);
		snprintf(vpath, sizeof(vpath), "%s/voices/!v/%s", data ? data : "", v->variant);
		if (!data || strchr(v->variant, '/') || access(vpath, R_OK) != 0)
			return err_set(e, "%s: unknown eSpeak NG voice variant '%s' (see sprecher voices)",
				       name, v->variant);
	}
	if (espeak_SetVoiceByName(v->name) != EE_OK)
		return err_set(e, "%s: unknown eSpeak NG voice '%s' (see sprecher voices)", name, v->name);
	espeak_SetParameter(espeakRATE, v->rate, 0);
	espeak_SetParameter(espeakPITCH, v->pitch, 0);
	espeak_SetParameter(espeakRANGE, v->range, 0);
	espeak_SetParameter(espeakVOLUME, v->volume, 0);
	espeak_SetParameter(espeakWORDGAP, v->wordgap, 0);
	return 0;
}

static void trim_silence(struct synth_audio *a);

static int local_say(struct synth *s, const char *text, struct synth_audio *out, struct err *e)
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

/* ==== the engine process ================================================= */

/*
 * Frames on the pipes (both ends are the same program):
 *   request:  char kind ('V' check a voice, 'S' speak) | struct engine_voice | uint64 len | text
 *   response: int32 status | status 0: uint64 n, uint64 nev, n floats, nev struct synth_event
 *                          | status -1: uint32 len, message
 */
static void send_error(int fd, const struct err *e)
{
	int32_t st = -1;
	uint32_t len = (uint32_t)strlen(e->msg);

	(void)(fd_write_full(fd, &st, sizeof(st)) || fd_write_full(fd, &len, sizeof(len)) ||
	       fd_write_full(fd, e->msg, len));
}

/*
 * A sentence spoken by a fork of a voice process. Several run at once; each
 * writes its whole response into its own pipe `fd`, which the voice process
 * reads in turn and passes on to the caller only once the child has exited
 * normally, so a child that dies half-way never leaves half a response on
 * the caller's pipe. Frees `text` (malloc'd) and what it allocated before it
 * exits, so a memory checker sees nothing lost in the child.
 */
static void speak_child(struct synth *s, char *text, int fd)
{
	struct synth_audio a;
	struct err e;
	int32_t st = 0;
	uint64_t n, nev;
	int rc;

	synth_audio_init(&a);
	rc = local_say(s, text, &a, &e);
	free(text);
	if (rc) {
		send_error(fd, &e);
		synth_audio_release(&a);
		_exit(0);
	}
	n = a.n;
	nev = a.nev;
	rc = fd_write_full(fd, &st, sizeof(st)) || fd_write_full(fd, &n, sizeof(n)) ||
	     fd_write_full(fd, &nev, sizeof(nev)) || fd_write_full(fd, a.samples, a.n * sizeof(float)) ||
	     fd_write_full(fd, a.ev, a.nev * sizeof(*a.ev));
	synth_audio_release(&a);
	_exit(rc ? 1 : 0);
}

/* The sentence children of a voice process, oldest (the one read now) first. */
struct kids {
	struct kid {
		pid_t pid;
		int out;            /* its response, until it hangs up */
	} k[SYNTH_MAX_AHEAD];
	int n;
	char *buf;              /* what the oldest has written so far */
	size_t len, cap;
	int req, resp, life;    /* the voice process's own pipes (closed in the children) */
};

/*
 * Reads what the oldest child has written; at its end (0 when it is not
 * there yet) passes the response on if the child exited normally, else an
 * error in its place. `block`: read until the end.
 */
static int kid_read(struct kids *ks, int block)
{
	struct kid *k = &ks->k[0];
	int status = 0;
	struct err e;

	for (;;) {
		ssize_t r;
		if (ks->cap - ks->len < 65536) {
			ks->cap = ks->cap ? ks->cap * 2 : 1 << 20;
			ks->buf = realloc(ks->buf, ks->cap);
			if (!ks->buf)
				_exit(1);
		}
		r = read(k->out, ks->buf + ks->len, ks->cap - ks->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0) {
			ks->len += (size_t)r;
			if (block)
				continue;
			return 0;
		}
		break;                       /* its end (or a read error: the same) */
	}
	while (waitpid(k->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(k->out);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && ks->len) {
		if (fd_write_full(ks->resp, ks->buf, ks->len))
			_exit(1);
	} else {
		if (WIFSIGNALED(status))
			err_set(&e, "eSpeak NG stopped while synthesizing (its process was killed by signal %d)",
				WTERMSIG(status));
		else
			err_set(&e, "eSpeak NG stopped while synthesizing (its process failed)");
		send_error(ks->resp, &e);
	}
	ks->len = 0;
	memmove(ks->k, ks->k + 1, (size_t)--ks->n * sizeof(*k));
	return 1;
}

/* Starts a child speaking `text` (freed). */
static void kid_start(struct synth *s, struct kids *ks, char *text)
{
	int out[2], en;
	struct kid *k = &ks->k[ks->n];
	struct err e;

	if (pipe(out) == 0) {
		k->pid = fork();
		if (k->pid == 0) {
			for (int i = 0; i < ks->n; i++)
				close(ks->k[i].out);
			close(out[0]);
			close(ks->req);
			close(ks->resp);
			close(ks->life);
			speak_child(s, text, out[1]);
		}
		en = errno;
		close(out[1]);
		if (k->pid > 0) {
			free(text);
			k->out = out[0];
			ks->n++;
			return;
		}
		close(out[0]);
	} else {
		en = errno;
	}
	free(text);
	err_set(&e, "eSpeak NG stopped while synthesizing (%s)", strerror(en));
	while (ks->n)               /* answered in turn: after the sentences before it */
		kid_read(ks, 1);
	send_error(ks->resp, &e);
}

/*
 * A voice process: forked from the pristine engine process, sets one voice
 * once (so its state depends on nothing but that voice) and never speaks;
 * each sentence is spoken by a fork of it, up to SYNTH_MAX_AHEAD at once,
 * answered in the order asked. Reports on `ack` whether the voice could be
 * set; `life` (never written) tells the engine process by hanging up that it
 * has ended. Requests: char kind | uint64 len | text.
 */
static void voice_main(struct synth *s, const struct engine_voice *v, int req, int resp, int ack,
		       int life)
{
	struct kids ks = { .n = 0, .req = req, .resp = resp, .life = life };
	struct err e;
	int32_t st = 0;
	uint64_t len;
	char kind;

	if (v->name[0] && local_set_voice(v, &e)) {
		send_error(ack, &e);
		_exit(0);
	}
	if (fd_write_full(ack, &st, sizeof(st)))
		_exit(1);
	close(ack);
	for (;;) {
		struct pollfd pf[2] = { { .fd = ks.n ? ks.k[0].out : -1, .events = POLLIN },
					{ .fd = ks.n < SYNTH_MAX_AHEAD ? req : -1, .events = POLLIN } };
		char *text;
		uint64_t zero = 0;
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (pf[0].revents) {                 /* the oldest has written, or ended */
			kid_read(&ks, 0);
			continue;
		}
		if (!pf[1].revents)
			continue;
		if (fd_read_full(req, &kind, 1) || fd_read_full(req, &len, sizeof(len)))
			break;
		text = malloc(len + 1);
		if (!text || fd_read_full(req, text, len))
			_exit(1);
		text[len] = '\0';
		if (kind == 'S') {
			kid_start(s, &ks, text);
			continue;
		}
		free(text);                          /* 'V': the voice is fine, no audio */
		while (ks.n)
			kid_read(&ks, 1);
		if (fd_write_full(resp, &st, sizeof(st)) || fd_write_full(resp, &zero, sizeof(zero)) ||
		    fd_write_full(resp, &zero, sizeof(zero)))
			_exit(1);
	}
	while (ks.n)
		kid_read(&ks, 1);
	free(ks.buf);
	_exit(0);
}

/* eSpeak NG's version, data directory and the size and time of each voice data file. */
static void local_identity(char *out, size_t size)
{
	static const char *files[] = { "phondata", "phonindex", "phontab", "intonations", "de_dict",
				       "lang/gmw/de", "voices/!v" };
	const char *data = NULL;
	const char *version = espeak_Info(&data);
	size_t o;

	snprintf(out, size, "espeak-ng %s %s", version ? version : "?", data ? data : "?");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && data; i++) {
		char path[1024];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", data, files[i]);
		o = strlen(out);
		if (stat(path, &st) == 0)
			snprintf(out + o, size - o, "; %s %lld %lld.%09ld", files[i], (long long)st.st_size,
				 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	}
}

/* The voice processes of the engine process, the most recently started last. */
#define MAX_VOICE_PROCS 8
struct voice_proc {
	struct engine_voice v;
	pid_t pid;
	int fd;                 /* its requests */
	int life;               /* hangs up when it has ended */
};

static void voice_proc_end(struct voice_proc *vp)
{
	close(vp->fd);
	close(vp->life);
	while (waitpid(vp->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Starts the voice process for `v` into vp. Returns 0, or -1 after sending
 * the caller the reason (unknown voice or variant) on `resp`.
 */
static int voice_proc_start(struct synth *s, struct voice_proc *procs, size_t n,
			    const struct engine_voice *v, int resp, struct voice_proc *vp)
{
	int req[2] = { -1, -1 }, ack[2] = { -1, -1 }, life[2] = { -1, -1 };
	int32_t st = -1;
	struct err e;

	if (pipe(req) || pipe(ack) || pipe(life)) {
		err_set(&e, "cannot start an eSpeak NG voice process: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			if (req[i] >= 0)
				close(req[i]);
			if (ack[i] >= 0)
				close(ack[i]);
		}
		send_error(resp, &e);
		return -1;
	}
	vp->v = *v;
	vp->fd = req[1];
	vp->life = life[0];
	vp->pid = fork();
	if (vp->pid == 0) {
		for (size_t i = 0; i < n; i++) {  /* the others end when the engine closes their input */
			close(procs[i].fd);
			close(procs[i].life);
		}
		close(req[1]);
		close(ack[0]);
		close(life[0]);
		voice_main(s, v, req[0], resp, ack[1], life[1]);
	}
	close(req[0]);
	close(ack[1]);
	close(life[1]);
	if (vp->pid < 0 || fd_read_full(ack[0], &st, sizeof(st)) || st != 0) {
		uint32_t len = 0;
		char msg[sizeof(e.msg)];
		if (st == -1 && !fd_read_full(ack[0], &len, sizeof(len)) && len < sizeof(msg) &&
		    !fd_read_full(ack[0], msg, len)) {
			msg[len] = '\0';
			err_set(&e, "%s", msg);
		} else {
			err_set(&e, "cannot start an eSpeak NG voice process");
		}
		close(ack[0]);
		if (vp->pid > 0) {
			voice_proc_end(vp);
		} else {
			close(vp->fd);
			close(vp->life);
		}
		send_error(resp, &e);
		return -1;
	}
	close(ack[0]);
	return 0;
}

/*
 * Waits for the next request. A voice process that ends by itself (killed:
 * its answers are lost, one may be cut short on the caller's pipe) takes the
 * whole engine down, so that the caller reads the end of its pipe and reports
 * it instead of waiting for answers that will not come. Returns 0 when a
 * request is there, -1 at the end of the input.
 */
static int engine_wait(struct voice_proc *procs, size_t nproc, int req)
{
	for (;;) {
		struct pollfd pf[1 + MAX_VOICE_PROCS];
		pf[0] = (struct pollfd){ .fd = req, .events = POLLIN };
		for (size_t i = 0; i < nproc; i++)
			pf[1 + i] = (struct pollfd){ .fd = procs[i].life, .events = POLLIN };
		if (poll(pf, 1 + nproc, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (size_t i = 0; i < nproc; i++)
			if (pf[1 + i].revents) {
				for (size_t k = 0; k < nproc; k++)
					kill(procs[k].pid, SIGKILL);
				for (size_t k = 0; k < nproc; k++)
					while (waitpid(procs[k].pid, NULL, 0) < 0 && errno == EINTR)
						;
				_exit(1);
			}
		if (pf[0].revents)
			return 0;
	}
}

/* The engine process: eSpeak NG initialised, never speaking itself; a voice process per voice. */
static void engine_main(struct synth *s, int req, int resp)
{
	struct voice_proc procs[MAX_VOICE_PROCS];
	size_t nproc = 0;
	struct engine_voice v;
	struct err e;
	int32_t st;
	char kind;
	uint64_t len;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);       /* a pipe whose reader has gone is an error to report, not death */
	if (local_init(s, &e)) {
		send_error(resp, &e);
		_exit(0);
	}
	st = s->rate;
	local_identity(s->identity, sizeof(s->identity));
	{
		uint32_t ilen = (uint32_t)strlen(s->identity);
		if (fd_write_full(resp, &st, sizeof(st)) || fd_write_full(resp, &ilen, sizeof(ilen)) ||
		    fd_write_full(resp, s->identity, ilen))
			_exit(1);
	}
	for (;;) {
		char *text;
		size_t i;
		int started = 1;
		if (engine_wait(procs, nproc, req))
			break;
		if (fd_read_full(req, &kind, 1) || fd_read_full(req, &v, sizeof(v)) ||
		    fd_read_full(req, &len, sizeof(len)))
			break;
		for (i = 0; i < nproc && memcmp(&procs[i].v, &v, sizeof(v)); i++)
			;
		if (i == nproc) {
			if (nproc == MAX_VOICE_PROCS) {     /* the oldest goes */
				voice_proc_end(&procs[0]);
				memmove(procs, procs + 1, --nproc * sizeof(*procs));
				i--;
			}
			/* before the text is read: the voice process would inherit it */
			started = !voice_proc_start(s, procs, nproc, &v, resp, &procs[nproc]);
			nproc += started;
		}
		text = malloc(len + 1);
		if (!text || fd_read_full(req, text, len))
			_exit(1);
		if (!started) {
			free(text);
			continue;
		}
		if (fd_write_full(procs[i].fd, &kind, 1) || fd_write_full(procs[i].fd, &len, sizeof(len)) ||
		    fd_write_full(procs[i].fd, text, len)) {
			err_set(&e, "eSpeak NG's voice process ended unexpectedly");
			send_error(resp, &e);
		}
		free(text);
	}
	for (size_t i = 0; i < nproc; i++)
		voice_proc_end(&procs[i]);
	_exit(0);
}

/* Reads a response; fills `out` when given. Returns 0 or -1 with the engine's error. */
static int engine_response(struct synth *s, struct synth_audio *out, struct err *e)
{
	int32_t st;
	uint64_t n, nev;

	if (fd_read_full(s->resp_fd, &st, sizeof(st)))
		return err_set(e, "eSpeak NG's engine process ended unexpectedly");
	if (st < 0) {
		uint32_t len;
		char msg[sizeof(e->msg)];
		if (fd_read_full(s->resp_fd, &len, sizeof(len)) || len >= sizeof(msg) ||
		    fd_read_full(s->resp_fd, msg, len))
			return err_set(e, "eSpeak NG's engine process ended unexpectedly");
		msg[len] = '\0';
		return err_set(e, "%s", msg);
	}
	if (fd_read_full(s->resp_fd, &n, sizeof(n)) || fd_read_full(s->resp_fd, &nev, sizeof(nev)))
		return err_set(e, "eSpeak NG's engine process ended unexpectedly");
	if (!out)
		return n || nev ? err_set(e, "eSpeak NG's engine process sent audio for no sentence") : 0;
	XGROW(out->samples, out->cap, n ? n : 1);
	XGROW(out->ev, out->evcap, nev ? nev : 1);
	out->n = n;
	out->nev = nev;
	if (fd_read_full(s->resp_fd, out->samples, n * sizeof(float)) ||
	    fd_read_full(s->resp_fd, out->ev, nev * sizeof(*out->ev)))
		return err_set(e, "eSpeak NG's engine process ended unexpectedly");
	return 0;
}

/* Sends one request with the current voice; its response is read later, in order. */
static int engine_send(struct synth *s, char kind, const char *text, struct err *e)
{
	uint64_t len = strlen(text);

	if (fd_write_full(s->req_fd, &kind, 1) || fd_write_full(s->req_fd, &s->voice, sizeof(s->voice)) ||
	    fd_write_full(s->req_fd, &len, sizeof(len)) || fd_write_full(s->req_fd, text, len))
		return err_set(e, "eSpeak NG's engine process ended unexpectedly");
	return 0;
}

static int engine_request(struct synth *s, char kind, const char *text, struct synth_audio *out,
			  struct err *e)
{
	if (s->pending)
		return err_set(e, "internal error: eSpeak NG asked while %d sentences are pending", s->pending);
	return engine_send(s, kind, text, e) || engine_response(s, out, e) ? -1 : 0;
}

/* ==== the interface ====================================================== */

struct synth *synth_new(struct err *e)
{
	struct synth *s = xcalloc(1, sizeof(*s));
	int req[2], resp[2];
	int32_t st;

	if (pipe2(req, O_CLOEXEC)) {
		err_set(e, "cannot start eSpeak NG's engine process: %s", strerror(errno));
		free(s);
		return NULL;
	}
	if (pipe2(resp, O_CLOEXEC)) {
		err_set(e, "cannot start eSpeak NG's engine process: %s", strerror(errno));
		close(req[0]);
		close(req[1]);
		free(s);
		return NULL;
	}
	fflush(NULL);
	s->helper = fork();
	if (s->helper == 0) {
		close(req[1]);
		close(resp[0]);
		engine_main(s, req[0], resp[1]);
	}
	close(req[0]);
	close(resp[1]);
	s->req_fd = req[1];
	s->resp_fd = resp[0];
	if (s->helper < 0) {
		err_set(e, "cannot start eSpeak NG's engine process: %s", strerror(errno));
		s->helper = 0;
		synth_free(s);
		return NULL;
	}
	/* the first response: the sample rate, or why eSpeak NG could not start */
	if (fd_read_full(s->resp_fd, &st, sizeof(st)) || st == 0) {
		err_set(e, "cannot initialise eSpeak NG: its engine process ended");
		synth_free(s);
		return NULL;
	}
	if (st < 0) {
		uint32_t len;
		char msg[sizeof(e->msg)];
		if (fd_read_full(s->resp_fd, &len, sizeof(len)) || len >= sizeof(msg) ||
		    fd_read_full(s->resp_fd, msg, len))
			len = 0;
		msg[len] = '\0';
		err_set(e, "%s", msg);
		synth_free(s);
		return NULL;
	}
	s->rate = st;
	{
		uint32_t len;
		if (fd_read_full(s->resp_fd, &len, sizeof(len)) || len >= sizeof(s->identity) ||
		    fd_read_full(s->resp_fd, s->identity, len)) {
			err_set(e, "cannot initialise eSpeak NG: its engine process ended");
			synth_free(s);
			return NULL;
		}
		s->identity[len] = '\0';
	}
	return s;
}

const char *synth_identity(const struct synth *s)
{
	return s->identity;
}

void synth_free(struct synth *s)
{
	if (!s)
		return;
	if (s->helper > 0) {
		close(s->req_fd);       /* the engine process ends at the end of its input */
		close(s->resp_fd);
		while (waitpid(s->helper, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (s->local)
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
	struct engine_voice v;

	memset(&v, 0, sizeof(v));
	if (p->variant[0])
		snprintf(v.name, sizeof(v.name), "%s+%s", p->espeak, p->variant);
	else
		snprintf(v.name, sizeof(v.name), "%s", p->espeak);
	snprintf(v.path, sizeof(v.path), "%s", p->path[0] ? p->path : p->name);
	snprintf(v.variant, sizeof(v.variant), "%s", p->variant);
	v.rate = p->rate;
	v.pitch = p->pitch;
	v.range = p->range;
	v.volume = p->volume;
	v.wordgap = p->wordgap;
	s->voice = v;
	s->have_voice = 1;
	/* checked by the engine from its pristine state, as every sentence will be spoken */
	if (engine_request(s, 'V', "", NULL, e)) {
		s->have_voice = 0;
		memset(&s->voice, 0, sizeof(s->voice));
		return -1;
	}
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
	out->n = 0;
	out->nev = 0;
	return engine_request(s, 'S', text, out, e);
}

int synth_send(struct synth *s, const char *text, struct err *e)
{
	if (s->pending >= SYNTH_MAX_AHEAD)
		return err_set(e, "internal error: more than %d sentences sent ahead", SYNTH_MAX_AHEAD);
	if (engine_send(s, 'S', text, e))
		return -1;
	s->pending++;
	return 0;
}

int synth_receive(struct synth *s, struct synth_audio *out, struct err *e)
{
	if (!s->pending)
		return err_set(e, "internal error: no sentence sent to eSpeak NG");
	s->pending--;
	out->n = 0;
	out->nev = 0;
	return engine_response(s, out, e);
}

int synth_pending(const struct synth *s)
{
	return s->pending;
}

/* eSpeak NG in this process for the lists and phonemes, with the current voice. */
static int local_ready(struct synth *s, struct err *e)
{
	if (local_init(s, e))
		return -1;
	return s->have_voice ? local_set_voice(&s->voice, e) : 0;
}

/* eSpeak's phonemes of `text` in the voice now set in this process, appended to `out`. */
static int phonemes_here(const char *text, struct sb *out, struct err *e)
{
	const void *p = text;

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

int synth_phonemes(struct synth *s, const char *text, struct sb *out, struct err *e)
{
	if (local_ready(s, e))
		return -1;
	return phonemes_here(text, out, e);
}

/*
 * Only this process's eSpeak NG (never an engine process that speaks) changes
 * voice here; synth_phonemes sets the preset's voice again before it is used.
 */
int synth_lang_phonemes(struct synth *s, const char *lang, const char *text, struct sb *out)
{
	struct err e;

	if (local_init(s, &e) || espeak_SetVoiceByName(lang) != EE_OK)
		return -1;
	return phonemes_here(text, out, &e);
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

	struct err e;

	if (local_ready(s, &e))
		return;
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

	struct err e;

	if (local_ready(s, &e))
		return;
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
