from django.urls import path

from beredd.core import views as core_views
from beredd.site import views

# The namespace stays "core" (every {% url "core:…" %} and the login redirect keep working); the paths are unchanged.
app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("tillganglighet/", core_views.accessibility, name="accessibility"),
    path("granskning/", views.audit_list, name="audit"),
    path("export/", views.export_start, name="export-start"),
    path("export/<id:job_id>/", views.export_detail, name="export"),
    path("export/<id:job_id>/fil", views.export_download, name="export-download"),
]
