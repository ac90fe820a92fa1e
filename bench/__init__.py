"""Benchmarks of the kit against 🤗 Transformers: ``.venv/bin/python -m bench`` (or ``python bench/run.py``).

Every file measures one thing; run.py runs them all, prints a table and writes bench/results.md.
Nothing here is imported by lesson_lib, the notebooks or the tests.
"""
