"""Work two searches over the same two sides compute alike, done once (``--profile auto``).

The ``auto`` profile aligns a pair twice, with the translation profile's n:m prior and
with the rewrite profile's (:mod:`workbench.align.profile`).  The two searches differ in
their weights and their largest link, not in the features of a candidate link: on the
coarse levels (the same downsampled sides, the same shapes) the features are the same,
and on any level where the two searches end up with the same band (and, for paragraphs,
the same sentence evidence), so are the segments' neighbourhoods, the coverage tables and
the features of every shape both look at.  A :class:`SharedWork` kept across the two
calls of :func:`workbench.align.engine.align_sides` hands them from the first search to
the second; where anything they depend on differs, the second computes its own, so the
links and scores are exactly those of two separate searches.

Features are kept only for the shapes the second search looks at (``shapes``) and up to
:data:`MAX_ROWS` candidates in all, so that a long document's memory stays bounded.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SharedWork", "MAX_ROWS"]

#: the most candidate feature rows kept (about 110 bytes each)
MAX_ROWS = 600_000


class SharedWork:
    """What one level of a search (the top, its coarse levels, its sentence level) hands to
    the same level of the next search over the same two sides."""

    def __init__(self, shapes=None, budget: list[int] | None = None) -> None:
        #: the shapes whose features are kept (None: all)
        self.shapes = None if shapes is None else set(shapes)
        self._budget = budget if budget is not None else [MAX_ROWS]
        self._children: dict[str, SharedWork] = {}
        self._band = None          # the first search's band and neighbourhood parameters
        self._knn = None
        self._cov_key = None       # what its coverage was built from
        self._coverage = None
        self._feats: dict = {}
        self._feat_key = None
        self.live = False          # this search's band matches the first's

    def child(self, role: str) -> "SharedWork":
        """The shared work of a level below (``"down"``: the coarse level, ``"sub"``: the
        sentences of paragraphs)."""
        if role not in self._children:
            self._children[role] = SharedWork(self.shapes, self._budget)
        return self._children[role]

    @staticmethod
    def _band_key(band, params) -> tuple:
        return band.lo.tobytes(), band.hi.tobytes(), params.knn

    def neighbourhoods(self, band, params, compute):
        """The neighbourhoods on ``band`` (``compute()`` gives them): the first search's
        when its band and ``knn`` were the same."""
        key = self._band_key(band, params)
        if self._band is None:
            self._band = key
            self._knn = compute()
            self.live = True
            return self._knn
        self.live = key == self._band
        return self._knn if self.live else compute()

    def coverage(self, key, compute):
        """The coverage tables built from ``key`` (the band's density and the sentence
        evidence): the first search's when the same."""
        if not self.live:
            return compute()
        if self._coverage is None:
            self._cov_key, self._coverage = key, compute()
            return self._coverage
        if key != self._cov_key:
            self.live = False
            return compute()
        return self._coverage

    def features(self, shape_key: tuple, params, compute) -> np.ndarray:
        """The features of the chunk ``shape_key`` (``(a, b, start)``), computed by
        ``compute()`` unless the first search computed them with the same length model."""
        if not self.live:
            return compute()
        pkey = (params.len_mu, params.len_sigma)
        if self._feat_key is None:
            self._feat_key = pkey
        if pkey != self._feat_key:
            return compute()
        feats = self._feats.get(shape_key)
        if feats is None:
            feats = compute()
            if ((self.shapes is None or shape_key[:2] in self.shapes)
                    and len(feats) <= self._budget[0]):
                self._budget[0] -= len(feats)
                self._feats[shape_key] = feats
        return feats
