"""`jixiao check` and `jixiao rules` through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import assistant.cli  # noqa: F401  (registers the commands)
from assistant.cli_app import app

DATA = Path(__file__).parent / "data" / "checks"
runner = CliRunner()


def test_check_clean_file_exits_0(tmp_path):
    r = runner.invoke(app, ["--home", str(tmp_path), "check", str(DATA / "good_training.txt")])
    assert r.exit_code == 0, r.output
    assert "发现 0 条" in r.output


def test_check_errors_exit_1_and_show_source(tmp_path):
    r = runner.invoke(app, ["--home", str(tmp_path), "check", str(DATA / "bad_placement.txt")])
    assert r.exit_code == 1
    assert "C-01" in r.output and "第20行" in r.output and "依据：" in r.output


def test_check_json_and_rule_filter(tmp_path):
    r = runner.invoke(app, ["--home", str(tmp_path), "check", str(DATA / "bad_placement.txt"), "--json", "--rules", "M-01"])
    assert r.exit_code == 0  # M-01 is a warning only
    data = json.loads(r.output)
    assert [f["rule_id"] for f in data["findings"]] == ["M-01"]
    assert data["findings"][0]["basis"] == "convention"


def test_check_min_severity(tmp_path):
    r = runner.invoke(app, ["--home", str(tmp_path), "check", str(DATA / "bad_placement.txt"), "--json",
                            "--min-severity", "error"])
    assert {f["severity"] for f in json.loads(r.output)["findings"]} == {"error"}


def test_check_error_paths(tmp_path):
    r = runner.invoke(app, ["--home", str(tmp_path), "check", str(DATA / "bad_placement.txt"), "--rules", "Z-99"])
    assert r.exit_code == 2 and "未知的规则编号：Z-99" in r.output
    r = runner.invoke(app, ["--home", str(tmp_path), "check", str(tmp_path / "missing.txt")])
    assert r.exit_code == 2 and "错误：" in r.output
    r = runner.invoke(app, ["--home", str(tmp_path), "check"])
    assert r.exit_code == 2


def test_check_corpus_summary(tmp_path):
    r = runner.invoke(app, ["--home", str(tmp_path), "ingest", "-q", str(DATA / "bad_placement.txt"), str(DATA / "good_training.txt")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--home", str(tmp_path), "check", "--corpus"])
    assert r.exit_code == 0, r.output
    assert "已检查 2 个文件" in r.output and "C-01" in r.output


def test_rules_lists_sources():
    r = runner.invoke(app, ["rules"])
    assert r.exit_code == 0
    assert "M-01" in r.output and "惯例" in r.output and "来源：" in r.output
