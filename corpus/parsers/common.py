"""Pieces every filing parser uses: labelled fields, prose sections, legal bases,
spending plans and the re-joining of lines that PDF extraction wrapped.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from corpus.models import LegalBasis, Section, SourceSpan, SpendingStep
from corpus.normalize import compact, find_doc_numbers, parse_money
from corpus.readers.base import Line

# heading text (compact, without numbering or colon) -> section kind
SECTION_TITLES: dict[str, str] = {
    "项目概况": "overview", "项目概述": "overview", "项目基本情况": "overview", "项目简介": "overview",
    "立项依据": "legal_basis", "项目立项依据": "legal_basis", "政策依据": "legal_basis",
    "项目设立的必要性": "necessity", "项目设立必要性": "necessity", "必要性": "necessity",
    "立项必要性": "necessity",
    "保证项目实施的制度、措施": "measures", "保证项目实施的制度措施": "measures", "保障措施": "measures",
    "项目实施保障措施": "measures",
    "项目实施计划": "plan", "实施计划": "plan", "实施方案": "plan", "资金使用计划": "plan",
    "总目标及阶段性目标": "goals", "项目总目标及阶段性目标": "goals", "绩效目标": "goals",
    "年度绩效目标": "goals", "项目绩效目标": "goals", "总体目标": "goals",
    "实施主体": "implementer", "实施周期": "period", "年度预算安排": "budget_plan",
}
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])\s*")


def heading_kind(text: str) -> Optional[tuple[str, str, str]]:
    """(kind, title, rest of the line) when a line opens a known section."""
    stripped = _NUMBERING.sub("", text.strip())
    c = compact(stripped)
    for title in sorted(SECTION_TITLES, key=len, reverse=True):
        if c.startswith(title):
            rest = c[len(title):]
            if rest == "" or rest[0] in "：:":
                # keep the original spacing of the remainder
                m = re.match(r"\s*" + r"\s*".join(map(re.escape, title)) + r"\s*[：:]?\s*", stripped)
                remainder = stripped[m.end():] if m else rest.lstrip("：:")
                return SECTION_TITLES[title], title, remainder.strip()
    return None


def wrap_width(lines: Iterable[Line]) -> int:
    """The width at which extraction wrapped lines (90th percentile of line lengths)."""
    lengths = sorted(len(l.text.strip()) for l in lines if l.text.strip() and l.cells is None)
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]


def join_wrapped(lines: list[Line], width: int) -> str:
    """Re-join lines that extraction wrapped; keep real paragraph breaks.

    A line at (or near) the wrap width that does not end a sentence continues on the
    next line, without a space (Chinese has none); shorter lines end paragraphs.
    """
    out: list[str] = []
    buf = ""
    for line in lines:
        text = line.text.strip() if line.cells is None else " ".join(c for c in line.cells if c)
        if not text:
            continue
        buf += text
        near_full = width and len(text) >= width * 0.8
        if not near_full or text[-1] in "。！？":
            out.append(buf)
            buf = ""
    if buf:
        out.append(buf)
    return "\n".join(out)


def span_of(lines: list[Line]) -> Optional[SourceSpan]:
    if not lines:
        return None
    return SourceSpan(page=lines[0].page, line_start=lines[0].no, line_end=lines[-1].no_end)


# --- labelled fields --------------------------------------------------------

def extract_fields(lines: list[Line], labels: dict[str, str]) -> dict[str, tuple[str, Line]]:
    """Values of known labels, from 'label：value' text or from label/value cell pairs.

    `labels` maps label text (as written) to a field key; longer labels win.
    The first occurrence of each key is kept.
    """
    found: dict[str, tuple[str, Line]] = {}
    ordered = sorted(labels, key=len, reverse=True)
    pattern = re.compile(
        "(" + "|".join(r"\s*".join(map(re.escape, lab)) for lab in ordered) + r")\s*(?:[（(][^）)]{0,6}[）)])?\s*[：:]"
    )
    for line in lines:
        if line.cells is not None:
            _fields_from_cells(line, labels, found)
            continue
        text = line.text
        matches = list(pattern.finditer(text))
        for k, m in enumerate(matches):
            key = labels.get(compact(m.group(1)))
            if key is None or key in found:
                continue
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            value = text[m.end():end].strip()
            if value:
                found[key] = (value, line)
    return found


def _fields_from_cells(line: Line, labels: dict[str, str], found: dict[str, tuple[str, Line]]) -> None:
    cells = line.cells or []
    for i, cell in enumerate(cells):
        c = compact(cell).rstrip("：:")
        c_nounit = re.sub(r"[（(][^）)]*[）)]$", "", c)
        key = labels.get(c) or labels.get(c_nounit)
        if key is None:
            m = re.match(r"^(.{2,12}?)[：:](.+)$", compact(cell))
            if m and labels.get(m.group(1)) and labels[m.group(1)] not in found:
                found[labels[m.group(1)]] = (m.group(2), line)
            continue
        if key in found:
            continue
        for value in cells[i + 1:]:
            if value.strip():
                if labels.get(compact(value).rstrip("：:")):
                    break
                found[key] = (value.strip(), line)
                break


# --- sections -----------------------------------------------------------------

def split_sections(lines: list[Line], stop: Optional[Callable[[Line], bool]] = None) -> list[tuple[str, str, list[Line], str]]:
    """(kind, title, body lines, text on the heading line) for each known section.

    A section runs to the next heading or to the first line for which `stop` is true.
    """
    result: list[tuple[str, str, list[Line], str]] = []
    current: Optional[list] = None
    for line in lines:
        if stop and stop(line):
            if current:
                result.append(tuple(current))  # type: ignore[arg-type]
                current = None
            continue
        head = heading_kind(line.text) if line.cells is None else _cell_heading(line)
        if head:
            if current:
                result.append(tuple(current))  # type: ignore[arg-type]
            kind, title, rest = head
            current = [kind, title, [line], rest]
            continue
        if current:
            current[2].append(line)
    if current:
        result.append(tuple(current))  # type: ignore[arg-type]
    return result


def _cell_heading(line: Line) -> Optional[tuple[str, str, str]]:
    cells = [c for c in (line.cells or []) if c.strip()]
    if not cells:
        return None
    head = heading_kind(cells[0])
    if head and not head[2]:
        return head[0], head[1], "\n".join(cells[1:])
    return head


def build_section(kind: str, title: str, body: list[Line], first: str, width: int) -> Section:
    text_lines = body[1:]
    text = join_wrapped(text_lines, width)
    if first:
        text = (first + ("" if width and len(first) >= width * 0.6 else "\n") + text).strip()
    return Section(kind=kind, title=title, text=text.strip(), span=span_of(body))


# --- legal bases -------------------------------------------------------------

_ITEM_NUMBER = r"(?:^|(?<=[\s。；;，,）)】\]〕号》]))({n})\s*[、.．)）]\s*"


def split_numbered_items(text: str) -> list[str]:
    """Split '1、… 2、… 3、…' into items, following the numbers in order.

    Only the expected next number opens an item, so a '1号' inside a document
    number does not split, while '…1号8、' (a wrap that ate the separator) does.
    """
    flat = re.sub(r"\s*\n\s*", "", text).strip()
    pos = []
    n = 1
    start = 0
    while True:
        m = re.compile(_ITEM_NUMBER.format(n=n)).search(flat, start)
        if m is None and n > 1:
            # tolerate the separator being swallowed: '…1号8、', '…市长令2、'
            m = re.compile(rf"(?<!\d)({n})\s*、\s*").search(flat, start)
        if m is None:
            break
        pos.append((m.start(1), m.end()))
        start = m.end()
        n += 1
    if not pos:
        return [flat] if flat else []
    items = []
    for k, (s, e) in enumerate(pos):
        end = pos[k + 1][0] if k + 1 < len(pos) else len(flat)
        items.append(flat[e:end].strip(" ；;。，,"))
    return [i for i in items if i]


def parse_legal_bases(section: Section) -> list[LegalBasis]:
    """Each item of a 立项依据 section with its 《title》 and document numbers."""
    items = split_numbered_items(section.text)
    if len(items) == 1 and len(find_doc_numbers(items[0])) == 0 and "《" not in items[0]:
        items = [s for s in re.split(r"[。；;]", items[0]) if s.strip()]
    result = []
    for item in items:
        m = re.search(r"《([^》]{2,80})》", item)
        numbers = find_doc_numbers(item)
        title = m.group(1) if m else None
        if title is None and numbers:
            before = item[: item.find(numbers[0].raw)].rstrip("（(【[〔 ")
            title = before or None
        result.append(
            LegalBasis(
                text=item,
                title=title,
                doc_number=numbers[0].raw if numbers else None,
                doc_number_normalized=numbers[0].normalized if numbers else None,
                doc_numbers=numbers,
                span=section.span,
            )
        )
    return result


# --- spending plan -------------------------------------------------------------

_PLAN_RE = re.compile(
    r"(?P<period>(?P<m1>\d{1,2})\s*[-—~～至到]\s*(?P<m2>\d{1,2})\s*月(?:份|底|末)?)"
    r"[^\d%]{0,12}?(?P<pct>\d{1,3}(?:\.\d+)?)\s*[%％]"
)
_QUARTER_RE = re.compile(r"第?(?P<q>[一二三四1-4])季度[^\d]{0,10}?(?P<amount>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<unit>万元|万|元)")


def parse_spending_plan(text: str) -> list[SpendingStep]:
    """Cumulative plan steps ('1-6月，完成30%') or quarterly amounts ('第一季度用款计划158.05万元')."""
    steps = [
        SpendingStep(period=m.group("period"), cumulative_percent=float(m.group("pct")), end_month=int(m.group("m2")))
        for m in _PLAN_RE.finditer(text)
    ]
    if steps:
        return steps
    quarters = list(_QUARTER_RE.finditer(text))
    total = 0.0
    amounts = []
    for m in quarters:
        amount = parse_money(m.group("amount") + m.group("unit")) or 0.0
        amounts.append((m, amount))
        total += amount
    cumulative = 0.0
    for m, amount in amounts:
        cumulative += amount
        q = "一二三四".find(m.group("q")) + 1 or int(m.group("q"))
        steps.append(
            SpendingStep(
                period=f"第{m.group('q')}季度",
                amount=amount,
                end_month=q * 3,
                cumulative_percent=round(cumulative / total * 100, 2) if total else None,
            )
        )
    return steps
