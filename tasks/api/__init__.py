"""The tasks app's HTTP API; each module registers its viewsets in `register(router)`."""

from tasks.api import development, institutions, keytasks, progress, research, study


def register(router) -> None:
    keytasks.register(router)
    progress.register(router)
    study.register(router)
    research.register(router)
    development.register(router)
    institutions.register(router)
