"""The records pages' kinds of institution building: the institution documents."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from tasks import forms_records as forms
from tasks.models import InstitutionDocument
from tasks.selectors import records as selectors
from tasks.services import institutions
from tasks.views.kinds.base import (
    Column,
    Kind,
    date_cell,
    register,
    status_cell,
    text_filter,
    unit_filter,
)

register(
    Kind(
        slug="documents",
        link=1,
        model=InstitutionDocument,
        title=gettext_lazy("Institution documents"),
        new_label=gettext_lazy("Add a document"),
        list_fn=lambda user, campaign, d: selectors.institution_document_list(
            user=user,
            campaign=campaign,
            status=text_filter(d, "status"),
            issued_by=text_filter(d, "kind"),
            unit_id=unit_filter(d),
            search=text_filter(d, "q"),
        ),
        columns=[
            Column(gettext_lazy("Document"), lambda r: r.title, 40),
            Column(gettext_lazy("Issuing body"), lambda r: r.unit.name if r.unit_id else r.get_issued_by_display(), 18),
            Column(gettext_lazy("Document number"), lambda r: r.doc_number, 16),
            Column(gettext_lazy("Drafting started"), lambda r: date_cell(r.started_on), 12, in_list=False),
            Column(gettext_lazy("Issued on"), lambda r: date_cell(r.issued_on), 12),
            Column(gettext_lazy("What it institutionalises"), lambda r: r.institutionalises, 40, in_list=False),
            Column(gettext_lazy("Status"), status_cell, 10, badge=lambda r: r.status),
        ],
        form=forms.InstitutionDocumentForm,
        create=lambda by, campaign, data: institutions.institution_document_create(by=by, campaign=campaign, **data),
        update=lambda record, by, data: institutions.institution_document_update(document=record, by=by, **data),
        kinds=InstitutionDocument.IssuedBy.choices,
        kind_label=gettext_lazy("Issuing body"),
        statuses=InstitutionDocument.Status.choices,
        show=("kind", "status", "unit"),
        extra_template="tasks/records/_document.html",
        detail_related=("unit", "measure"),
    )
)
