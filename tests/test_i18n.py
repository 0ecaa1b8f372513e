"""The portal speaks French by default and English on request, from a complete, compiled catalogue."""

import ast
import gettext
import os
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from accounts import twofactor
from tests.conftest import REPO_DIR, verified_client

PO_PATH = REPO_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
LOGIN_URL = "/comptes/connexion/"


def switch_language(client, language, next_url="/"):
    """Use the header's language switch the way the browser does: a POST to Django's set_language view."""
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


@pytest.mark.django_db
def test_a_new_visitor_gets_the_login_page_in_french(client):
    html = client.get(LOGIN_URL).content.decode()

    assert '<html lang="fr">' in html
    assert "Mot de passe oublié ?" in html
    assert "Créer un compte" in html
    assert "Forgotten your password?" not in html


@pytest.mark.django_db
def test_a_visitor_whose_browser_asks_for_english_gets_the_login_page_in_english(client):
    html = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()

    assert '<html lang="en">' in html
    assert "Forgotten your password?" in html
    assert "Create an account" in html
    assert "Mot de passe oublié ?" not in html


@pytest.mark.django_db
def test_a_browser_language_the_portal_does_not_offer_falls_back_to_french(client):
    html = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert '<html lang="fr">' in html
    assert "Mot de passe oublié ?" in html


@pytest.mark.django_db
def test_the_language_switch_turns_the_login_page_to_english(client):
    switch_language(client, "en", LOGIN_URL)

    html = client.get(LOGIN_URL).content.decode()

    assert '<html lang="en">' in html
    assert "Forgotten your password?" in html
    assert "Mot de passe oublié ?" not in html


@pytest.mark.django_db
def test_the_language_switch_turns_the_dashboard_to_english_and_back(client, supplier):
    verified_client(client, supplier)
    french = client.get("/").content.decode()
    assert "Tableau de bord" in french
    assert "Se déconnecter" in french

    switch_language(client, "en", "/")
    english = client.get("/").content.decode()

    assert '<html lang="en">' in english
    assert "Dashboard" in english
    assert "Log out" in english
    assert "Invoices sent" in english  # the supplier's navigation: deposit and sent invoices
    assert "Tableau de bord" not in english
    assert "Se déconnecter" not in english

    switch_language(client, "fr", "/")
    assert "Se déconnecter" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_user_who_chose_english_receives_the_login_code_in_english(
    supplier, mailoutbox, django_capture_on_commit_callbacks
):
    supplier.language = "en"
    supplier.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        sent, _message = twofactor.send_email_code(supplier)

    assert sent
    assert "Your Chorale login code is:" in mailoutbox[-1].body
    assert "Votre code de connexion" not in mailoutbox[-1].body
    assert mailoutbox[-1].subject == "Chorale: your login code"


# The catalogue itself --------------------------------------------------------------------------------------


def parse_po(path):
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr by plural index, flags.

    A small reader rather than a dependency: gettext writes one entry per blank-line-separated block, which is
    all this needs. The header (empty msgid) and obsolete entries (#~) are left out.
    """
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines()]
        if not lines or any(line.startswith("#~") for line in lines):
            continue
        entry = {"msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set()}
        field = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            else:
                if not line.startswith('"'):
                    field, _sep, line = line.partition(" ")
                value = ast.literal_eval(line)
                if field.startswith("msgstr"):
                    index = int(field[7:-1]) if field != "msgstr" else 0
                    entry["msgstr"][index] = entry["msgstr"].get(index, "") + value
                else:
                    entry[field] = (entry[field] or "") + value
        if entry["msgid"]:
            entries.append(entry)
    return entries


def translations(entry):
    """The msgstr of an entry, or its two plural forms (English has two)."""
    return [entry["msgstr"].get(index, "") for index in range(2 if entry["msgid_plural"] else 1)]


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif%]|\{\w*\}|</?[a-z]+[^>]*>")


def test_the_english_catalogue_has_entries():
    assert len(parse_po(PO_PATH)) > 100


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    entries = parse_po(PO_PATH)
    untranslated = [e["msgid"] for e in entries if not all(translations(e))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]

    assert untranslated == []
    assert fuzzy == []


def test_every_translation_keeps_the_placeholders_and_markup_of_its_source():
    mismatched = []
    for e in parse_po(PO_PATH):
        sources = [e["msgid"], e["msgid_plural"]] if e["msgid_plural"] else [e["msgid"]]
        for source, translation in zip(sources, translations(e), strict=True):
            if sorted(_PLACEHOLDER.findall(source)) != sorted(_PLACEHOLDER.findall(translation)):
                mismatched.append((source, translation))

    assert mismatched == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_gettext_finds_the_catalogue_valid_and_complete():
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", os.devnull, str(PO_PATH)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )

    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr
    assert "untranslated" not in result.stderr


def test_the_compiled_catalogue_holds_every_translation_of_the_po():
    """A fresh clone has no meaningful mtimes, so compare contents: the .mo must answer what the .po says."""
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for e in parse_po(PO_PATH):
        if e["msgctxt"]:
            pairs = [(compiled.pgettext(e["msgctxt"], e["msgid"]), e["msgstr"][0])]
        elif e["msgid_plural"]:
            pairs = [
                (compiled.ngettext(e["msgid"], e["msgid_plural"], 1), e["msgstr"][0]),
                (compiled.ngettext(e["msgid"], e["msgid_plural"], 2), e["msgstr"][1]),
            ]
        else:
            pairs = [(compiled.gettext(e["msgid"]), e["msgstr"][0])]
        stale += [(e["msgid"], got, want) for got, want in pairs if got != want]

    assert stale == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_marked_in_the_code_and_templates_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    """`makemessages` over a copy of the sources finds no string that the committed catalogue lacks."""
    for name in ("accounts", "invoices", "portal", "templates"):
        shutil.copytree(
            REPO_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    catalogue = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    shutil.copy(PO_PATH, catalogue)
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], no_location=True, no_obsolete=True, verbosity=0)
    known = {(e["msgctxt"], e["msgid"]) for e in parse_po(PO_PATH)}
    found = {(e["msgctxt"], e["msgid"]) for e in parse_po(catalogue)}
    assert sorted(m for _c, m in found - known) == []
