/*
 * progress.h - the one updating status line on a terminal.
 *
 * A render or a batch reports how far it is (items done of total, work done
 * of total in any unit, seconds of audio made); progress draws one line on
 * its file descriptor, at most ten times a second:
 *
 *   sprecher: 3/20 episodes, 812.4 s audio, 301x real time, 0:02 elapsed, ETA 0:11
 *
 * The ETA is elapsed time scaled by the work still to do (estimated seconds
 * of speech for one render, input bytes for a batch). The caller decides
 * whether there is a terminal at all: progress_new is only called then.
 */
#ifndef SPRECHER_PROGRESS_H
#define SPRECHER_PROGRESS_H

#include <stddef.h>

struct progress;

/*
 * A progress line on `fd` for `items_total` items called `what` ("episodes",
 * "segments"; the string must outlive the object) and `work_total` units of
 * work (> 0, else no ETA). Returns NULL when out of memory.
 */
struct progress *progress_new(int fd, const char *what, size_t items_total, double work_total);
void progress_free(struct progress *p);     /* erases the line; NULL is fine */

/* New totals so far; redraws when 100 ms have passed since the last draw. */
void progress_update(struct progress *p, size_t items_done, double work_done, double audio_seconds);

/* Erases the line (so that a message can be printed); the next update draws it again. */
void progress_clear(struct progress *p);

/* Formats the line for the given state into buf (no "\r"); for tests and for progress_update. */
void progress_format(char *buf, size_t size, const char *what, size_t done, size_t total,
		     double work_done, double work_total, double audio_seconds, double elapsed);

#endif
