"""Prompt craft: structured prompts, the guide's templates, visual vocabulary, and a linter.

    from sora_widgets.prompt import Prompt, lint, format_findings

    p = Prompt(subject="A red fox", action="trots through fresh snow", lighting="golden hour",
               shot="wide shot", movement="slow dolly in")
    print(format_findings(lint(p)))

Nothing here imports ipywidgets, IPython or httpx; the only I/O is the templates file and reading
a local reference image's header when linting a request that has one.
"""

from __future__ import annotations

from .findings import SEVERITIES, Finding, Fix, Severity, apply_fix, format_findings
from .lint import RULES, apply_fixes, lint, lint_shots
from .structured import PROMPT_FIELDS, Prompt
from .templates import (
    GUIDE_TEMPLATES,
    Template,
    delete_template,
    get_template,
    list_templates,
    load_templates,
    save_template,
    templates_path,
)
from .vocabulary import CATEGORY_FIELDS, GUIDE_KEYWORDS, SHOT_GRAMMAR, VOCABULARY

__all__ = [
    "CATEGORY_FIELDS",
    "GUIDE_KEYWORDS",
    "GUIDE_TEMPLATES",
    "PROMPT_FIELDS",
    "RULES",
    "SEVERITIES",
    "SHOT_GRAMMAR",
    "VOCABULARY",
    "Finding",
    "Fix",
    "Prompt",
    "Severity",
    "Template",
    "apply_fix",
    "apply_fixes",
    "delete_template",
    "format_findings",
    "get_template",
    "lint",
    "lint_shots",
    "list_templates",
    "load_templates",
    "save_template",
    "templates_path",
]
