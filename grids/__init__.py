"""The referentials as data: one JSON file per CQP, transcribed from the seeds."""

from grids.loader import (
    CARRIERE_ID,
    CONSEIL_ID,
    Published,
    ReferentialError,
    Referentials,
    load_referential_file,
    load_referentials,
    parse_document,
)

__all__ = [
    "CARRIERE_ID",
    "CONSEIL_ID",
    "Published",
    "ReferentialError",
    "Referentials",
    "load_referential_file",
    "load_referentials",
    "parse_document",
]
