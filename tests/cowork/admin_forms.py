"""Admin forms posted back as a browser would, for the admin's tests."""

from django import forms


def as_posted(form) -> dict:
    """What a browser would post for `form` as it stands (its fields' current values)."""

    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for index, (part_widget, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                data[f"{bound.html_name}_{index}"] = part_widget.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[bound.html_name] = "" if value is None else widget.format_value(value) or ""
    return data


def change_page_data(page) -> dict:
    """The admin change form and its inlines, posted back unchanged."""
    data = as_posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(as_posted(formset.management_form))
        for form in formset.forms:
            data.update(as_posted(form))
    return data


def url_name(model, action: str) -> str:
    """The admin's URL name for `action` ("changelist", "add", ...) on `model`."""
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}"
