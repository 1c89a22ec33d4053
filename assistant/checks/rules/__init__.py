"""Importing this package registers every rule."""

from assistant.checks.rules import (  # noqa: F401
    goals, hygiene, legal, money, narrative, placement, selfeval, structure, values,
)
