"""Machine-translation proposals: backends, model management, glossary-aware decoding, translation memory.

* :mod:`.backend` -- ``load_backend(model, *, models_dir=None, device="auto")`` returns a
  :class:`~.backend.TransformersBackend` (MarianMT, NLLB-200, M2M100) loaded from a local
  directory, ``models_dir`` (the configured one, given by the caller) or the local Hugging
  Face cache, never the network; ``ModelNotFoundError`` says how to get a model.
* :mod:`.models` -- ``list_models``, ``fetch_model`` (the only network use, on request);
  making a model the default is the application's (:func:`workbench.app.models.use_model`).
* :mod:`.propose` -- ``propose(backend, segments, glossary=..., n_best=4, cache=...)``:
  term detection, protection, n-best reranking, post-editing, QA findings.
* :mod:`.memory` -- ``TranslationMemory(conn)``: fuzzy matches on normalised Arabic.
* :mod:`.cache` -- ``ProposalCache(conn)`` over the ``mt_cache`` table.

Importing this package does not import ``torch`` or ``transformers``.
"""
