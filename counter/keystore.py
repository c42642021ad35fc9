"""Secrets of this counter (the store token, the health-data key, the PIN key).

The OS keyring (Windows Credential Manager, macOS Keychain, Secret Service) where
there is one; otherwise a file readable only by the current user, and the README
says so. The choice is the ``secret_store`` setting: auto, keyring or file.

Keys are created on first use, and several processes may start at once on a fresh
data directory (the app, ``counter sync``, a second window): ``get_or_create`` reads
and writes under a file lock, and the file store writes a unique temporary file that
replaces the old one atomically, so they all end with the same key.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from counter import private
from counter.errors import KnownError
from counter.sync.lock import SyncLock

log = logging.getLogger(__name__)

SERVICE = "MemberCounter"
LOCK_NAME = "secrets.lock"
LOCK_WAIT_S = 30.0
NO_KEYRING = "no OS keyring available; secrets kept in {path} (mode 0600)"


class SecretStoreUnavailable(KnownError):
    code = "secret_store_unavailable"


class SecretStore(Protocol):
    kind: str
    # Why this store was chosen over the one asked for (e.g. no OS keyring), or "".
    notice: str

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def get_or_create(self, name: str, make: Callable[[], str]) -> str: ...


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Between processes: one reader-writer of the secrets at a time (an OS file lock,
    dropped by the OS if its holder dies)."""
    private.private_dir(path.parent)
    lock = SyncLock(path)
    if not lock.acquire(wait_s=LOCK_WAIT_S):
        raise SecretStoreUnavailable(
            "密钥存储被另一个程序占用，请稍后重试。",
            "The secret store is held by another program; try again in a moment.",
            detail=str(path),
        )
    try:
        yield
    finally:
        lock.release()


class FileSecretStore:
    """A JSON file with mode 0600 in the data directory."""

    kind = "file"

    def __init__(self, path: Path, notice: str = "") -> None:
        self.path = path
        self.notice = notice
        self.lock_path = path.with_name(LOCK_NAME)

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def set(self, name: str, value: str) -> None:
        with _locked(self.lock_path):
            self._write({**self._read(), name: value})

    def get_or_create(self, name: str, make: Callable[[], str]) -> str:
        found = self.get(name)
        if found is not None:
            return found
        with _locked(self.lock_path):
            data = self._read()
            if name not in data:  # nobody made it while this process waited for the lock
                data[name] = make()
                self._write(data)
            return data[name]

    def _write(self, data: dict[str, str]) -> None:
        """A unique 0600 temporary file, flushed to disk, then renamed over the old file."""
        private.private_dir(self.path.parent)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".secrets-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _keyring_failed(exc: Exception) -> SecretStoreUnavailable:
    return SecretStoreUnavailable(
        "设置为使用系统钥匙串（secret_store=keyring），但本机没有可用的钥匙串。"
        "请运行：counter config set secret_store file",
        "secret_store=keyring, but no OS keyring is available here; "
        "use a file instead: counter config set secret_store file",
        detail=f"{type(exc).__name__}: {exc}",
    )


class KeyringSecretStore:
    kind = "keyring"
    notice = ""

    def __init__(self, namespace: str, lock_path: Path) -> None:
        self.namespace = namespace
        self.lock_path = lock_path

    def get(self, name: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            value = keyring.get_password(SERVICE, f"{self.namespace}:{name}")
        except (KeyringError, RuntimeError) as exc:
            raise _keyring_failed(exc) from None
        return str(value) if value is not None else None

    def set(self, name: str, value: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(SERVICE, f"{self.namespace}:{name}", value)
        except (KeyringError, RuntimeError) as exc:
            raise _keyring_failed(exc) from None

    def get_or_create(self, name: str, make: Callable[[], str]) -> str:
        found = self.get(name)
        if found is not None:
            return found
        with _locked(self.lock_path):
            found = self.get(name)
            if found is None:
                found = make()
                self.set(name, found)
            return found


def _keyring_usable() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        return not isinstance(backend, fail.Keyring) and float(getattr(backend, "priority", 0)) > 0
    except Exception:  # no backend, no D-Bus: fall back to the file
        return False


def open_store(choice: str, data_dir: Path) -> SecretStore:
    """The secret store the settings ask for; ``auto`` prefers the keyring.

    Falling back to the file is said once where a person looks (``counter token``,
    ``counter status``, the log), not on every command: the store's ``notice``.
    """
    path = data_dir / "secrets.json"
    if choice == "file":
        return FileSecretStore(path)
    if choice == "keyring" or _keyring_usable():
        return KeyringSecretStore(str(data_dir.resolve()), data_dir / LOCK_NAME)
    notice = NO_KEYRING.format(path=path)
    log.info("%s", notice)
    return FileSecretStore(path, notice)
