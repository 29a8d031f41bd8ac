"""Alignment of Arabic source segments with an English rewrite.

This package's ``__init__`` stays light (no numpy, no embedder): import the
submodules you need.  :mod:`workbench.align.links` holds the link type and the
``[i,j]:[k]`` text format shared by gold files, the CLI and scoring.
"""
