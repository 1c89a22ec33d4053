"""Every input as rows of cells, before any form logic.

Readers give numbered lines, some already split into table cells (docx, xlsx, html,
tab- and pipe-separated text). Real filings copied from web pages come in shapes
the readers cannot see as tables; this module turns all of them into one thing, a
list of `Row`s of `Cell`s, each cell keeping the line it came from:

- a line with cells (a real table row) is one row; an all-empty pipe line
  (`||||||`) ends a row of the one-cell-per-line shape;
- `text |` lines (a web table flattened one cell per line) are cells of the
  current row, a lone `|` an empty cell;
- space-separated rows (`预算数 6.84 到位数 6.84`) are split on the spaces;
- cells run together (`项目主管部门青山区教育局项目执行单位化工区学校`) are split
  at the labels the lexicon knows;
- anything else is a row of one cell (one cell per line, prose).

Page chrome (索引号, 扫一扫, 打印…) and provenance comments are dropped and
traditional characters are converted (OpenCC), the raw line kept on the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from corpus.labels import label_of, lexicon
from corpus.readers.base import ExtractedText, Line


@dataclass
class Cell:
    text: str
    line: Line
    row: Optional[int] = None  # the source table row, where the source marked rows


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    tabular: bool = False  # the source marked the cells (not a one-cell line)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


_CHROME = re.compile(
    r"^(?:索\s*引\s*号|发布日期|发布时间|日期[：:]\s*(?:19|20)\d{2}|发布机构|发布单位|来源[：:]|浏览次数|字号|字体|分享到|扫一扫|"
    r"\[?下载\]?|\[?打印\]?|\[?关闭\]?|【打印】|【关闭】|相关解读|相关链接|上一篇|下一篇|主题词|主题分类|"
    r"有\s*效\s*性|文\s*号|附件[：:]?$|首页|当前位置|政府信息公开$|网站地图|无障碍|"
    r"版权所有|主办单位|承办单位|技术支持|ICP备|网站标识码|公安备案)"
)
# ruby annotations some mirrors add after characters: 经(jīng)费, 区(qū)
_PINYIN = re.compile(r"[（(][a-zA-Zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü]{1,7}[）)]")
_PROVENANCE = re.compile(r"^#\s*(?:SOURCE|NOTE)\s*:")
_ONLY_PIPES = re.compile(r"^\s*\|[\s|]*$")
_SENTENCE = re.compile(r"[，。；！？,;]")


def is_chrome(text: str) -> bool:
    """A web page's navigation or metadata line, not part of the filing."""
    t = text.strip().lstrip("-—·•|> ")
    return bool(t) and len(t) <= 80 and bool(_CHROME.match(t))


@lru_cache(maxsize=1)
def _converter():
    try:
        from opencc import OpenCC  # opencc-python-reimplemented
    except ImportError:
        return None
    return OpenCC("t2s")


_TRADITIONAL_HINTS = set("項預績費標實際責報畫據數範圍審計劃務廳區縣財經濟監總體設產層質時條點價單開發於與為這個們來說對會應")


def is_traditional(doc: ExtractedText) -> bool:
    """True when the text uses traditional characters often enough to convert."""
    sample = "".join(l.text for l in doc.lines[:400])
    hits = sum(1 for ch in sample if ch in _TRADITIONAL_HINTS)
    return hits >= 5 and hits >= len(sample) / 400


def to_simplified(text: str) -> str:
    conv = _converter()
    return conv.convert(text) if conv else text


def _space_cells(text: str) -> Optional[list[str]]:
    """Cells of a space-separated row, or None for a line that reads as prose."""
    from corpus.shapes_spaced import join_bracket_parts, label_and_value

    parts = join_bracket_parts([p for p in re.split(r"\s+", text.strip()) if p])
    if len(parts) < 3:
        return label_and_value(parts)
    lengths = sorted(len(p) for p in parts)
    if len(parts) >= 5 and lengths[len(lengths) // 2] <= 8:
        return parts
    if max(lengths) > 60:
        return None
    if sum(len(p) for p in parts) / len(parts) > 28:
        return None
    return parts


_TABLE_HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标内容", "指标名称", "年度指标值", "指标值",
                       "实际完成值", "全年实际值", "分值", "得分", "偏差原因")


@lru_cache(maxsize=1)
def _labels_for_split() -> tuple[str, ...]:
    labels: set[str] = set(lab for lab in lexicon("fields") if len(lab) >= 4)
    labels.update(lab for lab in lexicon("money") if len(lab) >= 5)
    return tuple(sorted(labels, key=len, reverse=True))


def _split_header(t: str) -> Optional[list[str]]:
    """A table header run together ('一级指标二级指标指标内容指标值')."""
    if sum(w in t for w in ("一级指标", "二级指标", "三级指标")) < 2:
        return None
    pattern = "(" + "|".join(map(re.escape, _TABLE_HEADER_WORDS)) + ")"
    return [p for p in re.split(pattern, t) if p.strip()]


_LEVEL_WORDS = ("产出指标", "效益指标", "效果指标", "满意度指标", "成本指标", "数量指标", "质量指标", "时效指标",
                "经济效益指标", "社会效益指标", "生态效益指标", "环境效益指标", "可持续影响指标",
                "服务对象满意度指标", "社会公众或服务对象满意度指标")
_LEVEL_RE = re.compile("(" + "|".join(sorted(map(re.escape, _LEVEL_WORDS), key=len, reverse=True)) + ")")
_CMP_VALUE_RE = re.compile(
    r"((?:>=|<=|≥|≤|≧|≦|＞|＜|>|<|=|＝|═|﹦)\s*\d+(?:\.\d+)?\s*(?:%|％|‰|百分比|[个家人次项份件台套座所户元万公里米亩吨天日场批辆名]{1,3})?)"
)


def split_indicator_run(text: str) -> Optional[list[str]]:
    """An indicator table run together into one text: cut at level labels and values.

    Copies that removed every separator read '产出指标数量指标免费开放天数=300天质量指标…';
    level labels and comparator-led values are the only safe cut points.
    """
    if len(_LEVEL_RE.findall(text)) < 2 and not (_LEVEL_RE.search(text) and _CMP_VALUE_RE.search(text)):
        return None
    pieces: list[str] = []
    for part in _LEVEL_RE.split(text):
        if not part:
            continue
        if _LEVEL_RE.fullmatch(part):
            pieces.append(part)
            continue
        pieces.extend(p for p in _CMP_VALUE_RE.split(part) if p and p.strip())
    return [p.strip() for p in pieces if p.strip()]


@lru_cache(maxsize=1)
def _split_pattern() -> re.Pattern:
    """Labels (longest first) with an optional bracketed unit and colon after them."""
    alternation = "|".join(map(re.escape, _labels_for_split()))
    return re.compile(rf"(?:{alternation})\s*(?:[（(][^）)]{{0,12}}[）)])?\s*[：:]?")


def _label_count(text: str) -> int:
    return len(_split_pattern().findall(text))


def split_run_together(text: str) -> list[str]:
    """Split a cell at each known label it runs into ('项目名称XX主管部门YY')."""
    t = text.strip()
    if len(t) < 6 or len(t) > 4000:
        return [t]
    header = _split_header(t)
    if header and len(t) <= 120:
        return header
    if len(t) > 12 and not re.match(r"^(?:[一二三四五六七八九十]+、|\d+[、.．])", t):
        run = split_indicator_run(t)
        if run and len(run) > 1:
            out: list[str] = []
            for piece in run:
                out.extend(split_run_together(piece) if piece != t else [piece])
            return out
    if _SENTENCE.search(t) and len(t) > 60 and _label_count(t) < 3:
        return [t]
    cuts: set[int] = set()
    for m in _split_pattern().finditer(t):
        cuts.add(m.start())
        if m.end() < len(t):
            cuts.add(m.end())
    cuts.discard(0)
    if not cuts or label_of(t, "fields") or label_of(t, "money"):
        return [t]
    pieces, prev = [], 0
    for c in sorted(cuts):
        pieces.append(t[prev:c])
        prev = c
    pieces.append(t[prev:])
    pieces = [p.strip().strip("：:").strip() for p in pieces if p.strip().strip("：:").strip()]
    if any(len(p) < 3 and not re.fullmatch(r"[\d.,]+", p) for p in pieces):
        return [t]  # a cut that leaves a fragment is a word inside a name, not a label
    return pieces


def build_rows(doc: ExtractedText) -> list[Row]:
    """The document as rows of cells (see the module docstring for the shapes)."""
    convert = is_traditional(doc)
    rows: list[Row] = []
    pipe_row: Optional[Row] = None

    def close_pipe_row() -> None:
        nonlocal pipe_row
        if pipe_row is not None and any(c.text for c in pipe_row.cells):
            rows.append(pipe_row)
        pipe_row = None

    def norm(text: str) -> str:
        text = text.replace("\u3000", " ").replace("\xa0", " ")
        text = _PINYIN.sub("", text)
        return to_simplified(text) if convert else text

    from corpus.shapes_runtogether import recover

    recovered = recover(doc.lines)  # paragraphs whose cells were run together, re-cut
    for index, line in enumerate(doc.lines):
        raw = line.text
        if index in recovered:
            close_pipe_row()
            for pieces, span in recovered[index]:
                rows.append(Row(cells=[Cell(norm(p.text), span, p.row) for p in pieces], tabular=True))
            continue
        if _PROVENANCE.match(raw) or is_chrome(raw):
            continue
        if line.cells is not None and len(line.cells) >= 2:
            texts = [norm(c).strip() for c in line.cells]
            if not any(texts):
                close_pipe_row()  # '||||||' ends a one-cell-per-line row
                continue
            if pipe_row is not None and sum(1 for t in texts if t) <= 1 and raw.rstrip().endswith("|"):
                for t in texts:
                    if t:
                        pipe_row.cells.append(Cell(t, line))
                continue
            close_pipe_row()
            cells = [Cell(t, line, row=len(rows)) for t in texts]
            rows.append(Row(cells=_split_cells(cells), tabular=True))
            continue
        text = norm(raw).strip()
        if not text:
            continue
        if _ONLY_PIPES.match(text):
            if text.count("|") >= 2:
                close_pipe_row()
            elif pipe_row is not None:
                pipe_row.cells.append(Cell("", line))
            continue
        if text.endswith("|"):
            if pipe_row is None:
                pipe_row = Row(tabular=True)
            for part in text.rstrip("|").split("|"):
                pipe_row.cells.extend(_split_cells([Cell(part.strip(), line)]))
            continue
        close_pipe_row()
        spaced = _space_cells(text)
        if spaced:
            rows.append(Row(cells=_split_cells([Cell(p, line, row=len(rows)) for p in spaced]), tabular=True))
        else:
            rows.append(Row(cells=_split_cells([Cell(text, line)])))
    close_pipe_row()
    from corpus.wrapped_labels import join_wrapped_labels

    from corpus.shapes_interleaved import recover_head, recover_interleaved, recover_label_rows
    from corpus.shapes_spaced import place_trailing_values

    rows = recover_label_rows(place_trailing_values(join_wrapped_labels(rows)))
    return recover_interleaved(recover_head(rows))


def _split_cells(cells: list[Cell]) -> list[Cell]:
    out: list[Cell] = []
    for cell in cells:
        for piece in split_run_together(cell.text) if cell.text else [""]:
            out.append(Cell(piece, cell.line, cell.row))
    return out


def flat_cells(rows: list[Row]) -> list[Cell]:
    return [c for r in rows for c in r.cells]
