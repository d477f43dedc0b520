from django.urls import path

from beredd.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.org_detail, name="home"),
    path("<id:org_id>/", views.org_detail, name="detail"),
    path("sok/", views.org_search, name="search"),
    path("<id:org_id>/enheter/ny/", views.unit_create, name="unit-create"),
    path("<id:org_id>/enheter/import/", views.unit_import, name="unit-import"),
    path("<id:org_id>/enheter/import/bekrafta/", views.unit_import_confirm, name="unit-import-confirm"),
    path("enhet/<id:unit_id>/redigera/", views.unit_edit, name="unit-edit"),
    path("enhet/<id:unit_id>/aktiv/", views.unit_toggle_active, name="unit-toggle-active"),
]
