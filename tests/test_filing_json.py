"""A drafted filing saved as JSON is checked and ingested like any other filing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import assistant.cli  # noqa: F401
from assistant.cli_app import app
from corpus.errors import CorruptFile, NotAFiling, ParseError
from corpus.filing_json import parse_filing_json
from corpus.parse import parse_file
from tests.draft_support import corpus_home

runner = CliRunner()


def test_rollover_json_checks_and_ingests_like_a_filing(tmp_path):
    home = str(corpus_home(tmp_path))
    out = tmp_path / "rollover_2021.json"
    r = runner.invoke(app, ["--home", home, "draft", "rollover", "--project", "建设工程监督检测", "--to-year", "2021",
                            "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    draft = json.loads(r.output)
    filing = parse_file(out)
    assert filing.source.path == str(out) and filing.source.format == "json"
    assert filing.projects[0].budget.prior_year_budget == 1530000 and filing.year == 2021

    checked = runner.invoke(app, ["--home", home, "check", str(out), "--json"])
    found = sorted(f["rule_id"] for f in json.loads(checked.output)["findings"])
    assert found and found == sorted(f["rule_id"] for f in draft["findings"])

    before = runner.invoke(app, ["--home", home, "corpus", "list", "--json"])
    n_before = len(json.loads(before.output))
    r = runner.invoke(app, ["--home", home, "ingest", "-q", str(out)])
    assert r.exit_code == 0 and "新增 1" in r.output, r.output
    rows = json.loads(runner.invoke(app, ["--home", home, "corpus", "list", "--json"]).output)
    assert len(rows) == n_before + 1
    assert any(row["path"].endswith("rollover_2021.json") and row["year"] == 2021 for row in rows)
    again = runner.invoke(app, ["--home", home, "ingest", "-q", str(out)])
    assert "重复跳过 1" in again.output


def test_json_that_is_not_a_filing_is_skipped_in_a_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "MANIFEST.json").write_text('{"files": []}', encoding="utf-8")
    (folder / "broken.json").write_text('{"kind": "target_table",\n "projects": [', encoding="utf-8")
    r = runner.invoke(app, ["--home", str(tmp_path / "home"), "ingest", "-q", str(folder)])
    assert r.exit_code == 1
    assert "跳过：" in r.output and "MANIFEST.json" in r.output and "缺少 kind、projects" in r.output
    assert "失败：" in r.output and "broken.json" in r.output and "JSON 格式错误" in r.output


@pytest.mark.parametrize(
    "payload, error, text",
    [
        (b"", ParseError, "文件为空"),
        (b"[1, 2]", NotAFiling, "不是 jixiao 的文件记录"),
        (b'{"kind": "target_table", "projects": []\n,,}', CorruptFile, "第2行"),
        (b'{"kind": "memo", "projects": [], "source": {"path": "x", "sha256": "", "format": "txt"}}', ParseError, "「kind」无效"),
        (b"\xff\xfe{}", ParseError, "不是 UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, ParseError, "x.json"),
    ],
)
def test_bad_json_names_the_file_and_what_is_wrong(payload, error, text):
    with pytest.raises(error) as exc:
        parse_filing_json(payload, "x.json")
    assert text in str(exc.value) and "x.json" in str(exc.value)
