/*
 * datetime.h - the one date and time parser: --date, SOURCE_DATE_EPOCH,
 * front-matter `date:` (and later a rundown's `time` item) all go through it,
 * and the broadcast metadata formats (bext, cart) are written from its result.
 */
#ifndef SPRECHER_DATETIME_H
#define SPRECHER_DATETIME_H

#include <stdint.h>
#include "util.h"

/* A calendar date with an optional wall-clock time (no time zone). */
struct dt {
	int year, month, day;        /* 1..9999, 1..12, 1..31 (checked against the month) */
	int hour, minute, second;    /* 0..23, 0..59, 0..59; 0 when has_time is 0 */
	int has_time;
};

/*
 * Parses `s` (surrounding whitespace ignored). Accepted forms:
 *   YYYY-MM-DD                      2025-02-12
 *   YYYY-MM-DD HH:MM[:SS]           2025-02-12 06:30[:00]
 *   ISO 8601 with T                 2025-02-12T06:30[:00][.fff][Z|+01:00|+0100]
 *   DD.MM.YYYY [HH:MM[:SS]]         12.02.2025, 1.2.2025 06:30
 *   D. Monat YYYY [HH:MM[:SS]]      12. Februar 2025 (German month names)
 * A time zone offset is checked and dropped: the time is kept as written
 * (the local time at the origin). Returns 0, or -1 with "'S' is not a date
 * (use YYYY-MM-DD[ HH:MM:SS], DD.MM.YYYY or 2025-02-12T06:30:00)" or "'S':
 * no such day" / "'S': no such time" for out-of-range fields.
 */
int dt_parse(const char *s, struct dt *out, struct err *e);

/* The UTC calendar time of `t` seconds since 1970 (t >= 0). */
void dt_from_unix(int64_t t, struct dt *out);

/* "YYYY-MM-DD" (11 bytes with the NUL). The bext OriginationDate and cart date form. */
void dt_date_str(const struct dt *d, char out[11]);
/* "HH:MM:SS" (9 bytes), "00:00:00" without a time. The bext OriginationTime and cart time form. */
void dt_time_str(const struct dt *d, char out[9]);
/* "YYYY-MM-DD HH:MM:SS" (20 bytes), or "YYYY-MM-DD" without a time. */
void dt_str(const struct dt *d, char out[20]);

#endif
