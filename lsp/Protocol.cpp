//===- Protocol.cpp - mlirscope's additions to the LSP wire types ---------===//

#include "Protocol.h"

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

bool lspserver::fromJSON(const llvm::json::Value &value,
                         ConvertBytecodeParams &result, llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("uri", result.uri) && o.mapOptional("text", result.text) &&
         o.mapOptional("output", result.output);
}

bool lspserver::fromJSON(const llvm::json::Value &value, OpenFileParams &result,
                         llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("path", result.path) && o.mapOptional("uri", result.uri);
}

/// The strings of a settings array (other elements are skipped: a setting
/// never fails the message that carries it), nullopt when there is none.
static std::optional<std::vector<std::string>>
stringList(const llvm::json::Array *array) {
  if (!array)
    return std::nullopt;
  std::vector<std::string> out;
  for (const llvm::json::Value &v : *array)
    if (std::optional<llvm::StringRef> s = v.getAsString())
      out.push_back(s->str());
  return out;
}

bool lspserver::fromJSON(const llvm::json::Value &value,
                         InitializeWithOptions &result, llvm::json::Path path) {
  if (!lsp::fromJSON(value, result.base, path))
    return false;
  if (const llvm::json::Object *o = value.getAsObject())
    if (const llvm::json::Object *caps = o->getObject("capabilities"))
      if (const llvm::json::Object *workspace = caps->getObject("workspace"))
        if (const llvm::json::Object *hints = workspace->getObject("inlayHint"))
          result.inlayHintRefresh =
              hints->getBoolean("refreshSupport").value_or(false);
  if (const llvm::json::Object *o = value.getAsObject())
    if (const llvm::json::Object *options =
            o->getObject("initializationOptions")) {
      result.hoverStatistics = options->getBoolean("hoverStatistics");
      result.parameters = stringList(options->getArray("parameters"));
    }
  return true;
}

bool lspserver::fromJSON(const llvm::json::Value &value,
                         ConfigurationParams &result, llvm::json::Path) {
  if (const llvm::json::Object *o = value.getAsObject())
    if (const llvm::json::Object *settings = o->getObject("settings"))
      if (const llvm::json::Object *ours = settings->getObject("mlirscope")) {
        result.hoverStatistics = ours->getBoolean("hoverStatistics");
        result.parameters = stringList(ours->getArray("parameters"));
      }
  return true;
}

bool lspserver::fromJSON(const llvm::json::Value &value, SummaryParams &result,
                         llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("uri", result.uri) && o.mapOptional("chunk", result.chunk);
}

bool lspserver::fromJSON(const llvm::json::Value &value, WeightsParams &result,
                         llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("uri", result.uri) && o.mapOptional("kind", result.kind) &&
         o.mapOptional("limit", result.limit);
}

bool lspserver::fromJSON(const llvm::json::Value &value, BlobParams &result,
                         llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  if (!o || !o.map("uri", result.uri) || !o.map("key", result.key) ||
      !o.mapOptional("chunk", result.chunk) ||
      !o.mapOptional("rowAxis", result.rowAxis) ||
      !o.mapOptional("colAxis", result.colAxis) ||
      !o.mapOptional("maxCells", result.maxCells) ||
      !o.mapOptional("bins", result.bins) ||
      !o.mapOptional("fixed", result.fixed) ||
      !o.mapOptional("path", result.path) ||
      !o.mapOptional("format", result.format) ||
      !o.mapOptional("quick", result.quick))
    return false;
  if (const llvm::json::Value *token =
          value.getAsObject()->get("workDoneToken")) {
    if (token->kind() != llvm::json::Value::String &&
        token->kind() != llvm::json::Value::Number) {
      path.field("workDoneToken").report("expected a string or a number");
      return false;
    }
    result.workDoneToken = *token;
  }
  return true;
}

llvm::json::Value lspserver::toJSON(const FileStatusParams &params) {
  const FileStatus &s = params.status;
  // An error's detail may quote bytes of a malformed file.
  std::string detail =
      llvm::json::isUTF8(s.detail) ? s.detail : llvm::json::fixUTF8(s.detail);
  llvm::json::Object o{{"uri", params.uri.uri()},
                       {"state", s.state},
                       {"mode", s.mode},
                       {"detail", std::move(detail)}};
  if (s.fileBytes)
    o["fileBytes"] = *s.fileBytes;
  if (s.blobBytes)
    o["blobBytes"] = *s.blobBytes;
  if (s.resources)
    o["resources"] = *s.resources;
  if (s.format)
    o["format"] = *s.format;
  if (s.version)
    o["version"] = *s.version;
  return o;
}

bool lspserver::fromJSON(const llvm::json::Value &value,
                         FoldingRangeParams &result, llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("textDocument", result.textDocument);
}

llvm::json::Value lspserver::toJSON(const ProgressParams &params) {
  return llvm::json::Object{{"token", params.token},
                            {"value", llvm::json::Object(params.value)}};
}

llvm::json::Value lspserver::toJSON(const CreateProgressParams &params) {
  return llvm::json::Object{{"token", params.token}};
}

bool lspserver::fromJSON(const llvm::json::Value &value, CancelParams &result,
                         llvm::json::Path path) {
  const llvm::json::Object *o = value.getAsObject();
  if (!o || !o->get("id")) {
    path.report("expected an object with an id");
    return false;
  }
  result.id = *o->get("id");
  return true;
}

bool lspserver::fromJSON(const llvm::json::Value &value,
                         ProgressCancelParams &result, llvm::json::Path path) {
  // The server's tokens are strings; a number names none of them.
  const llvm::json::Object *o = value.getAsObject();
  const llvm::json::Value *token = o ? o->get("token") : nullptr;
  if (!token) {
    path.report("expected an object with a token");
    return false;
  }
  if (std::optional<llvm::StringRef> s = token->getAsString())
    result.token = s->str();
  return true;
}

bool lspserver::fromJSON(const llvm::json::Value &, AnyParams &,
                         llvm::json::Path) {
  return true;
}

llvm::json::Value lspserver::toJSON(const StatisticsReadyParams &params) {
  return llvm::json::Object{{"uri", params.uri}, {"name", params.name}};
}
