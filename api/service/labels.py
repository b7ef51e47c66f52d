"""What people read in place of codes, ids and storage paths, for every template of the application (the web
screens and the report's decisions section) and for the evidence viewer's script.

The Vietnamese labels themselves live in one place, ``verifier/data/labels_vi.yaml`` (``verifier.messages``);
this module only adapts them to templates: ``{{ f.code|label("findings") }}``, the code kept in a ``title=``
tooltip by the template. File names are shown without the folder every file of the submission shares (the
folder the unit zipped: ``ho-so-so-tu-phap-2024/04-BC-….pdf`` → ``04-BC-….pdf``), the full path kept as the
tooltip; a criteria set by its title, not its id.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from enum import StrEnum

from verifier import bundled_rubrics, load_rubric
from verifier.messages import LABELS
from verifier.messages import label as _label

# The label groups the evidence viewer's script shows (a finding's severity badge and its code).
VIEWER_GROUPS = ("severities", "findings")


def label(code: str | StrEnum | None, group: str) -> str:
    """The Vietnamese label of ``code`` in ``group`` (a section of labels_vi.yaml), as a Jinja filter:
    ``{{ c.verdict|label("verdicts") }}``. A code without a label shows as it is; None as an empty string."""
    if code is None:
        return ""
    return _label(group, code)


def shown_names(names: Iterable[str]) -> dict[str, str]:
    """Each file name → the name people are shown: without the folders that every one of ``names`` shares
    (the submission's own folder), so a lone name shows without its folders. Subfolders that tell files
    apart stay."""
    unique = list(dict.fromkeys(names))
    parts = [n.split("/") for n in unique]
    common = 0
    if parts:
        folders = parts[0][:-1]
        for i, folder in enumerate(folders):
            if not all(len(p) > i + 1 and p[i] == folder for p in parts):
                break
            common = i + 1
    return {name: "/".join(p[common:]) for name, p in zip(unique, parts, strict=True)}


def shown_name(name: str | None) -> str:
    """One file name without its folders (a file seen on its own, outside its submission)."""
    return shown_names([name])[name] if name else ""


def short_paths(text: str | None, names: Mapping[str, str]) -> str:
    """``text`` (a finding's message, which names files by their stored path) with each file of ``names``
    (``shown_names``) named as it is shown: '298/BC-STP (ho-so/04-BC.pdf)' → '298/BC-STP (04-BC.pdf)'."""
    out = text or ""
    for full in sorted(names, key=len, reverse=True):  # the longest first: no name is cut inside a longer one
        if names[full] != full:
            out = out.replace(full, names[full])
    return out


def viewer_labels(names: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """What the evidence viewer's script shows in place of codes and paths: the label groups it needs and
    the shown name of each file (``shown_names``), rendered by the page as a JSON block."""
    out = {group: dict(LABELS[group]) for group in VIEWER_GROUPS}
    out["names"] = dict(names)
    return out


@functools.cache
def rubric_title(rubric_id: str | None) -> str:
    """The title of a bundled criteria set ('Bộ tiêu chí tham chiếu Chỉ số CCHC …'); any other id as it is."""
    if not rubric_id:
        return ""
    if rubric_id in bundled_rubrics():
        return load_rubric(rubric_id).title or rubric_id
    return rubric_id
