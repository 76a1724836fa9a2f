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
