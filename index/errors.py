"""Exceptions raised by the search index. `str(err)` is a one-line Chinese message that
names what is wrong and how to get out of it; the CLI and the app print it as is."""

from __future__ import annotations


class SearchIndexError(Exception):
    """Base class for everything the index layer raises on purpose."""


class EmptyQuery(SearchIndexError):
    """The query is empty or holds only stopwords and punctuation."""


class BadFilter(SearchIndexError):
    """A filter value is malformed or matches nothing in the index."""


class IndexMissing(SearchIndexError):
    """No index has been built under this home yet (or a file of it is missing)."""


class IndexCorrupted(SearchIndexError):
    """An index file cannot be read or disagrees with the manifest."""


class IndexStale(SearchIndexError):
    """The index no longer matches the corpus database."""


class ModelUnavailable(SearchIndexError):
    """The embedding model cannot be loaded (not installed, not cached, bad path).

    `reason` is the short cause ("未找到嵌入模型 X"), `str(err)` adds how to fix it.
    """

    def __init__(self, reason: str, how_to: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}。{how_to}" if how_to else reason)


class ModelMismatch(SearchIndexError):
    """The embedding model differs from the one the index was built with."""


class DimensionMismatch(ModelMismatch):
    """The embedding model's dimension differs from the index's."""


class IndexWriteFailed(SearchIndexError):
    """Writing the new index folder failed (disk full, no permission); the partial folder was
    removed and the previous index is still the one in use."""
