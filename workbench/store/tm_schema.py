"""Moved to :mod:`workbench.mt.tm_schema` (below both the store and ``workbench.mt``, so
that ``mt`` never imports the store); these names stay importable from here."""

from workbench.mt.tm_schema import TM_SCHEMA, ensure_tm_schema, upsert_tm_unit, utc_timestamp

__all__ = ["TM_SCHEMA", "ensure_tm_schema", "upsert_tm_unit", "utc_timestamp"]
