"""The terminal app and the ``carnet`` command. The only package that imports textual."""
