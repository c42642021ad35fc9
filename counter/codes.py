"""Member codes: 16-digit card numbers with a Luhn check digit (DESIGN §4).

HQ and the counter must compute these identically, so ``hq`` imports this module.
"""

from __future__ import annotations

CARD_LENGTH = 16


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn check."""
    total = 0
    # Walking from the right, every second digit of the *full* number is doubled;
    # the check digit will sit at position 0, so the body's last digit is doubled.
    for i, ch in enumerate(reversed(body)):
        d = ord(ch) - 48
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    if not number.isascii() or not number.isdigit() or len(number) < 2:
        return False
    return luhn_check_digit(number[:-1]) == number[-1]


def make_card_no(body15: str) -> str:
    """Complete a 15-digit body into a card number."""
    if len(body15) != CARD_LENGTH - 1 or not body15.isascii() or not body15.isdigit():
        raise ValueError("a card number body is 15 digits")
    return body15 + luhn_check_digit(body15)


def is_card_no(text: str) -> bool:
    """True for exactly 16 ASCII digits whose last digit checks out."""
    return len(text) == CARD_LENGTH and luhn_valid(text)
