"""Parse a file (or bytes) into a `Filing`: read, detect the kind, run its parser."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from corpus.errors import NotAFiling, ParseError
from corpus.kind import detect_kind
from corpus.models import Filing, SourceInfo
from corpus.normalize import compact, find_year
from corpus.readers import read_bytes
from corpus.readers.base import MAX_FILE_BYTES, ExtractedText

PARSER_VERSION = "1"


def parse_file(path: str | Path) -> Filing:
    """Read and parse one file. Raises a `ParseError` subclass naming the file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            from corpus.errors import TooLarge

            raise TooLarge(str(p), f"{size // 2**20} MiB，超过 {MAX_FILE_BYTES // 2**20} MiB 上限")
        data = p.read_bytes()
    except OSError as exc:
        raise ParseError(str(p), f"无法读取（{exc.strerror or exc}）") from None
    return parse_bytes(data, str(p))


def parse_bytes(data: bytes, path: str) -> Filing:
    """Parse bytes that came from `path` (the name decides the format)."""
    if Path(path).suffix.lower() == ".json":
        from corpus.filing_json import parse_filing_json

        return parse_filing_json(data, path)
    doc = read_bytes(data, path)
    source = SourceInfo(
        path=path, sha256=hashlib.sha256(data).hexdigest(), format=doc.format, size_bytes=len(data)
    )
    try:
        return parse_document(doc, source)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(path, "结构嵌套过深") from None


def parse_document(doc: ExtractedText, source: SourceInfo) -> Filing:
    kind = detect_kind(doc)
    if kind is None:
        raise NotAFiling(source.path, "没有找到表名或“项目名称/三级指标/立项依据”等栏目")
    if kind == "target_table":
        from corpus.parsers.target_table import parse_project, split_projects

        warnings: list[str] = []
        projects = [p for p in (parse_project(region, warnings) for region in split_projects(doc.lines)) if p]
        if not projects:
            raise NotAFiling(source.path, "像是绩效目标表，但没有找到“项目名称”")
        filing = Filing(kind=kind, source=source, projects=projects, warnings=warnings)
        filing.unit = next((p.unit for p in projects if p.unit), None)
        filing.year = _year(doc, projects)
        filing.title = _title(doc)
        return filing
    if kind == "self_evaluation":
        from corpus.parsers.self_evaluation import parse_self_evaluation

        return parse_self_evaluation(doc, source)
    from corpus.parsers.budget_disclosure import parse_budget_disclosure

    return parse_budget_disclosure(doc, source)


def _title(doc: ExtractedText) -> Optional[str]:
    for line in doc.lines[:10]:
        if compact(line.text):
            return line.text.strip()
    return None


def _year(doc: ExtractedText, projects: list) -> Optional[int]:
    for line in doc.lines[:15]:
        if "年" in line.text and ("度" in line.text or "表" in line.text):
            year = find_year(line.text)
            if year:
                return year
    for p in projects:
        if p.start_date:
            return p.start_date.year
    return None
