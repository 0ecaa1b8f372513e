"""The JSON steps of the passkey ceremonies, as the page's script (static/js/passkeys.js) posts them."""

import json

REGISTRATION_OPTIONS = "/comptes/securite/cles/ajouter/options/"
REGISTER = "/comptes/securite/cles/ajouter/verifier/"
LOGIN_OPTIONS = "/comptes/second-facteur/cle/options/"
LOGIN = "/comptes/second-facteur/cle/verifier/"
KEYS_PAGE = "/comptes/securite/cles/"


def post_json(client, url, body=None, *, raw=None):
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    return client.post(url, data=data, content_type="application/json")


def enrol(client, authenticator, *, name="YubiKey bleue", **answer):
    """Ask for registration options, let `authenticator` answer them, post the answer; the last response."""
    options = post_json(client, REGISTRATION_OPTIONS)
    assert options.status_code == 200, options.content
    credential = authenticator.register(options.json(), **answer)
    return post_json(client, REGISTER, {"name": name, "credential": credential})


def use_key(client, authenticator, *, next_url=None, **answer):
    """The login step (or the re-verification) with a key; the last response."""
    options = post_json(client, LOGIN_OPTIONS)
    assert options.status_code == 200, options.content
    credential = authenticator.assert_(options.json(), **answer)
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    return post_json(client, url, {"credential": credential})
