from django.template import Context, Template

from core.templatetags.phrases import phrases


def render(text):
    return Template("{% load phrases %}{{ text|phrases }}").render(Context({"text": text}))


def test_phrases_marks_japanese_phrase_boundaries():
    assert (
        phrases("20:00 の抽選待ちです") == '<span class="phrases">20:00 の<wbr>抽選待ちです</span>'
    )


def test_phrases_leaves_latin_text_unchanged():
    assert phrases("Docker Meetup Tokyo #24") == "Docker Meetup Tokyo #24"


def test_phrases_escapes_markup_in_the_text():
    assert render("<b>抽選待ち</b>") == '<span class="phrases">&lt;b&gt;抽選待ち&lt;/b&gt;</span>'


def test_phrases_escapes_latin_text_in_a_template():
    assert render("<i>LT</i>") == "&lt;i&gt;LT&lt;/i&gt;"
