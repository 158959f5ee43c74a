#!/usr/bin/env python3
"""check-vtt.py - checks a caption file written by sprecher against its timeline.

Usage: scripts/check-vtt.py CAPTIONS.vtt|.srt --timeline TIMELINE.json

Checks, independently of the C code:
  - WebVTT header / SRT numbering, time lines HH:MM:SS.mmm (or ,mmm for SRT)
  - cues monotonic, non-overlapping, start < end, inside the file's duration
  - at most two lines per cue, at most 42 code points per line
  - per speech clip of the timeline: its cues lie inside the clip (1 ms slack)
    and their text, joined with spaces, equals the clip's written sentence
    (whitespace normalised)
Prints one line per problem and exits 1, or prints a summary and exits 0.
Python 3 standard library only; used by hand, not by make test.
"""
import argparse
import html
import json
import re
import sys

TIME = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)([.,])(\d{3})$")
MAX_LINE = 42
SLACK_MS = 1


def parse_time(s, sep):
    m = TIME.match(s.strip())
    if not m or m.group(4) != sep:
        return None
    h, mi, se, _, ms = m.groups()
    return ((int(h) * 60 + int(mi)) * 60 + int(se)) * 1000 + int(ms)


def parse_captions(text, vtt, problems):
    """Returns a list of (start_ms, end_ms, [lines])."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    i = 0
    if vtt:
        if not lines or not (lines[0] == "WEBVTT" or lines[0].startswith("WEBVTT ")
                             or lines[0].startswith("WEBVTT\t")):
            problems.append("line 1: missing WEBVTT header")
            return []
        i = 1
        while i < len(lines) and lines[i] != "":
            i += 1   # header block
    cues = []
    number = 0
    while i < len(lines):
        if lines[i] == "":
            i += 1
            continue
        start_line = i + 1
        if not vtt:
            number += 1
            if lines[i].strip() != str(number):
                problems.append(f"line {start_line}: expected cue number {number}, got {lines[i]!r}")
            i += 1
            if i >= len(lines):
                problems.append(f"line {start_line}: cue number without time line")
                break
        elif "-->" not in lines[i]:
            i += 1   # a WebVTT cue identifier
            if i >= len(lines):
                break
        parts = lines[i].split(" --> ")
        sep = "." if vtt else ","
        if len(parts) != 2:
            problems.append(f"line {i + 1}: bad time line {lines[i]!r}")
            i += 1
            continue
        a = parse_time(parts[0], sep)
        b = parse_time(parts[1].split(" ")[0], sep)
        if a is None or b is None:
            problems.append(f"line {i + 1}: bad time {lines[i]!r}")
            a = b = 0
        i += 1
        body = []
        while i < len(lines) and lines[i] != "":
            body.append(lines[i])
            i += 1
        if not body:
            problems.append(f"line {start_line}: cue without text")
        cues.append((a, b, body, start_line))
    return cues


def norm(s):
    return " ".join(s.split())


def main():
    ap = argparse.ArgumentParser(description="check sprecher captions against a timeline JSON")
    ap.add_argument("captions")
    ap.add_argument("--timeline", required=True)
    args = ap.parse_args()

    vtt = args.captions.lower().endswith(".vtt")
    if not vtt and not args.captions.lower().endswith(".srt"):
        print(f"{args.captions}: captions must end in .vtt or .srt")
        return 2
    with open(args.captions, encoding="utf-8") as f:
        text = f.read()
    with open(args.timeline, encoding="utf-8") as f:
        tl = json.load(f)

    problems = []
    cues = parse_captions(text, vtt, problems)
    rate = tl["rate"]

    def ms(frames):   # the same rounding as sprecher: half up, exact in integers
        return (frames * 1000 + rate // 2) // rate

    total_ms = ms(tl["frames"])

    prev_end = 0
    for a, b, body, ln in cues:
        if a >= b:
            problems.append(f"line {ln}: cue ends before it starts")
        if a < prev_end:
            problems.append(f"line {ln}: cue overlaps the previous one")
        if b > total_ms:
            problems.append(f"line {ln}: cue ends at {b} ms, after the file ({total_ms} ms)")
        prev_end = max(prev_end, b)
        if len(body) > 2:
            problems.append(f"line {ln}: {len(body)} lines")
        for k, line in enumerate(body):
            shown = html.unescape(line) if vtt else line
            if len(shown) > MAX_LINE:
                problems.append(f"line {ln + 1 + k}: {len(shown)} characters: {shown!r}")

    speech = [c for c in tl["clips"] if c["kind"] == "speech" and c.get("written")
              and norm(c["written"]) and c["end_frame"] > c["start_frame"]]
    speech.sort(key=lambda c: c["start_frame"])
    ci = 0
    checked = 0
    for c in speech:
        s_ms = ms(c["start_frame"])
        e_ms = ms(c["end_frame"])
        got = []
        while ci < len(cues) and cues[ci][0] < e_ms:
            a, b, body, ln = cues[ci]
            if a < s_ms - SLACK_MS:
                problems.append(f"line {ln}: cue at {a} ms belongs to no sentence")
            elif b > e_ms + SLACK_MS:
                problems.append(f"line {ln}: cue ends at {b} ms, after its sentence ({e_ms} ms)")
            got.append(" ".join(html.unescape(x) if vtt else x for x in body))
            ci += 1
        want = norm(c["written"])
        have = norm(" ".join(got))
        # a token longer than one line is cut inside; allow that cut
        if have != want and have.replace(" ", "") != want.replace(" ", ""):
            problems.append(f"sentence at {s_ms} ms: captions {have!r} != written {want!r}")
        checked += 1
    for a, b, body, ln in cues[ci:]:
        problems.append(f"line {ln}: cue at {a} ms belongs to no sentence")

    for p in problems:
        print(f"{args.captions}: {p}")
    if problems:
        return 1
    print(f"{args.captions}: ok: {len(cues)} cues, {checked} sentences, {total_ms / 1000:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
