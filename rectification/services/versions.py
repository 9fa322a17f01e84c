"""What moves the change counter behind the cached campaign-wide counts of problems and
measures (rectification.selectors.counted_per_day): every create, save and delete of a problem
or a measure, and a dispatch round's close-out, once the change has committed
(campaign.services.changes_committed says why after the commit)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from campaign.services import changes_committed
from rectification.models import Measure, Problem

SCOPE = "rectification"


def counts_changed(*, campaign_id: int) -> None:
    """The campaign's problems or measures changed: move its counter when this commits."""
    changes_committed(campaign_id=campaign_id, scope=SCOPE)


def _problem_changed(sender, instance: Problem, **kwargs) -> None:
    counts_changed(campaign_id=instance.campaign_id)


def _measure_changed(sender, instance: Measure, **kwargs) -> None:
    counts_changed(campaign_id=instance.problem.campaign_id)


def connect() -> None:
    """Every ORM write of a problem or a measure (services, admin, imports) moves the counter;
    queryset updates do not send signals, so the services that use them call `counts_changed`."""
    for signal in (post_save, post_delete):
        signal.connect(_problem_changed, sender=Problem, dispatch_uid="counts-version-problem")
        signal.connect(_measure_changed, sender=Measure, dispatch_uid="counts-version-measure")
