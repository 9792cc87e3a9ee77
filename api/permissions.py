"""Permissions of the API: a valid token; publishing actions need a token with a publishing role."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class HasToken(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.auth is not None


class CanPublish(permissions.BasePermission):
    """Owners and Managers publish, go live, cancel and stop selling; so do tokens with their roles."""

    message = _("This token's role cannot publish, go live, cancel or stop selling: use an Owner or Manager token.")

    def has_permission(self, request, view):
        return request.auth is not None and request.auth.can_publish
