"""The change counter behind the campaign-wide counts that are cached (rectification.selectors.
counted_per_day): every create, save and delete of a problem or a measure, and a dispatch
round's close-out, moves its campaign's counter once the change has committed.

Why after the commit, and not a newest history id: ids are handed out when rows are written,
not when they commit, so a change could commit after a later one, under a version that had
already been read and cached with counts that did not see it. A counter moved after each
commit is always read after the change it stands for; a count stored under an older value
is never read again. Moving it inside the transaction would make every writer of a campaign
wait on one row until commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from rectification.models import CountsVersion, Measure, Problem


def counts_version_bump(*, campaign_id: int) -> None:
    """Move the campaign's counter now (callers queue it with `counts_changed`)."""
    CountsVersion.objects.get_or_create(campaign_id=campaign_id)
    CountsVersion.objects.filter(campaign_id=campaign_id).update(value=F("value") + 1)


def counts_changed(*, campaign_id: int) -> None:
    """The campaign's problems or measures changed: move its counter when this commits."""
    transaction.on_commit(lambda: counts_version_bump(campaign_id=campaign_id))


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
