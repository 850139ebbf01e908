"""Ordering fields in admin inlines: type numbers, no dragging, no IntegrityError.

Sections, skills in a section, resources and levels are ordered by a number that is
unique within their parent (a database constraint). Editing those numbers in an inline
must allow swapping two rows, moving a row onto the place of a deleted one, and leaving
a new row's number blank to put it last. Django checks the constraint row by row against
the database, which refuses a swap, and saves row by row, which would break it midway.
So here the number is checked across the whole formset instead, and the rows that move
are first parked above every number before they are saved.
"""

from typing import Any

from django import forms
from django.db.models import F, Max
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _


class OrderedInlineForm(forms.ModelForm):
    """An inline row whose ordering field is checked by its formset, and may be blank."""

    order_field = "position"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.order_field)
        if field is not None:
            field.required = False
            field.help_text = _("Blank puts it last.")

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()
        exclude.add(self.order_field)  # unique within the parent: OrderedInlineFormSet checks
        return exclude


class OrderedInlineFormSet(BaseInlineFormSet):
    order_field = "position"

    def _kept_forms(self) -> list[forms.ModelForm]:
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        name = self.order_field
        used: dict[int, forms.ModelForm] = {}
        blank: list[forms.ModelForm] = []
        for form in self._kept_forms():
            value = form.cleaned_data.get(name)
            if value is None:
                blank.append(form)
            elif value in used:
                form.add_error(
                    name,
                    _("Another row already has %(value)s here; give each row its own number.")
                    % {"value": value},
                )
            else:
                used[value] = form
        following = max(used, default=0) + 1
        for form in blank:
            form.cleaned_data[name] = following
            setattr(form.instance, name, following)
            following += 1

    def save_existing_objects(self, commit: bool = True) -> list:
        if commit:
            self._park_moving_rows()
        return super().save_existing_objects(commit)

    def _park_moving_rows(self) -> None:
        """Move the rows that change place (or go) above every number in use."""
        name = self.order_field
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and (self._should_delete_form(form) or name in form.changed_data)
        ]
        if not moving:
            return
        siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
        top = siblings.aggregate(top=Max(name))["top"] or 0
        wanted = max((form.cleaned_data.get(name) or 0 for form in self._kept_forms()), default=0)
        shift = max(top, wanted) + 1
        siblings.filter(pk__in=moving).update(**{name: F(name) + shift})
