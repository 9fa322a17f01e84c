"""What moves the change counter behind the cached summary figures of the study, research,
development and institution lines (reporting/figures/): every create, save and
delete of a record those figures count, once the change has committed (the mechanism, and why
after the commit, is campaign.services.changes_committed; the rectification counts use it too)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from campaign.services import changes_committed
from tasks.models import (
    CoBuildingProject,
    ExchangeMeeting,
    FocusArea,
    Indicator,
    IndicatorValue,
    InnovationMeasure,
    InstitutionDocument,
    LivelihoodItem,
    ResearchActivity,
    ResearchTopic,
    StudyActivity,
    TypicalCase,
    VolunteerTeam,
)

# The records the figures count that carry their campaign themselves.
WITH_CAMPAIGN = (
    StudyActivity,
    FocusArea,
    ResearchTopic,
    ResearchActivity,
    ExchangeMeeting,
    TypicalCase,
    InnovationMeasure,
    Indicator,
    VolunteerTeam,
    LivelihoodItem,
    InstitutionDocument,
)


SCOPE = "records"


def records_changed(*, campaign_id: int | None) -> None:
    """The campaign's counted records changed: move its counter when this commits."""
    changes_committed(campaign_id=campaign_id, scope=SCOPE)


def _record_changed(sender, instance, **kwargs) -> None:
    records_changed(campaign_id=instance.campaign_id)


def _indicator_value_changed(sender, instance: IndicatorValue, **kwargs) -> None:
    # Read, not `instance.indicator`: when an indicator is deleted its values go first, and the
    # indicator's own signal moves the counter anyway.
    campaign_id = Indicator.objects.filter(pk=instance.indicator_id).values_list("campaign_id", flat=True).first()
    records_changed(campaign_id=campaign_id)


def _project_changed(sender, instance: CoBuildingProject, **kwargs) -> None:
    campaign_id = VolunteerTeam.objects.filter(pk=instance.team_id).values_list("campaign_id", flat=True).first()
    records_changed(campaign_id=campaign_id)


def connect() -> None:
    """Every ORM write of a counted record (services, admin, imports, demo data) moves the
    counter; queryset updates and bulk creates send no signals, so a service that used them
    would have to call `records_changed` itself (none does today)."""
    for signal in (post_save, post_delete):
        for model in WITH_CAMPAIGN:
            signal.connect(_record_changed, sender=model, dispatch_uid=f"records-version-{model._meta.model_name}")
        signal.connect(_indicator_value_changed, sender=IndicatorValue, dispatch_uid="records-version-indicatorvalue")
        signal.connect(_project_changed, sender=CoBuildingProject, dispatch_uid="records-version-cobuildingproject")
