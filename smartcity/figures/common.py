"""Shared figure styling: colour-blind-safe palette, fonts, the source line, the 'no data' figure, and the colour
scale of every mapped measure (one scale per measure, used by every page that colours it)."""
from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito palette (colour-blind safe). Series also differ by marker symbol and dash where colour would be the
# only difference.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GEO_STYLE = {  # comparators: colour, dash and symbol together
    "27000": {"color": "#0072B2", "dash": "solid", "symbol": "circle"},
    "00000": {"color": "#000000", "dash": "dash", "symbol": "square"},
    "13000": {"color": "#E69F00", "dash": "dot", "symbol": "diamond"},
}
SEQUENTIAL = "Cividis"  # perceptually uniform and readable with colour-vision deficiency
NO_DATA = "#BDBDBD"  # neutral grey: no figure (its own legend entry; never a colour of a scale)
NONE = "#EBEBEB"  # a real "none" (no project named): the lightest class, never the darkest
SKY, BLUE = OKABE_ITO[4], OKABE_ITO[0]
FONT = ('"Hiragino Kaku Gothic ProN", "Hiragino Sans", "BIZ UDPGothic", Meiryo, "Yu Gothic UI", "Noto Sans CJK JP", '
        '"Noto Sans JP", system-ui, sans-serif')


TEMPLATE = "smartcity"
PLANE_TRACES = ("bar", "scatter", "box", "histogram", "heatmap", "choroplethmap", "scattermap")


def register_template() -> None:
    """Make the 2-D part of plotly_white the default template of every figure (idempotent).

    Why: naming a template in update_layout validated and deep-copied all of plotly_white (about 20 ms a figure, 11 of
    the 12 ms of an overview sparkline), and every figure carried its 3-D, polar, ternary and geo parts to the
    browser (63 % of the overview's answer). A default template is attached without validation, and this one holds
    only what the app's plane charts and maps use."""
    if TEMPLATE in pio.templates:
        pio.templates.default = TEMPLATE
        return
    white = pio.templates["plotly_white"].to_plotly_json()
    layout = {k: v for k, v in white["layout"].items() if k not in ("polar", "ternary", "scene", "geo")}
    data = {k: v for k, v in white["data"].items() if k in PLANE_TRACES}
    pio.templates[TEMPLATE] = go.layout.Template(layout=layout, data=data)
    pio.templates.default = TEMPLATE


register_template()


def base_layout(fig: go.Figure, height: int = 380) -> go.Figure:
    """Common layout: system fonts, white background, compact margins, horizontal legend."""
    fig.update_layout(
        height=height, font={"family": FONT, "size": 13},
        margin={"l": 56, "r": 16, "t": 24, "b": 64},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": 12}},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def with_source(fig: go.Figure, text: str, shift: int = 40) -> go.Figure:
    """Write the source `shift` pixels under the plot, so a copied image keeps it: in lines that fit a phone, the
    bottom margin grown to hold them (set the figure's margins before)."""
    wrapped = wrap_source(text)
    fig.add_annotation(text=wrapped, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-shift, showarrow=False, font={"size": 10, "color": "#555"}, align="left")
    need = shift + 13 * (wrapped.count("<br>") + 1) + 8
    if (fig.layout.margin.b or 0) < need:
        fig.update_layout(margin={"b": need})
    return fig


def empty_figure(message: str, height: int = 240) -> go.Figure:
    """A figure that says why there is nothing to draw (never an empty chart without a word)."""
    fig = go.Figure()
    width = 18 if any(ord(ch) > 0x3000 for ch in message) else 36  # lines that fit a phone (390 px) as well
    fig.add_annotation(text=wrap_text(message, width), xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font={"size": 15, "color": "#333"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height)


# --- one colour scale per measure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """One class of a categorical (or classed) measure: the z code it is drawn with, its words, its colour."""

    code: int
    ja: str
    en: str
    colour: str

    def label(self, lang: str) -> str:
        """The class in words, in the page's language."""
        return self.en if lang == "en" else self.ja


@dataclass(frozen=True)
class Scale:
    """How one measure is coloured on every page: a continuous range (`zmin`–`zmax` on `colorscale`) or, when
    `categories` are given, one colour and one legend entry per category code. A value without a figure is drawn
    in NO_DATA grey at `missing_code` and has its own legend entry (`missing_ja` / `missing_en`)."""

    title_ja: str
    title_en: str
    zmin: float = 0.0
    zmax: float = 100.0
    colorscale: str = SEQUENTIAL
    suffix: str = ""
    dtick: float | None = None
    categories: tuple[Category, ...] = ()
    missing_ja: str = "データなし"
    missing_en: str = "No data"

    @property
    def categorical(self) -> bool:
        """True when the measure is drawn as categories (discrete legend), not on a continuous scale."""
        return bool(self.categories)

    @property
    def missing_code(self) -> float:
        """The z of a value without a figure: one below the lowest category, or a twentieth of the range below
        zmin (outside the range, so it can never be read as a value)."""
        if self.categorical:
            return min(c.code for c in self.categories) - 1
        return self.zmin - (self.zmax - self.zmin) / 20

    def title(self, lang: str) -> str:
        """The measure's name on the legend or colour bar."""
        return self.title_en if lang == "en" else self.title_ja

    def missing(self, lang: str) -> str:
        """Why a value has no colour, in words."""
        return self.missing_en if lang == "en" else self.missing_ja

    def z(self, values) -> list:
        """The z drawn for each value: the value (or category code) itself, `missing_code` when there is none."""
        return [self.missing_code if _missing(v) else float(v) for v in values]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value != value


def count_scale(title_ja: str, title_en: str, unit_ja: str, one_en: str, many_en: str) -> Scale:
    """Counts of entries named in the strategy documents: 'none named' (lightest), 1, 2 or more (Okabe–Ito blues);
    z is the count itself (2 and above share the top class)."""
    return Scale(title_ja, title_en, categories=(
        Category(0, "記載なし", "None named", NONE),
        Category(1, f"1{unit_ja}", f"1 {one_en}", SKY),
        Category(2, f"2{unit_ja}以上", f"2 or more {many_en}", BLUE)))


# Every mapped or coloured measure, defined once: pages and builders take their scale from here (`scale(key)`).
SCALES: dict[str, Scale] = {
    "mynumber_issuance_rate": Scale("交付率（%）", "Issuance rate (%)", 0.0, 100.0, suffix=" %", dtick=20),
    "ospf_projects": count_scale("OSPFプロジェクト（戦略文書に記載）", "OSPF projects (named in the strategy documents)",
                                 "件", "project", "projects"),
    "ai_ondemand_entries": count_scale("AIオンデマンド交通の事業・エリア（戦略文書に記載）",
                                       "AI on-demand transport entries (named in the strategy documents)",
                                       "件", "entry", "entries"),
    "smart_senior_areas": count_scale("スマートシニアライフの実施エリア（戦略文書に記載）",
                                      "Smart Senior Life areas (named in the strategy documents)",
                                      "エリア", "area", "areas"),
}


def scale(key: str) -> Scale:
    """The one colour scale of a measure (KeyError for a measure without one: add it to SCALES)."""
    return SCALES[key]


def wrap_text(text: str, width: int) -> str:
    """Break a long text into lines of at most `width` characters with <br> (Plotly text does not wrap)."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=True)) if len(text) > width else text


def wrap_source(text: str, width: int = 62) -> str:
    """A source line in lines of at most `width` half-width units (a full-width character is two), at spaces
    between Latin words and anywhere in Japanese: at 10 px it fits a phone's chart (about 340 px)."""
    lines, line, used = [], "", 0
    for token in re.findall(r"[\u0000-\u2e7f]+?(?= |$|[^\u0000-\u2e7f])| |[^\u0000-\u2e7f]", text):
        size = sum(2 if ord(ch) > 0x2E7F else 1 for ch in token)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = token.lstrip(), size - (len(token) - len(token.lstrip()))
        else:
            line, used = line + token, used + size
    return "<br>".join([*lines, line.rstrip()] if line.strip() else lines)
