"""Kubernetes label and annotation checks, worded as Kanister words them.

Kanister validates a function's ``podLabels`` and ``podAnnotations`` args with apimachinery's
``IsQualifiedName`` (keys) and ``IsValidLabelValue`` (label values); annotation values are free
(kanister-behaviour.md section 7.4, cases L1-L9). The messages here reproduce Kanister's:
``label key 'key$' failed validation. [name part must consist of ...]``.
"""

from __future__ import annotations

import re

_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, "
    "'-', '_' or '.', and must start and end with an alphanumeric character"
)
_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = f"{_DNS1123_LABEL}(\\.{_DNS1123_LABEL})*"
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
    "'-' or '.', and must start and end with an alphanumeric character"
)
_QNAME = re.compile(f"{_QNAME_FMT}\\Z")
_LABEL_VALUE = re.compile(f"{_LABEL_VALUE_FMT}\\Z")
_DNS1123_SUBDOMAIN = re.compile(f"{_DNS1123_SUBDOMAIN_FMT}\\Z")
_NAME_MAX = 63
_SUBDOMAIN_MAX = 253


def _regex_error(message: str, fmt: str, *examples: str) -> str:
    quoted = "".join(("" if i == 0 else " or ") + f"'{e}', " for i, e in enumerate(examples))
    return f"{message} (e.g. {quoted}regex used for validation is '{fmt}')"


def _max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def qualified_name_errors(value: str) -> list[str]:
    """apimachinery ``IsQualifiedName``: an optional DNS-subdomain prefix and ``/``, then a name."""
    errors: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + e for e in _dns1123_subdomain_errors(prefix))
    else:
        return [
            "a qualified name "
            + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > _NAME_MAX:
        errors.append("name part " + _max_len_error(_NAME_MAX))
    if not _QNAME.match(name):
        errors.append(
            "name part " + _regex_error(_QNAME_MSG, _QNAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def _dns1123_subdomain_errors(value: str) -> list[str]:
    errors = []
    if len(value) > _SUBDOMAIN_MAX:
        errors.append(_max_len_error(_SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN.match(value):
        errors.append(_regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


def label_value_errors(value: str) -> list[str]:
    """apimachinery ``IsValidLabelValue``."""
    errors = []
    if len(value) > _NAME_MAX:
        errors.append(_max_len_error(_NAME_MAX))
    if not _LABEL_VALUE.match(value):
        examples = ("MyValue", "my_value", "12345")
        errors.append(_regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, *examples))
    return errors


def _go_list(errors: list[str]) -> str:
    return "[" + " ".join(errors) + "]"


def label_problems(labels: dict[str, str]) -> list[str]:
    """Kanister's messages for every invalid label key or value."""
    messages = []
    for key, value in labels.items():
        if errors := qualified_name_errors(key):
            messages.append(f"label key '{key}' failed validation. {_go_list(errors)}")
        if errors := label_value_errors(value):
            messages.append(f"label value '{value}' failed validation. {_go_list(errors)}")
    return messages


def annotation_problems(annotations: dict[str, str]) -> list[str]:
    """Kanister's messages for every invalid annotation key (values are not checked)."""
    return [
        f"annotation key '{key}' failed validation. {_go_list(errors)}"
        for key in annotations
        if (errors := qualified_name_errors(key))
    ]
