"""Writes a -lit-test transcript (messages delimited by `// -----`) whose
didOpen and didChange carry texts over 1 MiB, for large-document.test.

The texts hold JSON escapes of every kind (\\n, \\", \\\\, \\t, \\u00e9 and a
surrogate pair, as json.dumps with ensure_ascii writes them) before a
dense_resource on a line of its own, so a hover there lands only if the
server unescaped the text exactly (the input side cuts texts this large out
of the message itself, see lsp/LSPServer.h). With --framed the messages
have Content-Length headers instead (the input side then reads a large
message straight into the buffer the document keeps).
"""
import json
import sys


def model(value_hex):
    filler = "".join("// filler line %d: \"quoted\" \\ tab\t é 😀\n" % i
                     for i in range(30000))
    return ("// a large document\n" + filler +
            "module {\n"
            "  func.func @f() -> tensor<2xf32> {\n"
            "    %w = arith.constant\n"
            "      dense_resource<layer0.weight> : tensor<2xf32>\n"
            "    return %w : tensor<2xf32>\n"
            "  }\n"
            "}\n"
            "{-#\n  dialect_resources: {\n    builtin: {\n"
            "      layer0.weight: \"0x04000000" + value_hex + "\"\n"
            "    }\n  }\n#-}\n")


def line_of(text, needle):
    return text[:text.index(needle)].count("\n")


uri = "test:///large.mlir"
messages = [{"jsonrpc": "2.0", "id": 0, "method": "initialize",
             "params": {"processId": 1, "rootUri": "test",
                        "capabilities": {}}}]
one = model("0000803F00000040")  # 1.0, 2.0
two = model("000040400000C0C0")  # 3.0, -6.0
assert len(one) > (1 << 20)
messages.append({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "mlir",
                                             "version": 1, "text": one}}})
pos = {"line": line_of(one, "dense_resource<"), "character": 25}
messages.append({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover",
                 "params": {"textDocument": {"uri": uri}, "position": pos}})
messages.append({"jsonrpc": "2.0", "method": "textDocument/didChange",
                 "params": {"textDocument": {"uri": uri, "version": 2},
                            "contentChanges": [{"text": two}]}})
messages.append({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
                 "params": {"textDocument": {"uri": uri}, "position": pos}})
messages.append({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
messages.append({"jsonrpc": "2.0", "method": "exit"})
out = sys.stdout.buffer
for m in messages:
    body = json.dumps(m, ensure_ascii=True).encode()
    if "--framed" in sys.argv:
        out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    else:
        out.write(body + b"\n// -----\n")
