"""Screens: the main browsing screen (dialogs live in `ui.dialogs`)."""
