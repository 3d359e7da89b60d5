//===- Convert.cpp - Text <-> bytecode with blobs streamed ----------------===//

#include "mlirscope/Edit/Convert.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/MappedFile.h"
#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Text/MLIRBridge.h"
#include "mlirscope/Index/NestingLimit.h"
#include "mlirscope/Edit/Rewrite.h"

#include "llvm/ADT/StringExtras.h"

#include <cctype>
#include <unistd.h>

using namespace mlirscope;

static llvm::Error bridgeError(llvm::StringRef what, llvm::StringRef why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s",
                                 what.str().c_str(), why.str().c_str());
}

/// Keys print bare when MLIR's lexer reads them as one bare identifier.
static std::string printKey(llvm::StringRef key) {
  bool bare = !key.empty() &&
              (std::isalpha((unsigned char)key[0]) || key[0] == '_');
  for (char c : key)
    bare = bare && (std::isalnum((unsigned char)c) || c == '_' || c == '$' ||
                    c == '.' || c == '-');
  if (bare)
    return key.str();
  std::string s = "\"";
  llvm::raw_string_ostream os(s);
  llvm::printEscapedString(key, os);
  os.flush();
  return s + "\"";
}

std::string mlirscope::irWithoutBlobs(const ModelIndex &text) {
  llvm::StringRef all = text.file->text();
  std::string ir;
  uint64_t pos = 0;
  for (const SectionInfo &s : text.sections) {
    if (s.name != "metadata")
      continue;
    ir += all.slice(pos, s.offset).str();
    pos = s.offset + s.size;
  }
  ir += all.drop_front(pos).str();
  // External resources go back in as they were written.
  std::string ext;
  std::string group;
  for (const Resource &r : text.resources) {
    if (r.isDialectGroup)
      continue;
    if (r.group != group) {
      ext += (group.empty() ? "" : "\n    },\n    ") + printKey(r.group) +
             ": {\n";
      group = r.group;
    } else {
      ext += ",\n";
    }
    ext += "      " + printKey(r.key) + ": ";
    if (r.kind == ResourceKind::Bool)
      ext += r.value;
    else
      ext += "\"" + all.substr(r.textOffset, r.textSize).str() + "\"";
  }
  if (!ext.empty())
    ir += "\n{-#\n  external_resources: {\n    " + ext + "\n    }\n  }\n#-}\n";
  return ir;
}

llvm::Error mlirscope::convertTextToBytecode(const ModelIndex &text,
                                             llvm::StringRef outPath,
                                             int64_t version,
                                             const Progress &progress) {
  std::string why;
  const MLIRBridge *bridge = getMLIRBridge(why);
  if (!bridge)
    return bridgeError("MLIR is not available", why);
  std::string ir = irWithoutBlobs(text);
  std::string bytecode;
  if (!bridge->textToBytecode(ir.data(), ir.size(), version, "mlirscope",
                              bytecode, why))
    return bridgeError(text.file->getName(), why);
  auto intermediate = indexMapped(std::shared_ptr<ByteSource>(MappedFile::copyOf(
      text.file->getName() + " (IR)",
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytecode.data()),
                              bytecode.size()))));
  if (!intermediate)
    return intermediate.takeError();
  RewritePlan plan;
  for (const Resource &r : text.resources)
    if (r.isDialectGroup && r.kind == ResourceKind::Blob && r.isHexText)
      plan.replace[r.key] =
          ExternalBlob{text.file->getName(), r.dataOffset, r.size,
                       r.alignment, text.file};
  return rewriteBytecode(**intermediate, outPath, plan, progress);
}

llvm::Error mlirscope::convertBytecodeToText(const ModelIndex &bc,
                                             llvm::StringRef outPath,
                                             const Progress &progress) {
  if (llvm::Error e = checkNestingForMLIR(bc))
    return e;
  std::string why;
  const MLIRBridge *bridge = getMLIRBridge(why);
  if (!bridge)
    return bridgeError("MLIR is not available", why);
  // A copy with every blob a declaration and no external groups: the IR
  // alone, for MLIR to print.
  RewritePlan plan;
  for (const Resource &r : bc.resources) {
    if (r.isDialectGroup && r.kind == ResourceKind::Blob)
      plan.declareOnly.insert(r.key);
    if (!r.isDialectGroup)
      plan.dropGroups.insert(r.group);
  }
  std::string tmp = outPath.str() + ".mlirscope-ir";
  if (auto e = rewriteBytecode(bc, tmp, plan))
    return e;
  auto irOnly = MappedFile::open(tmp);
  ::unlink(tmp.c_str());
  if (!irOnly)
    return irOnly.takeError();
  std::string text;
  if (!bridge->bytecodeToText((*irOnly)->data(), (*irOnly)->size(), text, why))
    return bridgeError(bc.file->getName(), why);

  auto out = AtomicFile::create(outPath);
  if (!out)
    return out.takeError();
  if (auto e = out->write(text))
    return e;
  uint64_t total = 0, done = 0;
  for (const Resource &r : bc.resources)
    total += r.size;
  // The metadata block: dialect blobs as "0x" + 4-byte alignment + data.
  std::string head = "\n{-#\n";
  bool anyDialect = false, anyExternal = false;
  for (const Resource &r : bc.resources)
    (r.isDialectGroup ? anyDialect : anyExternal) = true;
  if (!anyDialect && !anyExternal)
    return out->commit();
  static const char digits[] = "0123456789ABCDEF";
  std::vector<char> hex;
  auto writeBlob = [&](const Resource &r) -> llvm::Error {
    std::string prefix = "\"0x";
    uint32_t align = uint32_t(r.alignment);
    for (int i = 0; i < 4; ++i) {
      uint8_t b = uint8_t(align >> (8 * i));
      prefix += digits[b >> 4];
      prefix += digits[b & 0xf];
    }
    if (auto e = out->write(prefix))
      return e;
    const uint64_t chunk = 8ull << 20;
    for (uint64_t at = 0; at < r.size;) {
      uint64_t n = std::min(chunk, r.size - at);
      auto span = bc.file->read(r.dataOffset + at, n);
      if (!span)
        return span.takeError();
      const uint8_t *src = span->begin();
      hex.resize(size_t(2 * n));
      for (uint64_t i = 0; i < n; ++i) {
        hex[2 * i] = digits[src[i] >> 4];
        hex[2 * i + 1] = digits[src[i] & 0xf];
      }
      if (auto e = out->write(llvm::StringRef(hex.data(), hex.size())))
        return e;
      bc.file->dropPages(r.dataOffset + at, n);
      at += n;
      done += n;
      if (progress && !progress(done, total))
        return cancelledError();
    }
    return out->write(llvm::StringRef("\""));
  };
  auto writeGroups = [&](bool dialect) -> llvm::Error {
    std::string group;
    bool firstGroup = true;
    for (const Resource &r : bc.resources) {
      if (r.isDialectGroup != dialect)
        continue;
      std::string s;
      if (r.group != group) {
        s += (firstGroup ? "    " : "\n    },\n    ") + printKey(r.group) +
             ": {\n";
        group = r.group;
        firstGroup = false;
      } else {
        s += ",\n";
      }
      s += "      " + printKey(r.key) + ": ";
      if (auto e = out->write(s))
        return e;
      llvm::Error e = llvm::Error::success();
      if (r.kind == ResourceKind::Blob) {
        e = writeBlob(r);
      } else if (r.kind == ResourceKind::Bool) {
        e = out->write(r.value);
      } else {
        std::string v = "\"";
        llvm::raw_string_ostream os(v);
        llvm::printEscapedString(r.value, os);
        os.flush();
        e = out->write(v + "\"");
      }
      if (e)
        return e;
    }
    return out->write(llvm::StringRef("\n    }\n  }"));
  };
  if (auto e = out->write(head))
    return e;
  if (anyDialect) {
    if (auto e = out->write(llvm::StringRef("  dialect_resources: {\n")))
      return e;
    if (auto e = writeGroups(true))
      return e;
  }
  if (anyExternal) {
    if (auto e = out->write(llvm::StringRef(anyDialect ? ",\n" : "")))
      return e;
    if (auto e = out->write(llvm::StringRef("  external_resources: {\n")))
      return e;
    if (auto e = writeGroups(false))
      return e;
  }
  if (auto e = out->write(llvm::StringRef("\n#-}\n")))
    return e;
  return out->commit();
}

llvm::Error mlirscope::replaceWithNewType(const ModelIndex &index,
                                          llvm::StringRef key,
                                          llvm::StringRef newType,
                                          const ExternalBlob &data,
                                          llvm::StringRef outPath,
                                          const Progress &progress) {
  if (llvm::Error e = checkNestingForMLIR(index))
    return e;
  if (index.format != ModelIndex::Format::Bytecode)
    return bridgeError(index.file->getName(), "not a bytecode file");
  std::string why;
  const MLIRBridge *bridge = getMLIRBridge(why);
  if (!bridge)
    return bridgeError("MLIR is not available", why);
  // The IR alone (every blob a declaration), for MLIR to change and write.
  RewritePlan declared;
  for (const Resource &r : index.resources)
    if (r.isDialectGroup && r.kind == ResourceKind::Blob)
      declared.declareOnly.insert(r.key);
  std::string tmp = outPath.str() + ".mlirscope-ir";
  if (auto e = rewriteBytecode(index, tmp, declared))
    return e;
  auto irOnly = MappedFile::open(tmp);
  ::unlink(tmp.c_str());
  if (!irOnly)
    return irOnly.takeError();
  std::string bytecode;
  if (!bridge->retypeResource((*irOnly)->data(), (*irOnly)->size(),
                              key.str().c_str(), newType.str().c_str(),
                              int64_t(index.bytecodeVersion), bytecode, why))
    return bridgeError(index.file->getName(), why);
  auto intermediate = indexMapped(std::shared_ptr<ByteSource>(MappedFile::copyOf(
      index.file->getName() + " (IR)",
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytecode.data()),
                              bytecode.size()))));
  if (!intermediate)
    return intermediate.takeError();
  RewritePlan plan;
  for (const Resource &r : index.resources)
    if (r.isDialectGroup && r.kind == ResourceKind::Blob)
      plan.replace[r.key] = ExternalBlob{index.file->getName(), r.dataOffset,
                                         r.size, r.alignment, nullptr,
                                         index.file};
  plan.replace[key] = data;
  return rewriteBytecode(**intermediate, outPath, plan, progress);
}
