from django.urls import path

from beredd.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("granskning/", views.audit_list, name="audit"),
    path("export/", views.export_start, name="export-start"),
    path("export/<int:job_id>/", views.export_detail, name="export"),
    path("export/<int:job_id>/fil", views.export_download, name="export-download"),
]
