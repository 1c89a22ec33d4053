"""Parse a file (or bytes) into a `Filing`: read, detect the kind, run its parser."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Optional

from corpus.errors import NotAFiling, ParseError
from corpus.kind import detect_kind
from corpus.models import Filing, SourceInfo
from corpus.normalize import compact, find_year
from corpus.readers import read_bytes
from corpus.readers.base import MAX_FILE_BYTES, ExtractedText, file_kind

PARSER_VERSION = "1"


def parse_file(path: str | Path) -> Filing:
    """Read and parse one file. Raises a `ParseError` subclass naming the file."""
    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO blocks forever, a device reads without end
            raise ParseError(str(p), f"不是普通文件（{file_kind(st.st_mode)}），已拒绝")
        size = st.st_size
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
        filing = parse_document(doc, source)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(path, "结构嵌套过深") from None
    filing.warnings[:0] = [w for w in doc.warnings if w not in filing.warnings]
    return filing


def parse_document(doc: ExtractedText, source: SourceInfo) -> Filing:
    """Detect the kind, read it with the layout parser and from its cells, merge.

    A document that holds a form is never refused: when the layout parser finds no
    project, the cell reading (labels from the lexicon, indicators by vocabulary)
    gives the filing, with a warning for what is missing.
    """
    from corpus.cells import build_rows
    from corpus.parsers.cell_filing import fill_gaps, filing_from_cells, has_content, read_cells

    from corpus.parsers.report_heading import page_publisher

    truncated = _truncated(doc)
    publisher = page_publisher(doc.lines)  # read before the page chrome that holds it goes
    doc = _without_chrome(doc)
    rows = build_rows(doc)
    kind = detect_kind(doc)
    if kind is None:
        kind = _kind_from_cells(rows)
        if kind is None:
            raise NotAFiling(source.path, "没有找到表名或“项目名称/三级指标/立项依据”等栏目")
    form = read_cells(rows, kind)
    form.publisher = publisher
    try:
        filing = _parse_layout(doc, source, kind)
    except NotAFiling:
        if kind == "budget_disclosure" or not has_content(form):
            raise
        return filing_from_cells(form, kind, source, truncated)
    if filing.kind == "budget_disclosure":
        return filing
    return fill_gaps(filing, form, truncated)


def _parse_layout(doc: ExtractedText, source: SourceInfo, kind: str) -> Filing:
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


def _truncated(doc: ExtractedText) -> bool:
    """The text stops mid-character or mid-word, as copies of cut-off pages do."""
    tail = "".join(l.text for l in doc.lines[-3:]).rstrip(" |")
    return "\ufffd" in tail[-12:]


def _without_chrome(doc: ExtractedText) -> ExtractedText:
    """The document without provenance comments and web-page chrome (line numbers kept)."""
    from corpus.cells import is_chrome

    kept = [l for l in doc.lines if not l.text.lstrip().startswith(("# SOURCE:", "# NOTE:")) and not is_chrome(l.text)]
    if len(kept) == len(doc.lines):
        return doc
    return ExtractedText(format=doc.format, lines=kept, pages=doc.pages, warnings=doc.warnings)


def _kind_from_cells(rows) -> Optional[str]:
    from corpus.cells import flat_cells
    from corpus.parsers.cell_form import find_title

    cells = flat_cells(rows)
    title = find_title(cells) or ""
    if any(w in title for w in ("自评", "评价报告")):
        return "self_evaluation"
    if "绩效目标" in title or "申报表" in title:
        return "target_table"
    header = "".join(c.text for c in cells[:400] if len(c.text) <= 12)
    if sum(w in header for w in ("一级指标", "二级指标", "三级指标", "指标名称", "指标值", "目标值")) >= 3:
        # an indicator table without a title: actual values make it an evaluation
        return "self_evaluation" if any(w in header for w in ("完成值", "实际", "得分")) else "target_table"
    return None


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
