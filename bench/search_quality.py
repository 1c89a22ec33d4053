"""Recall@10 and MRR of lexical, semantic and hybrid search on the labelled queries.

    python bench/search_quality.py [--model NAME_OR_PATH] [--k 10]

Indexes the sample corpus (corpus/sample) and seed 000 into a temporary home; a
passage is relevant when its file path contains `file`, its type matches and its text
contains `contains` (bench/queries.json). Semantic and hybrid rows need an embedding
model on disk; without one the script says so and reports lexical only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def relevant(passage, labels) -> bool:
    return any(l["file"] in passage.path and passage.type == l["type"] and l["contains"] in passage.text for l in labels)


def evaluate(idx, queries, mode, k, embedder):
    from index.searcher import SearchFilters

    recall = mrr = 0.0
    misses = []
    for item in queries:
        labels = item["relevant"]
        qv = embedder.embed_query(item["query"]) if embedder is not None and mode != "lexical" else None
        resp = idx.search(item["query"], SearchFilters(**item.get("filters", {})), k=k, query_vector=qv, mode=mode, with_usage=False)
        ranks = [h.rank for h in resp.hits if relevant(h.passage, labels)]
        total = sum(1 for r in idx.rows if relevant(type("P", (), r), labels))
        found = len(ranks)
        recall += found / max(1, min(total, k))
        mrr += 1.0 / ranks[0] if ranks else 0.0
        if not ranks:
            misses.append(item["query"])
    n = len(queries)
    return recall / n, mrr / n, misses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--k", type=int, default=10)
    a = ap.parse_args()
    from corpus.ingest import ingest_paths
    from corpus.store import CorpusStore
    from index.embed import load_embedder
    from index.errors import ModelUnavailable
    from index.searcher import SearchIndex, build_index

    queries = json.loads((ROOT / "bench" / "queries.json").read_text(encoding="utf-8"))["queries"]
    seed = ROOT.parent / "shared" / "seeds" / "000_5c8e543f8e6d7888.txt"
    embedder, why = None, None
    try:
        embedder = load_embedder(a.model)
    except ModelUnavailable as exc:
        why = exc.reason
    with tempfile.TemporaryDirectory() as home:
        with CorpusStore(home) as store:
            ingest_paths(store, [ROOT / "corpus" / "sample", seed])
            build_index(Path(home) / "index", store.iter_filings(), store.ids(), embedder, why)
        idx = SearchIndex.load(Path(home) / "index")
        print(f"{len(queries)} queries over {len(idx.rows)} passages ({idx.manifest.counts.filings} filings)")
        subsets = {
            "all": queries,
            "filed wording": [q for q in queries if "paraphrase" not in q.get("note", "")],
            "paraphrase": [q for q in queries if "paraphrase" in q.get("note", "")],
        }
        print(f"| mode | queries | Recall@{a.k} | MRR | queries with no relevant hit |\n|---|---|---|---|---|")
        for mode in ("lexical", "semantic", "hybrid"):
            if mode != "lexical" and embedder is None:
                print(f"| {mode} | — | — | — | no embedding model on disk ({why}) |")
                continue
            for label, subset in subsets.items():
                r, m, misses = evaluate(idx, subset, mode, a.k, embedder)
                print(f"| {mode} | {label} ({len(subset)}) | {r:.3f} | {m:.3f} | {len(misses)}: {'、'.join(misses[:6])} |")


if __name__ == "__main__":
    main()
