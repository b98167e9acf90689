"""The store: SQLite catalogue (source of truth) and derived full-text engines."""
