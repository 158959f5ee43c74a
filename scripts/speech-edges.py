#!/usr/bin/env python3
"""speech-edges.py WAV TIMELINE.json - DC offset and onset/offset steps of the speech clips.

Decodes a PCM WAV (16 or 24 bit, first channel) with the standard library and reads the
clips of sprecher's --timeline JSON. For every speech clip it takes the first and the last
frame (the step from the silence around the clip) and the mean over the clip (DC offset).
Prints the largest step and the mean and largest |DC| in dBFS. No third-party modules.
"""
import array, json, math, sys, wave


def frames(path):
    w = wave.open(path)
    ch, sw, n = w.getnchannels(), w.getsampwidth(), w.getnframes()
    raw = w.readframes(n)
    if sw == 2:
        a = array.array('h'); a.frombytes(raw); scale = 32768.0
    elif sw == 3:
        b = bytearray(len(raw) // 3 * 4)
        b[1::4], b[2::4], b[3::4] = raw[0::3], raw[1::3], raw[2::3]
        a = array.array('i'); a.frombytes(bytes(b)); scale = 2147483648.0
    else:
        sys.exit(f"{path}: only 16- and 24-bit PCM")
    return a[0::ch], scale, w.getframerate()


def dbfs(x):
    return 20 * math.log10(x) if x > 0 else float('-inf')


def main():
    v, scale, rate = frames(sys.argv[1])
    tl = json.load(open(sys.argv[2]))
    clips = [c for c in tl['clips'] if c['kind'] == 'speech' and c['end_frame'] > c['start_frame']]
    onset = offset = 0.0
    dcs = []
    for c in clips:
        a, b = c['start_frame'], c['end_frame']
        onset = max(onset, abs(v[a]) / scale)
        offset = max(offset, abs(v[b - 1]) / scale)
        dcs.append(abs(sum(v[a:b]) / (b - a) / scale))
    print(f"{len(clips)} speech clips: largest onset step {dbfs(onset):.1f} dBFS, "
          f"largest end step {dbfs(offset):.1f} dBFS, "
          f"DC offset mean {dbfs(sum(dcs) / len(dcs)):.1f} dBFS, largest {dbfs(max(dcs)):.1f} dBFS")


if __name__ == '__main__':
    main()
