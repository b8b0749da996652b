"""Shared figure styling: colour-blind-safe palette, fonts, the source line, and the 'no data' figure."""
from __future__ import annotations

import plotly.graph_objects as go

# Okabe–Ito palette (colour-blind safe). Series also differ by marker symbol and dash where colour would be the
# only difference.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GEO_STYLE = {  # comparators: colour, dash and symbol together
    "27000": {"color": "#0072B2", "dash": "solid", "symbol": "circle"},
    "00000": {"color": "#000000", "dash": "dash", "symbol": "square"},
    "13000": {"color": "#E69F00", "dash": "dot", "symbol": "diamond"},
}
SEQUENTIAL = "Cividis"  # perceptually uniform and readable with colour-vision deficiency
FONT = ('"Hiragino Kaku Gothic ProN", "Hiragino Sans", "BIZ UDPGothic", Meiryo, "Yu Gothic UI", "Noto Sans CJK JP", '
        '"Noto Sans JP", system-ui, sans-serif')


def base_layout(fig: go.Figure, height: int = 380) -> go.Figure:
    """Common layout: system fonts, white background, compact margins, horizontal legend."""
    fig.update_layout(
        template="plotly_white", height=height, font={"family": FONT, "size": 13},
        margin={"l": 56, "r": 16, "t": 24, "b": 64},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def with_source(fig: go.Figure, text: str) -> go.Figure:
    """Write the source under the plot, so a copied image keeps it."""
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                       yshift=-40, showarrow=False, font={"size": 10, "color": "#555"}, align="left")
    return fig


def empty_figure(message: str, height: int = 240) -> go.Figure:
    """A figure that says why there is nothing to draw (never an empty chart without a word)."""
    fig = go.Figure()
    fig.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font={"size": 15, "color": "#333"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height)
