"""Records of the checker: rule metadata and findings (what crosses to the CLI and the UI)."""

from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from corpus.models import SourceSpan

Severity = Literal["error", "warn", "info"]
Basis = Literal["law", "template", "convention"]
SourceTag = Literal["V", "V2", "K", "O"]
Scope = Literal["project", "filing"]

SEVERITY_RANK = {"info": 0, "warn": 1, "error": 2}
SEVERITY_ZH = {"error": "错误", "warn": "警告", "info": "提示"}


def severity_label(severity: str) -> str:
    """The one printed form of a severity everywhere (CLI and app): [错误] / [警告] / [提示]."""
    return f"[{SEVERITY_ZH.get(severity, severity)}]"

BASIS_ZH = {"law": "成文规定", "template": "模板/填报说明要求", "convention": "惯例（非成文规定）"}
TAG_ZH = {
    "V": "已见原文或地方转载原文",
    "V2": "仅见二手转述，引用前请核对原文",
    "K": "据国家文件的领域知识，条文未经原文核实",
    "O": "实际填报中观察到的惯例，并非成文规定",
}


class RuleInfo(BaseModel):
    """A rule's metadata, as `jixiao rules` lists it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str  # Chinese, what users read
    severity: Severity
    basis: Basis
    source_tag: SourceTag
    source: str
    explanation: str
    scope: Scope = "project"
    code: str = ""  # the English identifier (COVERAGE), for code and JSON only

    def basis_note(self) -> str:
        """One Chinese line: what kind of rule this is, how sure its source is, and the source.

        The convention kind already says it is no written rule, so its tag is not repeated."""
        kind = BASIS_ZH[self.basis]
        tag = "" if self.source_tag == "O" else f"（{TAG_ZH[self.source_tag]}）"
        note = "（S 编号是 docs/rules.md 开头列出的来源）" if re.search(r"\bS\d+", self.source) else ""
        return f"{kind}{tag}：{self.source}{note}"


class Finding(BaseModel):
    """One problem found in a filing."""

    rule_id: str
    rule_name: str
    severity: Severity
    basis: Basis
    source_tag: SourceTag
    basis_note: str
    project: Optional[str] = None
    project_index: Optional[int] = None
    location: str = ""
    span: Optional[SourceSpan] = None
    text: str = ""
    message: str

    def where(self) -> str:
        """'第12行' / '第12–14行' / '' for the span."""
        if self.span is None:
            return ""
        s = self.span
        page = f"第{s.page}页 " if s.page else ""
        lines = f"第{s.line_start}行" if s.line_start == s.line_end else f"第{s.line_start}–{s.line_end}行"
        return page + lines
