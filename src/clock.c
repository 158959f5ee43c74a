/*
 * clock.c - placement of clips on the programme's timeline (no audio here).
 */
#include "clock.h"

#include <string.h>

uint64_t clock_ms_to_frames(int ms, int rate)
{
	return ms > 0 ? ((uint64_t)ms * (uint64_t)rate + 500) / 1000 : 0;
}

struct clip clock_clip_at(const struct clock_opts *o, const struct clip *proto, uint64_t start)
{
	struct clip k = *proto;

	k.start = start;
	k.layer = k.kind == CLIP_JINGLE ? LAYER_JINGLE : k.kind == CLIP_BED ? LAYER_BED : LAYER_SPEECH;
	if (k.kind == CLIP_SPEECH) {
		k.fade_in = clock_ms_to_frames(o->speech_fade_in_ms, o->rate);
		k.fade_out = clock_ms_to_frames(o->speech_fade_out_ms, o->rate);
		k.ducks = 1;
	}
	return k;
}

void clock_init(struct clock *c, const struct clock_opts *o, struct timeline *tl)
{
	memset(c, 0, sizeof(*c));
	c->o = *o;
	c->tl = tl;
}

const struct clip *clock_place(struct clock *c, const struct clip *proto)
{
	struct clip k = clock_clip_at(&c->o, proto, c->cursor);

	c->cursor += k.frames;
	return timeline_add(c->tl, &k);
}

void clock_pause(struct clock *c, int ms, int segment, enum role role)
{
	struct clip k = { .kind = CLIP_SILENCE, .frames = clock_ms_to_frames(ms, c->o.rate),
			  .segment = segment, .role = role };

	if (k.frames)
		clock_place(c, &k);
}

const struct clip *clock_intro(struct clock *c, const struct clip *j)
{
	size_t at = c->tl->n;

	clock_place(c, j);
	if (c->o.talkup_ms > 0) {
		uint64_t t = clock_ms_to_frames(c->o.talkup_ms, c->o.rate);
		c->cursor -= t < j->frames ? t : j->frames;
	} else {
		clock_pause(c, c->o.intro_gap_ms, j->segment, j->role);
	}
	return &c->tl->clips[at];
}

const struct clip *clock_stinger(struct clock *c, const struct clip *j)
{
	size_t at = c->tl->n;

	clock_place(c, j);
	clock_pause(c, c->o.stinger_gap_ms, j->segment, j->role);
	return &c->tl->clips[at];
}

const struct clip *clock_outro(struct clock *c, const struct clip *j)
{
	clock_pause(c, c->o.outro_gap_ms, j->segment, j->role);
	return clock_place(c, j);
}

uint64_t clock_finish(struct clock *c)
{
	if (c->tl->total_frames < c->cursor)
		c->tl->total_frames = c->cursor;
	return c->tl->total_frames;
}
