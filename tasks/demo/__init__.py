"""The tasks app's part of the demo campaign."""

from tasks.demo import keytasks, records


def load() -> str:
    return "; ".join([keytasks.load(), records.load()])
