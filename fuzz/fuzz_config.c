/*
 * fuzz_config.c - libFuzzer target for the station configuration reader:
 * any input must give entries with non-decreasing line numbers within the
 * input, or fail with "NAME:LINE: ..." / "NAME: ...".
 *
 * Built and run by scripts/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct err e = { "" };
	FILE *f;
	size_t lines = 1;
	int last = 0;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		abort();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	config_init(&c);
	if (config_load_stream(f, "fuzz.conf", &c, &e)) {
		if (strncmp(e.msg, "fuzz.conf", 9))
			abort();
	} else {
		for (size_t i = 0; i < c.n; i++) {
			if (c.v[i].line < last || c.v[i].line < 1 || (size_t)c.v[i].line > lines)
				abort();
			if (!c.v[i].section || !c.v[i].key || !c.v[i].value)
				abort();
			last = c.v[i].line;
		}
	}
	config_release(&c);
	fclose(f);
	return 0;
}
