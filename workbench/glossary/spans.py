"""Resolving overlapping matches: the longest wins, spans never overlap."""

from __future__ import annotations

__all__ = ["longest_first"]


def longest_first(hits):
    """Keep the longest hits, dropping any that overlaps a longer (or earlier) one.

    ``hits`` are tuples whose first two items are ``start, end``; the result is in
    text order.
    """
    if not hits:
        return []
    hits = sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0]))
    base = min(h[0] for h in hits)
    used = bytearray(max(h[1] for h in hits) - base)
    chosen = []
    for h in hits:
        a, b = h[0] - base, h[1] - base
        if any(used[a:b]):
            continue
        used[a:b] = b"\x01" * (b - a)
        chosen.append(h)
    chosen.sort(key=lambda h: h[0])
    return chosen
