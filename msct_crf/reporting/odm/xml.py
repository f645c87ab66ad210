"""Building ODM elements with lxml: one helper, so every element is in the ODM namespace
and attributes are written in the order given (deterministic output)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from msct_crf.study.dictionary import Label

from .oids import ODM_NS, XML_LANG

Element = Any  # lxml.etree._Element: lxml ships no type information


def tag(name: str) -> str:
    return f"{{{ODM_NS}}}{name}"


def root(name: str, **attrs: str | None) -> Element:
    """A detached element `name` (the ODM namespace its default) with the attributes that
    are not None: the top of a piece the writer serialises on its own."""
    element = etree.Element(tag(name), nsmap={None: ODM_NS})
    for key, value in attrs.items():
        if value is not None:
            element.set(key, value)
    return element


def sub(parent: Element, name: str, text: str | None = None, **attrs: str | None) -> Element:
    """A child `name` of `parent` with the attributes that are not None, and `text`."""
    element = etree.SubElement(parent, tag(name))
    for key, value in attrs.items():
        if value is not None:
            element.set(key, value)
    if text is not None:
        element.text = text
    return element


def translated(parent: Element, name: str, label: Label) -> Element:
    """`name` holding an English and a Simplified Chinese TranslatedText."""
    element = sub(parent, name)
    for lang, text in (("en", label.en), ("zh-CN", label.zh)):
        sub(element, "TranslatedText", text).set(XML_LANG, lang)
    return element
