"""The Chorus Pro-compatible API: `/cpro/<domain>/v1/<operation>` and the OAuth2 token endpoint."""
