/*
 * fuzz_lexicon.c - libFuzzer target for the pronunciation lexicon loader:
 * any file must load or fail with "PATH:LINE: ..." (never crash, leak or
 * read out of bounds), a failed load must add nothing, and every word of a
 * loaded file must be found again.
 *
 * Built and run by scripts/fuzz.sh; the input is handed over as a memfd's
 * /proc/self/fd path, as a lexicon file on disk would be.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "util.h"
#include "lexicon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file: a memfd; its path goes to `path`. Returns the fd or -1. */
static int as_file(const uint8_t *data, size_t size, char *path, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lexicon *lx = lex_new();
	struct err e = { "" };
	char path[64];
	int fd = as_file(data, size, path, sizeof(path));

	if (fd < 0)
		abort();
	lex_add(lx, "Vorher", "Vorher");
	if (lex_load(lx, path, &e)) {
		/* the message names the file; nothing of the file was kept */
		if (strncmp(e.msg, path, strlen(path)) || lex_size(lx) != 1)
			abort();
	} else {
		/* every "WORD<TAB>..." line's word is found (the last entry for it won) */
		const char *t = (const char *)data;
		size_t i = 0;
		while (i < size) {
			const char *nl = memchr(t + i, '\n', size - i);
			size_t end = nl ? (size_t)(nl - t) : size;
			const char *tab = memchr(t + i, '\t', end - i);
			size_t a = i;
			while (a < end && t[a] == ' ')
				a++;
			if (tab && a < end && t[a] != '#' && tab > t + i && !memchr(t + i, '\0', end - i) &&
			    !lex_lookup(lx, t + i, (size_t)(tab - (t + i))))
				abort();
			i = end + 1;
		}
	}
	/* lookups of arbitrary spans must be safe */
	for (size_t k = 0; k < size && k < 64; k += 7)
		(void)lex_lookup(lx, (const char *)data + k, size - k < 16 ? size - k : 16);
	lex_free(lx);
	close(fd);
	return 0;
}
