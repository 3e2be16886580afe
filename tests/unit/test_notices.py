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
