/*
 * fuzz_voice.c - libFuzzer target for the voice-preset INI reader: any file
 * must load with every value in its documented range or fail with
 * "PATH:LINE: ..." / "PATH: ..."; roles and --speed must keep rates within
 * eSpeak NG's limits.
 *
 * Built and run by scripts/fuzz.sh; the input is handed over as a memfd's
 * /proc/self/fd path. Role presets are only loaded when they name shipped
 * presets (no '/' in any role), so the run stays inside the repository.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "util.h"
#include "voice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ranges(const struct voice_preset *p)
{
	if (p->rate < 80 || p->rate > 450 || p->pitch < 0 || p->pitch > 99 || p->range < 0 ||
	    p->range > 99 || p->volume < 0 || p->volume > 200 || p->wordgap < 0 || p->wordgap > 100 ||
	    p->pause_sentence_ms < 0 || p->pause_sentence_ms > 10000 || p->pause_paragraph_ms < 0 ||
	    p->pause_paragraph_ms > 10000 || p->pause_section_ms < 0 || p->pause_section_ms > 10000)
		abort();
	if (!memchr(p->espeak, '\0', sizeof(p->espeak)) || !memchr(p->variant, '\0', sizeof(p->variant)) ||
	    !memchr(p->description, '\0', sizeof(p->description)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct voice_preset p, roles[ROLE__COUNT];
	struct err e = { "" };
	char path[64];
	int fd = memfd_create("fuzz", MFD_CLOEXEC), local = 1;

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (voice_load(path, &p, &e)) {
		if (strncmp(e.msg, path, strlen(path)))
			abort();
		close(fd);
		return 0;
	}
	check_ranges(&p);
	for (int r = 0; r < ROLE__COUNT; r++)
		if (strchr(p.role[r], '/') || strstr(p.role[r], ".ini"))
			local = 0;
	if (local && voice_load_roles(&p, roles, &e) == 0) {
		double pct = size ? 25 + data[0] * 375.0 / 255 : 100;
		voice_set_speed(roles, size > 1 && (data[1] & 1) ? pct : 0, size > 1 && !(data[1] & 1) ? 80 + data[1] : 0);
		for (int r = 0; r < ROLE__COUNT; r++)
			check_ranges(&roles[r]);
	} else if (local && !e.msg[0]) {
		abort();   /* a failure always says why */
	}
	close(fd);
	return 0;
}
