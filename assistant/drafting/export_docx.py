"""Write a draft `Filing` as a Word document in the target-table or self-evaluation layout.

The layout follows the bundled sample (`corpus/synth.py`): title and year paragraphs,
a header/money table, each section as "标题：" plus its paragraphs, the
"YYYY年度绩效目标" caption and the 一级/二级/三级/指标值 table, one block per project.
A self-evaluation is written in the 项目支出绩效自评表 layout instead (`self_evaluation_blocks`).
The result parses back with `corpus.parse.parse_file` into the same projects and rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional

from assistant.drafting.models import placeholder
from assistant.drafting.text import money, number
from corpus.models import Filing, Indicator, Project


def _money_rows(p: Project) -> list[list[str]]:
    raw = p.budget.raw

    def cell(key: str, value: Optional[float]) -> str:
        text = raw.get(key, "")
        if "【待填" in text:
            return text[text.index("【待填"):]
        return money(value)

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


def _levels(rows: list[Indicator]) -> Iterator[tuple[str, str, Indicator]]:
    """(一级, 二级, row) with a level left blank where it repeats the row above, as merged cells read."""
    prev1 = prev2 = None
    for r in rows:
        c1 = "" if r.level1 == prev1 else r.level1
        c2 = "" if (r.level1, r.level2) == prev2 else r.level2
        prev1, prev2 = r.level1, (r.level1, r.level2)
        yield c1, c2, r


def _indicator_rows(p: Project) -> list[list[str]]:
    shanghai = any(r.level1.endswith("目标") for r in p.indicators)
    out = [["一级目标", "二级目标", "三级目标", "指标目标值"] if shanghai else ["一级指标", "二级指标", "三级指标", "指标值"]]
    out += [[c1, c2, r.name, r.raw_value] for c1, c2, r in _levels(p.indicators)]
    return out


def _yuan(x: Optional[float]) -> str:
    return "" if x is None else f"{x:.2f}"


def _self_eval_rows(p: Project) -> list[list[str]]:
    out = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]]
    for c1, c2, r in _levels(p.indicators):
        deviation = getattr(r, "deviation", None) or ""
        out.append([c1, c2, r.name, r.raw_value, r.actual or "", number(r.weight), number(r.score), deviation])
    return out


def self_evaluation_blocks(filing: Filing) -> list[tuple[str, object]]:
    """The per-project 绩效自评表 layout (as the bundled samples and `corpus.parsers.self_evaluation` read it):
    项目资金 block in 元 with 分值/执行率/得分, 年度总体目标, the 8-column targets-vs-results table,
    总分 and 评价等次, then 存在的主要问题 and 改进措施和有关建议 as headed paragraphs."""
    ev = filing.evaluation
    blocks: list[tuple[str, object]] = []
    for p in filing.projects:
        b = p.budget
        executed = getattr(b, "executed", None)
        initial = getattr(b, "initial", None)
        execution = (getattr(ev, "budget_execution", None) or {}) if ev else {}
        rate = execution.get("rate_percent")
        table: list[list[str]] = [
            ["项目名称", p.name],
            ["主管部门", p.department or "", "实施单位", p.implementer or p.unit or filing.unit or ""],
            ["项目资金（元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["年度资金总额", _yuan(initial), _yuan(b.current_year),
             _yuan(executed) if executed is not None else placeholder("全年执行数"),
             number(execution.get("weight")), f"{rate:.1f}%" if rate is not None else "", number(execution.get("score"))],
        ]
        for label, key in (("其中：当年财政拨款", "财政拨款"), ("上年结转资金", "上年结转"), ("其他资金", "其他资金")):
            table.append([label, "", _yuan(b.sources.get(key)), "", "—", "—", "—"])  # only what the filing states
        goals = ev.qualitative_goals if ev else []
        table.append(["年度总体目标", "预期目标", "实际完成情况"])
        for g in goals or [None]:
            table.append(["", g.target if g else "", (g.actual or "") if g else ""])
        table += _self_eval_rows(p)
        score = ev.score if ev else None
        table.append(["总分", "100", number(score) if score is not None else placeholder("总分")])
        table.append(["评价等次", (ev.grade if ev and ev.grade else placeholder("评价等次"))])
        blocks.append(("p", filing.title or "项目支出绩效自评表"))
        blocks.append(("p", f"（{filing.year}年度）"))
        blocks.append(("table", table))
        for sec in (ev.sections if ev else []):
            blocks.append(("p", sec.title))
            blocks += [("p", line) for line in sec.text.split("\n") if line.strip()]
    return blocks


def filing_blocks(filing: Filing) -> list[tuple[str, object]]:
    """('p', text) and ('table', rows) blocks in document order."""
    if filing.kind == "self_evaluation":
        return self_evaluation_blocks(filing)
    blocks: list[tuple[str, object]] = []
    for p in filing.projects:
        blocks.append(("p", filing.title or "项目支出绩效目标表"))
        blocks.append(("p", f"（{filing.year}年度）"))
        blocks.append(("table", _header(p, filing.unit) + _money_rows(p)))
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
