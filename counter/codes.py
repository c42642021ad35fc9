"""Member codes (DESIGN §4): card numbers, signed member QR tokens, scan classification, QR images.

HQ and the counter must compute these identically, so ``hq`` imports this module; it therefore
imports neither Qt nor (until a QR image is wanted) qrcode / Pillow.

Member QR tokens are signed by HQ with Ed25519 and verified offline at the counter with the
public keys from ``/v1/config``: no counter holds a secret that could mint codes. The byte layout
is documented in ``docs/member-codes.md`` for chains that mint tokens themselves.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from counter import base45
from counter.errors import KnownError

if TYPE_CHECKING:
    import qrcode
    from PIL import Image

__all__ = [
    "CARD_LENGTH",
    "DEFAULT_SKEW",
    "DEFAULT_TTL",
    "MAX_LIFETIME",
    "TOKEN_LENGTH",
    "TOKEN_PREFIX",
    "CodeRefused",
    "KeyConfigError",
    "MemberToken",
    "RefusalCode",
    "Scan",
    "ScanKind",
    "classify_scan",
    "is_card_no",
    "load_public_keys",
    "luhn_check_digit",
    "luhn_valid",
    "make_card_no",
    "mint_member_token",
    "new_signing_key",
    "public_key_b64",
    "qr_version",
    "render_qr",
    "token_times",
    "verify_member_token",
]

# --------------------------------------------------------------------------- card numbers

CARD_LENGTH = 16


# Luhn's doubling of a digit, with the 9 subtracted when it passes 9.
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn check."""
    # Walking from the right, every second digit of the *full* number is doubled;
    # the check digit will sit at position 0, so the body's last digit is doubled.
    # (Slices and map keep this on the scan path's budget: ~2 µs for 15 digits.)
    doubled = sum(map(_LUHN_DOUBLED.__getitem__, map(int, body[::-1][::2])))
    plain = sum(map(int, body[::-1][1::2]))
    return str((10 - (doubled + plain) % 10) % 10)


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


# --------------------------------------------------------------------------- refusals

RefusalCode = Literal[
    "malformed",
    "unsupported_version",
    "unknown_key",
    "bad_signature",
    "expired",
    "not_yet_valid",
    "lifetime_too_long",
    "card_misread",
]

# What the cashier reads. Each says what to do next, since the customer is waiting.
_REFUSALS: dict[str, tuple[str, str]] = {
    "malformed": (
        "无法识别此会员码，请让顾客刷新后重新出示。",
        "This member code can't be read; ask the customer to refresh it and show it again.",
    ),
    "unsupported_version": (
        "本机暂不支持此类会员码，请改用会员卡或手机号，并通知店长升级软件。",
        "This kind of member code is not supported here yet; use the card or phone number "
        "and tell the manager to update the app.",
    ),
    "unknown_key": (
        "本机尚无此会员码的验证密钥，请同步后重试，或改用会员卡、手机号。",
        "This counter can't check this member code yet; sync with HQ and retry, "
        "or use the card or phone number.",
    ),
    "bad_signature": (
        "会员码验证失败（可能被伪造或篡改），请改用会员卡或手机号。",
        "This member code failed verification (it may be forged or altered); "
        "use the card or phone number.",
    ),
    "expired": (
        "会员码已过期，请让顾客刷新。",
        "This member code has expired; ask the customer to refresh it.",
    ),
    "not_yet_valid": (
        "会员码尚未生效，请检查本机时间，或让顾客刷新。",
        "This member code is not valid yet; check this PC's clock or ask the customer to "
        "refresh it.",
    ),
    "lifetime_too_long": (
        "会员码有效期异常，已拒绝，请让顾客刷新。",
        "This member code claims too long a validity and was refused; ask the customer to "
        "refresh it.",
    ),
    "card_misread": (
        "卡号校验失败，可能扫描有误，请重新扫描。",
        "The card number doesn't check out (probably a misread); scan it again.",
    ),
}


class CodeRefused(KnownError):
    """A scanned code refused before any lookup; ``code`` says why, the messages what to do.

    ``detail`` is for the log: it never holds the token or the member number (DESIGN §7).
    """

    code: str = "code_refused"

    def __init__(self, code: RefusalCode, *, detail: str = "") -> None:
        zh, en = _REFUSALS[code]
        super().__init__(zh, en, detail=detail)
        self.code = code

    def __reduce__(self) -> tuple[type[CodeRefused], tuple[str], dict[str, str]]:
        # Rebuild from the code, not from the English text the base class keeps in args.
        return (type(self), (self.code,), {"detail": self.detail})


class KeyConfigError(KnownError):
    """HQ's list of member-code public keys has an entry we cannot use."""

    code = "bad_key_config"

    def __init__(self, detail: str) -> None:
        super().__init__(
            "总部下发的会员码公钥有误，会员码暂时无法验证，请通知总部。",
            "The member-code keys from HQ are invalid, so member codes can't be checked; tell HQ.",
            detail=detail,
        )


# --------------------------------------------------------------------------- member QR tokens

TOKEN_PREFIX = "CM1:"
TOKEN_VERSION = 1
MAX_LIFETIME = timedelta(minutes=5)
DEFAULT_TTL = timedelta(seconds=60)
DEFAULT_SKEW = timedelta(minutes=2)

# Payload layout, version 1, all big-endian unsigned (docs/member-codes.md):
#   0  u8   version (= 1)
#   1  u16  key id
#   3  u40  member number, the value of its 10 decimal digits
#   8  u32  issued-at, Unix seconds UTC
#  12  u16  lifetime in seconds: expires-at = issued-at + lifetime
#  14       end of payload; the 64-byte Ed25519 signature over bytes 0-13 follows
PAYLOAD_BYTES = 14
SIGNATURE_BYTES = 64
TOKEN_BYTES = PAYLOAD_BYTES + SIGNATURE_BYTES
TOKEN_LENGTH = len(TOKEN_PREFIX) + TOKEN_BYTES // 2 * 3 + TOKEN_BYTES % 2 * 2  # 121 characters
MEMBER_NO_DIGITS = 10
MAX_KEY_ID = 0xFFFF

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_MAX_SCAN_TEXT = 1024  # anything longer is refused before any work: no scanner sends that much
# Any version number, however long: "CM123456:…" is a token of a version we don't know.
_OTHER_TOKEN_PREFIX = re.compile(r"CM[0-9]+:", re.ASCII)


@dataclass(frozen=True, slots=True)
class MemberToken:
    """A verified member QR token: HQ vouches that ``member_no`` showed it within its lifetime."""

    member_no: str
    key_id: int
    issued_at: datetime
    expires_at: datetime


def new_signing_key() -> Ed25519PrivateKey:
    """A fresh HQ signing key. Keep it at HQ; counters get only :func:`public_key_b64`."""
    return Ed25519PrivateKey.generate()


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key in standard base64, as ``/v1/config`` lists it."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes_raw()).decode("ascii")


def load_public_keys(mapping: Mapping[str, str]) -> dict[int, Ed25519PublicKey]:
    """Parse ``{"<key id>": "<base64 public key>"}`` from config; any bad entry is refused.

    Key ids are canonical decimals 0-65535 so that "7" and "07" cannot both name key 7.
    """
    if not isinstance(mapping, Mapping):
        raise KeyConfigError(f"expected an object of key id -> key, got {type(mapping).__name__}")
    keys: dict[int, Ed25519PublicKey] = {}
    for raw_id, raw_key in mapping.items():
        if not isinstance(raw_id, str) or not re.fullmatch(r"0|[1-9][0-9]{0,4}", raw_id, re.ASCII):
            raise KeyConfigError(f"key id {raw_id!r} is not a decimal number 0-{MAX_KEY_ID}")
        key_id = int(raw_id)
        if key_id > MAX_KEY_ID:
            raise KeyConfigError(f"key id {key_id} is larger than {MAX_KEY_ID}")
        if not isinstance(raw_key, str):
            raise KeyConfigError(f"key {key_id}: expected a base64 string")
        try:
            raw = base64.b64decode(raw_key, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise KeyConfigError(f"key {key_id}: not valid base64 ({exc})") from None
        if len(raw) != 32:
            raise KeyConfigError(f"key {key_id}: {len(raw)} bytes, an Ed25519 key has 32")
        try:
            keys[key_id] = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError as exc:
            raise KeyConfigError(f"key {key_id}: not an Ed25519 public key ({exc})") from None
    return keys


def mint_member_token(
    private_key: Ed25519PrivateKey,
    key_id: int,
    member_no: str,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
) -> str:
    """Sign a token for ``member_no`` valid from ``now`` (whole seconds) for ``ttl``. HQ only.

    Raises ValueError for arguments the format cannot carry or the contract forbids.
    """
    if not isinstance(key_id, int) or isinstance(key_id, bool) or not 0 <= key_id <= MAX_KEY_ID:
        raise ValueError(f"key id must be an integer 0-{MAX_KEY_ID}")
    if not _is_member_no(member_no):
        raise ValueError("a member number is 10 ASCII digits")
    lifetime = ttl // _SECOND
    if ttl != lifetime * _SECOND or not timedelta(0) < ttl <= MAX_LIFETIME:
        raise ValueError("ttl must be whole seconds, more than 0 and at most 5 minutes")
    issued = _unix_seconds(now)
    if not 0 <= issued <= 0xFFFFFFFF:
        raise ValueError("now must fall between 1970 and 2106")
    payload = (
        TOKEN_VERSION.to_bytes(1, "big")
        + key_id.to_bytes(2, "big")
        + int(member_no).to_bytes(5, "big")
        + issued.to_bytes(4, "big")
        + lifetime.to_bytes(2, "big")
    )
    return TOKEN_PREFIX + base45.encode(payload + private_key.sign(payload))


def verify_member_token(
    text: str,
    public_keys: Mapping[int, bytes | Ed25519PublicKey],
    now: datetime,
    skew: timedelta = DEFAULT_SKEW,
) -> MemberToken:
    """Check a scanned token offline; the only exception any text can cause is CodeRefused.

    Structure is checked first (cheap, and nothing unsigned is trusted), then the key and the
    signature, and only then the signed times, allowing ``skew`` either way for PC clocks.
    Surrounding whitespace and lowercase are tolerated: scanners add CR/LF, and a keyboard-wedge
    scanner with Caps Lock on inverts case. Neither can change the signed bytes.
    """
    if now.utcoffset() is None or skew < timedelta(0):
        raise ValueError("now must be timezone-aware and skew not negative")
    raw = _decode_token(text)
    key_id = int.from_bytes(raw[1:3], "big")
    member = int.from_bytes(raw[3:8], "big")
    issued = int.from_bytes(raw[8:12], "big")
    lifetime = int.from_bytes(raw[12:14], "big")
    if member >= 10**MEMBER_NO_DIGITS:
        raise CodeRefused("malformed", detail="member number field exceeds 10 digits")

    key = _public_key(public_keys, key_id)
    try:
        key.verify(raw[PAYLOAD_BYTES:], raw[:PAYLOAD_BYTES])
    except InvalidSignature:
        raise CodeRefused(
            "bad_signature", detail=f"signature does not match key {key_id}"
        ) from None

    issued_at = _EPOCH + issued * _SECOND
    expires_at = issued_at + lifetime * _SECOND
    if lifetime * _SECOND > MAX_LIFETIME:
        raise CodeRefused("lifetime_too_long", detail=f"lifetime {lifetime} s, at most 300 s")
    if issued_at - now > skew:
        raise CodeRefused(
            "not_yet_valid", detail=f"issued {issued_at.isoformat()}, now {now.isoformat()}"
        )
    if now - expires_at > skew:
        raise CodeRefused(
            "expired", detail=f"expired {expires_at.isoformat()}, now {now.isoformat()}"
        )
    return MemberToken(
        member_no=str(member).zfill(MEMBER_NO_DIGITS),
        key_id=key_id,
        issued_at=issued_at,
        expires_at=expires_at,
    )


def token_times(text: str) -> tuple[datetime, datetime]:
    """A token's issued-at and expires-at, unverified: only to explain why a token whose
    signature checked out was refused for its times (they are HQ's clock when it signed)."""
    raw = _decode_token(text)
    issued_at = _EPOCH + int.from_bytes(raw[8:12], "big") * _SECOND
    return issued_at, issued_at + int.from_bytes(raw[12:14], "big") * _SECOND


def _decode_token(text: object) -> bytes:
    """The token's 78 bytes, or CodeRefused(malformed / unsupported_version)."""
    if not isinstance(text, str):
        raise CodeRefused("malformed", detail=f"not text but {type(text).__name__}")
    if len(text) > _MAX_SCAN_TEXT:
        raise CodeRefused("malformed", detail=f"{len(text)} characters, far too long")
    s = text.strip()
    if not s.isascii():
        # Checked before upper(): "ß".upper() is "SS", and such folding must not make a token.
        raise CodeRefused("malformed", detail="contains non-ASCII characters")
    s = s.upper()
    if not s.startswith(TOKEN_PREFIX):
        if _OTHER_TOKEN_PREFIX.match(s):
            raise CodeRefused("unsupported_version", detail=f"prefix {s.split(':')[0]}:")
        raise CodeRefused("malformed", detail=f"does not start with {TOKEN_PREFIX}")
    try:
        raw = base45.decode(s[len(TOKEN_PREFIX) :])
    except base45.Base45Error as exc:
        raise CodeRefused("malformed", detail=f"Base45: {exc}") from None
    if not raw:
        raise CodeRefused("malformed", detail="empty token")
    if raw[0] != TOKEN_VERSION:
        raise CodeRefused("unsupported_version", detail=f"payload version {raw[0]}")
    if len(raw) != TOKEN_BYTES:
        raise CodeRefused("malformed", detail=f"{len(raw)} bytes, expected {TOKEN_BYTES}")
    return raw


def _public_key(
    public_keys: Mapping[int, bytes | Ed25519PublicKey], key_id: int
) -> Ed25519PublicKey:
    key = public_keys.get(key_id)
    if key is None:
        raise CodeRefused("unknown_key", detail=f"no public key {key_id} in config")
    if isinstance(key, Ed25519PublicKey):
        return key
    try:
        return Ed25519PublicKey.from_public_bytes(bytes(key))
    except ValueError:
        # A broken config entry is the world's fault, not the customer's; say so in the log.
        raise CodeRefused("unknown_key", detail=f"configured key {key_id} is unusable") from None


def _is_member_no(text: str) -> bool:
    return len(text) == MEMBER_NO_DIGITS and text.isascii() and text.isdigit()


def _unix_seconds(moment: datetime) -> int:
    """Whole seconds since the epoch, exactly (no float rounding); ``moment`` must be aware."""
    if moment.utcoffset() is None:
        raise ValueError("a naive datetime has no fixed moment; pass a timezone-aware one")
    return (moment - _EPOCH) // _SECOND


# --------------------------------------------------------------------------- scan classification

ScanKind = Literal[
    "card", "card_misread", "member_token", "phone", "phone_tail", "name", "initials", "unknown"
]


@dataclass(frozen=True, slots=True)
class Scan:
    """What the lookup bar received, and its normalised value (digits only for numbers)."""

    kind: ScanKind
    value: str


# Full-width ASCII (Chinese IMEs in full-width mode) and the ideographic space, to plain ASCII.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NAME_DOTS = str.maketrans(dict.fromkeys("•‧・･", "·"))
_SEPARATORS = re.compile(r"[ \-]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_INITIALS = re.compile(r"[a-z]{2,6}", re.ASCII)
# CJK ideographs: URO, Ext A, compatibility, and Ext B-H (rare characters do occur in names).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003347f"
_NAME = re.compile(f"[{_HAN}]+(?:·[{_HAN}]+)*")
_MAX_NAME_CHARS = 8


def classify_scan(text: str) -> Scan:
    """Decide what the lookup bar holds, so each kind goes to its own index; never raises.

    A 16-digit number with a bad check digit comes back as ``card_misread``: the caller refuses
    it (``CodeRefused("card_misread")``) instead of looking it up.
    """
    if not isinstance(text, str) or len(text) > _MAX_SCAN_TEXT:
        return Scan("unknown", "")
    s = text.translate(_FULL_WIDTH).strip()
    if s[:4].upper() == TOKEN_PREFIX or _OTHER_TOKEN_PREFIX.match(s.upper()):
        # Unverified: verify_member_token decides, and explains a refusal.
        return Scan("member_token", s.upper() if s.isascii() else s)

    compact = _SEPARATORS.sub("", s)
    if compact.startswith("+86") and _MOBILE.fullmatch(compact[3:]):
        return Scan("phone", compact[3:])
    if compact.isascii() and compact.isdigit():
        if len(compact) == CARD_LENGTH:
            return Scan("card" if luhn_valid(compact) else "card_misread", compact)
        if _MOBILE.fullmatch(compact):
            return Scan("phone", compact)
        if compact.startswith("0086") and _MOBILE.fullmatch(compact[4:]):
            return Scan("phone", compact[4:])
        if 4 <= len(compact) <= 6:
            return Scan("phone_tail", compact)
        return Scan("unknown", s)

    lowered = s.lower()
    if s.isascii() and _INITIALS.fullmatch(lowered):
        return Scan("initials", lowered)
    name = s.translate(_NAME_DOTS)
    if _NAME.fullmatch(name) and len(name.replace("·", "")) <= _MAX_NAME_CHARS:
        return Scan("name", name)
    return Scan("unknown", s)


# --------------------------------------------------------------------------- QR images


def render_qr(text: str, *, box_size: int = 8, border: int = 4) -> Image.Image:
    """A printable / displayable QR code of ``text`` at error correction M (DESIGN §4).

    ``border`` is the quiet zone in modules; 4 is what the QR standard asks for.
    """
    qr = _qr(text, box_size=box_size, border=border)
    qr.make(fit=True)
    image: Image.Image = qr.make_image().get_image()
    return image


def qr_version(text: str) -> int:
    """The QR version (1-40) :func:`render_qr` will use for ``text``."""
    version: int = _qr(text).version
    return version


def _qr(text: str, *, box_size: int = 8, border: int = 4) -> qrcode.QRCode:
    import qrcode
    import qrcode.constants

    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border
    )
    # One segment in the densest mode the whole text allows (numeric for card numbers,
    # alphanumeric for member tokens). qrcode's optimiser would cut digit runs into separate
    # segments and leave short leftovers in byte mode, which can cost a QR version.
    qr.add_data(text, optimize=0)
    return qr
