"""Fictional filings in the real text shapes, for the bundled sample and for scale tests.

A filing is first built as a small model (`FilingDoc`: title, header fields, prose
sections, money lines, indicator rows, and for self-evaluations the score block),
then rendered into one of the shapes real files come in:

- ``pdf_txt``  text as PDF extraction gives it: hard wraps at ~40 characters,
  table labels/names/values one per line, long names wrapped, blank lines;
- ``word_txt`` Word export: each cell on its own line led by a TAB, rows separated by
  a blank line, empty cells as a lone TAB, extra paragraphs of a cell untabbed;
- ``tsv``      one table row per line, cells separated by TABs;
- ``pipe``     web tables flattened with ``|`` between cells;
- ``docx``     a real Word document (python-docx, or a small direct XML writer);
- ``xlsx``     a real Excel workbook (openpyxl, or a small direct XML writer).

`generate(out_dir, n, seed)` writes n such filings deterministically (same seed,
same bytes), cycling through the shapes. `corpus/sample_specs.py` uses the same
renderers for the hand-written sample in `corpus/sample/`.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

SHAPES = ("pdf_txt", "word_txt", "tsv", "pipe", "docx", "xlsx")
EXT = {"pdf": ".pdf", "pdf_txt": ".txt", "word_txt": ".txt", "tsv": ".txt", "pipe": ".txt", "docx": ".docx", "xlsx": ".xlsx"}
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

# --- the model -----------------------------------------------------------------


@dataclass
class Row:
    """One indicator row with canonical categories (see LAYOUTS for how they are written)."""

    l1: str  # 产出 效益 满意度 成本 投入与管理 影响力
    l2: str  # 数量 质量 时效 成本 经济效益 社会效益 生态效益 可持续影响 满意度 经济成本 …
    name: str
    value: str
    actual: str = ""
    weight: Optional[float] = None
    score: Optional[float] = None
    deviation: str = ""
    empty: bool = False


@dataclass
class ProjectDoc:
    unit: str
    name: str
    category: str
    start: str
    end: str
    department: str = ""
    implementer: str = ""
    manager: str = ""
    phone: str = ""
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, paragraphs)
    money: list[list[tuple[str, str]]] = field(default_factory=list)  # lines of (label, amount)
    rows: list[Row] = field(default_factory=list)
    layout: str = "national"  # national | y2021 | shanghai
    label_style: int = 0  # 0: '数量指标'; 1: bare '数量'
    # self-evaluation only
    funds: list[tuple[str, str, str, str]] = field(default_factory=list)  # (label, 年初, 全年, 执行)
    exec_weight: float = 10
    exec_rate: str = ""
    exec_score: float = 0
    goal_target: str = ""
    goal_actual: str = ""
    total_score: float = 0
    grade: str = ""
    problems: str = ""
    improvements: str = ""


@dataclass
class FilingDoc:
    kind: str  # target_table | self_evaluation
    year: int
    title: str
    projects: list[ProjectDoc]


# --- layouts: canonical categories -> labels as written ------------------------

_L1_LABELS = {
    "national": {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标"},
    "y2021": {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标"},
    "shanghai": {"投入与管理": "投入与管理目标", "产出": "产出目标", "效益": "效果目标", "满意度": "效果目标",
                 "影响力": "影响力目标"},
}
_L2_SHANGHAI = {"满意度": "满意度"}


def level_labels(row: Row, layout: str, style: int) -> tuple[str, str]:
    """(一级, 二级) label text for a canonical row in a layout."""
    if layout == "shanghai":
        l1 = _L1_LABELS["shanghai"][row.l1]
        l2 = _L2_SHANGHAI.get(row.l2, row.l2)
        return l1, l2
    l1 = _L1_LABELS[layout][row.l1]
    l2 = row.l2
    if row.l2 == "满意度":
        l2 = "服务对象满意度"
    if style == 0:
        l2 += "指标"
    elif row.l1 == "成本" and layout == "y2021":
        l2 += "指标"  # '经济成本指标' reads oddly without its suffix in the 2021 form
    return l1, l2


def header_row(kind: str, layout: str) -> list[str]:
    if kind == "self_evaluation":
        return ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    if layout == "shanghai":
        return ["一级目标", "二级目标", "三级目标", "指标目标值"]
    return ["一级指标", "二级指标", "三级指标", "指标值"]


def table_cells(p: ProjectDoc, kind: str, fill_down: bool) -> list[list[str]]:
    """Indicator rows as cells; parent labels written once per group when fill_down."""
    out = []
    prev1 = prev2 = None
    for r in p.rows:
        l1, l2 = level_labels(r, p.layout, p.label_style)
        c1 = "" if fill_down and l1 == prev1 else l1
        c2 = "" if fill_down and (l1, l2) == prev2 else l2
        prev1, prev2 = l1, (l1, l2)
        cells = [c1, c2, r.name, r.value]
        if kind == "self_evaluation":
            cells += [r.actual, _num(r.weight), _num(r.score), r.deviation]
        out.append(cells)
    return out


def expected_rows(p: ProjectDoc) -> list[dict]:
    """What a parser should read from the indicator table (for the manifest)."""
    rows = []
    for r in p.rows:
        l1, l2 = level_labels(r, p.layout, p.label_style)
        item = {"level1": l1, "level2": l2, "name": r.name, "raw_value": r.value}
        if r.empty:
            item["empty"] = True
        rows.append(item)
    return rows


def _num(x: Optional[float]) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# --- text helpers ---------------------------------------------------------------


def hard_wrap(text: str, width: int) -> list[str]:
    """Cut text every `width` characters, mid-word and mid-number, as PDF extraction does."""
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _fields_text(pairs: list[tuple[str, str]]) -> str:
    return " ".join(f"{label}： {value}" for label, value in pairs)


def _header_pairs(p: ProjectDoc, kind: str) -> list[list[tuple[str, str]]]:
    rows = [[("申报单位名称", p.unit)]] if kind == "target_table" else []
    if kind == "target_table":
        rows.append([("项目名称", p.name), ("项目类别", p.category)])
        if p.department:
            rows.append([("主管部门", p.department), ("实施单位", p.implementer or p.unit)])
        rows.append([("计划开始日期", p.start), ("计划完成日期", p.end)])
        if p.manager:
            rows.append([("项目负责人", p.manager), ("联系电话", p.phone)])
    return rows


# --- text shapes: target tables ------------------------------------------------


def render_pdf_txt(doc: FilingDoc, rng: random.Random, width: int = 40) -> str:
    """PDF-extracted text of a target table (one or more projects)."""
    out: list[str] = []
    for p in doc.projects:
        out += [" " + doc.title if out else doc.title, f"（{doc.year}年度）", ""]
        for pairs in _header_pairs(p, doc.kind):
            out += [_fields_text(pairs), ""]
        for heading, paras in p.sections:
            out.append(f"{heading}：")
            if heading not in ("项目实施计划",):
                out.append("")
            body = " ".join(paras) if heading == "立项依据" else None
            if body is not None:
                out += _wrap_splitting_doc_number(body, width)
            else:
                for para in paras:
                    out += hard_wrap(para, width) if heading != "项目实施计划" else [para]
            out.append("")
        if p.money:
            out.append("本项目资金情况")
            for pairs in p.money:
                out += [_fields_text([(f"{label}（元）", amount) for label, amount in pairs]), ""]
        out.append(f" {doc.year}年绩效目标")
        out.append(" ".join(header_row(doc.kind, p.layout)))
        out += _pdf_indicator_lines(p, rng)
    return "\n".join(out) + "\n"


_SPLIT_DOC_NUMBER = re.compile(r"[〔【\[（(]\d{2,4}$")


def _wrap_splitting_doc_number(text: str, width: int) -> list[str]:
    """Hard-wrap at a width near `width` that cuts a document number at its bracket
    (`…【2019` / `】367号`), as real PDF extraction often does; plain wrap if none does."""
    for w in sorted(range(width - 4, width + 5), key=lambda x: (abs(x - width), x)):
        lines = hard_wrap(text, w)
        if any(_SPLIT_DOC_NUMBER.search(line) for line in lines[:-1]):
            return lines
    return hard_wrap(text, width)


def _is_value(text: str) -> bool:
    from corpus.normalize import looks_like_value

    return looks_like_value(text)


def _pdf_indicator_lines(p: ProjectDoc, rng: random.Random) -> list[str]:
    """Labels on their own lines, names wrapped at ~20 characters, values after them."""
    lines: list[str] = []
    prev1 = prev2 = None
    force_label = False
    for k, r in enumerate(p.rows):
        l1, l2 = level_labels(r, p.layout, p.label_style)
        prefix = []
        if l1 != prev1:
            lines.append(l1)
            if rng.random() < 0.4:
                lines.append("")
        if (l1, l2) != prev2 or force_label:
            if rng.random() < 0.5 or force_label:
                prefix.append(l2)  # '时效 名称 值' on one line
            else:
                lines.append(l2)
        prev1, prev2 = l1, (l1, l2)
        qualitative = not _is_value(r.value)
        parts = _wrap_name(r.name, 19)
        if len(parts) == 1 and (qualitative or rng.random() < 0.7):
            lines.append(" ".join(prefix + [parts[0], r.value]))
        else:
            lines.append(" ".join(prefix + [parts[0]]))
            for part in parts[1:]:
                if rng.random() < 0.25:
                    lines.append("")
                lines.append(part)
            if qualitative:
                lines[-1] += " " + r.value
            else:
                lines.append(r.value)
        # a short qualitative value is read as a value only when a label follows it
        force_label = qualitative
        if rng.random() < 0.3:
            lines.append("")
    return lines


def _wrap_name(name: str, width: int) -> list[str]:
    """Wrap a long name so no continuation starts with a digit or comparator."""
    parts = []
    rest = name
    while len(rest) > width:
        cut = width
        while cut > 4 and (rest[cut].isdigit() or rest[cut] in "=<>≥≤%％"):
            cut -= 1
        parts.append(rest[:cut])
        rest = rest[cut:]
    parts.append(rest)
    return parts


def _grid(doc: FilingDoc, p: ProjectDoc, fill_down: bool) -> list[tuple[str, object]]:
    """The filing as a sequence of ('title', text) / ('row', cells) / ('para', text) blocks.

    Cell shapes share this order: title, header rows, money rows, section rows
    ([heading, text] — the form's merged prose cells), indicator header and rows.
    """
    blocks: list[tuple[str, object]] = [("title", doc.title), ("title", f"（{doc.year}年度）")]
    if doc.kind == "self_evaluation":
        return blocks + _self_eval_grid(p, fill_down)
    for pairs in _header_pairs(p, doc.kind):
        blocks.append(("row", [x for pair in pairs for x in pair]))
    for pairs in p.money:
        blocks.append(("row", [x for label, amount in pairs for x in (f"{label}（元）", amount)]))
    for heading, paras in p.sections:
        blocks.append(("section", (heading, paras)))
    blocks.append(("caption", f"{doc.year}年度绩效目标"))
    blocks.append(("row", header_row(doc.kind, p.layout)))
    for cells in table_cells(p, doc.kind, fill_down):
        blocks.append(("row", cells))
    return blocks


def _self_eval_grid(p: ProjectDoc, fill_down: bool) -> list[tuple[str, object]]:
    b: list[tuple[str, object]] = []
    b.append(("row", ["项目名称", p.name]))
    b.append(("row", ["主管部门", p.department, "实施单位", p.implementer]))
    b.append(("row", ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]))
    for k, (label, a, bb, c) in enumerate(p.funds):
        if k == 0:
            b.append(("row", [label, a, bb, c, _num(p.exec_weight), p.exec_rate, _num(p.exec_score)]))
        else:
            b.append(("row", [label, a, bb, c, "—", "—", "—"]))
    b.append(("row", ["年度总体目标", "预期目标", "实际完成情况"]))
    b.append(("row", ["", p.goal_target, p.goal_actual]))
    b.append(("row", header_row("self_evaluation", p.layout)))
    for cells in table_cells(p, "self_evaluation", fill_down):
        b.append(("row", cells))
    b.append(("row", ["总分", "100", _num(p.total_score)]))
    b.append(("row", ["评价等次", p.grade]))
    b.append(("section_para", ("存在的问题", [p.problems])))
    b.append(("section_para", ("改进措施", [p.improvements])))
    return b


def render_word_txt(doc: FilingDoc, rng: random.Random) -> str:
    """Word export: tab-led cells, a blank line after each row, untabbed extra paragraphs."""
    out: list[str] = []
    for p in doc.projects:
        for kind, item in _grid(doc, p, fill_down=True):
            if kind == "caption":
                continue  # between two rows it would read as the previous cell's extra paragraph
            if kind == "title":
                out += [item, ""]
            elif kind == "row":
                for cell in item:
                    first, *more = cell.split("\n") if cell else [""]
                    out.append("\t" + first)
                    out += more
                out.append("")
            elif kind == "section":
                heading, paras = item
                out.append("\t" + heading)
                out.append("\t" + paras[0])
                out += paras[1:]
                out.append("")
            elif kind == "section_para":
                heading, paras = item
                out += [f"{heading}：", *paras, ""]
    return "\n".join(out) + "\n"


def render_tsv(doc: FilingDoc, rng: random.Random) -> str:
    """Tab-separated rows; prose sections as a heading line and plain paragraph lines."""
    out: list[str] = []
    for p in doc.projects:
        for kind, item in _grid(doc, p, fill_down=rng.random() < 0.5):
            if kind in ("title", "caption"):
                out.append(item)
            elif kind == "row":
                out.append("\t".join(c.replace("\n", " ") for c in item))
            else:
                heading, paras = item
                out.append(f"{heading}：")
                out += paras
        out.append("")
    return "\n".join(out) + "\n"


def render_pipe(doc: FilingDoc, rng: random.Random) -> str:
    """Web tables flattened with '|'; a markdown-style separator under table headers."""
    out: list[str] = []
    for p in doc.projects:
        for kind, item in _grid(doc, p, fill_down=rng.random() < 0.5):
            if kind in ("title", "caption"):
                out += [item, ""]
            elif kind == "row":
                out.append("| " + " | ".join(c.replace("\n", " ") for c in item) + " |")
                if item and item[0] in ("一级指标", "一级目标"):
                    out.append("|" + "---|" * len(item))
            elif kind == "section":
                heading, paras = item
                out.append(f"| {heading} | {' '.join(paras)} |")
            else:
                heading, paras = item
                out += ["", f"{heading}：", *paras]
        out.append("")
    return "\n".join(out) + "\n"


# --- docx ----------------------------------------------------------------------


def _docx_blocks(doc: FilingDoc, fill_down: bool) -> list[tuple[str, object]]:
    """Paragraphs and tables: prose sections become paragraphs, consecutive rows one table."""
    blocks: list[tuple[str, object]] = []
    for p in doc.projects:
        table: list[list[str]] = []
        for kind, item in _grid(doc, p, fill_down):
            if kind == "row":
                table.append(list(item))
                continue
            if table:
                blocks.append(("table", table))
                table = []
            if kind in ("title", "caption"):
                blocks.append(("p", item))
            else:
                heading, paras = item
                blocks.append(("p", f"{heading}："))
                blocks += [("p", para) for para in paras]
        if table:
            blocks.append(("table", table))
    return blocks


def render_docx(doc: FilingDoc, rng: random.Random, fast: bool = True) -> bytes:
    blocks = _docx_blocks(doc, fill_down=rng.random() < 0.6)
    return _docx_fast(blocks) if fast else _docx_python_docx(blocks)


def _docx_python_docx(blocks: list) -> bytes:
    from corpus.docx_writer import blocks_to_docx

    return normalize_zip(blocks_to_docx(blocks))


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _w_p(text: str) -> str:
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\n"))
    return f"<w:p><w:r>{runs}</w:r></w:p>" if text else "<w:p/>"


def _docx_fast(blocks: list) -> bytes:
    body = []
    for kind, item in blocks:
        if kind == "p":
            body.append(_w_p(item))
            continue
        ncols = max(len(r) for r in item)
        grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(ncols))
        rows = []
        for cells in item:
            tcs = []
            for c, text in enumerate(cells):
                span = ncols - len(cells) + 1 if c == len(cells) - 1 and len(cells) < ncols else 1
                pr = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
                paras = "".join(_w_p(t) for t in text.split("\n")) if text else "<w:p/>"
                tcs.append(f"<w:tc>{pr}{paras}</w:tc>")
            rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
        body.append(f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W}><w:body>'
        + "".join(body)
        + "<w:sectPr/></w:body></w:document>"
    )
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": document,
    }
    return _zip(files)


# --- xlsx ----------------------------------------------------------------------


def _xlsx_rows(doc: FilingDoc, fill_down: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    for p in doc.projects:
        for kind, item in _grid(doc, p, fill_down):
            if kind in ("title", "caption"):
                rows.append([item])
            elif kind == "row":
                rows.append(list(item))
            else:
                heading, paras = item
                rows.append([heading, "\n".join(paras)])
        rows.append([])
    return rows


def render_xlsx(doc: FilingDoc, rng: random.Random, fast: bool = True) -> bytes:
    rows = _xlsx_rows(doc, fill_down=rng.random() < 0.5)
    return _xlsx_fast(rows) if fast else _xlsx_openpyxl(rows, doc)


def _xlsx_openpyxl(rows: list[list[str]], doc: FilingDoc) -> bytes:
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标表" if doc.kind == "target_table" else "自评表"
    for r, cells in enumerate(rows, start=1):
        for c, text in enumerate(cells, start=1):
            value = _xlsx_value(text)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # '=100%' is a typed target, not a formula
    ws.column_dimensions["C"].width = 40
    stamp = datetime.datetime(2024, 1, 1)
    wb.properties.creator = "jixiao"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue())


def _xlsx_value(text: str):
    """Plain amounts as numbers (as a finance clerk's sheet has them); everything else text."""
    if re.fullmatch(r"\d{1,12}", text) and not text.startswith("0"):
        return int(text)
    return text or None


def _col(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _xlsx_fast(rows: list[list[str]]) -> bytes:
    xml_rows = []
    for r, cells in enumerate(rows, start=1):
        cs = []
        for c, text in enumerate(cells):
            if not text:
                continue
            ref = f"{_col(c)}{r}"
            if re.fullmatch(r"\d{1,12}", text) and not text.startswith("0"):
                cs.append(f'<c r="{ref}"><v>{text}</v></c>')
            else:
                cs.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cs)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    files = {
        "[Content_Types].xml": head + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": head + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": head + (
            f'<workbook {ns} xmlns:r="{rel}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": head + (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": head + f'<worksheet {ns}><sheetData>{"".join(xml_rows)}</sheetData></worksheet>',
    }
    return _zip(files)


# --- zips ----------------------------------------------------------------------


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_ZIP_TIME), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def normalize_zip(data: bytes) -> bytes:
    """Rewrite an Office zip with fixed timestamps so the same content gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", blob)
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), blob, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --- pdf (sample only; needs reportlab, a dev/test dependency) ---------------------


def render_pdf(doc: FilingDoc, rng: random.Random) -> bytes:
    """A real PDF of the PDF-text rendering, in reportlab's built-in CID font STSong-Light.

    `invariant=1` keeps the bytes the same from run to run. Not used by `generate`.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 800
    for line in render_pdf_txt(doc, rng).split("\n"):
        if y < 60:
            c.showPage()
            y = 800
        c.setFont("STSong-Light", 10.5)
        c.drawString(50, y, line)
        y -= 16
    c.save()
    return buf.getvalue()


# --- rendering entry point ---------------------------------------------------------


def render(doc: FilingDoc, shape: str, rng: random.Random, encoding: str = "utf-8", fast: bool = True) -> bytes:
    """The file bytes of `doc` in `shape` ('utf-8', 'utf-8-sig' or 'gb18030' for text shapes)."""
    if shape == "pdf":
        return render_pdf(doc, rng)
    if shape == "docx":
        return render_docx(doc, rng, fast=fast)
    if shape == "xlsx":
        return render_xlsx(doc, rng, fast=fast)
    text = {"pdf_txt": render_pdf_txt, "word_txt": render_word_txt, "tsv": render_tsv, "pipe": render_pipe}[shape](
        doc, rng
    )
    return text.encode(encoding)


# --- the generator ----------------------------------------------------------------


def synth_filing(i: int, seed: int = 0) -> tuple[str, str, FilingDoc, random.Random]:
    """(file name, encoding, model, rng for rendering) of the i-th generated filing."""
    from corpus import sample_specs as specs

    rng = random.Random(f"jixiao-synth:{seed}:{i}")
    shape = SHAPES[i % len(SHAPES)]
    doc = specs.random_filing(rng, i, shape)
    encoding = "utf-8"
    if shape in ("word_txt", "pdf_txt") and i % 12 == 1:
        encoding = "gb18030"
    elif shape == "tsv" and i % 12 == 2:
        encoding = "utf-8-sig"
    kind = "zp" if doc.kind == "self_evaluation" else "mb"
    return f"{i:06d}_{kind}_{shape}{EXT[shape]}", encoding, doc, rng


def generate(out_dir, n: int, seed: int = 0) -> int:
    """Write n fictional filings into out_dir; same seed → byte-identical files. Returns n."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        name, encoding, doc, rng = synth_filing(i, seed)
        shape = SHAPES[i % len(SHAPES)]
        (out / name).write_bytes(render(doc, shape, rng, encoding=encoding, fast=True))
    return n
