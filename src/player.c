/*
 * player.c - playing a rendered file for sprecher preview: finding a player
 * (aplay, paplay, pw-play, ffplay) and a sound device, running the player.
 * Prints nothing: a failing player's first line of stderr is handed back.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "player.h"
#include "util.h"

/* The players tried in order when --player is not given: argv without the file. */
static const char *const players[][6] = {
	{ "aplay", "-q", NULL }, { "paplay", NULL }, { "pw-play", NULL },
	{ "ffplay", "-nodisp", "-autoexit", "-loglevel", "error", NULL },
};

/* Whether `name` is an executable file in one of $PATH's directories. */
int player_in_path(const char *name)
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
int player_have_sound_device(void)
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
int player_run(const char *cmd, const char *const *pargv, const char *wav, char *why, size_t n)
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

/* The first built-in player found in $PATH (its argv without the file), or NULL. */
const char *const *player_find(void)
{
	for (size_t i = 0; i < ARRAY_LEN(players); i++)
		if (player_in_path(players[i][0]))
			return players[i];
	return NULL;
}
