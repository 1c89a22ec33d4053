"""Issue 14: the app's front door in-process (the HTTP behaviour is in tests/test_app_security.py)
and the upload folder's cleaner."""

from __future__ import annotations

import os
import time
from pathlib import Path

from assistant import upload_cleaner, uploads
from assistant.serve_guard import LoginLimiter, same_origin


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_login_backoff_doubles_and_resets() -> None:
    clock = Clock()
    lim = LoginLimiter(free=5, base_s=1.0, cap_s=60.0, clock=clock)
    keys = ["ip:1.2.3.4", "user:alice"]
    for _ in range(4):
        lim.failed(keys)
    assert lim.wait_s(keys) == 0  # four wrong passwords are free
    waits = []
    for _ in range(8):
        lim.failed(keys)
        waits.append(lim.wait_s(keys))
        clock.t += waits[-1]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert lim.wait_s(["ip:5.6.7.8"]) == 0 and lim.wait_s(["user:alice"]) == 0  # waited it out
    lim.failed(["user:alice"])
    assert lim.wait_s(["ip:5.6.7.8", "user:alice"]) == 60  # the user name alone locks another address
    lim.succeeded(keys)
    assert lim.wait_s(keys) == 0


def test_login_limiter_memory_is_bounded() -> None:
    lim = LoginLimiter(max_keys=100)
    for i in range(1000):
        lim.failed([f"ip:{i}"])
    assert len(lim._state) == 100


def test_same_origin() -> None:
    assert same_origin({"host": "10.0.0.5:7860", "origin": "http://10.0.0.5:7860"})
    assert same_origin({"host": "app.example", "origin": "https://app.example"})
    assert not same_origin({"host": "10.0.0.5:7860", "origin": "http://evil.example"})
    assert not same_origin({"host": "127.0.0.1:7860", "origin": "http://127.0.0.1:3000"})
    assert not same_origin({"host": "127.0.0.1:7860", "origin": "null"})
    assert same_origin({"host": "127.0.0.1:7860"})  # curl, the app's own Python calls
    assert not same_origin({"host": "127.0.0.1:7860", "sec-fetch-site": "cross-site"})


def _file(path: Path, size: int, age_s: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def test_upload_folder_cleaned_by_age_and_capped(tmp_path) -> None:
    """Finding: <home>/app-uploads grew without end. Files over the age limit go, then the oldest
    until the folder is under the cap; fresh files and files being ingested stay."""
    root = tmp_path / "app-uploads"
    old = _file(root / "a" / "old.txt", 100, 3 * 86400)
    busy = _file(root / "b" / "being-ingested.txt", 100, 3 * 86400)
    mid1 = _file(root / "c" / "mid1.txt", 400, 7200)
    mid2 = _file(root / "d" / "mid2.txt", 400, 3600)
    fresh = _file(root / "e" / "fresh.txt", 400, 10)
    with uploads.in_use([busy]):
        rep = upload_cleaner.clean(root, max_age_s=86400, max_bytes=1000, grace_s=600)
    assert not old.exists() and not mid1.exists()
    assert busy.exists() and mid2.exists() and fresh.exists()
    assert rep.removed == 2 and rep.freed_bytes == 500 and rep.kept_busy == 1 and rep.kept_bytes == 900
    assert not (root / "a").exists() and not (root / "c").exists()  # emptied folders removed
    assert uploads.busy() == set()
    upload_cleaner.clean(root, max_age_s=86400, max_bytes=1000, grace_s=600)
    assert not busy.exists()  # no longer in use: old, so removed on the next round


def test_upload_cleaner_leaves_what_a_symlink_points_to(tmp_path) -> None:
    root = tmp_path / "app-uploads"
    outside = _file(tmp_path / "precious.txt", 10, 5 * 86400)
    link = root / "x" / "link.txt"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    os.utime(link, (time.time() - 5 * 86400,) * 2, follow_symlinks=False)
    upload_cleaner.clean(root, max_age_s=86400)
    assert outside.exists() and not link.is_symlink()
