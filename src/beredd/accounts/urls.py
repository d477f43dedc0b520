from django.urls import path

from beredd.accounts import views

app_name = "accounts"

urlpatterns = [
    path("tvafaktor-kravs/", views.mfa_required, name="mfa-required"),
    path("byt-organisation/", views.switch_org, name="switch-org"),
    path("inbjudan/<str:secret>/", views.invitation_accept, name="invitation-accept"),
    path("medlemmar/", views.members, name="members"),
    path("medlemmar/bjud-in/", views.invitation_create, name="invite"),
    path("medlemmar/<id:membership_id>/aterkalla/", views.membership_revoke, name="membership-revoke"),
    path("anvandare/<id:user_id>/aktiv/", views.user_toggle_active, name="user-toggle-active"),
    path("anvandare/<id:user_id>/las-upp/", views.user_unlock, name="user-unlock"),
    path("nycklar/", views.tokens, name="tokens"),
    path("nycklar/<id:token_id>/aterkalla/", views.token_revoke, name="token-revoke"),
]
