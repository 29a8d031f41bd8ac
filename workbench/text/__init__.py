"""Text layer: segmentation with offsets and Arabic/English normalisation with offset maps."""

from workbench.text.normalize import (
    NormalizedText,
    normalized_arabic,
    normalized_english,
    normalize_arabic,
    normalize_digits,
    normalize_english,
)
from workbench.text.segment import LANGUAGES, UNITS, Segment, lines, paragraphs, segment, sentences

__all__ = [
    "LANGUAGES",
    "UNITS",
    "NormalizedText",
    "Segment",
    "normalized_arabic",
    "normalized_english",
    "lines",
    "normalize_arabic",
    "normalize_digits",
    "normalize_english",
    "paragraphs",
    "segment",
    "sentences",
]
