"""Code 128 (ISO/IEC 15417) for member card numbers: digits only, so code set C.

A card number is 16 digits: code set C packs two digits into one symbol, so the barcode
is start C, eight symbols, the check symbol and stop (the shortest Code 128 for it).
No Qt here: the card painter draws the modules this returns.
"""

from __future__ import annotations

# Bar/space widths of symbols 0..106 (the standard's table); each sums to 11 modules.
_WIDTHS = """
212222 222122 222221 121223 121322 131222 122213 122312 132212 221213
221312 231212 112232 122132 122231 113222 123122 123221 223211 221132
221231 213212 223112 312131 311222 321122 321221 312212 322112 322211
212123 212321 232121 111323 131123 131321 112313 132113 132311 211313
231113 231311 112133 112331 132131 113123 113321 133121 313121 211331
231131 213113 213311 213131 311123 311321 331121 312113 312311 332111
314111 221411 431111 111224 111422 121124 121421 141122 141221 112214
112412 122114 122411 142112 142211 241211 221114 413111 241112 134111
111242 121142 121241 114212 124112 124211 411212 421112 421211 212141
214121 412121 111143 111341 131141 114113 114311 411113 411311 113141
114131 311141 411131 211412 211214 211232 2331112
""".split()  # noqa: SIM905  (the table reads as the standard prints it)
START_C, STOP = 105, 106


def symbols(digits: str) -> list[int]:
    """Start C, the digit pairs, the check symbol (weighted sum mod 103), stop."""
    if not digits or len(digits) % 2 or not (digits.isascii() and digits.isdigit()):
        raise ValueError("code set C needs an even number of ASCII digits")
    data = [int(digits[i : i + 2]) for i in range(0, len(digits), 2)]
    check = (START_C + sum(i * v for i, v in enumerate(data, start=1))) % 103
    return [START_C, *data, check, STOP]


def modules(digits: str) -> list[bool]:
    """Dark (True) and light modules left to right, without the quiet zones."""
    out: list[bool] = []
    for symbol in symbols(digits):
        for i, width in enumerate(_WIDTHS[symbol]):
            out.extend([i % 2 == 0] * int(width))
    return out
