"""Incremental document sync: edits give what a fresh open of the text gives.

    python check-incremental-sync.py SERVER [SERVER-ARGS...]

Two servers: one gets a split file (three `// -----` chunks, each with its
metadata block of hex blobs, an inline hex literal and non-ASCII comments)
once, then a list of edits as ranged didChange notifications (UTF-16
positions, as LSP defines them); the other is sent each edited text afresh
(didClose + didOpen). After every edit both must publish the same
diagnostics and answer the same document symbols, `mlirscope/summary`,
`mlirscope/weights` and hovers at every token. Edits: at the start, middle
and end of chunks, across `// -----` markers, inside metadata blocks and
hex literals, several changes in one notification, non-ASCII text, a whole
text without a range; then changes with bad ranges, which must get an
error message (window/showMessage), not a crash.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lspclient import Client, check, fail  # noqa

server = sys.argv[1:]
URI = "file:///incremental/model.mlir"


def blob(values):
    return "0x04000000" + "".join("%08X" % (v & 0xFFFFFFFF) for v in values)


def chunk(n):
    return (f"// chunk {n}: caf\u00e9 \U0001F600 weights\n"
            f"func.func @f{n}(%x: tensor<4xi32>) -> tensor<4xi32> {{\n"
            f"  %w = arith.constant dense_resource<w{n}> : tensor<4xi32>\n"
            f"  %v = arith.constant dense<\"0x0{n}000000020000000300000004000000\">"
            f" : tensor<4xi32>\n"
            f"  %s = arith.addi %x, %w : tensor<4xi32>\n"
            f"  %t = arith.addi %s, %v : tensor<4xi32>\n"
            f"  return %t : tensor<4xi32>\n"
            f"}}\n\n"
            "{-#\n  dialect_resources: {\n    builtin: {\n"
            f"      w{n}: \"{blob(range(n, n + 4))}\",\n"
            f"      u{n}: \"{blob(range(10 * n, 10 * n + 4))}\"\n"
            "    }\n  }\n#-}\n")


# A last chunk without resources: an edit there parses it alone again.
PLAIN = ("func.func @plain(%a: i32) -> i32 {\n"
         "  %b = arith.addi %a, %a : i32\n"
         "  return %b : i32\n}\n")
# And one with an error: kept when an edit adds lines before it, its
# diagnostic moved.
BROKEN = ("func.func @broken(%a: i32) -> i32 {\n"
          "  return %undefined : i32\n}\n")
TEXT = "\n// -----\n".join([chunk(n) for n in range(3)] + [PLAIN, BROKEN])


def position(text, at):
    """The LSP position (UTF-16 units) of character offset `at`."""
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return {"line": line,
            "character": len(text[start:at].encode("utf-16-le")) // 2}


def change(text, begin, end, new):
    """A ranged change replacing text[begin:end] (character offsets) by
    `new`, and the text after it."""
    return ({"range": {"start": position(text, begin),
                       "end": position(text, end)}, "text": new},
            text[:begin] + new + text[end:])


def find(text, needle, nth=0):
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return at


def edits():
    """(name, function of the text -> list of changes and the new text)."""
    def one(begin_of, end_of=None, new=""):
        def make(text):
            b = begin_of(text)
            e = end_of(text) if end_of else b
            c, t = change(text, b, e, new)
            return [c], t
        return make

    def several(*makers):
        def make(text):
            changes = []
            for m in makers:
                cs, text = m(text)
                changes += cs
            return changes, text
        return make

    def whole(new_of):
        def make(text):
            t = new_of(text)
            return [{"text": t}], t
        return make

    return [
        ("start of chunk 1", one(lambda t: 0, new="// first line\n")),
        ("start of chunk 2", one(lambda t: find(t, "// -----") + 9,
                                 new="// inserted after the marker\n")),
        ("middle of chunk 2 (a new op)",
         one(lambda t: find(t, "  return", 1),
             new="  %n = arith.muli %t, %t : tensor<4xi32>\n")),
        ("middle of chunk 2 (a use renamed)",
         one(lambda t: find(t, "return %t", 1) + 7,
             lambda t: find(t, "return %t", 1) + 9, new="%n")),
        ("end of chunk 1 (after its block)",
         one(lambda t: find(t, "#-}\n") + 4, new="// after the block\n")),
        ("middle of a chunk without resources",
         one(lambda t: find(t, "  return %b"),
             new="  %c = arith.muli %b, %b : i32\n")),
        ("an error there", one(lambda t: find(t, "return %b") + 7,
                               lambda t: find(t, "return %b") + 9,
                               new="%nope")),
        ("lines added before a chunk with an error",
         one(lambda t: find(t, "  return %nope"),
             new="  %d = arith.addi %b, %b : i32\n"
                 "  %e = arith.addi %d, %d : i32\n")),
        ("end of the text", one(lambda t: len(t),
                                new="func.func @tail() {\n  return\n}\n")),
        ("an error in chunk 3", one(lambda t: find(t, "arith.addi", 4),
                                    lambda t: find(t, "arith.addi", 4) + 10,
                                    new="arith.bogus")),
        ("across a marker (two chunks become one)",
         one(lambda t: find(t, "// -----", 0) - 1,
             lambda t: find(t, "// -----", 0) + 9)),
        ("the marker back", one(lambda t: find(t, "// inserted"),
                                new="// -----\n")),
        ("inside a blob (same length)",
         one(lambda t: find(t, "w1: \"0x") + 14,
             lambda t: find(t, "w1: \"0x") + 16, new="7F")),
        ("inside a blob (odd digits: an error)",
         one(lambda t: find(t, "u1: \"0x") + 14, new="A")),
        ("inside a blob (fixed)", one(lambda t: find(t, "u1: \"0x") + 14,
                                      lambda t: find(t, "u1: \"0x") + 15)),
        ("a blob's key renamed", one(lambda t: find(t, "u2:"),
                                     lambda t: find(t, "u2:") + 2,
                                     new="renamed")),
        ("inside an inline hex literal",
         one(lambda t: find(t, "dense<\"0x", 1) + 12,
             lambda t: find(t, "dense<\"0x", 1) + 14, new="FF")),
        ("inside an inline hex literal (longer)",
         one(lambda t: find(t, "dense<\"0x", 2) + 9, new="00000000")),
        ("a block's end removed", one(lambda t: find(t, "#-}", 1),
                                      lambda t: find(t, "#-}", 1) + 3)),
        ("a block's end back", one(lambda t: find(t, "  }\n  }\n", 1) + 8,
                                   new="#-}")),
        ("text before a block's start on its line",
         one(lambda t: find(t, "{-#", 0), new="x ")),
        ("and removed", one(lambda t: find(t, "x {-#", 0),
                            lambda t: find(t, "x {-#", 0) + 2)),
        ("non-ASCII, then an edit after it on the line",
         several(one(lambda t: find(t, "weights", 1),
                     new="\u00fc\U0001F680 "),
                 one(lambda t: find(t, "weights", 1) + 7, new=" \u20ac"))),
        ("three changes in one notification",
         several(one(lambda t: find(t, "@f0"), lambda t: find(t, "@f0") + 3,
                     new="@first"),
                 one(lambda t: find(t, "w2: \"0x") + 10,
                     lambda t: find(t, "w2: \"0x") + 12, new="AB"),
                 one(lambda t: find(t, "%t = arith.addi", 2),
                     new="  %extra = arith.addi %x, %x : tensor<4xi32>\n"))),
        ("a line joined to the one before (the newline deleted)",
         one(lambda t: find(t, "\n  %v =", 0), lambda t: find(t, "\n  %v =", 0) + 1,
             new=" ")),
        ("the whole text, without a range",
         whole(lambda t: t.replace("@f2", "@third"))),
        ("after the whole text", one(lambda t: find(t, "@third") + 6,
                                     new="_again")),
        ("everything deleted", one(lambda t: 0, lambda t: len(t))),
        ("and typed again", one(lambda t: 0, new=TEXT)),
    ]


TOKEN = re.compile(r"[%@^#!]?[A-Za-z_][A-Za-z0-9_.$-]*")


def observe(c, text, version, fresh):
    """What the server says about the document at `version`."""
    diags = None
    while diags is None:
        m = c.next_message()
        if (m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == URI
                and m["params"].get("version") == version):
            diags = m["params"]["diagnostics"]
    doc = {"textDocument": {"uri": URI}}

    def answer(method, params):  # a result or an error, both compared
        reply = c.call(method, params)
        return reply.get("result", reply.get("error"))

    seen = {
        "diagnostics": sorted(diags, key=lambda d: repr(d)),
        "symbols": answer("textDocument/documentSymbol", doc),
        "summary": answer("mlirscope/summary", {"uri": URI}),
        "weights": answer("mlirscope/weights", {"uri": URI}),
    }
    hovers = []
    for m in TOKEN.finditer(text):
        pos = position(text, m.start() + 1)
        reply = c.call("textDocument/hover",
                       {"textDocument": {"uri": URI}, "position": pos})
        hovers.append((pos["line"], pos["character"],
                       reply.get("result", reply.get("error"))))
    seen["hovers"] = hovers
    return seen


def main():
    inc = Client(server)
    ref = Client(server)
    caps = inc.initialized["result"]
    check(caps["capabilities"]["textDocumentSync"]["change"] == 2,
          "the server does not advertise incremental sync: %s"
          % caps["capabilities"]["textDocumentSync"])
    text = TEXT
    inc.open_text(URI, text)
    ref.open_text(URI, text)
    version = 1
    a, b = observe(inc, text, 1, False), observe(ref, text, 1, True)
    check(a == b, "the first open differs")
    hovers = 0
    for name, make in edits():
        changes, text = make(text)
        version += 1
        inc.notify("textDocument/didChange", {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": changes})
        ref.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
        ref.open_text(URI, text, version)
        a = observe(inc, text, version, False)
        b = observe(ref, text, version, True)
        for key in a:
            if a[key] != b[key]:
                if key == "hovers":
                    for x, y in zip(a[key], b[key]):
                        if x != y:
                            fail("%s: the hover at %d:%d differs:\n"
                                 "  edited: %s\n  fresh:  %s"
                                 % (name, x[0], x[1], x[2], y[2]))
                fail("%s: %s differ:\n  edited: %s\n  fresh:  %s"
                     % (name, key, a[key], b[key]))
        hovers += len(a["hovers"])
        print("%s: %d changes, %d diagnostics, %d hovers: same as a fresh "
              "open" % (name, len(changes), len(a["diagnostics"]),
                        len(a["hovers"])))
    print("%d edits, %d hovers compared" % (len(edits()), hovers))

    # Bad ranges: an error the user sees, the server alive, the text as it
    # was before the bad change (the good change before it applied).
    bad = [
        ("a line past the end",
         {"range": {"start": {"line": 1000, "character": 0},
                    "end": {"line": 1000, "character": 1}}, "text": "x"}),
        ("a character past the end of its line",
         {"range": {"start": {"line": 0, "character": 500},
                    "end": {"line": 0, "character": 501}}, "text": "x"}),
        ("an end before the start",
         {"range": {"start": {"line": 2, "character": 4},
                    "end": {"line": 1, "character": 0}}, "text": "x"}),
    ]
    for name, c in bad:
        good, text = change(text, 0, 0, "// ok\n")
        version += 1
        inc.notify("textDocument/didChange", {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [good, c]})
        shown = None
        while shown is None:
            m = inc.next_message()
            if m.get("method") == "window/showMessage":
                shown = m["params"]
        check(shown["type"] == 1, "%s: not an error: %s" % (name, shown))
        print("%s: %s" % (name, shown["message"].split(URI[7:])[-1]))
        ref.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
        ref.open_text(URI, text, version)
        a = observe(inc, text, version, False)
        b = observe(ref, text, version, True)
        check(a == b, "%s: the text differs from the one before the bad "
                      "change" % name)
    print("bad ranges: errors shown, the server still answers")
    inc.shutdown()
    ref.shutdown()


main()
