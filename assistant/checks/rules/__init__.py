"""Importing this package registers every rule."""

from assistant.checks.rules import goals, hygiene, legal, money, placement, selfeval, structure, values  # noqa: F401
