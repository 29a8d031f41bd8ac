"""Project store: one SQLite file per project that never loses a translator's work."""
