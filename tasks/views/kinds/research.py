"""The records pages' kinds of research: focus areas, topics, trips, exchange meetings, typical
cases, innovation measures."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks import forms_records as forms
from tasks.models import ExchangeMeeting, FocusArea, InnovationMeasure, ResearchActivity, ResearchTopic, TypicalCase
from tasks.selectors import records as selectors
from tasks.services import research
from tasks.views.kinds.base import (
    Column,
    Kind,
    date_cell,
    register,
    status_cell,
    text_filter,
    unit_cell,
    unit_filter,
)

register(
    Kind(
        slug="focus-areas",
        model=FocusArea,
        title=gettext_lazy("Research focus areas"),
        new_label=gettext_lazy("Add a focus area"),
        list_fn=lambda user, campaign, d: (
            FocusArea.objects.filter(campaign=campaign)
            .filter(Q(name__icontains=text_filter(d, "q")) if text_filter(d, "q") else Q())
            .annotate(topic_count=Count("topics"))
            .order_by("number")
        ),
        columns=[
            Column(gettext_lazy("No."), lambda r: r.number, 6),
            Column(gettext_lazy("Focus area"), lambda r: r.name, 36),
            Column(gettext_lazy("Topics"), lambda r: r.topic_count, 8),
            Column(gettext_lazy("Description"), lambda r: r.description, 40, in_list=False),
        ],
        form=forms.FocusAreaForm,
        create=lambda by, campaign, data: research.focus_area_save(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.focus_area_save(by=by, campaign=record.campaign, area=record, **data),
        delete=lambda record, by: research.focus_area_delete(area=record, by=by),
        show=(),
        office_only=True,
    )
)

register(
    Kind(
        slug="topics",
        link=1,
        model=ResearchTopic,
        title=gettext_lazy("Research topics"),
        new_label=gettext_lazy("Add a research topic"),
        list_fn=lambda user, campaign, d: selectors.research_topic_list(
            user=user,
            campaign=campaign,
            level=text_filter(d, "level"),
            unit_id=unit_filter(d),
            status=text_filter(d, "status"),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Topic"), lambda r: r.title, 40),
            Column(gettext_lazy("Level"), lambda r: r.get_level_display(), 10),
            Column(gettext_lazy("Unit"), unit_cell, 20),
            Column(gettext_lazy("Led or claimed by"), lambda r: r.owner_label, 12),
            Column(
                gettext_lazy("Focus area"), lambda r: r.focus_area.name if r.focus_area_id else "", 20, in_list=False
            ),
            Column(gettext_lazy("Trips"), lambda r: r.activity_count, 8),
            Column(gettext_lazy("Measures"), lambda r: r.measure_count, 8),
            Column(gettext_lazy("Status"), status_cell, 10, badge=lambda r: r.status),
        ],
        form=forms.ResearchTopicForm,
        create=lambda by, campaign, data: research.research_topic_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.research_topic_update(topic=record, by=by, **data),
        statuses=ResearchTopic.Status.choices,
        show=("status", "unit", "level"),
    )
)

register(
    Kind(
        slug="research",
        model=ResearchActivity,
        title=gettext_lazy("Research activities"),
        new_label=gettext_lazy("Plan a research trip"),
        list_fn=lambda user, campaign, d: selectors.research_activity_list(
            user=user,
            campaign=campaign,
            status=text_filter(d, "status"),
            unit_id=unit_filter(d),
            level=text_filter(d, "level"),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Planned date"), lambda r: date_cell(r.planned_date), 12),
            Column(gettext_lazy("Subject"), lambda r: r.title, 36),
            Column(gettext_lazy("Unit"), lambda r: r.leader.display_name if r.leader_id else unit_cell(r), 18),
            Column(gettext_lazy("Place"), lambda r: r.place, 18),
            Column(gettext_lazy("Enterprise or project visited"), lambda r: r.visited, 22, in_list=False),
            Column(gettext_lazy("People"), lambda r: r.people, 24, in_list=False),
            Column(gettext_lazy("Topic"), lambda r: r.topic.title if r.topic_id else "", 24, in_list=False),
            Column(gettext_lazy("Major"), lambda r: _("Yes") if r.is_major else "", 6),
            Column(gettext_lazy("Registered on"), lambda r: date_cell(r.registered_on), 12, in_list=False),
            Column(gettext_lazy("Completed on"), lambda r: date_cell(r.completed_on), 12, in_list=False),
            Column(gettext_lazy("Findings"), lambda r: r.finding_count, 8),
            Column(gettext_lazy("Spot checks"), lambda r: r.check_count, 8, in_list=False),
            Column(gettext_lazy("Status"), status_cell, 10, badge=lambda r: r.status),
        ],
        form=forms.ResearchActivityForm,
        create=lambda by, campaign, data: research.research_activity_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.research_activity_update(activity=record, by=by, **data),
        statuses=ResearchActivity.Status.choices,
        show=("status", "unit", "level"),
        extra_template="tasks/records/_research_activity.html",
        detail_related=("unit", "leader", "topic"),
        detail_prefetch=("findings__measures", "spot_checks__group", "spot_checks__checked_by"),
    )
)

register(
    Kind(
        slug="meetings",
        model=ExchangeMeeting,
        title=gettext_lazy("Results-exchange meetings"),
        new_label=gettext_lazy("Record an exchange meeting"),
        list_fn=lambda user, campaign, d: selectors.exchange_meeting_list(
            user=user,
            campaign=campaign,
            unit_id=unit_filter(d),
            level=text_filter(d, "level"),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Date"), lambda r: date_cell(r.date), 12),
            Column(gettext_lazy("Meeting"), lambda r: r.title, 40),
            Column(gettext_lazy("Unit"), unit_cell, 20),
            Column(gettext_lazy("Participants"), lambda r: r.participants, 10),
            Column(gettext_lazy("What was exchanged"), lambda r: r.note, 40, in_list=False),
        ],
        form=forms.ExchangeMeetingForm,
        create=lambda by, campaign, data: research.exchange_meeting_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.exchange_meeting_update(meeting=record, by=by, **data),
    )
)

register(
    Kind(
        slug="cases",
        model=TypicalCase,
        title=gettext_lazy("Typical cases"),
        new_label=gettext_lazy("Record a typical case"),
        list_fn=lambda user, campaign, d: selectors.typical_case_list(
            user=user,
            campaign=campaign,
            kind=text_filter(d, "kind"),
            unit_id=unit_filter(d),
            level=text_filter(d, "level"),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Analysed on"), lambda r: date_cell(r.date), 12),
            Column(gettext_lazy("Case"), lambda r: r.title, 40),
            Column(gettext_lazy("Positive or negative"), lambda r: r.get_kind_display(), 8, badge=lambda r: r.kind),
            Column(gettext_lazy("Unit"), unit_cell, 20),
            Column(gettext_lazy("Lesson drawn"), lambda r: r.lesson, 50, in_list=False),
        ],
        form=forms.TypicalCaseForm,
        create=lambda by, campaign, data: research.typical_case_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.typical_case_update(case=record, by=by, **data),
        kinds=TypicalCase.Kind.choices,
        kind_label=gettext_lazy("Positive or negative"),
        show=("kind", "unit", "level"),
        detail_related=("unit", "topic"),
    )
)

register(
    Kind(
        slug="measures",
        model=InnovationMeasure,
        title=gettext_lazy("Innovation measures"),
        new_label=gettext_lazy("Add an innovation measure"),
        list_fn=lambda user, campaign, d: selectors.innovation_measure_list(
            user=user,
            campaign=campaign,
            use=text_filter(d, "kind"),
            status=text_filter(d, "status"),
            unit_id=unit_filter(d),
            level=text_filter(d, "level"),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Adopted on"), lambda r: date_cell(r.adopted_on), 12),
            Column(gettext_lazy("Measure"), lambda r: r.title, 40),
            Column(gettext_lazy("Unit"), unit_cell, 18),
            Column(gettext_lazy("Responsible department"), lambda r: r.department, 16),
            Column(gettext_lazy("Use"), lambda r: r.get_use_display(), 12),
            Column(gettext_lazy("Topic"), lambda r: r.topic.title if r.topic_id else "", 24, in_list=False),
            Column(gettext_lazy("Follow-up visits"), lambda r: r.visit_count, 8),
            Column(gettext_lazy("In place on"), lambda r: date_cell(r.in_place_on), 12, in_list=False),
            Column(gettext_lazy("What it solved"), lambda r: r.outcome, 40, in_list=False),
            Column(gettext_lazy("Status"), status_cell, 12, badge=lambda r: r.status),
        ],
        form=forms.InnovationMeasureForm,
        create=lambda by, campaign, data: research.innovation_measure_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: research.innovation_measure_update(measure=record, by=by, **data),
        kinds=InnovationMeasure.Use.choices,
        kind_label=gettext_lazy("Use"),
        statuses=InnovationMeasure.Status.choices,
        show=("kind", "status", "unit", "level"),
        extra_template="tasks/records/_measure.html",
        detail_related=("unit", "topic", "finding__activity"),
        detail_prefetch=("visits__visited_by", "documents"),
    )
)
