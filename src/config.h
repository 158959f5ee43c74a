/*
 * config.h - the station configuration file: defaults for the command line.
 *
 * $XDG_CONFIG_HOME/sprecher/config (else ~/.config/sprecher/config), an INI
 * file read with inih:
 *
 *     [render]
 *     loudness  = podcast       ; any long option taking a value, by its name
 *     voice     = sprecherin
 *     format    = flac
 *     output-dir = /srv/sendung
 *     mono      = yes           ; options without a value: yes or no
 *
 * This module reads the file into (section, key, value, line) entries and
 * checks each (config_option); main applies them as options, and
 * command-line options win over them.
 */
#ifndef SPRECHER_CONFIG_H
#define SPRECHER_CONFIG_H

#include <stdio.h>
#include "util.h"

/* One "key = value" line; all strings are owned by the config and never NULL. */
struct config_entry {
	char *section, *key, *value;
	int line;
};

/* A read configuration: `n` entries in file order; `path` is "" when nothing was read. */
struct config {
	char path[1024];
	struct config_entry *v;
	size_t n, cap;
};

void config_init(struct config *c);
void config_release(struct config *c);

/*
 * The configuration file's path, written to buf: $XDG_CONFIG_HOME/sprecher/config
 * when XDG_CONFIG_HOME is set (and absolute), else $HOME/.config/sprecher/config.
 * Returns buf, or NULL when neither variable gives a place.
 */
const char *config_default_path(char *buf, size_t n);

/*
 * Reads `path` into `c` (after config_init). A file that does not exist is no
 * error: 0 with no entries. Something that is not a regular file, an
 * unreadable file or an INI syntax error is -1 with "FILE[:LINE]: ...".
 */
int config_load(const char *path, struct config *c, struct err *e);

/* As config_load, from an open stream; `name` is the file name for messages. */
int config_load_stream(FILE *f, const char *name, struct config *c, struct err *e);

/*
 * Entry `i` of `c` as an option: its section must be [render] and its key
 * one the configuration may set (or output-dir); a relative path value
 * (lexicon, jingles, output-dir, a voice file) is made relative to the
 * file's directory, in place. `takes_value(key)` says whether the option
 * takes a value; one that does not takes yes/true/1 or no/false/0. Returns
 * 0 with *value the value (NULL for a "yes" flag, pointing into `c`), 1 for
 * a "no" flag (nothing to apply), or -1 with "FILE:LINE: ..." in `e`.
 */
int config_option(struct config *c, size_t i, int (*takes_value)(const char *key), const char **value,
		  struct err *e);

#endif
