from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import MAX_ACTIVE_TOKENS, ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “laptop script”. Only you see it."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the token a name."), code="blank")
        tokens = ApiToken.objects.for_user(self.user).active()
        if tokens.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("You already have a token with this name; choose another."), code="taken"
            )
        if tokens.count() >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(
                _("You have %(count)d tokens, the most allowed; revoke one first."),
                params={"count": MAX_ACTIVE_TOKENS},
                code="too_many",
            )
        return name
