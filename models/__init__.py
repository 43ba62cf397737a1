"""Pydantic types and the pure certification rules. No I/O, no textual."""
