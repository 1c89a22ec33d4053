from tests.index_support import seed_filing

from index.passages import filing_passages, value_text


def test_seed_000_passages_cover_every_row_and_item():
    fid, filing = seed_filing()
    ps = filing_passages(fid, filing)
    n_ind = sum(1 for p in filing.projects for i in p.indicators if not i.empty and i.name.strip())
    assert sum(p.type == "indicator" for p in ps) == n_ind >= 35
    assert sum(p.type == "legal_basis" for p in ps) == sum(len(p.legal_bases) for p in filing.projects)
    assert len({p.id for p in ps}) == len(ps)
    crane = next(p for p in ps if p.name == "建筑起重机械使用安全监督检测抽查工地数")
    assert crane.text.startswith("安全质量监督查处 产出目标 产出 数量")
    assert crane.value_text == "=30个" and crane.line_start == 83 and crane.year == 2020


def test_ids_stable_across_reparse_and_change_with_content():
    fid, filing = seed_filing()
    a = [p.id for p in filing_passages(fid, filing)]
    fid2, filing2 = seed_filing()
    assert a == [p.id for p in filing_passages(fid2, filing2)]
    filing2.projects[0].indicators[1].name += "（修订）"
    b = [p.id for p in filing_passages(fid2, filing2)]
    changed = [x for x, y in zip(a, b) if x != y]
    assert len(changed) == 1


def test_value_text_uses_unicode_comparators():
    _, filing = seed_filing()
    sat = next(i for i in filing.projects[0].indicators if i.name == "群众满意度")
    assert value_text(sat) == "≥90%"


def test_48mb_paragraph_is_cut_into_bounded_passages_and_search_stays_small(tmp_path):
    """Finding (issue 14): one 48 MB paragraph was one passage; every later search then took
    4.4 s and 1.6 GB. A long paragraph is now cut into pieces of at most MAX_PASSAGE_CHARS
    (after a sentence end when one is near), an indicator's text is clipped, and a search
    returns passages of bounded size. 3 MB here; bench/hostile_files.py has the 48 MB run."""
    from index.passages import MAX_PASSAGE_CHARS
    from index.searcher import SearchIndex, build_index

    fid, filing = seed_filing()
    sentence = "本项目对全市在建工程开展监督抽查并形成整改闭环，"
    para = (sentence * 40 + "。") * (3_000_000 // (len(sentence) * 40))
    filing.projects[0].sections[0].text = para
    filing.projects[0].indicators[0].name = "超长指标" * 100_000
    ps = filing_passages(fid, filing)
    sections = [p for p in ps if p.type == "section" and p.project_idx == 0]  # document order
    n = next(i for i, p in enumerate(sections) if not p.text[len(f"{filing.projects[0].name} "):].startswith(
        filing.projects[0].sections[0].title))
    pieces = sections[:n]
    prefix = f"{filing.projects[0].name} {filing.projects[0].sections[0].title} "
    assert len(pieces) > 2_000
    assert all(len(p.text) <= len(prefix) + MAX_PASSAGE_CHARS for p in pieces)
    assert "".join(p.text[len(prefix):] for p in pieces) == para  # nothing lost, nothing repeated
    assert all(p.text.endswith("。") for p in pieces[:-1])  # cut after a sentence end
    assert max(len(p.text) for p in ps) <= 2 * MAX_PASSAGE_CHARS
    assert len({p.id for p in ps}) == len(ps)

    build_index(tmp_path / "index", [(fid, filing)], {fid: filing.source.sha256}, None)
    resp = SearchIndex.load(tmp_path / "index").search("监督抽查 整改闭环", k=10, mode="lexical", with_usage=False)
    assert resp.hits and all(len(h.passage.text) <= 2 * MAX_PASSAGE_CHARS for h in resp.hits)


def test_real_paragraphs_are_never_cut():
    """Every section paragraph of the sample corpus and the 42 real web filings stays one
    passage (the longest, 1,055 characters, is under the limit)."""
    import re

    from corpus.parse import parse_file
    from index.passages import _paragraphs
    from tests.conftest import REAL
    from tests.index_support import SAMPLE

    paths = [p for d in (SAMPLE, REAL / "web") for p in sorted(d.iterdir())
             if p.is_file() and p.suffix in (".txt", ".html", ".htm", ".docx", ".xlsx")]
    assert len(paths) > 40
    checked = 0
    for path in paths:
        f = parse_file(path)
        for sec in [s for pr in f.projects for s in pr.sections] + (f.evaluation.sections if f.evaluation else []):
            lines = [x.strip() for x in re.split(r"\n+", sec.text or "") if x.strip()]
            assert _paragraphs(sec.text) == lines, path.name
            checked += len(lines)
    assert checked > 400
