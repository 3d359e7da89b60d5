//===- CommandSupport.cpp - What every subcommand does the same way -------===//

#include "Commands.h"

#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/FaultGuard.h"

using namespace mlirscope;
using namespace mlirscope::cli;

CommandContext &mlirscope::cli::commandContext() {
  static CommandContext context;
  return context;
}

std::unique_ptr<ModelIndex> mlirscope::cli::openModel(llvm::StringRef path) {
  const CommandContext &ctx = commandContext();
  IndexOptions options;
  options.chunk = ctx.chunk;
  auto index = indexFile(path, options);
  if (!index) {
    llvm::errs() << "mlirscope: " << llvm::toString(index.takeError()) << "\n";
    return nullptr;
  }
  if ((*index)->isSplit() && !ctx.chunk && !ctx.allowsSplit) {
    llvm::errs() << "mlirscope " << ctx.name << ": " << path
                 << ": a split file of " << (*index)->chunks.size()
                 << " modules (separated by '// -----'); "
                 << (ctx.takesChunk ? "choose one with --chunk N"
                                    : ctx.name + " works on one module")
                 << "\n";
    return nullptr;
  }
  return std::move(*index);
}

std::optional<BlobView> mlirscope::cli::openBlob(llvm::StringRef cmd,
                                                 const ModelIndex &index,
                                                 llvm::StringRef key) {
  const std::string &path = index.file->getName();
  const Resource *r = index.findResource(key);
  if (!r) {
    llvm::errs() << "mlirscope " << cmd << ": " << path << ": no resource '"
                 << key << "'\n";
    return std::nullopt;
  }
  auto view = BlobView::get(index, *r);
  if (!view) {
    llvm::errs() << "mlirscope " << cmd << ": " << path << ": "
                 << llvm::toString(view.takeError()) << "\n";
    return std::nullopt;
  }
  return *view;
}

bool mlirscope::cli::wantsHelp(llvm::ArrayRef<const char *> args) {
  for (const char *a : args)
    if (llvm::StringRef(a) == "--help" || llvm::StringRef(a) == "-h")
      return true;
  return false;
}

void mlirscope::cli::printFileChanged(llvm::StringRef cmd,
                                      llvm::StringRef consequence) {
  noteFaultReported();
  llvm::errs() << "mlirscope " << cmd << ": " << describeFault()
               << ": expected the file to stay unchanged while it was read "
                  "(another program truncated or rewrote it)"
               << consequence << "\n";
}

bool mlirscope::cli::reportFileChanged(llvm::StringRef cmd,
                                       uint64_t faultsBefore) {
  if (faultCount() == faultsBefore)
    return false;
  printFileChanged(cmd);
  return true;
}
