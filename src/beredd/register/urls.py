from django.urls import path

from beredd.register import views

app_name = "register"

urlpatterns = [
    path("", views.index, name="index"),
    path("antal/", views.counts, name="counts"),
    path("produkter/", views.devices, name="devices"),
    path("personer/ny/", views.person_form, name="person-create"),
    path("personer/<id:person_id>/", views.person_detail, name="person-detail"),
    path("personer/<id:person_id>/andra/", views.person_form, name="person-edit"),
    path("export/", views.export_csv, name="export"),
    path("import/", views.import_view, name="import"),
    path("import/spara/", views.import_commit_view, name="import-commit"),
    path("logg/", views.log_review, name="log"),
    path("logg/person/<id:person_id>.<str:fmt>", views.log_extract_view, name="log-extract"),
    path("incidenter/ny/", views.incident_create, name="incident-create"),
    path("incidenter/<id:incident_id>/", views.incident_detail, name="incident-detail"),
    path("incidenter/<id:incident_id>/andra/", views.incident_change_view, name="incident-change"),
    path("incidenter/<id:incident_id>/ringlista/", views.call_list, name="call-list"),
    path("incidenter/<id:incident_id>/uppfoljning/", views.followup, name="followup"),
    path("incidenter/<id:incident_id>/uppfoljning/<id:person_id>/", views.followup_record_view, name="followup-record"),
]
