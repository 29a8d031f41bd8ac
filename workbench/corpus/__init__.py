"""Corpus collections: manifests, documents, pairs and their gold alignments."""

from workbench.corpus.manifest import Collection, Document, Pair, load_collection
from workbench.corpus.registry import find_collections, resolve_pair

__all__ = ["Collection", "Document", "Pair", "find_collections", "load_collection", "resolve_pair"]
