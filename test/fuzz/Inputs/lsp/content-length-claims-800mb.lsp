ContentContent-Length: 136

{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"processId": 032, "roo"method": "mlirscope/openFile", "params": {}}Content-Lengt> 50

{"jsonrpc": "2.0", "id": 99, "method": "shutdown"}Col-Length: 18446744073709551616

{}Content-Length: 85

{"jsonrpc":"2.0","id":1,"method":"mlirscope/openFile","params":{"path":"/dev/stdin"}}Content-Length: 90

{"jsonrpc":"2.0","id":2,"method":"mlirscope/openFile","params":{"path":"/proc/self/maps"}}Content-Length: 174

{"jsonrpc":"2.0","id":3,"method":"mlir/convertTtent-Length: 36

{"jsonrpc": "2.0", "moBytecode","paratUri": "test", "capabilities": {}, "trace}}Content-Length: 95

{"jsonrpc": "2.0", "id": 2, "method": "mlirscope/openFile", "params": {"path": "@TMP@.mlirbc"}}Sontent-Length: Col-Length: 18446744073709551616

{}Content-Length: 809551616

{}Content-Length: 85

{"jsonrpc":"2.0","id":1,"method":"mlirscope/openFile","params":{"path":"/dev/stdin"}}Content-Length: 90

{"jsonrpc":"2.0","id":2,"method":"mlirscope/openFile","params":{"path":"/proc/self/maps"}}Content-Length: 174

{"jsonrpc":"2.0","id":3,"method":"mlir/convertTtent-Length: 36

{"jsonrpc": "2.0", "moBytecode","params":{"uri":"file:///nonexistent.mlir","text":"module {}","output":"/tmp/mlirethod": "scope-fuzz-must-not-exist.mlirbc"}}Content-LengthCotnent-Length: 172

{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"processId": 123,exit"} "rootUri": "test", "capabilities": {"window": {"workDoneProgress": true}}, "trace": "off"}}Content-Length: 913

{"jsonrpc": "idOpen", "pa