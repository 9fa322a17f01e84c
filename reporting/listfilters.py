"""The filters that show exactly the reporting app's records behind a figure
(campaign/listfilters.py): declared beside neither the figures nor the selectors, since both read
them (reporting/figures/registry.py, reporting/selectors/)."""

from campaign.listfilters import ListFilters, day_end
from reporting.models import Bulletin

BULLETIN_FILTERS = ListFilters(
    as_of=lambda rows, day: rows.filter(status=Bulletin.Status.PUBLISHED, published_at__lt=day_end(day)),
    choices={"kind": lambda rows, kind: rows.filter(kind=kind)},
)
