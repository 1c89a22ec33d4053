"""One parser per kind of filing; `corpus.parse` picks the right one."""
