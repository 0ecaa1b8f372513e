"""The project's import graph, read from the source with `ast`, and the layering rules it must keep.

Pure code here (no Django): the rules are tested on the real tree and on small made-up trees that break them,
so a rule that could never fail would show.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

PROJECT_PACKAGES = ("accounts", "invoices", "portal")
# Django-free cores: they import nothing of Django nor of the project outside their own package.
PURE_CORES = ("invoices.formats", "invoices.pes.core")
FRAMEWORKS = ("django", "rest_framework", "drf_spectacular", "django_otp", "django_filters", "environ")
# Adapters turn requests into operations; operations, models and cores never import them.
ADAPTER_NAMES = ("views", "api", "urls", "forms", "admin", "serializers")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path, packages=PROJECT_PACKAGES) -> dict[str, Path]:
    """Every module of the project's packages (migrations aside: Django writes them)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(root, path)] = path
    return found


def _imported(module: str, path: Path, tree: ast.AST, known: set[str]) -> set[str]:
    """Names this module imports anywhere in its body (a lazy import inside a function counts too)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                names.add(candidate if candidate in known else base)
    return names


def import_graph(root: Path, packages=PROJECT_PACKAGES) -> dict[str, set[str]]:
    """module → every module or outside name it imports."""
    modules = project_modules(root, packages)
    known = set(modules)
    return {
        name: _imported(name, path, ast.parse(path.read_text(encoding="utf-8"), str(path)), known)
        for name, path in modules.items()
    }


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@dataclass(frozen=True)
class Breach:
    rule: str
    module: str
    imported: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.module} imports {self.imported}"


def _is_adapter(module: str) -> bool:
    parts = module.split(".")
    last = parts[-1]
    named = any(
        last == name or last.startswith(f"{name}_") or last.endswith(f"_{name}") for name in ADAPTER_NAMES
    )
    return named or "api" in parts[:-1] or "management" in parts


def breaches(graph: dict[str, set[str]]) -> list[Breach]:
    """Every import that goes against the layers."""
    found = []
    for module, imports in sorted(graph.items()):
        for imported in sorted(imports):
            core = next((c for c in PURE_CORES if _within(module, c)), None)
            if core and (
                any(_within(imported, f) for f in FRAMEWORKS)
                or (imported.split(".")[0] in PROJECT_PACKAGES and not _within(imported, core))
            ):
                found.append(Breach("a pure core imports Django or the project", module, imported))
            if _within(module, "accounts") and _within(imported, "invoices"):
                found.append(Breach("people and structures know nothing of invoices", module, imported))
            if _within(module, "invoices") and _within(imported, "portal"):
                found.append(Breach("an app imports the project above it", module, imported))
            if imported in graph and _is_adapter(imported) and not _is_adapter(module):
                found.append(Breach("an operation, model or core imports an adapter", module, imported))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles among the project's modules (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result
