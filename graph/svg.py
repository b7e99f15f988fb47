"""Turn a slice (``graph.slice.build_slice``) into what the SVG template draws. Pure code."""

from __future__ import annotations

import math

from graph.slice import KIND_NAMES, KINDS

LABEL_MAX_CHARS = 26
LABEL_OFFSET = 13.0
LABEL_CHAR_WIDTH = 6.0  # average width of a label character at the SVG's font size
MARGIN = 16.0


def short_label(label: str, limit: int = LABEL_MAX_CHARS) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _bounds(drawn: list[dict]) -> tuple[float, float, float, float]:
    """The box around every node and the far end of its label, with a margin."""
    xs, ys = [0.0], [0.0]
    for node in drawn:
        xs.append(node["x"])
        ys.append(node["y"])
        if node["is_focus"]:
            half_width = len(node["short_label"]) * LABEL_CHAR_WIDTH * 0.6
            xs += [node["x"] - half_width, node["x"] + half_width]
            ys.append(node["y"] + 40)
            continue
        reach = LABEL_OFFSET + len(node["short_label"]) * LABEL_CHAR_WIDTH
        angle = math.radians(node.get("angle", 0.0))
        xs.append(node["x"] + reach * math.cos(angle))
        ys.append(node["y"] + reach * math.sin(angle))
    return min(xs) - MARGIN, min(ys) - MARGIN, max(xs) + MARGIN, max(ys) + MARGIN


def svg_scene(slice_data: dict) -> dict:
    """Node and edge drawing instructions, a viewBox that fits them and their labels, a legend."""
    nodes = {node["id"]: node for node in slice_data["nodes"]}
    focus = slice_data["focus"]
    drawn = []
    for node in slice_data["nodes"]:
        angle = node.get("angle", 0.0)
        if node["id"] == focus:
            rotate, anchor, dx = 0.0, "middle", 0.0
        elif 90 < angle < 270:  # left half: flip the text so it reads left to right
            rotate, anchor, dx = angle - 180, "end", -LABEL_OFFSET
        else:
            rotate, anchor, dx = angle, "start", LABEL_OFFSET
        drawn.append(
            {
                **node,
                "is_focus": node["id"] == focus,
                "short_label": short_label(node["label"], 40 if node["id"] == focus else LABEL_MAX_CHARS),
                "label_rotate": round(rotate, 1),
                "label_anchor": anchor,
                "label_dx": dx,
                "kind_name": KIND_NAMES[node["kind"]],
            }
        )
    left, top, right, bottom = _bounds(drawn)
    lines = []
    for item in slice_data["edges"]:
        source, target = nodes[item["source"]], nodes[item["target"]]
        lines.append(
            {
                **item,
                "x1": source["x"],
                "y1": source["y"],
                "x2": target["x"],
                "y2": target["y"],
                "touches_focus": focus in (item["source"], item["target"]),
            }
        )
    return {
        "view_box": f"{left:.0f} {top:.0f} {right - left:.0f} {bottom - top:.0f}",
        "nodes": drawn,
        "edges": lines,
        "legend": [{"kind": kind, "name": KIND_NAMES[kind] + "s"} for kind in KINDS],
    }
