from index.tokenize import DomainTokenizer, terms_from_names


def test_domain_terms_are_kept_whole_and_split_for_search():
    tok = DomainTokenizer.from_terms([])
    toks = tok.tokenize("建筑起重机械使用安全监督检测抽查工地数")
    assert "起重机械" in toks and "建筑起重机械" in toks
    assert {"起重机械", "检测", "抽查"} <= set(tok.tokenize("起重机械 检测 抽查"))


def test_query_cut_like_documents_after_save_and_load(tmp_path):
    tok = DomainTokenizer.from_terms(["监督抽检覆盖率"])
    tok.save(tmp_path / "d.txt")
    again = DomainTokenizer.load(tmp_path / "d.txt")
    text = "对在建的工程项目实施建材监督抽检率，监督抽检覆盖率>=5%"
    assert again.tokenize(text) == tok.tokenize(text)
    assert again.hash == tok.hash
    assert "监督抽检覆盖率" in again.tokenize(text)


def test_stopwords_and_punctuation_dropped():
    tok = DomainTokenizer.from_terms([])
    assert tok.tokenize("的，。、和 与") == []
    assert tok.tokenize("ＡＢＣ１２３") == tok.tokenize("abc123")  # full width normalised


def test_corpus_terms_need_two_uses_and_cjk_only():
    names = ["群众满意度", "群众满意度", "对19年度涉事故企业强制培训", "抽检合格率（%）", "抽检合格率"]
    terms = terms_from_names(names)
    assert "群众满意度" in terms and "抽检合格率" in terms
    assert all("19" not in t for t in terms)


def test_dictionary_hash_changes_with_terms():
    assert DomainTokenizer.from_terms(["甲乙丙"]).hash != DomainTokenizer.from_terms([]).hash


def test_worker_pool_cuts_exactly_like_one_process(monkeypatch):
    """The pool path (spawned workers rebuilding the tokenizer) must match the serial path token for token."""
    import index.tokenize as tokenize_mod
    from corpus.parse import parse_file
    from tests.conftest import SEED_000

    filing = parse_file(SEED_000)
    texts = [i.name for p in filing.projects for i in p.indicators] + [s.text for p in filing.projects for s in p.sections]
    texts = texts * 3 + ["", "的，。"]
    tok = DomainTokenizer.from_terms(terms_from_names(texts) + ["抽检合格率"])
    serial = tok.tokenize_many(texts, workers=1)
    monkeypatch.setattr(tokenize_mod, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(tokenize_mod, "_CHUNK", 7)
    seen = []
    pooled = tok.tokenize_many(texts, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert pooled == serial
    assert serial[-2:] == [[], []] and any(serial)
    assert seen[-1] == (len(texts), len(texts)) and len(seen) > 2
