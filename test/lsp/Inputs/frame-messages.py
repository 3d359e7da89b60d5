"""Writes LSP messages with standard Content-Length framing to stdout, some
of them with malformed headers, for headers.test."""
import json
import sys


def msg(obj):
    return json.dumps(obj).encode()


def framed(body, header=None):
    if header is None:
        header = b"Content-Length: %d\r\n" % len(body)
    return header + b"\r\n" + body


init = msg({"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"capabilities": {}}})
hover = lambda i: msg({"jsonrpc": "2.0", "id": i, "method": "textDocument/hover",
                       "params": {"textDocument": {"uri": "test:///x.mlir"},
                                  "position": {"line": 0, "character": 0}}})
out = b"".join([
    framed(init),
    # Not a number: the message is skipped.
    framed(hover(1), b"Content-Length: abc\r\n"),
    # Another header first, then junk before the length: still read.
    framed(hover(2), b"Content-Type: application/vscode-jsonrpc\r\njunkContent-Length: %d\r\n" % len(hover(2))),
    # Blank lines between messages are ignored.
    b"\r\n\r\n",
    # Far too long: skipped, its body read as (ignored) headers.
    framed(hover(3), b"Content-Length: 99999999999\r\n"),
    b"\r\n",
    # Not JSON: a ParseError reply.
    framed(b"{\"jsonrpc\": "),
    # A length 5 bytes short: the cut body is a ParseError, and the next
    # header is found after the 5 bytes left over.
    framed(hover(4), b"Content-Length: %d\r\n" % (len(hover(4)) - 5)),
    framed(hover(5)),
    framed(hover(6)),
    framed(msg({"jsonrpc": "2.0", "id": 7, "method": "shutdown"})),
    framed(msg({"jsonrpc": "2.0", "method": "exit"})),
])
sys.stdout.buffer.write(out)
