"""Writes of the tasks app, one module per kind of record (keytasks, progress, ...)."""
