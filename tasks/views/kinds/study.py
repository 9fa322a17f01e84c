"""The records pages' kinds of theory study: the study activities."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tasks import forms_records as forms
from tasks.models import StudyActivity
from tasks.selectors import records as selectors
from tasks.services import study
from tasks.views.kinds.base import (
    Column,
    Kind,
    date_cell,
    register,
    text_filter,
    unit_cell,
    unit_filter,
)

register(
    Kind(
        slug="study",
        model=StudyActivity,
        title=gettext_lazy("Study activities"),
        new_label=gettext_lazy("Record a study activity"),
        list_fn=lambda user, campaign, d: selectors.study_activity_list(
            user=user,
            campaign=campaign,
            kind=text_filter(d, "kind"),
            unit_id=unit_filter(d),
            level=text_filter(d, "level"),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Date"), lambda r: date_cell(r.date), 12),
            Column(gettext_lazy("Activity"), lambda r: r.title, 36),
            Column(gettext_lazy("Activity kind"), lambda r: r.get_kind_display(), 12),
            Column(gettext_lazy("Unit"), unit_cell, 20),
            Column(gettext_lazy("Topic"), lambda r: r.topic, 24, in_list=False),
            Column(gettext_lazy("Session"), lambda r: r.session_number or "", 8, in_list=False),
            Column(gettext_lazy("Lecturer"), lambda r: r.lecturer, 12, in_list=False),
            Column(gettext_lazy("Organiser"), lambda r: r.organiser, 14, in_list=False),
            Column(gettext_lazy("Place"), lambda r: r.place, 18, in_list=False),
            Column(gettext_lazy("Participants"), lambda r: r.participants, 10),
            Column(gettext_lazy("Audience"), lambda r: r.audience, 10, in_list=False),
            Column(gettext_lazy("Absentees"), lambda r: r.absentee_count, 8),
            Column(
                gettext_lazy("Owe a make-up"),
                lambda r: r.owed_count,
                8,
                badge=lambda r: "negative" if r.owed_count else "",
            ),
            Column(gettext_lazy("Excellent"), lambda r: _("Yes") if r.rated_excellent else "", 8, in_list=False),
        ],
        form=forms.StudyActivityForm,
        create=lambda by, campaign, data: study.study_activity_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: study.study_activity_update(activity=record, by=by, **data),
        kinds=StudyActivity.Kind.choices,
        show=("kind", "unit", "level"),
        extra_template="tasks/records/_study.html",
        detail_related=("unit",),
        detail_prefetch=("absences__made_up_in", "makeups"),
    )
)
