//===- Settings.cpp - What the viewer remembers between runs --------------===//

#include "Settings.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mlirscope::view {

std::string Settings::defaultDir() {
  if (const char *d = std::getenv("MLIRSCOPE_VIEW_CONFIG"); d && *d)
    return d;
  if (const char *d = std::getenv("XDG_CONFIG_HOME"); d && *d)
    return std::string(d) + "/mlirscope";
  if (const char *h = std::getenv("HOME"); h && *h)
    return std::string(h) + "/.config/mlirscope";
  return "";
}

void Settings::load() {
  if (dir.empty())
    return;
  std::ifstream in(dir + "/view.ini");
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos)
      continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    try {
      if (key == "recent" && recentFiles.size() < 10)
        recentFiles.push_back(value);
      else if (key == "fontSize")
        fontSize = std::clamp(std::stof(value), 8.f, 40.f);
      else if (key == "uiScale")
        uiScale = std::clamp(std::stof(value), 0.f, 4.f);
      else if (key == "modelPanelWidth")
        modelPanelWidth = std::clamp(std::stof(value), 150.f, 3000.f);
      else if (key == "browserDir")
        browserDir = value;
    } catch (...) {
      // A hand-edited value that is not a number: keep the default.
    }
  }
}

void Settings::save() const {
  if (dir.empty())
    return;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string tmp = dir + "/view.ini.tmp";
  {
    std::ofstream out(tmp);
    for (const std::string &r : recentFiles)
      out << "recent=" << r << "\n";
    out << "fontSize=" << fontSize << "\n";
    out << "uiScale=" << uiScale << "\n";
    out << "modelPanelWidth=" << modelPanelWidth << "\n";
    out << "browserDir=" << browserDir << "\n";
    if (!out)
      return;
  }
  std::filesystem::rename(tmp, dir + "/view.ini", ec);
}

void Settings::addRecent(const std::string &path) {
  std::error_code ec;
  std::string abs = std::filesystem::absolute(path, ec).lexically_normal();
  if (ec)
    abs = path;
  recentFiles.erase(std::remove(recentFiles.begin(), recentFiles.end(), abs),
                    recentFiles.end());
  recentFiles.insert(recentFiles.begin(), abs);
  if (recentFiles.size() > 10)
    recentFiles.resize(10);
}

} // namespace mlirscope::view
