"""Reciprocal rank fusion of ranked lists, weighted by what the query looks like.

Lexical search wins when the writer quotes the filings (an indicator name, a 《title》,
a 文号: dense ranks paragraphs that merely quote a title above the item itself); dense
search wins on a writer's everyday words, which the filings do not contain. So the query
decides the weights (`fusion_weights`), from four features only: does it carry a 《title》
or a 文号, does it occur verbatim in some passage, does every one of its words occur in the
corpus, and do they all occur together in one passage.

Example:
    >>> rrf([[3, 1], [1, 7]], k=60)[0]
    1
    >>> fusion_weights("建质〔2014〕154号", unmatched=[], verbatim=False).lexical
    3.0
    >>> fusion_weights("重点排污单位监督性监测", unmatched=[], verbatim=True).lexical
    10.0
"""

from __future__ import annotations

import re
from typing import Literal, Sequence

from pydantic import BaseModel, Field

RRF_K = 60
QUOTED_LEXICAL_WEIGHT = 3.0
"""Lexical weight when the query cites a 《title》 or 文号, or when all its words occur
together in one passage (the dense list still adds recall)."""
VERBATIM_LEXICAL_WEIGHT = 10.0
"""Lexical weight when the query occurs word for word in a passage: the lexical order is
kept (a project name shared by all its passages makes dense pull in that project's other
items); dense still adds what lexical missed. Measured on bench/queries*.json: 3 and 5 cost
the sample set's filed nDCG@10 (0.956 and 0.969 against lexical's 0.970), 10 matches it,
paraphrases unchanged (they are never verbatim)."""
UNFAMILIAR_SEMANTIC_WEIGHT = 2.0
"""Dense weight when some query words occur in no passage (the writer's own wording)."""
CITED_ITEM_BONUS = QUOTED_LEXICAL_WEIGHT / (RRF_K + 1)
"""Added to a legal-basis item holding the cited title/文号: as if it topped the lexical list
once more, so the item outranks the 立项依据 paragraph or prose that merely quotes it."""
MIN_VERBATIM_CHARS = 3
"""A verbatim match shorter than this (满意, 成本) says nothing about the writer quoting."""

_TITLE = re.compile(r"《[^《》]{2,}》")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}\s*[〔【\[（(［﹝]\s*(?:19|20)\d{2}\s*[〕】\]）)］﹞]\s*第?\s*\d{1,5}\s*号")

Leaning = Literal["lexical", "equal", "semantic"]
LEANING_ZH = {"lexical": "偏重关键词", "equal": "关键词与语义等权", "semantic": "偏重语义"}


class FusionWeights(BaseModel):
    """How the two rankings were weighted for one query, and why (shown with the results)."""

    lexical: float = 1.0
    semantic: float = 1.0
    leaning: Leaning = "equal"
    reason: str = ""
    cited: str = Field(default="", description="the 《title》 or 文号 the query cites ('' if none)")

    def summary(self) -> str:
        return f"{LEANING_ZH[self.leaning]}（关键词 ×{self.lexical:g}，语义 ×{self.semantic:g}）：{self.reason}"


def quotes_filing(query: str) -> str:
    """What in the query is a citation by form: a 《title》 or a 文号 ('' if neither)."""
    m = _TITLE.search(query) or _DOC_NUMBER.search(query)
    return m.group(0) if m else ""


def fusion_weights(query: str, unmatched: Sequence[str], verbatim: bool, together: bool = False) -> FusionWeights:
    """The RRF weights for `query`.

    `unmatched`: the query's words that occur in no passage; `verbatim`: the query (spaces
    removed, normalised) occurs as written in some passage; `together`: one passage holds
    every query word. A citation, a verbatim quote or words found together trust lexical;
    words the corpus never uses lean on dense; otherwise equal. A cited title or 文号 also
    ranks the legal-basis item that is it above paragraphs quoting it (see `CITED_ITEM_BONUS`).
    """
    cited = quotes_filing(query)
    if cited:
        return FusionWeights(lexical=QUOTED_LEXICAL_WEIGHT, leaning="lexical", cited=cited,
                             reason=f"检索词含文件名称或文号“{cited}”，立项依据条目排在引用它的段落之前")
    compact = re.sub(r"\s+", "", query)
    if verbatim and len(compact) >= MIN_VERBATIM_CHARS:
        return FusionWeights(lexical=VERBATIM_LEXICAL_WEIGHT, leaning="lexical", reason="检索词与文件原文一字不差")
    if unmatched:
        return FusionWeights(semantic=UNFAMILIAR_SEMANTIC_WEIGHT, leaning="semantic",
                             reason=f"“{'、'.join(unmatched)}”在语料中没有出现，按意思检索")
    if together:
        return FusionWeights(lexical=QUOTED_LEXICAL_WEIGHT, leaning="lexical",
                             reason="检索词的每个词都出现在同一段原文中（原文的近似说法）")
    # Weighting lexical up here too was measured: it costs paraphrases that reuse corpus words.
    return FusionWeights(reason="检索词都在语料中出现，但没有哪一段同时包含全部检索词")


EQUAL = FusionWeights(reason="等权融合（--fusion equal）")


def rrf_scores(rankings: Sequence[Sequence[int]], k: int = RRF_K,
               weights: Sequence[float] | None = None) -> dict[int, float]:
    """Sum of w/(k + rank) over the lists each item appears in (rank starts at 1)."""
    out: dict[int, float] = {}
    for i, ranking in enumerate(rankings):
        w = 1.0 if weights is None else weights[i]
        for rank, item in enumerate(ranking, start=1):
            out[item] = out.get(item, 0.0) + w / (k + rank)
    return out


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K, weights: Sequence[float] | None = None) -> list[int]:
    """Items ordered by fused score, ties broken by first appearance."""
    scores = rrf_scores(rankings, k, weights)
    first = {}
    for ranking in rankings:
        for item in ranking:
            first.setdefault(item, len(first))
    return sorted(scores, key=lambda i: (-scores[i], first[i]))
