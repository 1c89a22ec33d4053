"""Reciprocal rank fusion of ranked lists.

Example:
    >>> rrf([[3, 1], [1, 7]], k=60)[0]
    1
"""

from __future__ import annotations

from typing import Sequence

RRF_K = 60


def rrf_scores(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Sum of 1/(k + rank) over the lists each item appears in (rank starts at 1)."""
    out: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            out[item] = out.get(item, 0.0) + 1.0 / (k + rank)
    return out


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[int]:
    """Items ordered by fused score, ties broken by first appearance."""
    scores = rrf_scores(rankings, k)
    first = {}
    for ranking in rankings:
        for item in ranking:
            first.setdefault(item, len(first))
    return sorted(scores, key=lambda i: (-scores[i], first[i]))
