"""The entity registry knows every record type once, and agrees with the configuration's schema."""

from __future__ import annotations

import json

import pytest
from django.apps import apps

from core.customization.forms import LINK_TARGETS
from core.entities.registry import registry
from guanxi.env import REPO_ROOT

SCHEMA = json.loads((REPO_ROOT / "config_schemas" / "custom-fields.schema.json").read_text())


def test_every_crm_model_with_custom_values_is_a_customizable_entity():
    with_custom = {model for model in apps.get_models() if any(f.name == "custom" for f in model._meta.fields)}
    assert {entity.model for entity in registry.customizable()} == with_custom


def test_customizable_entities_are_the_configuration_schemas_sections():
    assert set(registry.keys()) >= set(SCHEMA["properties"])
    assert [e.key for e in registry.customizable()] == ["account", "contact", "lead", "deal", "ticket", "activity",
                                                         "campaign"]
    assert set(SCHEMA["properties"]) == {e.key for e in registry.customizable()}


def test_link_targets_are_the_schemas_link_entities_and_registered():
    enum = SCHEMA["$defs"]["field"]["properties"]["link_entity"]["enum"]
    assert list(LINK_TARGETS) == enum
    assert all(key in registry for key in enum)


@pytest.mark.parametrize("key", ["account", "contact", "deal", "product", "lead", "ticket", "activity", "task",
                                 "campaign"])
def test_each_entity_describes_its_built_in_fields_by_model_field(key):
    entity = registry.get(key)
    concrete = entity.model._meta.concrete_fields
    names = {f.name for f in concrete} | {f.attname.removesuffix("_id") for f in concrete}
    assert set(entity.fields) - {"custom"} <= names
    assert entity.title_field in names


def test_a_second_model_under_a_registered_key_is_refused():
    from core.records.models import Contact

    with pytest.raises(ValueError, match="already registered"):
        registry.register(type(registry.get("account"))(**{**registry.get("account").__dict__, "model": Contact}))
