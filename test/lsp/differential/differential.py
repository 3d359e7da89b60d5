#!/usr/bin/env python3
"""Differential test: mlirscope-lsp against upstream's mlir-lsp-server.

Usage: differential.py --ours MLIRSCOPE_LSP --upstream MLIR_LSP_SERVER
                       --corpus CORPUS_DIR --tmp DIR [--allowances FILE]
                       [--genmodel MLIRSCOPE_GENMODEL --cli MLIRSCOPE]
                       [--max-positions N] [--max-completions N] [-v]

Both servers open the same files: models of mlirscope-genmodel printed as
text (with --genmodel and --cli), generated ones (a model with blobs, a
split file that reuses names in each chunk and has a metadata block per
chunk, a CFG with multi-result ops, aliases, non-ASCII text), the text
files of CORPUS_DIR/third-party and the documents of upstream's own tests
(CORPUS_DIR/mlir-lsp-server-tests). At every SSA value (and each `#N` of
one), block, symbol, op name and alias both are asked for hover,
definition and references (at every character of the generated files
under 4 KiB; completion too under 1 KiB); each file's document symbols are compared
whole, and completion at statement starts and after `%`, `.`, `#`, `!`.

Answers must be equal: hover presence, text and range (the text holds the
value's type and result index); definition and reference targets; document
symbol trees; completion items (label, kind, detail, sort text, insert
text; our text edits are extra). Positions are LSP's UTF-16 units for
mlirscope-lsp; upstream answers byte columns, so on a line with non-ASCII
text it is asked at the byte column and its answers are mapped back to
UTF-16 before the comparison (lsp/README.md, "Positions").

A disagreement fails the test unless a line of the allowance file matches
it (see allowances.txt for the format and the reasons). Prints one line per
disagreement that is not allowed, then
  differential: N files, N queries (N answered by upstream),
                N disagreements (N allowed, N not) in T s
and exits 1 if any is not allowed, or if the corpus is missing.
"""
import argparse
import fnmatch
import glob
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


#===----------------------------------------------------------------------===#
# A minimal LSP client
#===----------------------------------------------------------------------===#

class Server:
    """One language server on stdio; requests go out at once, a reader
    thread collects the replies (so neither side blocks on a full pipe)."""

    def __init__(self, argv, name):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.replies = {}
        self.cond = threading.Condition()
        self.next_id = 1
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(out.read(length))
            if "id" in message and "method" not in message:
                with self.cond:
                    self.replies[message["id"]] = message
                    self.cond.notify_all()

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method,
                   "params": params})
        return rid

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, rid, timeout=120):
        deadline = time.time() + timeout
        with self.cond:
            while rid not in self.replies:
                if self.proc.poll() is not None and not self.reader.is_alive():
                    fail(f"{self.name} exited (code {self.proc.returncode})")
                left = deadline - time.time()
                if left <= 0:
                    fail(f"{self.name}: no reply to request {rid} in {timeout} s")
                self.cond.wait(left)
            message = self.replies.pop(rid)
        if "error" in message:
            return {"error": message["error"].get("code")}
        return message.get("result")

    def close(self):
        try:
            rid = self.request("shutdown", None)
            self.wait(rid, 60)
            self.notify("exit", None)
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


#===----------------------------------------------------------------------===#
# Positions: UTF-16 (ours) and bytes (upstream)
#===----------------------------------------------------------------------===#

class Text:
    def __init__(self, text):
        self.text = text
        self.lines = text.split("\n")
        self.line_starts = [0]
        for line in self.lines[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)

    def position(self, index):
        """(line, column in code points) of a str index."""
        line = max(0, bisect_right(self.line_starts, index) - 1)
        return line, index - self.line_starts[line]

    def utf16(self, line, col):
        return len(self.lines[line][:col].encode("utf-16-le")) // 2

    def utf8(self, line, col):
        return len(self.lines[line][:col].encode("utf-8"))

    def bytes_to_utf16(self, line, byte_col):
        if not 0 <= line < len(self.lines):
            return byte_col
        raw = self.lines[line].encode("utf-8")
        if byte_col > len(raw):
            return byte_col - len(raw) + len(raw.decode().encode("utf-16-le")) // 2
        prefix = raw[:byte_col].decode("utf-8", errors="ignore")
        return len(prefix.encode("utf-16-le")) // 2

    def is_ascii(self, line):
        return 0 <= line < len(self.lines) and self.lines[line].isascii()


def bisect_right(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def map_positions(value, text):
    """Upstream's answer with its byte columns turned into UTF-16 ones."""
    if isinstance(value, list):
        return [map_positions(v, text) for v in value]
    if isinstance(value, dict):
        if set(value) == {"line", "character"}:
            return {"line": value["line"],
                    "character": text.bytes_to_utf16(value["line"],
                                                     value["character"])}
        return {k: map_positions(v, text) for k, v in value.items()}
    return value


#===----------------------------------------------------------------------===#
# Where to ask
#===----------------------------------------------------------------------===#

ID = r"[A-Za-z0-9_$.\-]"
TOKENS = [
    ("value", re.compile(r"%" + ID + r"+(#\d+)?")),
    ("block", re.compile(r"\^" + ID + r"+")),
    ("symbol", re.compile(r"@(" + ID + r"+|\"[^\"\n]*\")")),
    ("alias", re.compile(r"(?<![A-Za-z0-9_])[#!][A-Za-z_]" + ID + r"*")),
    ("op", re.compile(r"(?:(?<==\s)|(?<=^)|(?<=^\s{2})|(?<=^\s{4})|(?<=^\s{6})"
                      r"|(?<=^\s{8}))\"?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*"
                      r"\"?", re.M)),
]
KEYWORDS = {"module", "func", "return", "true", "false", "loc", "attributes",
            "dense", "dense_resource", "to", "step", "iter_args", "ins",
            "outs", "private", "public", "nested"}


def blanked(text):
    """TEXT with comments, strings (but op names in quotes) and metadata
    blocks blanked, so token scans see only IR."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("{-#", i):
            end = text.find("#-}", i)
            end = n if end < 0 else end + 3
            for k in range(i, end):
                if out[k] != "\n":
                    out[k] = " "
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            for k in range(i, end):
                out[k] = " "
            i = end
        elif text[i] == '"':
            end = i + 1
            while end < n and text[end] not in '"\n':
                end += 2 if text[end] == "\\" else 1
            body = text[i + 1:end]
            # A generic op's name stays: `"dialect.op"(`.
            if not (re.fullmatch(r"[A-Za-z_][\w$]*(\.[\w$]+)+", body)
                    and text[end + 1:end + 2] == "("):
                for k in range(i + 1, min(end, n)):
                    out[k] = " "
            i = end + 1
        else:
            i += 1
    return "".join(out)


def query_points(text, limit, every_char=False):
    """(kind, str index, token) where to ask hover, definition and
    references: one inside each token, and the `#` of `%x#N`; with
    `every_char`, every position of the text too (token edges, spaces,
    punctuation, the metadata)."""
    scan = blanked(text)
    points = {}
    if every_char:
        # mlirscope-lsp's own answers: dense_resource<key> attributes and
        # the metadata blocks (blob summaries, entry <-> uses).
        resource = [False] * (len(text) + 1)
        spans = [m.span() for m in re.finditer(r"dense_resource<[^>\n]*>?",
                                              text)]
        spans += [m.span() for m in re.finditer(r"\{-#.*?#-\}", text, re.S)]
        for begin, end in spans:
            for k in range(begin, end + 1):
                resource[k] = True
        for index in range(len(text) + 1):
            points[index] = ("resource" if resource[index] else "char",
                             text[index:index + 1].replace("\n", "\\n"))
    for kind, regex in TOKENS:
        for m in regex.finditer(scan):
            token = m.group(0)
            if kind == "op" and (token.strip('"') in KEYWORDS or
                                 token.strip('"')[:1].isdigit()):
                continue
            if kind == "alias" and token.startswith("#-"):
                continue
            start = m.start() + (1 if token.startswith('"') else 0)
            points.setdefault(start + 1, (kind, token))
            hash_at = token.find("#", 1)
            if kind == "value" and hash_at > 0:
                points.setdefault(m.start() + hash_at, (kind, token))
    ordered = sorted(points.items())
    if limit and len(ordered) > limit:
        step = len(ordered) / limit
        ordered = [ordered[int(i * step)] for i in range(limit)]
    return [(kind, index, token) for index, (kind, token) in ordered]


def completion_points(text, limit):
    """Statement starts and the characters after `%`, `.`, `#`, `!`."""
    scan = blanked(text)
    points = []
    for m in re.finditer(r"^([ \t]+)(%|[a-z\"])", scan, re.M):
        points.append(("statement", m.end(1)))
    for m in re.finditer(r"[%#!]", scan):
        if scan[m.start():m.start() + 3] not in ("#-}",):
            points.append(("after " + m.group(0), m.end()))
    for m in re.finditer(r"(?<=[=\s\"])[a-z_]+\.", scan):
        points.append(("after .", m.end()))
    points.sort(key=lambda p: p[1])
    seen, unique = set(), []
    for kind, index in points:
        if index not in seen:
            seen.add(index)
            unique.append((kind, index))
    if limit and len(unique) > limit:
        step = len(unique) / limit
        unique = [unique[int(i * step)] for i in range(limit)]
    return unique


#===----------------------------------------------------------------------===#
# Generated inputs
#===----------------------------------------------------------------------===#

def hex_blob(values, alignment=4):
    return "0x%08X" % alignment + "".join(
        "%08X" % int.from_bytes(int(v).to_bytes(4, "little"), "big")
        for v in values)


def generated_files(tmp):
    files = {}
    layers = []
    blobs = []
    for k in range(6):
        layers.append(
            f"    %w{k} = arith.constant dense_resource<layer{k}.weight> : "
            f"tensor<4xi32>\n"
            f"    %h{k + 1} = arith.addi %h{k}, %w{k} : tensor<4xi32>\n")
        blobs.append(f"      layer{k}.weight: \"{hex_blob(range(k, k + 4))}\"")
    files["model.mlir"] = (
        "#map = affine_map<(d0) -> (d0)>\n"
        "!act = tensor<4xi32>\n"
        "module attributes {test.map = #map} {\n"
        "  func.func @forward(%h0: !act) -> !act {\n"
        + "".join(layers) +
        "    %r = call @helper(%h6) : (!act) -> !act\n"
        "    return %r : !act\n"
        "  }\n"
        "  func.func private @helper(%x: tensor<4xi32>) -> tensor<4xi32> {\n"
        "    return %x : tensor<4xi32>\n"
        "  }\n"
        "}\n"
        "\n{-#\n  dialect_resources: {\n    builtin: {\n"
        + ",\n".join(blobs) + "\n    }\n  }\n#-}\n")

    chunks = []
    for k in range(4):
        chunks.append(
            f"!t = tensor<2xi32>\n"
            f"func.func @main(%a: !t) -> !t {{\n"
            f"  %c = arith.constant dense_resource<blob> : !t\n"
            f"  %s = arith.addi %a, %c : !t\n"
            f"  %p:2 = arith.addui_extended %s, %a : !t, tensor<2xi1>\n"
            f"  return %p#0 : !t\n"
            f"}}\n"
            f"\n{{-#\n  dialect_resources: {{\n    builtin: {{\n"
            f"      blob: \"{hex_blob([k, k + 1])}\"\n    }}\n  }}\n#-}}\n")
    files["split.mlir"] = "\n// -----\n\n".join(chunks)

    files["cfg.mlir"] = """\
func.func @cfg(%arg0: i32, %cond: i1) -> (i32, i1) {
  %sum:2 = arith.addui_extended %arg0, %arg0 : i32, i1
  %0:2 = "test.pair"(%arg0) : (i32) -> (i32, i32)
  cf.cond_br %cond, ^bb1(%sum#0 : i32), ^bb2(%0#1, %sum#1 : i32, i1)
^bb1(%x: i32):
  %y = arith.muli %x, %0#0 : i32
  cf.br ^bb2(%y, %sum#1 : i32, i1)
^bb2(%z: i32, %flag: i1):
  %1:3 = "test.triple"(%z) : (i32) -> (i32, i1, i32)
  return %1#2, %1#1 : i32, i1
}
func.func @caller() {
  %c0 = arith.constant 0 : i32
  %t = arith.constant true
  %r:2 = call @cfg(%c0, %t) : (i32, i1) -> (i32, i1)
  return
}
"""

    # Non-ASCII text before tokens on their line: strings in attributes
    # and locations, and comments (é 1 unit, 日本語 3, 😀 2 UTF-16 units).
    files["unicode.mlir"] = """\
!t = i32
#where = loc("ünï😀.py":3:4)
// Non-ASCII: é, 日本語, 😀.
func.func @g(%a: i32 {foo.s = "é"}, %b: i32 {foo.t = "😀"}, %c: !t) -> !t {
  %0 = "foo.a"(%a) {s = "😀é"} : (i32) -> !t
  %1:2 = "foo.b"(%0, %b) {s = "日本語"} : (!t, !t) -> (!t, i32) loc(#where)
  %2 = arith.addi %1#0, %c {n = "😀😀"} : i32
  cf.br ^bb1(%2 : !t) {s = "é"}
^bb1(%x: i32):  // 😀 pred
  return %x : !t
}
"""
    paths = []
    for name, text in files.items():
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        paths.append(path)
    return paths


def genmodel_files(tmp, genmodel, cli):
    """Models of mlirscope-genmodel, printed as text by `mlirscope convert`
    (the IR MLIR prints, with its metadata block)."""
    paths = []
    for name, flags in (("genmodel-f32.mlir", ["--layers", "12", "--shape",
                                               "4x4", "--dtype", "f32"]),
                        ("genmodel-i8-ext.mlir", ["--layers", "3", "--shape",
                                                  "8", "--dtype", "i8",
                                                  "--external-group",
                                                  "extra"])):
        bc = os.path.join(tmp, name + "bc")
        text = os.path.join(tmp, name)
        for argv in ([genmodel, "-o", bc] + flags,
                     [cli, "convert", bc, "-o", text]):
            proc = subprocess.run(argv, capture_output=True, text=True)
            if proc.returncode != 0:
                fail(f"{' '.join(argv)}: {proc.stderr.strip()}")
        paths.append(text)
    return paths


def upstream_test_documents(corpus, tmp):
    """The didOpen texts of upstream's own tests, one file each."""
    paths = []
    for test in sorted(glob.glob(os.path.join(corpus,
                                              "mlir-lsp-server-tests",
                                              "*.test"))):
        with open(test, encoding="utf-8") as f:
            source = f.read()
        for n, block in enumerate(source.split("\n// -----\n")):
            block = "\n".join(l for l in block.split("\n")
                              if not l.startswith("//"))
            try:
                message = json.loads(block)
            except ValueError:
                continue
            if message.get("method") != "textDocument/didOpen":
                continue
            name = "upstream-%s-%d.mlir" % (
                os.path.basename(test)[:-len(".test")], n)
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(message["params"]["textDocument"]["text"])
            paths.append(path)
    return paths


#===----------------------------------------------------------------------===#
# Allowances
#===----------------------------------------------------------------------===#

def read_allowances(path):
    """Lines `KIND FILE-GLOB TOKEN-REGEX -- reason`."""
    rules = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if " -- " not in line:
                fail(f"{path}:{n}: no ` -- reason`")
            rule, reason = line.split(" -- ", 1)
            parts = rule.split(None, 2)
            if len(parts) != 3 or not reason.strip():
                fail(f"{path}:{n}: expected KIND FILE-GLOB REGEX -- reason")
            rules.append((parts[0], parts[1], re.compile(parts[2]), n))
    return rules


#===----------------------------------------------------------------------===#
# The comparison
#===----------------------------------------------------------------------===#

def normalize_locations(locations):
    if not isinstance(locations, list):
        return locations
    return sorted(json.dumps(l, sort_keys=True) for l in locations)


def completion_items(result):
    if not isinstance(result, dict):
        return result
    return sorted(json.dumps({k: item.get(k) for k in
                              ("label", "kind", "detail", "sortText",
                               "insertText")}, sort_keys=True)
                  for item in result.get("items", []))


def compare_file(path, ours, upstream, args, report):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    text = Text(source)
    uri = "file://" + os.path.abspath(path)
    name = os.path.relpath(path, args.corpus) if path.startswith(
        args.corpus) else os.path.basename(path)
    for server in (ours, upstream):
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "mlir", "version": 1, "text": source}})

    def position(index, for_upstream):
        line, col = text.position(index)
        return {"line": line,
                "character": text.utf8(line, col) if for_upstream
                else text.utf16(line, col)}

    queries = []  # (what, kind, index, token, our id, upstream id)

    def ask(what, method, params_of, kind, index, token):
        rid_ours = ours.request(method, params_of(False))
        rid_up = upstream.request(method, params_of(True))
        queries.append((what, kind, index, token, rid_ours, rid_up))

    queries.append(("symbols", "file", 0, "",
                    ours.request("textDocument/documentSymbol",
                                 {"textDocument": {"uri": uri}}),
                    upstream.request("textDocument/documentSymbol",
                                     {"textDocument": {"uri": uri}})))
    every_char = not path.startswith(args.corpus) and len(source) < 4096
    for kind, index, token in query_points(source, args.max_positions,
                                           every_char):
        def at(up, index=index):
            return {"textDocument": {"uri": uri},
                    "position": position(index, up)}

        def refs(up, index=index):
            p = at(up, index)
            p["context"] = {"includeDeclaration": True}
            return p
        ask("hover", "textDocument/hover", at, kind, index, token)
        ask("definition", "textDocument/definition", at, kind, index, token)
        ask("references", "textDocument/references", refs, kind, index, token)
    completions = completion_points(source, args.max_completions)
    if every_char and len(source) < 1024:
        # Small files: completion at every character as well.
        completions = [
            ("marker" if "// -----" in text.lines[text.position(index)[0]]
             else "char", index) for index in range(len(source) + 1)]
    for kind, index in completions:
        def at(up, index=index):
            return {"textDocument": {"uri": uri},
                    "position": position(index, up)}
        ask("completion", "textDocument/completion", at, kind, index,
            source[max(0, index - 12):index].split("\n")[-1])

    for what, kind, index, token, rid_ours, rid_up in queries:
        mine = ours.wait(rid_ours)
        theirs = map_positions(upstream.wait(rid_up), text)
        if what in ("definition", "references"):
            mine, theirs = normalize_locations(mine), normalize_locations(
                theirs)
        elif what == "completion":
            mine, theirs = completion_items(mine), completion_items(theirs)
        report.queries += 1
        if theirs not in (None, [], {}) and not (
                isinstance(theirs, dict) and "error" in theirs):
            report.answered += 1
        if mine == theirs:
            continue
        line, col = text.position(index)
        detail = describe(what, mine, theirs)
        report.disagree(what, name, f"{line + 1}:{col + 1}", kind, token,
                        detail)

    for server in (ours, upstream):
        server.notify("textDocument/didClose",
                      {"textDocument": {"uri": uri}})


def describe(what, mine, theirs):
    if what == "completion" and isinstance(mine, list) and isinstance(
            theirs, list):
        a = {json.loads(i)["label"] for i in mine}
        b = {json.loads(i)["label"] for i in theirs}
        return (f"ours only: {sorted(a - b)[:8]}, upstream only: "
                f"{sorted(b - a)[:8]}")
    if mine is None or theirs is None:
        return f"ours {'none' if mine is None else 'an answer'}, upstream " \
               f"{'none' if theirs is None else 'an answer'}"
    a, b = json.dumps(mine), json.dumps(theirs)
    return f"ours {a[:300]}, upstream {b[:300]}"


class Report:
    def __init__(self, rules, verbose):
        self.rules = rules
        self.verbose = verbose
        self.queries = 0
        self.answered = 0  # upstream answered something
        self.allowed = 0
        self.failures = []
        self.used = set()

    def disagree(self, what, name, where, kind, token, detail):
        for rule_kind, file_glob, regex, line in self.rules:
            if (rule_kind == what and fnmatch.fnmatch(name, file_glob) and
                    regex.search(f"{kind} {token} {detail}")):
                self.allowed += 1
                self.used.add(line)
                if self.verbose:
                    print(f"allowed (line {line}): {what} {name}:{where} "
                          f"{kind} `{token}`: {detail}")
                return
        self.failures.append(f"FAIL: {what} {name}:{where} {kind} `{token}`: "
                             f"{detail}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--tmp", required=True)
    # With both, models written by mlirscope-genmodel, as text, are compared
    # too.
    parser.add_argument("--genmodel")
    parser.add_argument("--cli")
    parser.add_argument("--allowances",
                        default=os.path.join(os.path.dirname(__file__),
                                             "allowances.txt"))
    # At most N positions per file, evenly spread; 0: all. Every token is
    # asked; completion (a parse of the chunk each) at 60 places per file,
    # which keeps the ASan build's run well under a minute.
    parser.add_argument("--max-positions", type=int, default=0)
    parser.add_argument("--max-completions", type=int, default=60)
    parser.add_argument("-v", action="store_true")
    args = parser.parse_args()
    args.corpus = os.path.abspath(args.corpus)

    third_party = sorted(glob.glob(os.path.join(args.corpus, "third-party",
                                                "T*", "*.mlir")))
    if not third_party or not os.path.isdir(
            os.path.join(args.corpus, "mlir-lsp-server-tests")):
        fail(f"{args.corpus}: no third-party/T*/*.mlir or "
             f"mlir-lsp-server-tests: the corpus (../shared/corpus beside "
             f"the repository) is missing")
    os.makedirs(args.tmp, exist_ok=True)
    files = generated_files(args.tmp)
    if args.genmodel and args.cli:
        files += genmodel_files(args.tmp, args.genmodel, args.cli)
    files += upstream_test_documents(args.corpus, args.tmp) + third_party

    report = Report(read_allowances(args.allowances), args.v)
    ours = Server([args.ours], "mlirscope-lsp")
    upstream = Server([args.upstream], "mlir-lsp-server")
    init = {"processId": os.getpid(), "rootUri": None, "capabilities": {
        "textDocument": {"documentSymbol": {
            "hierarchicalDocumentSymbolSupport": True}}}}
    for server in (ours, upstream):
        server.wait(server.request("initialize", init))
        server.notify("initialized", {})
    start = time.time()
    for path in files:
        compare_file(path, ours, upstream, args, report)
    ours.close()
    upstream.close()
    for failure in report.failures:
        print(failure)
    print(f"differential: {len(files)} files, {report.queries} queries "
          f"({report.answered} answered by upstream), "
          f"{report.allowed + len(report.failures)} disagreements "
          f"({report.allowed} allowed, {len(report.failures)} not) in "
          f"{time.time() - start:.1f} s")
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
