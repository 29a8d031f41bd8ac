"""Text layer: segmentation with offsets and Arabic/English normalisation with offset maps."""

from workbench.text.normalize import (
    NormalizedText,
    arabic_key,
    english_key,
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
    "arabic_key",
    "english_key",
    "lines",
    "normalize_arabic",
    "normalize_digits",
    "normalize_english",
    "paragraphs",
    "segment",
    "sentences",
]
