"""The 起草 tab's 自评 mode: a project's 绩效自评表 drafted from its target table and the actuals
the writer types into the indicator table (or uploads as the filled template), with weights, scores,
total and grade recomputed after every edit and the writer's own wording kept across recomputes.

The scoring, the deviation texts and the 存在的主要问题 / 改进措施和有关建议 sections are
`assistant.drafting.self_evaluation`'s; this module only turns the app's inputs into its inputs
(`SelfEvalRequest`), its `Draft` into a form (`SelfEvalForm`) and the table back into actuals.

Example:
    >>> session = start_selfeval(home, SelfEvalRequest(project="在建工程质量安全监督抽查", year=2024))
    >>> table = selfeval_table(selfeval_form(session.draft).rows)
    >>> table[1][ACTUAL_COLUMN] = "190个"          # 监督抽查在建工程项目数, target ≥210个
    >>> session = recompute_selfeval(home, session, table, executed="650000")
    >>> form = selfeval_form(session.draft)
    >>> form.rows[1].score, form.rows[1].deviation[:28]         # 6.25 × 190/210; the reason follows a precedent
    (5.65, '年度指标值≥210个，实际完成190个，完成90.5%，')
    >>> path = export_docx(home, session.draft)  # <home>/exports/…_2024年度_自评_….docx
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, Field, field_validator

from assistant.app_draft import (
    DraftInputError, DraftSession, SectionField, app_message, check_draft, export_path, make_draft, parse_request,
    plain_text, register_mode, safe_stem,
)
from assistant.checks.model import Finding
from assistant.drafting.models import Draft

log = logging.getLogger(__name__)

SELFEVAL_COLUMNS = ("序号", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值（填写）", "分值", "得分",
                    "偏差原因分析及改进措施（可改）", "偏差原因的来源（先例）", "检查结果")
ACTUAL_COLUMN, DEVIATION_COLUMN = 5, 8
ACTUALS_SUFFIXES = (".csv", ".tsv", ".txt", ".json")
MAX_ACTUALS_BYTES = 1_000_000
_MONEY = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:亿元|万元|万|元)?")


# --- the request ------------------------------------------------------------------------------


def _money_field(value: object, what: str) -> Optional[float]:
    """'148万元', '1,480,000', 1480000 → yuan; '' → None; anything else → ValueError in Chinese."""
    from corpus.normalize import parse_money

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        amount: Optional[float] = float(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace("，", ",").replace(" ", "")
        amount = parse_money(text, default_unit="元") if _MONEY.fullmatch(text) else None
    if amount is None or amount < 0 or amount != amount:
        raise ValueError(f"{what}「{value}」不是金额。请写成 1480000、1,480,000 或 148万元")
    return amount


class SelfEvalRequest(BaseModel):
    """Draft the 绩效自评表 of one project: the target table to report on and what the writer reports."""

    mode: Literal["self_evaluation"] = "self_evaluation"
    project: str = ""
    unit: str = ""
    year: Optional[int] = None
    from_id: str = ""
    actuals: dict[str, str] = Field(default_factory=dict, description="三级指标名称 → 实际完成值")
    deviations: dict[str, str] = Field(default_factory=dict, description="三级指标名称 → 填报人自己写的偏差原因")
    executed: Optional[float] = Field(None, description="全年执行数（元）")
    budget: Optional[float] = Field(None, description="全年预算数（调整后，元）；默认取目标表的当年预算")
    actuals_file: Optional[str] = Field(None, description="填好的模板（CSV/TSV/JSON）；表中填写的值优先")

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v: object) -> Optional[int]:
        if v is None or (isinstance(v, str) and not v.strip()) or v == 0:
            return None  # the latest target table
        text = str(v).strip().removesuffix("年").removesuffix(".0")
        if not text.isdigit() or not 2000 <= int(text) <= 2100:
            raise ValueError("自评年度请填 2000–2100 之间的四位年份，如 2024；留空则取最近一年的目标表")
        return int(text)

    @field_validator("executed", mode="before")
    @classmethod
    def _executed(cls, v: object) -> Optional[float]:
        return _money_field(v, "全年执行数")

    @field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, v: object) -> Optional[float]:
        amount = _money_field(v, "全年预算数")
        if amount == 0:
            raise ValueError("全年预算数应大于 0；留空则取目标表的当年预算")
        return amount


def read_actuals_file(path: Path | str):
    """The `ActualsInput` of an uploaded CSV/TSV/JSON; raises DraftInputError naming the file (not
    the folder it was uploaded to) and the line at fault."""
    from assistant.drafting.self_evaluation import ActualsError, load_actuals

    path = Path(path)
    if path.suffix.lower() not in ACTUALS_SUFFIXES:
        raise DraftInputError(f"「{path.name}」不是 CSV、TSV 或 JSON 文件。请上传“下载填报模板”得到的 CSV"
                              "（用 Excel 填写后另存为 CSV），或 JSON 文件")
    try:
        size = path.stat().st_size
    except OSError:
        raise DraftInputError(f"无法读取上传的文件「{path.name}」，请重新上传") from None
    if size > MAX_ACTUALS_BYTES:
        raise DraftInputError(f"「{path.name}」有 {size / 1e6:.1f} MB，实际完成值文件不应超过 1 MB。请上传填报模板")
    try:
        return load_actuals(path)
    except ActualsError as exc:
        raise DraftInputError(str(exc).replace(str(path), path.name)) from None


def build_self_evaluation(home: Path, req: SelfEvalRequest) -> Draft:
    """The self-evaluation draft of `req` (uploaded file first, then the values typed in the table)."""
    from assistant.drafting.self_evaluation import ActualsInput, self_evaluation
    from corpus.store import CorpusStore

    if not req.project.strip() and not req.from_id.strip():
        raise DraftInputError("请输入要自评的项目名称（可写一部分），或目标表的文件编号")
    given = read_actuals_file(req.actuals_file) if req.actuals_file else ActualsInput()
    given.actuals.update(req.actuals)
    given.deviations.update(req.deviations)
    if req.executed is not None:
        given.executed = req.executed
    if req.budget is not None:
        given.budget = req.budget
    with CorpusStore(home) as store:
        return self_evaluation(store, project=req.project.strip() or None, unit=req.unit.strip() or None,
                               year=req.year, from_id=req.from_id.strip() or None, actuals=given)


register_mode("self_evaluation", "自评", SelfEvalRequest, build_self_evaluation)


# --- the form ---------------------------------------------------------------------------------


class SelfEvalRow(BaseModel):
    """One indicator row of the 自评表 as the tab shows it (`key`: its 1-based place in the draft)."""

    key: int
    level1: str = ""
    level2: str = ""
    name: str = ""
    target: str = ""
    actual: str = ""  # "" while still to fill
    weight: Optional[float] = None
    score: Optional[float] = None
    deviation: str = ""
    sources: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)


class SelfEvalForm(BaseModel):
    """A self-evaluation draft laid out for the tab: rows, the two editable sections, totals."""

    name: str
    unit: str = ""
    year: Optional[int] = None
    source_id: str = ""
    rows: list[SelfEvalRow]
    sections: list[SectionField]
    score: Optional[float] = None
    grade: Optional[str] = None
    scored: float = 0.0
    unscored: list[str] = Field(default_factory=list, description="scored rows (and 预算执行率) still without a score")
    weights: str = ""
    budget: Optional[float] = None
    budget_given: Optional[float] = Field(None, description="全年预算数 when the writer gave one other than the target's")
    executed: Optional[float] = None
    rate_percent: Optional[float] = None
    budget_score: Optional[float] = None
    budget_weight: Optional[float] = None
    other_findings: list[Finding] = Field(default_factory=list)
    carried: list[tuple[str, str, str]] = Field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Findings of the draft by severity."""
        every = self.other_findings + [f for s in self.sections for f in s.findings]
        every += [f for r in self.rows for f in r.findings]
        seen = {id(f): f for f in every}.values()
        return {s: sum(f.severity == s for f in seen) for s in ("error", "warn", "info")}

    def summary(self) -> list[str]:
        """Plain-text lines: total and grade (or what is missing), budget execution, how weights were set."""
        lines = []
        if self.score is not None:
            lines.append(f"总分 {num(self.score)} 分（满分 100），评价等次：{self.grade}")
        else:
            missing = "、".join(_clip(m, 16) for m in self.unscored[:4]) + ("等" if len(self.unscored) > 4 else "")
            lines.append(f"总分和评价等次：待补齐后计算。还有 {len(self.unscored)} 项未计分（{missing}），"
                         f"已计分部分合计 {num(self.scored)} 分")
        if self.budget_score is not None:
            lines.append(f"预算执行：全年预算数 {money(self.budget)} 元，全年执行数 {money(self.executed)} 元，"
                         f"执行率 {self.rate_percent:.1f}%，得分 {num(self.budget_score)}（满分 {num(self.budget_weight)}）")
        elif self.executed is None:
            lines.append(f"预算执行率（{num(self.budget_weight)} 分）未计分：请在“全年执行数”中填写金额后重新计算")
        else:
            lines.append("预算执行率未计分：目标表没有项目当年预算，请在“全年预算数”中填写后重新计算")
        if self.weights:
            lines.append(f"分值：{self.weights}（各一级指标的分值平均分到其下的三级指标，计算过程见“改动与待复核清单”）")
        return lines


def num(x: Optional[float]) -> str:
    """99.34 → '99.34', 10.0 → '10', None → ''."""
    if x is None:
        return ""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def money(x: Optional[float]) -> str:
    """1480000 → '1,480,000'."""
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _clip(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[:n] + "…"


def _todo(text: Optional[str]) -> bool:
    return (text or "").strip().startswith("【待填")


def _section_precedents(section) -> list[str]:
    """'「（2）部分检测报告出具时间偏长…」出自 2022年 · 某站 · 某项目（文件 …）' per drafted paragraph."""
    out = []
    for item in getattr(section, "sources", None) or []:
        sources = [s for s in item.get("sources") or [] if s]
        if sources:
            out.append(f"「{_clip(item.get('text', ''), 24)}」出自 {'；'.join(sources)}")
    return out


def selfeval_form(draft: Draft, findings: Optional[list[Finding]] = None) -> SelfEvalForm:
    """The draft laid out as rows and sections, each with its sources and the findings located on it
    (`findings` default: a fresh `check_draft`)."""
    from assistant.drafting.checking import finding_key

    if draft.mode != "self_evaluation" or not draft.filing.projects or draft.filing.evaluation is None:
        raise DraftInputError("这不是自评表草稿")
    p = draft.filing.projects[0]
    ev = draft.filing.evaluation
    findings = check_draft(draft) if findings is None else findings
    rows = []
    for i, r in enumerate(p.indicators):
        deviation = getattr(r, "deviation", None) or ""
        sources = list(getattr(r, "deviation_sources", None) or [])
        if not sources and "【待填" in deviation:
            sources = ["语料库中没有相近指标的偏差说明，请填写"]
        rows.append(SelfEvalRow(key=i + 1, level1=r.level1, level2=r.level2, name=r.name, target=r.raw_value,
                                actual="" if _todo(r.actual) else (r.actual or ""), weight=r.weight, score=r.score,
                                deviation=deviation, sources=sources))
    sections = [SectionField(kind=s.kind, title=s.title, text=s.text, precedents=_section_precedents(s))
                for s in ev.sections]
    other: list[Finding] = []
    for f in findings:
        if f.location.startswith("指标 ") and f.span:
            hit = [r for r in rows if f.span.line_start <= r.key <= f.span.line_end]
            for r in hit:
                r.findings.append(f)
            if hit:
                continue
        where = re.sub(r"^项目「.+?」", "", f.location or "")
        section = next((s for s in sections if where.startswith((f"栏目 {s.title}", s.title))), None)
        (section.findings if section else other).append(f)
    execution = getattr(ev, "budget_execution", None) or {}
    unscored = [r.name for r in rows if r.weight is not None and r.score is None]
    if execution.get("score") is None:
        unscored.append("预算执行率")
    weights = next((c.new for c in draft.changes if c.field == "分值" and c.new), "")
    return SelfEvalForm(
        name=p.name, unit=p.unit or draft.filing.unit or "", year=draft.filing.year,
        source_id=draft.source_filing_id or "", rows=rows, sections=sections, score=ev.score, grade=ev.grade,
        scored=round(sum(r.score or 0 for r in rows) + (execution.get("score") or 0), 2), unscored=unscored,
        weights=weights, budget=p.budget.current_year, executed=getattr(p.budget, "executed", None),
        budget_given=None if p.budget.current_year == getattr(p.budget, "initial", None) else p.budget.current_year,
        rate_percent=execution.get("rate_percent"), budget_score=execution.get("score"),
        budget_weight=execution.get("weight"), other_findings=other,
        carried=[finding_key(f) for f in draft.carried_findings])


# --- the table as the widget holds it -----------------------------------------------------------


def selfeval_table(rows: list[SelfEvalRow]) -> list[list[str]]:
    """The rows as `SELFEVAL_COLUMNS` cells."""
    from assistant.app_draft import finding_brief

    return [[str(r.key), r.level1, r.level2, r.name, r.target, r.actual, num(r.weight), num(r.score), r.deviation,
             "；".join(r.sources), "；".join(finding_brief(f) for f in r.findings)] for r in rows]


class SelfEvalEdits(BaseModel):
    """What the writer left in the table's two editable columns, by row key."""

    actuals: dict[int, str] = Field(default_factory=dict)
    deviations: dict[int, str] = Field(default_factory=dict)
    ignored: int = 0  # rows the writer added: a 自评表 reports on the target table's rows only


def edits_from_table(table: Optional[list[list]]) -> SelfEvalEdits:
    """The 实际完成值 and 偏差原因 cells by 序号 (other columns are not read)."""
    out = SelfEvalEdits()
    for cells in table or []:
        cells = ["" if c is None else str(c) for c in list(cells) + [""] * len(SELFEVAL_COLUMNS)]
        key = cells[0].strip()
        actual = plain_text(cells[ACTUAL_COLUMN]).strip()
        deviation = plain_text(cells[DEVIATION_COLUMN]).replace("\r\n", "\n").strip()
        if not re.fullmatch(r"\d+(?:\.0)?", key):
            out.ignored += any(c.strip() for c in cells)
            continue
        out.actuals[int(float(key))] = actual
        out.deviations[int(float(key))] = deviation
    return out


# --- sessions: start, recompute, keep the writer's words -----------------------------------------


class SelfEvalSession(DraftSession):
    """The 自评 draft as last recomputed, the request it came from, and what the drafter wrote
    (section texts and deviations by row) so the writer's own wording can be told apart."""

    request: SelfEvalRequest
    drafted: dict[str, str] = Field(default_factory=dict)


def _drafted(draft: Draft) -> dict[str, str]:
    out = {f"sec:{s.kind}": s.text for s in draft.filing.evaluation.sections}
    for i, r in enumerate(draft.filing.projects[0].indicators):
        out[f"dev:{i + 1}"] = getattr(r, "deviation", None) or ""
    return out


def start_selfeval(home: Path, request: SelfEvalRequest) -> SelfEvalSession:
    """A new 自评 session. Raises DraftInputError, DraftError or CorpusError."""
    draft = make_draft(home, request)
    return SelfEvalSession(draft=draft, request=request.model_copy(update={"actuals_file": None}),
                           drafted=_drafted(draft))


def apply_section_texts(draft: Draft, texts: list[str]) -> Draft:
    """A copy with the evaluation sections (存在的主要问题, 改进措施和有关建议) set to `texts` by
    position; the paragraph lists the Word export and the checker read follow."""
    new = draft.model_copy(deep=True)
    ev = new.filing.evaluation
    for s, text in zip(ev.sections, texts):
        text = plain_text(text).replace("\r\n", "\n").replace("\r", "\n").strip()
        if text == s.text:
            continue
        s.text = text
        paragraphs = [x.strip() for x in text.split("\n") if x.strip()]
        if s.kind == "problems":
            ev.problems = paragraphs
        elif s.kind == "improvements":
            ev.improvements = paragraphs
    return new


def recompute_selfeval(home: Path, session: SelfEvalSession, table: Optional[list[list]],
                       section_texts: Optional[list[str]] = None, executed: object = None,
                       budget: object = None) -> SelfEvalSession:
    """Redraft from the table's actuals and the amounts given: scores, total, grade, deviations and
    sections follow the new actuals, except where the writer wrote their own deviation or section
    text, which is kept. Raises DraftInputError (bad amount, empty table…), DraftError."""
    old = session.draft
    rows = old.filing.projects[0].indicators
    edits = edits_from_table(table)
    if not any(1 <= k <= len(rows) for k in edits.actuals):
        raise DraftInputError("指标表是空的：请先生成自评草稿，再在“实际完成值”一列填写")
    actuals, deviations = {}, {}
    for key, value in edits.actuals.items():
        if 1 <= key <= len(rows) and value and not _todo(value):
            actuals[rows[key - 1].name] = value
    for key, text in edits.deviations.items():
        if not 1 <= key <= len(rows) or not text or _todo(text):
            continue
        name = rows[key - 1].name
        if text != session.drafted.get(f"dev:{key}", "").strip() or session.request.deviations.get(name) == text:
            deviations[name] = text  # the writer's words, which the drafter keeps instead of a precedent
    request = parse_request(
        "self_evaluation", project=old.filing.projects[0].name, unit="", year=old.filing.year,
        from_id=old.source_filing_id or session.request.from_id, actuals=actuals, deviations=deviations,
        executed=executed, budget=budget)
    draft = make_draft(home, request)
    drafted = _drafted(draft)
    kept = []
    if section_texts is not None:
        texts = []
        for s, given in zip(draft.filing.evaluation.sections, section_texts):
            given = plain_text(given or "").replace("\r\n", "\n").strip()
            was = session.drafted.get(f"sec:{s.kind}", "").strip()
            if given and given != was:
                texts.append(given)
                if drafted[f"sec:{s.kind}"].strip() != was:
                    kept.append(s.title)
            else:
                texts.append(s.text)
        draft = apply_section_texts(draft, texts)
    for title in kept:
        draft.notices.append(f"按新的实际完成值起草的「{title}」有变化，但您修改过这一栏，已保留您的文字。请核对其中的数字")
    if edits.ignored:
        draft.notices.append(f"表中新增的 {edits.ignored} 行未计入：自评表只对照目标表中的指标")
    return session.model_copy(update={"draft": draft, "request": request, "drafted": drafted})


# --- the actuals template ---------------------------------------------------------------------------


class ActualsTemplate(BaseModel):
    """The template written for a project: where it is and what it covers."""

    path: Path
    project: str
    year: Optional[int] = None
    filing_id: str
    rows: int


def actuals_template(home: Path, project: str = "", unit: str = "", year: object = None,
                     from_id: str = "") -> ActualsTemplate:
    """Write the actuals template (CSV, UTF-8 with BOM so Excel opens it) of the project's target table
    to `<home>/exports/<project>_<year>年度_实际完成值模板_<random>.csv`. Raises DraftInputError."""
    from assistant.drafting.models import DraftError
    from assistant.drafting.self_evaluation import actuals_template_csv, pick_target
    from corpus.store import CorpusStore

    req = parse_request("self_evaluation", project=project or "", unit=unit or "", year=year, from_id=from_id or "")
    if not req.project.strip() and not req.from_id.strip():
        raise DraftInputError("请先输入项目名称（可写一部分）或目标表的文件编号，再下载填报模板")
    try:
        with CorpusStore(home) as store:
            fid, filing, idx = pick_target(store, req.project.strip() or None, req.unit.strip() or None, req.year,
                                           req.from_id.strip() or None)
    except DraftError as exc:
        raise DraftInputError(app_message(str(exc))) from None
    p = filing.projects[idx]
    year_part = f"{filing.year}年度_" if isinstance(filing.year, int) else ""
    path = export_path(home, f"{safe_stem(p.name) or '自评'}_{year_part}实际完成值模板_", ".csv")
    path.write_text(actuals_template_csv(p), encoding="utf-8-sig")
    log.info("wrote actuals template %s", path)
    return ActualsTemplate(path=path, project=p.name, year=filing.year, filing_id=fid,
                           rows=sum(1 for r in p.indicators if not r.empty))
