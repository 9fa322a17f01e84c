from django.urls import path

from campaign import views, views_imports, views_invitations

urlpatterns = [
    path("", views.home, name="home"),
    path("campaign/choose/", views.campaign_choose, name="campaign-choose"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/liaisons/", views.liaison_add, name="liaison-add"),
    path("liaisons/", views.liaison_list, name="liaison-list"),
    path("liaisons/<int:pk>/end/", views.liaison_end, name="liaison-end"),
    path("inspection-groups/", views.inspection_groups, name="inspection-groups"),
    path("roster/", views_imports.import_start, {"kind": "roster"}, name="roster-import"),
    path("invitations/", views_invitations.invitation_list, name="invitations"),
    path("roster/template.xlsx", views_imports.import_template, {"kind": "roster"}, name="roster-template"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import-detail"),
    path("imports/<slug:kind>/", views_imports.import_start, name="import-start"),
    path("imports/<slug:kind>/template.xlsx", views_imports.import_template, name="import-template"),
    path("imports/<int:pk>/confirm/", views_imports.import_confirm, name="import-confirm"),
    path("exports/<int:pk>/", views.export_job, name="export-job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export-job-download"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
]
