#!/usr/bin/env python3
"""Writes the jingles and the music bed of the example bulletin (our own
synthesized sounds, nothing downloaded) as WAV files into a directory.

    scripts/make-show-audio.py DIR

opener.wav (4 s, 48 kHz stereo), stinger.wav (1.2 s, 48 kHz stereo),
bed.wav (12 s, 44.1 kHz stereo: resampled and looped by sprecher),
outro.wav (6 s, 48 kHz stereo). The same bytes every run. Standard library only.
"""
import math
import os
import struct
import sys
import wave

TWO_PI = 2 * math.pi


def note(f, t, dur, decay, bright=3):
    """An organ-like tone with a few harmonics and an exponential decay."""
    if t < 0 or t >= dur:
        return 0.0
    env = math.exp(-t / decay) * min(1.0, t / 0.008) * min(1.0, (dur - t) / 0.02)
    v = 0.0
    for h in range(1, bright + 1):
        v += math.sin(TWO_PI * f * h * t) / (h * h)
    return env * v


def chord(freqs, t, start, dur, decay, pan):
    """A chord starting at `start`; returns (left, right)."""
    v = sum(note(f, t - start, dur, decay) for f in freqs) / len(freqs)
    return v * (1 - pan), v * (1 + pan)


def write(path, rate, seconds, fn, level):
    n = int(round(rate * seconds))
    frames = bytearray()
    peak = 1e-9
    data = []
    for i in range(n):
        l, r = fn(i / rate, seconds)
        data.append((l, r))
        peak = max(peak, abs(l), abs(r))
    g = level / peak
    for l, r in data:
        frames += struct.pack('<hh', int(round(l * g * 32767)), int(round(r * g * 32767)))
    with wave.open(path, 'wb') as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


A, C, D, E, F, G = 220.0, 261.63, 293.66, 329.63, 349.23, 392.0


def opener(t, total):
    l = r = 0.0
    for k, (fs, st, pan) in enumerate([((A, C * 2, E * 2), 0.0, -0.3), ((F, A * 2, C * 2), 0.9, 0.3),
                                       ((G, D * 2, G * 2), 1.8, -0.2), ((A, E * 2, A * 2), 2.6, 0.0)]):
        a, b = chord(fs, t, st, total - st if k == 3 else 1.2, 0.9 if k == 3 else 0.5, pan)
        l += a
        r += b
    tick = note(1760.0, (t % 0.45), 0.05, 0.01, 1) * 0.3
    return l + tick, r + tick


def stinger(t, total):
    a, b = chord((E * 2, G * 2, C * 4), t, 0.0, total, 0.35, 0.25)
    c, d = chord((A, E), t, 0.15, total - 0.15, 0.4, -0.25)
    return a + c, b + d


def bed(t, total):
    # four bars of a soft pulse over held chords; loops on its own length
    bar = total / 4
    k = int(t // bar)
    chords = [(A, C * 2, E * 2), (F, A * 2, C * 2), (C, E * 2, G * 2), (G, D * 2, G * 2)]
    pad_l, pad_r = chord(chords[k % 4], t, k * bar, bar, 4.0, -0.4)
    beat = t % (bar / 8)
    pulse = note(chords[k % 4][0] / 2, beat, bar / 8, 0.12, 2)
    shimmer = 0.15 * math.sin(TWO_PI * 0.25 * t)
    return pad_l * (0.8 + shimmer) + 0.5 * pulse, pad_r * (0.8 - shimmer) + 0.5 * pulse


def outro(t, total):
    l = r = 0.0
    for fs, st, pan in [((G, D * 2, G * 2), 0.0, 0.2), ((F, A * 2, C * 2), 1.0, -0.2),
                        ((A, E * 2, A * 2), 2.0, 0.0)]:
        a, b = chord(fs, t, st, total - st, 1.6, pan)
        l += a
        r += b
    return l, r


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: make-show-audio.py DIR')
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, 'opener.wav'), 48000, 4.0, opener, 0.7)
    write(os.path.join(out, 'stinger.wav'), 48000, 1.2, stinger, 0.6)
    write(os.path.join(out, 'bed.wav'), 44100, 12.0, bed, 0.5)
    write(os.path.join(out, 'outro.wav'), 48000, 6.0, outro, 0.7)


if __name__ == '__main__':
    main()
