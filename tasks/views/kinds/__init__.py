"""The kinds of record the records pages show, one module a line of work; importing the package
registers them all, in the order the records hub lists them."""

# isort: off
from tasks.views.kinds import study  # noqa: F401 (registers its kinds; the order is the hub's)
from tasks.views.kinds import research  # noqa: F401
from tasks.views.kinds import development  # noqa: F401
from tasks.views.kinds import institutions  # noqa: F401

# isort: on
from tasks.views.kinds.base import KINDS, Kind, kind_or_404

__all__ = ["KINDS", "Kind", "kind_or_404"]
