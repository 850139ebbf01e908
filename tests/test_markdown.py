"""The `markdown` template filter: Markdown in, only safe HTML out."""

from django.template import Context, Template

from skills.templatetags.safe_markdown import render_markdown


def test_markdown_becomes_html():
    html = render_markdown("Some **bold**, `code` and a list:\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html


def test_script_tags_and_their_content_are_removed():
    html = render_markdown("Hi <script>alert('x')</script> there")
    assert "<script" not in html
    assert "alert" not in html
    assert "Hi" in html


def test_javascript_and_data_urls_are_dropped_from_links():
    for url in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi"):
        html = render_markdown(f"[click]({url}) and <a href='{url}'>raw</a>")
        assert "javascript" not in html.lower()
        assert "data:" not in html
        assert ">click</a>" in html


def test_event_handler_attributes_and_images_are_removed():
    html = render_markdown('<img src="x" onerror="alert(1)"> <b onclick="x()">b</b>')
    assert "onerror" not in html
    assert "onclick" not in html
    assert "<img" not in html


def test_links_get_nofollow_noopener_and_keep_safe_urls():
    html = render_markdown("[docs](https://docs.djangoproject.com/) <a href='/x' rel='me'>x</a>")
    assert '<a href="https://docs.djangoproject.com/" rel="nofollow noopener">docs</a>' in html
    assert 'rel="me"' not in html


def test_styles_and_unknown_attributes_are_stripped():
    html = render_markdown('<p style="color:red" class="x" id="y">text</p><style>p{}</style>')
    assert "style" not in html
    assert "class=" not in html
    assert "id=" not in html
    assert "text" in html


def test_the_filter_is_safe_in_templates_and_handles_empty_text():
    template = Template("{% load safe_markdown %}[{{ text|markdown }}]")
    assert template.render(Context({"text": "*hi*"})) == "[<p><em>hi</em></p>]"
    assert template.render(Context({"text": ""})) == "[]"
    assert template.render(Context({"text": None})) == "[]"
