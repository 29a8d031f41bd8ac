"""Project store: one SQLite file per project that never loses a translator's work.

* :mod:`workbench.store.project` -- :class:`~workbench.store.project.Project` (create, open,
  edit/accept with optimistic locking, merge/split/relink, undo/redo, translation memory),
  :class:`~workbench.store.project.ConflictError`, ``default_project_path(pair_id)``; its parts
  by concern are :mod:`~workbench.store.lifecycle`, :mod:`~workbench.store.connection`,
  :mod:`~workbench.store.edits`, :mod:`~workbench.store.alignment_edits`,
  :mod:`~workbench.store.history` and :mod:`~workbench.store.memory_sync`;
* :mod:`workbench.store.records` -- the records it hands out (``ProjectLink``,
  ``HistoryEntry``, ``StoredDocument``);
* :mod:`workbench.store.schema` -- tables and forward migrations (``PRAGMA user_version``);
* :mod:`workbench.store.exchange` -- export to TMX/XLIFF/CSV/text and import of TMX/XLIFF;
* the translation-memory and MT-cache tables are :mod:`workbench.mt.tm_schema` (shared with
  :mod:`workbench.mt`, which never imports the store).
"""
