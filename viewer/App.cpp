//===- App.cpp - The viewer's window, frame loop and shared view state ----===//

#include "App.h"

#include "Format.h"
#include "Png.h"
#include "Script.h"

#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Format.h"
#include "mlirscope/Support/Version.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <sys/resource.h>

namespace mlirscope::view {

std::chrono::steady_clock::time_point processStart() {
  static const auto start = std::chrono::steady_clock::now();
  return start;
}

namespace {

const char *findFont(const char *const *candidates) {
  for (const char *const *c = candidates; *c; ++c)
    if (std::filesystem::exists(*c))
      return *c;
  return nullptr;
}

const char *const kSansFonts[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    nullptr};
const char *const kMonoFonts[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    nullptr};

} // namespace

App::App(Options options) : opts(std::move(options)) {
  if (opts.configDir == "-")
    prefs.dir.clear();
  else
    prefs.dir = opts.configDir.empty() ? Settings::defaultDir() : opts.configDir;
  prefs.load();
}

App::~App() {
  // Every job joins before GLFW goes: none may wake a terminated loop.
  Job::wakeUp() = nullptr;
  tensors.closeAll();
  graph.reset();
  models.reset();
  doc.reset();
  if (window) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
#ifndef __SANITIZE_ADDRESS__
    glfwTerminate();
#else
    // glfwTerminate unloads Mesa's driver; LeakSanitizer, which runs at
    // exit, could then not name the module of the driver's own leaks, and
    // test/viewer/lsan.supp could not suppress them.
#endif
  }
}

uint32_t App::resolveOp(const ModelIndex &index, const std::string &spec) {
  std::string s = spec;
  if (s.empty())
    return ~0u;
  if (s[0] == '#')
    s = s.substr(1);
  if (!s.empty() && std::all_of(s.begin(), s.end(), ::isdigit)) {
    unsigned long long n = std::stoull(s);
    return n < index.ops.size() ? uint32_t(n) : ~0u;
  }
  std::string sym = spec[0] == '@' ? spec.substr(1) : spec;
  for (uint32_t i = 0; i < index.ops.size(); ++i)
    if (index.ops[i].symbol == sym)
      return i;
  for (uint32_t i = 0; i < index.ops.size(); ++i)
    if (index.getOpName(index.ops[i]) == spec)
      return i;
  return ~0u;
}

bool App::busy() const {
  if (doc && (doc->loading() || doc->saving()))
    return true;
  return models.searching() || tensors.busy() || graph.busy() || bool(afterSave);
}

void App::setStatus(const std::string &message, bool error) {
  statusText = message;
  statusError = error;
}

void App::quit() { quitting = true; }

void App::resize(int width, int height) {
  if (window)
    glfwSetWindowSize(window, width, height);
}

void App::doOpen(const std::string &path) {
  tensors.closeAll();
  models.reset();
  details.reset();
  graph.reset();
  opSelection = ~0u;
  // Archives from the command line bind for every model opened.
  IndexOptions options;
  options.parameters = opts.parameters;
  options.minInlineBytes = opts.minInlineBytes;
  doc = std::make_unique<Document>(path, std::move(options));
  prefs.addRecent(path);
  if (!isUrl(path))
    prefs.browserDir = std::filesystem::path(path).parent_path().string();
  prefs.save();
  if (window)
    glfwSetWindowTitle(window, ("mlirscope-view: " + path).c_str());
  setStatus((isUrl(path) ? "fetching " : "indexing ") + path);
}

void App::askForUrl(const std::string &url, bool submit) {
  urlPromptOpen = true;
  urlPromptSubmit = submit;
  if (!url.empty())
    std::snprintf(urlText, sizeof urlText, "%s", url.c_str());
}

void App::closeFile(std::function<void()> then) {
  auto go = [this, then] {
    tensors.closeAll();
    models.reset();
    details.reset();
    graph.reset();
    doc.reset();
    opSelection = ~0u;
    if (window)
      glfwSetWindowTitle(window, "mlirscope-view");
    if (then)
      then();
  };
  if (doc && doc->dirty()) {
    afterPrompt = [go](bool proceed) {
      if (proceed)
        go();
    };
    return;
  }
  go();
}

void App::openFile(const std::string &path) {
  closeFile([this, path] { doOpen(path); });
}

void App::answerUnsavedPrompt(const std::string &answer) {
  if (!afterPrompt)
    return;
  auto cont = std::move(afterPrompt);
  afterPrompt = nullptr;
  if (answer == "discard") {
    cont(true);
  } else if (answer == "save" && doc) {
    doc->save();
    afterSave = std::move(cont);
  } else {
    cont(false);
    setStatus("kept the unsaved edits");
  }
}

void App::openWeight(uint32_t w) {
  if (!doc || !doc->index())
    return;
  tensors.open(*this, w);
  focus(Focus::Tensor);
}

void App::bindParameters(const std::string &option) {
  if (!doc) {
    setStatus("open a model before binding parameters", true);
    return;
  }
  auto parameter = parseParameterOption(option);
  std::string e = doc->bindParameters(parameter);
  if (!e.empty()) {
    setStatus(e, true);
    return;
  }
  // The tabs and the selection point into the index being replaced.
  tensors.closeAll();
  details.reset();
  graph.reset();
  models.reset();
  opSelection = ~0u;
  setStatus("binding " +
            (parameter.first.empty() ? "" : parameter.first + "=") +
            parameter.second);
}

void App::selectOp(uint32_t op, bool fromGraph) {
  opSelection = op;
  if (!fromGraph)
    graph.reveal(op);
  focus(Focus::Graph);
}

void App::undo() {
  if (!doc)
    return;
  std::string label = doc->edits().undo();
  setStatus(label.empty() ? "nothing to undo" : "undid: " + label);
}

void App::redo() {
  if (!doc)
    return;
  std::string label = doc->edits().redo();
  setStatus(label.empty() ? "nothing to redo" : "redid: " + label);
}

void App::save() {
  if (doc && doc->isRemote()) {
    // Nothing to write back to: the model lives at its URL.
    setStatus(doc->path() + ": a remote model cannot be saved; make a local "
                            "copy first (mlirscope rewrite " +
                  doc->path() + " -o local.mlirbc, or File > Save As...)",
              true);
    return;
  }
  if (!doc || !doc->dirty()) {
    setStatus("nothing to save");
    return;
  }
  doc->save();
  setStatus("saving " + doc->path());
}

void App::saveAs(const std::string &path) {
  if (!doc || !doc->index())
    return;
  doc->saveAs(path);
  setStatus("saving as " + path);
}

bool App::initWindow() {
  glfwSetErrorCallback([](int code, const char *text) {
    fprintf(stderr, "mlirscope-view: GLFW error %d: %s\n", code, text);
  });
  if (!glfwInit()) {
    fprintf(stderr, "mlirscope-view: cannot open a window (no display? "
                    "headless: xvfb-run -a mlirscope-view ...)\n");
    return false;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 2);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  window = glfwCreateWindow(opts.width, opts.height, "mlirscope-view", nullptr, nullptr);
  if (!window) {
    fprintf(stderr, "mlirscope-view: cannot create an OpenGL 3.2 window\n");
    glfwTerminate();
    return false;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(script || !opts.screenshot.empty() || opts.benchFrames ? 0 : 1);
  glfwSetWindowUserPointer(window, this);
  glfwSetDropCallback(window, [](GLFWwindow *w, int count, const char **paths) {
    if (count > 0)
      static_cast<App *>(glfwGetWindowUserPointer(w))->droppedPath = paths[0];
  });
  glfwSetWindowCloseCallback(window, [](GLFWwindow *w) {
    App *app = static_cast<App *>(glfwGetWindowUserPointer(w));
    if (app->doc && app->doc->dirty()) {
      glfwSetWindowShouldClose(w, GLFW_FALSE);
      app->closeFile([app] { app->quit(); });
    }
  });

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO &io = ImGui::GetIO();
  iniPath = prefs.imguiIniPath();
  io.IniFilename = iniPath.empty() ? nullptr : iniPath.c_str();
  if (!iniPath.empty())
    std::filesystem::create_directories(prefs.dir);
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui::StyleColorsDark();
  float xs = 1, ys = 1;
  glfwGetWindowContentScale(window, &xs, &ys);
  uiScale = opts.scale > 0 ? opts.scale : prefs.uiScale > 0 ? prefs.uiScale : std::max(1.f, xs);
  ImGuiStyle &style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.ScaleAllSizes(uiScale);
  loadFonts(uiScale);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 150");
  return true;
}

void App::loadFonts(float scale) {
  ImGuiIO &io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesDefault());
  // Arrows, math, geometric shapes (▸ ×) and general punctuation (…).
  static const ImWchar extra[] = {0x2010, 0x206F, 0x2190, 0x21FF, 0x2200, 0x22FF,
                                  0x25A0, 0x25FF, 0};
  builder.AddRanges(extra);
  static ImVector<ImWchar> ranges;
  ranges.clear();
  builder.BuildRanges(&ranges);
  float size = std::round(prefs.fontSize * scale);
  ImFontConfig config;
  config.OversampleH = 2;
  const char *sans = findFont(kSansFonts);
  if (const char *env = getenv("MLIRSCOPE_VIEW_FONT"); env && *env)
    sans = env;
  ImFont *font = sans ? io.Fonts->AddFontFromFileTTF(sans, size, &config, ranges.Data) : nullptr;
  if (!font) {
    ImFontConfig d;
    d.SizePixels = 13 * scale;
    io.Fonts->AddFontDefault(&d);
  }
  const char *monoPath = findFont(kMonoFonts);
  mono = monoPath ? io.Fonts->AddFontFromFileTTF(monoPath, size, &config, ranges.Data) : nullptr;
  if (!mono)
    mono = io.Fonts->Fonts[0];
}

void App::drawMenuBar() {
  if (!ImGui::BeginMainMenuBar())
    return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open...", "Ctrl+O"))
      browser.open("Open a model", prefs.browserDir, false, {".mlir", ".mlirbc"},
                   [this](const std::string &p) { openFile(p); });
    if (ImGui::MenuItem("Open URL..."))
      askForUrl();
    if (ImGui::BeginMenu("Open Recent", !prefs.recentFiles.empty())) {
      for (const std::string &r : std::vector<std::string>(prefs.recentFiles))
        if (ImGui::MenuItem(r.c_str()))
          openFile(r);
      ImGui::EndMenu();
    }
    bool loaded = doc && doc->index();
    if (ImGui::MenuItem("Save", "Ctrl+S", false, loaded && doc->dirty() && !doc->saving()))
      save();
    if (ImGui::MenuItem("Save As...", "Ctrl+Shift+S", false, loaded && !doc->saving())) {
      std::string name = std::filesystem::path(doc->path()).filename().string();
      browser.open("Save as", prefs.browserDir, true, {".mlir", ".mlirbc"},
                   [this](const std::string &p) { saveAs(p); }, name);
    }
    if (ImGui::MenuItem("Bind Parameters...", nullptr, false,
                        loaded && !doc->saving() && !doc->dirty()))
      askForParameters();
    if (ImGui::MenuItem("Close", nullptr, false, bool(doc)))
      closeFile();
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q"))
      closeFile([this] { quit(); });
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Edit")) {
    bool canUndo = doc && doc->edits().canUndo(), canRedo = doc && doc->edits().canRedo();
    std::string undoLabel = canUndo ? "Undo " + doc->edits().actions().back().label : "Undo";
    if (ImGui::MenuItem(undoLabel.c_str(), "Ctrl+Z", false, canUndo))
      undo();
    if (ImGui::MenuItem("Redo", "Ctrl+Y", false, canRedo))
      redo();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::SliderFloat("font size", &prefs.fontSize, 10, 28, "%.0f"))
      fontsDirty = true;
    if (ImGui::MenuItem("Functions"))
      models.showList(0);
    if (ImGui::MenuItem("Ops"))
      models.showList(1);
    if (ImGui::MenuItem("Weights"))
      models.showList(2);
    ImGui::EndMenu();
  }
  if (doc && doc->dirty()) {
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "  %zu unsaved edit(s)", doc->edits().size());
  }
  ImGui::EndMainMenuBar();
}

void App::drawStatusBar(float height) {
  ImGuiViewport *vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - height));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 3));
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing);
  std::shared_ptr<Job> job = doc ? doc->activeJob() : nullptr;
  if (job) {
    ImGui::ProgressBar(job->fraction(), ImVec2(ImGui::GetFontSize() * 12, 0));
    ImGui::SameLine();
    ImGui::TextUnformatted(job->label().c_str());
    // A model loading from its URL: what the transfers have cost so far.
    if (doc->loading() && doc->remoteCounters()) {
      const RemoteCounters &c = *doc->remoteCounters();
      ImGui::SameLine();
      ImGui::TextDisabled("%s fetched, %s requests, %s round trips",
                          formatBytes(c.bytesFetched).c_str(),
                          formatCount(c.requests).c_str(),
                          formatCount(c.roundTrips).c_str());
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("cancel"))
      job->requestCancel();
  } else if (statusError) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s", statusText.c_str());
  } else {
    ImGui::TextUnformatted(statusText.c_str());
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

void App::drawParameterPrompt() {
  if (!parameterPromptOpen)
    return;
  if (!ImGui::IsPopupOpen("Bind parameters"))
    ImGui::OpenPopup("Bind parameters");
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Bind parameters", nullptr,
                             ImGuiWindowFlags_AlwaysAutoResize)) {
    // As `iree-run-module --parameters=SCOPE=FILE`: the archive answers
    // #stream.parameter.named<"SCOPE"::"key"> references.
    ImGui::TextUnformatted(
        "Bind an archive (.irpa, .safetensors, .gguf) to a scope");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    ImGui::InputTextWithHint("scope", "empty: references without a scope",
                             parameterScope, sizeof parameterScope);
    bool choose = ImGui::Button("Choose the archive...");
    ImGui::SameLine();
    bool cancel = ImGui::Button("Cancel");
    if (choose || cancel) {
      parameterPromptOpen = false;
      ImGui::CloseCurrentPopup();
    }
    if (choose) {
      std::string scope = parameterScope;
      browser.open("Bind parameters", prefs.browserDir, false,
                   {".irpa", ".safetensors", ".gguf"},
                   [this, scope](const std::string &p) {
                     bindParameters(scope + "=" + p);
                   });
    }
    ImGui::EndPopup();
  }
}

void App::drawUrlPrompt() {
  if (!urlPromptOpen)
    return;
  if (!ImGui::IsPopupOpen("Open URL"))
    ImGui::OpenPopup("Open URL");
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Open URL", nullptr,
                             ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::TextUnformatted("A model where it lives: only the bytes looked at "
                           "are fetched");
    if (ImGui::IsWindowAppearing())
      ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 36);
    bool entered = ImGui::InputTextWithHint(
        "##url", "https://host/model.mlirbc or s3://bucket/key", urlText,
        sizeof urlText, ImGuiInputTextFlags_EnterReturnsTrue);
    bool open = ImGui::Button("Open") || entered || urlPromptSubmit;
    ImGui::SameLine();
    bool cancel = ImGui::Button("Cancel");
    std::string url = llvm::StringRef(urlText).trim().str();
    if (open && !isUrl(url)) {
      setStatus("'" + url + "' is not an http://, https:// or s3:// URL", true);
      open = false;
      urlPromptSubmit = false;
    }
    if (open || cancel) {
      urlPromptOpen = urlPromptSubmit = false;
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
    if (open)
      openFile(url);
  }
}

void App::drawUnsavedPrompt() {
  if (!afterPrompt)
    return;
  if (!ImGui::IsPopupOpen("Unsaved edits"))
    ImGui::OpenPopup("Unsaved edits");
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Unsaved edits", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text("%zu unsaved edit(s) to %s.", doc ? doc->edits().size() : 0,
                doc ? doc->path().c_str() : "");
    ImGui::Text("Save them into the file before closing it?");
    std::string answer;
    if (ImGui::Button("Save"))
      answer = "save";
    ImGui::SameLine();
    if (ImGui::Button("Discard"))
      answer = "discard";
    ImGui::SameLine();
    if (ImGui::Button("Cancel"))
      answer = "cancel";
    if (!answer.empty()) {
      ImGui::CloseCurrentPopup();
      answerUnsavedPrompt(answer);
    }
    ImGui::EndPopup();
  }
}

void App::frame() {
  ImGuiIO &io = ImGui::GetIO();
  if (!droppedPath.empty()) {
    std::string p = std::move(droppedPath);
    droppedPath.clear();
    openFile(p);
  }
  if (doc) {
    std::string message = doc->poll();
    if (!message.empty())
      setStatus(message, message.rfind("failed", 0) == 0);
    else if (!doc->loading() && !doc->index() && !doc->error().empty() &&
             statusText.rfind("indexing", 0) == 0)
      setStatus(doc->error(), true);
    if (pendingStartup && doc->index()) {
      pendingStartup = false;
      if (!opts.weight.empty()) {
        uint32_t w = doc->findWeight(opts.weight);
        if (w != kNone)
          openWeight(w);
        else
          setStatus("no weight '" + opts.weight + "'", true);
      }
      if (!opts.op.empty()) {
        uint32_t op = resolveOp(*doc->index(), opts.op);
        if (op != ~0u)
          selectOp(op);
        else
          setStatus("no op '" + opts.op + "'", true);
      }
    }
  }
  graph.poll(*this);
  if (afterSave && doc && !doc->saving()) {
    auto cont = std::move(afterSave);
    afterSave = nullptr;
    cont(!doc->dirty());
  }

  // Shortcuts (not while typing into a field).
  if (!io.WantTextInput && io.KeyCtrl) {
    if (ImGui::IsKeyPressed(GLFW_KEY_Z, false))
      io.KeyShift ? redo() : undo();
    if (ImGui::IsKeyPressed(GLFW_KEY_Y, false))
      redo();
    if (ImGui::IsKeyPressed(GLFW_KEY_S, false) && doc && doc->index()) {
      if (io.KeyShift)
        browser.open("Save as", prefs.browserDir, true, {".mlir", ".mlirbc"},
                     [this](const std::string &p) { saveAs(p); },
                     std::filesystem::path(doc->path()).filename().string());
      else
        save();
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_O, false))
      browser.open("Open a model", prefs.browserDir, false, {".mlir", ".mlirbc"},
                   [this](const std::string &p) { openFile(p); });
    if (ImGui::IsKeyPressed(GLFW_KEY_Q, false))
      closeFile([this] { quit(); });
  }

  drawMenuBar();
  ImGuiViewport *vp = ImGui::GetMainViewport();
  float statusH = ImGui::GetFrameHeight() + 6;
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, vp->WorkSize.y - statusH));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 4));
  ImGui::Begin("##main", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PopStyleVar();
  float width = std::clamp(prefs.modelPanelWidth * uiScale, 150.f, vp->WorkSize.x - 200);
  ImGui::BeginChild("model", ImVec2(width, 0), true);
  models.draw(*this);
  ImGui::EndChild();
  ImGui::SameLine(0, 0);
  ImGui::InvisibleButton("splitter", ImVec2(6, ImGui::GetContentRegionAvail().y));
  if (ImGui::IsItemHovered() || ImGui::IsItemActive())
    ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
  if (ImGui::IsItemActive())
    prefs.modelPanelWidth = std::max(150.f, prefs.modelPanelWidth + io.MouseDelta.x / uiScale);
  if (ImGui::IsItemDeactivated())
    prefs.save();
  ImGui::SameLine(0, 0);
  ImGui::BeginChild("right", ImVec2(0, 0), false);
  Focus f = takeFocus();
  if (ImGui::BeginTabBar("right", ImGuiTabBarFlags_Reorderable)) {
    if (ImGui::BeginTabItem("Graph", nullptr,
                            f == Focus::Graph || f == Focus::Details
                                ? ImGuiTabItemFlags_SetSelected
                                : 0)) {
      // The canvas, and the selected op's details beside it.
      bool showDetails = doc && doc->index() && opSelection < doc->index()->ops.size();
      float side = showDetails ? std::max(ImGui::GetFontSize() * 18,
                                          ImGui::GetContentRegionAvail().x * 0.3f)
                               : 0.f;
      ImGui::BeginChild("canvas", ImVec2(-side, 0), false,
                        ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
      graph.draw(*this);
      ImGui::EndChild();
      if (showDetails) {
        ImGui::SameLine();
        ImGui::BeginChild("details", ImVec2(0, 0), true);
        details.draw(*this);
        ImGui::EndChild();
      }
      ImGui::EndTabItem();
    }
    tensors.drawTabs(*this, f == Focus::Tensor);
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::End();
  drawStatusBar(statusH);
  drawUnsavedPrompt();
  drawParameterPrompt();
  drawUrlPrompt();
  browser.draw();
  if (!browser.directory().empty() && browser.isOpen())
    prefs.browserDir = browser.directory();
}

void App::takeScreenshot() {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  std::vector<uint8_t> pixels(size_t(w) * h * 3), flipped(pixels.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  size_t row = size_t(w) * 3;
  for (int y = 0; y < h; ++y)
    std::copy(pixels.begin() + long(size_t(h - 1 - y) * row),
              pixels.begin() + long(size_t(h - y) * row), flipped.begin() + long(size_t(y) * row));
  std::string error = writePng(screenshotPath, flipped.data(), uint32_t(w), uint32_t(h), 3);
  if (!error.empty()) {
    fprintf(stderr, "mlirscope-view: %s\n", error.c_str());
    exitCode = 1;
  } else {
    printf("screenshot: %s %dx%d\n", screenshotPath.c_str(), w, h);
    fflush(stdout);
  }
  screenshotPath.clear();
}

int App::run() {
  if (!opts.script.empty()) {
    std::string error;
    script = Script::load(opts.script, error);
    if (!script) {
      fprintf(stderr, "mlirscope-view: %s\n", error.c_str());
      return 1;
    }
  }
  installFaultGuard();
  // The model is indexed while the window, OpenGL and the font atlas come
  // up (a few hundred ms with Mesa's software GL).
  if (!opts.file.empty())
    doOpen(opts.file);
  else
    pendingStartup = false;
  if (!initWindow())
    return 1;
  windowReadyMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            processStart())
                      .count();
  Job::wakeUp() = [] { glfwPostEmptyEvent(); };
  if (doc)
    glfwSetWindowTitle(window, ("mlirscope-view: " + doc->path()).c_str());
  int frames = 0, screenshotFrames = 0;
  std::vector<double> frameMs;
  // --bench-frames: when the model, its graph and the first frame drawing
  // it were ready, from process start.
  double indexedAt = 0, graphAt = 0;
  auto sinceStart = [] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                     processStart())
        .count();
  };
  while (!glfwWindowShouldClose(window) && !quitting) {
    bool animate = script || !opts.screenshot.empty() || opts.benchFrames || busy() ||
                   browser.isOpen();
    if (Job::running() > 0)
      // Work in flight: a frame now and then for the progress bars, and one
      // as soon as a job finishes. Drawing flat out (headless, or without
      // vsync) would give Mesa's software rasterizer the cores the workers
      // need: it doubled the time to a 100 GB model's first graph.
      glfwWaitEventsTimeout(1.0 / 30);
    else if (animate)
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(0.25);
    if (fontsDirty) {
      fontsDirty = false;
      loadFonts(uiScale);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
      prefs.save();
    }
    auto t0 = std::chrono::steady_clock::now();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (script || !opts.screenshot.empty())
      // Scripted runs: no stray pointer (xvfb's sits mid-window) hovering
      // cells and raising tooltips in screenshots.
      ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    if (script)
      script->step(*this);
    frame();
    ImGui::Render();
    auto t1 = std::chrono::steady_clock::now();
    int w, h;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.1f, 0.1f, 0.11f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++frames;
    if (benchRemaining > 0) {
      benchMs.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      if (--benchRemaining == 0) {
        std::sort(benchMs.begin(), benchMs.end());
        printf("bench %s: %zu frames, cpu ms per frame: median %.2f  p95 %.2f  max %.2f\n",
               benchLabel.c_str(), benchMs.size(), benchMs[benchMs.size() / 2],
               benchMs[benchMs.size() * 95 / 100], benchMs.back());
        fflush(stdout);
      }
    }
    if (opts.benchFrames) {
      if (!indexedAt && doc && doc->index())
        indexedAt = sinceStart();
      if (!graphAt && graph.view()) {
        glFinish();
        graphAt = sinceStart();
      }
      frameMs.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      if (int(frameMs.size()) >= opts.benchFrames && !busy())
        quitting = true;
    }
    // --screenshot: after the model is open and a few frames of warm-up.
    if (!opts.screenshot.empty() && !script && screenshotPath.empty()) {
      if (!busy() && ++screenshotFrames >= 6) {
        screenshotPath = opts.screenshot;
        opts.screenshot.clear();
        quitting = true;
      }
    }
    if (!screenshotPath.empty())
      takeScreenshot();
    glfwSwapBuffers(window);
    if (script && script->finished())
      quitting = true;
  }
  if (opts.benchFrames && !frameMs.empty()) {
    std::vector<double> sorted = frameMs;
    std::sort(sorted.begin(), sorted.end());
    printf("frames: %zu  cpu ms per frame: median %.2f  p95 %.2f  max %.2f\n", sorted.size(),
           sorted[sorted.size() / 2], sorted[sorted.size() * 95 / 100], sorted.back());
    printf("from process start: window ready %.0f ms, model indexed %.0f ms, first frame "
           "with its graph %.0f ms (grouping %.0f ms, layout %.0f ms)\n",
           windowReadyMs, indexedAt, graphAt, graph.buildMs(), graph.layoutMs());
    if (const GraphView *v = graph.view())
      printf("graph view: %zu nodes, %zu edges\n", v->nodes.size(), v->edges.size());
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("peak RSS: %.0f MB\n", double(usage.ru_maxrss) / 1024);
  }
  prefs.save();
  if (script && script->exitCode())
    return script->exitCode();
  return exitCode;
}

} // namespace mlirscope::view
