from django.urls import path

from beredd.collab.views import actions, directions, forums, meetings, shortcomings

app_name = "collab"

urlpatterns = [
    path("", forums.forum_list, name="index"),
    path("org/<int:org_id>/forum/nytt/", forums.forum_create, name="forum-create"),
    path("forum/<int:forum_id>/", forums.forum_detail, name="forum"),
    path("forum/<int:forum_id>/medlem/<int:member_id>/ta-bort/", forums.member_remove, name="member-remove"),
    path("forum/<int:forum_id>/mote/nytt/", meetings.meeting_create, name="meeting-create"),
    path("mote/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("mote/<int:meeting_id>/andra/", meetings.meeting_edit, name="meeting-edit"),
    path("mote/<int:meeting_id>/bjud-in/", meetings.meeting_invite, name="meeting-invite"),
    path("mote/<int:meeting_id>/publicera/", meetings.minutes_publish, name="minutes-publish"),
    path("mote/<int:meeting_id>/kalender.ics", meetings.meeting_ics, name="meeting-ics"),
    path("mote/<int:meeting_id>/minnesanteckningar.pdf", meetings.minutes_pdf, name="minutes-pdf"),
    path("bilaga/<int:attachment_id>/", meetings.attachment_download, name="attachment"),
    path("atgarder/", actions.action_list, name="actions"),
    path("atgard/<int:action_id>/", actions.action_detail, name="action"),
    path("inriktningar/", directions.direction_list, name="directions"),
    path("org/<int:org_id>/inriktning/ny/", directions.direction_create, name="direction-create"),
    path("inriktning/<int:direction_id>/", directions.direction_detail, name="direction"),
    path("inriktning/<int:direction_id>/paminn/", directions.direction_remind, name="direction-remind"),
    path("inriktning/bilaga/<int:attachment_id>/", directions.direction_attachment, name="direction-attachment"),
    path("brister/", shortcomings.shortcoming_list, name="shortcomings"),
    path("brister/sammanstallning/", shortcomings.shortcoming_summary, name="shortcoming-summary"),
    path("org/<int:org_id>/brist/ny/", shortcomings.shortcoming_create, name="shortcoming-create"),
    path("brist/<int:shortcoming_id>/", shortcomings.shortcoming_detail, name="shortcoming"),
]
