"""Records that drafting hands to the CLI and the UI."""

from __future__ import annotations

import hashlib
from typing import Literal, Optional

from pydantic import BaseModel, Field

from assistant.checks.model import Finding
from corpus.models import Filing

PLACEHOLDER = "【待填：{}】"


def placeholder(what: str) -> str:
    """The marker for a value only the writer can know, e.g. 【待填：上年预算执行数】."""
    return PLACEHOLDER.format(what)


def content_sha256(filing: Filing) -> str:
    """The hash a draft's `source.sha256` carries: its content without `source`, so the same draft hashes the same."""
    return hashlib.sha256(filing.model_dump_json(exclude={"source"}).encode()).hexdigest()


class DraftError(Exception):
    """A draft cannot be made (no such project, bad year…); the message is Chinese."""


class Citation(BaseModel):
    """One precedent a drafted sentence or row came from."""

    filing_id: str
    year: Optional[int] = None
    unit: Optional[str] = None
    project: str = ""
    kind: Literal["section", "legal_basis", "indicator", "filing", "input"] = "section"
    passage_id: Optional[str] = None
    excerpt: str = ""
    draft_project: str = ""  # which drafted project it supports
    target: str = ""  # the section kind or indicator name it supports

    def label(self) -> str:
        """'2022年 · 某单位 · 项目名（文件 abc123）'."""
        year = f"{self.year}年" if self.year else "年度不详"
        return f"{year} · {self.unit or '单位不详'} · {self.project}（文件 {self.filing_id}）"


class Change(BaseModel):
    """One thing the drafter changed, or flagged for the writer to review."""

    project: str = ""
    field: str
    old: Optional[str] = None
    new: Optional[str] = None
    reason: str
    review: bool = False  # True: left unchanged but the writer must look at it


class Draft(BaseModel):
    """A drafted filing plus what was done to make it and what the checker says."""

    mode: Literal["rollover", "new_project", "self_evaluation"]
    filing: Filing
    source_filing_id: Optional[str] = None
    changes: list[Change] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    carried_findings: list[Finding] = Field(default_factory=list, description="also present in the source filing")
    new_findings: list[Finding] = Field(default_factory=list, description="introduced by the draft")
    notices: list[str] = Field(default_factory=list)
    drafted_by: dict[str, str] = Field(default_factory=dict, description="section kind → who wrote it (离线模板, 模型 …)")
