from django.urls import path

from beredd.preparedness.views import assessment, exercises, heat, overview, plans, providers, rsa

app_name = "preparedness"

urlpatterns = [
    path("", overview.index, name="index"),
    path("sjalvskattning/", assessment.comparison, name="self-assessment"),
    path("org/<int:org_id>/sjalvskattning/skicka/", assessment.issue, name="self-assessment-issue"),
    path("org/<int:org_id>/plan/ny/", plans.plan_create, name="plan-create"),
    path("plan/<int:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plan/<int:plan_id>/andra/", plans.plan_edit, name="plan-edit"),
    path("plan/<int:plan_id>/beroende/", plans.plan_dependency, name="plan-dependency"),
    path("plan/<int:plan_id>/kontakt/", plans.plan_contact, name="plan-contact"),
    path("enhet/<int:unit_id>/profil/", plans.unit_profile, name="unit-profile"),
    path("enhet/<int:unit_id>/parm/", plans.binder_generate, name="binder-generate"),
    path("parm/<int:binder_id>/", plans.binder_download, name="binder-download"),
    path("kommun/<int:kommun_id>/rsa/ny/", rsa.rsa_create, name="rsa-create"),
    path("rsa/<int:rsa_id>/", rsa.rsa_detail, name="rsa-detail"),
    path("rsa/<int:rsa_id>/avsnitt/", rsa.rsa_sections, name="rsa-sections"),
    path("rsa/<int:rsa_id>/risk/ny/", rsa.risk_create, name="risk-create"),
    path("rsa/<int:rsa_id>/risk/<int:risk_id>/", rsa.risk_edit, name="risk-edit"),
    path("rsa/<int:rsa_id>/handbok/", rsa.risks_from_handbook, name="risks-from-handbook"),
    path("rsa/<int:rsa_id>/risk/<int:risk_id>/atgard/", rsa.risk_action, name="risk-action"),
    path("rsa/<int:rsa_id>/export.<str:fmt>", rsa.rsa_export, name="rsa-export"),
    path("org/<int:org_id>/ovning/ny/", exercises.exercise_create, name="exercise-create"),
    path("ovning/<int:exercise_id>/", exercises.exercise_detail, name="exercise-detail"),
    path("lardom/<int:lesson_id>/stang/", exercises.lesson_close, name="lesson-close"),
    path("org/<int:org_id>/utbildning/", exercises.training, name="training"),
    path("kommun/<int:kommun_id>/avtal/nytt/", providers.contract_create, name="contract-create"),
    path("avtal/<int:contract_id>/", providers.contract_detail, name="contract-detail"),
    path("org/<int:org_id>/varme/", heat.heat, name="heat"),
    path("varme/<int:activation_id>/", heat.heat_activation, name="heat-activation"),
    path("varme/<int:activation_id>/avsluta/", heat.heat_end, name="heat-end"),
    path("varmelista/<int:notice_id>/", heat.heat_notice, name="heat-notice"),
]
