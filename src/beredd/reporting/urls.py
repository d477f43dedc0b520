from django.urls import path

from beredd.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("mallar/", views.template_list, name="templates"),
    path("mallar/<id:version_id>/", views.template_detail, name="template"),
    path("mallar/<id:version_id>/export.json", views.template_export, name="template-export"),
    path("mallar/<id:version_id>/<slug:action>/", views.template_action, name="template-action"),
    path("mallar/falt/<id:field_id>/<slug:action>/", views.template_field_action, name="field-action"),
    path("omgangar/ny/", views.round_create, name="round-create"),
    path("omgangar/<id:round_id>/", views.round_detail, name="round"),
    path("omgangar/<id:round_id>/<slug:action>/", views.round_action, name="round-action"),
    path("tillfalle/<id:instance_id>/", views.instance_rollup, name="rollup"),
    path("tillfalle/<id:instance_id>/fullstandighet/", views.instance_completeness, name="completeness"),
    path("tillfalle/<id:instance_id>/export/<slug:kind>.<slug:fmt>", views.instance_export, name="export"),
    path("tillfalle/<id:instance_id>/samlad-bild/", views.picture_edit, name="picture-edit"),
    path("svar/<id:submission_id>/", views.submission_detail, name="submission"),
    path("svar/<id:submission_id>/autospara/", views.submission_autosave, name="autosave"),
    path("svar/<id:submission_id>/granska/", views.submission_review, name="review"),
    path("svar/<id:submission_id>/historik/", views.submission_history, name="history"),
    path("samlad-bild/<id:picture_id>/", views.picture_detail, name="picture"),
    path("samlad-bild/<id:picture_id>/utskrift/", views.picture_print, name="picture-print"),
    path("samlad-bild/<id:picture_id>/pdf/", views.picture_pdf, name="picture-pdf"),
    path("samlad-bild/<id:picture_id>/edxl.xml", views.picture_edxl, name="picture-edxl"),
]
