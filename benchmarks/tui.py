"""The terminal UI, driven headless with Textual's Pilot: time to first paint, key to
repaint while moving, accepting and typing, and memory.  Prints a table.

    .venv/bin/python benchmarks/tui.py [--links 1000] [--rounds 60]

"Key to repaint" is the time from a key event reaching the app (sent through the driver,
as a terminal's key would be) until the first screen update after it is written
(``App._display``): what the translator sees as the answer to the key.  Pilot's own
``press``/``pause`` wait for "CPU idle" heuristically and are not a latency measure.
The project for the list timings is made of the seed paragraphs repeated to the size,
linked 1:1 (no aligner run).  Rows of benchmarks/tui_*.py (the other screens) follow.
As a peer for the list, the same moves on a Textual DataTable holding the same rows.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("WORKBENCH_DATA", tempfile.mkdtemp(prefix="wb-bench-"))

from workbench.align.links import Link
from workbench.app.projects import create_project
from workbench.app.session import Session, locate
from workbench.corpus import resolve_pair
from workbench.glossary import load_glossary
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.translate import TranslateScreen

SIZE = (160, 45)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def big_project(tmp: Path, n: int) -> Path:
    pair = resolve_pair("seeds:004-000")
    ar = [p for p in pair.source.text.split("\n\n") if p.strip()]
    en = [p for p in pair.target.text.split("\n\n") if p.strip()]
    k = min(len(ar), len(en))
    src = "\n\n".join(ar[i % k] for i in range(n))
    tgt = "\n\n".join(en[i % k] for i in range(n))
    path = tmp / f"big-{n}.wbproj"
    create_project(path, source_text=src, target_text=tgt,
                   links=[Link((i,), (i,), 0.9) for i in range(n)]).close()
    return path


async def wait_ready(pilot, app) -> None:
    while not (isinstance(app.screen, TranslateScreen) and app.screen.ready):
        await pilot.pause(0.005)


async def first_paint(path: Path, glossary) -> float:
    t0 = time.perf_counter()
    app = WorkbenchApp(lambda: Session.open(locate(str(path)), glossary=glossary))
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot, app)
        await pilot.pause()
        return time.perf_counter() - t0


class Repaints:
    """Record when the app last wrote a screen update."""

    def __init__(self, app) -> None:
        self.app = app
        self.last = 0.0
        original = app._display

        def display(screen, renderable):
            original(screen, renderable)
            self.last = time.perf_counter()

        app._display = display


async def timed(pilot, keys: list[str]) -> float:
    from textual import events

    app = pilot.app
    watch = getattr(app, "_bench_repaints", None)
    if watch is None:
        watch = app._bench_repaints = Repaints(app)
    # the translator reads before the next key: every worker done (or cancelled)
    await asyncio.gather(*[w.wait() for w in list(app.workers)], return_exceptions=True)
    await pilot.pause(0.02)
    key = keys[0]
    char = key if len(key) == 1 else (" " if key == "space" else None)
    t0 = time.perf_counter()
    app._driver.send_message(events.Key(key, char))
    while watch.last < t0:
        if time.perf_counter() - t0 > 5:
            raise RuntimeError(f"no repaint after {key}")
        await asyncio.sleep(0.0005)
    took = watch.last - t0
    return took


async def key_timings(path: Path, glossary, rounds: int) -> dict[str, list[float]]:
    app = WorkbenchApp(lambda: Session.open(locate(str(path)), glossary=glossary))
    out: dict[str, list[float]] = {"move": [], "accept": [], "type": []}
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot, app)
        await pilot.pause(0.3)
        screen = app.screen
        screen.editor.cursor_blink = False
        await pilot.press("escape")
        for _ in range(rounds):
            out["move"].append(await timed(pilot, ["down"]))
        await pilot.press("enter")
        for k in range(rounds):
            out["type"].append(await timed(pilot, ["a" if k % 5 else "space"]))
        for _ in range(rounds):
            screen.editor.replace_all("Informed sources said so.")
            await pilot.pause()
            out["accept"].append(await timed(pilot, ["f9"]))
    return out


async def datatable_moves(n: int, rounds: int) -> list[float]:
    from textual.app import App
    from textual.widgets import DataTable

    class Peer(App):
        def compose(self):
            yield DataTable()

        def on_mount(self):
            t = self.query_one(DataTable)
            t.add_columns("#", "st", "conf", "Arabic")
            pair = resolve_pair("seeds:004-000")
            ar = [p for p in pair.source.text.split("\n\n") if p.strip()]
            t.add_rows([(str(i + 1), "·", "0.90", ar[i % len(ar)][:100]) for i in range(n)])
            t.focus()

    app = Peer()
    times = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        for _ in range(rounds):
            times.append(await timed(pilot, ["down"]))
    return times


def extra_rows() -> list[dict]:
    rows = []
    for path in sorted(Path(__file__).parent.glob("tui_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "rows"):
            rows.extend(module.rows())
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--links", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=60)
    args = ap.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    glossary = load_glossary([ROOT / "glossaries"])
    tmp = Path(tempfile.mkdtemp(prefix="wb-tui-"))
    pair = resolve_pair("seeds:004-000")
    small = tmp / "pair.wbproj"
    create_project(small, pair=pair, links=pair.gold_links()).close()
    big = big_project(tmp, args.links)
    paint = [asyncio.run(first_paint(small, glossary)) for _ in range(3)]
    paint_big = asyncio.run(first_paint(big, glossary))
    keys = asyncio.run(key_timings(big, glossary, args.rounds))
    peer = asyncio.run(datatable_moves(args.links, args.rounds))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ms = lambda v: f"{v * 1000:7.1f} ms"
    rows = [("first paint, bundled pair (13 links), median of 3", ms(statistics.median(paint)),
             "< 1 s"),
            (f"first paint, {args.links:,} links", ms(paint_big), "")]
    for what, label in (("move", "move down the list"), ("type", "type a character"),
                        ("accept", "accept and next")):
        v = keys[what]
        rows.append((f"{label}, {args.links:,} links: p50 / p95",
                     f"{ms(pct(v, .5))} / {ms(pct(v, .95))}", "p95 < 50 ms"))
    rows.append((f"peer: DataTable, {args.links:,} rows, move down: p50 / p95",
                 f"{ms(pct(peer, .5))} / {ms(pct(peer, .95))}", ""))
    rows.append(("peak memory (whole benchmark process)", f"{rss:7.0f} MiB", ""))
    for r in extra_rows():
        rows.append((r["what"], str(r["value"]), str(r.get("target", ""))))
    w = max(len(r[0]) for r in rows)
    print(f"| {'what':<{w}} | {'measured':>21} | target |")
    print(f"|{'-' * (w + 2)}|{'-' * 23}|--------|")
    for what, value, target in rows:
        print(f"| {what:<{w}} | {value:>21} | {target} |")


if __name__ == "__main__":
    main()
