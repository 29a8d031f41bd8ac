"""Machine-translation proposals: backends, model management, glossary-aware decoding, translation memory."""
