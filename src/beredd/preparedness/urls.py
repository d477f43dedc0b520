from django.urls import path

from beredd.preparedness.views import assessment, exercises, heat, overview, plans, providers, rsa

app_name = "preparedness"

urlpatterns = [
    path("", overview.index, name="index"),
    path("sjalvskattning/", assessment.comparison, name="self-assessment"),
    path("org/<id:org_id>/sjalvskattning/skicka/", assessment.issue, name="self-assessment-issue"),
    path("org/<id:org_id>/plan/ny/", plans.plan_create, name="plan-create"),
    path("plan/<id:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plan/<id:plan_id>/andra/", plans.plan_edit, name="plan-edit"),
    path("plan/<id:plan_id>/beroende/", plans.plan_dependency, name="plan-dependency"),
    path("plan/<id:plan_id>/kontakt/", plans.plan_contact, name="plan-contact"),
    path("enhet/<id:unit_id>/profil/", plans.unit_profile, name="unit-profile"),
    path("enhet/<id:unit_id>/parm/", plans.binder_generate, name="binder-generate"),
    path("parm/<id:binder_id>/", plans.binder_download, name="binder-download"),
    path("kommun/<id:kommun_id>/rsa/ny/", rsa.rsa_create, name="rsa-create"),
    path("rsa/<id:rsa_id>/", rsa.rsa_detail, name="rsa-detail"),
    path("rsa/<id:rsa_id>/avsnitt/", rsa.rsa_sections, name="rsa-sections"),
    path("rsa/<id:rsa_id>/risk/ny/", rsa.risk_create, name="risk-create"),
    path("rsa/<id:rsa_id>/risk/<id:risk_id>/", rsa.risk_edit, name="risk-edit"),
    path("rsa/<id:rsa_id>/handbok/", rsa.risks_from_handbook, name="risks-from-handbook"),
    path("rsa/<id:rsa_id>/risk/<id:risk_id>/atgard/", rsa.risk_action, name="risk-action"),
    path("rsa/<id:rsa_id>/export.<str:fmt>", rsa.rsa_export, name="rsa-export"),
    path("org/<id:org_id>/ovning/ny/", exercises.exercise_create, name="exercise-create"),
    path("ovning/<id:exercise_id>/", exercises.exercise_detail, name="exercise-detail"),
    path("lardom/<id:lesson_id>/stang/", exercises.lesson_close, name="lesson-close"),
    path("org/<id:org_id>/utbildning/", exercises.training, name="training"),
    path("kommun/<id:kommun_id>/avtal/nytt/", providers.contract_create, name="contract-create"),
    path("avtal/<id:contract_id>/", providers.contract_detail, name="contract-detail"),
    path("org/<id:org_id>/varme/", heat.heat, name="heat"),
    path("varme/<id:activation_id>/", heat.heat_activation, name="heat-activation"),
    path("varme/<id:activation_id>/avsluta/", heat.heat_end, name="heat-end"),
    path("varmelista/<id:notice_id>/", heat.heat_notice, name="heat-notice"),
]
