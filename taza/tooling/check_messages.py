"""Fail when a user-visible string lacks its Kazakh or Russian translation.

It extracts the strings afresh (makemessages, in a scratch copy so the working tree
is left alone), then checks that every entry is translated and not fuzzy, and that
the compiled .mo files say what the .po files say.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("kk", "ru")


def _problems_in(po_path: Path, label: str) -> list[str]:
    po = polib.pofile(str(po_path))
    problems = [f"{label}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    problems += [f"{label}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    for entry in po.translated_entries():
        if entry.msgid_plural and not all(entry.msgstr_plural.values()):
            problems.append(f"{label}: missing plural form: {entry.msgid!r}")
    return problems


def _mo_matches(po_path: Path) -> list[str]:
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path} is missing: run manage.py compilemessages"]
    po = {
        (e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural)
        for e in polib.pofile(str(po_path)).translated_entries()
    }
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural)
        for e in polib.mofile(str(mo_path))
        if e.msgid
    }
    if {k: str(v) for k, v in po.items()} != {k: str(v) for k, v in mo.items()}:
        return [f"{mo_path} is out of date: run manage.py compilemessages"]
    return []


def main() -> int:
    problems: list[str] = []
    for language in LANGUAGES:
        po_path = ROOT / "taza" / "locale" / language / "LC_MESSAGES" / "django.po"
        problems += _problems_in(po_path, f"{language}")
        problems += _mo_matches(po_path)
    if shutil.which("xgettext"):
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "repo"
            shutil.copytree(
                ROOT / "taza", copy / "taza", ignore=shutil.ignore_patterns("__pycache__")
            )
            shutil.copy(ROOT / "manage.py", copy)
            subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    "--no-obsolete",
                    "--no-location",
                    *[f"--locale={lang}" for lang in LANGUAGES],
                    "--ignore=tooling/*",
                ],
                cwd=copy,
                check=True,
                capture_output=True,
            )
            for language in LANGUAGES:
                fresh = copy / "taza" / "locale" / language / "LC_MESSAGES" / "django.po"
                problems += _problems_in(fresh, f"{language} (freshly extracted)")
    else:
        print("xgettext not found: skipped the fresh extraction (install gettext)", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("Translations complete for: " + ", ".join(LANGUAGES))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
