"""Write a draft `Filing` as a Word document in the target-table layout.

The layout follows the bundled sample (`corpus/synth.py`): title and year paragraphs,
a header/money table, each section as "标题：" plus its paragraphs, the
"YYYY年度绩效目标" caption and the 一级/二级/三级/指标值 table, one block per project.
The result parses back with `corpus.parse.parse_file` into the same projects and rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from corpus.models import Filing, Project


def _money(p: Project) -> list[list[str]]:
    raw = p.budget.raw

    def cell(key: str, value: Optional[float]) -> str:
        text = raw.get(key, "")
        if "【待填" in text:
            return text[text.index("【待填"):]
        if value is None:
            return ""
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"

    b = p.budget
    rows = [
        ["项目总预算（元）", cell("项目总预算", b.total), "项目当年预算（元）", cell("项目当年预算", b.current_year)],
        ["同名项目上年预算额（元）", cell("同名项目上年预算额", b.prior_year_budget),
         "同名项目上年预算执行数（元）", cell("同名项目上年预算执行数", b.prior_year_executed)],
    ]
    if b.sources:
        src = [(f"{'其中：' if i == 0 else ''}{k}（元）", f"{v:,.0f}") for i, (k, v) in enumerate(b.sources.items())]
        rows.append([x for pair in src for x in pair])
    return rows


def _header(p: Project, unit: Optional[str]) -> list[list[str]]:
    h = p.header
    start = p.start_date.isoformat() if p.start_date else h.get("start", "")
    end = p.end_date.isoformat() if p.end_date else h.get("end", "")
    rows = [["申报单位名称", p.unit or unit or ""], ["项目名称", p.name, "项目类别", p.category or ""]]
    if p.department:
        rows.append(["主管部门", p.department, "实施单位", p.implementer or p.unit or ""])
    rows.append(["计划开始日期", start, "计划完成日期", end])
    if h.get("manager"):
        rows.append(["项目负责人", h.get("manager", ""), "联系电话", h.get("phone", "")])
    return rows


def _indicator_rows(p: Project) -> list[list[str]]:
    shanghai = any(r.level1.endswith("目标") for r in p.indicators)
    out = [["一级目标", "二级目标", "三级目标", "指标目标值"] if shanghai else ["一级指标", "二级指标", "三级指标", "指标值"]]
    prev1 = prev2 = None
    for r in p.indicators:
        c1 = "" if r.level1 == prev1 else r.level1
        c2 = "" if (r.level1, r.level2) == prev2 else r.level2
        prev1, prev2 = r.level1, (r.level1, r.level2)
        out.append([c1, c2, r.name, r.raw_value])
    return out


def filing_blocks(filing: Filing) -> list[tuple[str, object]]:
    """('p', text) and ('table', rows) blocks in document order."""
    blocks: list[tuple[str, object]] = []
    for p in filing.projects:
        blocks.append(("p", filing.title or "项目支出绩效目标表"))
        blocks.append(("p", f"（{filing.year}年度）"))
        blocks.append(("table", _header(p, filing.unit) + _money(p)))
        for s in p.sections:
            blocks.append(("p", f"{s.title}："))
            blocks += [("p", line) for line in s.text.split("\n") if line.strip()]
        blocks.append(("p", f"{filing.year}年度绩效目标"))
        blocks.append(("table", _indicator_rows(p)))
    return blocks


def to_docx_bytes(filing: Filing) -> bytes:
    """The Word document as bytes."""
    from corpus.docx_writer import blocks_to_docx

    return blocks_to_docx(filing_blocks(filing))


def write_docx(filing: Filing, path: Path | str) -> Path:
    """Write the draft to `path` (.docx) and return it."""
    path = Path(path)
    path.write_bytes(to_docx_bytes(filing))
    return path
