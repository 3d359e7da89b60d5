//===- IRParser.h - MLIR's parser for the IR of text files ------*- C++ -*-===//
//
// The text indexer hands the IR part of a text file (the metadata block cut
// out) to MLIR's own parser, so op counts and dense_resource references are
// exactly MLIR's. That parser lives in libMLIR.so, whose loading alone costs
// ~80 MB of RSS and tens of milliseconds; a tool that only reads bytecode
// should not pay for it. So the parser is reached through this hook: a tool
// that links MLIR anyway (the language server) registers it directly, others
// (the CLI) get it from the plugin library `libMLIRScopeMLIRParser.so`,
// loaded on first use.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_IRPARSER_H
#define MLIRSCOPE_IRPARSER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace mlirscope {

class ModelIndex;

/// Parses `ir` (the file's IR with the metadata block of `metaSize` bytes at
/// file offset `metaBegin` removed) and fills `index`'s ops, values, operands,
/// op names, dialects and references. Returns false, with `diagnostic` set,
/// if MLIR cannot parse it; `index` is then left for the caller to reset.
using IRParserFn = bool (*)(ModelIndex &index, const char *ir, size_t size,
                            uint64_t metaBegin, uint64_t metaSize,
                            std::string &diagnostic);

/// Registers the parser to use (tools that link MLIR directly).
void registerIRParser(IRParserFn parser);

/// The registered parser or, failing that, the plugin's (loaded once, from
/// $MLIRSCOPE_MLIR_PARSER or `../lib/libMLIRScopeMLIRParser.so` beside the
/// executable). Null, with `why` set, when neither is available.
IRParserFn getIRParser(std::string &why);

/// Name of the C entry point the plugin exports.
inline constexpr const char *kIRParserSymbol = "mlirscope_parse_ir_v1";

} // namespace mlirscope

#endif // MLIRSCOPE_IRPARSER_H
