from django.urls import path

from beredd.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("mallar/", views.template_list, name="templates"),
    path("mallar/<int:version_id>/", views.template_detail, name="template"),
    path("mallar/<int:version_id>/export.json", views.template_export, name="template-export"),
    path("mallar/<int:version_id>/<slug:action>/", views.template_action, name="template-action"),
    path("mallar/falt/<int:field_id>/<slug:action>/", views.template_field_action, name="field-action"),
    path("omgangar/ny/", views.round_create, name="round-create"),
    path("omgangar/<int:round_id>/", views.round_detail, name="round"),
    path("omgangar/<int:round_id>/<slug:action>/", views.round_action, name="round-action"),
    path("tillfalle/<int:instance_id>/", views.instance_rollup, name="rollup"),
    path("tillfalle/<int:instance_id>/fullstandighet/", views.instance_completeness, name="completeness"),
    path("tillfalle/<int:instance_id>/export/<slug:kind>.<slug:fmt>", views.instance_export, name="export"),
    path("tillfalle/<int:instance_id>/samlad-bild/", views.picture_edit, name="picture-edit"),
    path("svar/<int:submission_id>/", views.submission_detail, name="submission"),
    path("svar/<int:submission_id>/autospara/", views.submission_autosave, name="autosave"),
    path("svar/<int:submission_id>/granska/", views.submission_review, name="review"),
    path("svar/<int:submission_id>/historik/", views.submission_history, name="history"),
    path("samlad-bild/<int:picture_id>/", views.picture_detail, name="picture"),
    path("samlad-bild/<int:picture_id>/utskrift/", views.picture_print, name="picture-print"),
    path("samlad-bild/<int:picture_id>/pdf/", views.picture_pdf, name="picture-pdf"),
    path("samlad-bild/<int:picture_id>/edxl.xml", views.picture_edxl, name="picture-edxl"),
]
