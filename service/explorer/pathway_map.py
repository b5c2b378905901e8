"""Career pathway maps: where you can start before a role and where it can lead, from the knowledge's
progression links, laid out in columns for an SVG drawing and a text list that says the same."""

from __future__ import annotations

import textwrap
from collections import deque
from dataclasses import dataclass, field

from service.knowledge_base import KnowledgeBase
from service.schema import QUALIFICATION_LABELS, Role, Route

BACK_STEPS = 2      # roles before this one
FORWARD_STEPS = 4   # enough for domestic assistant -> ... -> registered nurse
PER_COLUMN = 5      # wider columns become unreadable on a phone

# Drawing sizes in SVG user units; the drawing scales to its container.
BOX_W, BOX_H, COL_GAP, ROW_GAP, PAD = 170, 56, 50, 16, 10


@dataclass
class MapNode:
    id: str
    title: str
    step: int          # 0 is the role the map is about; negative before it, positive after
    band: str | None
    x: int = 0
    y: int = 0
    lines: list[str] = field(default_factory=list)


@dataclass
class MapEdge:
    source: str
    target: str
    needs: str         # what the move into the target role asks of you, in plain words


@dataclass
class PathwayMap:
    role: Role
    nodes: list[MapNode]
    edges: list[MapEdge]
    width: int
    height: int

    def node(self, node_id: str) -> MapNode:
        return next(n for n in self.nodes if n.id == node_id)

    def listed(self, direction: int) -> list[tuple[MapNode, list[MapNode], str]]:
        """Jobs before (direction -1) or after (+1) the role, nearest first, each once, with the jobs
        it links to on the role's side and what the move asks: the drawing's text equivalent."""
        out = []
        for node in sorted(self.nodes, key=lambda n: (abs(n.step), n.title)):
            if node.step * direction <= 0:
                continue
            if direction > 0:
                links = [e for e in self.edges if e.target == node.id]
                others = [self.node(e.source) for e in links]
            else:
                links = [e for e in self.edges if e.source == node.id]
                others = [self.node(e.target) for e in links]
            out.append((node, others, links[0].needs if links else ""))
        return out


def step_needs(kb: KnowledgeBase, role: Role) -> str:
    """A short, factual line on what moving into ``role`` asks for, from its own fields."""
    routes = [kb.records[r] for r in role.entry_routes if isinstance(kb.records.get(r), Route)]
    apprenticeships = [r for r in routes if r.type == "apprenticeship" and r.status == "current"]
    if apprenticeships:
        return f"{apprenticeships[0].title}, or the other ways in on its page"
    if role.registration:
        return f"{QUALIFICATION_LABELS[role.qualifications_needed]}; registration with {role.registration}"
    if role.training_time:
        return role.training_time
    return QUALIFICATION_LABELS[role.qualifications_needed]


def _walk(start: str, links: dict[str, set[str]], steps: int, kb: KnowledgeBase) -> dict[str, int]:
    """Breadth-first distance from ``start``; ties broken by title so maps never reshuffle."""
    seen = {start: 0}
    queue = deque([start])
    per_step: dict[int, int] = {}
    while queue:
        here = queue.popleft()
        if seen[here] >= steps:
            continue
        for nxt in sorted(links[here], key=lambda i: kb.records[i].title):
            if nxt in seen or per_step.get(seen[here] + 1, 0) >= PER_COLUMN:
                continue
            seen[nxt] = seen[here] + 1
            per_step[seen[nxt]] = per_step.get(seen[nxt], 0) + 1
            queue.append(nxt)
    return seen


def build_map(kb: KnowledgeBase, role: Role) -> PathwayMap:
    after, before = kb.career_links
    forward = _walk(role.id, after, FORWARD_STEPS, kb)
    backward = _walk(role.id, before, BACK_STEPS, kb)
    step = {**{rid: -d for rid, d in backward.items()}, **forward}
    nodes = []
    for rid, s in step.items():
        r = kb.records[rid]
        assert isinstance(r, Role)
        nodes.append(MapNode(rid, r.title, s, r.afc_band.label() if r.afc_band else None))
    # Only moves from one column to the next are drawn, so the map reads left to right in steps.
    edges = [MapEdge(a, b, step_needs(kb, kb.records[b]))  # type: ignore[arg-type]
             for a in step for b in sorted(after[a]) if b in step and step[b] == step[a] + 1]
    width, height = _layout(nodes)
    return PathwayMap(role, nodes, edges, width, height)


def _layout(nodes: list[MapNode]) -> tuple[int, int]:
    columns: dict[int, list[MapNode]] = {}
    for node in sorted(nodes, key=lambda n: (n.step, n.title)):
        columns.setdefault(node.step, []).append(node)
    first = min(columns)
    tallest = max(len(c) for c in columns.values())
    height = PAD * 2 + tallest * BOX_H + (tallest - 1) * ROW_GAP
    for s, column in columns.items():
        used = len(column) * BOX_H + (len(column) - 1) * ROW_GAP
        top = PAD + (height - PAD * 2 - used) // 2
        for i, node in enumerate(column):
            node.x = PAD + (s - first) * (BOX_W + COL_GAP)
            node.y = top + i * (BOX_H + ROW_GAP)
            node.lines = textwrap.wrap(node.title, 22)[:2]
    width = PAD * 2 + len(columns) * BOX_W + (len(columns) - 1) * COL_GAP
    return width, height


def career_path(kb: KnowledgeBase, start: str, goal: str,
                max_steps: int = FORWARD_STEPS) -> list[Role] | None:
    """The shortest run of usual moves from ``start`` to ``goal`` (both included), if the
    progression links hold one within ``max_steps``; ties broken by title, as on the maps."""
    after, _ = kb.career_links
    if start not in after or goal not in after:
        return None
    came_from: dict[str, str | None] = {start: None}
    queue = deque([(start, 0)])
    while queue:
        here, steps = queue.popleft()
        if here == goal:
            path = [here]
            while (prev := came_from[path[-1]]) is not None:
                path.append(prev)
            return [kb.records[rid] for rid in reversed(path)]  # type: ignore[misc]
        if steps >= max_steps:
            continue
        for nxt in sorted(after[here], key=lambda i: kb.records[i].title):
            if nxt not in came_from:
                came_from[nxt] = here
                queue.append((nxt, steps + 1))
    return None


def reachable(kb: KnowledgeBase, start: str, max_steps: int = FORWARD_STEPS) -> set[str]:
    """Every role the usual moves reach from ``start`` within ``max_steps``."""
    after, _ = kb.career_links
    seen, frontier = {start}, {start}
    for _ in range(max_steps):
        frontier = {n for here in frontier for n in after.get(here, ())} - seen
        seen |= frontier
    return seen - {start}
