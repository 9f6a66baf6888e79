"""Text for people: homepage Markdown to safe HTML with links into the graph, and simple LaTeX made readable."""

from __future__ import annotations

import html
import re
from typing import Callable, Mapping

from markdown_it import MarkdownIt
from markupsafe import Markup

from kg.iris import url_parts

_LIQUID = re.compile(r"\{\{\s*site\.(?:url|baseurl)\s*\}\}")
_OTHER_LIQUID = re.compile(r"\{\{[^}]*\}\}|\{%[^%]*%\}|%7B%7B")
SITE_SCHEME = "kg-site:"


def normalize_url(url: str) -> str:
    """A URL reduced to what identifies a page: no scheme, no `www.`, no trailing slash, no fragment, lower host."""
    parts = url_parts(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def _markdown() -> MarkdownIt:
    # CommonMark, raw HTML off (the prose is data), no linkify: an obfuscated address stays as written.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


_MD = _markdown()


def markdown_to_html(text: str, link_for: Callable[[str], str | None], *, site_url: str | None = None,
                     heading_offset: int = 2) -> Markup:
    """Render homepage Markdown: each link to a known entity's address points at its page instead.

    `link_for(url)` returns the site path of the entity whose schema:url the link is, or None. A link to the
    owner's own site (`{{ site.url }}/...`) uses `site_url` when set, and is shown as plain text otherwise
    (the bundled profile has no copy of those files, and a broken link is worse than none). Headings inside a
    section are shifted below the section's own heading.
    """
    # Liquid in a link destination has spaces CommonMark does not allow: stand it in by a private scheme.
    text = _LIQUID.sub(SITE_SCHEME, text or "")
    tokens = _MD.parse(text)
    for token in tokens:
        if token.type == "heading_open":
            level = min(6, int(token.tag[1]) + heading_offset)
            token.tag = f"h{level}"
        elif token.type == "heading_close":
            level = min(6, int(token.tag[1]) + heading_offset)
            token.tag = f"h{level}"
        for child in token.children or []:
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            if href.startswith(SITE_SCHEME) or _OTHER_LIQUID.search(href):
                if site_url and href.startswith(SITE_SCHEME):
                    child.attrs["href"] = site_url.rstrip("/") + href[len(SITE_SCHEME):]
                    child.attrs["rel"] = "external"
                else:
                    child.attrs.pop("href", None)
                    child.meta["unlinked"] = True
                continue
            target = link_for(href)
            if target:
                child.attrs["href"] = target
                child.attrs["data-source-url"] = href
            else:
                child.attrs["rel"] = "external"
    # markdown-it renders a link_open with no href as <a>; turn those (and their close) into spans.
    _unlink(tokens)
    return Markup(_MD.renderer.render(tokens, _MD.options, {}))


def _unlink(tokens) -> None:
    for token in tokens:
        children = token.children or []
        depth: list[bool] = []
        for child in children:
            if child.type == "link_open":
                unlinked = bool(child.meta.get("unlinked"))
                depth.append(unlinked)
                if unlinked:
                    child.tag = "span"
                    child.attrs = {"class": "unlinked"}
            elif child.type == "link_close" and depth:
                if depth.pop():
                    child.tag = "span"


def link_resolver(url_to_path: Mapping[str, str]) -> Callable[[str], str | None]:
    """A `link_for` function over a table of normalized URL -> site path."""
    def link_for(url: str) -> str | None:
        if not url.startswith(("http://", "https://")):
            return None
        return url_to_path.get(normalize_url(url))
    return link_for


# ---------------------------------------------------------------- LaTeX in abstracts

SYMBOLS = {
    "geq": "≥", "ge": "≥", "leq": "≤", "le": "≤", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼",
    "simeq": "≃", "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "infty": "∞", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "leftrightarrow": "↔", "in": "∈", "notin": "∉",
    "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "partial": "∂",
    "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫", "sqrt": "√", "propto": "∝", "ll": "≪", "gg": "≫",
    "ldots": "…", "dots": "…", "cdots": "⋯", "deg": "°", "circ": "∘", "prime": "′", "mid": "∣",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
SPACES = {",": "\u2009", ";": "\u2005", ":": "\u2005", "!": "", " ": " ", "quad": "\u2003", "qquad": "\u2003\u2003"}
ESCAPED = {"%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "{": "{", "}": "}"}
_FONT_COMMANDS = re.compile(r"\\(?:mathrm|mathbf|mathit|mathcal|mathbb|mathsf|mathtt|text|textrm|textbf|textit|"
                            r"emph|operatorname|boldsymbol)\s*\{([^{}]*)\}")
_COMMAND = re.compile(r"\\([A-Za-z]+|[^A-Za-z])")
_MATH = re.compile(r"(?<!\\)\$(.+?)(?<!\\)\$", re.S)
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\\[A-Za-z]+|[^\s{}\\]))")


def _command(match: re.Match) -> str:
    name = match.group(1)
    if name in SYMBOLS:
        return SYMBOLS[name]
    if name in SPACES:
        return SPACES[name]
    if name in ESCAPED:
        return ESCAPED[name]
    if name in ("left", "right", "big", "Big", "displaystyle"):
        return ""
    return name  # an unknown command: show its name rather than lose it


def _math_to_html(math: str) -> str:
    """The inside of `$...$` as HTML: symbols to Unicode, ^ and _ to <sup> and <sub>, braces dropped."""
    previous = None
    while previous != math:
        previous = math
        math = _FONT_COMMANDS.sub(r"\1", math)

    def script(match: re.Match) -> str:
        body = match.group(2) if match.group(2) is not None else match.group(3)
        body = _COMMAND.sub(_command, body)
        tag = "sup" if match.group(1) == "^" else "sub"
        return f"\x00{tag}\x01{body}\x00/{tag}\x01"

    math = _SCRIPT.sub(script, math)
    math = _COMMAND.sub(_command, math)
    math = math.replace("{", "").replace("}", "")
    math = html.escape(math, quote=False).replace("\x00", "<").replace("\x01", ">")
    return f'<span class="math">{math}</span>'


def latex_to_html(text: str) -> Markup:
    """Plain text that may hold simple LaTeX (arXiv abstracts) as safe HTML: `$\\geq 95\\%$` becomes ≥ 95%."""
    out: list[str] = []
    last = 0
    for match in _MATH.finditer(text or ""):
        out.append(_text_to_html(text[last:match.start()]))
        out.append(_math_to_html(match.group(1)))
        last = match.end()
    out.append(_text_to_html((text or "")[last:]))
    return Markup("".join(out))


def _text_to_html(text: str) -> str:
    """Text outside math: LaTeX escapes and ties (`e.g.~when`) made plain, then HTML-escaped."""
    text = re.sub(r"\\([%$&#_{}])", r"\1", text)
    text = re.sub(r"(?<=\S)~(?=\S)", "\u00a0", text)
    text = text.replace("---", "—").replace("--", "–")
    text = re.sub(r"\\(?:emph|textit|textbf)\{([^{}]*)\}", r"\1", text)
    return html.escape(text, quote=False)
