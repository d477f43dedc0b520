from django.urls import path

from beredd.command.views import alert, log, readiness, requests

app_name = "command"

urlpatterns = [
    path("", readiness.board, name="board"),
    path("org/<id:org_id>/lage/", readiness.org_level, name="level"),
    path("org/<id:org_id>/logg/", log.log_list, name="log"),
    path("org/<id:org_id>/logg/<id:entry_id>/rattelse/", log.log_correct, name="log-correct"),
    path("org/<id:org_id>/logg/utskrift/", log.log_print, name="log-print"),
    path("org/<id:org_id>/logg.pdf", log.log_pdf, name="log-pdf"),
    path("begaran/", requests.request_list, name="requests"),
    path("org/<id:org_id>/begaran/ny/", requests.request_create, name="request-create"),
    path("begaran/<id:request_id>/", requests.request_detail, name="request"),
    path("begaran/<id:request_id>/sla-ihop/", requests.request_merge, name="request-merge"),
    path("begaran/<id:request_id>/lova/", requests.request_pledge, name="request-pledge"),
    path("begaran/<id:request_id>/fordela/", requests.request_allocate, name="request-allocate"),
    path("begaran/<id:request_id>/skicka-vidare/", requests.request_forward, name="request-forward"),
    path("begaran/<id:request_id>/fraga/", requests.request_ask, name="request-ask"),
    path("begaran/<id:request_id>/levererad/", requests.request_deliver, name="request-deliver"),
    path("begaran/<id:request_id>/avsla/", requests.request_decline, name="request-decline"),
    path("begaran/<id:request_id>/stang/", requests.request_close, name="request-close"),
    path("behov/", requests.needs_board, name="needs"),
    path("hojd-beredskap/", alert.alert_list, name="alerts"),
    path("hojd-beredskap/<id:alert_id>/avsluta/", alert.alert_end, name="alert-end"),
    path("omgang/<id:round_id>/hojd-beredskap/", alert.round_schedule, name="schedule"),
]
