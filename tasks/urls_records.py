from django.urls import path

from campaign import views_imports
from tasks.views import co_building, records
from tasks.views import record_actions as actions

urlpatterns = [
    path("records/", records.records_home, name="records-home"),
    path("records/study/owed/", actions.study_owed, name="study-owed"),
    path("records/study/<int:pk>/makeup/", actions.study_makeup, name="study-makeup"),
    path("records/study/<int:pk>/rate/", actions.study_rate, name="study-rate"),
    path("records/research/<int:pk>/register/", actions.research_register, name="research-register"),
    path("records/research/<int:pk>/complete/", actions.research_complete, name="research-complete"),
    path("records/research/<int:pk>/cancel/", actions.research_cancel, name="research-cancel"),
    path("records/research/<int:pk>/spot-check/", actions.research_spot_check, name="research-spot-check"),
    path("records/measures/<int:pk>/follow-up/", actions.measure_follow_up, name="measure-follow-up"),
    path("records/documents/<int:pk>/issue/", actions.document_issue, name="document-issue"),
    path("records/volunteers/<int:pk>/project/", actions.volunteer_project, name="volunteer-project"),
    path(
        "records/indicators/import/",
        views_imports.import_start,
        {"kind": "indicator_values"},
        name="indicator-import",
    ),
    path(
        "records/indicators/template.xlsx",
        views_imports.import_template,
        {"kind": "indicator_values"},
        name="indicator-template",
    ),
    path("records/indicators/<int:pk>/value/", actions.indicator_value, name="indicator-value"),
    path("records/co-building/", co_building.co_building_list, name="co-building-list"),
    path("records/<slug:slug>/", records.record_list, name="record-list"),
    path("records/<slug:slug>/new/", records.record_edit, name="record-new"),
    path("records/<slug:slug>/<int:pk>/", records.record_detail, name="record-detail"),
    path("records/<slug:slug>/<int:pk>/edit/", records.record_edit, name="record-edit"),
    path("records/<slug:slug>/<int:pk>/delete/", records.record_delete_view, name="record-delete"),
]
