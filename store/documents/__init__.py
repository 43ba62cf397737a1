"""What the secretariat produces: the dossier de certification (PDF) and the consolidated
table for the national jury (XLSX, CSV)."""

from store.documents.dossier import dossier_pdf, find_candidate
from store.documents.table import consolidated_csv, consolidated_rows, consolidated_xlsx

__all__ = [
    "consolidated_csv",
    "consolidated_rows",
    "consolidated_xlsx",
    "dossier_pdf",
    "find_candidate",
]
