"""Scorecard for the real web filings: expected facts (written by reading) vs parser output.

Shared by tests/test_real_filings.py and bench/real_filings.py so both count facts the same way.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
WEB = SHARED / "real" / "web"
EXPECTED_DIR = Path(__file__).resolve().parent / "data" / "real"

_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "％": "%"})
_WS = re.compile(r"\s+")
BUDGET_KEYS = ("total", "current_year", "executed", "execution_rate")
INDICATOR_FIELDS = (
    "level1", "level2", "comparator", "value", "unit", "raw_value", "actual", "weight", "score",
)


@dataclass
class DocScore:
    """How one document fared: facts right/total, misses, refusal, warnings, time."""

    file: str
    shape: str
    kind: str
    facts_total: int = 0
    facts_right: int = 0
    misses: list[tuple[str, Any, Any]] = field(default_factory=list)
    refused: bool = False
    warnings: list[str] = field(default_factory=list)
    parse_seconds: float = 0.0
    complete: bool = True
    error: str = ""

    @property
    def accuracy(self) -> float:
        return self.facts_right / self.facts_total if self.facts_total else 1.0


def load_expectations(directory: Path = EXPECTED_DIR) -> list[dict]:
    """All expectation files, sorted by name, each with `_path` added."""
    out = []
    for path in sorted(Path(directory).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["_path"] = str(path)
        out.append(data)
    return out


def compact(text: Any) -> str:
    """Whitespace removed, full-width （）：％ folded; nothing else."""
    if text is None:
        return ""
    return _WS.sub("", str(text)).translate(_FOLD)


def level_label(text: Any) -> str:
    """A level heading without the points printed after it: '产出指标(50分)' → '产出指标'."""
    return re.sub(r"\(\d+(?:\.\d+)?分\)$", "", compact(text))


def strip_provenance(data: bytes) -> bytes:
    """Drop the leading `# SOURCE:` / `# NOTE:` lines: the text as a user would have it."""
    lines = data.split(b"\n")
    i = 0
    while i < len(lines) and (lines[i].startswith(b"# SOURCE:") or lines[i].startswith(b"# NOTE:")):
        i += 1
    return b"\n".join(lines[i:])


def same_number(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    try:
        e, g = float(expected), float(got)
    except (TypeError, ValueError):
        return False
    return abs(e - g) <= 0.01 or abs(e - g) <= 1e-6 * max(abs(e), abs(g))


def same_value(expected: Any, got: Any) -> bool:
    """Numbers within tolerance, strings compacted, None only equal to None/empty."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return same_number(expected, got)
    if expected is None:
        return got is None or compact(got) == ""
    return compact(expected) == compact(got)


def _name_match(expected: str, got: str) -> bool:
    e, g = compact(expected), compact(got)
    if not e or not g:
        return False
    if e == g:
        return True
    if e in g or g in e:
        return min(len(e), len(g)) / max(len(e), len(g)) >= 0.8
    return False


def _similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, compact(a), compact(b)).ratio()


def pick_project(filing, expected_name: Optional[str]):
    """The parsed project whose name matches the expected one best, else the first."""
    projects = list(filing.projects)
    if not projects:
        return None
    if not expected_name:
        return projects[0]
    return max(projects, key=lambda p: _similarity(expected_name, p.name or ""))


def match_indicator(expected_name: str, parsed: list):
    """Compact equality first, then containment with length ratio ≥ 0.8."""
    for ind in parsed:
        if compact(ind.name) == compact(expected_name):
            return ind
    for ind in parsed:
        if _name_match(expected_name, ind.name):
            return ind
    return None


class _Tally:
    def __init__(self, score: DocScore) -> None:
        self.s = score

    def check(self, fact: str, expected: Any, got: Any, ok: Optional[bool] = None) -> None:
        self.s.facts_total += 1
        right = same_value(expected, got) if ok is None else ok
        if right:
            self.s.facts_right += 1
        else:
            self.s.misses.append((fact, expected, got))


def count_facts(expected: dict) -> int:
    """How many facts an expectation holds (what a refusal loses)."""
    n = 1
    project = expected.get("project") or {}
    for key, val in project.items():
        n += len(val) if key == "budget" else 1
    n += len(expected.get("evaluation") or {})
    for row in expected.get("indicators") or []:
        n += 1 + sum(1 for k in INDICATOR_FIELDS if k in row)
    return n


def _compare(expected: dict, filing, tally: _Tally) -> None:
    tally.check("kind", expected["kind"], filing.kind)
    exp_project = expected.get("project") or {}
    project = pick_project(filing, exp_project.get("name"))
    none = object()

    def attr(obj, name):
        return getattr(obj, name, None) if obj is not None else None

    for key, val in exp_project.items():
        if key == "name":
            tally.check("project.name", val, attr(project, "name"))
        elif key == "unit":
            got = attr(project, "unit")
            ok = same_value(val, got) or same_value(val, filing.unit)
            tally.check("project.unit", val, got if got else filing.unit, ok)
        elif key in ("department", "implementer"):
            tally.check(f"project.{key}", val, attr(project, key))
        elif key == "year":
            start = attr(project, "start_date")
            start_year = start.year if start is not None else None
            ok = same_number(val, filing.year) or same_number(val, start_year)
            tally.check("year", val, filing.year if filing.year is not None else start_year, ok)
        elif key == "budget":
            budget = attr(project, "budget")
            for bkey, bval in val.items():
                tally.check(f"budget.{bkey}", bval, attr(budget, bkey))
    evaluation = filing.evaluation
    for key, val in (expected.get("evaluation") or {}).items():
        tally.check(f"evaluation.{key}", val, attr(evaluation, key))
    parsed_rows = list(project.indicators) if project is not None else []
    for row in expected.get("indicators") or []:
        name = row["name"]
        ind = match_indicator(name, parsed_rows)
        tally.check(f"indicator[{name}]", name, ind.name if ind else None, ind is not None)
        for key in INDICATOR_FIELDS:
            if key not in row:
                continue
            got = getattr(ind, key, none) if ind is not None else none
            if got is none:
                tally.check(f"indicator[{name}].{key}", row[key], None, False)
            elif key in ("level1", "level2"):
                # the label is the fact; a printed weight '(50分)' after it is the section's points
                tally.check(f"indicator[{name}].{key}", row[key], got, level_label(row[key]) == level_label(got))
            else:
                tally.check(f"indicator[{name}].{key}", row[key], got)


def score_document(expected: dict, path: Path) -> DocScore:
    """Parse `path` (provenance stripped) and count the expected facts it gets right."""
    from corpus.errors import ParseError
    from corpus.parse import parse_bytes

    path = Path(path)
    score = DocScore(
        file=expected["file"], shape=expected.get("shape", ""), kind=expected["kind"],
        complete=bool(expected.get("complete", True)),
    )
    data = strip_provenance(path.read_bytes())
    start = time.perf_counter()
    try:
        filing = parse_bytes(data, str(path.name))
    except ParseError as err:
        score.parse_seconds = time.perf_counter() - start
        score.refused = True
        score.error = str(err)
        score.facts_total = count_facts(expected)
        score.misses.append(("refused", "parsed filing", str(err)))
        return score
    score.parse_seconds = time.perf_counter() - start
    score.warnings = list(filing.warnings)
    _compare(expected, filing, _Tally(score))
    return score


def score_all(directory: Path = EXPECTED_DIR, web: Path = WEB) -> list[DocScore]:
    return [score_document(exp, web / exp["file"]) for exp in load_expectations(directory)]


SHAPE_FAMILIES = (
    ("traditional-char", ("traditional",)),
    ("interleaved extraction", ("interleaved", "out of order", "one line")),
    ("prose", ("prose", "one paragraph")),
    ("doc-site OCR chunks", ("doc-site", "ocr")),
    ("run together / separators removed", ("run together", "separators removed")),
    ("one cell per line", ("one cell per line",)),
    ("pipe-flattened", ("pipe",)),
    ("space-separated", ("space-separated",)),
)


def shape_family(shape: str) -> str:
    """Group the README's shape strings into ~8 families (first keyword wins)."""
    low = shape.lower()
    for family, keys in SHAPE_FAMILIES:
        if any(k in low for k in keys):
            return family
    return "other"
