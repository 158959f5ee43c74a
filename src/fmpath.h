/*
 * fmpath.h - files named by an article's front matter (intro, outro,
 * stinger, voice): where they may be and what they may be.
 *
 * An article is input from elsewhere (a news feed, a colleague): its front
 * matter must not reach any file the user can read. A path there is taken
 * relative to the article's directory and must lead, after symbolic links,
 * into that directory's tree or one of the allowed roots (the preset
 * directory), and to a regular file (a FIFO would hang the render, a device
 * would never end). Errors name the article and the key, never the content
 * of the file found.
 */
#ifndef SPRECHER_FMPATH_H
#define SPRECHER_FMPATH_H

#include <stddef.h>
#include "util.h"

/*
 * Resolves `value` (the front matter's `key`) for `article` ("-": standard
 * input, relative to the current directory) into `out` (`n` bytes): the
 * article's directory joined with a relative value, or an absolute value as
 * it is. Unless `trust` is set the file must lie under the article's
 * directory or one of `roots` (NULL-terminated, may be NULL). Returns 0, or
 * -1 with "ARTICLE: front matter KEY: VALUE: REASON" in `e`.
 */
int fmpath_resolve(const char *article, const char *key, const char *value,
		   const char *const *roots, int trust, char *out, size_t n, struct err *e);

/*
 * Whether a front-matter voice value names a file (contains '/' or ends in
 * ".ini") rather than a preset name looked up in the preset directory.
 */
int fmpath_is_file(const char *voice);

#endif
