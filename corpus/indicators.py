"""Read the 一级/二级/三级/指标值 table out of lines of any shape.

Two shapes reach this module:
- rows with cells (Word tables, Excel, tab- or pipe-separated text): a cell is a
  whole label, name or value, and the columns after the name are the target,
  actual, weight and score as the header row orders them;
- PDF text with no cell markers: labels, names and values run on, names wrap over
  several lines, a value may share a line with its name. A small state machine
  walks these fragments: a category label sets the level, a value closes the
  pending name, anything else extends the pending name.
Parent cells left blank (a level written once for several rows) are filled down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from corpus.models import Indicator, SourceSpan
from corpus.normalize import compact, first_number, looks_like_value, split_value
from corpus.readers.base import Line

# label (compact, without a trailing 指标/目标) -> canonical category
LEVEL1 = {
    "产出": "产出", "效益": "效益", "效果": "效益", "满意度": "满意度", "服务对象满意度": "满意度",
    "成本": "成本", "投入与管理": "投入与管理", "投入和管理": "投入与管理", "影响力": "影响力",
    # the national scoring template's sections (决策/过程/产出/效益), written '项目产出(30分)'
    "项目产出": "产出", "项目效益": "效益", "项目决策": "投入与管理", "项目过程": "投入与管理",
    "项目管理": "投入与管理",
}
LEVEL2 = {
    "数量": "数量", "质量": "质量", "时效": "时效", "成本": "成本",
    "经济效益": "经济效益", "社会效益": "社会效益", "生态效益": "生态效益", "环境效益": "生态效益",
    "生态环境效益": "生态效益", "可持续影响": "可持续影响", "可持续发展": "可持续影响",
    "满意度": "满意度", "服务对象满意度": "满意度", "社会公众或服务对象满意度": "满意度",
    "长效管理": "长效管理", "投入管理": "投入管理", "资金管理": "投入管理",
    "经济成本": "经济成本", "社会成本": "社会成本", "生态环境成本": "生态环境成本",
    "人力资源": "人力资源", "信息共享": "信息共享", "档案管理": "档案管理", "财务管理": "财务管理",
}
# Labels that name a level-1 category only with their suffix ("满意度指标" is L1 in the
# national layout, while a bare "满意度" is L2 under 效果目标 in Shanghai's).
_L1_ONLY = {"产出", "效益", "效果", "投入与管理", "投入和管理", "影响力", "项目产出", "项目效益", "项目决策",
            "项目过程", "项目管理"}
_HEADER_WORDS = ("一级指标", "一级目标", "二级指标", "三级指标", "三级目标", "评价内容")
ROLE_HEADERS = [
    ("deviation", ("偏差", "原因分析", "改进措施")),
    ("score", ("得分",)),
    ("weight", ("分值", "权重")),
    ("actual", ("实际完成", "完成值", "完成情况", "实际值", "实际")),
    ("target", ("指标值", "目标值", "绩效目标", "年度目标")),
]
_NAME_PREFIX = re.compile(r"^(?:指标\s*\d+\s*[：:.、]?|\d+[、.．]\s*)")
_EMPTY_NAME = re.compile(r"^(?:指标\s*\d*\s*[：:]?|…+|\.{3,}|—+|-+)$")
_GROUP_CELLS = {"绩效指标", "年度绩效指标", "绩效目标指标", "项目绩效指标"}
_TABLE_END = ("绩效自评综合得分", "综合得分", "评价等次", "总分", "评价人员", "填报人", "本项目上年度")


def _strip_label(text: str) -> str:
    first = text.strip().split("\n")[0]
    first = re.sub(r"[（(][^）)]*[）)]?$", "", first)  # "（部门工作实绩…）", "(50分)"
    first = re.sub(r"\d+\s*分$", "", first)
    return compact(first).rstrip("：:")


def _base(label: str) -> str:
    for suffix in ("指标", "目标"):
        if label.endswith(suffix) and len(label) > len(suffix):
            return label[: -len(suffix)]
    return label


def classify_label(text: str) -> tuple[Optional[str], Optional[str]]:
    """('L1'|'L2'|None, canonical category) for a cell or fragment."""
    label = _strip_label(text)
    if not label or len(label) > 14:
        return None, None
    base = _base(label)
    has_suffix = base != label
    if base in _L1_ONLY:
        return "L1", LEVEL1[base]
    if base in ("满意度", "服务对象满意度") and has_suffix and base == "满意度":
        return "L1", "满意度"
    if base == "成本" and has_suffix:
        return "L1?", "成本"  # L1 in the 2021 layout, L2 under 产出 in older ones
    if base in LEVEL2:
        return "L2", LEVEL2[base]
    if base.startswith("产出") and base[2:] in LEVEL2:  # '产出数量', '产出时效' (Shanxi)
        return "L2", LEVEL2[base[2:]]
    return None, None


def is_table_header(text: str) -> bool:
    c = compact(text)
    return sum(w in c for w in _HEADER_WORDS) >= 2 or ("三级" in c and ("指标值" in c or "目标值" in c))


def clean_name(name: str) -> str:
    name = compact(name)
    return _NAME_PREFIX.sub("", name)


@dataclass
class _State:
    level1: str = ""
    level2: str = ""
    category: Optional[str] = None
    subcategory: Optional[str] = None
    roles: list[str] = field(default_factory=lambda: ["target", "actual", "weight", "score"])
    rows: list[Indicator] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    pending_lines: list[Line] = field(default_factory=list)

    def set_level(self, kind: str, text: str, category: Optional[str]) -> None:
        label = _strip_label(text)
        if kind == "L1?":
            kind = "L2" if self.category == "产出" else "L1"
        if kind == "L1" and label == self.level1:
            return  # a merged parent cell repeated on the next row
        if kind == "L1":
            self.level1, self.category = label, category
            self.level2, self.subcategory = "", None
        else:
            if self.category is None and category == "满意度":
                self.level1, self.category = label, "满意度"
            self.level2, self.subcategory = label, category

    def emit(self, name: str, values: list[str], lines: list[Line]) -> None:
        name_clean = clean_name(name)
        raw = values[0].strip() if values else ""
        empty = (not name_clean or bool(_EMPTY_NAME.match(compact(name)))) or not raw
        comparator, value, high, unit = split_value(raw) if raw else (None, None, None, None)
        extra = {}
        for role, cell in zip(self.roles[1:], values[1:]):
            extra[role] = cell.strip() or None
        weight = first_number(extra.get("weight"))
        score = first_number(extra.get("score"))
        indicator = Indicator(
            raw_name=compact(name),
            level1=self.level1,
            level2=self.level2,
            name=name_clean,
            comparator=comparator,
            value=value,
            value_high=high,
            unit=unit,
            raw_value=raw,
            actual=extra.get("actual"),
            weight=weight,
            score=score,
            empty=empty,
            category=self.category,
            subcategory=self.subcategory,
            span=_span(lines),
        )
        if extra.get("deviation"):
            indicator.deviation = extra["deviation"]
        self.rows.append(indicator)


def _span(lines: list[Line]) -> Optional[SourceSpan]:
    if not lines:
        return None
    return SourceSpan(page=lines[0].page, line_start=lines[0].no, line_end=lines[-1].no_end)


def roles_from_header(cells: list[str]) -> Optional[list[str]]:
    """Column roles after the name column, in the header's order."""
    roles: list[str] = []
    seen_name = False
    for cell in cells:
        c = compact(cell)
        if not c:
            continue
        if any(w in c for w in ("三级指标", "三级目标", "评价内容", "指标名称")):
            seen_name = True
            continue
        if not seen_name:
            continue
        for role, words in ROLE_HEADERS:
            if any(w in c for w in words):
                roles.append(role)
                break
    return roles if roles and roles[0] == "target" else None


def parse_indicator_table(lines: list[Line], roles: Optional[list[str]] = None) -> list[Indicator]:
    """Indicators from the lines of a table region (header row included or not).

    `roles` names the columns after the name column when the caller read them
    from a header this module would not recognise.
    """
    state = _State()
    if roles:
        state.roles = roles
    for idx, line in enumerate(lines):
        if any(compact(line.text).startswith(w) for w in _TABLE_END):
            break
        if line.cells is not None:
            _flush_pending(state)
            _read_row(state, line)
        else:
            _read_text_line(state, line, lines[idx + 1:])
    _flush_pending(state, at_end=True)
    return state.rows


def _read_row(state: _State, line: Line) -> None:
    cells = line.cells or []
    if is_table_header(" ".join(cells)):
        roles = roles_from_header(cells)
        if roles:
            state.roles = roles
        return
    filled = [i for i, c in enumerate(cells) if c.strip() and compact(c) not in _GROUP_CELLS]
    name_idx = None
    for n, i in enumerate(filled):
        kind, category = classify_label(cells[i])
        nxt = cells[filled[n + 1]] if n + 1 < len(filled) else None
        if kind and nxt is not None and not looks_like_value(nxt):
            state.set_level(kind, cells[i], category)
            continue
        if kind and nxt is None and i < len(cells) - 1 and not _EMPTY_NAME.match(compact(cells[i])):
            state.set_level(kind, cells[i], category)  # a category row with nothing under it yet
            return
        name_idx = i
        break
    if name_idx is None:
        return
    name = cells[name_idx]
    values = cells[name_idx + 1:]
    if compact(name) in ("绩效指标",) and not any(v.strip() for v in values):
        return
    state.emit(name, values, [line])


def _flush_pending(state: _State, at_end: bool = False) -> None:
    if not state.pending:
        return
    if at_end and len(state.pending) >= 2 and len(state.pending[-1]) <= 8:
        # the table's last cell: a short qualitative value after a name that filled its line
        value = state.pending.pop()
        state.emit("".join(state.pending), [value], state.pending_lines)
    else:
        state.emit("".join(state.pending), [], state.pending_lines)
    state.pending, state.pending_lines = [], []


def _next_part(parts: list[str], pos: int, following: list[Line]) -> Optional[str]:
    if pos + 1 < len(parts):
        return parts[pos + 1]
    for line in following:
        if line.text.strip():
            return line.text.split()[0]
    return None


def _read_text_line(state: _State, line: Line, following: list[Line]) -> None:
    text = line.text.strip()
    if not text or is_table_header(text) or re.fullmatch(r"\d{4}年(?:度)?绩效目标", compact(text)):
        return
    parts = text.split()
    for pos, part in enumerate(parts):
        last = pos == len(parts) - 1
        kind, category = classify_label(part)
        nxt = _next_part(parts, pos, following)
        if kind and not state.pending and not (nxt is not None and looks_like_value(nxt)):
            state.set_level(kind, part, category)
            continue
        if state.pending and looks_like_value(part):
            _close(state, part, line)
            continue
        if (
            state.pending
            and last
            and pos > 0
            and len(part) <= 10
            and parts[pos - 1] == state.pending[-1]
            and not _continues(following)
        ):
            _close(state, part, line)  # "名称 完善": a short qualitative value after its name
            continue
        if state.pending and len(parts) == 1 and _is_standalone_value(part, state):
            _close(state, part, line)
            continue
        state.pending.append(part)
        state.pending_lines.append(line)


def _continues(following: list[Line]) -> bool:
    """True when the next non-empty line is more name text (not a label, value or row)."""
    for line in following:
        text = line.text.strip()
        if not text:
            continue
        if line.cells is not None or any(compact(text).startswith(w) for w in _TABLE_END):
            return False
        first = text.split()[0]
        return classify_label(first)[0] is None and not looks_like_value(first)
    return False


def _is_standalone_value(part: str, state: _State) -> bool:
    """A short line right after a name that ended a sentence is that name's value."""
    return len(part) <= 10 and state.pending[-1][-1:] in "。.；;）)" and not re.search(r"[，。；,;]", part)


def _close(state: _State, value: str, line: Line) -> None:
    lines = state.pending_lines + [line]
    state.emit("".join(state.pending), [value], lines)
    state.pending, state.pending_lines = [], []
