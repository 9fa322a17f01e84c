"""Writes to rectification data. Pages, endpoints, commands and jobs all go through here."""
