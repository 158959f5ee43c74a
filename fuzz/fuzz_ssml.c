/*
 * fuzz_ssml.c - libFuzzer target for SSML input: ssml_build (libexpat, the
 * element handlers, say-as readings, IPA mapping, sentence assembly) must not
 * crash, hang, leak or read out of bounds on any input; a failure always says
 * why in one line, and a script's spoken text holds "[[" only as balanced,
 * bracket-free phoneme runs.
 *
 * Built and run by scripts/fuzz.sh; seeds in tests/fuzz-seeds/ssml/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "voice.h"
#include "script.h"
#include "ssml.h"
#include "lexicon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed presets (no files needed): the pause values are distinct on purpose. */
static void presets(struct voice_preset v[ROLE__COUNT])
{
	memset(v, 0, sizeof(struct voice_preset) * ROLE__COUNT);
	for (int r = 0; r < ROLE__COUNT; r++) {
		strcpy(v[r].name, "fuzz");
		strcpy(v[r].espeak, "de");
		v[r].rate = 160, v[r].pitch = 50, v[r].range = 40, v[r].volume = 100;
		v[r].pause_sentence_ms = 400, v[r].pause_paragraph_ms = 800, v[r].pause_section_ms = 1200;
	}
}

static void check_spoken(const char *sp)
{
	int depth = 0;

	if (strchr(sp, '\n'))
		abort();
	for (size_t i = 0; sp[i]; i++) {
		if (sp[i] == '[' && sp[i + 1] == '[') {
			if (depth++)
				abort();
			i++;
		} else if (sp[i] == ']' && sp[i + 1] == ']') {
			if (!depth--)
				abort();
			i++;
		}
	}
	if (depth)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lexicon *lx;
	struct voice_preset v[ROLE__COUNT];
	struct script sc;
	struct warns w;
	struct err e;

	if (!lx)
		lx = lex_new();
	presets(v);
	warns_init(&w);
	e.msg[0] = '\0';
	if (ssml_build((const char *)data, size, "fuzz.ssml", v, lx, &sc, &w, &e) == 0) {
		if (!sc.nseg)
			abort();
		for (size_t i = 0; i < sc.nseg; i++) {
			const struct script_segment *g = &sc.seg[i];
			if (!g->nsent || !g->voice)
				abort();
			for (size_t k = 0; k < g->nsent; k++) {
				const struct script_sentence *t = &g->sent[k];
				check_spoken(t->spoken);
				if (t->pause_ms < 0 || !t->nanchors || t->anchors[0].written || t->anchors[0].spoken)
					abort();
				for (size_t a = 0; a < t->nanchors; a++)
					if (t->anchors[a].written > strlen(t->written) ||
					    t->anchors[a].spoken > strlen(t->spoken) ||
					    (a && (t->anchors[a].written < t->anchors[a - 1].written ||
						   t->anchors[a].spoken < t->anchors[a - 1].spoken)))
						abort();
			}
		}
		script_release(&sc);
	} else if (!e.msg[0] || strchr(e.msg, '\n')) {
		abort();
	}
	warns_release(&w);
	return 0;
}
