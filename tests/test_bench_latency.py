"""bench/latency.py: the forward-latency ratio pools several processes (their spread is the noise).

The children are replaced by fixed timings, so the test checks the arithmetic, not the machine.
"""

from __future__ import annotations

import pytest

from bench import _common, latency
from bench.run import details


def _fake_child(per_process_ll):
    """A run_child stand-in: process i times lesson_lib at per_process_ll[i] and transformers at 1.0."""
    calls = []

    def run_child(args, timeout=None, **kw):
        i = len(calls)
        calls.append(args)
        seed_reps, big_reps = int(args[-2]), int(args[-1])
        cases = {}
        for name, attentions in latency.CASES:
            reps = seed_reps if name == "seed" else big_reps
            cases[f"{name}|{attentions}"] = {
                "batch": name, "attentions": attentions, "shape": [2, 14] if name == "seed" else [32, 128],
                "times": {"lesson_lib": [per_process_ll[i]] * reps, "transformers": [1.0] * reps},
                "max_logit_diff": 1e-6 * (i + 1), "max_attention_diff": 2e-6 * (i + 1) if attentions else None,
            }
        return {"threads": 2, "tf_default_attn": "sdpa", "cases": cases}, 0.0, 3.0

    return run_child, calls


def test_ratio_is_pooled_over_processes(monkeypatch):
    run_child, calls = _fake_child([0.9, 1.0, 1.02, 1.2])
    monkeypatch.setattr(_common, "run_child", run_child)
    out = latency.measure("folder", seed_reps=100, big_reps=25, log=lambda *a: None, processes=4)
    assert len(calls) == 4
    assert [c[-2:] for c in calls] == [["25", "7"]] * 4  # ceil(100/4), ceil(25/4): never fewer reps than asked
    big = next(r for r in out["cases"] if r["batch"] == "32x128" and not r["attentions"])
    assert big["reps"] == 28
    assert big["process_ratios"] == [0.9, 1.0, 1.02, 1.2]
    # median of the 28 per-repetition ratios: 14 are <= 1.0, 14 are >= 1.02 -> halfway between
    assert big["ratio"] == pytest.approx(1.01)
    assert big["max_logit_diff"] == pytest.approx(4e-6)  # the worst process, not the first
    with_attn = next(r for r in out["cases"] if r["batch"] == "32x128" and r["attentions"])
    assert with_attn["max_attention_diff"] == pytest.approx(8e-6)
    assert out["processes"] == 4 and out["wall_s"] == pytest.approx(12.0)


def test_one_slow_process_does_not_decide(monkeypatch):
    run_child, _ = _fake_child([0.97, 0.98, 0.96, 1.10])
    monkeypatch.setattr(_common, "run_child", run_child)
    out = latency.measure("folder", log=lambda *a: None, processes=4)
    assert all(r["ratio"] < 1.0 for r in out["cases"])


def test_details_show_each_process(monkeypatch):
    run_child, _ = _fake_child([0.95, 1.05])
    monkeypatch.setattr(_common, "run_child", run_child)
    out = latency.measure("folder", seed_reps=4, big_reps=4, log=lambda *a: None, processes=2)
    text = details({"latency": {"result": out}})
    assert "| 0.95 / 1.05 |" in text
    assert "over 2 fresh processes" in text
