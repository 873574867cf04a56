from django.template import Context, Template

from accounts.templatetags.people import initials, palette_index


def test_initials_of_a_latin_name_are_two_capitals():
    assert initials("Laure Vergeron") == "LV"


def test_initials_of_a_japanese_name_are_its_first_character():
    assert initials("濱田 花子") == "濱"


def test_initials_of_a_nickname_are_one_capital():
    assert initials("docker_taro") == "D"


def test_initials_of_an_empty_name_are_a_question_mark():
    assert initials("") == "?"


def test_avatar_is_hidden_from_screen_readers_and_escapes_the_name():
    html = Template("{% load people %}{% avatar name %}").render(Context({"name": "<b>x"}))

    assert html == (
        f'<span class="avatar avatar-small avatar-{palette_index("<b>x")}" aria-hidden="true">'
        "&lt;</span>"
    )
