"""Retrieval, drafting, rule checks and the `jixiao` command line."""
