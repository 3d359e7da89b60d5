//===- FileBrowser.h - A small built-in file dialog -------------*- C++ -*-===//
//
// A modal listing one directory (folders first, then files, filtered by
// extension) with a path field, for File ▸ Open, Save As, export and replace
// from .npy. No native dialog library: GLFW has none.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_FILEBROWSER_H
#define MLIRSCOPE_VIEWER_FILEBROWSER_H

#include <functional>
#include <string>
#include <vector>

namespace mlirscope::view {

class FileBrowser {
public:
  /// Opens the dialog. `save`: the name may be new. `extensions` like
  /// {".mlir", ".mlirbc"} (empty: all files). `done` gets the chosen path.
  void open(std::string title, std::string dir, bool save,
            std::vector<std::string> extensions,
            std::function<void(const std::string &)> done,
            std::string name = "");
  /// Draws it when open; returns the directory last shown.
  void draw();
  bool isOpen() const { return visible; }
  const std::string &directory() const { return dir; }

private:
  void list();
  std::string title, dir;
  bool save = false, visible = false, justOpened = false, showAll = false;
  std::vector<std::string> extensions;
  std::function<void(const std::string &)> done;
  struct Entry {
    std::string name;
    bool isDir;
    uint64_t size;
  };
  std::vector<Entry> entries;
  char name[1024] = "";
  std::string error;
};

} // namespace mlirscope::view

#endif
