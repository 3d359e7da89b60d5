Content-Length: 18446744073709551616

{}Content-Length: 85

{"jsonrpc":"2.0","id":1,"method":"mlirscope/openFile","params":{"path":"/dev/stdin"}}Content-Length: 90

{"jsonrpc":"2.0","id":2,"method":"mlirscope/openFile","params":{"path":"/proc/self/maps"}}Content-Length: 174

{"jsonrpc":"2.0","id":3,"method":"mlir/convertToBytecode","params":{"uri":"file:///nonexistent.mlir","text":"module {}","output":"/tmp/mlirscope-fuzz-must-not-exist.mlirbc"}}Content-Length: 152

{"jsonrpc":"2.0","id":4,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.mlir"},"position":{"line":-1,"character":99999999999}}}