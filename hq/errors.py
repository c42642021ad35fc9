"""Errors from the world (bad input, a database we cannot open), told apart from bugs.

The CLI prints these as one clear line; anything else escaping is a bug.
"""

from __future__ import annotations


class HQError(Exception):
    """Something the operator can fix; the message says what."""


class DatabaseURLError(HQError):
    """The database URL is malformed, unsupported, or points somewhere unusable."""


class SchemaOutdatedError(HQError):
    """The database was made by an older HQ and lacks what this one needs."""


class StoreExistsError(HQError):
    """A store with this code is already registered."""


class InvalidStoreError(HQError):
    """A store code or name that HQ will not accept."""


class SeedRefusedError(HQError):
    """The database already holds members; seeding would mix two data sets."""

    def __init__(self, message: str, existing: int) -> None:
        super().__init__(message)
        self.existing = existing
