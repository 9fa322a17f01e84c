"""The records pages' kinds of promoting development: indicators, the livelihood list, volunteer teams."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from tasks import forms_records as forms
from tasks.models import Indicator, LivelihoodItem, VolunteerTeam
from tasks.selectors import records as selectors
from tasks.services import development
from tasks.views.kinds.base import (
    Column,
    Kind,
    date_cell,
    number,
    register,
    status_cell,
    text_filter,
    unit_cell,
    unit_filter,
)

register(
    Kind(
        slug="indicators",
        link=1,
        model=Indicator,
        title=gettext_lazy("Indicators"),
        new_label=gettext_lazy("Add an indicator"),
        list_fn=lambda user, campaign, d: selectors.indicator_list(
            user=user, campaign=campaign, search=text_filter(d, "q")
        ),
        columns=[
            Column(gettext_lazy("Indicator"), lambda r: r.name, 30),
            Column(gettext_lazy("Key"), lambda r: r.key, 20, in_list=False),  # the system's code, not shown
            Column(gettext_lazy("Unit of measure"), lambda r: r.measure_unit, 10),
            Column(gettext_lazy("Target"), lambda r: number(r.target), 10),
            Column(gettext_lazy("Latest value"), lambda r: number(r.latest_value), 12),
            Column(gettext_lazy("Period ending"), lambda r: date_cell(r.latest_period), 12),
            Column(gettext_lazy("Usual source"), lambda r: r.source, 20, in_list=False),
        ],
        form=forms.IndicatorForm,
        create=lambda by, campaign, data: development.indicator_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: development.indicator_update(indicator=record, by=by, **data),
        delete=lambda record, by: development.indicator_delete(indicator=record, by=by),
        show=(),
        office_only=True,
        extra_template="tasks/records/_indicator.html",
    )
)

register(
    Kind(
        slug="livelihood",
        model=LivelihoodItem,
        title=gettext_lazy("Livelihood list"),
        new_label=gettext_lazy("Add an item"),
        list_fn=lambda user, campaign, d: selectors.livelihood_item_list(
            user=user,
            campaign=campaign,
            kind=text_filter(d, "kind"),
            status=text_filter(d, "status"),
            unit_id=unit_filter(d),
            level=text_filter(d, "level"),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Listed on"), lambda r: date_cell(r.listed_on), 12),
            Column(gettext_lazy("Item"), lambda r: r.title, 40),
            Column(gettext_lazy("Item kind"), lambda r: r.get_kind_display(), 14),
            Column(gettext_lazy("Unit"), unit_cell, 18),
            Column(gettext_lazy("Responsible department"), lambda r: r.responsible, 16, in_list=False),
            Column(gettext_lazy("Solved on"), lambda r: date_cell(r.solved_on), 12, in_list=False),
            Column(gettext_lazy("Result"), lambda r: r.result, 30, in_list=False),
            Column(gettext_lazy("Status"), status_cell, 10, badge=lambda r: r.status),
        ],
        form=forms.LivelihoodItemForm,
        create=lambda by, campaign, data: development.livelihood_item_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: development.livelihood_item_update(item=record, by=by, **data),
        kinds=LivelihoodItem.Kind.choices,
        kind_label=gettext_lazy("Item kind"),
        statuses=LivelihoodItem.Status.choices,
        show=("kind", "status", "unit", "level"),
    )
)

register(
    Kind(
        slug="volunteers",
        link=1,
        model=VolunteerTeam,
        title=gettext_lazy("Volunteer teams"),
        new_label=gettext_lazy("Add a volunteer team"),
        list_fn=lambda user, campaign, d: selectors.volunteer_team_list(
            user=user, campaign=campaign, unit_id=unit_filter(d), search=text_filter(d, "q")
        ),
        columns=[
            Column(gettext_lazy("Team"), lambda r: r.name, 30),
            Column(gettext_lazy("Unit"), unit_cell, 20),
            Column(gettext_lazy("Paired community"), lambda r: r.community, 20),
            Column(gettext_lazy("Formed on"), lambda r: date_cell(r.formed_on), 12),
            Column(gettext_lazy("Volunteers"), lambda r: r.volunteers, 10),
            Column(gettext_lazy("Co-building projects"), lambda r: r.project_count, 10),
        ],
        form=forms.VolunteerTeamForm,
        create=lambda by, campaign, data: development.volunteer_team_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: development.volunteer_team_update(team=record, by=by, **data),
        show=("unit",),
        extra_template="tasks/records/_volunteers.html",
        detail_prefetch=("projects",),
    )
)
