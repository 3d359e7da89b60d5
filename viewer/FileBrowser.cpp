//===- FileBrowser.cpp - A small built-in file dialog ---------------------===//

#include "FileBrowser.h"

#include "mlirscope/Support/Format.h"
#include "mlirscope/Support/NaturalOrder.h"

#include <imgui.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace mlirscope::view {

void FileBrowser::open(std::string t, std::string d, bool s,
                       std::vector<std::string> ext,
                       std::function<void(const std::string &)> cb,
                       std::string initialName) {
  title = std::move(t);
  std::error_code ec;
  if (d.empty() || !fs::is_directory(d, ec))
    d = fs::current_path(ec).string();
  dir = fs::absolute(d, ec).lexically_normal().string();
  save = s;
  extensions = std::move(ext);
  done = std::move(cb);
  snprintf(name, sizeof name, "%s", initialName.c_str());
  visible = justOpened = true;
  error.clear();
  list();
}

void FileBrowser::list() {
  entries.clear();
  std::error_code ec;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n.empty() || n[0] == '.')
      continue;
    std::error_code e2;
    bool isDir = it->is_directory(e2);
    if (!isDir && !showAll && !extensions.empty() &&
        std::none_of(extensions.begin(), extensions.end(), [&](const std::string &x) {
          return n.size() >= x.size() && n.compare(n.size() - x.size(), x.size(), x) == 0;
        }))
      continue;
    entries.push_back({n, isDir, isDir ? 0 : uint64_t(it->file_size(e2))});
  }
  if (ec)
    error = dir + ": " + ec.message();
  std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
    // `model_2.mlirbc` before `model_10.mlirbc`, as the model's own lists.
    return a.isDir != b.isDir ? a.isDir : naturalLess(a.name, b.name);
  });
}

void FileBrowser::draw() {
  if (!visible)
    return;
  if (justOpened) {
    ImGui::OpenPopup(title.c_str());
    justOpened = false;
  }
  ImVec2 size = ImGui::GetMainViewport()->Size;
  ImGui::SetNextWindowSize(ImVec2(size.x * 0.6f, size.y * 0.7f), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  bool keepOpen = true;
  if (!ImGui::BeginPopupModal(title.c_str(), &keepOpen)) {
    visible = keepOpen && visible;
    return;
  }
  std::string choose;
  ImGui::TextUnformatted(dir.c_str());
  ImGui::SameLine();
  if (ImGui::SmallButton("up")) {
    dir = fs::path(dir).parent_path().string();
    list();
  }
  ImGui::SameLine();
  if (ImGui::Checkbox("all files", &showAll))
    list();
  float footer = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().ItemSpacing.y;
  if (ImGui::BeginChild("entries", ImVec2(0, -footer), true)) {
    ImGuiListClipper clipper;
    clipper.Begin(int(entries.size()));
    while (clipper.Step())
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const Entry &e = entries[size_t(i)];
        std::string label = e.isDir ? e.name + "/" : e.name;
        if (ImGui::Selectable(label.c_str(), name == e.name,
                              ImGuiSelectableFlags_AllowDoubleClick)) {
          if (e.isDir) {
            if (ImGui::IsMouseDoubleClicked(0)) {
              dir = (fs::path(dir) / e.name).string();
              name[0] = 0;
              list();
              break;
            }
          } else {
            snprintf(name, sizeof name, "%s", e.name.c_str());
            if (ImGui::IsMouseDoubleClicked(0))
              choose = (fs::path(dir) / e.name).string();
          }
        }
        if (!e.isDir) {
          ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::GetFontSize() * 6);
          ImGui::TextDisabled("%s", formatBytes(e.size).c_str());
        }
      }
  }
  ImGui::EndChild();
  if (!error.empty())
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", error.c_str());
  ImGui::SetNextItemWidth(-ImGui::GetFontSize() * 8);
  if (ImGui::InputText("##name", name, sizeof name, ImGuiInputTextFlags_EnterReturnsTrue))
    choose = name[0] == '/' ? std::string(name) : (fs::path(dir) / name).string();
  ImGui::SameLine();
  if (ImGui::Button(save ? "Save" : "Open") && name[0])
    choose = name[0] == '/' ? std::string(name) : (fs::path(dir) / name).string();
  ImGui::SameLine();
  if (ImGui::Button("Cancel"))
    keepOpen = false;
  if (!choose.empty()) {
    std::error_code ec;
    if (fs::is_directory(choose, ec)) {
      dir = fs::absolute(choose, ec).lexically_normal().string();
      name[0] = 0;
      list();
    } else {
      visible = false;
      ImGui::CloseCurrentPopup();
      ImGui::EndPopup();
      auto cb = std::move(done);
      if (cb)
        cb(choose);
      return;
    }
  }
  if (!keepOpen) {
    visible = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

} // namespace mlirscope::view
