from django.urls import path

from beredd.reporting.views import home, pictures, rollup, rounds, submissions, templates

app_name = "reporting"

urlpatterns = [
    path("", home.index, name="index"),
    path("mallar/", templates.template_list, name="templates"),
    path("mallar/<id:version_id>/", templates.template_detail, name="template"),
    path("mallar/<id:version_id>/export.json", templates.template_export, name="template-export"),
    path("mallar/<id:version_id>/<slug:action>/", templates.template_action, name="template-action"),
    path("mallar/falt/<id:field_id>/<slug:action>/", templates.template_field_action, name="field-action"),
    path("omgangar/ny/", rounds.round_create, name="round-create"),
    path("omgangar/<id:round_id>/", rounds.round_detail, name="round"),
    path("omgangar/<id:round_id>/<slug:action>/", rounds.round_action, name="round-action"),
    path("tillfalle/<id:instance_id>/", rollup.instance_rollup, name="rollup"),
    path("tillfalle/<id:instance_id>/fullstandighet/", rollup.instance_completeness, name="completeness"),
    path("tillfalle/<id:instance_id>/export/<slug:kind>.<slug:fmt>", rollup.instance_export, name="export"),
    path("tillfalle/<id:instance_id>/samlad-bild/", pictures.picture_edit, name="picture-edit"),
    path("svar/<id:submission_id>/", submissions.submission_detail, name="submission"),
    path("svar/<id:submission_id>/spara/", submissions.submission_save, name="submission-save"),
    path("svar/<id:submission_id>/skicka-in/", submissions.submission_submit, name="submission-submit"),
    path("svar/<id:submission_id>/fyll-i-fran-forra/", submissions.submission_prefill, name="submission-prefill"),
    path("svar/<id:submission_id>/fyll-i-fran-enheter/", submissions.submission_prefill_units, name="submission-prefill-units"),
    path("svar/<id:submission_id>/delegera/", submissions.submission_delegate, name="submission-delegate"),
    path("svar/<id:submission_id>/autospara/", submissions.submission_autosave, name="autosave"),
    path("svar/<id:submission_id>/godkann/", submissions.submission_approve, name="submission-approve"),
    path("svar/<id:submission_id>/returnera/", submissions.submission_return, name="submission-return"),
    path("svar/<id:submission_id>/granska/", submissions.submission_review, name="review"),
    path("svar/<id:submission_id>/historik/", submissions.submission_history, name="history"),
    path("samlad-bild/<id:picture_id>/", pictures.picture_detail, name="picture"),
    path("samlad-bild/<id:picture_id>/utskrift/", pictures.picture_print, name="picture-print"),
    path("samlad-bild/<id:picture_id>/pdf/", pictures.picture_pdf, name="picture-pdf"),
    path("samlad-bild/<id:picture_id>/edxl.xml", pictures.picture_edxl, name="picture-edxl"),
]
