"""Turn what the cells of a document hold (`CellForm`) into a `Filing`, or fill the
gaps a layout-specific parser left.

The layout parsers (target_table, self_evaluation) read the shapes they were built
for exactly; real filings from other regions use other labels and shapes. Every
document is read both ways: where the layout parser found nothing, the cell reading
is the filing; where it found a project, the cell reading fills the fields it
missed. A partial document gives what it holds plus a warning, never a refusal,
when it has a title, a project name or an indicator table.
"""

from __future__ import annotations

import re
from typing import Optional

from corpus.cells import Row
from corpus.models import Budget, Evaluation, Filing, Project, SourceInfo
from corpus.parsers.cell_form import CellForm, clean_org, read_form

_PARTIAL_WARNING = "文件可能不完整：{why}（已读取其中的内容）"


def read_cells(rows: list[Row], kind: str) -> CellForm:
    return read_form(rows, self_evaluation=(kind == "self_evaluation"))


def has_content(form: CellForm) -> bool:
    """Enough to be a filing: a title, a project name or an indicator table."""
    return bool(form.title or "name" in form.fields or form.indicators)


def _org(form: CellForm, key: str) -> Optional[str]:
    if key not in form.fields:
        return None
    value = clean_org(form.fields[key][0])
    return value or None


def filing_from_cells(form: CellForm, kind: str, source: SourceInfo, truncated: bool) -> Filing:
    """A filing built from the cell reading alone."""
    name = form.report_name or form.name or "（未写明项目名称）"
    project = Project(name=re.sub(r"\s+", "", name))
    _fill_project(project, form)
    filing = Filing(kind=kind, source=source, projects=[project], title=form.report_title or form.title,
                    year=form.year)
    filing.unit = project.unit
    if kind == "self_evaluation":
        filing.evaluation = Evaluation(score=form.score, grade=form.grade)
    filing.warnings.extend(form.warnings)
    if "name" not in form.fields:
        filing.warnings.append(
            f"没有找到“项目名称”，项目名称取自表名「{form.title}」" if form.name else "没有找到“项目名称”"
        )
    _partial_warnings(filing, project, truncated)
    return filing


def fill_gaps(filing: Filing, form: CellForm, truncated: bool) -> Filing:
    """Fill what the layout parser left empty from the cell reading."""
    if not filing.projects:
        return filing
    project = filing.projects[0]
    if len(filing.projects) > 1:
        form.indicators = []  # the cell reading spans the whole file; the layout parser split it per project
    _prefer_cells(project, form)
    _fill_project(project, form, only_missing=True)
    if filing.year is None:
        filing.year = form.year
    if form.report_title and not _is_heading(filing.title):
        filing.title = form.report_title  # a report's heading, not its first lines run together
    if filing.title is None:
        filing.title = form.title
    if filing.unit is None or not plausible_org(filing.unit):
        filing.unit = project.unit
    if filing.kind == "self_evaluation":
        if filing.evaluation is None:
            filing.evaluation = Evaluation()
        if filing.evaluation.score is None:
            filing.evaluation.score = form.score
        if filing.evaluation.grade is None:
            filing.evaluation.grade = form.grade
    for w in form.warnings:
        if w not in filing.warnings:
            filing.warnings.append(w)
    if project.indicators:  # the cell reading found the table the layout parser missed
        filing.warnings = [w for w in filing.warnings if not w.endswith("没有找到绩效指标表")]
    _partial_warnings(filing, project, truncated)
    return filing


def _is_heading(title: Optional[str]) -> bool:
    """A title as written (kept, spaces and all, for the checks), not page lines run together."""
    t = re.sub(r"\s+", "", title or "")
    return 4 <= len(t) <= 80 and bool(re.search(r"(?:报告|自评表|目标表|申报表)(?:[（(][^（()）]*[）)])?$", t))


_ORG_SUFFIX = re.compile(
    r"(局|委|办|院|中心|政府|学校|学院|大学|馆|站|所|社|会|部|厅|处|室|队|公司|街道|镇|乡|村|医院|联合社|协会|总局|机关|"
    r"委员会|办公室|管委会|集团|园|场|台|团|署|行|府|科|股|校|幼儿园)$"
)
_FALLBACK_NAME = "整体支出"


def plausible_org(text: Optional[str]) -> bool:
    """A unit or department name as forms write them, not a stray fragment."""
    if not text:
        return False
    t = re.sub(r"\s+", "", text)
    return 2 <= len(t) <= 40 and not re.search(r"[，。；,;：:]|指标|得分|\d{2,}", t) and bool(_ORG_SUFFIX.search(t))


def plausible_name(text: Optional[str]) -> bool:
    if not text:
        return False
    t = re.sub(r"\s+", "", text)
    return 2 <= len(t) <= 60 and not re.search(r"[：:]|填报日期|是否为", t) and not t.endswith(_FALLBACK_NAME)


def _prefer_cells(project: Project, form: CellForm) -> None:
    """Replace fields the layout parser read from the wrong place by the cell reading."""
    cell_name = form.fields.get("name", (None,))[0]
    if cell_name is None and form.report_name and project.name.endswith(_FALLBACK_NAME):
        cell_name = form.report_name  # a prose report names its project in its heading
    if cell_name is None and form.title and "整体" not in form.title and project.name.endswith(_FALLBACK_NAME):
        cell_name = form.name  # a project report without a 项目名称 cell: the title names it
    cell_name = re.sub(r"\s+", "", cell_name) if cell_name else None
    if cell_name and plausible_name(cell_name) and (
        not plausible_name(project.name)
        or (project.name != cell_name and (cell_name in project.name or cell_name.startswith(project.name)))
    ):
        project.name = cell_name
    for key in ("unit", "department", "implementer"):
        current = getattr(project, key)
        if current is not None and not plausible_org(current):
            setattr(project, key, _org(form, key) if plausible_org(_org(form, key)) else None)


def _fill_project(project: Project, form: CellForm, only_missing: bool = False) -> None:
    for key in ("department", "implementer", "category"):
        if getattr(project, key) is None:
            value = _org(form, key)
            setattr(project, key, value if key == "category" or plausible_org(value) else None)
    if project.unit is None:
        unit = _org(form, "unit")
        project.unit = (unit if plausible_org(unit) else None) or project.implementer or project.department
    if project.unit is None:  # a prose report: the body its heading or its page names
        project.unit = next((o for o in (form.report_org, form.publisher) if plausible_org(o)), None)
    for key, (value, _) in form.fields.items():
        project.header.setdefault(key, value)
    _fill_budget(project.budget, form.budget)
    if project.budget.current_year is None and project.budget.executed is None:
        _fill_budget(project.budget, form.prose_budget)  # no money table: the sentences' figures
    if form.indicators and (
        not project.indicators or _mostly_empty(project) or _better_rows(form.indicators, project.indicators)
    ):
        project.indicators = form.indicators
    elif form.indicators:
        _fill_indicator_fields(project.indicators, form.indicators)
    if not project.section("goals"):
        project.sections.extend(form.goals)
    if project.layout is None and form.layout:
        project.layout = form.layout
    if form.budget_points and not getattr(project.budget, "points", None):
        project.budget.points = dict(form.budget_points)  # the 预算执行 row's 分值/得分


_ROW_FIELDS = ("actual", "weight", "score", "deviation")


def _fill_indicator_fields(rows, found) -> None:
    """Columns the layout parser left empty (实际完成值, 分值, 得分…) from the cell reading
    of the same row, matched by name; a level left blank is taken too."""
    by_name: dict[str, object] = {}
    for r in found:
        by_name.setdefault(re.sub(r"\s+", "", r.name), r)
    for row in rows:
        match = by_name.get(re.sub(r"\s+", "", row.name))
        if match is None or (row.raw_value and match.raw_value and re.sub(r"\s+", "", row.raw_value) != match.raw_value):
            continue
        for key in _ROW_FIELDS:
            if getattr(row, key, None) is None and getattr(match, key, None) is not None:
                setattr(row, key, getattr(match, key))
        if not row.level1 and match.level1:
            row.level1, row.category = match.level1, match.category
        if not row.level2 and match.level2:
            row.level2, row.subcategory = match.level2, match.subcategory


def _rows_read(rows) -> int:
    """Rows that read as an indicator: a name that is not a value, a target that is one
    (a number with a comparator or unit, or a short qualitative level), a level heading."""
    from corpus.normalize import looks_like_value

    good = 0
    for r in rows:
        raw = (r.raw_value or "").strip()
        bare = re.sub(r"[（(][^（()）]*[）)]", "", r.name or "")
        named = len(re.findall(r"[\u4e00-\u9fff]", r.name or "")) >= 2 and not looks_like_value(bare) and raw != r.name
        numeric = bool(re.search(r"\d", raw)) and (r.comparator or r.unit) is not None
        qualitative = bool(re.search(r"[\u4e00-\u9fff]{2}", raw)) and r.value is None and not looks_like_value(raw)
        if named and (numeric or qualitative):
            good += 2 if r.level1 else 1
        elif not named:
            good -= 1  # a value or a fragment read as a name: the columns were shifted
    return good


def _better_rows(found, current) -> bool:
    """The cell reading's rows, where the layout parser's columns were evidently shifted."""
    got, have = _rows_read(found), _rows_read(current)
    return got >= have + 2 and got >= have * 1.5


def _mostly_empty(project: Project) -> bool:
    filled = sum(1 for i in project.indicators if i.raw_value)
    return filled * 2 < len(project.indicators)


def _fill_budget(budget: Budget, found: Budget) -> None:
    for key in ("total", "current_year", "executed", "execution_rate", "prior_year_budget", "prior_year_executed"):
        if getattr(budget, key) is None and getattr(found, key) is not None:
            setattr(budget, key, getattr(found, key))
    for key, value in found.sources.items():
        budget.sources.setdefault(key, value)
    for key, value in found.raw.items():
        budget.raw.setdefault(key, value)


def _partial_warnings(filing: Filing, project: Project, truncated: bool) -> None:
    reasons = []
    if truncated:
        reasons.append("文本在末尾被截断")
    if not project.indicators:
        reasons.append("没有找到绩效指标表")
    if filing.kind == "self_evaluation" and filing.evaluation and filing.evaluation.score is None and project.indicators:
        reasons.append("没有找到总分")
    for why in reasons:
        text = _PARTIAL_WARNING.format(why=why)
        if text not in filing.warnings and not any(why in w for w in filing.warnings):
            filing.warnings.append(text)
