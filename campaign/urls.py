from django.urls import path

from campaign import views, views_invitations

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
    path("roster/", views.roster_import, name="roster-import"),
    path("invitations/", views_invitations.invitation_list, name="invitations"),
    path("roster/template.xlsx", views.roster_template, name="roster-template"),
    path("roster/<int:pk>/", views.roster_import_detail, name="roster-import-detail"),
    path("roster/<int:pk>/confirm/", views.roster_import_confirm, name="roster-import-confirm"),
    path("exports/<int:pk>/", views.export_job, name="export-job"),
    path("exports/<int:pk>/download/", views.export_job_download, name="export-job-download"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
]
