"""The corpus database and the CLI, end to end on real files."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

import assistant.cli  # noqa: F401  (registers every command)
from assistant.cli_app import app
from corpus.ingest import ingest_paths
from corpus.store import CorpusStore
from tests.conftest import COMMERCE_PDF, SEED_000, SEED_004

runner = CliRunner()


@pytest.fixture()
def inbox(tmp_path):
    """A folder with both seeds, a real PDF, a nested folder and some bad files."""
    d = tmp_path / "inbox"
    (d / "nested").mkdir(parents=True)
    shutil.copy(SEED_000, d / "a.txt")
    shutil.copy(SEED_004, d / "nested" / "b.txt")
    shutil.copy(COMMERCE_PDF, d / "c.pdf")
    (d / "empty.txt").write_bytes(b"")
    (d / "notes.md").write_text("# not a filing")
    (d / "diary.txt").write_text("今天天气很好。")
    return d


def test_ingest_stores_and_reports(inbox, tmp_path):
    with CorpusStore(tmp_path / "home") as store:
        report = ingest_paths(store, [inbox])
        assert sorted(p.split("/")[-1] for p, _ in report.parsed) == ["a.txt", "b.txt", "c.pdf"]
        assert sorted(p.split("/")[-1] for p, _ in report.failed) == ["diary.txt", "empty.txt"]
        assert [p.split("/")[-1] for p, _ in report.skipped] == ["notes.md"]
        rows = store.list()
        assert {r.kind for r in rows} == {"target_table", "self_evaluation", "budget_disclosure"}
        seed = next(r for r in rows if r.kind == "target_table")
        assert (seed.unit, seed.year, seed.n_projects, seed.n_indicators) == ("上海市建设工程安全质量监督总站", 2020, 3, 42)
        assert store.get(seed.id).projects[1].name == "建设工程安全质量管控"
        assert store.integrity_ok()


def test_ingest_twice_changes_nothing_and_changed_file_replaces(inbox, tmp_path):
    with CorpusStore(tmp_path / "home") as store:
        first = ingest_paths(store, [inbox])
        again = ingest_paths(store, [inbox])
        assert again.parsed == [] and again.replaced == [] and len(again.duplicates) == 3
        assert len(store.list()) == 3
        # edit one filing: the same path now holds other bytes
        a = inbox / "a.txt"
        a.write_text(a.read_text(encoding="utf-8").replace("517,500", "600,000"), encoding="utf-8")
        third = ingest_paths(store, [a])
        assert len(third.replaced) == 1 and third.parsed == []
        rows = store.list(kind="target_table")
        assert len(rows) == 1
        assert store.get(rows[0].id).projects[0].budget.total == 600_000.0
        old_id = next(fid for p, fid in first.parsed if p.endswith("a.txt"))
        assert old_id != rows[0].id


def test_failed_transaction_leaves_nothing(tmp_path, seed000):
    with CorpusStore(tmp_path / "home") as store:
        broken = seed000.model_copy(deep=True)
        broken.projects[0].__dict__["name"] = None  # violates NOT NULL in projects, after filings row went in
        from corpus.store import InvalidRecord  # refused by the re-validation before the transaction (issue 14)
        with pytest.raises((sqlite3.IntegrityError, InvalidRecord)):
            store.put(broken, path="/x/a.txt")
        assert store.list() == []
        assert store._db.execute("SELECT COUNT(*) FROM projects").fetchone()[0] == 0


def test_cli_parse_json_contract():
    result = runner.invoke(app, ["parse", str(SEED_000), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"kind", "unit", "year", "source", "projects", "evaluation"}
    assert set(data["source"]) >= {"path", "sha256", "format"}
    p = data["projects"][0]
    assert set(p) >= {"name", "category", "start_date", "end_date", "sections", "legal_bases", "budget",
                      "spending_plan", "indicators"}
    assert set(p["indicators"][1]) >= {"level1", "level2", "name", "comparator", "value", "unit", "raw_value",
                                       "actual", "weight", "score"}
    assert p["start_date"] == "2020-01-01"
    assert p["indicators"][1]["comparator"] == "=" and p["indicators"][1]["unit"] == "家"


def test_cli_parse_bad_file_one_line(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}：文件为空" in result.output


def test_cli_ingest_list_show(inbox, jixiao_home):
    result = runner.invoke(app, ["--home", str(jixiao_home), "ingest", "-q", str(inbox)])
    assert result.exit_code == 1  # two files failed
    assert "新增 3" in result.output and "失败 2" in result.output
    assert "empty.txt：文件为空" in result.output
    again = runner.invoke(app, ["--home", str(jixiao_home), "ingest", "-q", str(inbox / "a.txt")])
    assert again.exit_code == 0 and "重复跳过 1" in again.output
    listing = runner.invoke(app, ["--home", str(jixiao_home), "corpus", "list"])
    assert "上海市建设工程安全质量监督总站" in listing.output and "共 3 个文件" in listing.output
    fid = listing.output.split()[0]
    shown = runner.invoke(app, ["--home", str(jixiao_home), "corpus", "show", fid[:8]])
    assert shown.exit_code == 0
    missing = runner.invoke(app, ["--home", str(jixiao_home), "corpus", "show", "ffffffff"])
    assert missing.exit_code == 2 and "没有编号为 ffffffff" in missing.output
