"""Where Tesseract's page images are written: one folder per process, removed when its process is gone.

Tesseract reads each page image from a file in memory-backed ``/dev/shm`` (faster than stdin, see
``tesseract._run``). A process killed mid-OCR (SIGKILL, the OOM killer, an RQ job timeout) cannot
delete its image, and an A4 page at 300 dpi is ~9 MB of shared memory. So every process writes
under ``<base>/<pid>/`` and a process that starts reading pages removes the folders of pids that
no longer exist (``remove_dead``: the page pool's initializer, the RQ worker's start, and the first
use of ``process_dir`` in any process).

``<base>`` is ``/dev/shm/kiemchung-<uid>`` (mode 0700), or the same name in the system temporary
folder (``TMPDIR``) where ``/dev/shm`` is missing or read-only.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

_SHM = Path("/dev/shm")
_lock = threading.Lock()
_ready: dict[int, Path] = {}  # pid -> its folder, once made (a forked child has a new pid)


def _private(path: Path) -> bool:
    """A real folder (not a symlink) owned by this user, closed to others."""
    st = os.lstat(path)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def base_dir() -> Path:
    """This user's scratch root, created 0700; a shared parent is never trusted with another's folder."""
    name = f"kiemchung-{os.getuid()}"
    parents = ([_SHM] if _SHM.is_dir() and os.access(_SHM, os.W_OK) else []) + [Path(tempfile.gettempdir())]
    for parent in parents:
        root = parent / name
        try:
            root.mkdir(mode=0o700, exist_ok=True)
            if _private(root):
                return root
            log.warning("scratch folder %s is not a private folder of this user; not using it", root)
        except OSError as exc:
            log.warning("cannot use scratch folder %s: %s", root, exc)
    raise OSError(f"no private scratch folder for Tesseract's images under {', '.join(map(str, parents))}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_dead() -> list[Path]:
    """Remove the folders of processes that no longer exist; returns what was removed."""
    root = base_dir()
    removed = []
    for entry in root.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid() or _alive(int(entry.name)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    if removed:
        log.info("removed scratch folders of %d dead processes", len(removed))
    return removed


def _remove_own() -> None:
    folder = _ready.get(os.getpid())
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def process_dir() -> Path:
    """This process's folder for temporary page images (made on first use)."""
    pid = os.getpid()
    folder = _ready.get(pid)
    if folder is not None and folder.is_dir():
        return folder
    with _lock:
        folder = base_dir() / str(pid)
        if pid not in _ready:  # first use in this process: what is there was left by a dead namesake
            remove_dead()
            shutil.rmtree(folder, ignore_errors=True)
            if not _ready:
                atexit.register(_remove_own)
        folder.mkdir(mode=0o700, exist_ok=True)
        _ready[pid] = folder
    return folder
