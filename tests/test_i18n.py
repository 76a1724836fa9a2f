"""The translation catalogues in platform/guanxi/locale/ are complete, compiled and in step with the source.

Every page has a zh-hans and an en rendering. These tests fail when a string marked for translation
is missing from platform/guanxi/locale/zh_Hans/LC_MESSAGES/django.po, is untranslated or fuzzy there, loses one of
its placeholders, or when a compiled django.mo does not hold what its django.po says. The fix is
described in docs/development.md, section "Translations": `make messages`, translate, then
`guanxi compilemessages --ignore=.venv`.

No database is needed. The .po files are read by the small parser below (no new dependency); the
.mo files by the standard library's gettext, exactly as Django reads them.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "platform" / "guanxi" / "locale"
CHINESE_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
CATALOGUES = ["zh_Hans", "en"]

# What `make messages` leaves out (its --ignore options), plus what never holds source strings.
SKIPPED_DIRS = {"tests", "bench", "locale", "node_modules", "__pycache__"}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # makemessages' default extensions for the django domain


# --- a small .po reader --------------------------------------------------------------------------

@dataclass(repr=False)
class Entry:
    msgid: str
    line: int
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def describe(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        where = f"  from {', '.join(self.references[:3])}" if self.references else ""
        line = f"line {self.line}: " if self.line else ""
        return f"{line}{self.msgid!r}{context}{where}"

    __repr__ = describe


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Parse a .po file into entries, header included; obsolete (#~) entries are marked."""
    entries: list[Entry] = []
    flags: set[str] = set()
    references: list[str] = []
    entry: Entry | None = None
    current: tuple[str, int] | None = None  # the field that continuation lines extend

    def set_field(name: str, index: int, value: str, *, append: bool) -> None:
        assert entry is not None
        if name == "msgstr":
            entry.msgstr[index] = (entry.msgstr.get(index, "") if append else "") + value
        else:
            old = (getattr(entry, name) or "") if append else ""
            setattr(entry, name, old + value)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#:"):
                references.extend(line[2:].split())
            current = None
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{number}: continuation line outside a field")
            set_field(current[0], current[1], _unquote(line), append=True)
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        keyword, index, value = match.group(1), int(match.group(2) or 0), _unquote(match.group(3))
        name = "msgstr" if keyword.startswith("msgstr") else keyword
        # an entry starts at its msgctxt, or at its msgid when it has no context
        if keyword == "msgctxt" or (keyword == "msgid" and current != ("msgctxt", 0)):
            entry = Entry(msgid="", line=number, flags=flags, references=references, obsolete=obsolete)
            entries.append(entry)
            flags, references = set(), []
        set_field(name, index, value, append=False)
        current = (name, index)
    return entries


def nplurals(entries: list[Entry]) -> int:
    header = next(entry for entry in entries if entry.is_header)
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, ""))
    return int(match.group(1)) if match else 2


def live(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if not entry.is_header and not entry.obsolete]


def report(title: str, entries: list[Entry], fix: str) -> str:
    lines = "\n".join(f"  {entry.describe()}" for entry in entries)
    return f"{title} ({len(entries)}):\n{lines}\n{fix}"


# --- the Chinese catalogue is complete -----------------------------------------------------------

def test_every_language_of_the_settings_has_a_catalogue():
    for code, _name in settings.LANGUAGES:
        locale_name = translation.to_locale(code)
        assert (LOCALE / locale_name / "LC_MESSAGES" / "django.po").is_file(), f"no catalogue for {code}"
        assert (LOCALE / locale_name / "LC_MESSAGES" / "django.mo").is_file(), (
            f"{locale_name} is not compiled: run `guanxi compilemessages --ignore=.venv`")
    assert {translation.to_locale(code) for code, _name in settings.LANGUAGES} == set(CATALOGUES)


def test_chinese_catalogue_translates_every_message():
    entries = read_po(CHINESE_PO)
    forms = nplurals(entries)
    assert forms == 1, "Chinese has one plural form: the header must say nplurals=1; plural=0;"
    untranslated = [entry for entry in live(entries)
                    if len(entry.msgstr) != (forms if entry.msgid_plural is not None else 1)
                    or not all(entry.msgstr.values())]
    fuzzy = [entry for entry in entries if "fuzzy" in entry.flags and not entry.obsolete]
    assert not untranslated, report("Untranslated messages in platform/guanxi/locale/zh_Hans/LC_MESSAGES/django.po",
                                    untranslated, "Translate them, then run `guanxi compilemessages --ignore=.venv`.")
    assert not fuzzy, report("Fuzzy (guessed) translations in platform/guanxi/locale/zh_Hans/LC_MESSAGES/django.po", fuzzy,
                             "Check each translation, remove its `#, fuzzy` line, then compile.")
    assert len(live(entries)) > 200


PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.\d+)?(?P<conversion>[diouxXeEfFgGcrsa%])")


def _placeholders(text: str) -> list[str]:
    found = [(m.group("name") or "") + ":" + m.group("conversion") for m in PLACEHOLDER.finditer(text)]
    return sorted(item for item in found if not item.endswith("%"))


def test_chinese_translations_keep_every_placeholder():
    broken = []
    for entry in live(read_po(CHINESE_PO)):
        if "python-format" not in entry.flags:
            continue
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        if any(_placeholders(text) != _placeholders(source) for text in entry.msgstr.values()):
            broken.append(entry)
    assert not broken, report("Translations whose placeholders differ from the English", broken,
                              "Keep every %(name)s / %d exactly as in the msgid.")


def test_the_signup_message_has_its_agreed_translation():
    entries = {entry.key: entry for entry in live(read_po(CHINESE_PO))}
    assert entries[(None, "Enter your company's name.", None)].msgstr == {0: "请输入公司名称。"}


# --- the compiled .mo files hold what the .po files say -------------------------------------------

def _expected_catalog(entries: list[Entry]) -> dict:
    """What msgfmt puts in a .mo: translated, non-fuzzy entries, keyed as gettext keys them."""
    catalog: dict = {}
    for entry in live(entries):
        if "fuzzy" in entry.flags or not entry.msgstr.get(0):
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            catalog[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(msgid, index)] = text
    return catalog


@pytest.mark.parametrize("locale_name", CATALOGUES)
def test_compiled_catalogue_matches_its_po_file(locale_name):
    folder = LOCALE / locale_name / "LC_MESSAGES"
    expected = _expected_catalog(read_po(folder / "django.po"))
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    compiled = {key: value for key, value in compiled.items() if key != ""}  # "" is the header

    missing = sorted(str(key) for key in expected.keys() - compiled.keys())
    extra = sorted(str(key) for key in compiled.keys() - expected.keys())
    changed = sorted(str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    fix = f"platform/guanxi/locale/{locale_name}/LC_MESSAGES/django.mo is stale: run `guanxi compilemessages --ignore=.venv`."
    assert not missing, f"Not in the compiled catalogue ({len(missing)}): {missing}\n{fix}"
    assert not changed, f"Compiled with another translation ({len(changed)}): {changed}\n{fix}"
    assert not extra, f"Compiled but no longer in the .po ({len(extra)}): {extra}\n{fix}"


# --- the catalogue is in step with the source -----------------------------------------------------

def _copy_sources(destination: Path) -> None:
    """Copy every file `make messages` would read, nothing else (it is fast: a few hundred files)."""
    for folder, dirnames, filenames in os.walk(ROOT):
        here = Path(folder)
        dirnames[:] = [name for name in dirnames
                       if not name.startswith(".") and name not in SKIPPED_DIRS and not name.endswith(".egg-info")
                       and not (here == ROOT and name == "static")]  # the collectstatic output
        for name in filenames:
            source = here / name
            if source.suffix in SOURCE_SUFFIXES and not name.startswith("."):
                target = destination / source.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> list[Entry]:
    """The Chinese catalogue makemessages makes from today's source, built in a temporary copy."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext is not installed (xgettext, msgmerge): install it, e.g. `apt-get install gettext`.")
    workdir = tmp_path_factory.mktemp("makemessages")
    _copy_sources(workdir)
    (workdir / "locale").mkdir()
    # No settings: makemessages needs none, and then writes into ./locale of its working folder.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-wrap"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    entries = live(read_po(workdir / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    for entry in entries:
        entry.line = 0  # a line of the temporary file would mislead; the references say where it comes from
    return entries


def test_catalogue_has_every_string_marked_in_the_source(fresh_catalogue):
    in_repository = {entry.key for entry in live(read_po(CHINESE_PO))}
    missing = [entry for entry in fresh_catalogue if entry.key not in in_repository]
    assert not missing, report(
        "Strings marked for translation in the source but missing from platform/guanxi/locale/zh_Hans/LC_MESSAGES/django.po",
        missing, "Run `make messages`, translate them in the .po, then `guanxi compilemessages --ignore=.venv`.")


def test_catalogue_has_no_string_the_source_no_longer_uses(fresh_catalogue):
    in_source = {entry.key for entry in fresh_catalogue}
    stale = [entry for entry in read_po(CHINESE_PO)
             if not entry.is_header and (entry.obsolete or entry.key not in in_source)]
    assert not stale, report("Messages in platform/guanxi/locale/zh_Hans/LC_MESSAGES/django.po that no source file uses",
                             stale, "Run `make messages` (it drops them), then `guanxi compilemessages --ignore=.venv`.")


# --- Django reads our catalogue, and its own messages are Chinese too ----------------------------

def test_django_translates_through_the_project_catalogue():
    with translation.override("zh-hans"):
        assert translation.gettext("Enter your company's name.") == "请输入公司名称。"
        assert translation.pgettext("token", "Name") == "名称"
        assert translation.gettext("Name") == "姓名"
    with translation.override("en"):
        assert translation.gettext("Enter your company's name.") == "Enter your company's name."


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_password_validation_messages_are_chinese():
    from django.contrib.auth.password_validation import get_default_password_validators, validate_password
    from django.core.exceptions import ValidationError

    from core.users.models import User

    user = User(email="zhang.wei@example.com", name="张伟")
    texts: dict[str, str] = {}
    with translation.override("zh-hans"):
        for validator in get_default_password_validators():
            texts[f"help text of {type(validator).__name__}"] = str(validator.get_help_text())
        # given passwords that break every validator: too short, common, numeric, like the email
        for password in ["1234", "zhang.wei@example.com"]:
            try:
                validate_password(password, user)
            except ValidationError as error:
                for item in error.error_list:
                    texts[item.code] = str(item.message % item.params if item.params else item.message)
    assert {"password_too_short", "password_too_common", "password_entirely_numeric",
            "password_too_similar"} <= texts.keys()
    english = {key: text for key, text in texts.items() if not CJK.search(text)}
    assert not english, (
        f"Password messages still in English under zh-hans: {english}\n"
        "Django ships no zh_Hans translation for them: mark the exact msgid in platform/guanxi/django_strings.py, "
        "run `make messages`, translate it and compile.")
