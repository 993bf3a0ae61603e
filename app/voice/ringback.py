"""The ringback tone a caller hears while a `Dial` rings, served by the app so the
gateway can fetch it (AT `<Dial ringbackTone=URL>`).

A Kenyan-style ring (425 Hz: 0.4 s on, 0.2 s off, 0.4 s on, 2 s off), as 8 kHz 16-bit
mono WAV, made once per process: no binary file in the repository.
"""

import io
import math
import struct
import wave
from functools import cache

RATE_HZ = 8000
TONE_HZ = 425
CADENCE_SECONDS = ((0.4, True), (0.2, False), (0.4, True), (2.0, False))


@cache
def ringback_wav(cycles: int = 5) -> bytes:
    """`cycles` rings of the tone as a WAV file's bytes."""
    samples = bytearray()
    for _ in range(cycles):
        for seconds, on in CADENCE_SECONDS:
            for n in range(int(seconds * RATE_HZ)):
                value = int(8000 * math.sin(2 * math.pi * TONE_HZ * n / RATE_HZ)) if on else 0
                samples += struct.pack("<h", value)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE_HZ)
        out.writeframes(bytes(samples))
    return buffer.getvalue()
