#!/bin/sh
# Renders the bundled example article into out/ and prints path, duration,
# integrated loudness and true peak (sprecher prints that line itself).
set -eu
cd "$(dirname "$0")/.."
mkdir -p out
./sprecher render examples/nachrichten.txt -o out/nachrichten.wav \
	--captions out/nachrichten.vtt --timeline out/nachrichten.json \
	--chapters out/nachrichten.ffmeta --labels out/nachrichten-labels.txt
echo "captions, timeline, chapters and labels are beside it in out/"
