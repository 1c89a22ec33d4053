"""Turn filings into passages: one per indicator row, legal-basis item and section paragraph.

A passage id is derived from the filing id, the passage's position and a hash of its
content (`<filing>:<project>:<i|l|s><n>:<hash8>`), so re-indexing the same filing gives
the same ids and a changed passage gets a new one.

Example:
    >>> ps = filing_passages("5c8e543f8e6d7888", filing)
    >>> ps[0].kind, ps[0].text[:20]
    ('section', '安全质量监督查处 项目概况 1.安全生产条件动态监管')
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable, Literal, Optional

from pydantic import BaseModel

from corpus.models import Filing, Indicator, SourceSpan

PassageType = Literal["indicator", "legal_basis", "section"]
PASSAGE_TYPES: tuple[str, ...] = ("indicator", "legal_basis", "section")

_COMPARATORS = {"=": "=", ">=": "≥", "<=": "≤", "≥": "≥", "≤": "≤", ">": ">", "<": "<"}
_SPACES = re.compile(r"\s+")
MAX_PASSAGE_CHARS = 1200
"""A paragraph longer than this becomes several passages (cut after a sentence end where one
is near), and an indicator or legal-basis text is clipped to it: one 48 MB paragraph stored
as one passage made every later search take 4.4 s and 1.6 GB. Real filings' longest
paragraph is far shorter (tests/test_index_passages.py checks the sample and the real web set)."""
_SENTENCE_END = re.compile(r"[。！？；;!?]")


class Passage(BaseModel):
    """One searchable unit with everything a result line shows."""

    id: str
    filing_id: str
    path: str
    filing_kind: str
    type: PassageType
    project: str = ""
    project_idx: int = 0
    year: Optional[int] = None
    unit: Optional[str] = None
    text: str
    content_hash: str
    # indicator fields
    level1: str = ""
    level2: str = ""
    name: str = ""
    category: Optional[str] = None
    subcategory: Optional[str] = None
    value_text: str = ""
    # section fields
    section_kind: str = ""
    section_title: str = ""
    # legal basis
    doc_number: Optional[str] = None
    # where in the source
    page: Optional[int] = None
    line_start: Optional[int] = None
    line_end: Optional[int] = None


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def indicator_key(name: str) -> str:
    """The wording of an indicator, for counting how often it is used: spaces and
    punctuation differences ignored."""
    return re.sub(r"[\s，,。.；;：:、（）()]+", "", name or "")


def value_text(ind: Indicator) -> str:
    """The target as shown: comparator, number, unit (`=1份`, `≥90%`), else the raw cell."""
    if ind.value is not None and ind.comparator:
        num = f"{ind.value:g}"
        if ind.value_high is not None:
            num += f"~{ind.value_high:g}"
        return f"{_COMPARATORS.get(ind.comparator, ind.comparator)}{num}{ind.unit or ''}"
    return _SPACES.sub(" ", ind.raw_value or "").strip()


def _span(span: Optional[SourceSpan]) -> dict:
    if span is None:
        return {}
    return {"page": span.page, "line_start": span.line_start, "line_end": span.line_end}


def _paragraphs(text: str) -> list[str]:
    """Non-empty lines, each cut into pieces of at most MAX_PASSAGE_CHARS."""
    return [piece for p in re.split(r"\n+", text or "") if p.strip() for piece in _pieces(p.strip())]


def _pieces(para: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """`para` cut into consecutive pieces of at most `limit` characters, each ending after the
    last sentence end in its second half when there is one (joined, they give `para` back)."""
    out: list[str] = []
    start = 0
    while len(para) - start > limit:
        window = para[start:start + limit]
        ends = [m.end() for m in _SENTENCE_END.finditer(window, limit // 2)]
        cut = start + (ends[-1] if ends else limit)
        out.append(para[start:cut])
        start = cut
    out.append(para[start:])
    return out


def filing_passages(filing_id: str, filing: Filing) -> list[Passage]:
    """Every passage of one filing, in document order."""
    base = {
        "filing_id": filing_id,
        "path": filing.source.path,
        "filing_kind": filing.kind,
        "year": filing.year,
    }
    out: list[Passage] = []

    def add(code: str, pos: int, pidx: int, text: str, **fields) -> None:
        text = _SPACES.sub(" ", text[:4 * MAX_PASSAGE_CHARS]).strip()[:2 * MAX_PASSAGE_CHARS]
        h = content_hash(f"{fields.get('type')}|{text}")
        out.append(Passage(id=f"{filing_id}:{pidx}:{code}{pos}:{h[:8]}", text=text, content_hash=h,
                           project_idx=pidx, **base, **fields))

    for pidx, project in enumerate(filing.projects):
        common = {"project": project.name, "unit": project.unit or filing.unit}
        n = 0
        for sec in project.sections:
            for para in _paragraphs(sec.text):
                add("s", n, pidx, f"{project.name} {sec.title} {para}", type="section", section_kind=sec.kind,
                    section_title=sec.title, **common, **_span(sec.span))
                n += 1
        for i, lb in enumerate(project.legal_bases):
            add("l", i, pidx, f"{project.name} 立项依据 {lb.text}", type="legal_basis",
                doc_number=lb.doc_number_normalized or lb.doc_number, **common, **_span(lb.span))
        for i, ind in enumerate(project.indicators):
            if ind.empty or not (ind.name or "").strip():
                continue
            vt = value_text(ind)
            levels = " ".join(dict.fromkeys(x for x in (ind.level1, ind.category, ind.level2, ind.subcategory) if x))
            add("i", i, pidx, f"{project.name} {levels} {ind.name} {vt}", type="indicator",
                level1=ind.level1, level2=ind.level2, name=ind.name, category=ind.category,
                subcategory=ind.subcategory, value_text=vt, **common, **_span(ind.span))
    if filing.evaluation is not None:
        pidx = len(filing.projects)
        n = 0
        for sec in filing.evaluation.sections:
            for para in _paragraphs(sec.text):
                add("s", n, pidx, f"{sec.title} {para}", type="section", section_kind=sec.kind,
                    section_title=sec.title, project=filing.title or "", unit=filing.unit, **_span(sec.span))
                n += 1
    return out


def corpus_passages(filings: Iterable[tuple[str, Filing]]) -> list[Passage]:
    out: list[Passage] = []
    for fid, filing in filings:
        out.extend(filing_passages(fid, filing))
    return out
