"""Typed records for parsed filings: the contract every later layer reads.

`Filing` is what `jixiao parse --json` prints and what the corpus database stores
(as JSON). Every extracted field that a user may want to see in its original form
keeps a `SourceSpan` (page, line range in the extracted text) and, where it was
normalised, its raw text beside the normalised value.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_AMOUNT = 1e15
"""The largest amount (yuan) or figure a record may hold: well above any real budget, far below
where floats lose whole yuan; bigger is a typo or an attack, refused so what is stored reads back."""
MAX_EXTRA_DEPTH = 20
"""How deep an extra (unknown) field may nest before the record is refused."""


def _finite(v: Optional[float]) -> Optional[float]:
    """A number that is finite and within ±MAX_AMOUNT (why: inf/NaN are stored as null and poison reads)."""
    if v is not None and not (-MAX_AMOUNT <= v <= MAX_AMOUNT):  # NaN fails both comparisons
        raise ValueError(f"数值 {v!r} 超出范围（应为有限数，绝对值不超过 {MAX_AMOUNT:.0e}）")
    return v


def _depth(obj: object, limit: int) -> bool:
    """True when `obj` nests no deeper than `limit` (iterative: a deep value cannot exhaust the stack)."""
    stack = [(obj, 0)]
    while stack:
        cur, d = stack.pop()
        if isinstance(cur, (dict, list, tuple)):
            if d >= limit:
                return False
            stack.extend((c, d + 1) for c in (cur.values() if isinstance(cur, dict) else cur))
    return True

FilingKind = Literal["target_table", "self_evaluation", "budget_disclosure"]
SourceFormat = Literal["txt", "docx", "pdf", "xlsx", "json", "html", "doc", "xls", "wps", "et"]


class Record(BaseModel):
    """Base for all records: extra fields welcome, assignment validated."""

    model_config = ConfigDict(extra="allow", validate_assignment=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _extras_shallow(self) -> "Record":
        extra = self.__pydantic_extra__
        if extra and not _depth(extra, MAX_EXTRA_DEPTH):
            raise ValueError(f"附加字段嵌套超过 {MAX_EXTRA_DEPTH} 层")
        return self


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

    @field_validator("total", "current_year", "prior_year_budget", "prior_year_executed", "executed", "execution_rate")
    @classmethod
    def _amount_in_range(cls, v: Optional[float]) -> Optional[float]:
        return _finite(v)

    @field_validator("sources")
    @classmethod
    def _sources_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        for x in v.values():
            _finite(x)
        return v


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

    @field_validator("value", "value_high", "weight", "score")
    @classmethod
    def _figure_in_range(cls, v: Optional[float]) -> Optional[float]:
        return _finite(v)


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

    @field_validator("values")
    @classmethod
    def _values_in_range(cls, v: dict[str, Optional[float]]) -> dict[str, Optional[float]]:
        for x in v.values():
            _finite(x)
        return v


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

    @field_validator("score")
    @classmethod
    def _score_in_range(cls, v: Optional[float]) -> Optional[float]:
        return _finite(v)

    @field_validator("staffing_authorized", "staffing_actual")
    @classmethod
    def _staff_in_range(cls, v: Optional[int]) -> Optional[int]:
        if v is not None and not 0 <= v <= 10**9:
            raise ValueError(f"人数 {v} 超出范围")
        return v


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

    @field_validator("year")
    @classmethod
    def _year_in_range(cls, v: Optional[int]) -> Optional[int]:
        if v is not None and not 1900 <= v <= 2200:  # the store's year column is a 64-bit integer
            raise ValueError(f"年度 {v} 超出范围（1900–2200）")
        return v
