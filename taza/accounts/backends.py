"""Let Django's own checks (the admin site) follow Taza's roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from taza.accounts.permissions import scope_of


class RoleBackend(ModelBackend):
    """Grant every model permission to holders of the administrator role."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return scope_of(user_obj).is_admin or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return scope_of(user_obj).is_admin or super().has_module_perms(user_obj, app_label)
