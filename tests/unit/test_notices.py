import pytest

from backcare.notices import load_notices


def test_notices_say_not_a_diagnosis_and_name_emergency_route():
    notices = load_notices()
    assert "does not diagnose" in notices.not_a_diagnosis
    assert "999" in notices.emergency
    assert "nhs.uk" in notices.source


def test_missing_field_names_the_file(tmp_path):
    bad = tmp_path / "notices.toml"
    bad.write_text('emergency = "x"\nsource = "y"\n')
    with pytest.raises(ValueError, match=r"notices\.toml: missing field 'not_a_diagnosis'"):
        load_notices(bad)


def test_the_call_line_names_the_numbers_the_triage_gives():
    """One answer everywhere: the phone's call line calls the numbers the red-flag levels
    name (999 for an emergency, 111 for urgent), and lists every emergency sign."""
    from backcare.screening import load_red_flags

    rules = load_red_flags()
    line = load_notices().call_line
    assert line.emergency_number in rules.levels["emergency"].action
    assert line.urgent_number in rules.levels["urgent"].advice
    assert "local emergency number" in line.text
    assert line.signs == rules.emergency_signs
    calls = [number for _, number in line.parts() if number]
    assert calls == [line.emergency_number, line.urgent_number]


def test_the_call_line_html_is_tap_to_call_and_escaped():
    from dataclasses import replace

    from backcare.ui.phone import call_line_html

    line = replace(load_notices().call_line, signs=("<b>x</b>",))
    html = call_line_html(line)
    assert '<a href="tel:999">999</a>' in html
    assert '<a href="tel:111">111</a>' in html
    assert "<b>x</b>" not in html and "&lt;b&gt;" in html


def test_while_an_emergency_stands_the_call_line_says_999_alone():
    """An emergency result speaks alone: no "urgent but not an emergency: call 111" beside it."""
    from backcare.ui.phone import call_line_html

    html = call_line_html(load_notices().call_line, emergency_only=True)
    assert '<a href="tel:999">999</a>' in html
    assert "111" not in html and "not an emergency" not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("emergency_number", "9 9 9", "digits only"),
        ("text", "Call now.", "must contain"),
    ],
)
def test_a_bad_call_line_is_refused(tmp_path, field, value, message):
    import tomllib

    from backcare.notices import NOTICES_FILE

    raw = tomllib.loads(NOTICES_FILE.read_text())
    raw["call_line"][field] = value
    lines = [f"{k} = {v!r}" for k, v in raw.items() if not isinstance(v, dict)]
    lines.append("[call_line]")
    lines += [f"{k} = {v!r}" for k, v in raw["call_line"].items()]
    bad = tmp_path / "notices.toml"
    bad.write_text("\n".join(lines).replace("'", '"'))
    with pytest.raises(ValueError, match=message):
        load_notices(bad)
