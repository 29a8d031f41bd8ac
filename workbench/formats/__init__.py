"""Interchange formats: TMX, XLIFF 2.0, TBX and CSV, parsed with entity resolution and network off."""
