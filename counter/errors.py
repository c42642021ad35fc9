"""Errors that come from the world, told apart from bugs by type, never by text.

A ``KnownError`` carries a message a person at the counter can act on, in Chinese and
English (the core has no Qt, so no ``tr()``; the UI picks the language). Anything else
that escapes is a bug and goes to the crash dialog with its details saved to disk.
"""

from __future__ import annotations


class KnownError(Exception):
    """Something outside the program went wrong; the message says what to do."""

    code = "known_error"

    def __init__(self, zh: str, en: str, *, detail: str = "") -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.detail = detail

    def message(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


class StorageError(KnownError):
    code = "storage_error"


class DiskFullError(StorageError):
    code = "disk_full"


class DatabaseLockedError(StorageError):
    code = "database_locked"


class DatabaseCorruptError(StorageError):
    code = "database_corrupt"


class ValidationError(KnownError):
    """Input that a service refuses; ``field`` names the input at fault."""

    code = "invalid_input"

    def __init__(self, zh: str, en: str, *, field: str = "", detail: str = "") -> None:
        super().__init__(zh, en, detail=detail)
        self.field = field


class NotFoundError(KnownError):
    code = "not_found"


class PermissionDenied(KnownError):
    code = "permission_denied"


class AuthenticationError(KnownError):
    code = "authentication_failed"
