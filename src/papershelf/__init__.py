"""papershelf: browse the daily trending-papers digest and keep a reading list.

Only the version lives here, so that importing the package never pulls in Textual.
"""

__version__ = "0.3.0"
