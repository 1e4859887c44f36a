"""Forms for people's own accounts; limits come from the user model's fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taza.accounts.models import User


class SignupForm(forms.Form):
    """Ask a citizen who signs up for a login, a name, an e-mail and a password."""

    username = forms.RegexField(
        label=_("Login"),
        regex=r"^[\w.@+-]{3,150}$",
        max_length=User._meta.get_field("username").max_length,
        error_messages={"invalid": _("3 to 150 letters, digits and @ . + - _")},
    )
    first_name = forms.CharField(
        label=pgettext_lazy("a person's", "Name"),
        max_length=User._meta.get_field("first_name").max_length,
    )
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
