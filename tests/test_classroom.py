"""bench/classroom.py: the pure parts (statistics, the report line, /proc parsing, the messages it
sends and reads, the widget it picks, cleanup by process id), and, marked ``classroom``, the real
thing: two learners on a JupyterHub on 127.0.0.1, then a run interrupted with Ctrl-C.

The real runs install jupyterhub (PyPI) and configurable-http-proxy (npm) under bench/_work
the first time (about 30 s), then take a minute each; leave them out with ``-m "not classroom"``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT))  # `bench` is a folder of the repository, not an installed package

from bench import classroom as C  # noqa: E402
from bench import run as bench_run  # noqa: E402

SMAPS_ROLLUP = """\
55d0c0a4e000-7ffd3b5f1000 ---p 00000000 00:00 0                          [rollup]
Rss:              342176 kB
Pss:              266650 kB
Pss_Dirty:        240012 kB
Pss_Anon:         238848 kB
Pss_File:          27802 kB
Pss_Shmem:             0 kB
Shared_Clean:     101232 kB
Shared_Dirty:          0 kB
Private_Clean:       432 kB
Private_Dirty:    240512 kB
Referenced:       342176 kB
Anonymous:        240512 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
"""


# --- statistics and the report line ---------------------------------------------------------------

def test_percentile_is_linear_between_ranks():
    values = list(range(1, 21))  # 1..20
    assert C.percentile(values, 95) == pytest.approx(19.05)
    assert C.percentile(values, 50) == pytest.approx(10.5)
    assert C.percentile([7.0], 95) == 7.0


def _record(name, ready, done_at, widget_ms, pss, failed=False, killed=False):
    return {"name": name, "ready_s": ready, "first_output_s": ready + 1, "done_at_s": done_at, "widget_ms": widget_ms,
            "pss_mb": pss, "failed": failed, "killed": killed, "errors": [], "unexpected_deaths": 0}


def test_summary_and_report_line():
    learners = [_record(f"l{i}", ready=float(i), done_at=10.0 * i, widget_ms=100.0 * i, pss=200.0 + i)
                for i in range(1, 21)]
    learners[3]["failed"] = True  # a failed learner counts as failed, not in the done / widget figures
    learners[5]["killed"] = True  # killed on purpose, finished anyway: recovered
    s = C.summarize({"learners": learners})
    assert s["n"] == 20 and s["failed"] == 1 and s["killed"] == 1 and s["recovered"] == 1
    assert s["ready_p95_s"] == pytest.approx(19.05)
    done = sorted(10.0 * i for i in range(1, 21) if i != 4)
    assert s["done_p95_s"] == pytest.approx(C.percentile(done, 95))
    assert s["pss_per_learner_mb"] == pytest.approx(210.5)
    line = C.report_line(s)
    assert line == (f"classroom: 20 learners, 1 failed, ready p95 {s['ready_p95_s']:.1f} s, "
                    f"chapter done p95 {s['done_p95_s']:.1f} s, "
                    f"widget p95 {s['widget_p95_ms']:.0f} ms, PSS per learner 210 MB; 1 kernel(s) killed, 1 recovered")
    faults = {"hub_restart": {"at_s": 31.2, "down_s": 4.56}}
    assert C.report_line(dict(s, killed=0), faults).endswith("PSS per learner 210 MB; hub restarted at 31 s, "
                                                            "API back after 4.6 s")


def test_arrivals_start_at_zero_within_the_spread_and_repeat():
    times = C.arrival_times(30, 60)
    assert len(times) == 30 and times[0] == 0.0
    assert times == sorted(times) and max(times) <= 60
    assert times == C.arrival_times(30, 60)  # seeded: two runs see the same class
    assert C.arrival_times(0, 60) == []


# --- /proc -------------------------------------------------------------------------------------------

def test_smaps_rollup_parsing():
    mem = C.parse_smaps_rollup(SMAPS_ROLLUP)
    assert mem == {"rss_mb": pytest.approx(342176 / 1024), "pss_mb": pytest.approx(266650 / 1024)}
    with pytest.raises(ValueError):
        C.parse_smaps_rollup("Swap: 0 kB\n")


def test_smaps_rollup_of_this_process():
    mem = C.parse_smaps_rollup(open(f"/proc/{os.getpid()}/smaps_rollup").read())
    assert 0 < mem["pss_mb"] <= mem["rss_mb"] + 1e-9


@pytest.mark.parametrize("cmdline,kind", [
    (b"/x/python\0-m\0ipykernel_launcher\0-f\0/r/kernel-1.json", "kernel"),
    (b"/x/bin/python\0/x/bin/jupyterhub-singleuser\0--allow-root", "server"),
    (b"node\0/w/node_modules/.bin/configurable-http-proxy\0--ip\0127.0.0.1", "proxy"),
    (b"/x/bin/python\0/x/bin/jupyterhub\0-f\0cfg.py", "hub"),
    (b"sleep\0300", "other"),
])
def test_process_kind(cmdline, kind):
    assert C.process_kind(cmdline) == kind


# --- the notebook and the messages -------------------------------------------------------------------

def test_code_cells(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": ["# title"]},
                    {"cell_type": "code", "source": ["x = 1\n", "x"]},
                    {"cell_type": "code", "source": "  \n"},
                    {"cell_type": "code", "source": "print(x)"}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    assert C.code_cells(path) == ["x = 1\nx", "print(x)"]


def test_code_cells_of_the_default_chapter_match_nbformat():
    nbformat = pytest.importorskip("nbformat")
    path = ROOT / "notebooks" / (C.DEFAULT_CHAPTER + ".ipynb")
    nb = nbformat.read(path, as_version=4)
    expected = [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert C.code_cells(path) == expected and len(expected) > 5


def test_execute_request_and_widget_update():
    msg = C.execute_request("1 + 1", "sess")
    assert msg["channel"] == "shell" and msg["header"]["msg_type"] == "execute_request"
    assert msg["header"]["session"] == "sess" and len(msg["header"]["msg_id"]) == 32
    assert msg["content"]["code"] == "1 + 1" and msg["content"]["silent"] is False
    update = C.widget_update("abc", {"value": "hello"}, "sess")
    assert update["header"]["msg_type"] == "comm_msg" and update["channel"] == "shell"
    assert update["content"] == {"comm_id": "abc", "data": {"method": "update", "state": {"value": "hello"},
                                                             "buffer_paths": []}}
    assert update["header"]["msg_id"] != msg["header"]["msg_id"]
    json.dumps(update)  # what goes on the websocket as a text frame


def test_unpack_frames_as_jupyter_server_packs_them():
    base = pytest.importorskip("jupyter_server.services.kernels.connection.base")
    msg = {"header": {"msg_id": "1", "msg_type": "comm_msg"}, "parent_header": {"msg_id": "0"}, "metadata": {},
           "content": {"comm_id": "c", "data": {"method": "update", "state": {}, "buffer_paths": [["value"]]}},
           "channel": "iopub", "buffers": [b"\x89PNG fake", b"second"]}
    frame = base.serialize_binary_message(msg)
    got = C.unpack_frame(frame)
    assert got["buffers"] == [b"\x89PNG fake", b"second"]
    assert got["content"] == msg["content"] and got["parent_header"] == {"msg_id": "0"}
    text = C.unpack_frame(json.dumps({k: v for k, v in msg.items() if k != "buffers"}))
    assert text["buffers"] == [] and text["content"]["comm_id"] == "c"


MODELS = {
    "img": {"_model_name": "ImageModel"},
    "slider": {"_model_name": "IntSliderModel", "min": 0, "max": 9, "value": 0, "description": "step"},
    "text": {"_model_name": "TextModel", "value": "Café", "description": "text"},
    "out": {"_model_name": "OutputModel"},
}


def test_pick_widget_prefers_a_text_box_then_a_slider():
    cid, state, what = C.pick_widget(MODELS, learner=4)
    assert cid == "text" and state == {"value": "Café 5번 학습자"} and "TextModel" in what
    no_text = {k: v for k, v in MODELS.items() if k != "text"}
    assert C.pick_widget(no_text)[:2] == ("slider", {"value": 9})
    at_max = dict(no_text, slider=dict(MODELS["slider"], value=9))
    assert C.pick_widget(at_max)[1] == {"value": 0}
    stuck = {"slider": dict(MODELS["slider"], max=0), "img": MODELS["img"]}
    assert C.pick_widget(stuck) is None
    assert C.pick_widget({"t": dict(MODELS["text"], disabled=True)}) is None


def test_is_picture():
    def comm(cid, state, paths=()):
        return {"msg_type": "comm_msg", "content": {"comm_id": cid, "data": {"method": "update", "state": state,
                                                                          "buffer_paths": list(paths)}}}
    assert C.is_picture(comm("img", {}, [["value"]]), MODELS)
    assert C.is_picture(comm("img", {"value": "..."}), MODELS)
    assert not C.is_picture(comm("img", {"layout": "x"}), MODELS)
    assert not C.is_picture(comm("slider", {"value": 3}), MODELS)  # the echo of our own change is no picture
    assert C.is_picture(comm("out", {"outputs": []}), MODELS)
    assert C.is_picture({"msg_type": "display_data", "content": {}}, MODELS)
    assert not C.is_picture({"msg_type": "status", "content": {"execution_state": "idle"}}, MODELS)


# --- the hub's configuration -------------------------------------------------------------------------

def test_hub_config(tmp_path):
    traitlets_config = pytest.importorskip("traitlets.config")
    text = C.hub_config(tmp_path, public_port=8001, hub_port=8002, proxy_api_port=8003, proxy_token="p" * 8,
                        service_token="s" * 8, run_id="r1", singleuser="/v/bin/jupyterhub-singleuser", as_root=True)
    cfg = traitlets_config.Config()
    exec(compile(text, "jupyterhub_config.py", "exec"), {"get_config": lambda: cfg})
    hub = cfg.JupyterHub
    assert (hub.ip, hub.port, hub.hub_ip, hub.hub_port) == ("127.0.0.1", 8001, "127.0.0.1", 8002)
    assert hub.cleanup_servers is False and hub.cleanup_proxy is False  # servers outlive a hub restart
    assert cfg.ConfigurableHTTPProxy.should_start is False
    assert cfg.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:8003"
    assert hub.services == [{"name": C.SERVICE, "api_token": "s" * 8}]
    assert "access:servers" in hub.load_roles[0]["scopes"] and hub.load_roles[0]["services"] == [C.SERVICE]
    assert cfg.Spawner.args == ["--allow-root"] and cfg.Spawner.cmd == ["/v/bin/jupyterhub-singleuser"]
    assert cfg.Spawner.environment[C.MARKER] == "r1"  # how the cleanup finds servers and kernels
    assert cfg.Spawner.environment["TMPDIR"] == str(tmp_path / "tmp")  # saved models go with the run's folder
    assert hub.spawner_class == "simple" and hub.authenticator_class == "dummy"
    text = C.hub_config(tmp_path, public_port=1, hub_port=2, proxy_api_port=3, proxy_token="p", service_token="s",
                        run_id="r", singleuser="x", as_root=False)
    cfg = traitlets_config.Config()
    exec(compile(text, "c.py", "exec"), {"get_config": lambda: cfg})
    assert cfg.Spawner.args == []


def test_free_ports_are_distinct():
    ports = C.free_ports(3)
    assert len(set(ports)) == 3 and all(1024 < p < 65536 for p in ports)


# --- cleanup by process id ---------------------------------------------------------------------------

def _marked_child(run_id: str, code: str) -> subprocess.Popen:
    env = dict(os.environ, **{C.MARKER: run_id})
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def test_sweep_stops_marked_processes_and_only_those():
    run_id = uuid.uuid4().hex[:12]
    polite = _marked_child(run_id, "import time; time.sleep(300)")
    stubborn = _marked_child(run_id, "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                                     "print('ready', flush=True); time.sleep(300)")
    other = _marked_child("another-run", "import time; time.sleep(300)")
    try:
        deadline = time.monotonic() + 10
        while sorted(C.marked_processes(run_id)) != sorted([polite.pid, stubborn.pid]):
            assert time.monotonic() < deadline, "the marked children never showed up in /proc"
            time.sleep(0.05)
        time.sleep(0.5)  # the stubborn one has set its handler
        needed_kill = C.stop_pids(C.marked_processes(run_id), grace=1.0)
        assert needed_kill == [stubborn.pid]
        polite.wait(5), stubborn.wait(5)  # ended (stop_pids collected their exit status already)
        assert not C._alive(polite.pid) and not C._alive(stubborn.pid)
        assert C.marked_processes(run_id) == []
        assert other.poll() is None  # another run's process is left alone
    finally:
        for p in (polite, stubborn, other):
            if p.poll() is None:
                p.kill()
                p.wait()


def test_sweep_finds_orphans():
    """A server whose hub has gone is nobody's child of ours; the marker still finds it."""
    run_id = uuid.uuid4().hex[:12]
    env = dict(os.environ, **{C.MARKER: run_id})
    # The shell starts a sleeper in the background and exits: the sleeper is an orphan.
    subprocess.run(["sh", "-c", "sleep 300 >/dev/null 2>&1 &"], env=env, check=True)
    deadline = time.monotonic() + 10
    while not C.marked_processes(run_id):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    found = C.sweep(run_id, grace=2.0)
    assert len(found) == 1
    assert C.marked_processes(run_id) == []


# --- wiring in bench/run.py ----------------------------------------------------------------------------

def test_classroom_is_a_section_but_not_a_default_one():
    assert "classroom" in bench_run.SECTIONS and "classroom" not in bench_run.DEFAULT_SECTIONS
    assert set(bench_run.DEFAULT_SECTIONS) == set(bench_run.SECTIONS) - {"classroom"}


def test_results_rows_and_details():
    learners = [_record("learner01", 5.0, 40.0, 80.0, 300.0), _record("learner02", 6.0, 200.0, 1200.0, 400.0)]
    for r in learners:
        r.update(arrival_s=0.0, done_s=r["done_at_s"], server_pss_mb=100.0, kernel_pss_mb=r["pss_mb"] - 100,
                 kernel_rss_mb=330.0)
    result = {"learners": learners, "faults": {}, "config": {"chapter": "ko/01_tokenizer", "learners": 2, "spread": 60,
                                                               "kill_learners": [], "restart_hub": False},
              "wall_s": 210.0, "hub_start_s": 3.0, "infra_pss_mb": {"hub": 100.0, "proxy": 50.0},
              "kernel_peak_pss_mb": 300.0, "kernel_peak_rss_mb": 330.0, "mem_available_min_mb": 15000.0,
              "mem_available_start_mb": 16000.0, "load1_max": 5.0, "load1_median": 4.0, "cells": 15, "cores": 2,
              "versions": {"jupyterhub": "6.1.1", "configurable-http-proxy": "4.6.3"}, "left_running": [],
              "left_after_driver": []}
    result["summary"] = C.summarize(result)
    result["line"] = C.report_line(result["summary"])
    entry = {"measured": "2026-12-01", "result": result}
    rows = {r[1]: r for r in C.table_rows(entry, "")}
    assert rows["chapter done p95 (from the first arrival)"][-1] == "**missed**"  # 192 s > 180 s
    assert rows["widget round trip under load, p95"][-1] == "**missed**"  # 1144 ms > 1 s
    assert rows["PSS per learner (server + kernel), all kernels alive"][2] == "350 MB"
    assert rows["PSS per learner (server + kernel), all kernels alive"][-1] == "met"  # 350 <= 350
    assert all(len(r) == len(bench_run.HEADER) for r in rows.values())
    text = C.details(entry)
    assert "| learner02 |" in text and result["line"] in text
    # and run.py puts them in its table when the data has a classroom entry
    assert any(r[0] == "8" for r in bench_run.table_rows({"classroom": entry}, {"classroom"}))


# --- the real thing ----------------------------------------------------------------------------------

needs_tools = pytest.mark.skipif(shutil.which("npm") is None, reason="configurable-http-proxy needs node and npm")


@pytest.mark.classroom
@pytest.mark.slow
@needs_tools
def test_two_learners_on_a_real_hub():
    t0 = time.monotonic()
    r = C.measure(learners=2, spread=3, timeout=300, cell_timeout=300, log=lambda m: None)
    assert time.monotonic() - t0 < 900
    s = r["summary"]
    assert s["n"] == 2 and s["failed"] == 0, [rec["errors"] for rec in r["learners"]]
    for rec in r["learners"]:
        assert rec["ready_s"] > 0 and rec["first_output_s"] >= rec["ready_s"]
        assert rec["done_s"] >= rec["first_output_s"] and rec["widget_ms"] > 0
        assert rec["kernels"] == 1 and 50 < rec["kernel_pss_mb"] <= rec["kernel_rss_mb"] + 1e-6
    assert 50 < s["pss_per_learner_mb"] < 2000
    assert r["line"].startswith("classroom: 2 learners, 0 failed, ready p95 ")
    assert r["left_running"] == [] and r["left_after_driver"] == []
    assert C.marked_processes(r["run_id"]) == []


@pytest.mark.classroom
@pytest.mark.slow
@needs_tools
def test_ctrl_c_leaves_no_process(tmp_path):
    """Interrupt the driver once a kernel runs: hub, proxy, server and kernel all go."""
    paths = C.ensure_installed(log=lambda m: None)
    run_id = "t" + uuid.uuid4().hex[:11]
    run_dir = C.CLASS_DIR / f"run-{run_id}"
    run_dir.mkdir(parents=True)
    cfg = {"run_id": run_id, "run_dir": str(run_dir), "paths": {k: str(v) for k, v in paths.items()},
           "chapter": C.DEFAULT_CHAPTER, "learners": 1, "spread": 0, "kill_learners": [], "restart_hub": False,
           "timeout": 300, "cell_timeout": 300}
    (run_dir / "config.json").write_text(json.dumps(cfg))
    env = dict(os.environ, **C.KIT_ENV, PYTHONPATH=str(ROOT), **{C.MARKER: run_id})
    driver = subprocess.Popen([str(paths["python"]), "-m", "bench.classroom", "child", str(run_dir / "config.json")],
                              cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not any(C.process_kind(C._cmdline(p)) == "kernel" for p in C.marked_processes(run_id)):
            assert driver.poll() is None, "the driver ended before a kernel started"
            assert time.monotonic() < deadline, "no kernel within 300 s"
            time.sleep(0.2)
        kinds = {C.process_kind(C._cmdline(p)) for p in C.marked_processes(run_id)}
        assert {"hub", "proxy", "server", "kernel"} <= kinds
        driver.send_signal(signal.SIGINT)
        driver.wait(120)
        assert C.marked_processes(run_id) == []
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
        C.sweep(run_id)
