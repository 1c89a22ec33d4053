"""The corpus database: a SQLite file holding each filing as JSON plus the columns
that are filtered on (kind, unit, year, project names).

One filing is written in one transaction, so an interrupted ingest leaves either
the whole filing or nothing. A file is identified by its resolved path: the same
bytes again change nothing, new bytes at the same path replace the old record.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from corpus.errors import NotFound, StoreError
from pydantic import ValidationError

from corpus.models import Filing

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS filings (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT,
    year INTEGER,
    format TEXT NOT NULL,
    n_projects INTEGER NOT NULL,
    n_indicators INTEGER NOT NULL,
    ingested_at REAL NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS filings_sha ON filings(sha256);
CREATE INDEX IF NOT EXISTS filings_kind_year ON filings(kind, year);
CREATE INDEX IF NOT EXISTS filings_unit ON filings(unit);
CREATE TABLE IF NOT EXISTS projects (
    filing_id TEXT NOT NULL REFERENCES filings(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    unit TEXT,
    year INTEGER,
    kind TEXT NOT NULL,
    PRIMARY KEY (filing_id, idx)
);
CREATE INDEX IF NOT EXISTS projects_name ON projects(name);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    filing_id TEXT NOT NULL,
    op TEXT NOT NULL,
    at REAL NOT NULL
);
"""

_SCHEMA_OBJECTS = frozenset(re.findall(r"IF NOT EXISTS (\w+)", _SCHEMA))


@dataclass(frozen=True)
class FilingSummary:
    """One row of `jixiao corpus list`."""

    id: str
    path: str
    kind: str
    unit: Optional[str]
    year: Optional[int]
    format: str
    n_projects: int
    n_indicators: int
    projects: tuple[str, ...]


class InvalidRecord(StoreError):
    """A record that would not (or no longer does) read back as a `Filing`."""


def _first_error(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"字段「{'.'.join(str(x) for x in first['loc'])}」：{first['msg']}"
    if isinstance(exc, RecursionError):
        return "嵌套过深"
    return str(exc)[:200]


def record_problem(record: str) -> Optional[str]:
    """Why a stored JSON record does not read back as a `Filing`, or None when it does."""
    try:
        Filing.model_validate_json(record)
    except (ValidationError, ValueError, RecursionError) as exc:
        return _first_error(exc)
    return None


def filing_id(sha256: str) -> str:
    """A filing's id: the first 16 hex digits of its content hash (stable across paths)."""
    return sha256[:16]


class CorpusStore:
    """Open (creating if needed) the corpus database under a jixiao home folder."""

    def __init__(self, home: Path | str) -> None:
        self.home = Path(home)
        self.path = self.home / "corpus.sqlite3"
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            if not self._schema_ready():
                self._db.executescript(_SCHEMA)
                self._db.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"语料库 {self.path} 无法打开：{exc}") from None

    def _schema_ready(self) -> bool:
        """True when every table and index exists and the version is recorded. Opening an
        existing database then writes nothing, so a reader (a search) never waits for the
        write lock behind an ingest, nor holds it up."""
        names = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
        if not _SCHEMA_OBJECTS <= names:
            return False
        return self._db.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone() is not None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "CorpusStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLITE_FULL has already rolled back
                    self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:  # disk full, locked past the timeout: one clear line
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            text = str(exc)
            if "full" in text:
                raise StoreError(f"磁盘已满，语料库 {self.path} 未写入（本次写入已整体撤回）：请腾出空间后重试") from None
            if "locked" in text or "busy" in text:
                raise StoreError(f"语料库 {self.path} 被其他进程占用超过 30 秒，本次未写入：请稍后重试") from None
            raise StoreError(f"语料库 {self.path} 写入失败：{text}") from None

    # --- writing ----------------------------------------------------------

    def lookup(self, path: str, sha256: str) -> str:
        """'same' if this path already holds these bytes (or the bytes are stored
        under another path), 'changed' if the path holds other bytes, else 'new'."""
        row = self._db.execute("SELECT sha256 FROM filings WHERE path = ?", (path,)).fetchone()
        if row is not None:
            return "same" if row[0] == sha256 else "changed"
        dup = self._db.execute("SELECT 1 FROM filings WHERE sha256 = ?", (sha256,)).fetchone()
        return "same" if dup else "new"

    def put(self, filing: Filing, path: Optional[str] = None) -> str:
        """Store a filing (replacing what its path held before); returns its id."""
        path = path or filing.source.path
        fid = filing_id(filing.source.sha256)
        record = filing.model_dump_json()
        problem = record_problem(record)  # what is stored must always read back
        if problem:
            raise InvalidRecord(f"{path}：记录无效，未存入语料库（{problem}）")
        n_ind = sum(len(p.indicators) for p in filing.projects)
        now = time.time()
        with self._transaction() as db:
            old = db.execute("SELECT id FROM filings WHERE path = ? OR id = ?", (path, fid)).fetchall()
            for (old_id,) in old:
                db.execute("DELETE FROM projects WHERE filing_id = ?", (old_id,))
                db.execute("DELETE FROM filings WHERE id = ?", (old_id,))
                if old_id != fid:
                    db.execute("INSERT INTO changes(filing_id, op, at) VALUES (?, 'delete', ?)", (old_id, now))
            db.execute(
                "INSERT INTO filings(id, path, sha256, kind, unit, year, format, n_projects, n_indicators,"
                " ingested_at, record) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (fid, path, filing.source.sha256, filing.kind, filing.unit, filing.year, filing.source.format,
                 len(filing.projects), n_ind, now, record),
            )
            db.executemany(
                "INSERT INTO projects(filing_id, idx, name, unit, year, kind) VALUES (?,?,?,?,?,?)",
                [(fid, i, p.name, p.unit or filing.unit, filing.year, filing.kind) for i, p in enumerate(filing.projects)],
            )
            db.execute("INSERT INTO changes(filing_id, op, at) VALUES (?, 'put', ?)", (fid, now))
        return fid

    def delete(self, fid: str) -> None:
        with self._transaction() as db:
            cur = db.execute("DELETE FROM filings WHERE id = ?", (fid,))
            if cur.rowcount == 0:
                raise NotFound(f"语料库中没有编号为 {fid} 的文件")
            db.execute("DELETE FROM projects WHERE filing_id = ?", (fid,))
            db.execute("INSERT INTO changes(filing_id, op, at) VALUES (?, 'delete', ?)", (fid, time.time()))

    # --- reading ----------------------------------------------------------

    def get(self, fid: str) -> Filing:
        """A stored filing by id (or unique id prefix)."""
        full = self.resolve_id(fid)
        row = self._db.execute("SELECT record FROM filings WHERE id = ?", (full,)).fetchone()
        if row is None:  # removed between the two reads
            raise NotFound(f"语料库中没有编号为 {fid} 的文件（用 jixiao corpus list 查看编号）")
        try:
            return Filing.model_validate_json(row[0])
        except (ValidationError, ValueError, RecursionError):
            raise InvalidRecord(f"语料库中编号为 {full} 的记录已损坏，无法读出（用 jixiao corpus repair 清除）") from None

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one stored filing whose id starts with `prefix`."""
        ids = [r[0] for r in self._db.execute(
            "SELECT id FROM filings WHERE substr(id, 1, ?) = ?", (len(prefix), prefix)).fetchall()]
        if not prefix or not ids:
            raise NotFound(f"语料库中没有编号为 {prefix} 的文件（用 jixiao corpus list 查看编号）")
        if len(ids) > 1:
            raise NotFound(f"编号前缀 {prefix} 对应 {len(ids)} 个文件，请写得更长")
        return ids[0]

    def list(
        self, kind: Optional[str] = None, unit: Optional[str] = None, year: Optional[int] = None
    ) -> list[FilingSummary]:
        sql = "SELECT id, path, kind, unit, year, format, n_projects, n_indicators FROM filings WHERE 1=1"
        args: list[object] = []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if unit:
            sql += " AND unit LIKE ?"
            args.append(f"%{unit}%")
        if year:
            sql += " AND year = ?"
            args.append(year)
        sql += " ORDER BY unit, year, path"
        out = []
        for row in self._db.execute(sql, args).fetchall():
            names = tuple(
                r[0] for r in self._db.execute("SELECT name FROM projects WHERE filing_id = ? ORDER BY idx", (row[0],))
            )
            out.append(FilingSummary(*row, projects=names))
        return out

    def iter_filings(self) -> Iterator[tuple[str, Filing]]:
        """Every stored filing with its id, in a stable order. A record that no longer reads back
        (stored by an older version) is skipped with a named warning, so one bad row never stops
        an index build, a check or a rollover; `bad_records` lists them."""
        for fid, record in self._db.execute("SELECT id, record FROM filings ORDER BY id").fetchall():
            try:
                filing = Filing.model_validate_json(record)
            except (ValidationError, ValueError, RecursionError) as exc:
                log.warning("语料库记录 %s 无法读出，已跳过（%s）；用 jixiao corpus repair 清除", fid, _first_error(exc))
                continue
            yield fid, filing

    def bad_records(self) -> list[tuple[str, str, str]]:
        """(id, path, reason) of every stored record that does not read back."""
        out = []
        for fid, path, record in self._db.execute("SELECT id, path, record FROM filings ORDER BY id").fetchall():
            problem = record_problem(record)
            if problem:
                out.append((fid, path, problem))
        return out

    def repair(self) -> list[tuple[str, str, str]]:
        """Remove every record that does not read back (its file can be ingested again once
        fixed); returns what was removed."""
        bad = self.bad_records()
        for fid, _path, _why in bad:
            self.delete(fid)
        return bad

    def ids(self) -> dict[str, str]:
        """id → sha256 of every stored filing (what an index compares itself against)."""
        return dict(self._db.execute("SELECT id, sha256 FROM filings").fetchall())

    def find_projects(self, name: str, unit: Optional[str] = None) -> list[tuple[str, int, str, Optional[str], Optional[int]]]:
        """(filing id, project index, name, unit, year) for projects whose name contains `name`."""
        sql = "SELECT filing_id, idx, name, unit, year FROM projects WHERE name LIKE ?"
        args: list[object] = [f"%{name}%"]
        if unit:
            sql += " AND unit LIKE ?"
            args.append(f"%{unit}%")
        return self._db.execute(sql + " ORDER BY year DESC", args).fetchall()

    def stats(self) -> dict[str, object]:
        db = self._db
        return {
            "filings": db.execute("SELECT COUNT(*) FROM filings").fetchone()[0],
            "projects": db.execute("SELECT COUNT(*) FROM projects").fetchone()[0],
            "indicators": db.execute("SELECT COALESCE(SUM(n_indicators),0) FROM filings").fetchone()[0],
            "by_kind": dict(db.execute("SELECT kind, COUNT(*) FROM filings GROUP BY kind").fetchall()),
            "by_year": dict(db.execute("SELECT year, COUNT(*) FROM filings GROUP BY year ORDER BY year").fetchall()),
            "by_unit": dict(db.execute("SELECT unit, COUNT(*) FROM filings GROUP BY unit ORDER BY 2 DESC").fetchall()),
        }

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
