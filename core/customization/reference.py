"""The configuration reference in docs/, rendered from the JSON Schemas so it cannot drift from them.

`python -m core.customization.reference` rewrites docs/configuration-reference.md; a test fails when
the committed file differs from what the schemas say. Rendering needs no Django set-up.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.customization.schema import ROOT_SCHEMA, schema_dir, schema_files

OUTPUT = Path("docs") / "configuration-reference.md"
TYPE_NAMES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean",
              "array": "list", "object": "object", "null": "null"}


@dataclass(frozen=True)
class _Object:
    """An object schema that gets its own table."""

    file: str
    pointer: str
    anchor: str
    schema: dict


def render_reference() -> str:
    """The Markdown reference of the whole configuration document: one section per schema file."""
    return _Renderer(schema_files()).render()


def output_path() -> Path:
    """Where the reference lives: docs/ beside config_schemas/."""
    return schema_dir().parent / OUTPUT


def main() -> None:
    """Write the reference to docs/configuration-reference.md."""
    path = output_path()
    path.write_text(render_reference(), encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")


def _stem(file: str) -> str:
    return file.removesuffix(".schema.json")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"`{text}`"


def _is_object(schema: Any) -> bool:
    """An object schema with something to tabulate; an open object (plugin settings) is just "object"."""
    return isinstance(schema, dict) and (
        "properties" in schema or "oneOf" in schema or "anyOf" in schema
        or isinstance(schema.get("additionalProperties"), dict))


class _Renderer:
    def __init__(self, files: dict[str, dict]) -> None:
        self.files = files
        self.objects: dict[tuple[str, str], _Object] = {}
        for file, schema in files.items():
            self._collect(file, schema, "")

    # --- discovery --------------------------------------------------------------------------

    def _collect(self, file: str, schema: Any, pointer: str) -> None:
        """Register every object schema of a file, in reading order (rules under if/then/else excluded)."""
        if not isinstance(schema, dict):
            return
        if _is_object(schema):
            name = pointer.rsplit("/", 1)[-1] if pointer else ""
            if "/oneOf/" in pointer or "/anyOf/" in pointer:
                name = schema.get("title", name)
            anchor = _stem(file) + (f"-{_slug(name)}" if name else "")
            while any(item.anchor == anchor for item in self.objects.values()):
                anchor += "-1"
            self.objects[(file, pointer)] = _Object(file, pointer, anchor, schema)
        for name, subschema in schema.get("properties", {}).items():
            self._collect(file, subschema, f"{pointer}/properties/{name}")
        for keyword in ("items", "additionalProperties"):
            self._collect(file, schema.get(keyword), f"{pointer}/{keyword}")
        for keyword in ("oneOf", "anyOf"):
            for index, subschema in enumerate(schema.get(keyword, [])):
                self._collect(file, subschema, f"{pointer}/{keyword}/{index}")
        for name, subschema in schema.get("$defs", {}).items():
            self._collect(file, subschema, f"/$defs/{name}")

    def _resolve(self, file: str, ref: str) -> tuple[str, str]:
        target, _, fragment = ref.partition("#")
        return (target or file), fragment

    def _lookup(self, file: str, pointer: str) -> Any:
        node: Any = self.files[file]
        for part in filter(None, pointer.split("/")):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    # --- pieces -----------------------------------------------------------------------------

    def _link(self, file: str, pointer: str) -> str | None:
        found = self.objects.get((file, pointer))
        if found is None:
            return None
        return f"[{found.schema.get('title', found.anchor)}](#{found.anchor})"

    def _type(self, file: str, schema: Any, pointer: str | None = None) -> str:
        """What a value is, in words, with links to the object tables."""
        if schema is True or schema == {}:
            return "any"
        if schema is False:
            return "not allowed"
        if pointer is not None and (link := self._link(file, pointer)):
            return link
        if "$ref" in schema:
            target_file, target_pointer = self._resolve(file, schema["$ref"])
            link = self._link(target_file, target_pointer)
            return link or self._type(target_file, self._lookup(target_file, target_pointer), target_pointer)
        kind = schema.get("type")
        if kind is None and "enum" in schema:
            kind = "string" if all(isinstance(item, str) for item in schema["enum"]) else None
        if kind is None and "const" in schema:
            kind = {bool: "boolean", int: "integer", str: "string"}.get(type(schema["const"]))
        if kind == "array" or (kind is None and "items" in schema):
            items = schema.get("items")
            item_pointer = f"{pointer}/items" if pointer is not None else None
            return "list" if items is None else f"list of {self._type(file, items, item_pointer)}"
        if isinstance(kind, list):
            return " or ".join(TYPE_NAMES.get(name, name) for name in kind)
        if kind is None and "oneOf" in schema:
            return "one of the forms below"
        return TYPE_NAMES.get(kind, kind) if kind else "any"

    def _limits(self, file: str, schema: Any) -> str:
        """Allowed values and limits, following `$ref`s to value definitions and list items."""
        if not isinstance(schema, dict):
            return ""
        if "$ref" in schema:
            target_file, target_pointer = self._resolve(file, schema["$ref"])
            if (target_file, target_pointer) in self.objects:
                return ""
            return self._limits(target_file, self._lookup(target_file, target_pointer))
        parts = []
        if "const" in schema:
            parts.append(f"always {_code(schema['const'])}")
        if "enum" in schema:
            parts.append("one of " + ", ".join(_code(item) for item in schema["enum"]))
        if "pattern" in schema:
            parts.append(f"pattern {_code(schema['pattern'])}")
        if "format" in schema:
            parts.append(f"format {_code(schema['format'])}")
        parts.extend(self._range(schema, "minimum", "maximum", ""))
        parts.extend(self._range(schema, "minLength", "maxLength", " characters"))
        parts.extend(self._range(schema, "minItems", "maxItems", " items"))
        if schema.get("uniqueItems"):
            parts.append("no duplicates")
        if "propertyNames" in schema:
            parts.append("keys: " + self._limits(file, schema["propertyNames"]))
        if "items" in schema and (inner := self._limits(file, schema["items"])):
            parts.append(f"each item: {inner}")
        if "default" in schema:
            parts.append(f"default {_code(schema['default'])}")
        if "examples" in schema:
            parts.append("e.g. " + ", ".join(_code(item) for item in schema["examples"]))
        return "; ".join(parts)

    @staticmethod
    def _range(schema: dict, low_key: str, high_key: str, unit: str) -> list[str]:
        low, high = schema.get(low_key), schema.get(high_key)
        def units(count: int) -> str:
            return unit.removesuffix("s") if count == 1 else unit

        if low is not None and low == high:
            return [f"exactly {low}{units(low)}"]
        if low is not None and high is not None:
            return [f"{low} to {high}{units(high)}"]
        if low is not None:
            return [f"at least {low}{units(low)}"]
        if high is not None:
            return [f"at most {high}{units(high)}"]
        return []

    def _condition(self, if_schema: dict) -> str:
        phrases = []
        for name, subschema in if_schema.get("properties", {}).items():
            if "const" in subschema:
                phrases.append(f"`{name}` is {_code(subschema['const'])}")
            elif "enum" in subschema:
                phrases.append(f"`{name}` is one of " + ", ".join(_code(item) for item in subschema["enum"]))
        return " and ".join(phrases) or "the condition holds"

    def _consequences(self, file: str, schema: dict) -> str:
        parts = [f"`{name}` is required" for name in schema.get("required", [])]
        for name, subschema in schema.get("properties", {}).items():
            if subschema is False:
                parts.append(f"`{name}` is not allowed")
            else:
                limits = self._limits(file, subschema)
                parts.append(f"`{name}` must be {self._type(file, subschema)}" + (f" ({limits})" if limits else ""))
        return "; ".join(parts)

    def _rules(self, file: str, schema: dict) -> list[str]:
        lines = []
        for rule in schema.get("allOf", []):
            if "if" not in rule:
                continue
            condition = self._condition(rule["if"])
            text = f"- When {condition}: {self._consequences(file, rule['then'])}." if "then" in rule else ""
            if "else" in rule:
                otherwise = self._consequences(file, rule["else"])
                text = (f"{text} Otherwise: {otherwise}." if text
                        else f"- Unless {condition}: {otherwise}.")
            lines.append(text)
        return lines

    # --- sections ---------------------------------------------------------------------------

    def _table(self, item: _Object) -> list[str]:
        schema, file = item.schema, item.file
        required = set(schema.get("required", []))
        lines = ["| Property | Type | Required | Title | Description | Allowed values / limits |",
                 "|---|---|---|---|---|---|"]
        for name, subschema in schema.get("properties", {}).items():
            pointer = f"{item.pointer}/properties/{name}"
            lines.append("| " + " | ".join(_cell(text) for text in [
                f"`{name}`", self._type(file, subschema, pointer), "yes" if name in required else "no",
                subschema.get("title", ""), subschema.get("description", ""), self._limits(file, subschema),
            ]) + " |")
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            names = self._limits(file, schema.get("propertyNames", {})) or "any"
            lines.append("| " + " | ".join(_cell(text) for text in [
                "*any other key*" if schema.get("properties") else "*any key*", self._type(file, extra, f"{item.pointer}/additionalProperties"), "no",
                extra.get("title", ""), extra.get("description", ""), f"key {names}",
            ]) + " |")
        return lines

    def _object_section(self, item: _Object) -> list[str]:
        schema = item.schema
        title = schema.get("title", item.anchor)
        lines = [f'<a id="{item.anchor}"></a>', ""]
        if item.pointer:  # a file's root object is introduced by the file's own heading
            lines += [f"### {title}", "", f"`{item.file}#{item.pointer}`", ""]
            if schema.get("description"):
                lines += [schema["description"], ""]
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                which = "exactly one" if keyword == "oneOf" else "at least one"
                lines += [f"A value has {which} of these forms:", ""]
                for index, branch in enumerate(schema[keyword]):
                    link = self._link(item.file, f"{item.pointer}/{keyword}/{index}")
                    lines.append(f"- {link or self._type(item.file, branch)}")
                lines.append("")
        if schema.get("properties") or isinstance(schema.get("additionalProperties"), dict):
            lines += [*self._table(item), ""]
        if schema.get("additionalProperties") is False:
            lines += ["No other keys are allowed.", ""]
        elif schema.get("additionalProperties") is True:
            lines += ["Other keys are allowed and kept as written.", ""]
        if rules := self._rules(item.file, schema):
            lines += ["Rules:", "", *rules, ""]
        return lines

    def _definitions(self, file: str, schema: dict) -> list[str]:
        """Non-object definitions (lists, value shapes) in one table."""
        rows = [(name, sub) for name, sub in schema.get("$defs", {}).items() if not _is_object(sub)]
        if not rows:
            return []
        lines = ["### Definitions", "", "| Name | Type | Title | Description | Allowed values / limits |",
                 "|---|---|---|---|---|"]
        for name, subschema in rows:
            lines.append("| " + " | ".join(_cell(text) for text in [
                f'<a id="{_stem(file)}-{_slug(name)}"></a>`{name}`', self._type(file, subschema),
                subschema.get("title", ""), subschema.get("description", ""), self._limits(file, subschema),
            ]) + " |")
        return [*lines, ""]

    def _file_section(self, file: str, schema: dict) -> list[str]:
        lines = [f'<a id="file-{_stem(file)}"></a>', "", f"## {schema.get('title', file)} — `{file}`", ""]
        if schema.get("description"):
            lines += [schema["description"], ""]
        if schema.get("type") == "array":
            limits = self._limits(file, {key: schema[key] for key in ("minItems", "maxItems") if key in schema})
            lines += [f"The value is a {self._type(file, schema, '')}" + (f" ({limits})." if limits else "."), ""]
        for item in self.objects.values():
            if item.file == file:
                lines += self._object_section(item)
        return lines + self._definitions(file, schema)

    def _file_order(self) -> list[str]:
        """The top-level document, its sections in document order, then the shared building blocks."""
        sections = [self._resolve(ROOT_SCHEMA, sub["$ref"])[0]
                    for sub in self.files[ROOT_SCHEMA].get("properties", {}).values() if "$ref" in sub]
        ordered = [ROOT_SCHEMA, *dict.fromkeys(file for file in sections if file in self.files)]
        return ordered + sorted(file for file in self.files if file not in ordered)

    def render(self) -> str:
        lines = [
            "# Workspace configuration reference",
            "",
            "<!-- Generated from config_schemas/*.schema.json by `python -m core.customization.reference`. "
            "Do not edit by hand: change the schemas and run it again. -->",
            "",
            "A workspace's configuration is one JSON document; this reference lists every key of it, section "
            "by section, as the JSON Schemas (Draft 2020-12) in `config_schemas/` define it. Ready-made "
            "documents for common kinds of business are in `config_schemas/presets/`.",
            "",
            "## Contents",
            "",
        ]
        for file in self._file_order():
            lines.append(f"- [{self.files[file].get('title', file)}](#file-{_stem(file)}) — `{file}`")
        lines.append("")
        for file in self._file_order():
            lines += self._file_section(file, self.files[file])
        return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    main()
