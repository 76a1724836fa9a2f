"""The repository layout must never shadow the standard library (see docs/architecture.md)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_platform_folder_does_not_shadow_stdlib_platform():
    # given the repository root as working directory (it is first on sys.path for `python -c`)
    code = "import platform, uuid; print(platform.system()); print(platform.__file__)"
    # when Python imports platform and uuid from there
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    system, module_file = result.stdout.split()
    # then it gets the standard library's module, not our folder
    assert system == "Linux"
    assert not module_file.startswith(str(ROOT / "platform"))
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_project_package_is_importable_from_platform_folder():
    import guanxi

    assert Path(guanxi.__file__).parent == ROOT / "platform" / "guanxi"


def _app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "core" else parts[0]


def _python_files():
    for top in ("core", "tenants", "billing", "plugins", "platform/guanxi"):
        yield from (ROOT / top).rglob("*.py")


def test_no_module_imports_another_apps_private_names():
    """`from core.records.views import _names` couples two apps through a name nobody promised: refused."""
    import ast

    offences = []
    for path in _python_files():
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).with_suffix("")
        parts = relative.parts[1:] if relative.parts[0] == "platform" else relative.parts
        module = ".".join(parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if _app_of(node.module) == _app_of(module):
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and alias.name != "_":
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}.{alias.name}")
    assert offences == []


def test_import_layers_hold():
    """The import-linter contracts of pyproject.toml: layers, leaf modules, no cycles between apps."""
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_services_and_selectors_are_called_by_name_not_looked_up():
    """`getattr(services, f"{entity}_create")` hides who calls a service from grep: refused everywhere."""
    import ast

    offences = []
    for path in _python_files():
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.JoinedStr)):
                target = ast.unparse(node.args[0])
                if any(word in target for word in ("services", "selectors", "serializers", "module", "out")):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: getattr({target}, <f-string>)")
    assert offences == []
