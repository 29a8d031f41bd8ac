"""The terminal UI (Textual).  Only this package imports Textual; the layout code in
``display/`` is pure and imports none of it."""
