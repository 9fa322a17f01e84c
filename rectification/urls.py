from django.urls import path

from campaign import views_imports
from rectification.views import creation, lists, problems, public, special

urlpatterns = [
    # The public reporting zone: no login.
    path("report/", public.report_public, name="rect-public-report"),
    path("report/status/", public.report_status, name="rect-public-status"),
    path("report/<int:campaign_id>/", public.report_public, name="rect-public-report-campaign"),
    path("report/<int:campaign_id>/status/", public.report_status, name="rect-public-status-campaign"),
    # Problems and measures.
    path("rectification/", special.hub, name="rect-hub"),
    path("rectification/problems/", problems.problem_list, name="rect-problem-list"),
    path("rectification/problems/new/", problems.problem_new, name="rect-problem-new"),
    path("rectification/problems/<int:pk>/", problems.problem_detail, name="rect-problem-detail"),
    path("rectification/problems/<int:pk>/edit/", problems.problem_edit, name="rect-problem-edit"),
    path("rectification/measures/", problems.measure_list, name="rect-measure-list"),
    path("rectification/measures/<int:pk>/", problems.measure_detail, name="rect-measure-detail"),
    path("rectification/measures/<int:pk>/progress/", problems.measure_progress, name="rect-measure-progress"),
    path("rectification/measures/<int:pk>/close/", problems.measure_close, name="rect-measure-close"),
    path("rectification/measures/<int:pk>/sign-off/", problems.measure_sign_off, name="rect-measure-sign-off"),
    path("rectification/measures/<int:pk>/return/", problems.measure_return, name="rect-measure-return"),
    path("rectification/measures/<int:pk>/reopen/", problems.measure_reopen, name="rect-measure-reopen"),
    path("rectification/measures/<int:pk>/extension/", problems.measure_extension, name="rect-measure-extension"),
    path(
        "rectification/measures/<int:pk>/extension-decision/",
        problems.measure_extension_decide,
        name="rect-measure-extension-decide",
    ),
    path("rectification/review/", problems.review, name="rect-review"),
    path("rectification/evidence/<int:pk>/", problems.evidence_download, name="rect-evidence"),
    path("rectification/import/", views_imports.import_start, {"kind": "problems"}, name="rect-import"),
    path(
        "rectification/import/template.xlsx",
        views_imports.import_template,
        {"kind": "problems"},
        name="rect-import-template",
    ),
    # Around the problem list.
    path("rectification/reports/", public.report_list, name="rect-report-list"),
    path("rectification/reports/<int:pk>/", public.report_detail, name="rect-report-detail"),
    path("rectification/reports/attachments/<int:pk>/", public.report_attachment, name="rect-report-attachment"),
    path("rectification/tv/", public.tv_list, name="rect-tv-list"),
    path("rectification/tv/<int:pk>/", public.tv_detail, name="rect-tv-detail"),
    path("rectification/petitions/", public.petition_list, name="rect-petition-list"),
    path("rectification/petitions/<int:pk>/", public.petition_detail, name="rect-petition-detail"),
    path("rectification/petitions/<int:pk>/advance/", public.petition_advance, name="rect-petition-advance"),
    path("rectification/special/", special.special_list, name="rect-special-list"),
    path("rectification/special/<int:pk>/", special.special_detail, name="rect-special-detail"),
    path("rectification/special/tasks/<int:pk>/<str:verb>/", special.special_task_action, name="rect-special-task"),
    path("rectification/arena/<int:pk>/", special.arena_detail, name="rect-arena-detail"),
    path("rectification/arena/<int:pk>/score/", special.arena_score, name="rect-arena-score"),
    path("rectification/arena/<int:pk>/publish/", special.arena_publish, name="rect-arena-publish"),
    path("rectification/site-visits/", lists.site_visit_list, name="rect-site-visit-list"),
    path("rectification/missed-rounds/", lists.missed_rounds, name="rect-missed-rounds"),
    path("rectification/site-visits/new/", special.site_visit_new, name="rect-site-visit-new"),
    path("rectification/special/teams/", lists.work_team_list, name="rect-work-team-list"),
    path("rectification/special/tasks/", lists.special_task_list, name="rect-special-task-list"),
    # The office sets up what surrounds the problem list.
    path("rectification/petitions/new/", creation.petition_new, name="rect-petition-new"),
    path("rectification/tv/new/", creation.tv_new, name="rect-tv-new"),
    path("rectification/special/new/", creation.special_new, name="rect-special-new"),
    path("rectification/special/<int:pk>/teams/new/", creation.team_new, name="rect-team-new"),
    path("rectification/special/teams/<int:pk>/tasks/new/", creation.task_new, name="rect-task-new"),
    path("rectification/arena/new/", creation.arena_new, name="rect-arena-new"),
]
