//===- App.h - The viewer's window, frame loop and shared view state -*- C++ -*-===//
//
// App owns the GLFW window, the ImGui context, the open Document and the
// panels, and offers the actions panels and scripts share (open a file,
// open a tensor, select an op, undo, save...). Each panel lives in its own
// file and draws from App's state; none does work that could block a frame.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_APP_H
#define MLIRSCOPE_VIEWER_APP_H

#include "Document.h"
#include "FileBrowser.h"
#include "GraphCanvas.h"
#include "ModelPanel.h"
#include "NodeDetails.h"
#include "Settings.h"
#include "TensorInspector.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct GLFWwindow;
struct ImFont;

namespace mlirscope::view {

class Script;

/// When the process started (the first call, made early in main).
std::chrono::steady_clock::time_point processStart();

struct Options {
  /// `weight`: a weight's name (--weight, or --resource KEY: a resource
  /// blob's weight is named by its key).
  std::string file, weight, op;
  /// --parameters [SCOPE=]FILE, in order: (scope, path).
  std::vector<std::pair<std::string, std::string>> parameters;
  /// --min-inline-bytes N: smaller inline weights are counted, not listed.
  uint64_t minInlineBytes = IndexOptions().minInlineBytes;
  std::string script;         ///< --script FILE
  std::string screenshot;     ///< --screenshot OUT.png (then quit)
  std::string configDir;      ///< --config DIR ("" = default, "-" = none)
  int width = 1400, height = 900;
  float scale = 0;            ///< --scale (0: settings or the monitor's)
  int benchFrames = 0;        ///< --bench-frames N
};

class App {
public:
  explicit App(Options options);
  ~App();
  /// Runs until the window closes (or the script quits). Returns the exit
  /// code.
  int run();

  // --- Actions shared by the panels, the menus and scripts. ---------------
  /// Opens `path`, asking first when the current model has unsaved edits.
  void openFile(const std::string &path);
  /// Closes the model (asking about unsaved edits), then runs `then`.
  void closeFile(std::function<void()> then = {});
  /// Opens weight `weight` (an index into ModelIndex::weights) in the
  /// tensor inspector.
  void openWeight(uint32_t weight);
  /// Binds a parameter archive (`[SCOPE=]FILE`) and indexes the model again.
  void bindParameters(const std::string &option);
  /// Asks for a scope, then an archive in the file browser.
  void askForParameters() { parameterPromptOpen = true; }
  /// File > Open URL...: asks for a model's URL (http, https, s3), the field
  /// holding `url`; `submit` opens it as the Open button would (scripts).
  void askForUrl(const std::string &url = "", bool submit = false);
  /// Selects op `op`: its details show, and the graph opens its groups
  /// and centres it (unless the click came from the graph itself).
  void selectOp(uint32_t op, bool fromGraph = false);
  void undo();
  void redo();
  void save();
  void saveAs(const std::string &path);
  void setStatus(const std::string &message, bool error = false);
  void requestScreenshot(const std::string &path) { screenshotPath = path; }
  void quit();
  /// Times the next `frames` frames (CPU time to build each) and prints
  /// median / p95 / max, labelled `label`.
  void benchFrames(int frames, std::string label) {
    benchRemaining = frames;
    benchLabel = std::move(label);
    benchMs.clear();
  }
  void resize(int width, int height);
  /// The op a `--op` spec names: `#N` or `N` (op index), `@symbol` or a
  /// symbol, else the first op of that name. ~0u when none.
  static uint32_t resolveOp(const ModelIndex &index, const std::string &spec);

  /// Answers the "unsaved edits" prompt: "save", "discard" or "cancel".
  void answerUnsavedPrompt(const std::string &answer);
  bool unsavedPromptOpen() const { return bool(afterPrompt); }

  Document *document() { return doc.get(); }
  Settings &settings() { return prefs; }
  ModelPanel &modelPanel() { return models; }
  TensorInspector &inspector() { return tensors; }
  NodeDetails &nodeDetails() { return details; }
  GraphCanvas &graphCanvas() { return graph; }
  FileBrowser &fileBrowser() { return browser; }
  uint32_t selectedOp() const { return opSelection; }
  ImFont *monoFont() const { return mono; }
  const std::string &status() const { return statusText; }
  bool statusIsError() const { return statusError; }
  /// Which right-hand tab to bring forward next frame.
  enum class Focus { None, Details, Tensor, Graph };
  void focus(Focus f) { pendingFocus = f; }
  Focus takeFocus() {
    Focus f = pendingFocus;
    pendingFocus = Focus::None;
    return f;
  }
  /// Jobs of the model, the inspector and the search still running.
  bool busy() const;

private:
  bool initWindow();
  void loadFonts(float scale);
  void frame();
  void drawMenuBar();
  void drawStatusBar(float height);
  void drawUnsavedPrompt();
  void drawParameterPrompt();
  void drawUrlPrompt();
  void takeScreenshot();
  void doOpen(const std::string &path);

  Options opts;
  Settings prefs;
  GLFWwindow *window = nullptr;
  ImFont *mono = nullptr;
  float uiScale = 1;
  bool fontsDirty = false;
  std::unique_ptr<Document> doc;
  ModelPanel models;
  TensorInspector tensors;
  NodeDetails details;
  GraphCanvas graph;
  FileBrowser browser;
  std::unique_ptr<Script> script;
  uint32_t opSelection = ~0u;
  std::string statusText;
  bool statusError = false;
  std::string screenshotPath;
  std::function<void(bool)> afterPrompt; ///< called with "go on?"
  std::function<void(bool)> afterSave;   ///< "save" answered: after it ends
  std::string droppedPath;
  bool quitting = false;
  bool parameterPromptOpen = false;
  char parameterScope[128] = "";
  bool urlPromptOpen = false;
  bool urlPromptSubmit = false;
  char urlText[2048] = "";
  bool closeRequested = false;
  Focus pendingFocus = Focus::None;
  std::string iniPath;
  int exitCode = 0;
  bool pendingStartup = true;
  int benchRemaining = 0;
  /// When the window, GL and fonts were ready, from process start.
  double windowReadyMs = 0;
  std::string benchLabel;
  std::vector<double> benchMs;
  friend class Script;
};

} // namespace mlirscope::view

#endif
