"""Pure layout code for the terminal UI (no Textual): Arabic shaping and reordering."""
