from django.urls import path

from beredd.comms.views import bank, public, sent, targeting, warnings

app_name = "comms"

urlpatterns = [
    path("", sent.sent_list, name="index"),
    path("meddelande/<id:message_id>/", sent.message_detail, name="message"),
    path("meddelande/<id:message_id>/forsok-igen/", sent.message_retry, name="message-retry"),
    path("meddelande/<id:message_id>/paminn/", sent.message_remind, name="message-remind"),
    path(
        "meddelande/<id:message_id>/leverans/<id:delivery_id>/bekrafta/",
        sent.delivery_confirm_by_sender,
        name="delivery-confirm",
    ),
    path("meddelande/<id:message_id>/anslag/<id:delivery_id>.pdf", targeting.notice_pdf, name="notice-pdf"),
    path("anslag/", sent.unit_notices, name="notices"),
    path("anslag/<id:delivery_id>/bekrafta/", sent.delivery_confirm_by_unit, name="notice-confirm"),
    path("bekrafta/<str:token>/", sent.confirm_link, name="confirm"),
    path("bank/", bank.bank_list, name="bank"),
    path("bank/ny/", bank.bank_create, name="bank-create"),
    path("bank/<id:bank_id>/", bank.bank_detail, name="bank-detail"),
    path("bank/<id:bank_id>/version/", bank.version_create, name="version-create"),
    path("version/<id:version_id>/granska/", bank.version_review, name="version-review"),
    path("version/<id:version_id>/godkann/", bank.version_approve, name="version-approve"),
    path("version/<id:version_id>/storstil.pdf", bank.version_large_print, name="version-pdf"),
    path("version/<id:version_id>/upplasning.txt", bank.version_audio_text, name="version-audio"),
    path("bank/<id:bank_id>/skicka/", targeting.send_to_incident, name="send"),
    path("bank/<id:bank_id>/skicka/till/", targeting.send_to_audience, name="send-audience"),
    path("bank/<id:bank_id>/publicera/", public.notice_publish, name="publish"),
    path("publikt/<id:notice_id>/uppdatera/", public.notice_update, name="notice-update"),
    path("publikt/<id:notice_id>/upphav/", public.notice_cancel, name="notice-cancel"),
    path("varningar/", warnings.warnings_upload, name="warnings"),
    path("varningar/<id:import_id>/", warnings.warnings_detail, name="warnings-detail"),
    # Public (no login): a kommun's current public messages, as a page, an Atom feed and CAP 1.2 files.
    path("kommun/<str:kommun_code>/", public.public_page, name="public"),
    path("kommun/<str:kommun_code>/atom.xml", public.public_feed, name="public-feed"),
    path("kommun/<str:kommun_code>/cap/<id:notice_id>.xml", public.public_cap, name="public-cap"),
]
