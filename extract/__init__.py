"""Text -> facts: pure functions over NFC text (no I/O, no store)."""
