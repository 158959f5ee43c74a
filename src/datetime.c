/*
 * datetime.c - parsing and formatting of dates and times (see datetime.h).
 */
#include "datetime.h"

#include <stdio.h>
#include <string.h>

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Reads 1..max digits at *p (at least min); returns the value or -1. */
static int digits(const char **p, int min, int max)
{
	int v = 0, n = 0;

	while (n < max && a_isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n >= min ? v : -1;
}

static const struct {
	const char *name;
	int month;
} month_names[] = {
	{ "Januar", 1 }, { "Jänner", 1 }, { "Februar", 2 }, { "März", 3 }, { "Maerz", 3 },
	{ "April", 4 }, { "Mai", 5 }, { "Juni", 6 }, { "Juli", 7 }, { "August", 8 },
	{ "September", 9 }, { "Oktober", 10 }, { "November", 11 }, { "Dezember", 12 },
};

/* A German month name at *p (whole word); returns 1..12 or -1. */
static int month_name(const char **p)
{
	for (size_t i = 0; i < ARRAY_LEN(month_names); i++) {
		size_t n = strlen(month_names[i].name);
		if (!strncmp(*p, month_names[i].name, n) && !a_isalpha((unsigned char)(*p)[n])) {
			*p += n;
			return month_names[i].month;
		}
	}
	return -1;
}

/* HH:MM[:SS] at *p; -1 when malformed, -2 when out of range. */
static int clock_part(const char **p, struct dt *d)
{
	d->hour = digits(p, 2, 2);
	if (d->hour < 0 || **p != ':')
		return -1;
	(*p)++;
	d->minute = digits(p, 2, 2);
	if (d->minute < 0)
		return -1;
	d->second = 0;
	if (**p == ':') {
		(*p)++;
		d->second = digits(p, 2, 2);
		if (d->second < 0)
			return -1;
	}
	d->has_time = 1;
	return d->hour > 23 || d->minute > 59 || d->second > 59 ? -2 : 0;
}

/* ISO 8601 tail after the seconds: [.fff][Z|+HH:MM|+HHMM|+HH]; -1 when malformed. */
static int iso_tail(const char **p)
{
	if (**p == '.' || **p == ',') {
		(*p)++;
		if (digits(p, 1, 9) < 0)
			return -1;
	}
	if (**p == 'Z') {
		(*p)++;
	} else if (**p == '+' || **p == '-') {
		int h, m = 0;
		(*p)++;
		h = digits(p, 2, 2);
		if (**p == ':')
			(*p)++;
		if (a_isdigit((unsigned char)**p))
			m = digits(p, 2, 2);
		if (h < 0 || h > 14 || m < 0 || m > 59)
			return -1;
	}
	return 0;
}

/* The date part in one of the three orders; -1 when malformed. */
static int date_part(const char **p, struct dt *d)
{
	const char *start = *p;
	int a = digits(p, 1, 4);

	if (a < 0)
		return -1;
	if (*p - start == 4 && **p == '-') {            /* YYYY-MM-DD */
		d->year = a;
		(*p)++;
		if ((d->month = digits(p, 2, 2)) < 0 || **p != '-')
			return -1;
		(*p)++;
		return (d->day = digits(p, 2, 2)) < 0 ? -1 : 0;
	}
	if (*p - start > 2 || **p != '.')
		return -1;
	d->day = a;
	(*p)++;
	if (**p == ' ') {                               /* D. Monat YYYY */
		while (**p == ' ')
			(*p)++;
		if ((d->month = month_name(p)) < 0 || **p != ' ')
			return -1;
		while (**p == ' ')
			(*p)++;
	} else {                                        /* DD.MM.YYYY */
		if ((d->month = digits(p, 1, 2)) < 0 || **p != '.')
			return -1;
		(*p)++;
	}
	return (d->year = digits(p, 4, 4)) < 0 ? -1 : 0;
}

int dt_parse(const char *s, struct dt *out, struct err *e)
{
	static const char forms[] = "use YYYY-MM-DD[ HH:MM:SS], DD.MM.YYYY or 2025-02-12T06:30:00";
	const char *p = s;
	struct dt d;
	int rc = 0, iso = 0;

	memset(&d, 0, sizeof(d));
	while (a_isspace((unsigned char)*p))
		p++;
	if (date_part(&p, &d) < 0)
		goto bad;
	iso = p - s >= 10 && p[-3] == '-';
	if (*p == 'T' && iso) {
		p++;
		if ((rc = clock_part(&p, &d)) == -1 || iso_tail(&p) < 0)
			goto bad;
	} else if (*p == ' ') {
		while (*p == ' ')
			p++;
		if (*p && (rc = clock_part(&p, &d)) == -1)
			goto bad;
	}
	while (a_isspace((unsigned char)*p))
		p++;
	if (*p)
		goto bad;
	if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in(d.year, d.month))
		return err_set(e, "'%s': no such day (%s)", s, forms);
	if (rc == -2)
		return err_set(e, "'%s': no such time (%s)", s, forms);
	*out = d;
	return 0;
bad:
	return err_set(e, "'%s' is not a date (%s)", s, forms);
}

void dt_from_unix(int64_t t, struct dt *out)
{
	/* days to civil date (proleptic Gregorian), after Howard Hinnant's algorithm */
	int64_t days = t / 86400, secs = t % 86400, z, era, doe, yoe, doy, mp, y;

	memset(out, 0, sizeof(*out));
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(y + (out->month <= 2));
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
	out->has_time = 1;
}

void dt_date_str(const struct dt *d, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->year % 10000u, (unsigned)d->month % 100u,
		 (unsigned)d->day % 100u);
}

void dt_time_str(const struct dt *d, char out[9])
{
	snprintf(out, 9, "%02u:%02u:%02u", (unsigned)d->hour % 100u, (unsigned)d->minute % 100u,
		 (unsigned)d->second % 100u);
}

void dt_str(const struct dt *d, char out[20])
{
	char t[9];

	dt_date_str(d, out);
	if (d->has_time) {
		dt_time_str(d, t);
		out[10] = ' ';
		memcpy(out + 11, t, 9);
	}
}
