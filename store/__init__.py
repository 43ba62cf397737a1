"""Persistence that loses nothing: crash-safe TinyDB files, append-only events, one writer."""
