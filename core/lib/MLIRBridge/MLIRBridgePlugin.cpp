//===- MLIRBridgePlugin.cpp - The jobs that need MLIR itself --------------===//
//
// Built into libMLIRScopeMLIRBridgePlugin.so (and linked directly by tools that use
// MLIR anyway); see MLIRBridge.h. Every upstream dialect is registered and
// unregistered ones are allowed. Blobs never get here: callers cut the
// metadata block out of text and pass bytecode whose blobs are declarations.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Text/MLIRBridge.h"
#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Index/NestingLimit.h"
#include "mlirscope/Model/TypeText.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/Block.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace mlirscope;

namespace {

/// Byte offsets of line starts, for mapping MLIR locations back to offsets.
struct LineTable {
  std::vector<uint64_t> starts;
  explicit LineTable(llvm::StringRef s) {
    starts.push_back(0);
    for (uint64_t i = 0; i < s.size(); ++i)
      if (s[i] == '\n')
        starts.push_back(i + 1);
  }
  uint64_t offset(unsigned line, unsigned col) const {
    if (line == 0 || line > starts.size())
      return 0;
    return starts[line - 1] + (col ? col - 1 : 0);
  }
  /// The 1-based line holding `offset`.
  unsigned lineOf(uint64_t offset) const {
    return std::upper_bound(starts.begin(), starts.end(), offset) -
           starts.begin();
  }
};

/// Records one dense_resource reference.
void addReference(ModelIndex &index, mlir::DenseResourceElementsAttr attr,
                  uint64_t offset) {
  ResourceReference ref;
  ref.key = attr.getRawHandle().getKey().str();
  ref.offset = offset;
  std::string typeText;
  llvm::raw_string_ostream os(typeText);
  attr.getType().print(os);
  ref.type = parseShapedTypeText(typeText);
  index.references.push_back(std::move(ref));
}

/// The name MLIR's parser gives the IR it reads; locations naming it are
/// made the file's.
constexpr const char *kBufferName = "mlirscope-ir";

/// The file's line and column of the IR's `line`:`col` (1-based): the IR is
/// the file's segments between metadata blocks, and each segment's first
/// line in the file is known.
std::pair<unsigned, unsigned> fileLineCol(llvm::StringRef ir,
                                          const LineTable &lines,
                                          const IROffsetMap &map,
                                          unsigned line, unsigned col) {
  uint64_t at = lines.offset(line, col);
  size_t k = std::upper_bound(map.irBegins, map.irBegins + map.size, at) -
             map.irBegins;
  if (k == 0 || line == 0)
    return {line, col};
  --k;
  unsigned segmentLine = lines.lineOf(map.irBegins[k]);
  return {map.fileLines[k] + (line - segmentLine), col};
}

/// NameLoc names of `loc`, outermost first: callers before callees, and
/// the first part of a FusedLoc that names anything.
void locationNames(mlir::Location loc, std::vector<std::string> &out,
                   unsigned depth = 0) {
  if (depth > 64)
    return;
  if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc)) {
    out.push_back(name.getName().str());
    locationNames(name.getChildLoc(), out, depth + 1);
  } else if (auto call = llvm::dyn_cast<mlir::CallSiteLoc>(loc)) {
    locationNames(call.getCaller(), out, depth + 1);
    locationNames(call.getCallee(), out, depth + 1);
  } else if (auto fused = llvm::dyn_cast<mlir::FusedLoc>(loc)) {
    for (mlir::Location part : fused.getLocations()) {
      size_t before = out.size();
      locationNames(part, out, depth + 1);
      if (out.size() != before)
        return;
    }
  }
}

/// What op details show of a text op, printed by MLIR while it has the IR.
TextOpDetails textDetailsOf(mlir::Operation *op, mlir::LocationAttr loc) {
  TextOpDetails d;
  {
    llvm::raw_string_ostream os(d.location);
    loc.print(os);
  }
  // Attribute::print of a location gives `loc(...)`: keep the inside.
  llvm::StringRef l(d.location);
  if (l.consume_front("loc(") && l.consume_back(")"))
    d.location = l.str();
  locationNames(mlir::Location(loc), d.names);
  auto add = [&](llvm::StringRef name, mlir::Attribute value) {
    std::string text;
    llvm::raw_string_ostream os(text);
    value.print(os);
    d.attributes.emplace_back(name.str(), std::move(text));
  };
  if (auto props = llvm::dyn_cast_or_null<mlir::DictionaryAttr>(
          op->getPropertiesAsAttribute()))
    for (mlir::NamedAttribute a : props)
      add(a.getName(), a.getValue());
  for (mlir::NamedAttribute a : op->getDiscardableAttrs())
    add(a.getName(), a.getValue());
  return d;
}

/// True (with `diag` set) when `ir` nests deeper than MLIR's parser can
/// recurse on this thread's stack (NestingLimit.h): it must not see it.
bool tooDeepForMLIR(llvm::StringRef ir,
                    const std::function<uint64_t(uint64_t)> &toFileOffset,
                    std::string &diag) {
  std::optional<uint64_t> at = findDeepNesting(ir);
  if (!at)
    return false;
  diag = "offset " + std::to_string(toFileOffset(*at)) +
         ": expected at most " + std::to_string(kMaxNesting) +
         " levels of nesting (MLIR's parser recurses once per bracket or "
         "affine operator)";
  return true;
}

/// Indexes the IR with MLIR's parser. Returns false (with `diag` set) if MLIR
/// cannot parse it.
bool indexWithMLIR(ModelIndex &index, llvm::StringRef ir,
                   const std::function<uint64_t(uint64_t)> &toFileOffset,
                   std::string &diag, const IROffsetMap *map = nullptr) {
  if (tooDeepForMLIR(ir, toFileOffset, diag))
    return false;
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  ctx.allowUnregisteredDialects();
  // The IR is a chunk with its metadata cut out: its lines are not the
  // file's, so errors name file offsets.
  LineTable lines(ir);
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    if (diag.empty() && d.getSeverity() == mlir::DiagnosticSeverity::Error) {
      llvm::raw_string_ostream os(diag);
      if (auto loc = llvm::dyn_cast<mlir::FileLineColLoc>(d.getLocation()))
        os << "offset "
           << toFileOffset(lines.offset(loc.getLine(), loc.getColumn()))
           << ": ";
      os << d.str();
    }
    return mlir::success();
  });
  mlir::Block block;
  mlir::ParserConfig config(&ctx, /*verifyAfterParse=*/false);
  if (mlir::failed(mlir::parseSourceString(ir, &block, config, kBufferName)))
    return false;
  // The parser's locations name the IR handed to it (a chunk with its
  // metadata cut out): make them the file's, as mlir-opt would print them.
  mlir::AttrTypeReplacer fileLocations;
  if (map && map->fileLines) {
    auto path = mlir::StringAttr::get(&ctx, map->path);
    fileLocations.addReplacement(
        [&, path](mlir::FileLineColLoc loc) -> std::optional<mlir::Attribute> {
          if (loc.getFilename() != kBufferName)
            return std::nullopt;
          auto [line, col] = fileLineCol(ir, lines, *map, loc.getLine(),
                                         loc.getColumn());
          return mlir::FileLineColLoc::get(path, line, col);
        });
  }

  auto opOffset = [&](mlir::Operation *op) -> uint64_t {
    if (auto loc = llvm::dyn_cast<mlir::FileLineColLoc>(op->getLoc()))
      return toFileOffset(lines.offset(loc.getLine(), loc.getColumn()));
    return 0;
  };

  // Earlier chunks of a split file may have interned names already.
  llvm::StringMap<uint32_t> nameIds;
  for (uint32_t i = 0; i < index.opNames.size(); ++i)
    nameIds.try_emplace(index.opNames[i].name, i);
  llvm::StringSet<> dialects;
  for (const std::string &d : index.dialects)
    dialects.insert(d);
  auto internName = [&](mlir::Operation *op) -> uint32_t {
    llvm::StringRef name = op->getName().getStringRef();
    auto [it, inserted] = nameIds.try_emplace(name, index.opNames.size());
    if (inserted) {
      OpName n;
      n.name = name.str();
      n.dialect = op->getName().getDialectNamespace().str();
      n.wasRegistered = op->isRegistered();
      if (dialects.insert(n.dialect).second)
        index.dialects.push_back(n.dialect);
      index.opNames.push_back(std::move(n));
    }
    return it->second;
  };

  // Mirror mlir-opt: a file that is not a single builtin.module is wrapped in
  // an implicit one, so counts match the bytecode it would write.
  uint32_t implicitModule = kNone;
  bool singleModule = !block.empty() && std::next(block.begin()) == block.end() &&
                      llvm::isa<mlir::ModuleOp>(block.front());
  if (!singleModule) {
    auto [it, inserted] =
        nameIds.try_emplace("builtin.module", index.opNames.size());
    if (inserted)
      index.opNames.push_back(OpName{"builtin", "builtin.module", true});
    if (dialects.insert("builtin").second)
      index.dialects.push_back("builtin");
    implicitModule = index.ops.size();
    OpRecord m;
    m.name = it->second;
    m.numRegions = 1;
    m.numBlocks = 1;
    index.ops.push_back(m);
    // mlir-opt's implicit module is at the start of its buffer.
    TextOpDetails implicit;
    implicit.location = "unknown";
    if (map) {
      llvm::raw_string_ostream os(implicit.location);
      implicit.location.clear();
      os << '"';
      llvm::printEscapedString(map->path, os);
      os << "\":0:0";
    }
    index.textDetails.push_back(std::move(implicit));
  }

  // Blocks get ids as their owner is visited (pre-order), so successors can
  // name them; the implicit module's block holds the top-level ops.
  // As in bytecode, the top level is a block of its own.
  llvm::DenseMap<mlir::Block *, uint32_t> blockIds;
  blockIds[&block] = index.blocks.size();
  index.blocks.push_back({kNone, 0, kNone, 0});
  if (implicitModule != kNone) {
    index.ops[implicitModule].block = blockIds[&block];
    blockIds[&block] = index.blocks.size();
    index.blocks.push_back({implicitModule, 0, kNone, 0});
  }
  llvm::DenseMap<mlir::Type, uint32_t> typeIds;
  auto internType = [&](mlir::Type t) -> uint32_t {
    auto [it, inserted] = typeIds.try_emplace(t, index.typeNames.size());
    if (inserted) {
      std::string text;
      llvm::raw_string_ostream os(text);
      t.print(os);
      index.typeNames.push_back(std::move(text));
    }
    return it->second;
  };
  llvm::DenseMap<mlir::Operation *, uint32_t> opIds;
  llvm::DenseMap<void *, uint32_t> valueIds;
  std::vector<mlir::Operation *> order;
  llvm::DenseSet<mlir::Attribute> seenRefs;
  // Pass 1: ops and the values they define, in pre-order.
  for (mlir::Operation &top : block) {
    top.walk<mlir::WalkOrder::PreOrder>([&](mlir::Operation *op) {
      OpRecord rec;
      rec.name = internName(op);
      mlir::Operation *parent = op->getParentOp();
      rec.parent = parent ? opIds.lookup(parent) : implicitModule;
      rec.depth = parent ? index.ops[rec.parent].depth + 1
                         : (implicitModule == kNone ? 0 : 1);
      rec.numRegions = op->getNumRegions();
      for (mlir::Region &r : op->getRegions())
        rec.numBlocks += std::distance(r.begin(), r.end());
      rec.numSuccessors = op->getNumSuccessors();
      rec.numResults = op->getNumResults();
      rec.isolatedFromAbove =
          op->hasTrait<mlir::OpTrait::IsIsolatedFromAbove>();
      rec.offset = opOffset(op);
      if (auto sym = op->getAttrOfType<mlir::StringAttr>(
              mlir::SymbolTable::getSymbolAttrName()))
        rec.symbol = sym.getValue().str();
      uint32_t id = index.ops.size();
      opIds[op] = id;
      order.push_back(op);
      rec.firstResult = op->getNumResults() ? index.values.size() : kNone;
      for (mlir::OpResult r : op->getResults()) {
        valueIds[r.getAsOpaquePointer()] = index.values.size();
        index.values.push_back({ValueRecord::Kind::OpResult, id,
                                r.getResultNumber(), internType(r.getType())});
      }
      auto blockIt = blockIds.find(op->getBlock());
      rec.block = blockIt == blockIds.end() ? kNone : blockIt->second;
      for (auto [ri, r] : llvm::enumerate(op->getRegions()))
        for (mlir::Block &b : r) {
          blockIds[&b] = index.blocks.size();
          index.blocks.push_back({id, uint32_t(ri),
                                  b.getNumArguments() ? uint32_t(index.values.size())
                                                      : kNone,
                                  b.getNumArguments()});
          for (mlir::BlockArgument a : b.getArguments()) {
            valueIds[a.getAsOpaquePointer()] = index.values.size();
            index.values.push_back({ValueRecord::Kind::BlockArgument, id,
                                    a.getArgNumber(),
                                    internType(a.getType())});
          }
        }
      index.ops.push_back(std::move(rec));
      index.textDetails.push_back(textDetailsOf(
          op, map && map->fileLines
                  ? llvm::cast<mlir::LocationAttr>(
                        fileLocations.replace(op->getLoc()))
                  : mlir::LocationAttr(op->getLoc())));

      // Attributes are uniqued, so a constant used by several ops is one
      // reference, as in bytecode's attribute table.
      auto collect = [&](mlir::Attribute attr) {
        if (!attr)
          return;
        attr.walk([&](mlir::DenseResourceElementsAttr a) {
          if (seenRefs.insert(a).second)
            addReference(index, a, index.ops[id].offset);
        });
      };
      collect(op->getRawDictionaryAttrs());
      collect(op->getPropertiesAsAttribute());
    });
  }
  // Pass 2: operands (values may be used before their definition in graph
  // regions, hence the separate pass) and successors.
  for (uint32_t i = 0; i < order.size(); ++i) {
    uint32_t id = opIds[order[i]];
    index.ops[id].firstSuccessor = index.successors.size();
    for (mlir::Block *succ : order[i]->getSuccessors())
      index.successors.push_back(blockIds.lookup(succ));
    index.ops[id].firstOperand = index.operands.size();
    index.ops[id].numOperands = order[i]->getNumOperands();
    for (mlir::Value v : order[i]->getOperands()) {
      auto it = valueIds.find(v.getAsOpaquePointer());
      index.operands.push_back(it == valueIds.end() ? kNone : it->second);
    }
  }
  return true;
}


} // namespace

namespace {

bool parseIR(ModelIndex &index, const char *ir, size_t size, IROffsetMap map,
             std::string &diagnostic) {
  auto toFileOffset = [&](uint64_t irOffset) { return map.toFile(irOffset); };
  return indexWithMLIR(index, llvm::StringRef(ir, size), toFileOffset,
                       diagnostic, &map);
}

/// An MLIRContext with every upstream dialect, collecting the first error.
struct Context {
  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> ctx;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  explicit Context(std::string &diag) {
    mlir::registerAllDialects(registry);
    ctx = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    ctx->allowUnregisteredDialects();
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        ctx.get(), [&diag](mlir::Diagnostic &d) {
          if (diag.empty() &&
              d.getSeverity() == mlir::DiagnosticSeverity::Error) {
            llvm::raw_string_ostream os(diag);
            if (auto loc = llvm::dyn_cast<mlir::FileLineColLoc>(d.getLocation()))
              os << "line " << loc.getLine() << ":" << loc.getColumn() << ": ";
            os << d.str();
          }
          return mlir::success();
        });
  }
};

/// The single top-level op to write or print: the module if the block holds
/// just one, else a new module wrapping everything (as mlir-opt does).
mlir::Operation *topLevel(mlir::Block &block, mlir::MLIRContext *ctx,
                          mlir::OwningOpRef<mlir::ModuleOp> &wrapper) {
  if (!block.empty() && std::next(block.begin()) == block.end() &&
      llvm::isa<mlir::ModuleOp>(block.front()))
    return &block.front();
  wrapper = mlir::ModuleOp::create(mlir::UnknownLoc::get(ctx));
  wrapper->getBody()->getOperations().splice(
      wrapper->getBody()->end(), block.getOperations());
  return wrapper->getOperation();
}

/// Writes `op` as bytecode of `version` into `out`.
bool writeBytecode(mlir::Operation *op, mlir::BytecodeWriterConfig &config,
                   int64_t version, std::string &out, std::string &diag) {
  config.setDesiredBytecodeVersion(version);
  llvm::raw_string_ostream os(out);
  if (mlir::failed(mlir::writeBytecodeToFile(op, os, config))) {
    if (diag.empty())
      diag = "MLIR could not write bytecode version " + std::to_string(version);
    return false;
  }
  os.flush();
  return true;
}

/// Parses bytecode (blobs as declarations) into `block`.
bool parseBytecode(Context &c, const uint8_t *bytecode, size_t size,
                   mlir::Block &block) {
  mlir::ParserConfig config(c.ctx.get(), /*verifyAfterParse=*/false);
  llvm::StringRef bytes(reinterpret_cast<const char *>(bytecode), size);
  return mlir::succeeded(
      mlir::parseSourceString(bytes, &block, config, "model"));
}

bool textToBytecode(const char *ir, size_t size, int64_t version,
                    const char *producer, std::string &out,
                    std::string &diag) {
  if (tooDeepForMLIR(llvm::StringRef(ir, size),
                     [](uint64_t offset) { return offset; }, diag))
    return false;
  Context c(diag);
  mlir::FallbackAsmResourceMap fallback;
  mlir::ParserConfig config(c.ctx.get(), /*verifyAfterParse=*/true,
                            &fallback);
  mlir::Block block;
  if (mlir::failed(mlir::parseSourceString(llvm::StringRef(ir, size), &block,
                                           config, "model")))
    return false;
  mlir::OwningOpRef<mlir::ModuleOp> wrapper;
  mlir::Operation *op = topLevel(block, c.ctx.get(), wrapper);
  mlir::BytecodeWriterConfig writerConfig(fallback, producer);
  return writeBytecode(op, writerConfig, version, out, diag);
}

bool bytecodeToText(const uint8_t *bytecode, size_t size, std::string &out,
                    std::string &diag) {
  Context c(diag);
  mlir::Block block;
  if (!parseBytecode(c, bytecode, size, block))
    return false;
  mlir::OwningOpRef<mlir::ModuleOp> wrapper;
  mlir::Operation *op = topLevel(block, c.ctx.get(), wrapper);
  llvm::raw_string_ostream os(out);
  op->print(os, mlir::OpPrintingFlags().enableDebugInfo(false));
  os << "\n";
  os.flush();
  return true;
}

bool retypeResource(const uint8_t *bytecode, size_t size, const char *key,
                    const char *newTypeText, int64_t version, std::string &out,
                    std::string &diag) {
  Context c(diag);
  mlir::Block block;
  if (!parseBytecode(c, bytecode, size, block))
    return false;
  auto newType = llvm::dyn_cast_or_null<mlir::ShapedType>(
      mlir::parseType(newTypeText, c.ctx.get()));
  if (!newType) {
    if (diag.empty())
      diag = std::string("'") + newTypeText + "' is not a shaped type";
    return false;
  }
  mlir::OwningOpRef<mlir::ModuleOp> wrapper;
  mlir::Operation *top = topLevel(block, c.ctx.get(), wrapper);
  unsigned changed = 0;
  top->walk([&](mlir::Operation *op) {
    for (mlir::NamedAttribute named : op->getAttrDictionary()) {
      auto attr =
          llvm::dyn_cast<mlir::DenseResourceElementsAttr>(named.getValue());
      if (!attr || attr.getRawHandle().getKey() != key)
        continue;
      mlir::Type oldType = attr.getType();
      op->setAttr(named.getName(), mlir::DenseResourceElementsAttr::get(
                                       newType, attr.getRawHandle()));
      // An op materializing the attribute (a constant) carries its type.
      if (op->getNumResults() == 1 && op->getResult(0).getType() == oldType)
        op->getResult(0).setType(newType);
      ++changed;
    }
  });
  if (!changed) {
    diag = std::string("no op attribute is dense_resource<") + key + ">";
    return false;
  }
  if (mlir::failed(mlir::verify(top))) {
    diag = "the IR does not verify with the new type" +
           (diag.empty() ? std::string() : ": " + diag);
    return false;
  }
  mlir::BytecodeWriterConfig writerConfig("mlirscope");
  return writeBytecode(top, writerConfig, version, out, diag);
}

const MLIRBridge bridge = {&parseIR, &textToBytecode, &bytecodeToText,
                           &retypeResource};

} // namespace

extern "C" __attribute__((visibility("default"))) const MLIRBridge *
mlirscope_mlir_bridge_v1() {
  return &bridge;
}
