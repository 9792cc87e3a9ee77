"""URLs of publisher accounts: sign in and out, sign up, switching account, settings, members and invitations."""

from allauth.account import views as allauth_views
from django.urls import path
from django.views.generic import RedirectView

from accounts import security_views, settings_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", allauth_views.LogoutView.as_view(), name="sign-out"),
    path("sign-up/", views.SignUpView.as_view(), name="sign-up"),
    path("password-reset/", RedirectView.as_view(pattern_name="account_reset_password"), name="password-reset"),
    path("account/security/", security_views.security, name="security"),
    path("account/security/sessions/<int:session_pk>/end/", security_views.session_end_view, name="session-end"),
    path("account/security/sessions/end-others/", security_views.sessions_end_others_view, name="sessions-end-others"),
    path("account/switch/", views.switch_account, name="switch-account"),
    path("account/settings/", settings_views.settings_home, name="settings"),
    path("account/settings/legal/", settings_views.legal_info, name="settings-legal"),
    path("account/settings/agreement/", settings_views.agreement, name="settings-agreement"),
    path("account/settings/verification/", settings_views.verification, name="settings-verification"),
    path(
        "account/settings/verification/submit/",
        settings_views.verification_submit_view,
        name="settings-verification-submit",
    ),
    path("account/settings/history/", settings_views.history, name="settings-history"),
    path("account/settings/api-tokens/", settings_views.api_tokens, name="settings-api-tokens"),
    path(
        "account/settings/api-tokens/<int:token_pk>/revoke/",
        settings_views.api_token_revoke_view,
        name="settings-api-token-revoke",
    ),
    path("account/members/", views.members, name="members"),
    path("account/members/mfa/", views.mfa_requirement_view, name="mfa-requirement"),
    path("account/members/<int:membership_pk>/role/", views.member_role, name="member-role"),
    path("account/members/<int:membership_pk>/remove/", views.member_remove_view, name="member-remove"),
    path("account/leave/", views.member_leave_view, name="leave"),
    path("account/invitations/<int:invitation_pk>/resend/", views.invitation_resend_view, name="invitation-resend"),
    path("account/invitations/<int:invitation_pk>/cancel/", views.invitation_cancel_view, name="invitation-cancel"),
    path("account/none/", views.no_account, name="no-account"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
]
