"""The one exception type for problems a user can cause.

Everything a user can get wrong (a missing file, a corrupt database, a malformed query) raises
`UserError` with a message written for that user; the CLI prints it as one line and exits 2.
Any other exception is a bug and keeps its traceback.
"""


class UserError(Exception):
    """A problem with the user's input or environment, explained in `str(self)`."""
