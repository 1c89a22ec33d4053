"""Typed records for parsed filings: the contract every later layer reads.

`Filing` is what `jixiao parse --json` prints and what the corpus database stores
(as JSON). Every extracted field that a user may want to see in its original form
keeps a `SourceSpan` (page, line range in the extracted text) and, where it was
normalised, its raw text beside the normalised value.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

FilingKind = Literal["target_table", "self_evaluation", "budget_disclosure"]
SourceFormat = Literal["txt", "docx", "pdf", "xlsx", "json", "html", "doc", "xls", "wps", "et"]


class Record(BaseModel):
    """Base for all records: extra fields welcome, assignment validated."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)


class SourceSpan(Record):
    """Where a field sits in the extracted text (1-based line numbers; page for PDFs)."""

    page: Optional[int] = None
    line_start: int
    line_end: int


class SourceInfo(Record):
    path: str
    sha256: str
    format: SourceFormat
    size_bytes: int = 0


class Section(Record):
    """A prose section such as 项目概况 or 立项依据 (kind is a stable English key)."""

    kind: str
    title: str
    text: str
    span: Optional[SourceSpan] = None


class DocNumber(Record):
    """A document number (发文字号) as written and normalised to 〔YYYY〕N号."""

    raw: str
    normalized: str
    agency: str
    year: int
    number: int
    well_formed: bool = Field(description="brackets 〔〕, 4-digit year, ends with 号")


class LegalBasis(Record):
    text: str
    title: Optional[str] = None
    doc_number: Optional[str] = None
    doc_number_normalized: Optional[str] = None
    doc_numbers: list[DocNumber] = Field(default_factory=list)
    span: Optional[SourceSpan] = None


class Budget(Record):
    """Money in yuan. `sources` holds funds by source (财政拨款, 上年结转, 其他资金…).

    For a self-evaluation `total` is 年初预算数, `current_year` 全年预算数 and
    `executed` 全年执行数.
    """

    total: Optional[float] = None
    current_year: Optional[float] = None
    prior_year_budget: Optional[float] = None
    prior_year_executed: Optional[float] = None
    executed: Optional[float] = Field(default=None, description="全年执行数 (self-evaluations)")
    execution_rate: Optional[float] = Field(default=None, description="预算执行率 in percent")
    sources: dict[str, float] = Field(default_factory=dict)
    raw: dict[str, str] = Field(default_factory=dict)
    span: Optional[SourceSpan] = None


class SpendingStep(Record):
    period: str
    cumulative_percent: Optional[float] = None
    end_month: Optional[int] = None
    amount: Optional[float] = None


class Indicator(Record):
    """One row of the 一级/二级/三级 indicator table.

    `value` and `unit` are the parsed target; `raw_value` is the cell as written.
    For self-evaluations `actual`, `weight` and `score` are filled where present.
    `empty` marks template rows left unfilled (e.g. "指标2：" with no value).
    """

    level1: str = ""
    level2: str = ""
    name: str = ""
    comparator: Optional[str] = None
    value: Optional[float] = None
    value_high: Optional[float] = None
    unit: Optional[str] = None
    raw_value: str = ""
    actual: Optional[str] = None
    weight: Optional[float] = None
    score: Optional[float] = None
    empty: bool = False
    category: Optional[str] = None
    subcategory: Optional[str] = None
    span: Optional[SourceSpan] = None


class Project(Record):
    name: str
    category: Optional[str] = None
    unit: Optional[str] = None
    department: Optional[str] = None
    implementer: Optional[str] = None
    start_date: Optional[date] = None
    end_date: Optional[date] = None
    header: dict[str, str] = Field(default_factory=dict)
    sections: list[Section] = Field(default_factory=list)
    legal_bases: list[LegalBasis] = Field(default_factory=list)
    budget: Budget = Field(default_factory=Budget)
    spending_plan: list[SpendingStep] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    layout: Optional[str] = None
    span: Optional[SourceSpan] = None

    def section(self, kind: str) -> Optional[Section]:
        """The first section of this kind, or None."""
        return next((s for s in self.sections if s.kind == kind), None)


class MoneyRow(Record):
    """One row of a self-evaluation money table (amounts in yuan, by column label)."""

    org: str
    values: dict[str, Optional[float]] = Field(default_factory=dict)
    span: Optional[SourceSpan] = None


class GoalPair(Record):
    target: str
    actual: Optional[str] = None


class Evaluator(Record):
    name: str
    title: Optional[str] = None
    unit: Optional[str] = None
    signed: bool = False


class Evaluation(Record):
    """What a self-evaluation adds beyond its indicator rows."""

    score: Optional[float] = None
    grade: Optional[str] = None
    report_date: Optional[date] = None
    contact: Optional[str] = None
    phone: Optional[str] = None
    staffing_authorized: Optional[int] = None
    staffing_actual: Optional[int] = None
    duties: Optional[str] = None
    tasks: list[str] = Field(default_factory=list)
    income: list[MoneyRow] = Field(default_factory=list)
    expenditure: list[MoneyRow] = Field(default_factory=list)
    three_public: list[MoneyRow] = Field(default_factory=list)
    fixed_assets: list[MoneyRow] = Field(default_factory=list)
    qualitative_goals: list[GoalPair] = Field(default_factory=list)
    evaluators: list[Evaluator] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)


class Filing(Record):
    """A parsed filing: the JSON contract of `jixiao parse --json`."""

    kind: FilingKind
    unit: Optional[str] = None
    year: Optional[int] = None
    title: Optional[str] = None
    source: SourceInfo
    projects: list[Project] = Field(default_factory=list)
    evaluation: Optional[Evaluation] = None
    warnings: list[str] = Field(default_factory=list)
    parser_version: str = "1"
