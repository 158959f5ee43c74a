/*
 * sidecar.h - files that go with the audio, exact to the rendered timeline:
 * captions (WebVTT, SRT), timeline JSON, Audacity labels, chapters
 * (ffmetadata, or a CUE sheet for names ending in .cue).
 *
 * Each writer builds the file in memory and writes it through util's atomic
 * output file (outfile_write: unnamed file in the directory, fsync, linked
 * into place), so on error, Ctrl-C or kill no partial or temporary file is
 * left and an existing file is untouched. A replaced file keeps its permission
 * bits; a new one gets 0666 minus the umask. "-" writes to stdout. Each
 * returns 0, or -1 with "PATH: cannot write: REASON" in `e` (or the outfile
 * lock/change message).
 *
 * Times are derived from frames exactly: milliseconds = frames * 1000 / rate
 * rounded half up, seconds printed with 6 decimals.
 */
#ifndef SPRECHER_SIDECAR_H
#define SPRECHER_SIDECAR_H

#include "util.h"
#include "timeline.h"

/*
 * Captions, format from the extension (.vtt = WebVTT, .srt = SubRip; ASCII
 * case ignored; anything else is an error). One cue per speech clip, showing
 * its written text with whitespace runs as single spaces; at most two lines
 * of at most 42 code points, broken at spaces as evenly as possible. A longer
 * sentence is cut into several cues at word starts: cuts prefer word events
 * from words[] (the cue then starts exactly at that word's frame), then clause
 * ends, then even lengths, with as few cues as possible; where words[] has no
 * event for a boundary its time is interpolated by characters between the
 * nearest known ones. A word event inside a written token ("%" of "5%") is
 * ignored unless only opening punctuation precedes it. A token longer than a
 * line is cut inside. The first cue of a clip starts at the clip start, each
 * cue ends where the next piece starts, the last at the clip end. Cues are
 * sorted, clamped so they never overlap or pass total_frames, and cues of
 * zero length (e.g. clips of 0 frames) are left out. WebVTT text escapes
 * & < > as entities.
 */
int sidecar_captions(const char *path, const struct timeline *tl, struct err *e);

/*
 * Every clip in order, as JSON: {"title", "rate", "frames", "seconds",
 * "clips": [{"kind": "speech"|"jingle"|"pause", "start", "end" (seconds),
 * "start_frame", "end_frame", "segment", "role", "voice", "written",
 * "spoken", "source"}]}. Absent strings (and a NULL `title`) are null.
 * Strings escape " and \ and control characters (\u00XX); invalid UTF-8
 * bytes become U+FFFD.
 */
int sidecar_timeline(const char *path, const struct timeline *tl, const char *title, struct err *e);

/*
 * Audacity label track: one region per segment (segment > 0), in order of
 * appearance, "START<TAB>END<TAB>LABEL" in seconds; START = the segment's
 * first clip, END = the end of its last clip that is not a pause. LABEL =
 * role + ": " + the first words of its first sentence (at most 40 code
 * points, ending on a word, "…" when cut).
 */
int sidecar_labels(const char *path, const struct timeline *tl, struct err *e);

/*
 * Chapters: a first chapter at 0 named `title` ("Intro" when NULL), then one
 * per heading segment starting at its first clip (the stinger), named by its
 * written text; a heading at frame 0 replaces the first chapter. Each chapter
 * ends where the next starts, the last at total_frames.
 * - default: ffmetadata (";FFMETADATA1", title=, [CHAPTER] TIMEBASE=1/RATE
 *   START= END= title=), with = ; # \ and newline escaped by a backslash;
 * - `path` ending in .cue: a CUE sheet (TITLE, FILE "audio_name" WAVE|MP3|AIFF,
 *   TRACK nn AUDIO, TITLE, INDEX 01 mm:ss:ff at 75 frames per second, rounded
 *   to nearest); '"' in names becomes '\'', titles are cut to 80 code points.
 *   A CUE sheet holds 99 tracks: beyond 99 chapters the rest become INDEX
 *   02..99 points of track 99 (each after "REM CHAPTER title"), with a warning
 *   in `w`; beyond 197 the rest are left out (warned).
 */
int sidecar_chapters(const char *path, const struct timeline *tl, const char *title,
		     const char *audio_name, struct warns *w, struct err *e);

/*
 * Checks before rendering that a sidecar can be written at `path` ("-" is
 * stdout): not a directory, and its directory takes a new file (outfile_check,
 * which also notes the target so a change by another process meanwhile is
 * refused). Returns 0, or -1 with "PATH: cannot write: REASON".
 */
int sidecar_check_path(const char *path, struct err *e);

/*
 * Checks a captions path before rendering. Returns 0 for .vtt/.srt, else -1
 * with "PATH: captions must end in .vtt or .srt".
 */
int sidecar_check_captions_name(const char *path, struct err *e);

#endif
