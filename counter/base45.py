"""Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet.

Member QR tokens use it because a QR code in alphanumeric mode stores 5.5 bits per character
against 8 in byte mode, so a signed token fits a small, quickly scanned QR (DESIGN §4).

Decoding is strict: every string decodes to at most one byte string and every byte string has
exactly one encoding, so a token cannot be re-spelled behind its signature's back.
"""

from __future__ import annotations

__all__ = ["ALPHABET", "Base45Error", "decode", "encode"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


class Base45Error(ValueError):
    """The text is not valid Base45; the message says why and where."""


def encode(data: bytes) -> str:
    """Two bytes become three characters, a final odd byte two (RFC 9285 §4)."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[d])
    return "".join(out)


def decode(text: str) -> bytes:
    """Inverse of :func:`encode`; raises :class:`Base45Error` on anything it would not produce."""
    if len(text) % 3 == 1:
        raise Base45Error(
            f"bad length {len(text)}: Base45 text is never 1 more than a multiple of 3"
        )
    values: list[int] = []
    for pos, ch in enumerate(text):
        value = _VALUE.get(ch)
        if value is None:
            raise Base45Error(f"bad character {ch!r} at position {pos}")
        values.append(value)
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 2025
            if n > 0xFFFF:
                raise Base45Error(f"characters {i}-{i + 2} encode {n}, more than 65535")
            out += n.to_bytes(2, "big")
        else:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise Base45Error(f"final characters {i}-{i + 1} encode {n}, more than 255")
            out.append(n)
    return bytes(out)
