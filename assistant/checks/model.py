"""Records of the checker: rule metadata and findings (what crosses to the CLI and the UI)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict

from corpus.models import SourceSpan

Severity = Literal["error", "warn", "info"]
Basis = Literal["law", "template", "convention"]
SourceTag = Literal["V", "V2", "K", "O"]
Scope = Literal["project", "filing"]

SEVERITY_RANK = {"info": 0, "warn": 1, "error": 2}
SEVERITY_ZH = {"error": "错误", "warn": "警告", "info": "提示"}
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
    name: str
    severity: Severity
    basis: Basis
    source_tag: SourceTag
    source: str
    explanation: str
    scope: Scope = "project"

    def basis_note(self) -> str:
        """One Chinese line saying what kind of rule this is and how sure its source is."""
        return f"{BASIS_ZH[self.basis]}（{TAG_ZH[self.source_tag]}）：{self.source}"


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
