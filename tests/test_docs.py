"""Docs stay true: every setting and every command is in README's tables, and nothing stale is."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices

from kb.settings import Settings

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def _env_names() -> list[str]:
    names = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append(str(alias.choices[0]) if isinstance(alias, AliasChoices) else f"KB_{name.upper()}")
    return names


def test_every_setting_is_documented_in_the_readme_table() -> None:
    table_rows = {m.group(1) for m in re.finditer(r"^\| `([A-Z0-9_]+)` \|", README, re.MULTILINE)}
    assert set(_env_names()) - table_rows == set()
    assert table_rows - set(_env_names()) == set()  # and nothing stale is documented


def _readme_commands() -> set[str]:
    """The commands README's command table names: `kb claims [--status …]` gives "claims"."""
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `kb ([a-z-]+)", table, re.MULTILINE))


def test_every_command_is_in_the_readme_table() -> None:
    """As sqlite-utils checks its docs: a command added to `kb` without a line in the README fails."""
    import click

    from ui.cli import cli

    commands = set(cli.list_commands(click.Context(cli)))
    assert commands - _readme_commands() == set()
    assert _readme_commands() - commands == set()  # and no line names a command that is gone


def test_readme_has_exactly_two_quickstart_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", quickstart, re.DOTALL)
    assert len(blocks) == 2
    assert all(len(b.strip().splitlines()) == 1 for b in blocks)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    quickstart = README.split("## Quickstart", 1)[1]
    test_command = re.findall(r"```bash\n(.*?)```", quickstart, re.DOTALL)[1].strip()
    assert test_command in (REPO / ".ci" / "run").read_text()


def test_graph_model_page_documents_every_label_and_relationship() -> None:
    from kb import cypher

    page = (REPO / "docs" / "graph-model.md").read_text()
    assert "```mermaid" in page
    for label in (*cypher.NODE_LABELS, "Uncited", "Meta"):
        assert f"`{label}`" in page, label
    for rel in re.findall(
        r"\[\w*:([A-Z_]+)",
        "\n".join(v for k, v in vars(cypher).items() if k.isupper() and isinstance(v, str)),
    ):
        assert f"`{rel}`" in page, rel
