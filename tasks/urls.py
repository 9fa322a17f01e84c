from django.urls import path

from campaign import views_imports
from tasks.views import keytasks, progress

urlpatterns = [
    path("key-tasks/", keytasks.key_task_list, name="key-task-list"),
    path("key-tasks/new/", keytasks.key_task_edit, name="key-task-new"),
    path("key-tasks/import/", views_imports.import_start, {"kind": "key_tasks"}, name="key-task-import"),
    path("key-tasks/template.xlsx", views_imports.import_template, {"kind": "key_tasks"}, name="key-task-template"),
    path("key-tasks/<int:pk>/", keytasks.key_task_detail, name="key-task-detail"),
    path("key-tasks/<int:pk>/acknowledge/", keytasks.key_task_acknowledge, name="key-task-acknowledge"),
    path("key-tasks/<int:pk>/edit/", keytasks.key_task_edit, name="key-task-edit"),
    path("key-tasks/<int:pk>/delete/", keytasks.key_task_delete, name="key-task-delete"),
    path("progress/", progress.progress_mine, name="progress-mine"),
    path("progress/start/", progress.progress_start, name="progress-start"),
    path("progress/grid/", progress.progress_grid, name="progress-grid"),
    path("progress/similar/", progress.progress_similar, name="progress-similar"),
    path("progress/urge/", progress.progress_urge, name="progress-urge"),
    path("progress/<int:pk>/", progress.progress_detail, name="progress-detail"),
    path("progress/<int:pk>/edit/", progress.progress_edit, name="progress-edit"),
    path("progress/<int:pk>/review/", progress.progress_review, name="progress-review"),
    path("progress/<int:pk>/withdraw/", progress.progress_withdraw, name="progress-withdraw"),
    path("progress/attachments/<int:pk>/", progress.attachment_download, name="progress-attachment"),
    path("progress/attachments/<int:pk>/delete/", progress.attachment_delete, name="progress-attachment-delete"),
]
