"""Rows for benchmarks/tui.py: the review, glossary and concordance screens, key to
repaint as the translator sees it (the same measure as the translation screen's rows).

* opening the review screen on a 1,000-link project (F5 until the screen's first full
  paint);
* an alignment edit there (confirm, merge with next, undo), key to repaint;
* glossary search as you type with the 10,000-entry synthetic glossary of
  benchmarks/glossary_match.py, key to repaint per character;
* concordance over the project and the corpora, key to repaint per character.

Run alone: ``.venv/bin/python benchmarks/tui_screens.py``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

N_LINKS = 1000
ROUNDS = 30


async def _screen_paint(pilot, key: str, cls) -> float:
    """F-key to the first repaint after the pushed screen is mounted."""
    import tui
    from textual import events

    app = pilot.app
    watch = getattr(app, "_bench_repaints", None)
    if watch is None:
        watch = app._bench_repaints = tui.Repaints(app)
    await pilot.pause(0.1)
    t0 = time.perf_counter()
    app._driver.send_message(events.Key(key, None))
    while not (isinstance(app.screen, cls) and app.screen.is_mounted):
        await asyncio.sleep(0.0005)
    mounted = time.perf_counter()
    while watch.last < mounted:
        await asyncio.sleep(0.0005)
    return watch.last - t0


async def _review(path: Path, glossary) -> dict[str, list[float]]:
    import tui
    from workbench.app.session import Session, locate
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.review import ReviewScreen

    out: dict[str, list[float]] = {"open": [], "confirm": [], "merge": [], "undo": []}
    for _ in range(3):
        app = WorkbenchApp(lambda: Session.open(locate(str(path)), glossary=glossary))
        async with app.run_test(size=tui.SIZE) as pilot:
            await tui.wait_ready(pilot, app)
            await pilot.pause(0.3)
            out["open"].append(await _screen_paint(pilot, "f5", ReviewScreen))
            if len(out["open"]) < 3:
                continue
            await pilot.pause(0.2)
            for k in range(ROUNDS):
                out["confirm"].append(await tui.timed(pilot, ["c"]))
                await tui.timed(pilot, ["down"])
            for _ in range(ROUNDS // 2):
                out["merge"].append(await tui.timed(pilot, ["m"]))
                out["undo"].append(await tui.timed(pilot, ["alt+z"]))
    return out


async def _typing(path: Path, glossary, key: str, cls, text: str, ready=None) -> list[float]:
    import tui
    from workbench.app.session import Session, locate
    from workbench.tui.app import WorkbenchApp

    app = WorkbenchApp(lambda: Session.open(locate(str(path)), glossary=glossary))
    times: list[float] = []
    async with app.run_test(size=tui.SIZE) as pilot:
        await tui.wait_ready(pilot, app)
        await pilot.press(key)
        while not isinstance(app.screen, cls):
            await pilot.pause(0.01)
        if ready is not None:
            while not ready(app.screen):
                await pilot.pause(0.05)
        await pilot.pause(0.3)
        for _ in range(max(1, ROUNDS // len(text))):
            for ch in text:
                times.append(await tui.timed(pilot, [ch if ch != " " else "space"]))
            for _ in text:
                await pilot.press("backspace")
    return times


def rows() -> list[dict]:
    import tui
    from glossary_match import synthetic_glossary
    from workbench.glossary import load_glossary
    from workbench.tui.screens.concordance import ConcordanceScreen
    from workbench.tui.screens.glossary import GlossaryScreen

    tmp = Path(tempfile.mkdtemp(prefix="wb-tui-screens-"))
    big = tui.big_project(tmp, N_LINKS)
    curated = load_glossary([tui.ROOT / "glossaries"])
    review = asyncio.run(_review(big, curated))
    synthetic, names = synthetic_glossary(10_000)
    query = names[137][2][:8] if len(names[137]) > 2 else "Jaish al"
    gl = asyncio.run(_typing(big, synthetic, "f6", GlossaryScreen, query))
    conc = asyncio.run(_typing(big, curated, "ctrl+f", ConcordanceScreen, "Idlib city",
                               ready=lambda s: s.concordance is not None))

    def ms(v: float) -> str:
        return f"{v * 1000:7.1f} ms"

    def p(v: list[float]) -> str:
        return f"{ms(tui.pct(v, .5))} / {ms(tui.pct(v, .95))}"

    return [
        {"what": f"review screen open, {N_LINKS:,} links (median of 3)",
         "value": ms(statistics.median(review["open"])), "target": "< 0.5 s"},
        {"what": f"review: confirm, {N_LINKS:,} links: p50 / p95", "value": p(review["confirm"]),
         "target": "< 50 ms"},
        {"what": f"review: merge with next, {N_LINKS:,} links: p50 / p95",
         "value": p(review["merge"]), "target": "< 50 ms"},
        {"what": f"review: undo a merge, {N_LINKS:,} links: p50 / p95",
         "value": p(review["undo"]), "target": "< 50 ms"},
        {"what": f"glossary search a keystroke, 10,000 entries ({query!r}): p50 / p95",
         "value": p(gl), "target": "< 50 ms"},
        {"what": "concordance a keystroke, project + corpora ('Idlib city'): p50 / p95",
         "value": p(conc), "target": "< 100 ms"},
    ]


if __name__ == "__main__":
    import os

    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    for r in rows():
        print(f"| {r['what']} | {r['value']} | {r['target']} |")
