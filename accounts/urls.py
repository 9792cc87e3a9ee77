"""URLs of publisher accounts: sign in and out, sign up, switching account, members and invitations."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("sign-up/", views.sign_up, name="sign-up"),
    path("account/switch/", views.switch_account, name="switch-account"),
    path("account/members/", views.members, name="members"),
    path("account/none/", views.no_account, name="no-account"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
]
