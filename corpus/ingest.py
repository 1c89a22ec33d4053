"""Ingest files and folders into the corpus database, one transaction per filing."""

from __future__ import annotations

import hashlib
import stat
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from corpus.errors import NotAFiling, ParseError
from corpus.parse import parse_bytes
from corpus.readers import SUPPORTED_SUFFIXES
from corpus.readers.base import file_kind
from corpus.readers.base import MAX_FILE_BYTES
from corpus.store import CorpusStore, InvalidRecord

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, current path)."""


@dataclass
class IngestReport:
    parsed: list[tuple[str, str]] = field(default_factory=list)  # (path, filing id)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) not a filing format
    warned: list[tuple[str, list[str]]] = field(default_factory=list)  # (path, warnings) stored, but partly read

    @property
    def ok(self) -> bool:
        return not self.failed

    def changed_ids(self) -> list[str]:
        return [fid for _, fid in self.parsed + self.replaced]


def path_problem(path: Path) -> Optional[str]:
    """A reason to refuse a path whose name carries control characters (they could forge
    lines or terminal escapes in every message that shows the name)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in str(path)):
        return "文件名含有控制字符，已拒绝"
    return None


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders (recursively) into the files to ingest, in a stable order.

    Returns (files, problems) where problems are paths that do not exist. A path the
    user gives is theirs to give (`../x` is fine): it is resolved, and everything is
    reported under the resolved path, so a message says which file was really read.
    Symbolic links are not followed out of the folders given.
    """
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    for raw in paths:
        p = Path(raw).expanduser().resolve()
        if not p.exists():
            problems.append((str(p), "路径不存在"))
        elif p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.name.startswith(".") or child.is_dir():
                    continue
                mode = child.lstat().st_mode
                if stat.S_ISREG(mode):
                    files.append(child)
                else:  # symlinks, FIFOs, devices: reported, not followed or opened
                    problems.append((str(child), f"不是普通文件（{file_kind(mode)}），已跳过"))
        elif not stat.S_ISREG(p.stat().st_mode):
            problems.append((str(p), f"不是普通文件（{file_kind(p.stat().st_mode)}），已拒绝"))
        else:
            files.append(p)
    return files, problems


def ingest_paths(
    store: CorpusStore, paths: Iterable[str | Path], progress: Optional[Progress] = None
) -> IngestReport:
    """Parse and store every filing under `paths`; failures are reported, never fatal."""
    files, problems = collect_files(paths)
    report = IngestReport()
    report.failed.extend(problems)
    for done, path in enumerate(files, start=1):
        if progress:
            progress(done, len(files), str(path))
        _ingest_one(store, path, report)
    return report


def _ingest_one(store: CorpusStore, path: Path, report: IngestReport) -> None:
    shown = str(path)
    bad_name = path_problem(path)
    if bad_name:
        report.failed.append((repr(shown), bad_name))
        return
    if path.suffix.lower() not in SUPPORTED_SUFFIXES and path.suffix.lower() != ".json":
        report.skipped.append((shown, f"不支持的扩展名 {path.suffix or '（无）'}"))
        return
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            report.failed.append((shown, f"超过 {MAX_FILE_BYTES // 2**20} MiB 上限"))
            return
        data = path.read_bytes()
    except OSError as exc:
        report.failed.append((shown, f"无法读取（{exc.strerror or exc}）"))
        return
    key = str(path.resolve())
    state = store.lookup(key, hashlib.sha256(data).hexdigest())
    if state == "same":
        report.duplicates.append(shown)
        return
    try:
        filing = parse_bytes(data, shown)
    except NotAFiling as exc:
        if path.suffix.lower() == ".json":  # a manifest or config beside the filings
            report.skipped.append((shown, exc.detail))
        else:
            report.failed.append((shown, exc.detail or exc.reason))
        return
    except ParseError as exc:
        report.failed.append((shown, exc.detail or exc.reason))
        return
    except Exception as exc:  # a parser bug must not stop the batch; say what happened
        log.exception("unexpected error parsing %s", shown)
        report.failed.append((shown, f"解析器内部错误（{type(exc).__name__}: {exc}）"))
        return
    try:
        fid = store.put(filing, path=key)
    except InvalidRecord as exc:  # a number out of range, too deep: this file only, the batch goes on
        report.failed.append((shown, str(exc)))
        return
    (report.replaced if state == "changed" else report.parsed).append((shown, fid))
    if filing.warnings:
        report.warned.append((shown, list(filing.warnings)))


def iter_reasons(report: IngestReport) -> Iterator[str]:
    for path, reason in report.failed:
        yield f"{path}：{reason}"
