"""`{{ text|markdown }}`: Markdown rendered to HTML, then sanitised by nh3.

Content is curated by staff, but it is imported from files and may be pasted from
anywhere, so it is treated as untrusted: only a small set of tags and attributes
survives, links get rel="nofollow noopener", and only http(s) and mailto URLs stay.
"""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "a", "abbr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]


def render_markdown(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a page as it is."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(str(text), extensions=EXTENSIONS, output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    return render_markdown(text)
