from django.urls import path

from beredd.comms.views import sent, targeting

app_name = "comms"

urlpatterns = [
    path("", sent.sent_list, name="index"),
    path("meddelande/<int:message_id>/", sent.message_detail, name="message"),
    path("meddelande/<int:message_id>/forsok-igen/", sent.message_retry, name="message-retry"),
    path(
        "meddelande/<int:message_id>/leverans/<int:delivery_id>/bekrafta/",
        sent.delivery_confirm_by_sender,
        name="delivery-confirm",
    ),
    path("meddelande/<int:message_id>/anslag/<int:delivery_id>.pdf", targeting.notice_pdf, name="notice-pdf"),
    path("anslag/", sent.unit_notices, name="notices"),
    path("anslag/<int:delivery_id>/bekrafta/", sent.delivery_confirm_by_unit, name="notice-confirm"),
    path("bekrafta/<str:token>/", sent.confirm_link, name="confirm"),
    # Public (no login): a kommun's current public messages, as a page, an Atom feed and CAP 1.2 files.
]
