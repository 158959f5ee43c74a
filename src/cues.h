/*
 * cues.h - cue points of the output file from the timeline.
 */
#ifndef SPRECHER_CUES_H
#define SPRECHER_CUES_H

#include <stddef.h>
#include "timeline.h"
#include "audiofile.h"

/*
 * A cue point at the first frame of every segment, named "N role: first
 * words" after the segment's first sentence (at most 48 characters of it,
 * cut at a word; a heading's cue sits on the stinger that opens it).
 * *cues is malloc'd (caller frees), *n its length.
 */
void cues_from_timeline(const struct timeline *tl, struct afile_cue **cues, size_t *n);

#endif
