"""What leaves carnet for the juries and the certification body: the dossier de certification,
a grid's document, the local jury's procès-verbal and the national jury's list (PDF), the
consolidated table (XLSX, CSV).

Each document is a function from a dossier's state (or the list of summaries) and the people
registry to bytes: no store, no disk. The PDF and XLSX libraries are imported by the modules
that use them, which nothing imports at the app's start.
"""
