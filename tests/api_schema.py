"""An API answer checked against /api/schema/ as schemathesis checks it: its status code is documented for
the operation, its media type too, and its body is valid against the documented schema (OpenAPI 3.0)."""

from functools import cache

from openapi_schema_validator import OAS30Validator


@cache
def api_schema() -> dict:
    """The schema as /api/schema/ serves it (generated once: it does not depend on the database)."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def assert_documented(response, path: str, method: str) -> None:
    schema = api_schema()
    operation = schema["paths"][path][method.lower()]
    code = str(response.status_code)
    assert code in operation["responses"], f"{method.upper()} {path}: {code} is not documented"
    content = operation["responses"][code].get("content")
    if not content:
        return
    media_type = response["Content-Type"].split(";")[0].strip()
    assert media_type in content, (
        f"{method.upper()} {path}: {code} as {media_type}, documented {list(content)}"
    )
    if media_type == "application/json":
        body_schema = {**content[media_type]["schema"], "components": schema["components"]}
        OAS30Validator(body_schema).validate(response.json())
