"""What moves the change counter behind the office's cached dashboard numbers
(reporting/selectors/dashboard.py): every create, save and delete of a weekly report, a closure
or a unit, once the change has committed (campaign.services.changes_committed says why after the
commit). The dashboard's measures are rectification's: they move rectification's own counter
(rectification/services/versions.py), which the dashboard's cache key carries too."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from campaign.models import Unit
from campaign.services import changes_committed
from rectification.models import Closure
from tasks.models import WeeklyProgress

SCOPE = "dashboard"


def dashboard_changed(*, campaign_id: int | None) -> None:
    """The campaign's reports, closures or units changed: move its counter when this commits."""
    changes_committed(campaign_id=campaign_id, scope=SCOPE)


def _unit_changed(sender, instance: Unit, **kwargs) -> None:
    dashboard_changed(campaign_id=instance.campaign_id)


def _by_unit(sender, instance, **kwargs) -> None:
    # A report's or a closure's unit: read through the relation (cached once loaded, as the
    # services load it), never missing for a row that has one.
    if instance.unit_id is not None:
        dashboard_changed(campaign_id=instance.unit.campaign_id)


def connect() -> None:
    """Every ORM write of a weekly report, a closure or a unit moves the counter (queryset
    updates send no signals: a service that used one would call `dashboard_changed` itself)."""
    for signal in (post_save, post_delete):
        signal.connect(_unit_changed, sender=Unit, dispatch_uid="dashboard-version-unit")
        signal.connect(_by_unit, sender=WeeklyProgress, dispatch_uid="dashboard-version-report")
        signal.connect(_by_unit, sender=Closure, dispatch_uid="dashboard-version-closure")
