# bash completion for sprecher (installed by make install).
# The options come from `sprecher help COMMAND`, so they never drift from the program.

_sprecher_opts()
{
	"${1:-sprecher}" help "$2" 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u
}

_sprecher()
{
	local cur prev cmd words_opt
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "render script preview sentences normalize voices help --version --help" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $cmd in
	help)
		COMPREPLY=($(compgen -W "render script preview sentences normalize voices help config" -- "$cur"))
		return ;;
	voices) return ;;
	esac
	case $prev in
	--voice)
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" voices 2>/dev/null | sed -n 's/^\([a-z0-9-]*\)\t.*/\1/p')" -- "$cur"))
		[ "${#COMPREPLY[@]}" -eq 0 ] && COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur"))
		return ;;
	--format) COMPREPLY=($(compgen -W "wav flac ogg opus mp3" -- "$cur")); return ;;
	--loudness) COMPREPLY=($(compgen -W "ebu podcast atsc" -- "$cur")); return ;;
	--resample) COMPREPLY=($(compgen -W "fast medium best" -- "$cur")); return ;;
	--rate) COMPREPLY=($(compgen -W "44100 48000" -- "$cur")); return ;;
	--bits) COMPREPLY=($(compgen -W "16 24 32f" -- "$cur")); return ;;
	--player) COMPREPLY=($(compgen -c -- "$cur")); return ;;
	-o|--output|--intro|--outro|--stinger|--lexicon|--captions|--timeline|--labels|--chapters)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--speed|--true-peak|--quality|--bitrate|--talkup|--segment|--date|--artist)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_sprecher_opts "${COMP_WORDS[0]}" "$cmd") --help" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}

complete -o filenames -F _sprecher sprecher
