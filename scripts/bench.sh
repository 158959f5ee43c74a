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

# Runs a command under /usr/bin/time; sets WALL (s), CPU (user + system, s) and RSS (MB).
timed() {
	local log=$W/time.log u s
	/usr/bin/time -f '%e %M %U %S' -o "$log" "$@"
	read -r WALL RSS u s < "$log"
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
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
		timed "$BIN" render "$art" -o "$out" -q --no-cache
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
		timed "$BIN" render "$rd" -o "$out" -q --no-cache
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
# ---- batches and the synthesis cache (issue 9) --------------------------------
# Batch throughput: 20 articles (the two examples, alternating, under 20 names)
# with --jobs 1 and --jobs 2, side by side; peak RSS is that of the largest
# single process, i.e. one worker. Then the 30-minute article cold (no cache),
# cold into an empty cache, and re-rendered after one paragraph was edited.
bench_batch() {
	local dir=$W/batch j1 j2 c1 c2 rss1 rss2
	rm -rf "$dir"; mkdir -p "$dir/in" "$dir/j1" "$dir/j2"
	for ((i = 1; i <= 20; i++)); do
		if ((i % 2)); then cp examples/nachrichten.txt "$dir/in/folge$i.txt"
		else cp examples/stadtrat.md "$dir/in/folge$i.md"; fi
	done
	timed "$BIN" render "$dir"/in/* -o "$dir/j1" --jobs 1 -q --no-cache
	j1=$WALL; c1=$CPU; rss1=$RSS
	timed "$BIN" render "$dir"/in/* -o "$dir/j2" --jobs 2 -q --no-cache
	j2=$WALL; c2=$CPU; rss2=$RSS
	printf '%-28s wall %6.2f s  cpu %6.2f s (%.2f s per item, %.2f cores busy)  peak RSS per worker %6s MB\n' \
		"batch of 20, --jobs 1" "$j1" "$c1" "$(awk -v c="$c1" 'BEGIN { print c / 20 }')" \
		"$(awk -v c="$c1" -v w="$j1" 'BEGIN { print c / w }')" "$rss1"
	printf '%-28s wall %6.2f s  cpu %6.2f s (%.2f s per item, %.2f cores busy)  peak RSS per worker %6s MB\n' \
		"batch of 20, --jobs 2" "$j2" "$c2" "$(awk -v c="$c2" 'BEGIN { print c / 20 }')" \
		"$(awk -v c="$c2" -v w="$j2" 'BEGIN { print c / w }')" "$rss2"
	awk -v a="$j1" -v b="$j2" 'BEGIN { printf "ratio: --jobs 2 has %.2fx the throughput of --jobs 1\n", a / b }'
	# --jobs 1 already keeps several threads busy (eSpeak NG, resampling, metering,
	# writing), so on $(nproc) cores --jobs 2 can gain at most nproc / (cores busy at --jobs 1)
	awk -v c="$c1" -v w="$j1" -v n="$(nproc)" -v c2="$c2" 'BEGIN {
		printf "bound: %d cores / %.2f cores busy at --jobs 1 = %.2fx at equal CPU per item (--jobs 2 used %.0f%% of the CPU of --jobs 1)\n",
			n, c / w, n / (c / w), 100 * c2 / c }'
	for f in "$dir"/j1/*; do
		cmp -s "$f" "$dir/j2/${f##*/}" || { echo "bench: $f differs between --jobs 1 and 2" >&2; exit 1; }
	done
}

bench_cache() {
	local art=$W/cache-art.txt cache=$W/cache out=$W/cache.wav cold nocache edited cn ce allc ca
	make_article 30 "$art"
	rm -rf "$cache"
	timed "$BIN" render "$art" -o "$out" -q --no-cache
	nocache=$WALL; cn=$CPU
	timed "$BIN" render "$art" -o "$out" -q --cache "$cache"
	cold=$WALL
	# everything from the cache: what a re-render costs besides synthesis (mix,
	# loudness of the whole programme, the output), the floor of an edited one
	timed "$BIN" render "$art" -o "$out" -q --cache "$cache"
	allc=$WALL; ca=$CPU
	# one paragraph edited: a clause added to the first sentence of paragraph 20
	awk -v RS= -v ORS='\n\n' 'NR == 20 { sub(/\./, ", wie es heißt.") } { print }' "$art" > "$art.new"
	mv "$art.new" "$art"
	timed "$BIN" render "$art" -o "$out" -q --cache "$cache"
	edited=$WALL; ce=$CPU
	printf '%-28s wall %6.2f s  cpu %6.2f s\n' "30 min, no cache" "$nocache" "$cn"
	printf '%-28s wall %6.2f s\n' "30 min, into an empty cache" "$cold"
	printf '%-28s wall %6.2f s  cpu %6.2f s\n' "30 min, all from the cache" "$allc" "$ca"
	printf '%-28s wall %6.2f s  cpu %6.2f s  peak RSS %6s MB\n' "30 min, one paragraph edited" "$edited" "$ce" "$RSS"
	awk -v e="$edited" -v c="$nocache" -v ec="$ce" -v cc="$cn" -v a="$allc" 'BEGIN {
		printf "ratio: the edited re-render takes %.0f%% of the cold render'\''s wall time (target <= 15%%), %.0f%% of its CPU time\n",
			100 * e / c, 100 * ec / cc
		printf "floor: a render with nothing to synthesize takes %.0f%% of the cold one\n", 100 * a / c }'
	# the whole article again from the cache: the same bytes as without it
	"$BIN" render "$W/cache-art.txt" -o "$W/cache-again.wav" -q --cache "$cache"
	"$BIN" render "$W/cache-art.txt" -o "$W/cache-nocache.wav" -q --no-cache
	cmp -s "$W/cache-again.wav" "$W/cache-nocache.wav" || { echo "bench: the cached render differs from the uncached one" >&2; exit 1; }
	rm -f "$W/cache-again.wav" "$W/cache-nocache.wav"
	"$BIN" cache --cache "$cache"
}

if [ $# -eq 0 ]; then
	bench_batch
	bench_cache
fi

# ---- speed of one render (issue 9) ---------------------------------------------
# One ~7-minute article rendered by sprecher and spoken by espeak-ng's own CLI
# into a bare 22 kHz WAV (-w), interleaved and best of five each so both see the
# same machine load; the ratio of their real-time factors is the figure to
# watch (CPU seconds, user + system, beside it: less sensitive to other load).
# Then the resampler's speed and quality (difference to `best`) per quality on
# that espeak-ng output (build/rs-bench).
single_render() {
	local art=$W/single.txt out=$W/single.wav ewav=$W/single-espeak.wav log=$W/time1.log
	local bs= be= cs= ce= secs esecs rs re w c
	make_article 7 "$art"
	for ((r = 0; r < 5; r++)); do
		/usr/bin/time -f '%e %U %S' -o "$log" "$BIN" render "$art" -o "$out" -q --no-cache
		read -r w c < <(awk '{ print $1, $2 + $3 }' "$log")
		if [ -z "$bs" ] || awk -v a="$w" -v b="$bs" 'BEGIN { exit !(a < b) }'; then bs=$w; fi
		if [ -z "$cs" ] || awk -v a="$c" -v b="$cs" 'BEGIN { exit !(a < b) }'; then cs=$c; fi
		/usr/bin/time -f '%e %U %S' -o "$log" espeak-ng -v de -s 158 -w "$ewav" -f "$art"
		read -r w c < <(awk '{ print $1, $2 + $3 }' "$log")
		if [ -z "$be" ] || awk -v a="$w" -v b="$be" 'BEGIN { exit !(a < b) }'; then be=$w; fi
		if [ -z "$ce" ] || awk -v a="$c" -v b="$ce" 'BEGIN { exit !(a < b) }'; then ce=$c; fi
	done
	secs=$(python3 -c "import wave; w=wave.open('$out'); print(round(w.getnframes()/w.getframerate(),1))")
	esecs=$(python3 -c "import wave; w=wave.open('$ewav'); print(round(w.getnframes()/w.getframerate(),1))")
	rs=$(awk -v a="$secs" -v t="$bs" 'BEGIN { printf "%.0f", a / (t > 0 ? t : 0.01) }')
	re=$(awk -v a="$esecs" -v t="$be" 'BEGIN { printf "%.0f", a / (t > 0 ? t : 0.01) }')
	printf '%-28s audio %7.1f s  wall %6.2f s  %5s x real time  cpu %5.2f s\n' \
		"sprecher single render" "$secs" "$bs" "$rs" "$cs"
	printf '%-28s audio %7.1f s  wall %6.2f s  %5s x real time  cpu %5.2f s\n' \
		"espeak-ng -w, same text" "$esecs" "$be" "$re" "$ce"
	awk -v s="$rs" -v e="$re" 'BEGIN { printf "ratio: sprecher runs at %.2f of espeak-ng -w'\''s real-time factor\n", s / e }'
	make --no-print-directory -s build/rs-bench && build/rs-bench "$ewav"
}

if command -v espeak-ng >/dev/null; then
	single_render
else
	echo "single render against espeak-ng -w: skipped (needs espeak-ng: scripts/install-deps.sh --dev)"
fi
