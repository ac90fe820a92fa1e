"""bench/peak_memory.py's table and target (issue 18: every chapter's kernel at most 600 MB)."""

from __future__ import annotations

from bench.run import TARGETS, details, table_rows


def _memory(per_notebook):
    ranked = sorted(per_notebook.items(), key=lambda kv: -kv[1]["peak_rss_mb"])
    return {"memory": {"result": {"per_notebook": dict(ranked), "max_mb": ranked[0][1]["peak_rss_mb"],
                                  "heaviest": ranked[0][0], "wall_s": 1.0}, "measured": "2026-12-01"}}


def test_the_target_is_600_mb_for_the_heaviest_chapter():
    assert TARGETS["memory"] == 600.0
    over = _memory({"08.ipynb": {"peak_rss_mb": 601.0, "seconds": 1.0}, "01.ipynb": {"peak_rss_mb": 160.0, "seconds": 1.0}})
    under = _memory({"08.ipynb": {"peak_rss_mb": 599.0, "seconds": 1.0}})
    (row_over,), (row_under,) = ([r for r in table_rows(d, {"memory"}) if r[0] == "5"] for d in (over, under))
    assert row_over[1].startswith("peak kernel RSS, heaviest chapter (08.ipynb)") and row_over[2] == "601 MB"
    assert row_over[-1] != row_under[-1] and row_under[-1] == "met"


def test_the_table_shows_pss_and_private_memory_when_measured():
    data = _memory({"08.ipynb": {"peak_rss_mb": 590.4, "max_pss_mb": 500.2, "max_anon_mb": 430.7, "seconds": 17.2},
                    "old.ipynb": {"peak_rss_mb": 300.0, "seconds": 3.0}})  # a cached result from before the columns
    text = details(data)
    assert "| 08.ipynb | 590 MB | 500 MB | 431 MB | 17 s |" in text
    assert "| old.ipynb | 300 MB |  |  | 3 s |" in text
