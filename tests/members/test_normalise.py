import pytest

from members.normalise import normalise, normalise_email, normalise_handle, normalise_phone


@pytest.mark.parametrize(
    "written",
    [
        "@RuthS",
        "https://x.com/ruths",
        " ruths ",
        "https://twitter.com/RuthS/",
        "https://mobile.twitter.com/RuthS?lang=en",
        "mobile.twitter.com/ruths",
        "https://www.twitter.com/ruths",
        " @ruths ",
        "Ru\u200bth\u200dS",  # zero-width characters pasted in
        "\ufeff@RuthS\u200e",  # byte-order mark and a direction mark
        "\uff32\uff55\uff54\uff48\uff33",  # fullwidth letters, folded by NFKC
        "@\uff52\uff55\uff54\uff48\uff53",
    ],
)
def test_twitter_handles_written_many_ways_are_one_account(written):
    assert normalise_handle(written, "twitter") == "ruths"


@pytest.mark.parametrize(
    "written",
    [
        "ruth.smeeth",
        "https://www.facebook.com/ruth.smeeth",
        "https://www.facebook.com/ruth.smeeth/",
        "facebook.com/ruth.smeeth/",
        "https://m.facebook.com/Ruth.Smeeth",
        "https://fb.com/ruth.smeeth",
    ],
)
def test_facebook_profile_urls_give_the_handle(written):
    assert normalise_handle(written, "facebook") == "ruth.smeeth"


def test_facebook_numeric_profile_gives_the_id():
    assert normalise_handle("https://www.facebook.com/profile.php?id=100012345", "facebook") == "100012345"


def test_cyrillic_look_alike_stays_a_different_account():
    look_alike = "r\u0443ths"  # Cyrillic small u
    result = normalise_handle(look_alike, "twitter")
    assert result == "r\u0443ths"
    assert result != normalise_handle("ruths", "twitter")


def test_handle_with_nothing_in_it_is_empty():
    assert normalise_handle("@", "twitter") == ""
    assert normalise_handle("https://twitter.com/", "twitter") == ""
    assert normalise_handle("", "twitter") == ""


@pytest.mark.parametrize(
    "written", [" Ruth.Smeeth@Example.ORG ", "ruth.smeeth@example.org", "mailto:RUTH.SMEETH@EXAMPLE.ORG"]
)
def test_emails_fold_case_and_spaces(written):
    assert normalise_email(written) == "ruth.smeeth@example.org"


@pytest.mark.parametrize(
    "written",
    ["07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0044 7700 900123", "(07700) 900-123"],
)
def test_uk_phones_give_e164(written):
    assert normalise_phone(written) == "+447700900123"


def test_foreign_number_with_plus_keeps_its_country():
    assert normalise_phone("+33 1 23 45 67 89") == "+33123456789"


def test_normalise_dispatches_on_kind():
    assert normalise("email", " A@B.COM") == "a@b.com"
    assert normalise("phone", "07700 900123") == "+447700900123"
    assert normalise("handle", "@RuthS", "twitter") == "ruths"
