//===- Settings.h - What the viewer remembers between runs ------*- C++ -*-===//
//
// A small key=value file (view.ini) beside ImGui's own imgui.ini, both in
// $MLIRSCOPE_VIEW_CONFIG, else $XDG_CONFIG_HOME/mlirscope, else
// ~/.config/mlirscope. Scripted runs use none unless given --config DIR.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_SETTINGS_H
#define MLIRSCOPE_VIEWER_SETTINGS_H

#include <string>
#include <vector>

namespace mlirscope::view {

struct Settings {
  /// Where the files live; empty: nothing is read or written.
  std::string dir;
  std::vector<std::string> recentFiles; ///< most recent first
  float fontSize = 15.f;                ///< before DPI scaling
  float uiScale = 0.f;                  ///< 0: the monitor's content scale
  float modelPanelWidth = 420.f;
  std::string browserDir;               ///< where File ▸ Open starts

  /// The default directory described above.
  static std::string defaultDir();
  void load();
  void save() const;
  void addRecent(const std::string &path);
  std::string imguiIniPath() const { return dir.empty() ? "" : dir + "/imgui.ini"; }
};

} // namespace mlirscope::view

#endif
