"""What the app's 起草 tab needs: make a draft (one builder per mode), lay one project of it out
as a form, put the writer's edits back into the draft, check it and export it to Word.

Everything here is plain functions over pydantic records; `ui/app.py` only turns a `ProjectForm`
into widgets and widget values back into `SectionEdit`/`RowEdit` lists.

Example:
    >>> draft = make_draft(home, RolloverRequest(project="在建工程质量安全监督抽查"))
    >>> form = project_form(draft, 0)
    >>> rows = form.rows
    >>> rows[0].value = "≥95%"
    >>> edited = apply_edits(draft, 0, [s.text for s in form.sections], rows)
    >>> path = export_docx(home, edited)  # <home>/exports/在建工程质量安全监督抽查_2024年度_….docx

Adding a drafting mode means: a request model with a `mode` literal, a builder
`(home, request) -> Draft`, and one `register_mode(...)` call; check and export work on any
`Draft` whose filing has projects. The 自评 mode (`assistant.app_selfeval`) registers itself
this way and adds its own form (actuals, weights, scores) beside `project_form`.

新项目 may be drafted by a configured model service (`NewProjectRequest.use_llm`); `llm_status`
says, without making a request, whether one is configured and what to set when it is not.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Literal, Optional

from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.checks.model import SEVERITY_ZH, Finding
from assistant.drafting.models import Citation, Draft
from corpus.models import Indicator, Project, Section, SourceSpan

log = logging.getLogger(__name__)

EXPORT_DIR = "exports"
ROW_COLUMNS = ("序号", "一级指标", "二级指标", "三级指标", "指标值", "上年目标", "上年实际", "来源（先例）", "检查结果")
EDITABLE_COLUMNS = (1, 2, 3, 4)


class DraftInputError(ValueError):
    """The writer's request or edits cannot be used; the message is Chinese and says what to fix."""


# --- requests and modes -------------------------------------------------------------------


class RolloverRequest(BaseModel):
    """Roll a stored project's latest target table forward to a new year."""

    mode: Literal["rollover"] = "rollover"
    project: str = ""
    unit: str = ""
    to_year: Optional[int] = None
    from_id: str = ""

    @field_validator("to_year", mode="before")
    @classmethod
    def _year(cls, v: object) -> Optional[int]:
        if v is None or (isinstance(v, str) and not v.strip()) or v == 0:
            return None  # the source year plus one
        text = str(v).strip().removesuffix("年").removesuffix(".0")
        if not text.isdigit() or not 2000 <= int(text) <= 2100:
            raise ValueError("新年度请填 2000–2100 之间的四位年份，如 2025；留空则为来源年度加一")
        return int(text)


class NewProjectRequest(BaseModel):
    """Draft a new project's target table from corpus precedents."""

    mode: Literal["new_project"] = "new_project"
    name: str
    unit: str
    category: str = "经常性项目"
    budget: float
    brief: str = ""
    year: int = Field(default_factory=lambda: date.today().year)
    use_llm: bool = False  # draft the sections with the configured model service (see `llm_status`)

    @field_validator("name", "unit")
    @classmethod
    def _filled(cls, v: str) -> str:
        v = (v or "").strip()
        if not v:
            raise ValueError("请填写项目名称和申报单位")
        if len(v) > 80:
            raise ValueError("项目名称和申报单位不超过 80 字")
        return v

    @field_validator("budget")
    @classmethod
    def _positive(cls, v: float) -> float:
        if not v or v <= 0:
            raise ValueError("请填写大于 0 的项目预算（元）")
        return v

    @field_validator("year")
    @classmethod
    def _year(cls, v: int) -> int:
        if not 2000 <= v <= 2100:
            raise ValueError("年度应在 2000–2100 之间")
        return v


Builder = Callable[[Path, BaseModel], Draft]


@dataclass(frozen=True)
class DraftMode:
    """One way of making a draft: its request model, its builder and its Chinese label."""

    key: str
    label: str
    request: type[BaseModel]
    build: Builder


MODES: dict[str, DraftMode] = {}


def register_mode(key: str, label: str, request: type[BaseModel], build: Builder) -> None:
    """Make a drafting mode available to `make_draft` (and to the app's mode choice)."""
    MODES[key] = DraftMode(key, label, request, build)


def _build_rollover(home: Path, req: RolloverRequest) -> Draft:
    from assistant.drafting.rollover import rollover
    from corpus.store import CorpusStore

    if not req.project.strip() and not req.from_id.strip():
        raise DraftInputError("请输入要结转的项目名称（可写一部分），或来源文件编号")
    with CorpusStore(home) as store:
        return rollover(store, project=req.project.strip() or None, to_year=req.to_year,
                        unit=req.unit.strip() or None, from_id=req.from_id.strip() or None)


def _build_new_project(home: Path, req: NewProjectRequest) -> Draft:
    from assistant.drafting.new_project import NewProjectSpec, new_project
    from corpus.store import CorpusStore

    drafter = None
    if req.use_llm:
        from assistant.drafting.llm import LLMNotConfigured, llm_drafter

        try:
            drafter = llm_drafter(home)  # one per draft: it stops asking a service that timed out
        except LLMNotConfigured as exc:
            raise DraftInputError(f"无法用模型起草：{exc.reason}。不勾选“用模型起草”即可离线起草") from None
    spec = NewProjectSpec(**req.model_dump(exclude={"mode", "use_llm"}))
    with CorpusStore(home) as store:
        if drafter is None:
            return new_project(spec, store=store, home=home)
        return new_project(spec, store=store, home=home, drafter=drafter)


register_mode("rollover", "按上年结转", RolloverRequest, _build_rollover)
register_mode("new_project", "新项目", NewProjectRequest, _build_new_project)


def parse_request(mode: str, **fields) -> BaseModel:
    """The request model of `mode` from form fields; raises DraftInputError with a Chinese message."""
    if mode not in MODES:
        raise DraftInputError(f"未知的起草方式「{mode}」")
    try:
        return MODES[mode].request(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        err = (first.get("ctx") or {}).get("error")
        field = ".".join(str(x) for x in first.get("loc", ()))
        raise DraftInputError(str(err) if err else f"「{field}」填写有误：{first.get('msg')}") from None


def make_draft(home: Path, request: BaseModel) -> Draft:
    """A draft by the mode of `request`. Raises DraftInputError, DraftError or CorpusError, their
    messages worded for the app (`app_message`)."""
    from assistant.drafting.models import DraftError

    mode = MODES.get(getattr(request, "mode", ""))
    if mode is None:
        raise DraftInputError(f"未知的起草方式「{getattr(request, 'mode', '')}」")
    try:
        return mode.build(Path(home), request)
    except DraftError as exc:
        exc.args = (app_message(str(exc)),)
        raise


# the drafting library speaks to the command line; the app names its own fields and pages instead
_APP_WORDING: list[tuple[str, str]] = [
    (r"用 jixiao corpus show (\S+?) 查看项目名", r"可在“语料”页的“原文”处输入文件编号 \1 查看项目名"),
    (r"先用 jixiao ingest 入库", "先在“语料”页上传入库"),
    (r"(?:并)?运行 jixiao index build", "并在“语料”页点击“重建索引”"),
    (r"用 --template-out 导出完整清单后填写", "点“下载填报模板”得到完整清单后填写"),
    (r"请用 (--[a-z-]+) 指定", r"请在\1中填写"),
    (r"或用 (--[a-z-]+) 指定", r"或在\1中填写"),
    (r" ?--to-year ?", "“新年度”"),
    (r" ?--year ?", "“年度”"),
    (r" ?--project ?", "“项目名称”"),
    (r" ?--from ?", "“文件编号”"),
    (r" ?--actuals? ?", "实际完成值"),
]


def app_message(text: str) -> str:
    """A drafting error message with its command-line hints (`--year`, `jixiao ingest`…) reworded
    for the app's fields and pages.

    Example:
        >>> app_message("请用 --project 指定项目名称，或用 --from 指定来源文件编号")
        '请在“项目名称”中填写项目名称，或在“文件编号”中填写来源文件编号'
    """
    for pattern, repl in _APP_WORDING:
        text = re.sub(pattern, repl, text)
    return text


# --- the model service ---------------------------------------------------------------------


class LLMStatus(BaseModel):
    """Whether 新项目 can be drafted by a model service, and a Chinese note saying so."""

    configured: bool
    model: str = ""
    note: str


def llm_status(home: Path) -> LLMStatus:
    """Read the model service configuration (environment, then `<home>/llm.toml`); no request is made."""
    from urllib.parse import urlsplit

    from assistant.drafting.llm import ENV_BASE_URL, ENV_MODEL, LLMNotConfigured, load_config

    offline = "不勾选时离线起草：直接参照语料库中的先例，不需要任何模型服务。"
    try:
        config = load_config(Path(home))
    except LLMNotConfigured as exc:
        if not exc.reason.startswith("未配置"):  # configured, but wrongly: say what is wrong, not the CLI help
            wrong = exc.reason.split("。未配置模型服务")[0].rstrip("。")
            return LLMStatus(configured=False, note=f"用模型起草暂不可用：{wrong}。请改正后刷新本页。{offline}")
        return LLMStatus(configured=False, note=(
            "用模型起草需要已配置的模型服务（OpenAI 兼容接口，如 vLLM、Ollama），当前未配置，所以不能勾选。"
            f"配置方法：启动本程序前设置环境变量 {ENV_BASE_URL}（接口地址，如 http://127.0.0.1:8000/v1）"
            f"和 {ENV_MODEL}（模型名），或在数据目录的 llm.toml 中写 base_url 和 model 两项，然后刷新本页。" + offline))
    where = urlsplit(config.base_url)
    host = where.hostname or ""
    host = f"{host}:{where.port}" if where.port else host
    return LLMStatus(configured=True, model=config.model, note=(
        f"已配置模型服务（模型 {config.model}，服务器 {host}）。勾选后由模型参照最相近的先例改写各栏目，"
        "模型写的文字只作普通文字显示，请逐段核对；超时、拒答或格式不对的栏目自动改用离线起草，并在上方提示中说明原因。"
        + offline))


# --- the form ----------------------------------------------------------------------------


class SectionField(BaseModel):
    """One editable section of the shown project, with what it came from and what the checker says."""

    kind: str
    title: str
    text: str
    precedents: list[str] = Field(default_factory=list)
    reviews: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    author: str = ""  # who wrote the text when the drafter says (离线模板, a model…)


class RowEdit(BaseModel):
    """One indicator row as the writer left it in the table (`key`: its 1-based place in the draft)."""

    key: Optional[int] = None
    level1: str = ""
    level2: str = ""
    name: str = ""
    value: str = ""

    @property
    def blank(self) -> bool:
        return not any(x.strip() for x in (self.level1, self.level2, self.name, self.value))


class HeaderEdit(BaseModel):
    """The header fields of the shown project, editable in the form (not only in the change list)."""

    name: str = ""
    unit: str = ""
    total: Optional[float] = None  # 项目总预算（元）
    current_year: Optional[float] = None  # 项目当年预算（元）
    prior_year_budget: Optional[float] = None  # 同名项目上年预算额（元）
    start: str = ""  # 2026-01-01
    end: str = ""


HEADER_LABELS = {"name": "项目名称", "unit": "申报单位", "total": "项目总预算（元）", "current_year": "项目当年预算（元）",
                 "prior_year_budget": "同名项目上年预算额（元）", "start": "开始日期", "end": "结束日期"}


def header_of(p: Project) -> HeaderEdit:
    """The header fields of `p` as the form shows them."""
    return HeaderEdit(name=p.name, unit=p.unit or "", total=p.budget.total, current_year=p.budget.current_year,
                      prior_year_budget=p.budget.prior_year_budget,
                      start=p.start_date.isoformat() if p.start_date else "", end=p.end_date.isoformat() if p.end_date else "")


def _date(text: str, label: str):
    from datetime import date

    text = plain_text(text).strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?", text)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else date.fromisoformat(text)
    except ValueError:
        raise DraftInputError(f"{label}“{text}”不是日期。请写成 2026-01-01") from None


def apply_header(draft: Draft, p: Project, edit: HeaderEdit) -> None:
    """Write the edited header into `p` (and into the citations and notes that name the project). Raises DraftInputError."""
    from assistant.drafting.text import money

    name = plain_text(edit.name).strip()
    if not name:
        raise DraftInputError("项目名称不能为空")
    for key in ("total", "current_year", "prior_year_budget"):
        v = getattr(edit, key)
        if v is not None and (v != v or v < 0 or v > 1e13):
            raise DraftInputError(f"{HEADER_LABELS[key]}应为不小于 0 的金额（元）")
    start, end = _date(edit.start, "开始日期"), _date(edit.end, "结束日期")
    if start and end and start > end:
        raise DraftInputError(f"开始日期 {start} 晚于结束日期 {end}")
    if name != p.name:
        for c in draft.citations:
            if c.draft_project == p.name:
                c.draft_project = name
        for c in draft.changes:
            if c.project == p.name:
                c.project = name
    p.name, p.unit = name, plain_text(edit.unit).strip() or None
    p.start_date, p.end_date = start, end
    b = p.budget
    b.total, b.current_year, b.prior_year_budget = edit.total, edit.current_year, edit.prior_year_budget
    for key, label in (("total", "项目总预算"), ("current_year", "项目当年预算"), ("prior_year_budget", "同名项目上年预算额")):
        if key == "prior_year_budget" and label not in b.raw and getattr(b, key) is None:
            continue
        b.raw[label] = f"{label}（元）：{money(getattr(b, key))}"
    p.header.update({"name": name, "unit": p.unit or "", "start": start.isoformat() if start else "",
                     "end": end.isoformat() if end else ""})


class RowField(RowEdit):
    """A row of the form: the editable cells plus last year's figures, precedents and findings."""

    prior_target: str = ""
    prior_actual: str = ""
    precedents: list[str] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)


class ProjectForm(BaseModel):
    """The shown project of a draft, as the 起草 tab lays it out."""

    index: int
    projects: list[str]
    name: str
    year: Optional[int] = None
    header: HeaderEdit = Field(default_factory=HeaderEdit)
    sections: list[SectionField]
    rows: list[RowField]
    other_findings: list[Finding] = Field(default_factory=list, description="not tied to a section or row")
    carried: list[tuple[str, str, str]] = Field(default_factory=list, description="keys of findings the source had")

    def counts(self) -> dict[str, int]:
        """Findings of the shown project by severity."""
        every = self.other_findings + [f for s in self.sections for f in s.findings]
        every += [f for r in self.rows for f in r.findings]
        seen = {id(f): f for f in every}.values()
        return {s: sum(f.severity == s for f in seen) for s in ("error", "warn", "info")}


class DraftSession(BaseModel):
    """What the 起草 tab keeps between clicks: the draft as last edited and the project shown."""

    draft: Draft
    shown: int = 0


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def plain_text(text: Optional[str]) -> str:
    """`text` without the control characters a Word document cannot hold (NUL, escapes…)."""
    return _NOT_XML.sub("", text or "")


def _plain_all(value):
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, list):
        return [_plain_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_all(v) for k, v in value.items()}
    return value


def _clip(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= n else text[:n] + "…"


def finding_brief(f: Finding, n: int = 48) -> str:
    """'警告 V-01：指标值「16」是裸数字…' for a table cell."""
    return f"{SEVERITY_ZH[f.severity]} {f.rule_id}：{_clip(f.message, n)}"


def _section_precedents(draft: Draft, p: Project, s: Section) -> list[str]:
    out = [f"{c.label()}：{_clip(c.excerpt, 60)}" if c.excerpt else c.label() for c in draft.citations
           if c.kind in ("section", "legal_basis") and c.target == s.kind and c.draft_project in ("", p.name)]
    if not out:
        out = [f"沿用 {c.label()} 的同名栏目" for c in _filing_citations(draft, p)]
    return out


def _filing_citations(draft: Draft, p: Project) -> list[Citation]:
    return [c for c in draft.citations if c.kind == "filing" and c.project in ("", p.name)]


def _row_precedents(draft: Draft, p: Project, r: Indicator) -> list[str]:
    labels = list(getattr(r, "sources", None) or [])
    if not labels:
        labels = [c.label() for c in draft.citations
                  if c.kind == "indicator" and c.target == r.name and c.draft_project in ("", p.name)]
    if not labels:  # a rollover row: last year's table, whose label the sections already show in full
        labels = [f"沿用{c.year or ''}年原表（文件 {c.filing_id}）" for c in _filing_citations(draft, p)]
    usual = getattr(r, "usual_values", None)
    if usual:
        labels.append("、".join(usual[:4]))
    return labels


def _with_row_spans(draft: Draft) -> Draft:
    """A copy whose indicator rows carry synthetic one-line spans (row i → line i+1), so each
    finding on a row names the row it is about even though a draft has no source lines."""
    copy = draft.model_copy(deep=True)
    for p in copy.filing.projects:
        for i, r in enumerate(p.indicators):
            r.span = SourceSpan(line_start=i + 1, line_end=i + 1)
    return copy


def check_draft(draft: Draft) -> list[Finding]:
    """Every finding on the draft's filing; row findings carry their row (span line = row number)."""
    from assistant.checks.engine import check_filing

    return check_filing(_with_row_spans(draft).filing)


def _section_of(f: Finding, p: Project) -> Optional[int]:
    where = re.sub(r"^项目「.+?」\s*·?\s*", "", f.location or "")
    for i, s in enumerate(p.sections):
        if where.startswith((f"栏目 {s.title}", s.title)):
            return i
        if s.kind == "legal_basis" and where.startswith("立项依据"):
            return i
        if s.kind == "plan" and where.startswith("资金使用计划"):
            return i
    return None


def project_form(draft: Draft, index: int, findings: Optional[list[Finding]] = None) -> ProjectForm:
    """Project `index` of the draft laid out as sections and rows, each with its precedents and
    the findings located on it (`findings` default: a fresh `check_draft`)."""
    from assistant.drafting.checking import finding_key

    projects = draft.filing.projects
    if not projects:
        raise DraftInputError("草稿中没有项目")
    index = max(0, min(index, len(projects) - 1))
    p = projects[index]
    findings = check_draft(draft) if findings is None else findings
    sections = [
        SectionField(kind=s.kind, title=s.title, text=s.text, precedents=_section_precedents(draft, p, s),
                     author=str((getattr(draft, "drafted_by", None) or {}).get(s.kind, "")),
                     reviews=[f"{c.old}（{c.reason}）" for c in draft.changes
                              if c.review and c.project == p.name and c.field == f"栏目·{s.title}"])
        for s in p.sections
    ]
    rows = [
        RowField(key=i + 1, level1=r.level1, level2=r.level2, name=r.name, value=r.raw_value,
                 prior_target=getattr(r, "prior_target", None) or "", prior_actual=getattr(r, "prior_actual", None) or "",
                 precedents=_row_precedents(draft, p, r))
        for i, r in enumerate(p.indicators)
    ]
    other: list[Finding] = []
    for f in findings:
        if f.project_index is None:  # filing-level: shown with the project it names, else with the first
            named = re.match(r"项目「(.+?)」", f.location or "")
            if (named.group(1) != p.name) if named else index != 0:
                continue
        elif f.project_index != index:
            continue
        if f.location.startswith("指标 ") and f.span:
            hit = [r for r in rows if f.span.line_start <= (r.key or 0) <= f.span.line_end]
            for r in hit:
                r.findings.append(f)
            if hit:
                continue
        si = _section_of(f, p)
        if si is not None:
            sections[si].findings.append(f)
        else:
            other.append(f)
    return ProjectForm(index=index, projects=[x.name for x in projects], name=p.name, year=draft.filing.year,
                       header=header_of(p), sections=sections, rows=rows, other_findings=other,
                       carried=[finding_key(f) for f in draft.carried_findings])


def is_carried(form: ProjectForm, f: Finding) -> bool:
    """True when the source filing (for a rollover) already had this finding."""
    from assistant.drafting.checking import finding_key

    return list(finding_key(f)) in [list(k) for k in form.carried]


# --- the table as the widget holds it -------------------------------------------------------


def rows_to_table(rows: list[RowField]) -> list[list[str]]:
    """The rows as `ROW_COLUMNS` cells."""
    return [[str(r.key or ""), r.level1, r.level2, r.name, r.value, r.prior_target, r.prior_actual,
             "；".join(r.precedents), "\n".join(finding_brief(f, 2000) for f in r.findings)] for r in rows]  # in full


def rows_from_table(table: Optional[list[list]]) -> list[RowEdit]:
    """RowEdits from the table's cells (only 序号 and the editable columns are read)."""
    out = []
    for cells in table or []:
        cells = ["" if c is None else str(c) for c in list(cells) + [""] * len(ROW_COLUMNS)]
        key = cells[0].strip()
        level1, level2, name, value = (plain_text(c).strip() for c in cells[1:5])
        out.append(RowEdit(key=int(float(key)) if re.fullmatch(r"\d+(?:\.0)?", key) else None,
                           level1=level1, level2=level2, name=name, value=value))
    return out


# --- edits back into the draft ---------------------------------------------------------------


def _row(edit: RowEdit, base: Optional[Indicator], prev: Optional[Indicator]) -> Indicator:
    """The indicator an edited row stands for, its parsed fields re-read from the text."""
    from corpus.indicators import classify_label
    from corpus.normalize import compact, split_value

    level1 = edit.level1 or (prev.level1 if prev else "")
    level2 = edit.level2 or (prev.level2 if prev and level1 == prev.level1 else "")
    row = base.model_copy(deep=True) if base is not None else Indicator()
    if base is None or level1 != base.level1:
        row.category = classify_label(level1)[1] or (prev.category if prev and level1 == prev.level1 else None)
    if base is None or level2 != base.level2:
        kind, cat = classify_label(level2)
        row.subcategory = cat if kind else None
    if base is None or edit.value != base.raw_value:
        comparator, value, high, unit = split_value(edit.value) if edit.value else (None, None, None, None)
        row.comparator, row.value, row.value_high, row.unit = comparator, value, high, unit
    row.level1, row.level2 = plain_text(level1), plain_text(level2)
    row.name, row.raw_value = compact(plain_text(edit.name)), plain_text(edit.value)
    row.empty = not row.name or not row.raw_value
    return row


def apply_edits(draft: Draft, index: int, sections: list[str], rows: list[RowEdit],
                header: Optional[HeaderEdit] = None) -> Draft:
    """A copy of `draft` with project `index` as edited: section texts by position (missing ones
    unchanged), the indicator table replaced by `rows` (blank rows dropped; a blank 一级/二级 cell
    continues the row above, as in the Word table). Legal bases and the spending plan are re-read
    from edited sections the way the parser reads them. Raises DraftInputError."""
    from corpus.parsers.common import parse_legal_bases, parse_spending_plan

    new = draft.model_copy(deep=True)
    projects = new.filing.projects
    if not 0 <= index < len(projects):
        raise DraftInputError(f"草稿中没有第 {index + 1} 个项目")
    p = projects[index]
    if header is not None:
        apply_header(new, p, header)
    for s, text in zip(p.sections, sections):
        text = plain_text(text).replace("\r\n", "\n").replace("\r", "\n").strip()
        if text == s.text:
            continue
        s.text = text
        if s.kind == "legal_basis":
            p.legal_bases = parse_legal_bases(s) if text else []
        elif s.kind == "plan":
            p.spending_plan = parse_spending_plan(text)
    old = draft.filing.projects[index].indicators
    out: list[Indicator] = []
    for edit in rows:
        if edit.blank:
            continue
        base = old[edit.key - 1] if edit.key and 1 <= edit.key <= len(old) else None
        out.append(_row(edit, base, out[-1] if out else None))
    if not out:
        raise DraftInputError("指标表不能为空：请至少保留一行绩效指标")
    p.indicators = out
    return new


# --- export ----------------------------------------------------------------------------------


def safe_stem(text: str, limit: int = 40) -> str:
    """Letters and digits of `text` only (no separators, dots or control characters)."""
    return "".join(ch for ch in text or "" if ch.isalnum() and ch.isprintable())[:limit]


def export_path(home: Path, stem: str, suffix: str) -> Path:
    """A new file `<home>/exports/<letters and digits of stem>_<random><suffix>`, never outside the folder."""
    from assistant.uploads import inside

    folder = Path(home) / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return inside(folder, f"{stem}{secrets.token_hex(4)}{suffix}")
    except ValueError:  # cannot happen with safe_stem; kept as the last guard
        raise DraftInputError("导出文件名无效") from None


def export_docx(home: Path, draft: Draft) -> Path:
    """Write the (edited) draft to `<home>/exports/<project>_<year>年度_<random>.docx` (a self-evaluation:
    `<project>_<year>年度_自评_<random>.docx`) and return it.
    The name is built from letters and digits of the project name plus a random suffix, so no
    text in the draft can move the file out of the folder or overwrite an earlier export."""
    from assistant.drafting.export_docx import write_docx

    if not draft.filing.projects:
        raise DraftInputError("草稿中没有项目，无法导出")
    stem = safe_stem(draft.filing.projects[0].name) or "草稿"
    year = f"{draft.filing.year}年度_" if isinstance(draft.filing.year, int) else ""
    if draft.filing.kind == "self_evaluation":
        year += "自评_"
    path = export_path(home, f"{stem}_{year}", ".docx")
    from corpus.models import Filing

    write_docx(Filing.model_validate(_plain_all(draft.filing.model_dump(mode="json"))), path)
    log.info("exported draft to %s", path)
    return path


# the 自评 mode registers itself (it imports the names above)
from assistant import app_selfeval as _app_selfeval  # noqa: E402,F401
