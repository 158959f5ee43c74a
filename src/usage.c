/*
 * usage.c - the help texts of the command line (usage.h).
 */
#include "usage.h"

#include "voice.h"

const char usage_main[] =
"usage: sprecher COMMAND [OPTIONS]\n"
"\n"
"Turns a German news article into a radio-ready broadcast file.\n"
"\n"
"commands:\n"
"  render ARTICLE [-o OUT]   render the whole programme (WAV or FLAC ...)\n"
"  script ARTICLE            print the plan: segments, roles, spoken text, durations\n"
"  preview ARTICLE N         render segment N and play it\n"
"                            ARTICLE may be a show: NAME.rundown (items, beds, --fit)\n"
"  sentences [FILE]          print one sentence per line (stdin without FILE)\n"
"  normalize                 read lines on stdin, print their spoken form\n"
"  voices                    list voice presets and installed German eSpeak voices\n"
"  cache [clear]             size of the synthesis cache, or empty it\n"
"  help COMMAND              options of one command (help config: the configuration file)\n"
"\n"
"sprecher --version (-V) prints the version.\n";

const char usage_render[] =
"usage: sprecher render ARTICLE [OPTIONS]\n"
"       sprecher render ARTICLE... [-o DIR] [--format EXT] [OPTIONS]   (a batch of episodes)\n"
"\n"
"  -o, --output FILE      output file: .wav (default ARTICLE-NAME.wav), .flac, .ogg, .opus, .mp3;\n"
"                         '-' writes a WAV stream to stdout;\n"
"                         with several articles: the directory for NAME.EXT files\n"
"      --format EXT       extension of default output names: wav, flac, ogg, opus, mp3\n"
"      --voice NAME|FILE  voice preset (see sprecher voices; default " VOICE_DEFAULT ")\n"
"      --speed N%|WPM     speaking speed: percent of the preset's (110%), or words per\n"
"                         minute for body text (170); other roles keep their proportion\n"
"      --lexicon FILE     extra pronunciation lexicon (repeatable; later files win)\n"
"      --keep-footer      read the donation/contact footer too (URLs, e-mail spoken)\n"
"      --keep-furniture   read site furniture too (timestamps, bylines, \"Lesen Sie auch\", credits)\n"
"      --rate HZ          44100 or 48000 (default 48000)\n"
"      --mono             one channel (default stereo)\n"
"      --resample Q       fast, medium or best (default fast)\n"
"      --loudness LUFS    target: a number, ebu (-23, default), podcast (-16), atsc (-24)\n"
"      --true-peak DB     true-peak ceiling in dBTP (default -1; -2 with --loudness atsc)\n"
"      --mono-loudness M  mono files: dual (default: as if on both speakers, like\n"
"                         ffmpeg ebur128=dualmono=true) or single (one channel, 3 LU lower)\n"
"      --bits B           WAV: 16, 24 (default) or 32f; FLAC: 16 or 24\n"
"      --quality Q        lossy codecs: 0..1\n"
"      --bitrate KBPS     mp3/opus bit rate\n"
"      --intro FILE       intro jingle (any format libsndfile reads)\n"
"      --outro FILE       outro jingle\n"
"      --stinger FILE     jingle between sections\n"
"      --no-jingles       no jingles at all (default: built-in ones)\n"
"      --talkup MS        start speaking over the last MS ms of the intro\n"
"      --segment N[-M]    render only these segments of the script\n"
"      --date DATE        'YYYY-MM-DD[ HH:MM:SS]', DD.MM.YYYY or ISO 8601 (2025-02-12T06:30)\n"
"                         for tags, bext and cart (else SOURCE_DATE_EPOCH, the front\n"
"                         matter's date:, the article file's time)\n"
"      --artist NAME      artist tag (default: the front matter's author, else sprecher)\n"
"      --cut-id ID        WAV cart CutID (default: a stable hash of title and date)\n"
"      --captions FILE    captions, .vtt or .srt\n"
"      --timeline FILE    every clip as JSON\n"
"      --labels FILE      Audacity label track\n"
"      --chapters FILE    chapters: ffmetadata, or a CUE sheet for .cue\n"
"      --fit MM:SS        a show (ARTICLE ending in .rundown): end exactly at this length\n"
"      --cache DIR        synthesized sentences are kept in DIR and reused\n"
"                         (default $XDG_CACHE_HOME/sprecher, else ~/.cache/sprecher)\n"
"      --no-cache         synthesize everything, keep nothing\n"
"      --cache-size MB    the cache's limit; least recently used entries go first (default 1024)\n"
"  -q, --quiet            print nothing but errors\n"
"      --no-config        ignore the station configuration file (see sprecher help config)\n"
"      --trust-front-matter  let the article's front matter name files outside its directory\n"
"\n"
"batches (several ARTICLEs, --from or --shard):\n"
"      --jobs N           render N episodes at once, each in its own process (default: cores)\n"
"      --from FILE        more ARTICLEs from FILE, one path per line ('-' = stdin; # comments)\n"
"      --shard K/N        only the K-th of N slices of the batch (stable assignment by name)\n"
"                         --captions/--timeline/--labels/--chapters take a suffix such as .vtt:\n"
"                         DIR/NAME.vtt is written next to each episode\n"
"\n"
"ARTICLE may be a show rundown (NAME.rundown, see README): then every item is rendered\n"
"into one programme, and --captions ... --chapters and the cue points follow its items.\n"
"Long options are spelled out in full; abbreviations are refused.\n";

const char usage_script[] =
"usage: sprecher script ARTICLE [--voice NAME|FILE] [--speed N%|WPM] [--lexicon FILE] [--keep-footer]\n"
"                       [--keep-furniture]\n"
"\n"
"Prints numbered segments with role, voice preset, the text as it will be spoken,\n"
"the pause after each sentence and an estimated duration, then the total.\n";

const char usage_preview[] =
"usage: sprecher preview ARTICLE N [--player CMD] [render options]\n"
"\n"
"Renders segment N (or N-M) and plays it with aplay, paplay, pw-play or ffplay,\n"
"the first found, or with --player CMD (a command line; the WAV file is added\n"
"as its last argument). Without a player or sound device: render it instead,\n"
"sprecher render ARTICLE --segment N -o - | aplay\n";

const char usage_sentences[] =
"usage: sprecher sentences [FILE]\n\nPrints one sentence per line; reads stdin without FILE.\n";
const char usage_normalize[] =
"usage: sprecher normalize [--lexicon FILE]\n\nReads lines on stdin and prints exactly one spoken-form line for each.\n";
const char usage_voices[] =
"usage: sprecher voices\n\nLists the voice presets and the German eSpeak NG voices installed.\n";
const char usage_config[] =
"The station configuration file: $XDG_CONFIG_HOME/sprecher/config (else\n"
"~/.config/sprecher/config), an INI file with defaults for render, preview and script:\n"
"\n"
"  [render]\n"
"  loudness   = podcast         ; any of: voice speed lexicon keep-footer rate mono\n"
"  voice      = sprecherin      ; resample loudness true-peak bits quality bitrate\n"
"  format     = flac            ; intro outro stinger no-jingles talkup artist format\n"
"  output-dir = /srv/sendung    ; player, and output-dir (where default names go)\n"
"  no-jingles = yes             ; options without a value take yes or no\n"
"\n"
"Options on the command line win; an article's front matter (voice, intro, outro,\n"
"stinger, author) wins over voice, intro, outro, stinger and artist here. Relative\n"
"paths are taken from the file's directory. --no-config ignores the file.\n";
const char usage_help[] =
"usage: sprecher help [COMMAND]\n\nPrints the options of COMMAND (render, script, preview, sentences,\n"
"normalize, voices, help), the configuration file (config), or the list of commands.\n";

const char usage_cache[] =
"usage: sprecher cache [clear] [--cache DIR]\n"
"\n"
"Shows where the synthesis cache is, how many sentences it holds and its size;\n"
"'clear' removes them all.\n";
