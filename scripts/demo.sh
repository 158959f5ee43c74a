#!/bin/sh
# Renders the bundled example article and the example bulletin (a 3-minute
# show from examples/bulletin/bulletin.rundown) into out/ and prints path,
# duration, integrated loudness and true peak (sprecher prints that line itself).
set -eu
cd "$(dirname "$0")/.."
mkdir -p out
./sprecher render examples/nachrichten.txt -o out/nachrichten.wav \
	--captions out/nachrichten.vtt --timeline out/nachrichten.json \
	--chapters out/nachrichten.ffmeta --labels out/nachrichten-labels.txt
echo "captions, timeline, chapters and labels are beside it in out/"
# the bulletin's jingles and bed are made here, once (our own tones, nothing downloaded)
[ -f examples/bulletin/audio/outro.wav ] || python3 scripts/make-show-audio.py examples/bulletin/audio
./sprecher script examples/bulletin/bulletin.rundown
./sprecher render examples/bulletin/bulletin.rundown -o out/bulletin.wav \
	--captions out/bulletin.vtt --timeline out/bulletin.json \
	--chapters out/bulletin.ffmeta --labels out/bulletin-labels.txt
echo "the bulletin's captions, timeline, chapters (one per item) and labels are beside it in out/"
