# SPDX-License-Identifier: GPL-2.0-or-later
"""Graphite's side of a Grafana dashboard, evaluated against stored series,
so dashboards are checked against what carbon really holds.

- target_paths(expression): the series path arguments of a Graphite target
  (`aliasByNode(scale(a.b.*, 8), 2)` -> ['a.b.*']), through a small parser of
  Graphite's function-call syntax (strings, numbers, nested calls).
- matches(pattern, series): the series a Graphite path pattern names. A path
  is split on dots into nodes; within a node `*` is any run of characters,
  `?` one character, `[...]` a character class (ranges, `!` or `^` negates),
  `{a,b}` alternatives (nested braces allowed), as graphite-web's finder
  matches nodes.
- find_nodes(query, series): the node names a template-variable query
  returns (Grafana's "metric find": the names at the query's last level).
"""

import re


class PatternError(ValueError):
    pass


def _split_nodes(pattern):
    """Split on dots outside braces and brackets."""
    nodes, current, depth = [], "", 0
    for char in pattern:
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        if char == "." and depth == 0:
            nodes.append(current)
            current = ""
        else:
            current += char
    if depth != 0:
        raise PatternError("unbalanced braces or brackets in %r" % pattern)
    nodes.append(current)
    return nodes


def _node_regex(node):
    """Regular expression (no anchors) for one node pattern."""
    out, i = "", 0
    while i < len(node):
        char = node[i]
        if char == "*":
            out += "[^.]*"
        elif char == "?":
            out += "[^.]"
        elif char == "[":
            end = node.find("]", i + 2)
            if end < 0:
                raise PatternError("unclosed [ in %r" % node)
            body = node[i + 1:end]
            negate = body[:1] in ("!", "^")
            if negate:
                body = body[1:]
            out += "[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]"
            i = end
        elif char == "{":
            depth, j, parts, start = 1, i + 1, [], i + 1
            while j < len(node) and depth:
                if node[j] == "{":
                    depth += 1
                elif node[j] == "}":
                    depth -= 1
                    if depth == 0:
                        parts.append(node[start:j])
                elif node[j] == "," and depth == 1:
                    parts.append(node[start:j])
                    start = j + 1
                j += 1
            if depth:
                raise PatternError("unclosed { in %r" % node)
            out += "(?:" + "|".join(_node_regex(part) for part in parts) + ")"
            i = j - 1
        else:
            out += re.escape(char)
        i += 1
    return out


def compile_pattern(pattern):
    return re.compile("^" + r"\.".join(_node_regex(node) for node in _split_nodes(pattern)) + "$")


def matches(pattern, series):
    regex = compile_pattern(pattern)
    return [name for name in series if regex.match(name)]


def find_nodes(query, series):
    """Node names at the last level of query (branches or leaves), as a metric-find query returns."""
    depth = len(_split_nodes(query))
    regex = compile_pattern(query)
    found = set()
    for name in series:
        nodes = name.split(".")
        if len(nodes) >= depth and regex.match(".".join(nodes[:depth])):
            found.add(nodes[depth - 1])
    return sorted(found)


# -- Graphite target expressions ----------------------------------------------------

def _skip_spaces(text, i):
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _parse(text, i):
    """(node, next index): node is ('call', name, [args]), ('path', p), ('string', s) or ('number', x)."""
    i = _skip_spaces(text, i)
    if i >= len(text):
        raise PatternError("expression ends early: %r" % text)
    if text[i] in "'\"":
        end = text.find(text[i], i + 1)
        if end < 0:
            raise PatternError("unclosed string in %r" % text)
        return ("string", text[i + 1:end]), end + 1
    start, depth = i, 0
    while i < len(text):
        char = text[i]
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif depth == 0 and char in ",()":
            break
        i += 1
    word = text[start:i].strip()
    if not word:
        raise PatternError("empty argument at %d in %r" % (start, text))
    j = _skip_spaces(text, i)
    if j < len(text) and text[j] == "(":
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", word):
            raise PatternError("bad function name %r" % word)
        args, j = [], _skip_spaces(text, j + 1)
        if j < len(text) and text[j] == ")":
            return ("call", word, args), j + 1
        while True:
            arg, j = _parse(text, j)
            args.append(arg)
            j = _skip_spaces(text, j)
            if j < len(text) and text[j] == ",":
                j += 1
            elif j < len(text) and text[j] == ")":
                return ("call", word, args), j + 1
            else:
                raise PatternError("expected , or ) at %d in %r" % (j, text))
    if re.match(r"^-?\d+(\.\d+)?$", word) or word in ("true", "false", "True", "False", "None"):
        return ("number", word), i
    return ("path", word), i


def parse_target(text):
    node, end = _parse(text, 0)
    if _skip_spaces(text, end) != len(text):
        raise PatternError("trailing text after %r" % text[:end])
    return node


def target_paths(text):
    """Every series path pattern a Graphite target reads."""
    found = []

    def walk(node):
        if node[0] == "path":
            found.append(node[1])
        elif node[0] == "call":
            for arg in node[2]:
                walk(arg)
    walk(parse_target(text))
    return found


def interpolate(text, values):
    """Grafana's interpolation of $name for Graphite: one value as is, several as {a,b}."""
    def one(match):
        name = match.group(1) or match.group(2)
        chosen = values[name]
        return chosen[0] if len(chosen) == 1 else "{" + ",".join(chosen) + "}"
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", one, text)
