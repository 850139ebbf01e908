"""Tracking on a roadmap in a real browser, as a person does it, with JavaScript on."""

import re
from urllib.parse import parse_qs

from playwright.sync_api import expect


def open_editor(page, name: str) -> None:
    """Choose a skill's status chip: its section turns into controls in place (htmx),
    the skill's status focused. Nothing to do when its section is being edited."""
    status = page.get_by_label(f"Status of {name}", exact=True)
    if status.count():
        return
    chip = page.get_by_role("link", name=re.compile(rf"^Status of {re.escape(name)}: "))
    with page.expect_response(lambda r: re.search(r"[?&]edit=", r.url)) as answer:
        chip.click()
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(status).to_be_focused()
    settled(page)


def settled(page) -> None:
    """Wait until htmx has finished swapping and settling: until then the new controls
    may not listen yet, and a change made too early (a busy machine) sends nothing."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def save_row(page, name: str, field: str, value: str) -> dict[str, list[str]]:
    """Choose `value` for a skill's status or proficiency and wait for htmx to save that
    row and swap it; the posted fields."""
    open_editor(page, name)
    label = "Status of" if field == "status" else "Proficiency in"
    control = page.get_by_label(f"{label} {name}", exact=True)
    settled(page)
    with page.expect_response(lambda r: r.url.endswith("/track/")) as answer:
        control.select_option(value)
    assert answer.value.status == 200
    request = answer.value.request
    assert request.headers.get("hx-request") == "true"
    expect(page.get_by_label(f"{label} {name}", exact=True)).to_have_value(value)
    return parse_qs(request.post_data)
