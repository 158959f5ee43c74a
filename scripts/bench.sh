#!/bin/bash
# make bench: real-time factor and peak memory of sprecher on long articles made
# by repeating the examples, and (where espeak-ng, sox and ffmpeg are installed)
# the ratio against the equivalent shell pipeline, measured side by side.
#
#   scripts/bench.sh [MINUTES...]   default: 30 (with the pipeline), 10 and 120 (memory)
set -euo pipefail
cd "$(dirname "$0")/.."
W=bench/work
mkdir -p "$W"
BIN=./sprecher

# An article of about N minutes: a title, then the body of examples/nachrichten.txt
# (without its title, image credit and footer: everything from "Bilder:" on)
# repeated. One copy is about 7 minutes of speech.
make_article() {
	local minutes=$1 out=$2 reps
	reps=$(( (minutes + 6) / 7 ))
	{
		echo "Nachrichten im Überblick"
		echo
		for ((i = 0; i < reps; i++)); do
			awk 'NR > 1 && /^(Bilder?|Fotos?):/ { exit } NR > 1' examples/nachrichten.txt
			echo
		done
	} > "$out"
}

# Runs a command under /usr/bin/time; sets WALL (s) and RSS (MB).
timed() {
	local log=$W/time.log
	/usr/bin/time -f '%e %M' -o "$log" "$@"
	read -r WALL RSS < "$log"
	RSS=$(awk -v k="$RSS" 'BEGIN { printf "%.1f", k / 1024 }')
}

if [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time is missing (apt-get install time)" >&2
	exit 1
fi

bench_one() {
	local minutes=$1 art=$W/long-$1.txt out=$W/long-$1.wav secs rtf
	make_article "$minutes" "$art"
	# the machines are noisy: the best of three runs for the short inputs, one for long ones
	local best=
	for ((r = 0; r < (minutes <= 30 ? 3 : 1); r++)); do
		timed "$BIN" render "$art" -o "$out" -q
		if [ -z "$best" ] || awk -v a="$WALL" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$WALL; bestrss=$RSS
		fi
	done
	WALL=$best; RSS=$bestrss
	secs=$(python3 -c "import wave; w=wave.open('$out'); print(round(w.getnframes()/w.getframerate(),1))")
	rtf=$(awk -v a="$secs" -v t="$WALL" 'BEGIN { printf "%.0f", a / (t > 0 ? t : 0.01) }')
	printf '%-28s audio %7.1f s  wall %6.2f s  %5s x real time  peak RSS %6s MB\n' \
		"sprecher ${minutes} min" "$secs" "$WALL" "$rtf" "$RSS"
	SPRECHER_WALL=$WALL
	AUDIO_SECS=$secs
}

# The equivalent shell pipeline: espeak-ng -w per paragraph, sox to 48 kHz
# stereo and joined with the same pauses, ffmpeg loudnorm in two passes.
pipeline() {
	local art=$1 dir=$W/pipe
	rm -rf "$dir"; mkdir -p "$dir"
	awk -v RS= -v dir="$dir" '{ gsub(/\n/, " "); f = sprintf("%s/p%05d.txt", dir, NR); print > f; close(f) }' "$art"
	local list=() pad
	for t in "$dir"/p*.txt; do
		espeak-ng -v de -s 158 -w "${t%.txt}.wav" -f "$t"
		sox -q -G "${t%.txt}.wav" -r 48000 -c 2 -b 24 "${t%.txt}.48k.wav" pad 0 0.9
		list+=("${t%.txt}.48k.wav")
	done
	sox -q "${list[@]}" "$dir/joined.wav"
	local json
	json=$(ffmpeg -hide_banner -nostats -i "$dir/joined.wav" \
		-af loudnorm=I=-23:TP=-1:LRA=20:print_format=json -f null - 2>&1 | sed -n '/^{/,/^}/p')
	local mi mtp mlra mth off
	mi=$(echo "$json" | sed -n 's/.*"input_i" : "\(.*\)".*/\1/p')
	mtp=$(echo "$json" | sed -n 's/.*"input_tp" : "\(.*\)".*/\1/p')
	mlra=$(echo "$json" | sed -n 's/.*"input_lra" : "\(.*\)".*/\1/p')
	mth=$(echo "$json" | sed -n 's/.*"input_thresh" : "\(.*\)".*/\1/p')
	off=$(echo "$json" | sed -n 's/.*"target_offset" : "\(.*\)".*/\1/p')
	ffmpeg -hide_banner -nostats -loglevel error -y -i "$dir/joined.wav" -af \
		"loudnorm=I=-23:TP=-1:LRA=20:measured_I=$mi:measured_TP=$mtp:measured_LRA=$mlra:measured_thresh=$mth:offset=$off:linear=true" \
		-ar 48000 -c:a pcm_s24le "$dir/final.wav"
}

# A show from a rundown: the example bulletin (3 min, a looped and ducked bed), and
# a long show of the same items repeated (bed under all of it) for memory against length.
bench_show() {
	local rd=$1 name=$2 out=$W/show.wav best= bestrss= secs rtf
	for ((r = 0; r < 3; r++)); do
		timed "$BIN" render "$rd" -o "$out" -q
		if [ -z "$best" ] || awk -v a="$WALL" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$WALL; bestrss=$RSS
		fi
	done
	secs=$(python3 -c "import wave; w=wave.open('$out'); print(round(w.getnframes()/w.getframerate(),1))")
	rtf=$(awk -v a="$secs" -v t="$best" 'BEGIN { printf "%.0f", a / (t > 0 ? t : 0.01) }')
	printf '%-28s audio %7.1f s  wall %6.2f s  %5s x real time  peak RSS %6s MB\n' \
		"$name" "$secs" "$best" "$rtf" "$bestrss"
}

# The bulletin's items N times over under one bed, no slot (about N x 3 minutes).
long_rundown() {
	local n=$1 out=$2 d
	d=$(cd examples/bulletin && pwd)
	{
		printf '[show]\ntitle = Lange Sendung\ndate = 2026-12-02 14:00:00\n'
		printf '[bett]\nkind = bed\nfile = %s/audio/bed.wav\nuntil = sport-%d\n' "$d" "$n"
		for ((i = 1; i <= n; i++)); do
			for a in 1-bruecke 2-klinik 3-tarif 4-schule 5-sport; do
				printf '[%s-%d]\nkind = article\nfile = %s/%s.txt\n' "${a#*-}" "$i" "$d" "$a"
				printf '[stinger-%s-%d]\nkind = jingle\nfile = %s/audio/stinger.wav\ngain = -6\n' "$a" "$i" "$d"
			done
		done
	} | sed '$d' | sed '$d' | sed '$d' | sed '$d' > "$out"
}

minutes=("$@")
[ ${#minutes[@]} -eq 0 ] && minutes=(30 10 120)
echo "== sprecher bench on $(nproc) cores ($(date -u +%Y-%m-%d))"
for m in "${minutes[@]}"; do
	bench_one "$m"
	if [ "$m" = 30 ] && command -v espeak-ng >/dev/null && command -v sox >/dev/null && command -v ffmpeg >/dev/null; then
		export -f pipeline; export W
		timed bash -c 'pipeline "$1"' _ "$W/long-30.txt"
		printf '%-28s wall %6.2f s  peak RSS %6s MB\n' "shell pipeline 30 min" "$WALL" "$RSS"
		awk -v p="$WALL" -v s="$SPRECHER_WALL" 'BEGIN { printf "ratio: sprecher is %.1fx faster than the shell pipeline\n", p / s }'
	elif [ "$m" = 30 ]; then
		echo "shell pipeline: skipped (needs espeak-ng, sox and ffmpeg: scripts/install-deps.sh --dev)"
	fi
done

[ -f examples/bulletin/audio/outro.wav ] || python3 scripts/make-show-audio.py examples/bulletin/audio
bench_show examples/bulletin/bulletin.rundown "show: 3-min bulletin, bed"
long_rundown 5 "$W/long-show.rundown"
bench_show "$W/long-show.rundown" "show: 5 x items, bed"
