"""OpenAPI descriptions of the API's authentication schemes (drf-spectacular extensions)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton d'API personnel ou de compte technique : `Authorization: Bearer chor_…`.",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.VerifiedSessionAuthentication"
    name = "verifiedSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "Session du portail, après le second facteur (avec l'en-tête X-CSRFToken).",
        }
