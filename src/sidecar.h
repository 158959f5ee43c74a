/*
 * sidecar.h - files that go with the audio, exact to the rendered timeline:
 * captions (WebVTT, SRT), timeline JSON, Audacity labels, chapters
 * (ffmetadata, or a CUE sheet for names ending in .cue).
 *
 * Each writer writes atomically (temporary file + rename) and returns 0, or
 * -1 with "PATH: cannot write: REASON".
 */
#ifndef SPRECHER_SIDECAR_H
#define SPRECHER_SIDECAR_H

#include "util.h"
#include "timeline.h"

/* Captions: format from the extension (.vtt or .srt; anything else is an error). */
int sidecar_captions(const char *path, const struct timeline *tl, struct err *e);
/* Every clip in order, as JSON. `title` names the programme. */
int sidecar_timeline(const char *path, const struct timeline *tl, const char *title, struct err *e);
/* Audacity label track: one region per segment. */
int sidecar_labels(const char *path, const struct timeline *tl, struct err *e);
/* Chapters per heading (plus a first chapter for the title); .cue = CUE sheet for `audio_name`. */
int sidecar_chapters(const char *path, const struct timeline *tl, const char *title,
		     const char *audio_name, struct err *e);

/* Checks a sidecar path's extension before rendering (captions: .vtt/.srt). Returns 0 or -1. */
int sidecar_check_captions_name(const char *path, struct err *e);

#endif
