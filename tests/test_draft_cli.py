"""`jixiao draft …` through the Typer runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import assistant.cli  # noqa: F401
from assistant.cli_app import app
from corpus.models import Filing
from corpus.parse import parse_file
from tests.draft_support import corpus_home

runner = CliRunner()


def test_rollover_text_json_and_docx(tmp_path):
    home = str(corpus_home(tmp_path))
    r = runner.invoke(app, ["--home", home, "draft", "rollover", "--project", "建设工程监督检测", "--to-year", "2021"])
    assert r.exit_code == 0, r.output
    assert "同名项目上年预算额（元）：1,530,000" in r.output and "【待填：上年预算执行数】" in r.output
    assert "草稿新增 0 条" in r.output
    out = tmp_path / "d.docx"
    r = runner.invoke(app, ["--home", home, "draft", "rollover", "--project", "建设工程监督检测", "--to-year", "2021",
                            "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.output)
    assert payload["filing"]["year"] == 2021 and payload["changes"]
    assert parse_file(out).projects[0].budget.prior_year_budget == 1530000


def test_new_writes_filing_json(tmp_path):
    home = str(corpus_home(tmp_path))
    out = tmp_path / "n.json"
    r = runner.invoke(app, ["--home", home, "draft", "new", "--name", "建筑工地质量安全巡查", "--unit", "虹川区建设工程质量安全监督站",
                            "--category", "经常性项目", "--budget", "1200000", "--brief", "在建工程质量安全抽检",
                            "--year", "2025", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "出自 " in r.output and "错误 0" in r.output
    filing = Filing.model_validate_json(out.read_text(encoding="utf-8"))
    assert filing.year == 2025 and filing.projects[0].budget.current_year == 1200000


def test_errors_are_one_line(tmp_path):
    home = str(corpus_home(tmp_path))
    r = runner.invoke(app, ["--home", home, "draft", "rollover", "--project", "没有这个项目"])
    assert r.exit_code == 2 and "错误：语料库中没有名称含「没有这个项目」" in r.output
    r = runner.invoke(app, ["--home", home, "draft", "rollover", "--project", "建设工程监督检测", "--out", str(tmp_path / "a.pdf")])
    assert r.exit_code == 2 and "不支持的输出格式" in r.output
    empty = tmp_path / "empty"
    r = runner.invoke(app, ["--home", str(empty), "draft", "new", "--name", "x", "--unit", "y", "--budget", "1"])
    assert r.exit_code == 0 and "语料库中没有任何目标表" in r.output  # an empty corpus drafts a skeleton
