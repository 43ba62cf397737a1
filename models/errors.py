"""The one exception type the command line turns into a French message and a non-zero exit."""


class CarnetError(Exception):
    """An error whose message, in French, is fit to show a user as it is."""

    exit_code = 1
