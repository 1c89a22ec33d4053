"""Keeps `<home>/app-uploads` (Gradio's upload folder) from growing without end.

Every upload stays on disk after it was checked or ingested, so a long-running `jixiao serve`
(or a client uploading in a loop) would fill the disk. `clean` removes files older than
`max_age_s`, then the oldest files until the folder is under `max_bytes`; a file the app is
reading now (`uploads.in_use`) or younger than `grace_s` (uploaded, not yet checked or
ingested) is never removed. `start` runs it at serve start and every `interval_s` after.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Optional

from pydantic import BaseModel

from assistant import uploads

MAX_AGE_S = 24 * 3600
MAX_BYTES = 1 << 30
GRACE_S = 600
INTERVAL_S = 600


class CleanReport(BaseModel):
    removed: int = 0
    freed_bytes: int = 0
    kept_bytes: int = 0
    kept_busy: int = 0


def clean(folder: Path, *, max_age_s: float = MAX_AGE_S, max_bytes: int = MAX_BYTES, grace_s: float = GRACE_S,
          now: Optional[float] = None, busy: Optional[set[str]] = None) -> CleanReport:
    """Remove old files, then oldest-first down to `max_bytes`; empty folders after."""
    rep = CleanReport()
    root = Path(folder)
    if not root.is_dir():
        return rep
    now = time.time() if now is None else now
    busy = uploads.busy() if busy is None else busy
    files: list[tuple[float, int, Path]] = []
    for p in root.rglob("*"):
        try:
            st = p.lstat()
        except OSError:
            continue
        if p.is_symlink() or p.is_file():
            files.append((st.st_mtime, st.st_size, p))
    files.sort()
    total = sum(size for _, size, _ in files)
    for mtime, size, p in files:
        age = now - mtime
        if str(p.resolve()) in busy:
            rep.kept_busy += 1
            continue
        if age < grace_s or (age <= max_age_s and total <= max_bytes):
            continue
        try:
            p.unlink()
        except OSError:
            continue
        rep.removed += 1
        rep.freed_bytes += size
        total -= size
    rep.kept_bytes = total
    for d in sorted((d for d in root.rglob("*") if d.is_dir() and not d.is_symlink()),
                    key=lambda d: len(d.parts), reverse=True):
        try:
            d.rmdir()  # only when empty
        except OSError:
            pass
    return rep


def start(folder: Path, interval_s: float = INTERVAL_S, say: Optional[Callable[[str], None]] = None,
          **limits) -> threading.Event:
    """Clean now and every `interval_s` in a daemon thread; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                rep = clean(folder, **limits)
                if rep.removed and say:
                    say(f"上传目录已清理：删除 {rep.removed} 个旧文件，释放 {rep.freed_bytes / 2**20:.1f} MB")
            except OSError:
                pass  # the next round tries again
            if stop.wait(interval_s):
                return

    threading.Thread(target=loop, name="upload-cleaner", daemon=True).start()
    return stop
