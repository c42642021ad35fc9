"""The one typed place for configuration.

Settings live in a JSON file in the OS's config directory (platformdirs); the data
directory (cache database, logs, crash reports) defaults to the OS's data directory.
Every setting is declared once in ``FIELDS`` with its type, default and meaning, so
``counter config show|set`` and the settings file can't drift apart.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "MemberCounter"
APP_AUTHOR = "MemberCounter"
SETTINGS_VERSION = 1


class SettingsError(ValueError):
    """A setting was given a value it cannot take."""


@dataclass(frozen=True)
class Settings:
    store_code: str = ""
    counter_no: int = 1
    store_phone: str = ""
    hq_url: str = ""
    data_dir: str = ""
    language: str = "zh_CN"
    scanner_prefix: str = ""
    scanner_suffix: str = "\r"
    scanner_max_key_interval_ms: int = 30
    scanner_min_length: int = 8
    tls_verify: bool = True
    sync_interval_s: int = 30
    idle_lock_minutes: int = 5
    pin_lockout_minutes: int = 5
    secret_store: str = "auto"
    slip_printer: str = ""
    slip_paper_mm: int = 80
    customer_display: bool = False
    version: int = SETTINGS_VERSION

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else default_data_dir()

    @property
    def db_path(self) -> Path:
        return self.data_path / "counter.db"

    @property
    def log_dir(self) -> Path:
        return self.data_path / "logs"


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type: type
    help: str
    choices: tuple[str, ...] = field(default=())


FIELDS: dict[str, FieldInfo] = {
    f.name: f
    for f in (
        FieldInfo("store_code", str, "this store's code, as registered at HQ"),
        FieldInfo(
            "counter_no",
            int,
            "this PC's counter number within the store, 1-9 (unique per store: what it "
            "numbers offline, e.g. complaints S001-2-20261206-003, never collides)",
        ),
        FieldInfo("store_phone", str, "the store's phone, printed on complaint slips"),
        FieldInfo("hq_url", str, "base URL of the HQ API, e.g. https://hq.example.com"),
        FieldInfo(
            "data_dir", str, "where the cache, logs and crash reports live (empty = OS default)"
        ),
        FieldInfo("language", str, "user interface language", ("zh_CN", "en")),
        FieldInfo("scanner_prefix", str, "characters a keyboard-wedge scanner sends before a code"),
        FieldInfo("scanner_suffix", str, "characters a scanner sends after a code (\\r = Enter)"),
        FieldInfo(
            "scanner_max_key_interval_ms", int, "keys closer than this count as a scan burst"
        ),
        FieldInfo("scanner_min_length", int, "shortest burst taken as a scan"),
        FieldInfo(
            "tls_verify", bool, "verify HQ's TLS certificate (turning it off is logged loudly)"
        ),
        FieldInfo("sync_interval_s", int, "seconds between background syncs"),
        FieldInfo("idle_lock_minutes", int, "lock the counter after this many idle minutes"),
        FieldInfo(
            "pin_lockout_minutes",
            int,
            "after 5 wrong PINs in a row the operator is locked for this many minutes",
        ),
        FieldInfo("secret_store", str, "where the store token lives", ("auto", "keyring", "file")),
        FieldInfo(
            "slip_printer",
            str,
            "the receipt printer for points slips, by its name in the OS (empty = no slip; "
            "pdf:FOLDER writes each slip to a PDF file there)",
        ),
        FieldInfo("slip_paper_mm", int, "the receipt paper's width in mm", ("58", "80")),
        FieldInfo(
            "customer_display",
            bool,
            "show the customer their points on the PC's second screen, when it has one",
        ),
    )
}


def default_config_dir() -> Path:
    override = os.environ.get("COUNTER_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def default_data_dir() -> Path:
    override = os.environ.get("COUNTER_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def settings_path(config_dir: Path | None = None) -> Path:
    return (config_dir or default_config_dir()) / "settings.json"


def parse_value(key: str, raw: str) -> Any:
    """Turn the text a person typed into the setting's type, or say why not."""
    info = FIELDS.get(key)
    if info is None:
        raise SettingsError(f"unknown setting {key!r}; known: {', '.join(FIELDS)}")
    if info.type is bool:
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{key} takes true or false, not {raw!r}")
    if info.type is int:
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{key} takes a whole number, not {raw!r}") from None
        if value < 0:
            raise SettingsError(f"{key} cannot be negative")
        if key == "counter_no" and not 1 <= value <= 9:
            raise SettingsError("counter_no takes 1 to 9 (each PC of a store its own)")
        if info.choices and str(value) not in info.choices:
            raise SettingsError(f"{key} takes one of {', '.join(info.choices)}, not {raw!r}")
        return value
    if info.choices and raw not in info.choices:
        raise SettingsError(f"{key} takes one of {', '.join(info.choices)}, not {raw!r}")
    if key == "hq_url" and raw and not raw.startswith(("http://", "https://")):
        raise SettingsError("hq_url must start with http:// or https://")
    return raw.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")


def load(config_dir: Path | None = None) -> Settings:
    """Read the settings file; a missing file means defaults, a damaged one is set aside."""
    path = settings_path(config_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError):
        broken = path.with_suffix(".json.broken")
        path.replace(broken)
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        spec = known.get(key)
        if spec is None or key == "version":
            continue
        expected = FIELDS[key].type if key in FIELDS else str
        if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
            values[key] = value
    return Settings(**values)


def save(settings: Settings, config_dir: Path | None = None) -> Path:
    """Write atomically, so a power cut leaves the old file or the new one, never half."""
    path = settings_path(config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


def with_value(settings: Settings, key: str, raw: str) -> Settings:
    return replace(settings, **{key: parse_value(key, raw)})


def describe(settings: Settings) -> list[tuple[str, str, str]]:
    """(key, shown value, help) for every setting, for ``counter config show``."""
    rows = []
    values = asdict(settings)
    for key, info in FIELDS.items():
        value = values[key]
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
        if key == "data_dir" and not value:
            shown = f'"" (default: {default_data_dir()})'
        rows.append((key, shown, info.help))
    return rows
