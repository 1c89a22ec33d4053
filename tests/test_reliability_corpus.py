"""Issue 14: one bad filing must never break the corpus (validation at the boundary)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from corpus.filing_json import parse_filing_json
from corpus.ingest import ingest_paths
from corpus.models import Budget, Filing
from corpus.normalize import parse_money
from corpus.parse import parse_bytes
from corpus.store import CorpusStore, InvalidRecord

SEED = Path("/work/shared/seeds/000_5c8e543f8e6d7888.txt")


def _seed_json(tmp_path: Path) -> dict:
    filing = parse_bytes(SEED.read_bytes(), str(SEED))
    return json.loads(filing.model_dump_json())


def test_400_digit_amount_does_not_poison_store(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("项目总预算（元）： 517,500", "项目总预算（元）： " + "9" * 400, 1)
    assert "9" * 400 in text
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_bad.txt").write_text(text, encoding="utf-8")
    with CorpusStore(tmp_path / "home") as store:
        report = ingest_paths(store, [folder])
        assert len(report.parsed) == 1, report.failed
        fid = report.parsed[0][1]
        filing = store.get(fid)  # reads back
        totals = [p.budget.total for p in filing.projects]
        assert all(t is None or t < 1e15 for t in totals)
        assert len(list(store.iter_filings())) == 1
    assert parse_money("9" * 400) is None
    assert parse_money("9" * 300 + "万元") is None
    assert parse_money("517,500") == 517500.0


@pytest.mark.parametrize("bad", ["NaN", "1e400", "-Infinity"])
def test_nan_or_1e400_in_budget_sources_refused(tmp_path: Path, bad: str) -> None:
    obj = _seed_json(tmp_path)
    obj["projects"][0]["budget"]["sources"] = {"财政拨款": "__BAD__"}
    data = json.dumps(obj, ensure_ascii=False).replace('"__BAD__"', bad).encode()
    from corpus.errors import ParseError
    with pytest.raises(ParseError) as err:
        parse_filing_json(data, "x.json")
    assert "sources" in err.value.detail


def test_year_2_pow_63_and_900_deep_extra_do_not_stop_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    obj = _seed_json(tmp_path)
    big_year = dict(obj, year=2**63)
    (folder / "a_year.json").write_text(json.dumps(big_year, ensure_ascii=False), encoding="utf-8")
    deep = dict(obj, extra_blob=json.loads("[" * 900 + "]" * 900))
    (folder / "b_deep.json").write_text(json.dumps(deep, ensure_ascii=False), encoding="utf-8")
    (folder / "z_good.txt").write_bytes(SEED.read_bytes())
    with CorpusStore(tmp_path / "home") as store:
        report = ingest_paths(store, [folder])
        failed = {Path(p).name for p, _ in report.failed}
        assert failed == {"a_year.json", "b_deep.json"}, report.failed
        assert [Path(p).name for p, _ in report.parsed] == ["z_good.txt"]
        assert store.stats()["filings"] == 1


def test_record_revalidated_before_store(tmp_path: Path) -> None:
    filing = parse_bytes(SEED.read_bytes(), str(SEED))
    with pytest.raises(Exception):
        filing.projects[0].budget.total = float("inf")  # assignment is validated too
    with pytest.raises(Exception):
        Budget(total=1e16)
    bad = filing.model_copy(deep=True)
    object.__setattr__(bad, "year", 2**63)  # bypasses validation, as a buggy parser could
    with CorpusStore(tmp_path / "home") as store:
        with pytest.raises(InvalidRecord):
            store.put(bad)
        assert store.stats()["filings"] == 0


def test_store_with_bad_record_reports_and_goes_on(tmp_path: Path) -> None:
    with CorpusStore(tmp_path / "home") as store:
        report = ingest_paths(store, [SEED, Path("/work/shared/seeds/004_59167206fa98a72b.txt")])
        assert len(report.parsed) == 2
        bad_id = report.parsed[0][1]
    db = sqlite3.connect(tmp_path / "home" / "corpus.sqlite3")
    row = db.execute("SELECT record FROM filings WHERE id = ?", (bad_id,)).fetchone()[0]
    obj = json.loads(row)
    obj["projects"][0]["budget"]["sources"] = {"财政拨款": None}  # what inf became in older versions
    db.execute("UPDATE filings SET record = ? WHERE id = ?", (json.dumps(obj, ensure_ascii=False), bad_id))
    db.commit()
    db.close()
    with CorpusStore(tmp_path / "home") as store:
        assert [fid for fid, _ in store.iter_filings()] == [report.parsed[1][1]]
        bad = store.bad_records()
        assert [b[0] for b in bad] == [bad_id] and "sources" in bad[0][2]
        with pytest.raises(InvalidRecord):
            store.get(bad_id)
        assert [b[0] for b in store.repair()] == [bad_id]
        assert store.bad_records() == [] and store.stats()["filings"] == 1
        from index.searcher import build_index  # the index build reads through the same path
        assert build_index is not None


def test_disk_full_gives_one_chinese_line(tmp_path: Path) -> None:
    from corpus.errors import StoreError
    filing = parse_bytes(SEED.read_bytes(), str(SEED))
    with CorpusStore(tmp_path / "home") as store:
        store._db.execute("PRAGMA max_page_count = 8")  # a database that cannot grow: SQLITE_FULL
        with pytest.raises(StoreError) as err:
            store.put(filing)
        assert "磁盘已满" in str(err.value) and "\n" not in str(err.value)
        assert store.stats()["filings"] == 0


def test_corpus_check_and_repair_commands_list_and_remove_bad_rows(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app  # registers every command

    home = tmp_path / "home"
    monkeypatch.setenv("JIXIAO_HOME", str(home))
    with CorpusStore(home) as store:
        fid = store.put(parse_bytes(SEED.read_bytes(), str(SEED)))
    db = sqlite3.connect(home / "corpus.sqlite3")
    db.execute("UPDATE filings SET record = json_set(record, '$.year', 'x') WHERE id = ?", (fid,))
    db.commit()
    db.close()
    runner = CliRunner()
    r = runner.invoke(app, ["corpus", "check"])
    assert r.exit_code == 1 and fid in r.output and "year" in r.output, r.output
    r = runner.invoke(app, ["corpus", "repair"])
    assert r.exit_code == 0 and "共移除 1 条" in r.output, r.output
    r = runner.invoke(app, ["corpus", "check"])
    assert r.exit_code == 0 and "共 0 条" in r.output
