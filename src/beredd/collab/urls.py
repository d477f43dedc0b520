from django.urls import path

from beredd.collab.views import actions, directions, forums, meetings, shortcomings

app_name = "collab"

urlpatterns = [
    path("", forums.forum_list, name="index"),
    path("org/<id:org_id>/forum/nytt/", forums.forum_create, name="forum-create"),
    path("forum/<id:forum_id>/", forums.forum_detail, name="forum"),
    path("forum/<id:forum_id>/medlem/<id:member_id>/ta-bort/", forums.member_remove, name="member-remove"),
    path("forum/<id:forum_id>/mote/nytt/", meetings.meeting_create, name="meeting-create"),
    path("mote/<id:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("mote/<id:meeting_id>/andra/", meetings.meeting_edit, name="meeting-edit"),
    path("mote/<id:meeting_id>/bjud-in/", meetings.meeting_invite, name="meeting-invite"),
    path("mote/<id:meeting_id>/publicera/", meetings.minutes_publish, name="minutes-publish"),
    path("mote/<id:meeting_id>/kalender.ics", meetings.meeting_ics, name="meeting-ics"),
    path("mote/<id:meeting_id>/minnesanteckningar.pdf", meetings.minutes_pdf, name="minutes-pdf"),
    path("bilaga/<id:attachment_id>/", meetings.attachment_download, name="attachment"),
    path("atgarder/", actions.action_list, name="actions"),
    path("atgard/<id:action_id>/", actions.action_detail, name="action"),
    path("inriktningar/", directions.direction_list, name="directions"),
    path("org/<id:org_id>/inriktning/ny/", directions.direction_create, name="direction-create"),
    path("inriktning/<id:direction_id>/", directions.direction_detail, name="direction"),
    path("inriktning/<id:direction_id>/paminn/", directions.direction_remind, name="direction-remind"),
    path("inriktning/bilaga/<id:attachment_id>/", directions.direction_attachment, name="direction-attachment"),
    path("brister/", shortcomings.shortcoming_list, name="shortcomings"),
    path("brister/sammanstallning/", shortcomings.shortcoming_summary, name="shortcoming-summary"),
    path("org/<id:org_id>/brist/ny/", shortcomings.shortcoming_create, name="shortcoming-create"),
    path("brist/<id:shortcoming_id>/", shortcomings.shortcoming_detail, name="shortcoming"),
]
