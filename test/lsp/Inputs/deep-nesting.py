"""Writes a -lit-test transcript for deep-nesting.test: a text document nested
50,000 levels deep (MLIR's parser would overflow the stack on it), then the
elided view of a bytecode model of 100,000 nested regions (MLIR's reader and
printer would), then requests showing the server still answers (completion,
which would parse the text again, answers nothing).

Usage: deep-nesting.py BYTECODE_MODEL [DEEP_ATTRIBUTES_MODEL]
"""
import json
import sys

n = 50000
text = "module {\n" * n + "}\n" * n
messages = [
    {"jsonrpc": "2.0", "id": 0, "method": "initialize",
     "params": {"capabilities": {}}},
    {"jsonrpc": "2.0", "method": "textDocument/didOpen",
     "params": {"textDocument": {"uri": "test:///deep.mlir",
                                 "languageId": "mlir", "version": 1,
                                 "text": text}}},
    {"jsonrpc": "2.0", "id": 1, "method": "mlirscope/openFile",
     "params": {"path": sys.argv[1]}},
    {"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol",
     "params": {"textDocument": {"uri": "test:///deep.mlir"}}},
    # Completion parses the chunk again: not this one either.
    {"jsonrpc": "2.0", "id": 4, "method": "textDocument/completion",
     "params": {"textDocument": {"uri": "test:///deep.mlir"},
                "position": {"line": 20000, "character": 0}}},
] + ([
    # Attributes nested 100,000 deep: MLIR's bytecode reader recurses too.
    {"jsonrpc": "2.0", "id": 5, "method": "mlirscope/openFile",
     "params": {"path": sys.argv[2]}},
] if len(sys.argv) > 2 else []) + [
    {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
    {"jsonrpc": "2.0", "method": "exit"},
]
print("\n// -----\n".join(json.dumps(m) for m in messages))
