"""The ledger (台账): one row per measure with its problem and who signed it off."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    CharField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from campaign.models import User
from rectification.models import (
    Closure,
    Measure,
)
from rectification.selectors.measures import measure_list


def ledger_rows(*, user: User, campaign_id: int | None = None, level: str = "", today: dt.date | None = None):
    """One row per measure with its problem, for the ledger export (台账)."""
    return measure_list(user=user, campaign_id=campaign_id, level=level, today=today)


def with_sign_off(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """Each measure with `signed_off_by_name`: who signed off its standing closure (the one that
    closed it; empty while it is open), for the ledger's reviewer column. One subquery, so the
    ledger's query count does not grow with its rows."""
    standing = Closure.objects.filter(measure=OuterRef("pk"), status=Closure.Status.SIGNED_OFF).order_by("-decided_at")
    name = Coalesce(NullIf(F("decided_by__full_name"), Value("")), F("decided_by__username"))
    return measures.annotate(
        signed_off_by_name=Subquery(standing.annotate(name=name).values("name")[:1], output_field=CharField())
    )
