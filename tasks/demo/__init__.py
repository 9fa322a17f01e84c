"""The tasks app's part of the demo campaign."""

from tasks.demo import keytasks


def load() -> str:
    return keytasks.load()
