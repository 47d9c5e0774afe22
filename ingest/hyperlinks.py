"""`Link`: a hyperlink inside an extracted text, shared by extraction and citation finding.

One model for both sides: `ingest.extract` makes them, `ingest.citations` reads them (the scope
rule that attaches citations to claims is `ingest.linking`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Link(BaseModel):
    """An inline hyperlink of the extracted text: `text[start:end]` is its anchor text."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    url: str
    text: str = ""

    @model_validator(mode="after")
    def _check_span(self) -> Link:
        if self.end < self.start:
            raise ValueError(f"link span end {self.end} is before start {self.start}")
        return self
