"""Secrets of this counter (the store token, the health-data key).

The OS keyring (Windows Credential Manager, macOS Keychain, Secret Service) where
there is one; otherwise a file readable only by the current user, and the README
says so. The choice is the ``secret_store`` setting: auto, keyring or file.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

SERVICE = "MemberCounter"


class SecretStore(Protocol):
    kind: str

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...


class FileSecretStore:
    """A JSON file with mode 0600 in the data directory."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def set(self, name: str, value: str) -> None:
        data = self._read()
        data[name] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, self.path)
        os.chmod(self.path, 0o600)


class KeyringSecretStore:
    kind = "keyring"

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def get(self, name: str) -> str | None:
        import keyring

        value = keyring.get_password(SERVICE, f"{self.namespace}:{name}")
        return str(value) if value is not None else None

    def set(self, name: str, value: str) -> None:
        import keyring

        keyring.set_password(SERVICE, f"{self.namespace}:{name}", value)


def _keyring_usable() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        return not isinstance(backend, fail.Keyring) and float(getattr(backend, "priority", 0)) > 0
    except Exception:  # no backend, no D-Bus: fall back to the file
        return False


def open_store(choice: str, data_dir: Path) -> SecretStore:
    """The secret store the settings ask for; ``auto`` prefers the keyring."""
    file_store = FileSecretStore(data_dir / "secrets.json")
    if choice == "file":
        return file_store
    if choice == "keyring" or _keyring_usable():
        return KeyringSecretStore(str(data_dir.resolve()))
    log.warning("no OS keyring available; secrets kept in %s (mode 0600)", file_store.path)
    return file_store
