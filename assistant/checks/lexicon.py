"""The category lexicon: a TOML data file, extendable from the jixiao home."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from assistant.checks.errors import LexiconError

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.toml"
USER_FILE = "lexicon.toml"


@dataclass
class Lexicon:
    """Term lists by category, plus value and never-in lists.

    Example:
        >>> lex = load_lexicon(user_file=None)
        >>> lex.matches("生态效益", "扬尘控制达标率")
        True
    """

    categories: dict[str, list[str]] = field(default_factory=dict)
    never_in: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)

    def terms(self, category: str) -> list[str]:
        return self.categories.get(category, [])

    def matches(self, category: str, text: str) -> bool:
        return any(t in text for t in self.terms(category))

    def forbidden(self, category: str, text: str) -> Optional[str]:
        """The never_in term of `category` that `text` contains, if any."""
        return next((t for t in self.never_in.get(category, []) if t in text), None)

    def words(self, key: str) -> list[str]:
        return self.values.get(key, [])


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(str(path), str(exc)) from None


def _merge(base: dict[str, list[str]], extra: dict, remove: dict) -> None:
    for key, terms in extra.items():
        if isinstance(terms, list):
            base.setdefault(key, [])
            base[key].extend(t for t in terms if isinstance(t, str) and t not in base[key])
    for key, terms in remove.items():
        if key in base and isinstance(terms, list):
            base[key] = [t for t in base[key] if t not in terms]


def load_lexicon(path: Path = DEFAULT_PATH, user_file: Optional[Path] | str = "home") -> Lexicon:
    """The bundled lexicon, extended by `<home>/lexicon.toml` when present.

    `user_file="home"` looks in the jixiao home; pass a path to use another file, or
    None to use the bundled file alone (tests).
    """
    data = _read(path)
    lex = Lexicon(
        categories={k: list(v) for k, v in data.get("categories", {}).items()},
        never_in={k: list(v) for k, v in data.get("never_in", {}).items()},
        values={k: list(v) for k, v in data.get("values", {}).items()},
    )
    if user_file == "home":
        from assistant.home import home

        user_file = home() / USER_FILE
    if user_file is not None and Path(user_file).is_file():
        extra = _read(Path(user_file))
        remove = extra.get("remove", {})
        for section in ("categories", "never_in", "values"):
            _merge(getattr(lex, section), extra.get(section, {}), remove)
    return lex
