"""Where things live in a data folder."""

REGISTRY = "_registry"  # the dossier name of the people registry in events and the journal
REGISTRY_FILE = "registry.json"
DOSSIERS = "dossiers"
EVENTS = "events"
