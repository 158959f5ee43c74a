/*
 * usage.h - the help texts: `sprecher help COMMAND` and `--help` print them
 * as they are. doc/sprecher.1 must mention every option of usage_render.
 */
#ifndef SPRECHER_USAGE_H
#define SPRECHER_USAGE_H

extern const char usage_main[];
extern const char usage_render[];
extern const char usage_script[];
extern const char usage_preview[];
extern const char usage_sentences[];
extern const char usage_normalize[];
extern const char usage_voices[];
extern const char usage_config[];
extern const char usage_help[];
extern const char usage_cache[];

#endif
