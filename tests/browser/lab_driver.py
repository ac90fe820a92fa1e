"""Drive chapter notebooks in JupyterLab, in a real (headless) Chromium, the way a learner would.

In a page where JupyterLab is loaded (open_lab), per notebook: open it -> wait for its kernel ->
Edit > Clear Outputs of All Cells -> Run > Run All Cells -> wait until every cell ran -> look at
what the page shows: error outputs, widget views ("Loading widget...", "Error displaying widget"),
Hangul -> use one widget (pick an option, move a slider, type text, ...) and wait for what it shows
(the figure's image, an Output, an HTML widget) to change -> screenshot -> close it, kernel shut down.

The page is only read through what the learner sees (DOM) plus JupyterLab's notebook model
(``window.jupyterapp``, exposed by ``--LabApp.expose_app_in_browser``) for the exact cell outputs,
execution counts and tags. Nothing here knows the chapters: it discovers widgets on the page.

Used in: tests/browser/conftest.py (_drive_all), tests/browser/test_lab_e2e.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHAPTER_RE = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")
HANGUL = re.compile("[\uac00-\ud7a3]")
# Tags that mark a cell whose error is shown on purpose. JupyterLab itself only knows the
# second one: it runs such a cell with stop_on_error=False, so "Run All" goes on after it.
INTENDED_ERROR_TAGS = ("nbval-raises-exception", "raises-exception")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# Chapters that carry no widget on purpose (issue #16: a widget that shows nothing new is dropped).
# Chapter 06 saves and reloads a model: there is nothing to move by hand, its checks compare tensors.
NO_WIDGET_CHAPTERS = {"06_save_load.ipynb"}
# Widget views carry no mime-type attribute in the page, so the test marks them itself, from the
# notebook model: an output whose data holds the widget-view mime type is a widget view.
WIDGET_VIEW = "[data-lesson-widget-view]"
# What ipywidgets' JupyterLab renderer writes when a view could not be drawn (read in
# @jupyter-widgets/jupyterlab-manager 5 and @jupyter-widgets/controls 5).
WIDGET_LOADING = "Loading widget..."
WIDGET_BROKEN = ("Error displaying widget", "Could not create child view", "Could not create a model")
VIEWPORT = {"width": 1360, "height": 900}


@dataclass
class NotebookRun:
    """What one notebook did in the browser; the test turns ``problems`` into its failure message."""

    path: Path  # notebooks/ko/05_attention.ipynb
    rel: str  # "ko/05_attention.ipynb" (relative to the server's root)
    problems: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    code_cells: int = 0
    widget_views: int = 0
    interaction: str = ""  # what was used and what changed, e.g. "slider (ArrowRight): img src changed"
    hangul_in_page: bool = False
    hangul_in_widgets: bool = False
    screenshots: list[Path] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth telling the chapter's author, not a failure

    @property
    def lang(self) -> str:
        return self.rel.split("/")[0]


# --- JavaScript run in the page -------------------------------------------------------

# The notebook's code cells as JupyterLab holds them (model) and shows them (prompt). Polled while
# the notebook runs, so outputs are summed up (no image data): type, stream name, error name/value.
JS_CELLS = """
() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const cells = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    const prompt = cell.node.querySelector('.jp-InputArea-prompt');
    const outputs = [];
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const o = cell.model.outputs.get(i).toJSON();
      const text = o.output_type === 'stream' && o.name === 'stderr'
        ? [].concat(o.text || []).join('').slice(-2000) : '';
      outputs.push({output_type: o.output_type, name: o.name, ename: o.ename, evalue: o.evalue, text});
    }
    cells.push({
      index: index + 1,  // counted from 1 over all cells, as JupyterLab's status bar does ("Cell 8/22")
      count: cell.model.executionCount,
      prompt: prompt ? prompt.textContent : '',
      tags: cell.model.getMetadata('tags') || [],
      outputs,
      source: cell.model.sharedModel.getSource().slice(0, 80),
    });
  });
  return {path: panel.context.path, status: panel.sessionContext.kernelDisplayStatus, cells};
}
"""

# Mark the output node of every widget view (see WIDGET_VIEW); returns how many there are.
JS_MARK_WIDGET_VIEWS = """
(mime) => {
  document.querySelectorAll('[data-lesson-widget-view]').forEach((n) => n.removeAttribute('data-lesson-widget-view'));
  const panel = window.jupyterapp.shell.currentWidget;
  let k = 0;
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const outputs = cell.model.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const data = outputs.get(i).data || {};
      if (!(mime in data)) continue;
      const child = cell.outputArea.widgets[i];
      const node = child && child.node.querySelector('.jp-OutputArea-output');
      if (node) node.setAttribute('data-lesson-widget-view', String(k++));
    }
  }
  return k;
}
"""

JS_KERNEL_READY = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}
"""

# The text of every widget view, and which ones are still loading or broken.
JS_WIDGET_VIEWS = """
([selector, loading, broken]) => {
  const views = [...document.querySelectorAll(selector)];
  return views.map((v) => {
    const text = v.innerText || '';
    return {
      text: text.slice(0, 2000),
      loading: text.includes(loading),
      broken: broken.some((b) => text.includes(b)) || !!v.querySelector('.jupyter-widgets-error-widget'),
      hidden: v.offsetParent === null,
    };
  });
}
"""

# What a widget view *shows as its result*: images, Output widgets, HTML widgets. The controls'
# own state (a slider's readout, an input's value) is left out, so moving a slider does not
# count as a change by itself.
JS_SNAPSHOT = """
(view) => {
  const cellOutputs = view.closest('.jp-Cell-outputArea') || view;
  const imgs = [...cellOutputs.querySelectorAll('img')].map((i) => i.getAttribute('src') || '');
  const texts = [...cellOutputs.querySelectorAll(
      '.widget-output, .widget-html, .widget-htmlmath, .jupyter-widget-html, .widget-image')]
    .map((e) => (e.innerText || '') + '|' + (e.getAttribute('src') || ''));
  const svgs = [...cellOutputs.querySelectorAll('svg')].map((s) => s.outerHTML.length);
  return JSON.stringify({imgs, texts, svgs});
}
"""


def chapter_notebooks() -> list[Path]:
    """Every chapter notebook that exists now: notebooks/{ko,en}/NN_*.ipynb (index.ipynb is no chapter)."""
    found = []
    for lang in ("ko", "en"):
        folder = NOTEBOOKS / lang
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if CHAPTER_RE.match(p.name))
    return found


def _has_hangul(text: str) -> bool:
    return bool(HANGUL.search(text or ""))


async def _menu(page, menu: str, commands: tuple[str, ...]) -> None:
    """Click a main-menu item, as a person would (Edit > ..., Run > ...), found by its command id."""
    await page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^\s*{menu}\s*$")).click()
    item = page.locator(", ".join(f'.lm-Menu-item[data-command="{c}"]' for c in commands)).first
    await item.wait_for(state="visible", timeout=10_000)
    await item.click()


async def _wait_for(predicate, timeout: float, interval: float = 0.25):
    """Poll an async predicate until it returns something truthy (returned) or time runs out (None)."""
    end = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > end:
            return None
        await asyncio.sleep(interval)


# --- the steps --------------------------------------------------------------------------

# (wait_for_function takes a promise for a truthy answer: keep this one synchronous.)
JS_APP_READY = "() => !!window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open')"


async def open_lab(context, base_url: str, token: str, workspace: str):
    """A page with JupyterLab loaded, in a workspace of its own: lanes side by side do not restore
    each other's tabs (the workspaces folder is new for every test session)."""
    page = await context.new_page()
    await page.goto(f"{base_url}/lab/workspaces/{workspace}?token={token}", wait_until="domcontentloaded")
    await page.wait_for_function(JS_APP_READY, timeout=120_000)
    await page.evaluate("async () => { await window.jupyterapp.restored; }")
    # Screenshots show the notebook, not the file browser.
    await page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    return page


async def open_notebook(page, rel: str) -> None:
    """Open one notebook in the loaded JupyterLab and wait until its kernel is connected and idle."""
    await page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", rel)
    await page.wait_for_function(
        "(path) => { const p = window.jupyterapp.shell.currentWidget;"
        " return !!p && !!p.context && p.context.path === path && !!p.content && p.content.widgets.length > 0; }",
        arg=rel, timeout=60_000)
    # The kernel connected and idle (the toolbar's indicator says "idle" before a kernel exists;
    # "Run All" then would ask which kernel to start).
    await page.wait_for_function(JS_KERNEL_READY, timeout=120_000)


async def close_notebook(page) -> None:
    """Shut the kernel down and close the tab without saving (the test changed the notebook)."""
    # The shutdown is not awaited: the server ends the kernel while the next notebook opens.
    await page.evaluate("""() => {
      const panel = window.jupyterapp.shell.currentWidget;
      if (!panel || !panel.sessionContext) return;
      panel.sessionContext.shutdown().catch(() => {});
      panel.context.model.dirty = false;
      panel.dispose();
    }""")


async def run_all(page, timeout: float) -> dict:
    """Clear every output, Run All Cells, and wait until no cell is queued or running."""
    # JupyterLab 4 puts the generic edit/run menu commands in its menus; the notebook ones are
    # the same action (a later version may list those instead).
    await _menu(page, "Edit", ("editmenu:clear-all", "notebook:clear-all-cell-outputs"))
    if not await _wait_for(lambda: _all_cleared(page), timeout=10):
        raise AssertionError("Edit > Clear Outputs of All Cells left outputs or execution counts behind")
    await _menu(page, "Run", ("runmenu:run-all", "notebook:run-all-cells"))

    stable = {"n": 0}

    async def finished():
        state = await page.evaluate(JS_CELLS)
        if state is None:
            return None
        busy = any("*" in c["prompt"] for c in state["cells"])
        ran = any(c["count"] is not None for c in state["cells"])
        done = ran and not busy and state["status"] == "idle"
        stable["n"] = stable["n"] + 1 if done else 0
        return state if stable["n"] >= 3 else None  # idle for three polls in a row

    state = await _wait_for(finished, timeout=timeout, interval=0.4)
    if state is None:
        state = await page.evaluate(JS_CELLS)
        state["timed_out"] = True
    return state


async def _all_cleared(page) -> bool:
    state = await page.evaluate(JS_CELLS)
    return bool(state) and all(c["count"] is None and not c["outputs"] for c in state["cells"])


def check_cells(state: dict, run: NotebookRun) -> None:
    """Errors in outputs, cells Run All never reached."""
    cells = state["cells"]
    run.code_cells = len(cells)
    if state.get("timed_out"):
        busy = [c["index"] for c in cells if "*" in c["prompt"]]
        run.problems.append(f"Run All did not finish in time; cells still running or queued: {busy}")
    intended_stop = None
    for c in cells:
        intended = any(t in c["tags"] for t in INTENDED_ERROR_TAGS)
        for out in c["outputs"]:
            if out.get("output_type") == "error":
                if intended:
                    if "raises-exception" not in c["tags"]:
                        intended_stop = c
                    continue
                run.problems.append(
                    f"cell {c['index']} raised {out.get('ename')}: {str(out.get('evalue'))[:300]} "
                    f"(source: {c['source']!r})")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = out.get("text", "")
                if "Traceback (most recent call last)" in text and not intended:
                    run.problems.append(f"cell {c['index']} printed a traceback to stderr: {text[-300:]!r}")
                elif text.strip():
                    first = text.strip().splitlines()[0][:160]
                    run.notes.append(f"cell {c['index']} writes to stderr (a red box): {first}")
    not_run = [c["index"] for c in cells if c["count"] is None]
    if not_run and not state.get("timed_out"):
        why = ""
        if intended_stop is not None:
            why = (f" Run All stopped at cell {intended_stop['index']}, whose error is intended "
                   f"(tag {intended_stop['tags']}): JupyterLab only goes on after an error in a cell tagged "
                   f"'raises-exception' (nbval honours that tag too), so tag it 'raises-exception'.")
        run.problems.append(f"cells never ran after Run All: {not_run}.{why}")


async def check_widget_views(page, run: NotebookRun) -> list[dict]:
    """Every widget view drawn: none left loading, none broken."""
    async def settled():
        await page.evaluate(JS_MARK_WIDGET_VIEWS, WIDGET_MIME)
        views = await page.evaluate(JS_WIDGET_VIEWS, [WIDGET_VIEW, WIDGET_LOADING, list(WIDGET_BROKEN)])
        return (views,) if not any(v["loading"] for v in views) else None  # a tuple: [] is an answer too

    found = await _wait_for(settled, timeout=30)
    if found is not None:
        (views,) = found
    else:
        views = await page.evaluate(JS_WIDGET_VIEWS, [WIDGET_VIEW, WIDGET_LOADING, list(WIDGET_BROKEN)])
    run.widget_views = len(views)
    for k, v in enumerate(views):
        if v["loading"]:
            run.problems.append(f"widget view #{k} still says {WIDGET_LOADING!r} after 30 s")
        if v["broken"]:
            run.problems.append(f"widget view #{k} is broken: {v['text'][:300]!r}")
    run.hangul_in_widgets = any(_has_hangul(v["text"]) for v in views)
    return views


# Ways to use a widget, tried in this order on each widget view until one changes what the view
# shows. Each returns a description of what it did, or None when the view has no such control.
async def _use_dropdown(view):
    select = view.locator(".widget-dropdown select, .jupyter-widget-dropdown select").first
    if not await select.count() or not await select.is_enabled():
        return None
    options = await select.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    current = await select.input_value()
    others = [o for o in options if o != current]
    if not others:
        return None
    await select.select_option(others[0])
    return f"dropdown: picked option {others[0]!r} (was {current!r})"


async def _use_slider(view):
    handle = view.locator(".noUi-handle").first
    if not await handle.count():
        return None
    before = await handle.get_attribute("aria-valuenow")
    await handle.focus()
    at_max = before is not None and before == await handle.get_attribute("aria-valuemax")
    key = "ArrowLeft" if at_max else "ArrowRight"
    await handle.press(key)
    return f"slider: pressed {key} (value was {before})"


async def _use_toggle_buttons(view):
    button = view.locator(
        ".widget-toggle-buttons button:not(.mod-active), .jupyter-widget-toggle-buttons button:not(.mod-active)").first
    if not await button.count():
        return None
    label = (await button.inner_text()).strip()
    await button.click()
    return f"toggle buttons: clicked {label!r}"


async def _use_radio(view):
    radio = view.locator(".widget-radio-box input:not(:checked), .jupyter-widget-radio-box input:not(:checked)").first
    if not await radio.count():
        return None
    await radio.check()
    return "radio buttons: picked another option"


async def _use_text(view):
    box = view.locator(
        ".widget-text input[type=text], .jupyter-widget-text input[type=text], "
        ".widget-textarea textarea, .jupyter-widget-textarea textarea").first
    if not await box.count() or not await box.is_editable():
        return None
    before = await box.input_value()
    new = "I loved it" if before != "I loved it" else "I hated it"
    await box.fill(new)
    await box.press("Enter")  # Text widgets with continuous_update=False update on Enter or blur
    await box.blur()
    return f"text: typed {new!r} (was {before[:40]!r})"


async def _use_number(view):
    box = view.locator(".widget-inline-hbox input[type=number]").first
    if not await box.count() or not await box.is_editable():
        return None
    before = await box.input_value()
    await box.focus()
    await box.press("ArrowUp")
    await box.press("Enter")
    await box.blur()
    return f"number box: ArrowUp (was {before})"


async def _use_checkbox(view):
    box = view.locator(".widget-checkbox input[type=checkbox], .jupyter-widget-checkbox input[type=checkbox]").first
    if not await box.count():
        return None
    await box.click()
    return "checkbox: clicked"


async def _use_button(view):
    button = view.locator("button.jupyter-button:not(.widget-toggle-button)").first
    if not await button.count() or not await button.is_enabled():
        return None
    label = (await button.inner_text()).strip()
    await button.click()
    return f"button: clicked {label!r}"


INTERACTIONS = (_use_dropdown, _use_slider, _use_toggle_buttons, _use_radio, _use_text, _use_number,
                _use_checkbox, _use_button)


def _describe_change(before: str, after: str) -> str:
    b, a = json.loads(before), json.loads(after)
    what = []
    if b["imgs"] != a["imgs"]:
        what.append("img src changed")
    if b["texts"] != a["texts"]:
        what.append("widget text/output changed")
    if b["svgs"] != a["svgs"]:
        what.append("svg changed")
    return ", ".join(what) or "changed"


async def use_a_widget(page, run: NotebookRun, change_timeout: float = 20) -> object:
    """Use one control of some widget view and wait for that view's result to change."""
    views = page.locator(WIDGET_VIEW)
    tried = []
    for k in range(await views.count()):
        view = views.nth(k)
        if not await view.is_visible():
            continue
        for use in INTERACTIONS:
            # (Playwright scrolls the control into view itself; scrolling the whole view first
            # would wait for it to stop moving, which a running progress bar never does.)
            before = await view.evaluate(JS_SNAPSHOT)
            did = await use(view)
            if did is None:
                continue

            async def changed():
                now = await view.evaluate(JS_SNAPSHOT)
                return now if now != before else None

            after = await _wait_for(changed, timeout=change_timeout)
            if after is not None:
                # Let the redraw finish (an Output is cleared, then drawn again, perhaps in
                # several steps): the kernel idle again and the view unchanged for a moment.
                last, quiet = after, 0
                for _ in range(80):
                    await asyncio.sleep(0.25)
                    now = await view.evaluate(JS_SNAPSHOT)
                    idle = await page.evaluate(JS_KERNEL_READY)
                    quiet = quiet + 1 if (now == last and idle) else 0
                    last = now
                    if quiet >= 3:
                        break
                run.interaction = f"view #{k}, {did}: {_describe_change(before, last)}"
                return view
            tried.append(f"view #{k}, {did}: nothing changed in {change_timeout:.0f} s")
            if len(tried) >= 4:
                break
        if len(tried) >= 4:
            break
    if run.widget_views == 0:
        if Path(run.rel).name not in NO_WIDGET_CHAPTERS:
            run.problems.append("no widget in this chapter: every chapter should have at least one to use")
    elif not tried:
        run.problems.append("no widget here has a control the test knows how to use "
                            "(dropdown, slider, toggle/radio buttons, text, number, checkbox, button)")
    else:
        run.problems.append("using a widget changed nothing it shows: " + "; ".join(tried))
    return None


async def check_hangul(page, run: NotebookRun) -> None:
    text = await page.locator(".jp-NotebookPanel .jp-Notebook").first.inner_text()
    run.hangul_in_page = _has_hangul(text)
    if run.lang != "ko":
        return
    if not run.hangul_in_page:
        run.problems.append("a Korean chapter shows no Hangul text")
        return
    heading = page.locator(".jp-MarkdownOutput h1").first
    if not await heading.count() or not await heading.is_visible() or not _has_hangul(await heading.inner_text()):
        run.problems.append("the Korean chapter's title (first h1) is not visible or has no Hangul")


# Put a widget view at the top of the window: with its cell's code when that is short, else alone.
JS_SCROLL_TO_VIEW = """
(v) => {
  const cell = v.closest('.jp-Cell');
  const input = cell && cell.querySelector('.jp-Cell-inputWrapper');
  const target = input && input.getBoundingClientRect().height < 260 ? cell : v;
  target.scrollIntoView({block: 'start'});
}
"""


async def screenshots(page, run: NotebookRun, folder: Path, view, full: bool = False) -> None:
    """One picture at the widget that was used (or the top); with ``full``, one of the whole notebook."""
    stem = f"{run.lang}_{Path(run.rel).stem}"
    folder.mkdir(parents=True, exist_ok=True)
    if view is not None:
        await view.evaluate(JS_SCROLL_TO_VIEW)
    elif await page.locator(WIDGET_VIEW).count():
        # Nothing was used: show the first widget view (a progress bar, a picture) instead.
        await page.locator(WIDGET_VIEW).first.evaluate(JS_SCROLL_TO_VIEW)
    else:
        await page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
    await asyncio.sleep(0.3)
    shot = folder / f"{stem}.png"
    await page.screenshot(path=str(shot))
    run.screenshots.append(shot)
    if not full:
        return
    # The whole notebook: make the window as tall as the notebook (JupyterLab scrolls inside
    # its own panel, so a "full page" screenshot would only show one window's height).
    height = await page.evaluate(
        "() => { const n = document.querySelector('.jp-NotebookPanel .jp-Notebook .jp-WindowedPanel-inner')"
        " || document.querySelector('.jp-NotebookPanel .jp-Notebook'); return n ? n.scrollHeight : 0; }")
    if height:
        await page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 200, 16000)})
        await asyncio.sleep(0.5)
        await page.locator(".jp-Notebook .jp-Cell").first.evaluate("(c) => c.scrollIntoView({block: 'start'})")
        await asyncio.sleep(0.3)
        full = folder / f"{stem}_full.png"
        await page.screenshot(path=str(full))
        run.screenshots.append(full)
        await page.set_viewport_size(VIEWPORT)


async def shut_down_kernel(base_url: str, token: str, rel: str, request) -> None:
    """End this notebook's kernel through the server's REST API (when the page itself is broken)."""
    headers = {"Authorization": f"token {token}"}
    response = await request.get(f"{base_url}/api/sessions", headers=headers)
    for session in await response.json():
        if session.get("path") == rel:
            await request.delete(f"{base_url}/api/sessions/{session['id']}", headers=headers)


async def drive_notebook(page, path: Path, rel: str, folder: Path, run_timeout: float = 300,
                         full_screenshots: bool = False) -> NotebookRun:
    """Everything above, for one notebook, in a page where JupyterLab is loaded (see open_lab).

    Raises only when the page itself broke (the caller then loads a fresh one); whatever the
    notebook did wrong is in the returned run's ``problems``.
    """
    run = NotebookRun(path=path, rel=rel)
    t0 = time.monotonic()
    errors_before = len(LANE_CONSOLE.get(id(page), []))
    try:
        await open_notebook(page, rel)
        run.timings["open"] = time.monotonic() - t0
        t = time.monotonic()
        state = await run_all(page, timeout=run_timeout)
        run.timings["run_all"] = time.monotonic() - t
        check_cells(state, run)
        t = time.monotonic()
        await check_widget_views(page, run)
        await check_hangul(page, run)
        run.timings["views"] = time.monotonic() - t
        t = time.monotonic()
        view = await use_a_widget(page, run)
        run.timings["use_widget"] = time.monotonic() - t
        t = time.monotonic()
        await screenshots(page, run, folder, view, full=full_screenshots)
        run.timings["screenshots"] = time.monotonic() - t
        t = time.monotonic()
        await close_notebook(page)
        run.timings["close"] = time.monotonic() - t
    except Exception as err:  # a timeout, a dialog in the way: this notebook's problem, and a broken page
        run.problems.append(f"the browser step failed: {type(err).__name__}: {str(err).splitlines()[0][:400]}")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            shot = folder / f"{run.lang}_{Path(rel).stem}_failed.png"
            await page.screenshot(path=str(shot))
            run.screenshots.append(shot)
        except Exception:
            pass
        raise PageBroken(run) from err
    finally:
        run.console_errors = LANE_CONSOLE.get(id(page), [])[errors_before:]
        run.timings["total"] = time.monotonic() - t0
    return run


class PageBroken(Exception):
    """The lane's page is in an unknown state (a dialog, a crash): load a fresh one."""

    def __init__(self, run: NotebookRun):
        super().__init__(run.problems[-1])
        self.run = run


# Browser console errors per page (id(page) -> messages), filled by watch_console.
LANE_CONSOLE: dict[int, list[str]] = {}


def watch_console(page) -> None:
    messages = LANE_CONSOLE.setdefault(id(page), [])
    page.on("console", lambda m: messages.append(m.text[:300]) if m.type == "error" else None)
    page.on("pageerror", lambda e: messages.append(f"page error: {str(e)[:300]}"))
