"""The tasks app's HTTP API; each module registers its viewsets in `register(router)`."""

from tasks.api import keytasks, progress


def register(router) -> None:
    keytasks.register(router)
    progress.register(router)
