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
