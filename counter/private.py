"""The data directory is this counter's alone: 0700, every file in it 0600.

The cache holds members' names, phones and (encrypted) health records, the operators'
PIN hashes and the log; on a shared PC any other account could copy them if they were
created with the usual 0644. So files are created private (``create_private``, and the
process umask the composition root sets), and files left readable by an older version
or a copy are closed at start-up (``secure_data_dir``). On Windows the mode bits mean
little (the per-user profile directory is private already); there this does nothing.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077
POSIX = sys.platform != "win32"


def restrict_umask() -> None:
    """Every file this process creates from now on is private (logs rotated, WAL, SHM...)."""
    if POSIX:
        os.umask(UMASK)


def private_dir(path: Path) -> Path:
    """``path`` (and missing parents) created, and ``path`` itself made 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if POSIX and stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path


def create_private(path: Path) -> Path:
    """An (empty, if new) file at ``path`` with mode 0600, before anyone writes to it.

    SQLite creates a database's WAL and SHM files with the database file's mode, so a
    cache created this way keeps all three private.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    if POSIX:
        os.chmod(path, FILE_MODE)
    return path


# What this program keeps in a data directory (the user may point data_dir at a folder
# that holds other things too: those are not ours to change).
OWN_PREFIXES = ("counter", "secrets", ".secrets-")
OWN_DIRS = ("logs", "crash-reports", "demo")


def secure_data_dir(root: Path) -> int:
    """Make ``root`` 0700 and take every other account's access away from what this
    program keeps in it (the cache and its WAL, SHM, backups and locks, the secrets, the
    logs, crash reports and the demo's data), so files end 0600 and folders 0700.

    Returns how many modes were changed (logged: it means an older version, a restore
    or a copy left something readable by others). Symlinks are left alone.
    """
    private_dir(root)
    if not POSIX:
        return 0
    changed = 0
    for entry in os.scandir(root):
        if entry.is_dir(follow_symlinks=False) and entry.name in OWN_DIRS:
            changed += _tighten(Path(entry.path))
            for dirpath, dirnames, filenames in os.walk(entry.path):
                for name in (*dirnames, *filenames):
                    changed += _tighten(Path(dirpath, name))
        elif entry.is_file(follow_symlinks=False) and entry.name.startswith(OWN_PREFIXES):
            changed += _tighten(Path(entry.path))
    if changed:
        log.warning("closed %d files or folders in %s to other accounts", changed, root)
    return changed


def _tighten(path: Path) -> int:
    """Group and other lose every bit; the owner keeps theirs."""
    try:
        st = path.lstat()
        mode = stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode) or not mode & 0o077:
            return 0
        os.chmod(path, mode & ~0o077)
    except OSError:  # vanished meanwhile, or not ours: nothing to close here
        return 0
    return 1
