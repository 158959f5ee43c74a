#!/usr/bin/env python3
"""Scores sprecher's pronunciation of foreign names and words.

Usage: scripts/pronscore.py [-v] [--min PERCENT] CASES.tsv -- SPRECHER [ARGS...]

CASES.tsv holds WORD<TAB>ACCEPTED (alternatives separated by " || "); lines starting with '#'
are comments. Every word becomes one paragraph of a scratch article, `SPRECHER script` gives its
spoken form (respellings and inline [[phonemes]]), and `espeak-ng -q -x -v de` turns that into the
German voice's phonemes. A case passes when they equal one accepted form, ignoring stress marks,
pauses and spaces, and eSpeak did not switch to another voice ("(en)" ... "(de)") for it.
Prints "pronunciation P% (k/n)"; with --min, exits 1 below that figure.
"""
import os
import re
import subprocess
import sys
import tempfile


def norm(ph):
    return re.sub(r"[ '_,|!#=.;-]", "", ph).replace("R", "r")


def strip_len(ph):
    # E2 (unstressed e in eSpeak de) is the same sound as E
    return norm(ph).replace("E2", "E")


def main(argv):
    verbose = False
    minimum = None
    args = argv[1:]
    while args and args[0].startswith("-") and args[0] != "--":
        if args[0] == "-v":
            verbose = True
            args = args[1:]
        elif args[0] == "--min":
            minimum = float(args[1])
            args = args[2:]
        else:
            sys.exit("pronscore: unknown option " + args[0])
    if len(args) < 3 or args[1] != "--":
        sys.exit(__doc__)
    cases = []
    with open(args[0], encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            word, acc = line.split("\t")
            cases.append((word, [a.strip() for a in acc.split("||")]))
    cmd = args[2:]
    with tempfile.TemporaryDirectory() as d:
        art = os.path.join(d, "pron.txt")
        with open(art, "w", encoding="utf-8") as f:
            f.write("# Aussprache\n\n")
            for w, _ in cases:
                f.write(w + ".\n\n")
        out = subprocess.run(cmd + ["script", "--quiet", art], capture_output=True, text=True)
        if out.returncode:
            sys.exit("pronscore: " + out.stderr.strip())
    spoken = []
    for line in out.stdout.splitlines():
        if line.startswith("     "):
            spoken.append(re.sub(r"\s+\[\d+ ms\]$", "", line.strip()))
    spoken = spoken[1:]  # the title
    if len(spoken) != len(cases):
        sys.exit("pronscore: %d spoken lines for %d cases" % (len(spoken), len(cases)))
    ok = 0
    for (word, acc), sp in zip(cases, spoken):
        ph = subprocess.run(["espeak-ng", "-q", "-x", "-v", "de", sp.rstrip(".")],
                            capture_output=True, text=True).stdout.strip()
        switched = "(" in ph
        good = not switched and strip_len(ph) in [strip_len(a) for a in acc]
        ok += good
        if verbose and not good:
            print("FAIL %-22s spoken %-28s eSpeak %s%s   accepted %s" %
                  (word, sp, ph, "  (voice switch)" if switched else "", " || ".join(acc)))
    pct = 100.0 * ok / len(cases)
    print("pronunciation %.1f%% (%d/%d)" % (pct, ok, len(cases)))
    if minimum is not None and pct < minimum:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
