/*
 * player.h - playing a rendered file (sprecher preview). Prints nothing.
 */
#ifndef SPRECHER_PLAYER_H
#define SPRECHER_PLAYER_H

#include <stddef.h>

/* Whether `name` is an executable file in one of $PATH's directories. */
int player_in_path(const char *name);

/*
 * The first of aplay, paplay, pw-play and ffplay found in $PATH: its argv
 * (static, NULL-terminated, without the file), or NULL when none is there.
 */
const char *const *player_find(void);

/*
 * Whether this machine has somewhere to play sound: an ALSA playback device,
 * a PulseAudio or PipeWire server socket, or a PULSE_SERVER to connect to.
 */
int player_have_sound_device(void);

/*
 * Runs a player on `wav` and waits: `cmd` (a shell command line, the file
 * appended as its last argument) or else the built-in `pargv` (player_find).
 * The first line of the player's stderr goes to `why` (`n` bytes) when it
 * fails. Returns 0 when it exited with status 0, else -1.
 */
int player_run(const char *cmd, const char *const *pargv, const char *wav, char *why, size_t n);

#endif
