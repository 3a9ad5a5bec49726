"""Measure the trained model on labelled sets: per label, with the misses listed.

`make evaluate` (`python -m evaluation`) runs the project's held-out sets; extra
sets in the parents' dev-set format can be passed with `--set PATH`.
"""
