"""Issue 14: the 自评 actuals template neutralises formula prefixes and reads its own cells back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from assistant.drafting.actuals import actuals_template_csv, load_actuals
from corpus.models import Indicator, Project


def _project() -> Project:
    rows = [
        Indicator(level1="产出指标", level2="数量指标", name='=HYPERLINK("http://x","点")', raw_value="=100%"),
        Indicator(level1="产出指标", level2="质量指标", name="@DDE(cmd)", raw_value="+5"),
        Indicator(level1="效益指标", level2="社会效益", name="检查项目数", raw_value="-3天"),
    ]
    return Project(name="安全质量监督查处", indicators=rows)


def test_csv_formula_injection_in_actuals_template_neutralised(tmp_path: Path) -> None:
    text = actuals_template_csv(_project())
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row if not row[0].startswith("#")]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
    assert "'=100%" in cells and "'=HYPERLINK(\"http://x\",\"点\")" in cells and "'-3天" in cells


def test_actuals_template_reader_strips_the_quote_back(tmp_path: Path) -> None:
    text = actuals_template_csv(_project())
    filled = []
    for line in text.splitlines():
        if "DDE" in line:
            line = line.replace(",,", ",'=98%,", 1)
        filled.append(line)
    f = tmp_path / "actuals.csv"
    f.write_text("\n".join(filled) + "\n", encoding="utf-8")
    given = load_actuals(f)
    assert given.actuals == {"@DDE(cmd)": "=98%"}
