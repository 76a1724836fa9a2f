"""docs/configuration-reference.md is generated from the schemas and must stay in step with them."""

from __future__ import annotations

from core.customization.reference import output_path, render_reference
from core.customization.schema import schema_files


def test_committed_reference_matches_the_schemas():
    path = output_path()
    assert path.is_file(), f"{path} is missing: run `python -m core.customization.reference`"
    assert path.read_text(encoding="utf-8") == render_reference(), (
        "docs/configuration-reference.md is stale: run `python -m core.customization.reference` and commit it")


def test_reference_covers_every_file_and_property():
    text = render_reference()
    for name, schema in schema_files().items():
        assert f"`{name}`" in text
        assert schema["title"] in text
    for where, node in _objects(schema_files()):
        for prop, subschema in node.get("properties", {}).items():
            if isinstance(subschema, dict) and subschema.get("title"):
                assert f"| `{prop}` |" in text, f"{where}: {prop}"
                assert subschema["description"].replace("|", "\\|") in text, f"{where}: {prop}"


def _objects(files):
    stack = list(files.items())
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            yield where, node
            stack.extend((f"{where}/{key}", value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((f"{where}/{index}", value) for index, value in enumerate(node))
