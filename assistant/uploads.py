"""File names that come from outside (uploads to the app): checked before anything is written.

A path typed on the command line is the user's own business (`jixiao ingest ../x` is
resolved and reported with the resolved path). A file *name* that arrives with an upload
is not: it must be a bare name, and whatever the app writes is named by `stored_name`,
so nothing a client sends can place or overwrite a file outside the data folder.

Example:
    >>> name_problem("../../etc/passwd.txt")
    '文件名含有路径（/、\\\\ 或 ..），已拒绝：只接受文件本身的名称'
    >>> stored_name("绩效目标表（2024）.txt")
    '绩效目标表2024.txt'
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Optional

MAX_NAME_BYTES = 255
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"}


def _is_control(ch: str) -> bool:
    """C0/C1 controls and the bidirectional overrides that can disguise an extension."""
    return unicodedata.category(ch) == "Cc" or ch in _BIDI


def name_problem(name: Optional[str]) -> Optional[str]:
    """Why an uploaded file name is refused (in Chinese), or None when it is a plain name."""
    if name is None or not name.strip():
        return "文件名为空，已拒绝"
    if any(_is_control(ch) for ch in name):
        return "文件名含有控制字符，已拒绝"
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        return "文件名含有路径（/、\\ 或 ..），已拒绝：只接受文件本身的名称"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"文件名超过 {MAX_NAME_BYTES} 字节，已拒绝"
    return None


def shown_name(name: Optional[str]) -> str:
    """`name` safe to print or show in a page: control characters as escapes (\\n, \\x1b, \\u202e)."""
    if name is None:
        return "（无文件名）"
    out = []
    for ch in name:
        if _is_control(ch):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def stored_name(name: str, limit: int = 80) -> str:
    """The name the app writes an upload under: letters, digits, '-' and '_' of the stem
    (no separators, no leading dot) plus the lower-cased extension."""
    base = Path(name.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if not suffix[1:].isalnum():
        suffix = ""
    stem = "".join(ch for ch in Path(base).stem if (ch.isalnum() and ch.isprintable()) or ch in "-_")[:limit]
    return (stem or "upload") + suffix


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refusing (ValueError) any name that would land outside `folder`."""
    root = Path(folder).resolve()
    dest = (root / name).resolve()
    if dest.parent != root:
        raise ValueError(f"文件名“{shown_name(name)}”会写到数据目录之外，已拒绝")
    return dest


# --- files the app is reading now (the upload cleaner leaves them alone) -----------------

import threading as _threading
from collections import Counter as _Counter
from contextlib import contextmanager as _contextmanager
from typing import Iterable as _Iterable, Iterator as _Iterator

_BUSY: _Counter[str] = _Counter()
_BUSY_LOCK = _threading.Lock()


@_contextmanager
def in_use(paths: _Iterable[str | Path]) -> _Iterator[None]:
    """Mark uploaded files as being parsed or ingested for the duration of the block."""
    keys = [str(Path(p).resolve()) for p in paths]
    with _BUSY_LOCK:
        _BUSY.update(keys)
    try:
        yield
    finally:
        with _BUSY_LOCK:
            _BUSY.subtract(keys)
            for k in keys:
                if _BUSY[k] <= 0:
                    del _BUSY[k]


def busy() -> set[str]:
    """Resolved paths of uploads in use right now."""
    with _BUSY_LOCK:
        return set(_BUSY)
